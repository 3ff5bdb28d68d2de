"""Model answers: what the recommendation API answers for an online or automl model, fixed
by the test (the fake runs no model). One answer per model, a JSON object (usually
`{"items": [...]}`, what an sktmls model's `predict` returns); seeded, set through
`Store.set_model_answer`, `mls_factory.model_answer` or `PUT /_mock/models/{id}/answer`,
dumped and persisted like any record. An answer computed per request (a callable) lives on
`MLSMock.answer` instead, in memory only."""

import copy

from .. import validation as v
from ..errors import FieldError, NotFound
from . import schema as s
from .resource import Resource

# Levels a state document puts around an answer: {"model_answers": [{"answer": <answer>}]}.
ENCLOSING_ANSWER = 3
ANSWER = {"type": "object", "description": 'the channel\'s answer, e.g. {"items": [...]}'}


class ModelAnswers(Resource):
    plural, kind = "model_answers", "model_answer"  # routes: api/recommendation.py (/_mock/)
    name_field = "model"  # one answer per model
    list_query = ()
    body_schema = s.obj(["model", "answer"], {"model": s.ID, "answer": ANSWER})
    record_schema = s.obj(
        ["id", "model", "answer", "created_at", "updated_at"], {"id": s.ID, "model": s.ID, "answer": ANSWER, **s.STAMPS}
    )
    seed_schema = s.obj(["model", "answer"], {**s.SEEDED, "model": s.ID, "answer": ANSWER})

    def fields(self, body: dict, current: dict | None) -> dict:
        model_id = v.required_id(body, "model")
        self.store.resources["models"].table.referenced(model_id, "model")
        answer = body.get("answer")
        if not isinstance(answer, dict):
            raise FieldError("answer", 'must be a JSON object, e.g. {"items": [...]}')
        return {"model": model_id, "answer": v.json_value(answer, "answer", ENCLOSING_ANSWER)}

    def shown_name(self, fields: dict) -> str:
        return f"of model {fields['model']}"

    def put(self, model_id: int, answer: dict) -> dict:
        """Set the model's answer, replacing the one it had."""
        self.store.resources["models"].table.get(model_id)  # a path's model that does not exist: 404
        fields = self.fields({"model": model_id, "answer": answer}, None)
        found = self.table.ids_by_name.get(model_id)
        if found is None:
            return self.render(self.insert(fields))
        row = self.table.rows[found]
        self.touch(row, {"answer": fields["answer"]})
        return self.render(row)

    def of_model(self, model_id: int) -> dict | None:
        stored = self.stored(model_id)
        return None if stored is None else copy.deepcopy(stored)

    def stored(self, model_id: int) -> dict | None:
        """The model's answer as stored (not a copy: read it, never change it)."""
        found = self.table.ids_by_name.get(model_id)
        return None if found is None else self.table.rows[found]["answer"]

    def forget(self, model_id: int) -> None:
        self.store.resources["models"].table.get(model_id)
        found = self.table.ids_by_name.get(model_id)
        if found is None:
            raise NotFound(f"model {model_id} has no fixed answer")
        self.tx.remove(self.table, found, model_id)

    def drop_model(self, model_id: int) -> None:
        """A model is going: so is its answer."""
        found = self.table.ids_by_name.get(model_id)
        if found is not None:
            self.tx.remove(self.table, found, model_id)

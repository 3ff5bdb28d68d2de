"""Models: read-only over the AB API (routes hand-written for the viewer rule), created by
seeds, factories and `Store.create_model`; buckets with a batch/online/automl prediction
point at one."""

import copy
from collections.abc import Hashable

from .. import validation as v
from ..errors import FieldError, NotFound
from . import schema as s
from .resource import Resource
from .table import matching, paginate

MODEL_TYPES = ("manual", "automl")
MODEL_FIELDS = (
    "description",
    "creator",
    "status",
    "table",
    "model_lib",
    "model_data",
    "model_meta",
    "features",
    "components",
    "is_enabled",
    "dataset_id",
    "dataset_name",
    "automl_model_info",
)
# Levels a state document puts around a model field: {"models": [{"model_meta": <value>}]}.
ENCLOSING_MODEL_FIELD = 3


class Models(Resource):
    plural, kind = "models", "model"
    list_query = ("id", "name", "version", "model_type", "query")
    body_schema = s.obj(
        ["name", "version", "model_type"],
        {
            "name": s.NAME,
            "version": s.NAME,
            "model_type": {"enum": list(MODEL_TYPES)},
            "components": s.nullable(s.array({"type": "object"})),
        },
    )
    record_schema = s.obj(
        ["id", "name", "version", "model_type", "created_at", "updated_at"],
        {
            "id": s.ID,
            "name": s.STRING,
            "version": s.STRING,
            "model_type": {"enum": list(MODEL_TYPES)},
            **dict.fromkeys(MODEL_FIELDS, s.ANY),
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(["name", "version", "model_type"], {**s.SEEDED, **body_schema["properties"]})

    def fields(self, body: dict, current: dict | None) -> dict:
        fields = {
            "name": v.name(body, "name"),
            "version": v.name(body, "version"),
            "model_type": v.choice(body, "model_type", MODEL_TYPES),
        }
        components = body.get("components")
        if components is not None and not (
            isinstance(components, list) and all(isinstance(c, dict) for c in components)
        ):
            # sktmls builds Component(**c) from each one when it reads the model back.
            raise FieldError("components", 'must be a list of component objects ({"id", "name", ...}) or null')
        fields.update({key: v.json_value(body.get(key), key, ENCLOSING_MODEL_FIELD) for key in MODEL_FIELDS})
        return fields

    def name_key(self, fields: dict) -> Hashable:
        return (fields["name"], fields["version"])  # one name, several versions

    def shown_name(self, fields: dict) -> str:
        return f"{fields['name']} {fields['version']}"

    def render(self, row: dict) -> dict:
        return copy.deepcopy(row)

    def visible(self, row: dict, viewer: str | None) -> bool:
        """Whether `viewer` may read the model: an automl model is its creator's alone unless
        `shared_automl_models` is on; `viewer` None (the store's own callers) sees all."""
        return (
            viewer is None
            or row["model_type"] != "automl"
            or row["creator"] == viewer
            or "shared_automl_models" in self.store.generous
        )

    def list(
        self,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
        *,
        version: str | None = None,
        model_type: str | None = None,
        viewer: str | None = None,
    ) -> list[dict]:
        rows = self.table.select(id, None, "name")
        rows = [
            r
            for r in matching(rows, "name", query)
            if self.visible(r, viewer)
            and (name is None or r["name"] == name)
            and (version is None or r["version"] == version)
            and (model_type is None or r["model_type"] == model_type)
        ]
        return [self.render(r) for r in paginate(rows, page)]

    def get(self, record_id: int, viewer: str | None = None) -> dict:
        row = self.table.get(record_id)
        if not self.visible(row, viewer):
            raise NotFound.record("model", record_id)  # as if absent: nothing to learn about others' models
        return self.render(row)

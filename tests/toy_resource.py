"""A toy resource registered only in tests (`with_toy(monkeypatch)`), to prove that the
generic test machinery covers a kind it has never heard of: the README's "Adding a
resource" example under another name, plus a relation (a memo may pin a filter) so that a
schema-valid body can still be refused."""
from mls_mock import validation as v
from mls_mock.store import core, schema as s
from mls_mock.store.resource import Resource

TOY_SEED = {"memos": [{"id": 1, "name": "장보기", "text": "우유", "filter_id": None}]}


class Memos(Resource):
    plural, kind, path = "memos", "memo", "/api/v1/memos"
    keeps_user = True
    body_schema = s.obj(["name"], {"name": s.NAME, "text": s.TEXT, "filter_id": s.nullable(s.ID)})
    record_schema = s.obj(
        ["id", "name", "text", "filter_id", "user", "created_at", "updated_at"],
        {"id": s.ID, "name": s.STRING, "text": s.STRING, "filter_id": s.nullable(s.ID), "user": s.TEXT, **s.STAMPS},
    )
    seed_schema = s.obj(["name"], {**s.SEEDED, "name": s.NAME, "text": s.TEXT, "filter_id": s.nullable(s.ID)})

    def fields(self, body: dict, current: dict | None) -> dict:
        filter_id = v.optional_id(body, "filter_id")
        if filter_id is not None:
            self.store.resources["filters"].table.referenced(filter_id, "filter_id")
        return {"name": v.name(body, "name"), "text": v.text(body, "text", ""), "filter_id": filter_id}


def with_toy(monkeypatch) -> None:
    """Register `Memos` after the real resources for the stores made from now on."""
    monkeypatch.setattr(core, "RESOURCES", (*core.RESOURCES, Memos))

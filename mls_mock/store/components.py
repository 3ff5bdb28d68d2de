"""Components: named pieces a manual model lists by name. A name has versions (`info`), and
at most one version of a name is the latest: `get_component(name=...)` asks for
`is_latest=True` and refuses more than one answer."""

import builtins
from collections.abc import Hashable
from typing import Any

from .. import validation as v
from ..errors import Conflict, FieldError
from . import schema as s
from .resource import Resource
from .table import matching, paginate

# What `requests` sends for a Python bool in a query (`str(True)`): all the client ever sends.
QUERY_BOOLS = {"True": True, "False": False}


def _is_latest(body: dict) -> bool:
    value = body.get("is_latest")
    if value is None:
        raise FieldError("is_latest", "is required, true or false")
    if not isinstance(value, bool):
        raise FieldError("is_latest", "must be true or false")
    return value


class Components(Resource):
    plural, kind, path = "components", "component", "/api/v1/components"  # api/crud.py serves it
    list_query = ("id", "name", "info", "is_latest", "query")
    query_choices = {"is_latest": tuple(QUERY_BOOLS)}  # the list route takes these and nothing else
    keeps_user = True  # Component reads `user`
    body_schema = s.obj(
        ["name", "info", "is_latest"],
        {
            "name": s.NAME,
            "info": {"type": "string", "description": "the version; unique within its name"},
            "is_latest": {"type": "boolean", "description": "true also sets the name's other versions to false"},
        },
    )
    record_schema = s.obj(
        ["id", "name", "info", "is_latest", "user", "created_at", "updated_at"],
        {
            "id": s.ID,
            "name": s.STRING,
            "info": s.STRING,
            "is_latest": {"type": "boolean"},
            "user": s.STRING,
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(["name", "info", "is_latest"], {**s.SEEDED, **body_schema["properties"]})

    versions_by_name: dict[str, dict[int, None]]

    def fresh(self) -> dict[str, Any]:
        # name -> {component id: None}: every version of a name without a scan.
        return {**super().fresh(), "versions_by_name": {}}

    def fields(self, body: dict, current: dict | None) -> dict:
        return {
            "name": v.name(body, "name"),
            "info": v.text(body, "info", required=True),
            "is_latest": _is_latest(body),
        }

    def name_key(self, fields: dict) -> Hashable:
        return (fields["name"], fields["info"])

    def check_name(self, fields: dict, own_id: int | None = None) -> None:
        holder = self.table.ids_by_name.get(self.name_key(fields))
        if holder is not None and holder != own_id:
            name, info = fields["name"], fields["info"]
            raise Conflict(f"info: a component named {name!r} with info {info!r} already exists (id {holder})")

    # ---- the lookups other resources use (a manual model names its components) ------------

    def versions(self, name: str) -> builtins.list[dict]:
        """Every stored row of `name`, in id order (rows, not copies: do not change them)."""
        return [self.table.rows[i] for i in sorted(self.versions_by_name.get(name, ()))]

    def latest_named(self, name: str) -> dict | None:
        """The stored row of `name` whose `is_latest` is true, or None when no version is.
        There is never more than one: a create or update with `is_latest` true sets the
        others to false, and a seed with two is refused. A row, not a copy: do not change it;
        render it with `render`."""
        return next((row for row in self.versions(name) if row["is_latest"]), None)

    # ---- keeping one latest per name ---------------------------------------------------------

    def _demote_others(self, name: str, own_id: int) -> None:
        for row in self.versions(name):
            if row["id"] != own_id and row["is_latest"]:
                self.touch(row, {"is_latest": False})

    def insert_seeded(
        self, body: dict, user: str | None, record_id: int | None, stamps: dict | None, **seed_fields: Any
    ) -> dict:
        """A seed states every version's flag: two latest versions of one name are its mistake."""
        fields = self.fields(body, None)
        latest = self.latest_named(fields["name"]) if fields["is_latest"] else None
        if latest is not None:
            name = fields["name"]
            raise FieldError("is_latest", f"a latest component named {name!r} already exists (id {latest['id']})")
        return self.insert(fields, user, record_id, stamps)

    def on_insert(self, row: dict) -> None:
        self.tx.index_add(self.versions_by_name, row["name"], row["id"])
        if row["is_latest"]:
            self._demote_others(row["name"], row["id"])

    def on_update(self, row: dict, fields: dict) -> None:
        self.tx.index_discard(self.versions_by_name, row["name"], row["id"])
        self.tx.index_add(self.versions_by_name, fields["name"], row["id"])
        if fields["is_latest"]:
            self._demote_others(fields["name"], row["id"])

    def on_delete(self, row: dict) -> None:
        self.tx.index_discard(self.versions_by_name, row["name"], row["id"])

    # ---- lists ---------------------------------------------------------------------------

    def list(
        self,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
        *,
        info: str | None = None,
        is_latest: str | bool | None = None,
    ) -> builtins.list[dict]:
        """`is_latest` as the query carries it ("True"/"False") or as a bool (Python callers)."""
        if isinstance(is_latest, str):
            if is_latest not in QUERY_BOOLS:
                raise FieldError("is_latest", "must be True or False")
            is_latest = QUERY_BOOLS[is_latest]
        if id is not None:
            rows = [self.table.rows[id]] if id in self.table.rows else []
        elif name is not None:
            rows = self.versions(name)
        else:
            rows = builtins.list(self.table.rows.values())
        rows = [
            r
            for r in matching(rows, "name", query)
            if (name is None or r["name"] == name)
            and (info is None or r["info"] == info)
            and (is_latest is None or r["is_latest"] is is_latest)
        ]
        return [self.listed(r) for r in paginate(rows, page)]

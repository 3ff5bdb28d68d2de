"""API clients: a named account with an API key. The recommendation API (a later issue)
finds the client a request's key belongs to with `Clients.by_apikey`, an index lookup."""

from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import Conflict, FieldError
from . import schema as s
from .resource import Resource

APIKEY = {
    "type": "string",
    "minLength": assumptions.APIKEY_LENGTH,
    "maxLength": assumptions.APIKEY_LENGTH,
    "pattern": f"^[^{v.CONTROL_CHARS.pattern[1:-1]}]*$",
    "description": f"exactly {assumptions.APIKEY_LENGTH} characters, no control characters",
}


class Clients(Resource):
    # Routes hand-written (api/clients.py): the client lists, creates and deletes, no more.
    plural, kind = "clients", "client"
    keeps_user = True
    body_schema = s.obj(["name", "apikey"], {"name": s.URL_NAME, "apikey": APIKEY})
    record_schema = s.obj(
        ["id", "name", "apikey", "user", "created_at", "updated_at"],
        {"id": s.ID, "name": s.STRING, "apikey": s.STRING, "user": s.STRING, **s.STAMPS},
    )
    seed_schema = s.obj(["name", "apikey"], {**s.SEEDED, "name": s.URL_NAME, "apikey": APIKEY})

    ids_by_apikey: dict[str, dict[int, None]]

    def fresh(self) -> dict[str, Any]:
        # apikey -> {client id: None}: the reverse-index shape the transaction undoes.
        return {**super().fresh(), "ids_by_apikey": {}}

    def fields(self, body: dict, current: dict | None) -> dict:
        name = v.url_name(body, "name")  # the runtime APIs' URLs name the client: /rec/v2/{name}/items
        apikey = body.get("apikey")
        if apikey is None:
            # sktmls's create_client makes a key itself before it posts, so one is always sent.
            raise FieldError("apikey", "is required")
        if not isinstance(apikey, str) or len(apikey) != assumptions.APIKEY_LENGTH or v.CONTROL_CHARS.search(apikey):
            raise FieldError("apikey", f"must be a string of exactly {assumptions.APIKEY_LENGTH} characters")
        holder = self.ids_by_apikey.get(apikey)
        if holder and (current is None or current["id"] not in holder):
            raise Conflict(f"apikey: a client with this apikey already exists (id {next(iter(holder))})")
        return {"name": name, "apikey": apikey}

    def on_insert(self, row: dict) -> None:
        self.tx.index_add(self.ids_by_apikey, row["apikey"], row["id"])

    def on_update(self, row: dict, fields: dict) -> None:
        self.tx.index_discard(self.ids_by_apikey, row["apikey"], row["id"])
        self.tx.index_add(self.ids_by_apikey, fields["apikey"], row["id"])

    def on_delete(self, row: dict) -> None:
        self.tx.index_discard(self.ids_by_apikey, row["apikey"], row["id"])

    def by_apikey(self, apikey: str) -> dict | None:
        """The client holding `apikey` (rendered), or None: one dict lookup."""
        holder = self.ids_by_apikey.get(apikey)
        return self.render(self.table.rows[next(iter(holder))]) if holder else None

    def name_of_apikey(self, apikey: str) -> str | None:
        """The name of the client holding `apikey`, or None: what every runtime API call
        checks, without the copy `by_apikey` makes of the record."""
        holder = self.ids_by_apikey.get(apikey)
        return self.table.rows[next(iter(holder))]["name"] if holder else None

"""`Resource`: one kind of record, declared once, with the generic CRUD over its table.

A simple resource is a subclass naming its `plural`, `kind`, `path` and schemas, with a
`fields(body, current)` that validates a body, and maybe `render`; it gets create, list,
get, update, delete, the seed path and the commit event for free. Relations hook in
through `on_insert`, `on_update` and `on_delete`, which run inside the write's transaction.
Every method here runs under the store lock, inside a transaction for writes: the store's
public methods open them.
"""

import copy
import datetime
from collections.abc import Hashable, Iterable
from typing import Any

from .table import Table, matching, paginate


class Resource:
    # ---- the declaration (the shared interface; /openapi.json and the routes read it) ------
    plural: str = ""  # "channels": the seed/dump key and the registry key
    kind: str = ""  # "channel": in messages
    path: str | None = None  # AB API collection path served by generic CRUD routes; None: hand-written
    summary_fields: tuple[str, ...] | None = None  # what lists show of a record; None: all of it
    list_query: tuple[str, ...] = ("id", "name", "query")  # besides `page`; "id" is an integer
    body_schema: dict = {}  # create/update body
    record_schema: dict = {}  # a rendered record
    seed_schema: dict = {}  # a record of a seed document (and of `Store.dump()`)
    # ---- behaviour ----------------------------------------------------------------------
    name_field: str | None = "name"  # unique across the table; None: names may repeat
    keeps_user = False  # records carry `user`, the account that created them

    table: Table  # set by `fresh()`, like any index a subclass keeps

    def __init__(self, store):
        self.store = store  # core.Store; a resource reaches its peers through store.resources
        self.__dict__.update(self.fresh())

    def fresh(self) -> dict[str, Any]:
        """The resource's state when empty: attribute -> value. A reset assigns each one
        (O(1) to undo); a resource with indexes of its own adds them."""
        return {"table": Table(self.kind, self.plural)}

    @property
    def tx(self):
        """The transaction in progress (every write runs in one)."""
        return self.store._tx

    # ---- what a subclass says -----------------------------------------------------------

    def fields(self, body: dict, current: dict | None) -> dict:
        """The stored fields a create (`current` None) or full-replace update body gives, in
        record order; raises FieldError before anything is written."""
        raise NotImplementedError

    def render(self, row: dict) -> dict:
        """The record as the API answers it (a copy: callers may change it)."""
        return copy.deepcopy(row)

    def listed(self, row: dict) -> dict:
        """The record as lists (and other records) show it: the documented summary when the
        resource declares `summary_fields`, unless the `full_lists` switch is on."""
        if self.summary_fields is None or "full_lists" in self.store.generous:
            return self.render(row)
        return {key: row[key] for key in self.summary_fields}

    def dump_record(self, row: dict) -> dict:
        """The record as `Store.dump()` and the commit event hold it: `load` takes it back."""
        return self.render(row)

    def name_key(self, fields: dict) -> Hashable | None:
        """What must be unique (None: nothing), read from a row or from `fields`."""
        return None if self.name_field is None else fields[self.name_field]

    def shown_name(self, fields: dict) -> str:
        return str(self.name_key(fields))

    def body_of(self, record: dict) -> dict:
        """The create body that would make `record` (a seed record): its own fields, unless
        the wire spells them otherwise. Tests build good requests from seed records with it."""
        return record

    def seed_fields(self, record: dict) -> dict[str, Any]:
        """The seed-only fields of a seed record (beyond id, timestamps and user), read and
        checked, as keyword arguments for `insert_seeded`."""
        return {}

    def after_load(self, records: Iterable[dict], source: str) -> None:
        """After a seed document's records are all in: check what needs them all (raise
        SeedError naming `source`)."""

    def on_insert(self, row: dict) -> None:
        """After a row is inserted: keep relations in step."""

    def on_update(self, row: dict, fields: dict) -> None:
        """Before `fields` replace the row's: keep relations in step."""

    def on_delete(self, row: dict) -> None:
        """Before the row goes: refuse (raise) or cascade."""

    # ---- the shared machinery -------------------------------------------------------------

    def now(self) -> str:
        return self.store._now()

    def check_name(self, fields: dict, own_id: int | None = None) -> None:
        key = self.name_key(fields)
        holder = None if key is None else self.table.ids_by_name.get(key)
        if holder is not None and holder != own_id and self.name_field is not None:
            self.table.check_name(key, self.shown_name(fields), self.name_field, own_id)  # raises Conflict

    def stamp(self, row: dict, stamps: dict | None = None) -> dict:
        """Set a new row's timestamps: now, or as seeded (one given stands for both)."""
        stamps = stamps or {}
        row["created_at"] = stamps.get("created_at") or stamps.get("updated_at") or self.now()
        row["updated_at"] = stamps.get("updated_at") or row["created_at"]
        return row

    def touch(self, row: dict, fields: dict | None = None) -> None:
        """Write `fields` into the row and move its `updated_at`."""
        self.tx.update(self.table, row, {**(fields or {}), "updated_at": self.not_before(row["created_at"])})

    def not_before(self, created_at: str) -> str:
        """Now, or `created_at` when that is later (seeded in the future, or the clock went
        back): a record's `updated_at` never precedes it, or its state would not load again."""
        now = self.now()
        return created_at if datetime.datetime.fromisoformat(created_at) > datetime.datetime.fromisoformat(now) else now

    def insert(
        self, fields: dict, user: str | None = None, record_id: int | None = None, stamps: dict | None = None
    ) -> dict:
        """Store a new row from validated `fields`; `record_id` and `stamps` only for seeds."""
        self.check_name(fields)
        table = self.table
        row = {"id": table.claim_id(record_id), **fields}
        if self.keeps_user:
            row["user"] = user
        self.store._tx.insert(table, self.stamp(row, stamps), self.name_key(row))
        self.on_insert(row)
        return row

    def insert_seeded(
        self, body: dict, user: str | None, record_id: int | None, stamps: dict | None, **seed_fields: Any
    ) -> dict:
        """The seed path (`Store.load`, `Store.insert`): validate `body` and insert it with
        an explicit id and timestamps. A resource with seed-only fields takes them here."""
        if seed_fields:
            raise TypeError(f"{self.plural} take no seed fields {sorted(seed_fields)}")
        return self.insert(self.fields(body, None), user, record_id, stamps)

    # ---- generic CRUD ----------------------------------------------------------------------

    def create(self, body: dict, user: str | None = None) -> dict:
        return self.render(self.insert(self.fields(body, None), user))

    def select(self, id: int | None = None, name: str | None = None, query: str | None = None) -> list[dict]:
        """Rows by exact id and/or name (through the indexes) and name substring, id order."""
        field = self.name_field or "id"
        return matching(self.table.select(id, name, field), field, query)

    def list(
        self, id: int | None = None, name: str | None = None, query: str | None = None, page: int | None = None
    ) -> list[dict]:
        return [self.listed(r) for r in paginate(self.select(id, name, query), page)]

    def get(self, record_id: int) -> dict:
        return self.render(self.table.get(record_id))

    def update(self, record_id: int, body: dict) -> dict:
        """A full replace: a field left out of `body` is cleared (or defaulted)."""
        row = self.table.get(record_id)
        fields = self.fields(body, row)
        self.check_name(fields, record_id)
        self.tx.rename(self.table, self.name_key(row), self.name_key(fields), record_id)
        self.on_update(row, fields)
        self.touch(row, fields)
        return self.render(row)

    def delete(self, record_id: int) -> None:
        row = self.table.get(record_id)
        self.on_delete(row)
        self.tx.remove(self.table, record_id, self.name_key(row))

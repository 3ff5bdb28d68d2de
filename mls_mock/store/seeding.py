"""Seed documents in and out (the fixtures/ format, also what state files and GET
/_mock/state hold): records by kind, in registration order, plus the ID sequences.

Each resource does its part: `insert_seeded` for a record, `dump_record` for a row. What is
common to every kind (id, timestamps, user, error messages naming the record) is here.
"""

import datetime
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import Conflict, FieldError, NotFound, SeedError

SEED_USER = "mls-mock"


def load(store, document: dict, source: str) -> dict[str, int]:
    """See `Store.load`; runs inside its transaction."""
    kinds = list(store.resources)
    if not isinstance(document, dict):
        raise SeedError(f"{source}: a seed document must be a JSON object")
    unknown = set(document) - set(kinds) - {"sequences", "format"}
    if unknown:
        shown = sorted(repr(key) if isinstance(key, str) else f"a {type(key).__name__} key" for key in unknown)
        expected = [*kinds, "sequences", "format"]
        raise SeedError(
            f"{source}: unknown top-level keys [{', '.join(shown)}]; expected {expected}"
            + ("; that is an envelope: send its `results`" if {"code", "results"} <= set(document) else "")
        )
    added = {kind: _load_kind(store, document, kind, source) for kind in kinds}
    sequences = document.get("sequences")  # null is "none"; false, 0 or "" are mistakes
    _load_sequences(store, {} if sequences is None else sequences, source)
    for kind, resource in store.resources.items():
        resource.after_load(document.get(kind) or (), source)
    return added


def _load_kind(store, document: dict, kind: str, source: str) -> int:
    records = document.get(kind)
    if records is None:
        records = []
    if not isinstance(records, list):
        raise SeedError(f"{source}: {kind} must be a list")
    for index, record in enumerate(records):
        where = f"{source}: {kind}[{index}]"
        if not isinstance(record, dict):
            raise SeedError(f"{where} must be a JSON object")
        shown_id = record.get("id")
        if (
            isinstance(shown_id, str) and len(shown_id) <= 20 or (isinstance(shown_id, int) and abs(shown_id) < 10**20)
        ):  # never print a huge int
            where += f" (id {shown_id})"
        try:
            load_record(store, kind, record)
        except (FieldError, Conflict, NotFound) as error:
            raise SeedError(f"{where}: {error.message}") from None
    return len(records)


def load_record(store, kind: str, record: dict) -> dict:
    """Insert one seed record (explicit id, timestamps, user; a bucket's `experiment` and
    `bucket_range`); raises the FieldError/Conflict/NotFound a create would."""
    record_id = v.optional_id(record, "id")
    stamps = {"created_at": v.timestamp(record, "created_at"), "updated_at": v.timestamp(record, "updated_at")}
    created, updated = stamps["created_at"], stamps["updated_at"]
    if created and updated and datetime.datetime.fromisoformat(updated) < datetime.datetime.fromisoformat(created):
        raise FieldError("updated_at", "must not be before created_at")
    user = v.text(record, "user", SEED_USER)
    resource = store.resources[kind]
    return resource.insert_seeded(record, user, record_id, stamps, **resource.seed_fields(record))


def _load_sequences(store, sequences: dict, source: str) -> None:
    if not isinstance(sequences, dict):
        raise SeedError(f"{source}: sequences must be an object")
    kinds = list(store.resources)
    for kind, last_id in sequences.items():
        if kind not in kinds:
            field = f"sequences.{kind}" if isinstance(kind, str) else f"sequences (a {type(kind).__name__} key)"
            raise SeedError(f"{source}: {field}: not a kind of record; expected one of {kinds}")
        last_id = v.whole_number(last_id)
        if last_id is None or not 0 <= last_id <= assumptions.MAX_ID:
            raise SeedError(f"{source}: sequences.{kind}: must be an integer from 0 to {assumptions.MAX_ID}")
        table = store.resources[kind].table
        if last_id > table.last_id:
            store._tx.set_last_id(table, last_id)


def dump(store) -> dict:
    """See `Store.dump`; runs under the store lock."""
    document: dict[str, Any] = {}
    for kind, resource in store.resources.items():
        dump_record = resource.dump_record
        document[kind] = [dump_record(r) for r in resource.table.rows.values()]
    document["sequences"] = sequences(store)
    return document


def sequences(store) -> dict[str, int]:
    return {kind: resource.table.last_id for kind, resource in store.resources.items()}


def changed_records(store, touched: dict[str, dict[int, None]]) -> dict[str, dict[int, dict | None]]:
    """For `Commit.changes`: the `touched` records as `dump` lists them, None when gone."""
    changes = {}
    for kind, ids in touched.items():
        resource = store.resources[kind]
        rows, dump_record = resource.table.rows, resource.dump_record
        changes[kind] = {i: (None if rows.get(i) is None else dump_record(rows[i])) for i in ids}
    return changes

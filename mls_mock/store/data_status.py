"""Data status: what MLS's monitoring says of its S3 uploads, batch jobs and DynamoDB loads
(`StatusClient`). Read-only over the AB API; a test sets each entry through the store, a seed,
`mls_factory` or /_mock/. One record per (source, name): an S3 or DynamoDB table's recent
daily statuses, or the jobs of one batch job status.
"""

from collections.abc import Hashable

from .. import assumptions
from .. import validation as v
from ..errors import FieldError, NotFound
from . import schema as s
from .resource import Resource

SOURCES = ("s3", "batch", "dynamodb")
# Levels a state document puts around one status entry: {"data_status": [{"status": [<entry>]}]}.
ENCLOSING_ENTRY = 4
ENTRIES = s.array({"type": "object"})


class DataStatus(Resource):
    plural, kind = "data_status", "data_status"
    list_query = ()
    body_schema = {
        **s.obj(
            ["source", "name", "status"],
            {
                "source": {"enum": list(SOURCES)},
                "name": {**s.NAME, "description": "s3/dynamodb: a table; batch: a job status"},
                "status": {**ENTRIES, "description": "s3/dynamodb: the last days' statuses; batch: the jobs"},
            },
        ),
        # batch: `name` is a job status; s3/dynamodb: a few days' statuses at most.
        "if": {"properties": {"source": {"const": "batch"}}},
        "then": {"properties": {"name": {"enum": list(assumptions.BATCH_JOB_STATUSES)}}},
        "else": {"properties": {"status": {"maxItems": assumptions.DATA_STATUS_DAYS}}},
    }
    record_schema = s.obj(
        ["id", "source", "name", "status", "created_at", "updated_at"],
        {"id": s.ID, "source": {"enum": list(SOURCES)}, "name": s.STRING, "status": ENTRIES, **s.STAMPS},
    )
    seed_schema = {**body_schema, "properties": {**s.SEEDED, **body_schema["properties"]}}

    def fields(self, body: dict, current: dict | None) -> dict:
        source = v.choice(body, "source", SOURCES)
        name = v.choice(body, "name", assumptions.BATCH_JOB_STATUSES) if source == "batch" else v.name(body, "name")
        status = body.get("status")
        if not isinstance(status, list) or not all(isinstance(entry, dict) for entry in status):
            raise FieldError("status", "must be a list of JSON objects")
        if source != "batch" and len(status) > assumptions.DATA_STATUS_DAYS:
            raise FieldError("status", f"holds at most {assumptions.DATA_STATUS_DAYS} days' statuses")
        return {"source": source, "name": name, "status": v.json_value(status, "status", ENCLOSING_ENTRY - 1)}

    def name_key(self, fields: dict) -> Hashable:
        return (fields["source"], fields["name"])

    def shown_name(self, fields: dict) -> str:
        return f"{fields['source']} {fields['name']}"

    def answer(self, source: str) -> dict:
        """`GET /api/v1/data_status/<source>`: {source: {name: status}}, every batch job
        status present (empty when unset)."""
        statuses: dict = dict.fromkeys(assumptions.BATCH_JOB_STATUSES, []) if source == "batch" else {}
        for row in self.table.rows.values():
            if row["source"] == source:
                statuses[row["name"]] = self.render(row)["status"]
        return {source: {name: list(entries) for name, entries in statuses.items()}}

    def put(self, body: dict) -> dict:
        """Set one entry: insert it, or replace its status."""
        fields = self.fields(body, None)
        found = self.table.ids_by_name.get(self.name_key(fields))
        if found is None:
            return self.render(self.insert(fields))
        row = self.table.rows[found]
        self.touch(row, {"status": fields["status"]})
        return self.render(row)

    def remove(self, source: str | None, name: str | None) -> int:
        """Remove the entries of `source` and `name` (None: any); a `name` matching none: 404."""
        gone = [
            r["id"] for r in self.table.rows.values() if source in (None, r["source"]) and name in (None, r["name"])
        ]
        if name is not None and not gone:
            raise NotFound(f"no {source or 'data'} status for {name!r}")
        for record_id in gone:
            self.delete(record_id)
        return len(gone)

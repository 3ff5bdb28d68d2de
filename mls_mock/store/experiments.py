"""Experiments: a name, a bucketing seed, maybe a filter; channels run them, buckets split them."""

from .. import assumptions
from .. import validation as v
from . import schema as s
from .channels import Channels
from .filters import Filters
from .resource import Resource


class Experiments(Resource):
    plural, kind = "experiments", "experiment"  # its routes are hand-written: api/experiments.py
    keeps_user = True
    body_schema = s.obj(
        ["name"],
        {
            "name": s.NAME,
            "bucketing_seed": s.TEXT,
            "description": s.TEXT,
            "model_filter_id": {**s.nullable(s.ID), "description": "an existing filter"},
        },
    )
    record_schema = s.obj(
        ["id", "name", "description", "bucketing_seed", "model_filter", "channels", "user", "created_at", "updated_at"],
        {
            "id": s.ID,
            "name": s.STRING,
            "description": s.TEXT,
            "bucketing_seed": s.STRING,
            "model_filter": s.nullable(Filters.summary_schema),
            "channels": s.array(Channels.summary_schema),
            "user": s.STRING,
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(
        ["name"],
        {
            **s.SEEDED,
            "name": s.NAME,
            "description": s.TEXT,
            "bucketing_seed": s.TEXT,
            "model_filter_id": s.nullable(s.ID),
        },
    )

    def fields(self, body: dict, current: dict | None) -> dict:
        fields = {
            "name": v.name(body, "name"),
            "description": v.text(body, "description", assumptions.MISSING_DESCRIPTION),
            "bucketing_seed": v.text(body, "bucketing_seed", ""),
            "model_filter_id": v.optional_id(body, "model_filter_id"),
        }
        if fields["model_filter_id"] is not None:
            self.store.resources["filters"].table.referenced(fields["model_filter_id"], "model_filter_id")
        return fields

    def render(self, row: dict) -> dict:
        resources = self.store.resources
        filter_id = row["model_filter_id"]
        filters, channels = resources["filters"], resources["channels"]
        return {
            "id": row["id"],
            "name": row["name"],
            "description": row["description"],
            "bucketing_seed": row["bucketing_seed"],
            "model_filter": None if filter_id is None else filters.listed(filters.table.rows[filter_id]),
            "channels": [channels.listed(c) for c in channels.of_experiment(row["id"])],
            "user": row["user"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    def dump_record(self, row: dict) -> dict:
        return dict(row)

    def on_delete(self, row: dict) -> None:
        """Also drops it from every channel and deletes its buckets."""
        self.store.resources["channels"].drop_experiment(row["id"])
        self.store.resources["buckets"].drop_experiment(row["id"])

"""ML feature groups: read-only over the AB API (`GET /api/v1/ml_feature_groups`), made by
seeds, factories and the store. A group lists the features whose `group` names it."""

from .. import validation as v
from ..errors import Conflict
from . import schema as s
from .resource import Resource

PROPERTIES = {"name": s.NAME, "description": s.TEXT}


class MLFeatureGroups(Resource):
    plural, kind = "ml_feature_groups", "ml_feature_group"  # its one route: api/ml_features.py
    body_schema = s.obj(["name"], PROPERTIES)
    # `ml_features`: full feature records (MLFeatureGroup builds MLFeature(**f) from each).
    record_schema = s.obj(
        ["id", "name", "description", "ml_features", "created_at", "updated_at"],
        {"id": s.ID, "name": s.STRING, "description": s.TEXT, "ml_features": s.array({"type": "object"}), **s.STAMPS},
    )
    seed_schema = s.obj(["name"], {**s.SEEDED, **PROPERTIES})

    def fields(self, body: dict, current: dict | None) -> dict:
        return {"name": v.name(body, "name"), "description": v.text(body, "description")}

    def render(self, row: dict) -> dict:
        features = self.store.resources["ml_features"]
        members = [features.render(f) for f in features.table.rows.values() if f["group_id"] == row["id"]]
        return {**row, "ml_features": members}

    def dump_record(self, row: dict) -> dict:
        return dict(row)  # members are dumped with the features (their `group`)

    def on_update(self, row: dict, fields: dict) -> None:
        """A renamed group renames its features' `group`: mark them changed, so that the
        commit event (and a state file) holds them under the new name."""
        features = self.store.resources["ml_features"]
        for member in [f for f in features.table.rows.values() if f["group_id"] == row["id"]]:
            self.tx.update(features.table, member, {})

    def on_delete(self, row: dict) -> None:
        members = [f for f in self.store.resources["ml_features"].table.rows.values() if f["group_id"] == row["id"]]
        if members:
            named = ", ".join(f"{f['id']} ({f['source']}.{f['name']})" for f in members)
            raise Conflict(f"ml_feature_group {row['id']} holds ml_features {named}; move them out first")

"""Channels: a screen (`screen_id`, unique) and the experiments it runs."""

import builtins
from collections.abc import Iterable
from typing import Any

from .. import assumptions
from .. import validation as v
from . import schema as s
from .resource import Resource


class Channels(Resource):
    plural, kind = "channels", "channel"  # its routes are hand-written: api/channels.py
    list_query = ("id", "screen_id", "name", "query")
    name_field = "screen_id"
    keeps_user = True
    body_schema = s.obj(
        ["screen_id", "experiments"],
        {"screen_id": s.NAME, "experiments": {**s.IDS, "description": "existing experiments"}},
    )
    record_schema = s.obj(
        ["id", "screen_id", "experiments", "user", "created_at", "updated_at"],
        {"id": s.ID, "screen_id": s.STRING, "experiments": s.array(s.ID), "user": s.STRING, **s.STAMPS},
    )
    # What lists and experiments hold (a full record when `full_lists` is on).
    summary_fields = assumptions.CHANNEL_SUMMARY_FIELDS
    summary_schema = s.obj(list(assumptions.CHANNEL_SUMMARY_FIELDS), {"id": s.ID, "screen_id": s.STRING, **s.STAMPS})
    seed_schema = s.obj(["screen_id", "experiments"], {**s.SEEDED, "screen_id": s.NAME, "experiments": s.IDS})

    ids_by_experiment: dict[int, dict[int, None]]

    def fresh(self) -> dict[str, Any]:
        # Reverse relation, kept in step so an experiment's channels are found without a scan:
        # experiment id -> {channel id: None}.
        return {**super().fresh(), "ids_by_experiment": {}}

    def fields(self, body: dict, current: dict | None) -> dict:
        screen_id = v.name(body, "screen_id")
        experiments = v.id_list(body, "experiments")
        table = self.store.resources["experiments"].table
        for index, experiment_id in enumerate(experiments):
            table.referenced(experiment_id, f"experiments[{index}]")
        return {"screen_id": screen_id, "experiments": experiments}

    def render(self, row: dict) -> dict:
        return {**row, "experiments": list(row["experiments"])}

    def list(
        self,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
        *,
        screen_id: str | None = None,
    ) -> list[dict]:
        """`name` is the client's documented word for `screen_id`; `screen_id` wins."""
        return super().list(id, name if screen_id is None else screen_id, query, page)

    # ---- the relation to experiments ------------------------------------------------------

    def _link(self, channel_id: int, experiment_ids: Iterable[int]) -> None:
        for experiment_id in experiment_ids:
            self.tx.index_add(self.ids_by_experiment, experiment_id, channel_id)

    def _unlink(self, channel_id: int, experiment_ids: Iterable[int]) -> None:
        for experiment_id in experiment_ids:
            self.tx.index_discard(self.ids_by_experiment, experiment_id, channel_id)

    def on_insert(self, row: dict) -> None:
        self._link(row["id"], row["experiments"])

    def on_update(self, row: dict, fields: dict) -> None:
        self._unlink(row["id"], row["experiments"])
        self._link(row["id"], fields["experiments"])

    def on_delete(self, row: dict) -> None:
        self._unlink(row["id"], row["experiments"])

    def of_experiment(self, experiment_id: int) -> builtins.list[dict]:
        """The experiment's channels, in id order like every list."""
        return [self.table.rows[c] for c in sorted(self.ids_by_experiment.get(experiment_id, ()))]

    def drop_experiment(self, experiment_id: int) -> None:
        """An experiment is going: every channel that runs it forgets it."""
        for channel_id in self.tx.index_pop(self.ids_by_experiment, experiment_id):
            row = self.table.rows[channel_id]
            self.touch(row, {"experiments": [e for e in row["experiments"] if e != experiment_id]})

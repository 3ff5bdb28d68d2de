"""Buckets: an experiment's arms, each with a prediction and a range of the 100 slots.

Nested under their experiment (hand-written routes); names are unique within it. The ranges
of an experiment's buckets cover the slots exactly once or are all unset.
"""

import copy
from collections.abc import Iterable
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import FieldError, SeedError
from . import schema as s
from .nested import Nested

PREDICTION_TYPES = ("empty", "static", "batch", "online", "automl")
# Levels a state document puts around static items: {"buckets": [{"static_value": {"items": <items>}}]}.
ENCLOSING_STATIC_ITEMS = 4

# A prediction's fields depend on its type: exactly one branch applies, by `prediction_type`.
_PREDICTION_NEEDS: dict[str, dict] = {
    "empty": {},
    "static": {"static_value": s.obj(["items"], {"items": s.array(s.ANY)})},
    "batch": {"batch_model_id": s.ID},
    "online": {"online_model_id": s.ID},
    "automl": {"automl_model_id": s.ID},
}
PREDICTION_BODY = {
    "oneOf": [
        s.obj(["prediction_type", *needs], {"prediction_type": {"const": kind}, **needs})
        for kind, needs in _PREDICTION_NEEDS.items()
    ],
    "description": "batch/online need a manual model, automl an automl one; the other fields are ignored",
}
PREDICTION = s.obj(
    ["id", "request", "ml_model"],
    {
        "id": s.ID,
        "request": s.obj(
            ["type"],
            {
                "type": {"enum": list(PREDICTION_TYPES)},
                "items": s.array(s.ANY),
                "model_name": s.STRING,
                "model_version": s.STRING,
                "username": {"description": "the automl model's `creator`, as seeded"},
            },
        ),
        "ml_model": s.nullable(s.ID),
    },
)


class Buckets(Nested):
    plural, kind = "buckets", "bucket"
    parent, parent_field = "experiments", "experiment"
    body_schema = {"allOf": [PREDICTION_BODY, s.obj(["name"], {"name": s.NAME, "description": s.TEXT})]}
    record_schema = s.obj(
        ["id", "experiment", "name", "description", "bucket_range", "prediction", "created_at", "updated_at"],
        {
            "id": s.ID,
            "experiment": s.ID,
            "name": s.STRING,
            "description": s.TEXT,
            "bucket_range": {"type": "string", "description": "inclusive slots, e.g. `0-49`; empty when unset"},
            "prediction": PREDICTION,
            **s.STAMPS,
        },
    )
    seed_schema = {
        "allOf": [
            PREDICTION_BODY,
            s.obj(
                ["experiment", "name"],
                {**s.SEEDED, "experiment": s.ID, "name": s.NAME, "description": s.TEXT, "bucket_range": s.TEXT},
            ),
        ]
    }

    # ---- fields ---------------------------------------------------------------------------

    def fields(self, body: dict, current: dict | None) -> dict:
        """`current`: the bucket being replaced, whose model a body may leave out."""
        return {
            "name": v.name(body, "name"),
            "description": v.text(body, "description", assumptions.MISSING_DESCRIPTION),
            **self.prediction_fields(body, current=current),
        }

    def prediction_fields(self, body: dict, prefix: str = "", current: dict | None = None) -> dict:
        with v.within(prefix):
            kind = v.choice(body, "prediction_type", PREDICTION_TYPES)
            fields = {"prediction_type": kind, "model_id": None, "static_items": None}
            if kind == "static":
                static_value = v.expect_object(body.get("static_value"), "static_value")
                items = static_value.get("items")
                if not isinstance(items, list):
                    raise FieldError("static_value.items", "must be a list")
                fields["static_items"] = v.json_value(items, "static_value.items", ENCLOSING_STATIC_ITEMS)
            elif kind != "empty":
                field = f"{kind}_model_id"
                if field not in body and current is not None and current["prediction_type"] == kind:
                    # sktmls's update_bucket never sends automl_model_id (Bucket.generate_request_body
                    # writes only batch/online ids): the type stays, so does its model.
                    model_id = current["model_id"]
                else:
                    model_id = v.required_id(body, field)
                model = self.store.resources["models"].table.referenced(model_id, field)
                wanted = assumptions.MODEL_TYPE_FOR_PREDICTION[kind]
                if model["model_type"] != wanted:
                    raise FieldError(
                        field, f"model {model_id} is {model['model_type']}, a {kind} bucket needs a {wanted} model"
                    )
                fields["model_id"] = model_id
            return fields

    # ---- rendering ------------------------------------------------------------------------

    def render(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "experiment": row["experiment"],
            "name": row["name"],
            "description": row["description"],
            "bucket_range": row["bucket_range"],
            "prediction": self._prediction(row),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    def _prediction(self, row: dict) -> dict:
        kind = row["prediction_type"]
        request = {"type": kind}
        if kind == "static":
            request["items"] = copy.deepcopy(row["static_items"])
        model_id = row["model_id"]
        if model_id is not None:
            model = self.store.resources["models"].table.rows[model_id]
            request["model_name"] = model["name"]
            request["model_version"] = model["version"]
            if kind == "automl":
                request["username"] = model["creator"]
        # One prediction per bucket, made with it: its id is the bucket's, so a dump/load
        # round trip (and a seeded bucket) keeps it without a sequence of its own.
        return {"id": row["id"], "request": request, "ml_model": model_id}

    def dump_record(self, row: dict) -> dict:
        record = {k: row[k] for k in ("id", "experiment", "name", "description", "prediction_type", "bucket_range")}
        if row["prediction_type"] == "static":
            record["static_value"] = {"items": copy.deepcopy(row["static_items"])}
        elif row["model_id"] is not None:
            record[f"{row['prediction_type']}_model_id"] = row["model_id"]
        record.update(created_at=row["created_at"], updated_at=row["updated_at"])
        return record

    # ---- within an experiment --------------------------------------------------------------

    of_experiment = Nested.children_of
    drop_experiment = Nested.drop_parent  # an experiment is going: so are its buckets

    def create_in(self, experiment_id: int, body: dict, bucket_range: str | None = None) -> dict:
        row = self.insert_seeded(body, None, None, None, experiment=experiment_id, bucket_range=bucket_range)
        return self.render(row)

    def insert_seeded(
        self,
        body: dict,
        user: str | None,
        record_id: int | None,
        stamps: dict | None,
        experiment: int | None = None,
        bucket_range: str | None = None,
        **others: Any,
    ) -> dict:
        """A new bucket unsets its siblings' ranges (the ratio must be set again); a seeded
        one (`bucket_range` given, even "") keeps them, and the experiment's ranges are
        checked when the transaction commits, so a seed may give them one bucket at a time."""
        if others or experiment is None:
            raise TypeError(f"buckets take the seed fields experiment and bucket_range, not {sorted(others)}")
        self.store.resources["experiments"].table.get(experiment)
        fields = {"experiment": experiment, **self.fields(body, None)}
        self.check_name(fields)
        record_id = self.table.claim_id(record_id)
        if bucket_range is None:
            self.unset_ranges(experiment)
        else:
            span = v.bucket_range(bucket_range, "bucket_range")
            if span is not None:  # an unset range cannot break the invariant
                bucket_range = assumptions.bucket_range(span[0], span[1] - span[0] + 1)
                self.tx.check_at_commit(("ranges", experiment), lambda: self._check_ranges(experiment))
        fields["bucket_range"] = bucket_range or assumptions.BUCKET_RANGE_UNSET
        return self.insert(fields, None, record_id, stamps)

    def seed_fields(self, record: dict) -> dict[str, Any]:
        experiment_id = v.required_id(record, "experiment")
        self.store.resources["experiments"].table.referenced(experiment_id, "experiment")
        return {
            "experiment": experiment_id,
            "bucket_range": v.text(record, "bucket_range", assumptions.BUCKET_RANGE_UNSET),
        }

    def after_load(self, records: Iterable[dict], source: str) -> None:
        """Seeded ranges are checked per experiment here, to name the source."""
        for experiment_id in sorted({r["experiment"] for r in records}):
            problem = self.ranges_problem(experiment_id)
            if problem:
                raise SeedError(f"{source}: experiment {experiment_id}: bucket_range: {problem}")
            self.tx.checked(("ranges", experiment_id))

    def delete_in(self, experiment_id: int, bucket_id: int) -> None:
        """Unsets the ranges of the buckets left (see `unset_ranges`)."""
        super().delete_in(experiment_id, bucket_id)
        self.unset_ranges(experiment_id)

    # ---- ranges ---------------------------------------------------------------------------

    def unset_ranges(self, experiment_id: int) -> None:
        """When the set of buckets changes, the old ratio no longer adds up: every range of
        the experiment is unset (BUCKET_RANGE_UNSET), moving `updated_at` of those it changes."""
        for bucket_id in self.ids_by_parent.get(experiment_id, ()):
            row = self.table.rows[bucket_id]
            if row["bucket_range"] != assumptions.BUCKET_RANGE_UNSET:
                self.touch(row, {"bucket_range": assumptions.BUCKET_RANGE_UNSET})

    def ranges_problem(self, experiment_id: int) -> str | None:
        """Why the experiment's bucket ranges break the invariant (they cover the slots
        exactly once, or are all unset), or None when they keep it."""
        spans = sorted(
            span
            for span in (
                v.bucket_range(self.table.rows[i]["bucket_range"], "bucket_range")
                for i in self.ids_by_parent.get(experiment_id, ())
            )
            if span
        )
        covered = 0  # slots 0 .. covered-1 are in exactly one bucket
        problem = None
        for start, end in spans:
            if start != covered:
                problem = (
                    f"slots {covered}-{start - 1} are in no bucket"
                    if start > covered
                    else f"slots {start}-{min(end, covered - 1)} are in two buckets"
                )
                break
            covered = end + 1
        if problem is None and spans and covered != assumptions.BUCKET_SLOTS:
            problem = f"slots {covered}-{assumptions.BUCKET_SLOTS - 1} are in no bucket"
        return problem and (
            f"the ranges of experiment {experiment_id}'s buckets must cover "
            f"0-{assumptions.BUCKET_SLOTS - 1} exactly once or all be unset: {problem}"
        )

    def _check_ranges(self, experiment_id: int) -> None:
        if experiment_id in self.store.resources["experiments"].table.rows:
            problem = self.ranges_problem(experiment_id)
            if problem:
                raise FieldError("bucket_range", problem)

    def set_ratio(self, experiment_id: int, body: dict) -> list[dict]:
        """Takes every bucket of the experiment, each with a share of 100, and lays the
        buckets' ranges out in id order."""
        self.store.resources["experiments"].table.get(experiment_id)
        ratio = v.expect_object(body.get("bucket_ratio"), "bucket_ratio")
        shares = {}
        for key, share in ratio.items():
            field = f"bucket_ratio.{key}"
            bucket_id = v.id_text(key)
            if bucket_id is None:
                raise FieldError(field, f"keys must be bucket ids, 1 to {assumptions.MAX_ID}")
            share = v.whole_number(share)
            # Bounded before any sum: huge shares would add up to a number too long to print.
            if share is None or not 0 <= share <= assumptions.BUCKET_SLOTS:
                raise FieldError(field, f"must be an integer from 0 to {assumptions.BUCKET_SLOTS}")
            shares[bucket_id] = share
        rows = self.of_experiment(experiment_id)
        expected = {row["id"] for row in rows}
        if set(shares) != expected:
            missing, unknown = sorted(expected - set(shares)), sorted(set(shares) - expected)
            problem = []
            if missing:
                problem.append(f"missing buckets {missing}")
            if unknown:
                problem.append(f"buckets {unknown} are not in experiment {experiment_id}")
            raise FieldError("bucket_ratio", "must name exactly the experiment's buckets: " + "; ".join(problem))
        total = sum(shares.values())
        if total != assumptions.BUCKET_SLOTS:
            raise FieldError("bucket_ratio", f"shares must add up to {assumptions.BUCKET_SLOTS}, not {total}")
        start = 0
        for row in rows:
            new_range = assumptions.bucket_range(start, shares[row["id"]])
            start += shares[row["id"]]
            if new_range != row["bucket_range"]:
                self.touch(row, {"bucket_range": new_range})
        return [self.render(r) for r in rows]

    def migrate(self, body: dict) -> list[dict]:
        """Points every bucket that uses `model_id` at the new prediction."""
        model_id = v.required_id(body, "model_id")
        self.store.resources["models"].table.referenced(model_id, "model_id")
        request = v.expect_object(body.get("migration_request"), "migration_request")
        fields = self.prediction_fields(request, "migration_request.")
        moved = [row for row in self.table.rows.values() if row["model_id"] == model_id]
        for row in moved:
            self.touch(row, copy.deepcopy(fields))  # no static items list shared between buckets
        return [self.render(r) for r in moved]

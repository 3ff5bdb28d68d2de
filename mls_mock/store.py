"""The fake's state: records, IDs, clock, relations and every domain rule. No Flask here.

Public methods take and return plain JSON-ready dicts in the wire shape of the real server
(`render_*`), so the HTTP layer only translates. Each public method runs under one lock as
one transaction (see `transaction.py`): it completes, or it raises (a domain error or
anything else) having changed nothing. Values are still validated before the first write,
so a refused request costs no undo.
"""
import copy
import datetime
import functools
import threading
from typing import Callable, ContextManager, Dict, Iterable, List, Optional

from . import assumptions, validation as v
from .errors import Conflict, FieldError, NotFound, SeedError
from .transaction import Commit, Table, Transaction, WriteScope, atomic as _atomic

PREDICTION_TYPES = ("empty", "static", "batch", "online", "automl")
FILTER_OPERATORS = ("==", "!=", "<=", ">=", "<", ">", "contains")
MODEL_TYPES = ("manual", "automl")
MODEL_FIELDS = (
    "description", "creator", "status", "table", "model_lib", "model_data", "model_meta",
    "features", "components", "is_enabled", "dataset_id", "dataset_name", "automl_model_info",
)
SEED_KINDS = ("models", "filters", "experiments", "buckets", "channels")
SEED_USER = "mls-mock"
# Levels a state document (see `dump`) puts around each free-form JSON value it holds:
# {"filters": [{"body": {"conditions": [<condition>]}}]}, {"buckets": [{"static_value":
# {"items": <items>}}]}, {"models": [{"model_meta": <value>}]}.
ENCLOSING_CONDITION, ENCLOSING_STATIC_ITEMS, ENCLOSING_MODEL_FIELD = 5, 4, 3


class Clock:
    """Reads `datetime.datetime` at call time, so freezegun's patch is followed."""

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc)


def _read(method):
    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


def _paginate(rows: List[dict], page: Optional[int]) -> List[dict]:
    if page is None:
        return rows
    start = (page - 1) * assumptions.PAGE_SIZE
    chunk = rows[start:start + assumptions.PAGE_SIZE]
    if not chunk and page > 1 and assumptions.EMPTY_PAGE_IS_ERROR:
        raise NotFound(f"page {page} does not exist")
    return chunk


def _matches_query(value: Optional[str], query: Optional[str]) -> bool:
    return query is None or (value is not None and query.casefold() in value.casefold())


class Store:
    """All records of one fake MLS. One per app: isolation is the default.

    `clock` needs only `now()` returning an aware datetime; `timezone` is the zone the
    timestamps are rendered in; `generous` names switches of `assumptions.GENEROUS` to turn on.
    """

    def __init__(self, clock: Optional[Clock] = None, timezone: Optional[datetime.tzinfo] = None,
                 generous: Iterable[str] = ()):
        self.clock = clock or Clock()
        self.timezone = timezone or assumptions.DEFAULT_TIMEZONE
        self.generous = assumptions.generous_switches(generous)
        self._lock = threading.RLock()
        self._listeners: List[Callable[["Store"], None]] = []
        self._tx: Optional[Transaction] = None  # the write in progress, if any
        self.__dict__.update(self._empty_state())

    @staticmethod
    def _empty_state() -> dict:
        return {
            "_channels": Table("channel", "channels"),
            "_experiments": Table("experiment", "experiments"),
            "_buckets": Table("bucket", "buckets"),
            "_filters": Table("filter", "filters"),
            "_models": Table("model", "models"),
            # Reverse relations, kept in step so reads never scan: experiment id -> ids.
            "_channel_ids_by_experiment": {},
            "_bucket_ids_by_experiment": {},
        }

    @property
    def lock(self) -> threading.RLock:
        """Held by every public method; hold it to read or write several things at once."""
        return self._lock

    def subscribe(self, listener: Callable[[Commit], None]) -> None:
        """Call `listener(commit)` once per successful outermost transaction, under the lock
        and before the transaction is final: if it raises, the transaction is rolled back and
        the exception propagates (see `transaction.Commit`)."""
        self._listeners.append(listener)

    def transaction(self) -> ContextManager[None]:
        """Several writes as one, under the lock: all of them or, if anything raises inside,
        none; listeners hear of it once, at the end."""
        return WriteScope(self)

    @_atomic
    def reset(self) -> None:
        self._tx.assign(self._tx, "replaced", True)
        for attribute, empty in self._empty_state().items():
            self._tx.assign(self, attribute, empty)

    def _now(self) -> str:
        return self.clock.now().astimezone(self.timezone).isoformat(timespec="microseconds")

    def _stamp(self, row: dict, stamps: Optional[dict] = None) -> dict:
        now = self._now()
        stamps = stamps or {}
        row["created_at"] = stamps.get("created_at") or stamps.get("updated_at") or now
        row["updated_at"] = stamps.get("updated_at") or row["created_at"]
        return row

    def _touch(self, table: Table, row: dict, fields: Optional[dict] = None) -> None:
        """Write `fields` into the row and move its `updated_at`."""
        self._tx.update(table, row, {**(fields or {}), "updated_at": self._now()})

    # ---- channels -------------------------------------------------------------------------

    def render_channel(self, row: dict) -> dict:
        return {**row, "experiments": list(row["experiments"])}

    def _listed_channel(self, row: dict) -> dict:
        """A channel as lists show it: the documented summary unless `full_lists` is on."""
        if "full_lists" in self.generous:
            return self.render_channel(row)
        return {key: row[key] for key in assumptions.CHANNEL_SUMMARY_FIELDS}

    def _channel_fields(self, body: dict) -> dict:
        screen_id = v.name(body, "screen_id")
        experiments = v.id_list(body, "experiments")
        for index, experiment_id in enumerate(experiments):
            self._experiments.referenced(experiment_id, f"experiments[{index}]")
        return {"screen_id": screen_id, "experiments": experiments}

    def _link(self, channel_id: int, experiment_ids: Iterable[int]):
        for experiment_id in experiment_ids:
            self._tx.index_add(self._channel_ids_by_experiment, experiment_id, channel_id)

    def _unlink(self, channel_id: int, experiment_ids: Iterable[int]):
        for experiment_id in experiment_ids:
            self._tx.index_discard(self._channel_ids_by_experiment, experiment_id, channel_id)

    @_atomic
    def create_channel(self, body: dict, user: str, record_id=None, stamps=None) -> dict:
        fields = self._channel_fields(body)
        self._channels.check_name(fields["screen_id"], fields["screen_id"], "screen_id")
        row = {"id": self._channels.claim_id(record_id), **fields, "user": user}
        self._tx.insert(self._channels, self._stamp(row, stamps), row["screen_id"])
        self._link(row["id"], row["experiments"])
        return self.render_channel(row)

    @_read
    def list_channels(self, id=None, screen_id=None, query=None, page=None) -> List[dict]:
        rows = self._select(self._channels, id, screen_id, "screen_id")
        rows = [r for r in rows if _matches_query(r["screen_id"], query)]
        return [self._listed_channel(r) for r in _paginate(rows, page)]

    @_read
    def get_channel(self, channel_id: int) -> dict:
        return self.render_channel(self._channels.get(channel_id))

    @_atomic
    def update_channel(self, channel_id: int, body: dict) -> dict:
        row = self._channels.get(channel_id)
        fields = self._channel_fields(body)
        self._channels.check_name(fields["screen_id"], fields["screen_id"], "screen_id", channel_id)
        self._tx.rename(self._channels, row["screen_id"], fields["screen_id"], channel_id)
        self._unlink(channel_id, row["experiments"])
        self._link(channel_id, fields["experiments"])
        self._touch(self._channels, row, fields)
        return self.render_channel(row)

    @_atomic
    def delete_channel(self, channel_id: int) -> None:
        row = self._channels.get(channel_id)
        self._unlink(channel_id, row["experiments"])
        self._tx.remove(self._channels, channel_id, row["screen_id"])

    # ---- experiments ----------------------------------------------------------------------

    def render_experiment(self, row: dict) -> dict:
        filter_id = row["model_filter_id"]
        channel_ids = sorted(self._channel_ids_by_experiment.get(row["id"], ()))  # id order, like lists
        return {
            "id": row["id"],
            "name": row["name"],
            "description": row["description"],
            "bucketing_seed": row["bucketing_seed"],
            "model_filter": None if filter_id is None else self._listed_filter(self._filters.rows[filter_id]),
            "channels": [self._listed_channel(self._channels.rows[c]) for c in channel_ids],
            "user": row["user"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    def _experiment_fields(self, body: dict) -> dict:
        fields = {
            "name": v.name(body, "name"),
            "description": v.text(body, "description", assumptions.MISSING_DESCRIPTION),
            "bucketing_seed": v.text(body, "bucketing_seed", ""),
            "model_filter_id": v.optional_id(body, "model_filter_id"),
        }
        if fields["model_filter_id"] is not None:
            self._filters.referenced(fields["model_filter_id"], "model_filter_id")
        return fields

    @_atomic
    def create_experiment(self, body: dict, user: str, record_id=None, stamps=None) -> dict:
        fields = self._experiment_fields(body)
        self._experiments.check_name(fields["name"], fields["name"], "name")
        row = {"id": self._experiments.claim_id(record_id), **fields, "user": user}
        self._tx.insert(self._experiments, self._stamp(row, stamps), row["name"])
        return self.render_experiment(row)

    @_read
    def list_experiments(self, id=None, name=None, query=None, page=None) -> List[dict]:
        rows = self._select(self._experiments, id, name, "name")
        rows = [r for r in rows if _matches_query(r["name"], query)]
        return [self.render_experiment(r) for r in _paginate(rows, page)]

    @_read
    def get_experiment(self, experiment_id: int) -> dict:
        return self.render_experiment(self._experiments.get(experiment_id))

    @_atomic
    def update_experiment(self, experiment_id: int, body: dict) -> dict:
        """A full replace: a field left out of `body` is cleared."""
        row = self._experiments.get(experiment_id)
        fields = self._experiment_fields(body)
        self._experiments.check_name(fields["name"], fields["name"], "name", experiment_id)
        self._tx.rename(self._experiments, row["name"], fields["name"], experiment_id)
        self._touch(self._experiments, row, fields)
        return self.render_experiment(row)

    @_atomic
    def delete_experiment(self, experiment_id: int) -> None:
        """Also drops it from every channel and deletes its buckets."""
        row = self._experiments.get(experiment_id)
        for channel_id in self._tx.index_pop(self._channel_ids_by_experiment, experiment_id):
            channel = self._channels.rows[channel_id]
            self._touch(self._channels, channel, {"experiments": [e for e in channel["experiments"] if e != experiment_id]})
        for bucket_id in self._tx.index_pop(self._bucket_ids_by_experiment, experiment_id):
            bucket = self._buckets.rows[bucket_id]
            self._tx.remove(self._buckets, bucket_id, (experiment_id, bucket["name"]))
        self._tx.remove(self._experiments, experiment_id, row["name"])

    # ---- buckets --------------------------------------------------------------------------

    def render_bucket(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "experiment": row["experiment"],
            "name": row["name"],
            "description": row["description"],
            "bucket_range": row["bucket_range"],
            "prediction": self._render_prediction(row),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    def _render_prediction(self, row: dict) -> dict:
        kind = row["prediction_type"]
        request = {"type": kind}
        if kind == "static":
            request["items"] = copy.deepcopy(row["static_items"])
        model_id = row["model_id"]
        if model_id is not None:
            model = self._models.rows[model_id]
            request["model_name"] = model["name"]
            request["model_version"] = model["version"]
            if kind == "automl":
                request["username"] = model["creator"]
        # One prediction per bucket, made with it: its id is the bucket's, so a dump/load
        # round trip (and a seeded bucket) keeps it without a sequence of its own.
        return {"id": row["id"], "request": request, "ml_model": model_id}

    def _prediction_fields(self, body: dict, prefix: str = "", current: Optional[dict] = None) -> dict:
        """`current`: the bucket being replaced, whose model a body may leave out."""
        with v.within(prefix):
            return self._prediction_fields_of(body, current)

    def _prediction_fields_of(self, body: dict, current: Optional[dict]) -> dict:
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
            model = self._models.referenced(model_id, field)
            wanted = assumptions.MODEL_TYPE_FOR_PREDICTION[kind]
            if model["model_type"] != wanted:
                raise FieldError(field, f"model {model_id} is {model['model_type']}, a {kind} bucket needs a {wanted} model")
            fields["model_id"] = model_id
        return fields

    def _bucket_fields(self, body: dict, current: Optional[dict] = None) -> dict:
        return {
            "name": v.name(body, "name"),
            "description": v.text(body, "description", assumptions.MISSING_DESCRIPTION),
            **self._prediction_fields(body, current=current),
        }

    def _bucket_of(self, experiment_id: int, bucket_id: int) -> dict:
        self._experiments.get(experiment_id)
        row = self._buckets.get(bucket_id)
        if row["experiment"] != experiment_id:
            raise NotFound(f"bucket {bucket_id} does not belong to experiment {experiment_id}")
        return row

    @_atomic
    def create_bucket(self, experiment_id: int, body: dict, record_id=None, stamps=None, bucket_range=None) -> dict:
        """A new bucket unsets its siblings' ranges (the ratio must be set again); a seeded
        one (`bucket_range` given, even "") keeps them, and the experiment's ranges are
        checked when the transaction commits, so a seed may give them one bucket at a time."""
        self._experiments.get(experiment_id)
        fields = self._bucket_fields(body)
        self._buckets.check_name((experiment_id, fields["name"]), fields["name"], "name")
        record_id = self._buckets.claim_id(record_id)
        if bucket_range is None:
            self._unset_ranges(experiment_id)
        else:
            span = v.bucket_range(bucket_range, "bucket_range")
            if span is not None:  # an unset range cannot break the invariant
                bucket_range = assumptions.bucket_range(span[0], span[1] - span[0] + 1)
                self._tx.check_at_commit(("ranges", experiment_id), lambda: self._check_ranges(experiment_id))
        row = {
            "id": record_id,
            "experiment": experiment_id,
            **fields,
            "bucket_range": bucket_range or assumptions.BUCKET_RANGE_UNSET,
        }
        self._tx.insert(self._buckets, self._stamp(row, stamps), (experiment_id, row["name"]))
        self._tx.index_add(self._bucket_ids_by_experiment, experiment_id, row["id"])
        return self.render_bucket(row)

    def _unset_ranges(self, experiment_id: int) -> None:
        """When the set of buckets changes, the old ratio no longer adds up: every range of
        the experiment is unset (BUCKET_RANGE_UNSET), moving `updated_at` of those it changes."""
        for bucket_id in self._bucket_ids_by_experiment.get(experiment_id, ()):
            row = self._buckets.rows[bucket_id]
            if row["bucket_range"] != assumptions.BUCKET_RANGE_UNSET:
                self._touch(self._buckets, row, {"bucket_range": assumptions.BUCKET_RANGE_UNSET})

    def ranges_problem(self, experiment_id: int) -> Optional[str]:
        """Why the experiment's bucket ranges break the invariant (they cover the slots
        exactly once, or are all unset), or None when they keep it."""
        with self._lock:
            spans = sorted(span for span in (v.bucket_range(self._buckets.rows[i]["bucket_range"], "bucket_range")
                                             for i in self._bucket_ids_by_experiment.get(experiment_id, ())) if span)
        covered = 0  # slots 0 .. covered-1 are in exactly one bucket
        problem = None
        for start, end in spans:
            if start != covered:
                problem = (f"slots {covered}-{start - 1} are in no bucket" if start > covered
                           else f"slots {start}-{min(end, covered - 1)} are in two buckets")
                break
            covered = end + 1
        if problem is None and spans and covered != assumptions.BUCKET_SLOTS:
            problem = f"slots {covered}-{assumptions.BUCKET_SLOTS - 1} are in no bucket"
        return problem and (f"the ranges of experiment {experiment_id}'s buckets must cover "
                            f"0-{assumptions.BUCKET_SLOTS - 1} exactly once or all be unset: {problem}")

    def _check_ranges(self, experiment_id: int) -> None:
        if experiment_id in self._experiments.rows:
            problem = self.ranges_problem(experiment_id)
            if problem:
                raise FieldError("bucket_range", problem)

    def _experiment_buckets(self, experiment_id: int) -> List[dict]:
        ids = sorted(self._bucket_ids_by_experiment.get(experiment_id, ()))
        return [self._buckets.rows[i] for i in ids]

    @_read
    def list_buckets(self, experiment_id: int, id=None, name=None, query=None, page=None) -> List[dict]:
        self._experiments.get(experiment_id)
        rows = self._experiment_buckets(experiment_id)
        rows = [r for r in rows if (id is None or r["id"] == id) and (name is None or r["name"] == name)
                and _matches_query(r["name"], query)]
        return [self.render_bucket(r) for r in _paginate(rows, page)]

    @_read
    def get_bucket(self, experiment_id: int, bucket_id: int) -> dict:
        return self.render_bucket(self._bucket_of(experiment_id, bucket_id))

    @_atomic
    def update_bucket(self, experiment_id: int, bucket_id: int, body: dict) -> dict:
        row = self._bucket_of(experiment_id, bucket_id)
        fields = self._bucket_fields(body, current=row)
        self._buckets.check_name((experiment_id, fields["name"]), fields["name"], "name", bucket_id)
        self._tx.rename(self._buckets, (experiment_id, row["name"]), (experiment_id, fields["name"]), bucket_id)
        self._touch(self._buckets, row, fields)
        return self.render_bucket(row)

    @_atomic
    def delete_bucket(self, experiment_id: int, bucket_id: int) -> None:
        """Unsets the ranges of the buckets left (see `_unset_ranges`)."""
        row = self._bucket_of(experiment_id, bucket_id)
        self._tx.index_discard(self._bucket_ids_by_experiment, experiment_id, bucket_id)
        self._tx.remove(self._buckets, bucket_id, (experiment_id, row["name"]))
        self._unset_ranges(experiment_id)

    @_atomic
    def set_bucket_ratio(self, experiment_id: int, body: dict) -> List[dict]:
        """Takes every bucket of the experiment, each with a share of 100, and lays the
        buckets' ranges out in id order."""
        self._experiments.get(experiment_id)
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
        rows = self._experiment_buckets(experiment_id)
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
                self._touch(self._buckets, row, {"bucket_range": new_range})
        return [self.render_bucket(r) for r in rows]

    @_atomic
    def migrate_buckets(self, body: dict) -> List[dict]:
        """Points every bucket that uses `model_id` at the new prediction."""
        model_id = v.required_id(body, "model_id")
        self._models.referenced(model_id, "model_id")
        request = v.expect_object(body.get("migration_request"), "migration_request")
        fields = self._prediction_fields(request, "migration_request.")
        moved = [row for row in self._buckets.rows.values() if row["model_id"] == model_id]
        for row in moved:
            self._touch(self._buckets, row, copy.deepcopy(fields))  # no static items list shared between buckets
        return [self.render_bucket(r) for r in moved]

    # ---- filters --------------------------------------------------------------------------

    def render_filter(self, row: dict) -> dict:
        return {**row, "body": {"conditions": copy.deepcopy(row["body"]["conditions"])}}

    def _listed_filter(self, row: dict) -> dict:
        """A filter as lists (and experiments) show it: without its conditions unless
        `full_lists` is on."""
        if "full_lists" in self.generous:
            return self.render_filter(row)
        return {key: row[key] for key in assumptions.FILTER_SUMMARY_FIELDS}

    def _filter_fields(self, body: dict) -> dict:
        name = v.name(body, "name")
        filter_body = v.expect_object(body.get("body"), "body")
        conditions = filter_body.get("conditions")
        if not isinstance(conditions, list):
            raise FieldError("body.conditions", "must be a list")
        for index, condition in enumerate(conditions):
            field = f"body.conditions[{index}]"
            v.expect_object(condition, field)
            key = condition.get("key")
            if not isinstance(key, str) or not key:
                raise FieldError(f"{field}.key", "must be a non-empty string")
            if condition.get("operator") not in FILTER_OPERATORS:
                raise FieldError(f"{field}.operator", f"must be one of {', '.join(FILTER_OPERATORS)}")
            if "value" not in condition or isinstance(condition["value"], dict):
                raise FieldError(f"{field}.value", "must be a string, number, boolean or list")
        stored = [v.json_value(c, f"body.conditions[{i}]", ENCLOSING_CONDITION) for i, c in enumerate(conditions)]
        return {"name": name, "body": {"conditions": stored}}

    @_atomic
    def create_filter(self, body: dict, record_id=None, stamps=None) -> dict:
        fields = self._filter_fields(body)
        self._filters.check_name(fields["name"], fields["name"], "name")
        row = {"id": self._filters.claim_id(record_id), **fields}
        self._tx.insert(self._filters, self._stamp(row, stamps), row["name"])
        return self.render_filter(row)

    @_read
    def list_filters(self, id=None, name=None, query=None, page=None) -> List[dict]:
        rows = self._select(self._filters, id, name, "name")
        rows = [r for r in rows if _matches_query(r["name"], query)]
        return [self._listed_filter(r) for r in _paginate(rows, page)]

    @_read
    def get_filter(self, filter_id: int) -> dict:
        return self.render_filter(self._filters.get(filter_id))

    @_atomic
    def update_filter(self, filter_id: int, body: dict) -> dict:
        row = self._filters.get(filter_id)
        fields = self._filter_fields(body)
        self._filters.check_name(fields["name"], fields["name"], "name", filter_id)
        self._tx.rename(self._filters, row["name"], fields["name"], filter_id)
        self._touch(self._filters, row, fields)
        return self.render_filter(row)

    @_atomic
    def delete_filter(self, filter_id: int) -> None:
        row = self._filters.get(filter_id)
        users = [e for e in self._experiments.rows.values() if e["model_filter_id"] == filter_id]
        if users:
            named = ", ".join(f"{e['id']} ({e['name']})" for e in users)
            raise Conflict(f"filter {filter_id} is used by experiments {named}; remove it from them first")
        self._tx.remove(self._filters, filter_id, row["name"])

    # ---- models (read-only over HTTP) -----------------------------------------------------

    def render_model(self, row: dict) -> dict:
        return copy.deepcopy(row)

    @_atomic
    def create_model(self, body: dict, record_id=None, stamps=None) -> dict:
        name = v.name(body, "name")
        version = v.name(body, "version")
        model_type = v.choice(body, "model_type", MODEL_TYPES)
        components = body.get("components")
        if components is not None and not (isinstance(components, list) and all(isinstance(c, dict) for c in components)):
            # sktmls builds Component(**c) from each one when it reads the model back.
            raise FieldError("components", "must be a list of component objects ({\"id\", \"name\", ...}) or null")
        self._models.check_name((name, version), f"{name} {version}", "name")
        row = {"id": self._models.claim_id(record_id), "name": name, "version": version, "model_type": model_type}
        row.update({key: v.json_value(body.get(key), key, ENCLOSING_MODEL_FIELD) for key in MODEL_FIELDS})
        self._tx.insert(self._models, self._stamp(row, stamps), (name, version))
        return self.render_model(row)

    def _visible_model(self, row: dict, viewer: Optional[str]) -> bool:
        """Whether `viewer` may read the model: an automl model is its creator's alone unless
        `shared_automl_models` is on; `viewer` None (the store's own callers) sees all."""
        return (viewer is None or row["model_type"] != "automl" or row["creator"] == viewer
                or "shared_automl_models" in self.generous)

    @_read
    def list_models(self, id=None, name=None, version=None, model_type=None, query=None, page=None,
                    viewer: Optional[str] = None) -> List[dict]:
        rows = self._select(self._models, id, None, "name")
        rows = [
            r for r in rows
            if self._visible_model(r, viewer)
            and (name is None or r["name"] == name)
            and (version is None or r["version"] == version)
            and (model_type is None or r["model_type"] == model_type)
            and _matches_query(r["name"], query)
        ]
        return [self.render_model(r) for r in _paginate(rows, page)]

    @_read
    def get_model(self, model_id: int, viewer: Optional[str] = None) -> dict:
        row = self._models.get(model_id)
        if not self._visible_model(row, viewer):
            raise NotFound.record("model", model_id)  # as if absent: nothing to learn about others' models
        return self.render_model(row)

    # ---- shared ---------------------------------------------------------------------------

    @staticmethod
    def _select(table: Table, record_id, name, name_field: str) -> Iterable[dict]:
        """Rows matching an exact id and/or name, found through the indexes, in id order."""
        if record_id is not None:
            row = table.rows.get(record_id)
            rows = [row] if row is not None else []
        elif name is not None:
            found = table.ids_by_name.get(name)
            rows = [table.rows[found]] if found is not None else []
        else:
            return list(table.rows.values())
        return [r for r in rows if name is None or r[name_field] == name]

    def counts(self) -> Dict[str, int]:
        with self._lock:
            return {kind: len(self._table(kind).rows) for kind in SEED_KINDS}

    def _table(self, kind: str) -> Table:
        return getattr(self, f"_{kind}")

    # ---- seeding and dumping (the fixtures/ format) -----------------------------------------

    @_atomic
    def load(self, document: dict, source: str = "seed") -> Dict[str, int]:
        """Add the records of a seed document (see fixtures/README.md) to the store.

        Explicit ids are kept and move the sequences past them. All or nothing: a bad record
        raises SeedError naming `source`, the record and the field, and the transaction leaves
        the store as before (anything else raised inside leaves it as before too).
        """
        if not isinstance(document, dict):
            raise SeedError(f"{source}: a seed document must be a JSON object")
        unknown = set(document) - set(SEED_KINDS) - {"sequences", "format"}
        if unknown:
            shown = sorted(repr(key) if isinstance(key, str) else f"a {type(key).__name__} key" for key in unknown)
            raise SeedError(f"{source}: unknown top-level keys [{', '.join(shown)}]; expected {[*SEED_KINDS, 'sequences', 'format']}"
                            + ("; that is an envelope: send its `results`" if {"code", "results"} <= set(document) else ""))
        added = {kind: self._load_kind(document, kind, source) for kind in SEED_KINDS}
        sequences = document.get("sequences")  # null is "none"; false, 0 or "" are mistakes
        self._load_sequences({} if sequences is None else sequences, source)
        for experiment_id in sorted({r["experiment"] for r in document.get("buckets") or ()}):
            problem = self.ranges_problem(experiment_id)
            if problem:
                raise SeedError(f"{source}: experiment {experiment_id}: bucket_range: {problem}")
            self._tx.checked(("ranges", experiment_id))
        return added

    def _load_kind(self, document: dict, kind: str, source: str) -> int:
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
            if isinstance(shown_id, str) and len(shown_id) <= 20 or (
                    isinstance(shown_id, int) and abs(shown_id) < 10 ** 20):  # never print a huge int
                where += f" (id {shown_id})"
            try:
                self._load_record(kind, record)
            except (FieldError, Conflict, NotFound) as error:
                raise SeedError(f"{where}: {error.message}") from None
        return len(records)

    def _load_record(self, kind: str, record: dict):
        record_id = v.optional_id(record, "id")
        stamps = {"created_at": v.timestamp(record, "created_at"), "updated_at": v.timestamp(record, "updated_at")}
        if stamps["created_at"] and stamps["updated_at"] and (
                datetime.datetime.fromisoformat(stamps["updated_at"]) < datetime.datetime.fromisoformat(stamps["created_at"])):
            raise FieldError("updated_at", "must not be before created_at")
        user = v.text(record, "user", SEED_USER)
        if kind == "models":
            self.create_model(record, record_id, stamps)
        elif kind == "filters":
            self.create_filter(record, record_id, stamps)
        elif kind == "experiments":
            self.create_experiment(record, user, record_id, stamps)
        elif kind == "buckets":
            experiment_id = v.required_id(record, "experiment")
            self._experiments.referenced(experiment_id, "experiment")
            bucket_range = v.text(record, "bucket_range", assumptions.BUCKET_RANGE_UNSET)
            self.create_bucket(experiment_id, record, record_id, stamps, bucket_range)
        else:
            self.create_channel(record, user, record_id, stamps)

    def _load_sequences(self, sequences: dict, source: str):
        if not isinstance(sequences, dict):
            raise SeedError(f"{source}: sequences must be an object")
        for kind, last_id in sequences.items():
            if kind not in SEED_KINDS:
                field = f"sequences.{kind}" if isinstance(kind, str) else f"sequences (a {type(kind).__name__} key)"
                raise SeedError(f"{source}: {field}: not a kind of record; expected one of {list(SEED_KINDS)}")
            last_id = v.whole_number(last_id)
            if last_id is None or not 0 <= last_id <= assumptions.MAX_ID:
                raise SeedError(f"{source}: sequences.{kind}: must be an integer from 0 to {assumptions.MAX_ID}")
            table = self._table(kind)
            if last_id > table.last_id:
                self._tx.set_last_id(table, last_id)

    @staticmethod
    def _dump_bucket(row: dict) -> dict:
        record = {k: row[k] for k in ("id", "experiment", "name", "description", "prediction_type", "bucket_range")}
        if row["prediction_type"] == "static":
            record["static_value"] = {"items": copy.deepcopy(row["static_items"])}
        elif row["model_id"] is not None:
            record[f"{row['prediction_type']}_model_id"] = row["model_id"]
        record.update(created_at=row["created_at"], updated_at=row["updated_at"])
        return record

    def _dumper(self, kind: str) -> Callable[[dict], dict]:
        return {"models": copy.deepcopy, "filters": self.render_filter, "experiments": dict,
                "buckets": self._dump_bucket, "channels": self.render_channel}[kind]

    def _changed_records(self, touched: Dict[str, Iterable[int]]) -> Dict[str, Dict[int, Optional[dict]]]:
        """For `Commit.changes`: the records of `touched` ids as `dump` lists them, None if gone."""
        changes = {}
        for kind, ids in touched.items():
            rows, dump_record = self._table(kind).rows, self._dumper(kind)
            changes[kind] = {i: (None if rows.get(i) is None else dump_record(rows[i])) for i in ids}
        return changes

    def _sequences(self) -> Dict[str, int]:
        return {kind: self._table(kind).last_id for kind in SEED_KINDS}

    @_read
    def dump(self) -> dict:
        """Every record in the seed format, with ids, timestamps and sequences: `load` of
        the result into an empty store gives back the same state."""
        document = {}
        for kind in SEED_KINDS:
            dump_record = self._dumper(kind)
            document[kind] = [dump_record(r) for r in self._table(kind).rows.values()]
        document["sequences"] = self._sequences()
        return document

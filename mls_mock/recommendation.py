"""The recommendation API's answers (`MLSRecommendationAPIClient.request` and `.predict`),
from the A/B set-up in the store: for each requested channel, its experiments in order, the
first one whose filter the target passes and whose buckets have ranges decides; the target's
bucket in it (`bucketing.py`) answers by its prediction type. No Flask here: the routes are
in api/recommendation.py.

Every answer is a channel's `{"items": [...]}` (what an sktmls model's `predict` returns);
what the fake cannot answer (an empty bucket, a missing row, a table not ready, no answer
registered, a filtered-out target) is `assumptions.EMPTY_CHANNEL_ANSWER`, and a channel
that does not exist is left out. Why each channel got what it got is `served` (journaled
with the call: `Call.served`)."""

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import assumptions, bucketing, conditions
from . import validation as v
from .errors import FieldError
from .profile_data import profile_of


@dataclass(frozen=True)
class AnswerRequest:
    """What a registered callable (`MLSMock.answer(model, fn)`) is called with: the target
    (`user_id`: the user's or, for `predict(api_type="target")`, the target's id), the
    channel, the experiment and bucket (its record, as `get_bucket` answers it) chosen, the
    model, and `keys` (predict's; [] for request)."""

    user_id: str
    channel: str
    experiment: str
    bucket: dict
    model: dict
    keys: list = field(default_factory=list)
    api: str = "v2"  # v1, v2 (request) or v3 (predict)
    client_id: str = ""
    target_type: str = "user"  # predict's `type`: user | target


@dataclass
class _Plan:
    """One channel's answer once the store has been read: a value, or a callable to call
    after the store's lock is released."""

    answer: Any = None
    call: Callable | None = None
    request: AnswerRequest | None = None


# ---- request bodies ------------------------------------------------------------------------


def read_items_body(body: Mapping) -> tuple[str, list[str]]:
    """`request`'s body: {user_id, channel_ids, sale_org_id}, no other key (sale_org_id: what
    sktmls always sends, read by no rule here)."""
    v.only_keys(body, ("user_id", "channel_ids", "sale_org_id"))
    user_id = _target_id(body, "user_id")
    channel_ids = _channel_ids(body, allow_empty=False)  # request asserts a non-empty list
    v.choice(body, "sale_org_id", assumptions.SALE_ORG_IDS)
    return user_id, channel_ids


def read_predict_body(body: Mapping) -> tuple[str, str, list[str], list]:
    """`predict`'s body: {type, id, channel_ids, keys}, each sent by every call, no other key."""
    v.only_keys(body, ("type", "id", "channel_ids", "keys"))
    target_type = v.choice(body, "type", assumptions.PREDICT_TARGET_TYPES)
    target_id = _target_id(body, "id")
    channel_ids = _channel_ids(body, allow_empty=True)  # predict asserts nothing of it
    keys = body.get("keys")
    if keys is None:
        raise FieldError("keys", "is required: a list (sktmls sends [] by default)")
    if not isinstance(keys, list):
        raise FieldError("keys", "must be a list")
    return target_type, target_id, channel_ids, keys


def _target_id(body: Mapping, name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise FieldError(name, "must be a non-empty string")
    return value


def _channel_ids(body: Mapping, allow_empty: bool) -> list[str]:
    value = body.get("channel_ids")
    if not isinstance(value, list) or (not value and not allow_empty):
        raise FieldError(
            "channel_ids", "must be a non-empty list of channel ids" if not allow_empty else "must be a list"
        )
    for index, channel in enumerate(value):
        if not isinstance(channel, str) or not channel:
            raise FieldError(f"channel_ids[{index}]", "must be a non-empty string (a channel's screen_id)")
    return list(dict.fromkeys(value))


# ---- answering -----------------------------------------------------------------------------


def answer(
    store,
    registered: Mapping[int, Callable],
    target_id: str,
    channel_ids: list[str],
    *,
    keys: list | None = None,
    api: str = "v2",
    client_id: str = "",
    target_type: str = "user",
) -> tuple[dict, list[dict]]:
    """(results, served): results maps each known channel to its answer; served holds one
    entry per requested channel: {channel, experiment, bucket, slot, outcome}. The results
    share the store's values (static items, rows, fixed answers) uncopied: they are only
    encoded, and a write replaces a record's values rather than changing them in place."""
    plans: dict[str, _Plan] = {}
    served: list[dict] = []
    with store.lock:
        reader = _Reader(store, registered, target_id, target_type)
        for channel in channel_ids:
            entry = {"channel": channel, "experiment": None, "bucket": None, "slot": None, "outcome": ""}
            plan = reader.plan(channel, entry, keys or [], api, client_id)
            served.append(entry)
            if plan is not None:
                plans[channel] = plan
    results = {}
    for channel, plan in plans.items():
        if plan.call is not None:
            value = plan.call(plan.request)
            if not isinstance(value, dict):
                raise TypeError(
                    f"the answer registered for model {plan.request.model['id']} returned "  # type: ignore[union-attr]
                    f"{type(value).__name__}, not a dict such as {{'items': [...]}}"
                )
            results[channel] = value
        else:
            results[channel] = plan.answer
    return results, served


class _Reader:
    """Reads one request's answers from the store (under its lock)."""

    def __init__(self, store, registered: Mapping[int, Callable], target_id: str, target_type: str):
        self.resources = store.resources
        self.store, self.registered = store, registered
        self.target_id, self.target_type = target_id, target_type
        self._profile: Mapping | None = None

    def plan(self, channel: str, entry: dict, keys: list, api: str, client_id: str) -> _Plan | None:
        resources = self.resources
        channels = resources["channels"].table
        channel_id = channels.ids_by_name.get(channel)
        if channel_id is None:
            entry["outcome"] = "unknown_channel"
            return None
        filtered = False
        experiments, buckets = resources["experiments"].table.rows, resources["buckets"]
        for experiment_id in channels.rows[channel_id]["experiments"]:
            experiment = experiments[experiment_id]
            user_slot = bucketing.slot(experiment["bucketing_seed"], self.target_id)
            bucket = bucketing.owner(((b["bucket_range"], b) for b in buckets.of_experiment(experiment_id)), user_slot)
            if bucket is None:
                continue  # no ranges set: the experiment is not running
            if not self._passes(experiment):
                filtered = True
                continue
            entry["experiment"], entry["bucket"], entry["slot"] = experiment["name"], bucket["name"], user_slot
            if bucket["prediction_type"] == "static":  # the common case, without building a context
                entry["outcome"] = "static"
                return _Plan(answer={assumptions.ITEMS_KEY: bucket["static_items"]})
            context = dict(channel=channel, experiment=experiment["name"], keys=keys, api=api, client_id=client_id)
            return self._predict(bucket, entry, context)
        entry["outcome"] = "filtered" if filtered else "no_experiment"
        return _Plan(answer=empty())

    def _passes(self, experiment: dict) -> bool:
        filter_id = experiment["model_filter_id"]
        if filter_id is None:
            return True
        found = self.resources["filters"].table.rows[filter_id]["body"]["conditions"]
        return not found or conditions.all_hold(found, self._profile_values())

    def _profile_values(self) -> Mapping:
        if self._profile is None:
            kind = "user" if self.target_type == "user" else "item"
            profile_id = assumptions.FILTER_PROFILE_IDS[self.target_type]
            self._profile = profile_of(self.store, profile_id, kind, self.target_id) or {}
        return self._profile

    def _predict(self, bucket: dict, entry: dict, context: dict) -> _Plan:
        kind = bucket["prediction_type"]  # static is answered by `plan`
        entry["outcome"] = kind
        if kind == "empty":
            return _Plan(answer=empty())
        model = self.resources["models"].table.rows[bucket["model_id"]]
        if kind == "batch":
            return self._batch(model, entry)
        call = self.registered.get(model["id"])
        if call is not None:
            rendered_bucket = self.resources["buckets"].render(bucket)
            request = AnswerRequest(
                user_id=self.target_id,
                bucket=rendered_bucket,
                model=self.resources["models"].render(model),
                target_type=self.target_type,
                **context,
            )
            return _Plan(call=call, request=request)
        fixed = self.resources["model_answers"].stored(model["id"])
        if fixed is None:
            entry["outcome"] = f"{kind}_no_answer"
            return _Plan(answer=empty())
        return _Plan(answer=fixed)

    def _batch(self, model: dict, entry: dict) -> _Plan:
        """The target's row of the model's table (`model.table`), keyed by the table's key."""
        table_name = model.get("table")
        tables = self.resources["dynamodb_tables"]
        found = tables.table.ids_by_name.get(table_name) if table_name else None
        if found is None:
            entry["outcome"] = "batch_no_table"
            return _Plan(answer=empty())
        table = tables.table.rows[found]
        if not table["is_active"] or table["is_loading"]:  # what is_batch_prediction_ready reads
            entry["outcome"] = "batch_table_not_ready"
            return _Plan(answer=empty())
        items = self.resources["dynamodb_items"]
        row_id = items.table.ids_by_name.get((table_name, self.target_id))
        if row_id is None:
            entry["outcome"] = "batch_no_row"
            return _Plan(answer=empty())
        row = items.table.rows[row_id]["item"]
        return _Plan(answer={assumptions.ITEMS_KEY: row.get(assumptions.BATCH_ITEMS_ATTRIBUTE, [])})


def empty() -> dict:
    return copy.deepcopy(assumptions.EMPTY_CHANNEL_ANSWER)

"""Probes that create, change and delete records: run only with --allow-writes. Each works on
records of its own (names from `t.name`, unique to the run); whatever it creates, even a
record the server should have refused, is deleted by the gate when it ends (models too,
after the buckets that serve them). Bucket probes point at models the server already has."""

import json
from typing import Any

from . import assumptions
from .verify_probe import NotChecked, expect, probe

CONDITIONS = [{"key": "age", "operator": ">=", "value": 1}]
FULL_CHANNEL_FIELDS = ("id", "screen_id", "experiments", "user", "created_at", "updated_at")


def _experiment(t, label: str, **fields):
    return t.experiments.create_experiment(name=t.name(label), bucketing_seed="mls-mock-verify", **fields)


def _empty_bucket(t, experiment, label: str):
    return t.experiments.create_bucket(experiment=experiment, name=t.name(label), prediction_type="empty")


def _post(t, path: str, body, **kwargs):
    """A raw POST of a JSON text (which may be one the json module would refuse to write)."""
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    headers = kwargs.pop("headers", {"Content-Type": "application/json"})
    return t.raw("POST", path, data=data, headers=headers, **kwargs)


def _models(t):
    """(a manual model, an automl model) the account can read, or NotChecked."""
    manual = t.models.list_manual_models(page=1)
    automl = t.models.list_automl_models(page=1)
    if not manual or not automl:
        missing = " and ".join(kind for kind, found in (("manual", manual), ("automl", automl)) if not found)
        raise NotChecked(f"no {missing} model the account can read on the server to point buckets at")
    return manual[0], automl[0]


def _automl_bucket(t, experiment, model, label: str):
    """POSTed raw: the client's create_bucket refuses prediction_type automl itself."""
    reply = _post(
        t,
        f"/api/v1/experiments/{experiment.id}/buckets",
        {"name": t.name(label), "prediction_type": "automl", "automl_model_id": model.id},
    )
    expect(reply.status == 201, f"creating an automl bucket with automl model {model.id}: {reply}")
    return reply.results


@probe("create-status")
def create_status(t):
    created = _experiment(t, "status")
    post = t.last_status("POST")
    t.filters.create_filter(name=t.name("status"), conditions=CONDITIONS)
    filter_post = t.last_status("POST")
    t.experiments.update_experiment(created, description="changed by mls-mock verify")
    put, get = t.last_status("PUT"), t.last_status("GET")
    shown = f"POST experiment {post}, POST filter {filter_post}, PUT {put}, GET {get}"
    expect((post, filter_post, put, get) == (201, 201, 200, 200), shown)
    return shown


@probe("delete-response")
def delete_response(t):
    response = t.experiments.delete_experiment(_experiment(t, "delete"))
    shown = f"DELETE -> {response.status} with results {json.dumps(response.results)}"
    expect(response.status == 200 and response.results == assumptions.DELETE_RESULTS, shown)
    return shown


@probe("unique-names")
def unique_names(t):
    flt = t.filters.create_filter(name=t.name("unique"), conditions=CONDITIONS)
    experiment = _experiment(t, "unique")
    other = _experiment(t, "unique-other")
    channel = t.channels.create_channel(name=t.name("unique"), experiments=[experiment])
    bucket = _empty_bucket(t, experiment, "unique")
    statuses = {
        "filter": t.attempt(t.filters.create_filter, name=flt.name, conditions=CONDITIONS).status,
        "experiment": t.attempt(_experiment, t, "unique").status,
        "channel": t.attempt(t.channels.create_channel, name=channel.screen_id, experiments=[experiment]).status,
        "bucket": t.attempt(
            t.experiments.create_bucket, experiment=experiment, name=bucket.name, prediction_type="empty"
        ).status,
        "bucket in another experiment": t.attempt(
            t.experiments.create_bucket, experiment=other, name=bucket.name, prediction_type="empty"
        ).status,
    }
    shown = "; ".join(f"second {kind} of the same name: {status}" for kind, status in statuses.items())
    expect(list(statuses.values()) == [409, 409, 409, 409, 201], shown)
    return shown + " (models not probed: the AB API fake cannot create them)"


@probe("user")
def user(t):
    created = _experiment(t, "user")
    updated = t.experiments.update_experiment(created, description="changed by mls-mock verify")
    expect(created.user == t.username, f"a new experiment's user is {created.user!r}, not the account's username")
    expect(updated.user == t.username, f"after an update its user is {updated.user!r}")
    return "the account's username, kept by an update"


@probe("unknown-parameters")
def unknown_parameters(t):
    plain = [e["id"] for e in t.listing("experiments", page=1)]
    extra = [e["id"] for e in t.listing("experiments", page=1, mls_mock_verify_unknown="1")]
    expect(extra == plain, f"an unknown query parameter changed the list: {len(extra)} records, not {len(plain)}")
    twice = t.raw("GET", "/api/v1/experiments", params={"id": ["1", "2"]})
    expect(twice.status == 400, f"a query parameter given twice (id=1&id=2): {twice}")
    posted = _post(t, "/api/v1/experiments", {"name": t.name("unknown-key"), "mls_mock_verify_unknown": 1})
    expect(posted.status == 201, f"a body with an unknown key: {posted}")
    return f"unknown query parameter ignored; id twice: {twice.status}; unknown body key: {posted.status}"


@probe("missing-reference")
def missing_reference(t):
    from sktmls.experiments import Experiment
    from sktmls.filters import Filter
    from sktmls.models import ManualModel

    experiment = _experiment(t, "reference")
    missing_experiment = t.missing_id("experiments")
    refused = {
        "model_filter_id": t.attempt(
            _experiment, t, "reference-filter", model_filter=Filter(id=t.missing_id("filters"))
        ),
        "experiments": t.attempt(
            t.channels.create_channel, name=t.name("reference"), experiments=[Experiment(id=missing_experiment)]
        ),
        "batch_model_id": t.attempt(
            t.experiments.create_bucket,
            experiment=experiment,
            name=t.name("reference"),
            prediction_type="batch",
            model=ManualModel(id=t.missing_id("models")),
        ),
    }
    in_url = t.raw("GET", f"/api/v1/experiments/{missing_experiment}")
    shown = "; ".join(f"{field}: {o.status} {o.error!r}" for field, o in refused.items())
    shown += f"; in the URL: {in_url.status}"
    expect(
        all(o.status == 400 and field in (o.error or "") for field, o in refused.items()) and in_url.status == 404,
        shown,
    )
    return shown


@probe("names")
def names(t):
    limit = assumptions.MAX_NAME_LENGTH
    longest = t.name("max").ljust(limit, "x")
    statuses = {
        "empty": t.attempt(t.experiments.create_experiment, name="").status,
        f"{limit + 1} characters": t.attempt(t.experiments.create_experiment, name=longest + "x").status,
        "a newline": t.attempt(t.experiments.create_experiment, name=t.name("newline") + "\n").status,
        f"{limit} characters": t.attempt(t.experiments.create_experiment, name=longest).status,
    }
    shown = "; ".join(f"{what}: {status}" for what, status in statuses.items())
    expect(list(statuses.values()) == [400, 400, 400, 201], shown)
    return shown


@probe("missing-description")
def missing_description(t):
    created = _experiment(t, "description")
    described = _experiment(t, "described", description="set by mls-mock verify")
    put = t.raw("PUT", f"/api/v1/experiments/{described.id}", json={"name": described.name, "bucketing_seed": ""})
    expect(put.status == 200 and isinstance(put.results, dict), f"a PUT without description: {put}")
    after_put = put.results.get("description", "(absent)")
    wanted = assumptions.MISSING_DESCRIPTION
    shown = (
        f"after a create without it: {json.dumps(created.description)}; after a PUT without it: {json.dumps(after_put)}"
    )
    expect(created.description == wanted and after_put == wanted, shown)
    return shown


@probe("bucket-range")
def bucket_range(t):
    experiment = _experiment(t, "range")
    first, second = _empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")
    unset = {b.id: b.bucket_range for b in t.experiments.list_buckets(experiment)}
    slots = assumptions.BUCKET_SLOTS
    share = slots * 3 // 10
    # Given in reverse: the layout follows bucket ids, not the order of the ratio.
    split = _ranges(t.experiments.update_bucket_ratio(experiment, {second: slots - share, first: share}))
    zero = _ranges(t.experiments.update_bucket_ratio(experiment, {first: 0, second: slots}))
    want = (
        {first.id: assumptions.BUCKET_RANGE_UNSET, second.id: assumptions.BUCKET_RANGE_UNSET},
        {first.id: assumptions.bucket_range(0, share), second.id: assumptions.bucket_range(share, slots - share)},
        {first.id: assumptions.BUCKET_RANGE_UNSET, second.id: assumptions.bucket_range(0, slots)},
    )
    shown = (
        f"before a ratio {list(unset.values())}; {share}/{slots - share}: {list(split.values())}; "
        f"0/{slots}: {list(zero.values())}"
    )
    expect((unset, split, zero) == want, shown)
    return shown


def _ranges(buckets) -> dict:
    return {b.id: b.bucket_range for b in sorted(buckets, key=lambda b: b.id)}


@probe("ranges-on-bucket-change")
def ranges_on_bucket_change(t):
    experiment = _experiment(t, "ranges")
    first, second = _empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")
    half = assumptions.BUCKET_SLOTS // 2
    set_once = t.experiments.update_bucket_ratio(experiment, {first: half, second: assumptions.BUCKET_SLOTS - half})
    stamps = {b.id: b.updated_at for b in set_once}
    third = _empty_bucket(t, experiment, "c")
    after_add = t.experiments.list_buckets(experiment)
    unmoved = [b.id for b in after_add if b.id in stamps and b.updated_at <= stamps[b.id]]
    t.experiments.update_bucket_ratio(
        experiment, dict(zip((first, second, third), (half, assumptions.BUCKET_SLOTS - half, 0), strict=True))
    )
    t.experiments.delete_bucket(third)
    after_delete = t.experiments.list_buckets(experiment)
    unset = assumptions.BUCKET_RANGE_UNSET
    shown = (
        f"after adding a bucket: ranges {[b.bucket_range for b in after_add]}, updated_at unmoved on {unmoved}; "
        f"after deleting one: {[b.bucket_range for b in after_delete]}"
    )
    expect(all(b.bucket_range == unset for b in after_add + after_delete) and not unmoved, shown)
    return shown


@probe("bucket-ratio")
def bucket_ratio(t):
    experiment = _experiment(t, "ratio")
    first, second = _empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")
    slots = assumptions.BUCKET_SLOTS
    statuses = {
        "one bucket left out": t.attempt(t.experiments.update_bucket_ratio, experiment, {first: slots}).status,
        "a negative share": t.attempt(
            t.experiments.update_bucket_ratio, experiment, {first: -10, second: slots + 10}
        ).status,
        f"adding up to {slots - 1}": t.attempt(
            t.experiments.update_bucket_ratio, experiment, {first: 50, second: slots - 51}
        ).status,
    }
    shown = "; ".join(f"{what}: {status}" for what, status in statuses.items())
    expect(set(statuses.values()) == {400}, shown)
    return shown


@probe("model-type-for-prediction")
def model_type_for_prediction(t):
    manual, automl = _models(t)
    experiment = _experiment(t, "model-type")
    mismatched = []
    for prediction_type, wanted in assumptions.MODEL_TYPE_FOR_PREDICTION.items():
        for model in (manual, automl):
            body = {
                "name": t.name(f"{prediction_type}-{model.model_type}"),
                "prediction_type": prediction_type,
                f"{prediction_type}_model_id": model.id,
            }
            if prediction_type == "automl":  # the client refuses to create these itself
                status = _post(t, f"/api/v1/experiments/{experiment.id}/buckets", body).status
            else:
                status = t.attempt(
                    t.experiments.create_bucket,
                    experiment=experiment,
                    name=body["name"],
                    prediction_type=prediction_type,
                    model=model,
                ).status
            if (status == 201) != (model.model_type == wanted):
                mismatched.append(f"a {prediction_type} bucket with the {model.model_type} model {model.id}: {status}")
    expect(not mismatched, "; ".join(mismatched))
    return f"each prediction type took only its model type ({len(assumptions.MODEL_TYPE_FOR_PREDICTION) * 2} tries)"


@probe("prediction-request")
def prediction_request(t):
    experiment = _experiment(t, "request")
    items = [{"id": "mls-mock-verify"}]
    static = t.experiments.create_bucket(
        experiment=experiment, name=t.name("static"), prediction_type="static", static_value={"items": items}
    )
    expect(
        static.prediction.request == {"type": "static", "items": items},
        f"a static bucket's request is {static.prediction.request!r}",
    )
    manual, automl = _models(t)
    batch = t.experiments.create_bucket(
        experiment=experiment, name=t.name("batch"), prediction_type="batch", model=manual
    )
    wanted = {"type": "batch", "model_name": manual.name, "model_version": manual.version}
    expect(batch.prediction.request == wanted, f"a batch bucket's request is {batch.prediction.request!r}")
    request = _automl_bucket(t, experiment, automl, "automl")["prediction"]["request"]
    wanted = {"type": "automl", "model_name": automl.name, "model_version": automl.version, "username": automl.creator}
    expect(request == wanted, f"an automl bucket's request is {request!r}, its model's creator {automl.creator!r}")
    return "static, batch and automl requests as expected"


@probe("prediction-id")
def prediction_id(t):
    experiment = _experiment(t, "prediction-id")
    buckets = [_empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")]
    listed = t.experiments.list_buckets(experiment)
    pairs = [(b.id, b.prediction.id if b.prediction else None) for b in buckets + listed]
    expect(
        all(bucket_id == prediction_id for bucket_id, prediction_id in pairs), f"(bucket id, prediction id): {pairs}"
    )
    return f"(bucket id, prediction id): {pairs}"


@probe("bucket-put")
def bucket_put(t):
    _, automl = _models(t)
    experiment = _experiment(t, "put")
    created = _automl_bucket(t, experiment, automl, "automl")
    bucket = t.experiments.get_bucket(experiment, id=created["id"])
    outcome = t.attempt(t.experiments.update_bucket, bucket, description="changed by mls-mock verify")
    after = t.listing(f"experiments/{experiment.id}/buckets", id=created["id"])
    model = after[0].get("prediction", {}).get("ml_model") if after else None
    shown = f"update_bucket of an automl bucket: {outcome.status}" + (f" {outcome.error!r}" if outcome.error else "")
    expect(outcome.status == 200 and model == automl.id, f"{shown}; its model afterwards: {model}")
    return f"{shown}, model {model} kept"


@probe("experiment-channels")
def experiment_channels(t):
    flt = t.filters.create_filter(name=t.name("channels"), conditions=CONDITIONS)
    experiment = _experiment(t, "channels", model_filter=flt)
    made = [t.channels.create_channel(name=t.name(f"channel-{n}"), experiments=[experiment]).id for n in (1, 2)]
    listed = t.listing("experiments", id=experiment.id)
    channels: Any = listed[0].get("channels") if listed else None
    expect(
        isinstance(channels, list) and all(isinstance(c, dict) for c in channels),
        f"the experiment's channels are {str(channels)[:100]}",
    )
    full = "full_lists" in t.generous
    model_filter = listed[0].get("model_filter")
    expect(
        isinstance(model_filter, dict)
        and model_filter.get("id") == flt.id
        and all(f in model_filter for f in assumptions.FILTER_SUMMARY_FIELDS),
        f"the experiment's model_filter is {str(model_filter)[:100]}",
    )
    conditions = "body" in model_filter or "conditions" in model_filter
    expect(
        conditions == full,
        "the experiment's model_filter "
        + (
            "carries conditions (as with --generous full_lists)"
            if conditions
            else "has no conditions (as without --generous full_lists)"
        ),
    )
    fields = set(FULL_CHANNEL_FIELDS if full else assumptions.CHANNEL_SUMMARY_FIELDS)
    ids = [c.get("id") for c in channels]
    expect(ids == sorted(made), f"channels {ids}, made {made}")
    missing = sorted({f for c in channels for f in fields if f not in c})
    carried = any("experiments" in c for c in channels)
    hint = "" if carried == full else f" (as {'with' if carried else 'without'} --generous full_lists)"
    expect(
        not missing and carried == full,
        "the experiment's channels " + (f"lack {', '.join(missing)}" if missing else "carry experiments") + hint,
    )
    return f"channels {ids} and the model_filter, " + ("full records" if full else "summaries")


@probe("updated-at-side-effects")
def updated_at_side_effects(t):
    from dateutil import parser

    experiment = _experiment(t, "side-effects")
    channel = t.channels.create_channel(name=t.name("side-effects"), experiments=[experiment])
    linked = t.experiments.get_experiment(id=experiment.id)
    expect(
        linked.updated_at == experiment.updated_at,
        f"linking a channel moved the experiment's updated_at from {experiment.updated_at} to {linked.updated_at}",
    )
    before = parser.parse(t.results(f"/api/v1/channels/{channel.id}")["updated_at"])
    t.experiments.delete_experiment(experiment)
    after = t.results(f"/api/v1/channels/{channel.id}")
    moved = parser.parse(after["updated_at"])
    expect(
        moved > before and after.get("experiments") == [],
        f"after deleting its experiment the channel has updated_at {after['updated_at']} (was {before}) and "
        f"experiments {after.get('experiments')}",
    )
    return "the channel's updated_at moved, the experiment's did not"


@probe("order-of-checks")
def order_of_checks(t):
    unknown_route = t.raw("GET", "/api/v1/mls-mock-verify-no-such-route", auth=None)
    oversized = b"x" * (assumptions.MAX_BODY_BYTES + 1)  # not JSON either: the size decides first
    anonymous = _post(t, "/api/v1/experiments", oversized, auth=None)
    signed = _post(t, "/api/v1/experiments", oversized)
    shown = (
        f"unknown route without credentials: {unknown_route.status}; oversized body without credentials: "
        f"{anonymous.status}, with them: {signed.status}"
    )
    expect((unknown_route.status, anonymous.status, signed.status) == (401, 413, 413), shown)
    return shown


@probe("bodies")
def bodies(t):
    path = "/api/v1/experiments"
    statuses = {
        "a JSON list": _post(t, path, "[]").status,
        "Content-Type text/plain": _post(
            t, path, {"name": t.name("text")}, headers={"Content-Type": "text/plain"}
        ).status,
        f"over {assumptions.MAX_BODY_BYTES} bytes": _post(
            t, path, {"name": t.name("large"), "description": "x" * assumptions.MAX_BODY_BYTES}
        ).status,
        "NaN": _post(t, path, f'{{"name": "{t.name("nan")}", "description": NaN}}').status,
    }
    shown = "; ".join(f"{what}: {status}" for what, status in statuses.items())
    expect(list(statuses.values()) == [400, 415, 413, 400], shown)
    return shown


@probe("json-depth")
def json_depth(t):
    def nested(label: str, depth: int) -> str:
        """A body `depth` levels deep in all, the nesting under a key the server ignores."""
        inner = "[" * (depth - 1) + "]" * (depth - 1)
        return f'{{"name": "{t.name(label)}", "mls_mock_verify_nested": {inner}}}'

    limit = assumptions.MAX_JSON_DEPTH
    at_limit = _post(t, "/api/v1/experiments", nested("depth-limit", limit))
    deeper = _post(t, "/api/v1/experiments", nested("depth-over", limit + 1))
    shown = f"{limit} levels: {at_limit.status}; {limit + 1} levels: {deeper}"
    expect(at_limit.status == 201 and deeper.status == 400, shown)
    return shown


@probe("lone-surrogates")
def lone_surrogates(t):
    reply = _post(t, "/api/v1/experiments", f'{{"name": "{t.name("surrogate")}", "description": "\\ud800"}}')
    expect(reply.status == 400, f"a body holding \\ud800: {reply}")
    return f"a body holding \\ud800: {reply.status}"


# ---- DynamoDB items: on the table of a manual model the account can read ----------------------

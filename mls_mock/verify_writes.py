"""Probes that create, change and delete records: run only with --allow-writes. Each works on
records of its own (names from `t.name`, unique to the run); whatever it creates, even a
record the server should have refused, is deleted by the gate when it ends (models too,
after the buckets that serve them). The bucket probes are in verify_buckets.py."""

import json
from typing import Any

from . import assumptions
from .verify_probe import expect, probe

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

"""Probes that change nothing: GET, HEAD and OPTIONS only, some of them requests the server
should refuse (no credentials, bad query parameters). They look at whatever the server
holds; one that finds nothing to look at says so instead of passing."""

import datetime
import math
import re

from . import assumptions
from .verify_probe import NotChecked, expect, probe

KINDS = ("experiments", "channels", "filters")
NAME_FIELD = {"experiments": "name", "channels": "screen_id", "filters": "name"}
# What get_channel sends for a name; the others take `name`.
NAME_PARAMETER = {"experiments": "name", "channels": "screen_id", "filters": "name"}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}([+-]\d\d:\d\d)")


def _ids(records) -> list:
    return [record["id"] if isinstance(record, dict) else record.id for record in records]


def _client_list(t, kind: str, **params) -> list:
    """The client's own list call for `kind` (it sends `params` as the query)."""
    method = {
        "experiments": t.experiments.list_experiments,
        "channels": t.channels.list_channels,
        "filters": t.filters.list_filters,
    }[kind]
    return method(**params)


@probe("envelope-code")
def envelope_code(t):
    replies = [
        t.raw("GET", "/api/v1/experiments", params={"page": 1}),
        t.raw("GET", f"/api/v1/experiments/{t.missing_id('experiments')}"),
        t.raw("GET", "/api/v1/experiments", auth=None),
    ]
    shown = "; ".join(f"{reply.method} {reply.path} -> {reply.status} with code {reply.code!r}" for reply in replies)
    expect(all(reply.code == reply.status for reply in replies), shown)
    return shown


@probe("list-name-filters")
def list_name_filters(t):
    checked = []
    for kind in KINDS:
        field, parameter = NAME_FIELD[kind], NAME_PARAMETER[kind]
        records = t.listing(kind)
        named = [r for r in records if isinstance(r.get(field), str) and len(r[field]) >= 3]
        if not named:
            continue
        record = next((r for r in named if r[field] != r[field].swapcase()), named[0])  # one with letters, if any
        name = record[field]
        exact = _ids(_client_list(t, kind, **{parameter: name}))
        want = [r["id"] for r in records if r.get(field) == name]
        expect(exact == want, f"{kind}?{parameter}={name!r} gave ids {exact}; the records of that name are {want}")
        shorter = _ids(_client_list(t, kind, **{parameter: name[:-1]}))
        want = [r["id"] for r in records if r.get(field) == name[:-1]]
        expect(
            shorter == want,
            f"{kind}?{parameter}={name[:-1]!r} (a prefix of {name!r}) gave ids {shorter}, "
            f"not only exact matches {want}",
        )
        query = name[1:-1].swapcase()
        found = _ids(_client_list(t, kind, query=query))
        want = [r["id"] for r in records if isinstance(r.get(field), str) and query.casefold() in r[field].casefold()]
        expect(found == want, f"{kind}?query={query!r} gave ids {found}; names containing it, any case: {want}")
        checked.append(kind)
    if not checked:
        raise NotChecked("no experiment, channel or filter on the server has a name to search for")
    return f"exact name, prefix and query checked on {', '.join(checked)}"


@probe("list-channels-name")
def list_channels_name(t):
    channels = [c for c in t.listing("channels") if isinstance(c.get("screen_id"), str)]
    if len(channels) < 2:
        raise NotChecked("needs two channels on the server (with one, name= and no filter look alike)")
    screen_id = channels[-1]["screen_id"]
    by_name = _ids(t.channels.list_channels(name=screen_id))
    by_screen_id = _ids(t.channels.list_channels(screen_id=screen_id))
    expect(by_name == by_screen_id, f"name={screen_id!r} gave ids {by_name}, screen_id= gave {by_screen_id}")
    return f"name= and screen_id= both gave {by_name}"


@probe("filter-type")
def filter_type(t):
    every = _ids(t.filters.list_filters())
    if not every:
        raise NotChecked("no filters on the server")
    typed = _ids(t.filters.list_filters(type="mls-mock-verify"))
    expect(typed == every, f"type=mls-mock-verify gave {len(typed)} of the {len(every)} filters")
    return f"the same {len(every)} filters with and without type="


@probe("paging")
def paging(t):
    size = assumptions.PAGE_SIZE
    for kind in KINDS:
        records = t.listing(kind)
        if len(records) > size:
            break
    else:
        raise NotChecked(
            f"no list without page= holds more than {size} records (a server paging by default would look the same)"
        )
    ids = _ids(records)
    for page in (1, 2):
        got = _ids(t.listing(kind, page=page))
        want = ids[(page - 1) * size : page * size]
        expect(
            got == want,
            f"{kind}?page={page} gave {len(got)} records (ids {got[:3]}...), expected the "
            f"{len(want)} from id {want[0]}",
        )
    past = math.ceil(len(ids) / size) + 1
    reply = t.raw("GET", f"/api/v1/{kind}", params={"page": past})
    if assumptions.EMPTY_PAGE_IS_ERROR:
        expect(reply.status == 404, f"{reply} past the last page")
    else:
        expect(
            reply.status == 200 and reply.results == [],
            f"{reply} past the last page (results {str(reply.results)[:60]})",
        )
    return f"{kind}: {len(ids)} without page=, slices of {size}, page {past}: {reply.status}"


@probe("ordering")
def ordering(t):
    checked = []
    for kind in KINDS:
        ids = _ids(t.listing(kind))
        if len(ids) >= 2:
            expect(ids == sorted(ids) and len(set(ids)) == len(ids), f"{kind} listed in the order {ids[:10]}...")
            checked.append(f"{kind} ({len(ids)})")
    if not checked:
        raise NotChecked("no list on the server holds two records")
    return f"ascending ids in {', '.join(checked)}"


@probe("timestamps")
def timestamps(t):
    offset = datetime.datetime(2000, 1, 1, tzinfo=assumptions.DEFAULT_TIMEZONE).isoformat()[-6:]
    seen = 0
    for kind in KINDS + ("models",):
        for record in t.listing(kind, page=1)[:20]:
            for field in ("created_at", "updated_at"):
                value = record.get(field)
                match = TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
                expect(
                    match is not None and match.group(1) == offset,
                    f"{kind} {record['id']} has {field} {value!r}, not ISO-8601 with microseconds and {offset}",
                )
                seen += 1
    if not seen:
        raise NotChecked("no records on the server")
    return f"{seen} timestamps like 2026-01-05T09:00:00.000000{offset}"


@probe("credentials")
def credentials(t):
    anonymous = t.raw("GET", "/api/v1/experiments", auth=None, params={"page": 1})
    # A made-up account, never the user's with a wrong password: that could lock the account.
    stranger = t.raw("GET", "/api/v1/experiments", auth=(t.name("nobody"), t.run_id * 3), params={"page": 1})
    wanted = 200 if assumptions.ACCEPT_ANY_CREDENTIALS else 401
    shown = f"without Authorization: {anonymous.status}; an account that does not exist: {stranger.status}"
    expect(anonymous.status == 401 and stranger.status == wanted, shown)
    return shown


@probe("id-range")
def id_range(t):
    largest = assumptions.MAX_ID
    at_limit = t.raw("GET", "/api/v1/experiments", params={"id": largest})
    past = t.raw("GET", "/api/v1/experiments", params={"id": largest + 1})
    paths = [t.raw("GET", f"/api/v1/experiments/{i}") for i in (largest + 1, 10 ** len(str(largest)))]
    shown = (
        f"id={largest}: {at_limit.status}; id={largest + 1}: {past.status} {past.error!r}; "
        f"path ids past it: {[reply.status for reply in paths]}"
    )
    expect(
        at_limit.status == 200
        and past.status == 400
        and "id" in (past.error or "")
        and all(reply.status == 404 for reply in paths),
        shown,
    )
    return shown


@probe("integral-numbers")
def integral_numbers(t):
    listed = t.raw("GET", "/api/v1/experiments", params={"page": "1"})
    if listed.status != 200 or not listed.results:
        raise NotChecked("no experiment to look up")
    first = listed.results[0]["id"]
    spelled = t.raw("GET", "/api/v1/experiments", params={"id": f"{first}.0"})
    paged = t.raw("GET", "/api/v1/experiments", params={"page": "1e0"})
    half = t.raw("GET", "/api/v1/experiments", params={"id": f"{first}.5"})
    found = [e.get("id") for e in spelled.results or []] if spelled.status == 200 else None
    shown = (
        f"id={first}.0: {spelled.status} {found}; page=1e0: {paged.status}; id={first}.5: {half.status} {half.error!r}"
    )
    expect(
        found == [first]
        and paged.status == 200
        and paged.results == listed.results
        and half.status == 400
        and "id" in (half.error or ""),
        shown,
    )
    return shown


@probe("error-messages")
def error_messages(t):
    bad = [("page", {"page": "0"}), ("id", {"id": "not-a-number"}), ("id", {"id": ["1", "2"]})]
    messages = []
    for field, params in bad:
        reply = t.raw("GET", "/api/v1/experiments", params=params)
        if reply.status >= 400:
            messages.append((field, reply.error))
    if not messages:
        raise NotChecked("the server refused none of page=0, id=not-a-number, id=1&id=2: no message to read")
    shown = "; ".join(repr(message) for _, message in messages)
    expect(all(isinstance(m, str) and m.isascii() and m.startswith(f + ": ") for f, m in messages), f"messages {shown}")
    return f"messages {shown}"


@probe("options-head")
def options_head(t):
    options = t.raw("OPTIONS", "/api/v1/experiments")
    expect(options.status == 405 and options.code == 405, f"{options}")
    get = t.raw("GET", "/api/v1/experiments", params={"page": 1})
    head = t.raw("HEAD", "/api/v1/experiments", params={"page": 1})
    same_type = head.headers.get("Content-Type") == get.headers.get("Content-Type")
    expect(
        head.status == get.status and same_type and not head.text,
        f"HEAD -> {head.status} {head.headers.get('Content-Type')} with {len(head.text)} characters; GET -> "
        f"{get.status} {get.headers.get('Content-Type')}",
    )
    return f"OPTIONS -> 405 envelope; HEAD -> {head.status}, no body"


# What only a full record carries, per kind of summary.
FULL_ONLY = {"channels": ("experiments",), "filters": ("body", "conditions")}
SUMMARY_FIELDS = {"channels": assumptions.CHANNEL_SUMMARY_FIELDS, "filters": assumptions.FILTER_SUMMARY_FIELDS}


@probe("list-summaries")
def list_summaries(t):
    items = {kind: [(f"GET /api/v1/{kind} item", item) for item in t.listing(kind, page=1)] for kind in SUMMARY_FIELDS}
    if not any(items.values()):
        raise NotChecked("no channels or filters on the server")
    _check_shapes(t, items)
    experiments = t.listing("experiments", page=1)
    partial = [e["id"] for e in experiments if not {"channels", "model_filter", "bucketing_seed", "user"} <= set(e)]
    expect(not partial, f"experiment list items {partial[:5]} are not full records")
    return (
        f"{len(items['channels'])} channel and {len(items['filters'])} filter items, "
        + ("full records" if "full_lists" in t.generous else "summaries")
        + f"; {len(experiments)} full experiments"
    )


@probe("full-lists")
def full_lists(t):
    seen = {kind: [(f"GET /api/v1/{kind} item", item) for item in t.listing(kind, page=1)] for kind in SUMMARY_FIELDS}
    for experiment in t.listing("experiments", page=1):
        where = f"experiment {experiment['id']}'s"
        seen["channels"] += [(f"{where} channels item", c) for c in experiment.get("channels") or []]
        if isinstance(experiment.get("model_filter"), dict):
            seen["filters"].append((f"{where} model_filter", experiment["model_filter"]))
    if not any(seen.values()):
        raise NotChecked("no channels or filters on the server")
    _check_shapes(t, seen)
    return f"{len(seen['channels'])} channels and {len(seen['filters'])} filters in lists and experiments, " + (
        "full records" if "full_lists" in t.generous else "summaries"
    )


def _check_shapes(t, seen) -> None:
    """Each (where, record) of `seen[kind]` is a summary, or a full record with full_lists."""
    full = "full_lists" in t.generous
    for kind, records in seen.items():
        for where, record in records:
            missing = [f for f in SUMMARY_FIELDS[kind] if f not in record]
            expect(not missing, f"{where} {record.get('id')} lacks {', '.join(missing)}")
            extra = [f for f in FULL_ONLY[kind] if f in record]
            expect(
                bool(extra) == full,
                f"{where} {record.get('id')} "
                + (
                    f"carries {', '.join(extra)} (as with --generous full_lists)"
                    if extra
                    else f"has no {' or '.join(FULL_ONLY[kind])} (as without --generous full_lists)"
                ),
            )


@probe("shared-automl-models")
def shared_automl_models(t):
    model_id = _someone_elses_automl_model(t)
    shared = "shared_automl_models" in t.generous
    found = t.attempt(t.models.get_automl_model, id=model_id)
    by_id = t.raw("GET", f"/api/v1/models/{model_id}")
    shown = (
        f"another user's automl model {model_id}: get_automl_model "
        + ("returned it" if found.error is None else f"raised {found.error!r}")
        + f"; GET by id: {by_id.status}"
    )
    expect(
        (found.error is None, by_id.status) == ((True, 200) if shared else (False, 404)),
        shown + (" (as without" if found.error else " (as with") + " --generous shared_automl_models)",
    )
    return shown


def _someone_elses_automl_model(t, experiments: int = 50) -> int:
    """The model of an automl bucket whose request names another user, from the buckets of
    the first `experiments` experiments (lists may hide others' automl models)."""
    for experiment in t.listing("experiments", page=1)[:experiments]:
        for bucket in t.listing(f"experiments/{experiment['id']}/buckets"):
            prediction = bucket.get("prediction") or {}
            request = prediction.get("request") or {}
            if (
                request.get("type") == "automl"
                and request.get("username") not in (None, t.username)
                and isinstance(prediction.get("ml_model"), int)
            ):
                return prediction["ml_model"]
    raise NotChecked(f"no automl bucket of another user's model in the first {experiments} experiments")

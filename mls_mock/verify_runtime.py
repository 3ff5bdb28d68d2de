"""Probes of the runtime APIs (recommendation, profile, conversion tracking, graph) for
`mls-mock verify`, through sktmls's runtime clients (`MLSRecommendationAPIClient`, ...) built
as a registered client (`--client-id`, `--apikey`), raw `requests` only where the client
cannot show what is checked (a status, a header, a body it never sends) or breaks (graph adds).

Read-only by default: the recommendation API's POSTs read, and the conversion tracking calls
are test calls (`mode=test`, sktmls's `MLSConversionTrackingAPIClient.request`). Graph probes
add instances of their own and drop them, so they need --allow-writes. A probe whose API URL
or data was not named says `not checked` naming the option that would enable it.
"""

import functools
import json

from . import assumptions
from .verify_probe import Differs, expect, probe
from .verify_runtime_apis import (
    CT,
    GRAPH,
    PF,
    REC,
    Answer,
    RuntimeAPIs,
    _runtime,
    _status_of,
    _unknown,
    expect_codes,
    expect_refused,
)

# ---- recommendation API ----------------------------------------------------------------------


@probe("rec-answer-shape")
def rec_answer_shape(t):
    rt = _runtime(t)
    client, missing = rt.client(REC), _unknown("channel")
    user = _unknown("user")
    unknown = {f"request {v}": client.request(v, user, [missing]) for v in ("v1", "v2")}
    unknown["predict v3"] = client.predict("user", user, [missing])
    expect(all(answer == {} for answer in unknown.values()), f"a channel that does not exist: {unknown}")
    channel = rt.need(rt.channel, "--channel", "a channel of a live experiment, to see a known channel's answer")
    answers = [client.request("v1", user, [channel]), client.request("v2", user, [channel])]
    answers.append(client.predict("user", user, [channel]))
    shapes = [sorted(a.get(channel, {})) if isinstance(a.get(channel), dict) else a.get(channel) for a in answers]
    expect(all(shape == ["items"] for shape in shapes), f"channel {channel!r} answered {answers}")
    return f"an unknown channel is left out; {channel!r} answers {{items: [...]}} on v1, v2 and v3"


@probe("rec-bodies")
def rec_bodies(t):
    rt = _runtime(t)
    _, client_id, _ = rt.keyed(REC)
    params = {"mode": "test"}
    no_user = rt.raw(REC, "POST", f"/v2/{client_id}/items", params=params, json={"channel_ids": ["c"]})
    no_channels = rt.raw(REC, "POST", f"/v2/{client_id}/items", params=params, json={"user_id": "u", "channel_ids": []})
    bad_type = rt.raw(
        REC, "POST", f"/v3/{client_id}/predict", params=params, json={"type": "x", "id": "u", "channel_ids": ["c"]}
    )
    return expect_refused(
        {
            "no user_id": (no_user, 400, "user_id"),
            "empty channel_ids": (no_channels, 400, "channel_ids"),
            "type x": (bad_type, 400, "type"),
        }
    )


# ---- profile API ----------------------------------------------------------------------------


@probe("profile-api-main-table")
def profile_main_table(t):
    rt = _runtime(t)
    client = rt.client(PF)
    profile = rt.need(rt.profile_id, "--profile-id", "a user-profile profile of the server")
    user = _unknown("user")
    _, code = _status_of(lambda: client.get_user_profile(profile, user))
    expect(code == 404, f"a user {profile!r} holds no item for: {code or 'answered'}")
    return f"a user {profile!r} holds no item for: 404"


@probe("profile-api-forms")
def profile_forms(t):
    rt = _runtime(t)
    client, missing, target = rt.client(PF), _unknown("profile"), _unknown("target")
    forms = {"users": client.get_user_profile, "items": client.get_item_profile, "?id=": client.get_profile}
    calls = {name: functools.partial(read, missing, target) for name, read in forms.items()}
    expect_codes(calls, 404, "a profile that does not exist")
    profile = rt.need(rt.profile_id, "--profile-id", "a user-profile profile, read through the other forms")
    user = rt.need(rt.user_id, "--user-id", "a user the profile serves, read through the other forms")
    calls = {name: functools.partial(forms[name], profile, user) for name in ("items", "?id=")}
    expect_codes(calls, 404, f"user profile {profile!r} read through another form")
    return f"a missing profile: 404 on every form; {profile!r} through items and ?id=: 404"


@probe("profile-api-answer")
def profile_answer(t):
    rt = _runtime(t)
    client = rt.client(PF)
    profile = rt.need(rt.profile_id, "--profile-id", "a user-profile profile of the server")
    user = rt.need(rt.user_id, "--user-id", "a user whose values the profile serves")
    values = client.get_user_profile(profile, user)
    expect(isinstance(values, dict) and bool(values), f"user {user!r}: {values!r}")
    expect("user_id" not in values, f"user {user!r}'s values hold the table key attribute user_id")
    return f"user {user!r}: {len(values)} values, no table key attribute"


@probe("profile-api-keys")
def profile_keys(t):
    rt = _runtime(t)
    empty = rt.raw(PF, "GET", _profile_path(rt) + "/users/u", params={"f": "", "mode": "test"})
    expect(empty.refused(400, "f"), f"an empty key: {empty}")
    profile = rt.need(rt.profile_id, "--profile-id", "a user-profile profile, to read keys of")
    user = rt.need(rt.user_id, "--user-id", "a user whose values the profile serves")
    values = rt.client(PF).get_user_profile(profile, user)
    known = [key for key in values if key != "user_id"][:2]
    keys = [_unknown("key"), *reversed(known)]
    answered = rt.client(PF).get_user_profile(profile, user, keys=keys)
    expected = {keys[0]: None, **{key: values[key] for key in keys[1:]}}
    expect(list(answered) == keys and answered == expected, f"keys {keys}: {answered!r}")
    return f"an empty key: 400 naming f; keys {len(keys)} in order, one no table holds: null"


@probe("profile-api-mode")
def profile_mode(t):
    rt = _runtime(t)
    path = _profile_path(rt)
    bad_mode = rt.raw(PF, "GET", path + "/users/u", params={"mode": "bogus"})
    no_id = rt.raw(PF, "GET", path, params={"mode": "test"})
    return expect_refused({"mode=bogus": (bad_mode, 400, "mode"), "the integrated form without id": (no_id, 400, "id")})


# ---- conversion tracking API --------------------------------------------------------------


def _profile_path(rt: RuntimeAPIs) -> str:
    """The profile API's path of the run's profile (a made-up one without --profile-id)."""
    return f"/v1/{rt.keyed(PF)[1]}/profiles/{rt.profile_id or _unknown('profile')}"


def _conversion(rt: RuntimeAPIs, conversion_type: str, **fields) -> Answer:
    """The call `MLSConversionTrackingAPIClient.request` makes, raw (it returns the text only)."""
    _, client_id, _ = rt.keyed(CT)
    body = {"user_id": "u", "channel_id": "c", "process_id": "p", "item_id": "i", **fields}
    headers = {"User-Id-Want-Digest": "no"}
    return rt.raw(CT, "POST", f"/v1/{client_id}/{conversion_type}", params={"mode": "test"}, json=body, headers=headers)


@probe("conversion-request")
def conversion_request(t):
    rt = _runtime(t)
    text = rt.client(CT).request(user_id="u", channel_id="c", conversion_type="bogus_type", process_id="p", item_id="i")
    try:
        unknown = json.loads(text)
    except ValueError:
        raise Differs(f"an unknown conversion type: not the JSON envelope ({text[:80]!r})") from None
    empty = _conversion(rt, "click", item_id="")
    missing = _conversion(rt, "click", process_id=None)
    shown = f"type bogus_type: {unknown.get('code')} {unknown.get('error')!r}; empty item_id: {empty}; "
    shown += f"process_id null: {missing}"
    expect(
        unknown.get("code") == 400
        and "conversion_type" in str(unknown.get("error"))
        and empty.refused(400, "item_id")
        and missing.refused(400, "process_id"),
        shown,
    )
    return shown


@probe("conversion-answer")
def conversion_answer(t):
    rt = _runtime(t)
    answer = _conversion(rt, "click")
    results = answer.body.get("results") if isinstance(answer.body, dict) else "not the JSON envelope"
    shown = f"{answer}, results {results!r}, {answer.content_type or 'no Content-Type'}"
    expect(
        answer.status == assumptions.CONVERSION_STATUS
        and results == assumptions.CONVERSION_RESULTS
        and answer.content_type.startswith("application/json"),
        shown,
    )
    return shown


@probe("runtime-auth")
def runtime_auth(t):
    rt = _runtime(t)
    _, client_id, _ = rt.keyed(REC)
    body = {"user_id": "u", "channel_ids": [_unknown("channel")], "sale_org_id": "admin"}
    wrong = rt.raw(REC, "POST", f"/v1/{client_id}/items", apikey="0" * 40, params={"mode": "test"}, json=body)
    keyless = rt.raw(REC, "POST", f"/v1/{client_id}/items", apikey=None, params={"mode": "test"}, json=body)
    mms = rt.raw(REC, "POST", "/v1/mls-mms/items", apikey=None, json=body)
    shown = f"another key: {wrong}; no key: {keyless}; client mls-mms without a key: {mms}"
    expect(wrong.refused(401, "apikey") and keyless.refused(401, "apikey") and mms.status == 200, shown)
    return shown


@probe("runtime-mode")
def runtime_mode(t):
    rt = _runtime(t)
    _, client_id, _ = rt.keyed(CT)
    body = {"user_id": "u", "channel_id": "c", "process_id": "p", "item_id": "i"}
    tracked = rt.raw(CT, "POST", f"/v1/{client_id}/click", params={"mode": "bogus"}, json=body)
    listed = rt.raw(GRAPH, "GET", "/v1/vertices", params={"mode": "bogus", "limit": 1})
    without = rt.raw(GRAPH, "GET", "/v1/vertices", params={"limit": 1})
    shown = f"conversion mode=bogus: {tracked}; graph mode=bogus: {listed}; graph without mode: {without.status}"
    expect(tracked.refused(400, "mode") and listed.refused(400, "mode") and without.status == 200, shown)
    return shown


@probe("rec-nothing-served")
def rec_nothing_served(t):
    rt = _runtime(t)
    client = rt.client(REC)
    experiment = t.experiments.create_experiment(name=t.name("no-buckets"), bucketing_seed="mls-mock-verify")
    channel = t.name("empty-channel")
    t.channels.create_channel(name=channel, experiments=[experiment])
    user, empty = _unknown("user"), assumptions.EMPTY_CHANNEL_ANSWER
    answers = {"v2": client.request("v2", user, [channel]), "v3": client.predict("user", user, [channel])}
    expect(all(answer == {channel: empty} for answer in answers.values()), f"an experiment without buckets: {answers}")
    return f"a channel whose experiment has no bucket: {empty} on v2 and v3 (the deciding experiment is not shown)"

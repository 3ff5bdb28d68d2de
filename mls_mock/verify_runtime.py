"""Probes of the runtime APIs (recommendation, profile, conversion tracking, graph) for
`mls-mock verify`, through sktmls's runtime clients (`MLSRecommendationAPIClient`, ...) built
as a registered client (`--client-id`, `--apikey`), raw `requests` only where the client
cannot show what is checked (a status, a header, a body it never sends) or breaks (graph adds).

Read-only by default: the recommendation API's POSTs read, and the conversion tracking calls
are test calls (`mode=test`, sktmls's `MLSConversionTrackingAPIClient.request`). Graph probes
add instances of their own and drop them, so they need --allow-writes. A probe whose API URL
or data was not named says `not checked` naming the option that would enable it.
"""

import dataclasses
import json
import secrets
from typing import Any

import requests

from . import assumptions
from .hosts import API_NAMES, MOUNTS
from .verify_probe import Differs, NotChecked, expect, probe

REC, PF, CT, GRAPH = (
    "MLS_RECOMMENDATION_API_URL",
    "MLS_PROFILE_API_URL",
    "MLS_CONVERSION_TRACKING_API_URL",
    "MLS_GRAPH_API_URL",
)
# sktmls config key -> the option naming its base URL.
URL_OPTIONS = {REC: "--rec-url", PF: "--pf-url", CT: "--ct-url", GRAPH: "--graph-url"}
REQUEST_TIMEOUT = 60.0
_CREDENTIALS = "--client-id and --apikey (or $MLS_CLIENT_ID and $MLS_APIKEY)"


@dataclasses.dataclass
class RuntimeAPIs:
    """The runtime APIs a run may call: each one's base URL (None: not given), the client
    to call as, and the data the user named for the probes that need some."""

    urls: dict[str, str | None]
    env: str = "STG"
    client_id: str | None = None
    apikey: str | None = None
    channel: str | None = None
    profile_id: str | None = None
    user_id: str | None = None

    @classmethod
    def served_at(cls, url: str, **options) -> "RuntimeAPIs":
        """Every runtime API of a mls-mock served at `url`, under its prefix (hosts.MOUNTS)."""
        return cls({key: url.rstrip("/") + MOUNTS[key] for key in URL_OPTIONS}, **options)

    def given(self) -> dict[str, str]:
        return {key: url for key, url in self.urls.items() if url}

    def url(self, key: str) -> str:
        url = self.urls.get(key)
        if not url:
            raise NotChecked(f"needs {URL_OPTIONS[key]} (the {API_NAMES[key]}'s base URL) or --runtime-from-url")
        return url.rstrip("/")

    def keyed(self, key: str) -> tuple[str, str, str]:
        """(base URL, client id, apikey) of an API that names the client in its path."""
        url = self.url(key)
        if not self.client_id or not self.apikey:
            raise NotChecked(f"needs {_CREDENTIALS}: the {API_NAMES[key]} answers registered clients only")
        return url, self.client_id, self.apikey

    def need(self, value: str | None, option: str, what: str) -> str:
        if not value:
            raise NotChecked(f"needs {option} ({what})")
        return value

    def client(self, key: str):
        """The sktmls client of API `key` (sktmls reads the URL from its CONFIG, which verify
        points at these URLs for the run)."""
        from sktmls import MLSENV, MLSRuntimeENV
        from sktmls.apis import MLSConversionTrackingAPIClient, MLSProfileAPIClient, MLSRecommendationAPIClient

        common = dict(env=MLSENV[self.env], runtime_env=MLSRuntimeENV.LOCAL)
        if key == GRAPH:
            from sktmls.apis import MLSGraphAPIClient

            self.url(GRAPH)
            return MLSGraphAPIClient(**common)
        _, client_id, apikey = self.keyed(key)
        kind = {REC: MLSRecommendationAPIClient, PF: MLSProfileAPIClient, CT: MLSConversionTrackingAPIClient}[key]
        return kind(client_id=client_id, apikey=apikey, **common)

    def raw(self, key: str, method: str, path: str, apikey: str | None = "", **kwargs) -> "Answer":
        """`requests.request` on the API's URL + path; the client's apikey header unless
        `apikey` names another (None: none). The graph API takes none."""
        base = self.url(key)
        if key != GRAPH and apikey is not None:
            kwargs["headers"] = {"apikey": apikey or self.keyed(key)[2], **kwargs.get("headers", {})}
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        response = requests.request(method, base + path, **kwargs)
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = None
        return Answer(f"{method} {path}", response.status_code, response.headers.get("Content-Type", ""), body)


@dataclasses.dataclass
class Answer:
    request: str
    status: int
    content_type: str
    body: Any

    @property
    def error(self) -> str:
        return str(self.body.get("error") or "") if isinstance(self.body, dict) else ""

    def refused(self, status: int, field: str) -> bool:
        """Refused with `status` and a message naming `field`."""
        return self.status == status and field in self.error

    def __str__(self) -> str:
        shown = self.error or (json.dumps(self.body)[:80] if self.body is not None else "no JSON body")
        return f"{self.request} -> {self.status} {shown!r}"


def _runtime(t) -> RuntimeAPIs:
    runtime = getattr(t, "runtime", None)
    if runtime is None or not runtime.given():
        raise NotChecked(
            "needs the runtime APIs' URLs: --rec-url, --pf-url, --ct-url, --graph-url or --runtime-from-url"
        )
    return runtime


def _unknown(label: str) -> str:
    return f"mlsmock-verify-{secrets.token_hex(4)}-{label}"


def _status_of(call) -> tuple[Any, int | None]:
    """(result, None) or (None, the code of the error the client raised)."""
    from sktmls import MLSClientError

    try:
        return call(), None
    except MLSClientError as refused:
        return None, refused.code


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
    shown = f"no user_id: {no_user}; empty channel_ids: {no_channels}; type x: {bad_type}"
    expect(
        no_user.refused(400, "user_id") and no_channels.refused(400, "channel_ids") and bad_type.refused(400, "type"),
        shown,
    )
    return shown


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
    codes = {
        "users": _status_of(lambda: client.get_user_profile(missing, target))[1],
        "items": _status_of(lambda: client.get_item_profile(missing, target))[1],
        "?id=": _status_of(lambda: client.get_profile(missing, target))[1],
    }
    expect(set(codes.values()) == {404}, f"a profile that does not exist: {codes}")
    profile = rt.need(rt.profile_id, "--profile-id", "a user-profile profile, read through the other forms")
    user = rt.need(rt.user_id, "--user-id", "a user the profile serves, read through the other forms")
    other = {
        "items": _status_of(lambda: client.get_item_profile(profile, user))[1],
        "?id=": _status_of(lambda: client.get_profile(profile, user))[1],
    }
    expect(set(other.values()) == {404}, f"user profile {profile!r} read through another form: {other}")
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
    client_id = rt.keyed(PF)[1]
    profile = rt.profile_id or _unknown("profile")
    empty = rt.raw(PF, "GET", f"/v1/{client_id}/profiles/{profile}/users/u", params={"f": "", "mode": "test"})
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
    client_id = rt.keyed(PF)[1]
    profile = rt.profile_id or _unknown("profile")
    bad_mode = rt.raw(PF, "GET", f"/v1/{client_id}/profiles/{profile}/users/u", params={"mode": "bogus"})
    no_id = rt.raw(PF, "GET", f"/v1/{client_id}/profiles/{profile}", params={"mode": "test"})
    shown = f"mode=bogus: {bad_mode}; the integrated form without id: {no_id}"
    expect(bad_mode.refused(400, "mode") and no_id.refused(400, "id"), shown)
    return shown


# ---- conversion tracking API --------------------------------------------------------------


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


# ---- the command's options ----------------------------------------------------------------


def add_arguments(verify) -> None:
    runtime = verify.add_argument_group(
        "runtime APIs",
        "the recommendation, profile, conversion tracking and graph APIs live on hosts of their own; the rows "
        "about them are checked only when their URLs are given (else: not checked, naming the option)",
    )
    for key, option in URL_OPTIONS.items():
        runtime.add_argument(option, metavar="URL", help=f"base URL of the {API_NAMES[key]}")
    runtime.add_argument(
        "--runtime-from-url",
        action="store_true",
        help="URL is a mls-mock: every runtime API is URL + its prefix (/rec, /pf, /ct, /graph)",
    )
    runtime.add_argument("--client-id", help="a registered client to call as (default: $MLS_CLIENT_ID)")
    runtime.add_argument("--apikey", help="its apikey (default: $MLS_APIKEY, which keeps it out of the process list)")
    runtime.add_argument("--channel", help="a channel of a live experiment (rec-answer-shape)")
    runtime.add_argument("--profile-id", help="a user-profile profile (profile-api-* rows)")
    runtime.add_argument("--user-id", help="a user that profile serves values for (profile-api-* rows)")


def from_arguments(args, url: str, environ) -> RuntimeAPIs:
    from .errors import UsageError

    given = {key: getattr(args, option[2:].replace("-", "_")) for key, option in URL_OPTIONS.items()}
    if args.runtime_from_url:
        given = {key: given[key] or url + MOUNTS[key] for key in given}
    for key, value in given.items():
        if value and not value.startswith(("http://", "https://")):
            raise UsageError(f"{URL_OPTIONS[key]}: not an http:// or https:// URL")
    return RuntimeAPIs(
        {key: value.rstrip("/") if value else None for key, value in given.items()},
        env=args.env,
        client_id=args.client_id or environ.get("MLS_CLIENT_ID"),
        apikey=args.apikey or environ.get("MLS_APIKEY"),
        channel=args.channel,
        profile_id=args.profile_id,
        user_id=args.user_id,
    )


def read_calls(runtime: RuntimeAPIs) -> tuple[str, ...]:
    """URL prefixes whose POSTs change nothing: the recommendation API's reads and the
    conversion tracking API's test calls (the gate lets them through without --allow-writes)."""
    return tuple(url + "/" for key, url in runtime.given().items() if key in (REC, CT))


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

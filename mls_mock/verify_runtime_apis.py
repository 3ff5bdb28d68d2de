"""What `mls-mock verify`'s runtime probes call through: `RuntimeAPIs` (each runtime API's
base URL, the registered client to call as, the data named for the probes), its raw
`Answer`, the helpers probes check answers with, and the command's options that build it.
"""

import dataclasses
import json
import secrets
from collections.abc import Callable, Mapping
from typing import Any

import requests

from .hosts import API_NAMES, MOUNTS
from .verify_probe import NotChecked, expect

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


def expect_codes(calls: Mapping[str, Callable[[], Any]], code: int, what: str) -> None:
    """Each client call raised an error of `code`; the message shows what each did."""
    codes = {name: _status_of(call)[1] for name, call in calls.items()}
    expect(set(codes.values()) == {code}, f"{what}: {codes}")


def expect_refused(refusals: dict[str, tuple["Answer", int, str]]) -> str:
    """Each answer (what -> (answer, status, field)) refused with its status and a message
    naming its field; returns what each did."""
    shown = "; ".join(f"{what}: {answer}" for what, (answer, _, _) in refusals.items())
    expect(all(answer.refused(status, field) for answer, status, field in refusals.values()), shown)
    return shown


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

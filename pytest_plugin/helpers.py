"""The plugin's logic, kept out of `plugin.py` so that file stays fixtures and hooks."""

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from mls_mock.assumptions import GENEROUS, generous_switches
from mls_mock.lightweight import allow_light_sktmls

TEST_USERNAME = "mls-test"
TEST_PASSWORD = "mls-test-password"
TEST_ENV = "STG"
# The client the runtime-API fixtures call as: registered on the fake as ClientClient would.
TEST_CLIENT_ID = "mls-test"
TEST_APIKEY = "mls-mock-test-apikey-0000000000000000000"  # the 40 characters ClientClient makes
DISABLED_MARKER = "mls_mock_disabled"
SEED_MARKER = "mls_seed"
MARKERS = (
    (
        f"{SEED_MARKER}(*seeds): preload the fake with seed sets before the test: a name of a set in "
        "mls-mock's fixtures/ (e.g. 'demo') or a path to a JSON file in the fixtures/ format (relative "
        "paths are tried next to the test file first)"
    ),
    f"{DISABLED_MARKER}: this test runs without mls-mock's fake (even with mls_mock_autouse); MLS hosts stay blocked",
)


@dataclass(frozen=True)
class Settings:
    """Where the suite's clients go: the in-process fake (url None) or `--mls-url`."""

    url: str | None = None
    username: str = TEST_USERNAME
    password: str = TEST_PASSWORD
    env: str = TEST_ENV
    allow_writes: bool = False
    generous: frozenset[str] = frozenset()

    @property
    def remote(self) -> bool:
        return self.url is not None

    @classmethod
    def from_config(cls, config) -> "Settings":
        names = [
            name.strip()
            for value in [*config.getini("mls_mock_generous"), *(config.getoption("mls_generous") or [])]
            for name in value.split(",")
            if name.strip()
        ]
        try:
            generous = generous_switches(names)
        except ValueError as error:
            raise pytest.UsageError(f"mls-mock: --mls-{error} (ini mls_mock_generous or --mls-generous)") from None
        url = config.getoption("mls_url") or os.environ.get("MLS_MOCK_URL") or None
        if url is None:
            return cls(generous=generous)
        username = config.getoption("mls_username") or os.environ.get("MLS_USERNAME")
        password = config.getoption("mls_password") or os.environ.get("MLS_PASSWORD")
        if not username or not password:
            raise pytest.UsageError(
                "--mls-url needs credentials: --mls-username/--mls-password or $MLS_USERNAME/$MLS_PASSWORD"
            )
        if not url.startswith(("http://", "https://")):
            raise pytest.UsageError(f"--mls-url must be an http(s) URL, not {url!r}")
        return cls(
            url.rstrip("/"),
            username,
            password,
            config.getoption("mls_env") or TEST_ENV,
            bool(config.getoption("mls_allow_writes")),
            generous,
        )

    def environ(self) -> dict[str, str]:
        """What a test's environment gets, so `ChannelClient()` with no arguments works."""
        return {"MLS_ENV": self.env, "MLS_USERNAME": self.username, "MLS_PASSWORD": self.password}


def add_options(parser) -> None:
    group = parser.getgroup("mls-mock", "mls-mock: fake MLS AB API")
    group.addoption(
        "--mls-url",
        dest="mls_url",
        metavar="URL",
        help="run every mls_* client fixture (and code under test) against this AB API "
        "(a standalone fake or a real server) instead of the in-process fake; also $MLS_MOCK_URL",
    )
    group.addoption("--mls-username", dest="mls_username", help="account for --mls-url (default $MLS_USERNAME)")
    group.addoption("--mls-password", dest="mls_password", help="password for --mls-url (default $MLS_PASSWORD)")
    group.addoption("--mls-env", dest="mls_env", help="MLS_ENV value for --mls-url runs (default STG)")
    group.addoption(
        "--mls-allow-writes",
        dest="mls_allow_writes",
        action="store_true",
        default=False,
        help="allow tests to write to the --mls-url server; what each test creates is deleted after it",
    )
    group.addoption(
        "--mls-generous",
        dest="mls_generous",
        action="append",
        metavar="NAME",
        help="turn on a behaviour of the fake beyond what sktmls documents (repeatable): "
        + "; ".join(f"{name}: {text}" for name, text in GENEROUS.items()),
    )
    parser.addini(
        "mls_mock_generous",
        type="linelist",
        default=[],
        help=f"mls-mock: generous switches of the fake, one a line ({', '.join(GENEROUS)}); default none",
    )
    parser.addini(
        "mls_mock_autouse",
        type="bool",
        default=False,
        help="mls-mock: give every test the fake (as if it requested `mls_mock`)",
    )
    parser.addini("mls_faker_locale", default="en_US", help="mls-mock: Faker locale of mls_factory (e.g. ko_KR)")


class SeedLoader:
    """Seed documents by name or path, parsed once per session (files are read-only here;
    `Store.load` copies what it keeps)."""

    def __init__(self):
        self._cache: dict[tuple[str, float], tuple[dict, str]] = {}
        self._lock = threading.Lock()

    def resolve(self, seed, test_path: Path | None):
        if isinstance(seed, (str, os.PathLike)) and test_path is not None and not Path(seed).is_absolute():
            beside = test_path.parent / seed
            if beside.is_file():
                return beside
        return seed

    def read(self, seed) -> tuple[dict, str]:
        from mls_mock.seeds import read_seed  # the store's modules: not at plugin start-up

        if isinstance(seed, dict):
            return read_seed(seed)
        document, source = read_seed(seed)  # resolves names, raises a SeedError naming the file
        key = (source, os.stat(source).st_mtime)
        with self._lock:
            cached = self._cache.get(key)
            if cached is None:
                self._cache[key] = cached = (document, source)
        return cached

    def apply(self, mock, node) -> list[dict[str, int]]:
        """Load every `mls_seed` marker's sets, outermost (module, class) first."""
        counts = []
        test_path = Path(str(node.fspath)) if getattr(node, "fspath", None) else None
        for marker in reversed(list(node.iter_markers(SEED_MARKER))):
            if not marker.args:
                raise pytest.UsageError(f"{node.nodeid}: @pytest.mark.{SEED_MARKER} needs a seed name or path")
            for seed in marker.args:
                document, source = self.read(self.resolve(seed, test_path))
                counts.append(mock.store.load(document, source))
        return counts


def ensure_enabled(request, what: str) -> None:
    if request.node.get_closest_marker(DISABLED_MARKER) is not None:
        pytest.fail(f"{request.node.nodeid} is marked {DISABLED_MARKER} but requests {what}", pytrace=False)


def skip_if_remote(settings: Settings, what: str) -> None:
    if settings.remote:
        pytest.skip(f"{what} needs the in-process fake; this run targets --mls-url {settings.url}")


def build_client(class_path: str, settings: Settings):
    """A real sktmls client for `settings` (env and account)."""
    import importlib

    allow_light_sktmls()
    from sktmls import MLSENV

    module, _, name = class_path.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    return cls(env=MLSENV[settings.env], username=settings.username, password=settings.password)


@dataclass(frozen=True)
class ApiKey:
    """A client the runtime APIs (recommendation, profile, conversion tracking) accept."""

    client_id: str
    apikey: str


def api_key(mock, settings: Settings) -> ApiKey:
    """The test client, registered on `mock` unless it is already; on --mls-url, the one
    named by $MLS_CLIENT_ID and $MLS_APIKEY (the fake cannot make one there)."""
    if settings.remote:
        client_id, apikey = os.environ.get("MLS_CLIENT_ID"), os.environ.get("MLS_APIKEY")
        if not (client_id and apikey):
            pytest.skip("the runtime APIs on --mls-url need a registered client: set $MLS_CLIENT_ID and $MLS_APIKEY")
        return ApiKey(client_id, apikey)
    if mock.store.resources["clients"].by_apikey(TEST_APIKEY) is None:
        mock.store.create("clients", {"name": TEST_CLIENT_ID, "apikey": TEST_APIKEY}, user=settings.username)
    return ApiKey(TEST_CLIENT_ID, TEST_APIKEY)


def build_api_client(class_path: str, settings: Settings, key: ApiKey | None):
    """A real sktmls runtime-API client (`sktmls.apis`), run as from a laptop (runtime LOCAL):
    with `key` when its API takes one (the graph API takes none)."""
    import importlib

    allow_light_sktmls()
    from sktmls import MLSENV, MLSRuntimeENV

    module, _, name = class_path.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    credentials = {"client_id": key.client_id, "apikey": key.apikey} if key else {}
    return cls(env=MLSENV[settings.env], runtime_env=MLSRuntimeENV.LOCAL, **credentials)


def cleanup_report(deleted, problems) -> str | None:
    if not problems:
        return None
    done = f"deleted {', '.join(map(repr, deleted))}; " if deleted else ""
    return f"mls-mock could not clean up after the test on --mls-url: {done}left: " + "; ".join(problems)


def blocked_summary(blocked: list[str]) -> str | None:
    if not blocked:
        return None
    shown = "\n".join(f"  {entry}" for entry in blocked[:20])
    more = f"\n  ... and {len(blocked) - 20} more" if len(blocked) > 20 else ""
    return f"mls-mock blocked {len(blocked)} attempt(s) to reach a real MLS host:\n{shown}{more}"

"""Pointing the real sktmls clients at another base URL (a standalone fake, a real staging
server), for every API, env and runtime at once."""

import contextlib
import copy
import importlib.util
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from .hosts import MOUNTS, api_urls

# Every MLS host is under these, whatever sktmls's configuration names.
MLS_DOMAINS = (".sktmls.com", ".sktmls.ai")

_pristine: dict | None = None  # sktmls's CONFIG as shipped, kept before the first rewrite


def shipped_config() -> dict:
    """sktmls's CONFIG as it was before any redirect: what MLSMock serves and guards."""
    if _pristine is not None:
        return _pristine
    if "sktmls.config" not in sys.modules:
        try:
            return _read_config_file()
        except Exception:  # moved or no longer plain data: import it the usual way
            from .lightweight import allow_light_sktmls

            allow_light_sktmls()
    from sktmls.config import CONFIG

    return CONFIG


def _read_config_file() -> dict:
    """CONFIG from sktmls/config/__init__.py (a dict literal importing nothing), without
    importing sktmls, whose package imports aiohttp and the model registries (~250 ms)."""
    spec = importlib.util.find_spec("sktmls")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("sktmls is not installed", name="sktmls")
    path = Path(list(spec.submodule_search_locations)[0]) / "config" / "__init__.py"
    namespace: dict = {"__name__": "sktmls.config", "__file__": str(path)}
    exec(compile(path.read_bytes(), str(path), "exec"), namespace)
    return namespace["CONFIG"]


def point_sktmls_at(url: str, apis: Mapping[str, str] | None = None) -> dict[tuple[str, str], dict[str, str]]:
    """Make every sktmls client built from now on send its calls to `url`: the AB API's to
    `url`, every other MLS API's to `url` + its mount prefix (`hosts.MOUNTS`), as a served
    mls-mock answers them. `apis` names another base URL per config key (e.g. a real
    recommendation API: {"MLS_RECOMMENDATION_API_URL": "https://..."}).

    sktmls reads `CONFIG[runtime][key][env]` when a client is built, so the entries are
    rewritten in place. Returns the previous entries for `restore_sktmls`.
    """
    from .lightweight import allow_light_sktmls

    allow_light_sktmls()
    from sktmls.config import CONFIG

    global _pristine
    if _pristine is None:
        _pristine = copy.deepcopy(CONFIG)
    unknown = set(apis or ()) - MOUNTS.keys()
    if unknown:
        raise ValueError(f"apis: unknown sktmls config keys {sorted(unknown)}; known: {sorted(MOUNTS)}")
    targets = {key: (apis or {}).get(key, served).rstrip("/") for key, served in api_urls(url).items()}
    previous = {}
    for runtime, settings in CONFIG.items():
        for key, target in targets.items():
            urls = settings.get(key)
            if isinstance(urls, dict):
                previous[runtime, key] = dict(urls)
                for env in urls:
                    urls[env] = target
    return previous


def restore_sktmls(previous: dict[tuple[str, str], dict[str, str]]) -> None:
    from sktmls.config import CONFIG

    for (runtime, key), urls in previous.items():
        CONFIG[runtime][key].clear()
        CONFIG[runtime][key].update(urls)


@contextlib.contextmanager
def sktmls_pointed_at(url: str) -> Iterator[None]:
    previous = point_sktmls_at(url)
    try:
        yield
    finally:
        restore_sktmls(previous)

"""Pointing the real sktmls clients at another AB API base URL (a standalone fake, a real
staging server), for every env and runtime at once."""

import contextlib
import copy
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

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


def point_sktmls_at(url: str) -> dict[str, dict[str, str]]:
    """Make every sktmls client built from now on send AB API calls to `url`.

    sktmls reads `CONFIG[runtime]["MLS_AB_API_URL"][env]` when a client is built, so the
    entries are rewritten in place. Returns the previous entries for `restore_sktmls`.
    """
    from .lightweight import allow_light_sktmls

    allow_light_sktmls()
    from sktmls.config import CONFIG

    global _pristine
    if _pristine is None:
        _pristine = copy.deepcopy(CONFIG)
    base = url.rstrip("/")
    previous = {}
    for runtime, settings in CONFIG.items():
        urls = settings.get("MLS_AB_API_URL")
        if isinstance(urls, dict):
            previous[runtime] = dict(urls)
            for env in urls:
                urls[env] = base
    return previous


def restore_sktmls(previous: dict[str, dict[str, str]]) -> None:
    from sktmls.config import CONFIG

    for runtime, urls in previous.items():
        CONFIG[runtime]["MLS_AB_API_URL"].clear()
        CONFIG[runtime]["MLS_AB_API_URL"].update(urls)


@contextlib.contextmanager
def sktmls_pointed_at(url: str) -> Iterator[None]:
    previous = point_sktmls_at(url)
    try:
        yield
    finally:
        restore_sktmls(previous)

"""Pointing the real sktmls clients at another AB API base URL (a standalone fake, a real
staging server), for every env and runtime at once."""
import contextlib
import copy
from typing import Dict, Iterator

_pristine = None  # sktmls's CONFIG as shipped, kept before the first rewrite


def shipped_config() -> dict:
    """sktmls's CONFIG as it was before any redirect: what MLSMock serves and guards."""
    from sktmls.config import CONFIG

    return _pristine if _pristine is not None else CONFIG


def point_sktmls_at(url: str) -> Dict[str, Dict[str, str]]:
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


def restore_sktmls(previous: Dict[str, Dict[str, str]]) -> None:
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

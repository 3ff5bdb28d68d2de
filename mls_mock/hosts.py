"""The MLS APIs the fake answers, each mounted under a path prefix of its own.

sktmls reaches five APIs on five hosts (`sktmls.config`: one URL per API, runtime and env).
One fake answers them all on one origin, so each API's paths are served under the prefix
below: `https://rec.stg.sktmls.com/v1/tw/items` is the fake's `/rec/v1/tw/items`, in-process
and over a socket alike (`mls-mock point` and `mls_live_server` point each API at
`<server URL><prefix>`). The AB API keeps the root: its paths all start with `/api/`.
"""

from collections.abc import Iterator

AB_API = "MLS_AB_API_URL"

# sktmls config key -> the prefix its paths are served under (the first label of its hosts).
MOUNTS: dict[str, str] = {
    AB_API: "",
    "MLS_RECOMMENDATION_API_URL": "/rec",
    "MLS_PROFILE_API_URL": "/pf",
    "MLS_CONVERSION_TRACKING_API_URL": "/ct",
    "MLS_GRAPH_API_URL": "/graph",
}
# What each mounted API is called where a person reads it (the serve start-up lines).
API_NAMES: dict[str, str] = {
    AB_API: "AB API",
    "MLS_RECOMMENDATION_API_URL": "recommendation API",
    "MLS_PROFILE_API_URL": "profile API",
    "MLS_CONVERSION_TRACKING_API_URL": "conversion tracking API",
    "MLS_GRAPH_API_URL": "graph API",
}
# Paths of the runtime APIs, as the fake sees them: journaled like /api/ calls.
RUNTIME_PREFIXES: tuple[str, ...] = tuple(prefix + "/" for prefix in MOUNTS.values() if prefix)
# The runtime APIs that name a client in their path and take its `apikey` header
# (`/<prefix>/<version>/<client_id>/...`); the graph API sends neither.
KEYED_PREFIXES: tuple[str, ...] = ("/rec/", "/pf/", "/ct/")
# The client id sktmls sends from the MMS runtime, with no apikey and no `mode` (sktmls/apis/*.py),
# and the APIs whose client runs there (the conversion tracking client refuses MMS).
MMS_CLIENT_ID = "mls-mms"
MMS_PREFIXES: tuple[str, ...] = ("/rec/", "/pf/")


def api_urls(base: str) -> dict[str, str]:
    """Each API's base URL on a fake served at `base`, by sktmls config key: what
    `point_sktmls_at(base)` sets, and what `mls-mock serve` and `mls_live_server` name."""
    root = base.rstrip("/")
    return {key: root + prefix for key, prefix in MOUNTS.items()}


def configured_urls(config: dict) -> Iterator[tuple[str, str]]:
    """(config key, URL) for every non-empty URL of an API the fake mounts in sktmls's CONFIG."""
    for settings in config.values():
        for key, urls in settings.items():
            if key in MOUNTS and isinstance(urls, dict):
                for url in urls.values():
                    if url:
                        yield key, url


def is_runtime(path: str) -> bool:
    return path.startswith(RUNTIME_PREFIXES)

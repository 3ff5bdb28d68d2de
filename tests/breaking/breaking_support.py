"""What the breaking tests share besides fixtures: credentials, sktmls clients aimed
anywhere, and the tally of what was thrown at the fake (printed at the end of the run)."""
import base64
import collections

from hypothesis import HealthCheck, settings

from mls_mock.lightweight import allow_light_sktmls
from support import sized  # noqa: F401  (the breaking tests' counts, by profile)

# derandomize: the same examples every run, so a CI failure reproduces locally and the run
# time is bounded by max_examples alone; no deadline, since CI machines stall at random.
BREAKING = settings(derandomize=True, deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

USER, PASSWORD = "breaker", "breaker-password"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()}
IN_PROCESS_BASE = "https://ab.stg.sktmls.com"

TALLY = collections.Counter()


def tally(what: str, count: int = 1) -> None:
    """Count something thrown at the fake (requests fuzzed, steps run...)."""
    TALLY[what] += count


def sktmls_clients(base_url: str = None):
    """(ChannelClient, ExperimentClient, FilterClient); with `base_url`, each client's own
    config points there (sktmls copies its config per client), the global config untouched."""
    allow_light_sktmls()
    from sktmls import MLSENV
    from sktmls.channels import ChannelClient
    from sktmls.experiments import ExperimentClient
    from sktmls.filters import FilterClient

    made = []
    for cls in (ChannelClient, ExperimentClient, FilterClient):
        client = cls(env=MLSENV.STG, username=USER, password=PASSWORD)
        if base_url is not None:
            client.config.MLS_AB_API_URL = {MLSENV.STG.value: base_url}
        made.append(client)
    return tuple(made)

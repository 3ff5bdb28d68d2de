"""Settings of the whole suite: the Hypothesis profile of this run, and the order in which
xdist hands out the tests (the longest first, so that no worker starts one at the end)."""
from hypothesis import HealthCheck, settings

from support import PROFILE

# Tests that name their example counts take them from support.sized(default, thorough);
# the profiles size the others and keep a slow CI machine from failing a test on time alone.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", settings.get_profile("default"), max_examples=500)
settings.load_profile(PROFILE)

# Modules whose tests take seconds each (measured with --durations), longest first; every
# other module keeps its place after them. Under xdist a long test handed out last holds up
# the end of the run while the other worker idles.
LONGEST_FIRST = (
    "server/test_openapi_schemathesis.py",
    "server/test_soak.py",
    "server/test_contract_over_http.py",
    "breaking/test_state_machine.py",
    "plugin/test_with_responses.py",
    "plugin/test_xdist.py",
    "plugin/test_without_sktmls.py",
    "breaking/test_transport_paths.py",
    "breaking/test_schema_fuzz.py",
    "http/test_http_fuzz.py",
    "mock/test_journal.py",
    "server/test_verify.py",
    "server/test_durability.py",
    "breaking/test_concurrency.py",
    "browser/test_dashboard.py",
)


def _rank(item) -> int:
    path = item.nodeid.split("::")[0].removeprefix("tests/")
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_rank)  # stable: a module's tests stay together and in order


def pytest_report_header(config):
    return f"mls-mock tests: profile {PROFILE} (MLS_MOCK_TESTS=thorough for the full sizes)"

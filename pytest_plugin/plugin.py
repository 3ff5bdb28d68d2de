"""mls-mock's pytest plugin: fixtures and hooks only; the logic lives in `mls_mock` and
`mls_mock.pytest_plugin.helpers`.

One MLSMock (one Flask app and store) is built per session (per xdist worker) and emptied
when each test that asks for it *starts*; a guard installed for the whole session refuses
every connection to a real MLS host.

Start-up imports neither sktmls nor Flask nor requests (a suite that uses no mls_* fixture
pays for none of them): fixtures import what they need, the stand-in finder and the guard
wait for the first import of sktmls and requests.
"""

from typing import Any

import pytest

from mls_mock.guard import NetworkGuard
from mls_mock.lightweight import SktmlsMissing, prepare_light_sktmls
from mls_mock.redirect import point_sktmls_at, restore_sktmls

from . import helpers

SETTINGS = pytest.StashKey[helpers.Settings]()
GUARD = pytest.StashKey[NetworkGuard]()
GATE = pytest.StashKey[Any]()  # a mls_mock.remote.RemoteGate, imported only under --mls-url
REDIRECT = pytest.StashKey[dict[str, dict[str, str]]]()
MISSING = pytest.StashKey[str]()
PREPARED = pytest.StashKey[bool]()


# ---- hooks ----------------------------------------------------------------------------------


def pytest_addoption(parser):
    helpers.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # The rootdir's conftest.py is imported before pytest_configure: one that imports
    # sktmls at module level needs the stand-ins already.
    _prepare_sktmls(early_config)


def _prepare_sktmls(config) -> None:
    """Test modules and conftests may import sktmls at module level, and a --no-deps
    install needs mls-mock's stand-ins for torch & co. to import at all. Without sktmls the
    plugin must not break a suite that merely has mls-mock installed: the fixtures then say
    what to install."""
    if PREPARED in config.stash:
        return
    config.stash[PREPARED] = True
    try:
        prepare_light_sktmls()
    except SktmlsMissing as missing:
        config.stash[MISSING] = str(missing)
    except Exception as broken:  # e.g. a newer sktmls importing a package nobody stands in for
        config.stash[MISSING] = (
            f"sktmls does not import ({type(broken).__name__}: {broken}); the mls_* fixtures will fail"
        )


def pytest_configure(config):
    for marker in helpers.MARKERS:
        config.addinivalue_line("markers", marker)
    settings = helpers.Settings.from_config(config)
    config.stash[SETTINGS] = settings
    _prepare_sktmls(config)  # when the plugin came in after the initial conftests (`-p`)
    url = settings.url  # None unless --mls-url
    config.stash[GUARD] = NetworkGuard(allowed=[url] if url is not None else ()).install()
    if url is not None:
        from mls_mock.remote import RemoteGate

        config.stash[REDIRECT] = point_sktmls_at(url)
        config.stash[GATE] = RemoteGate(url, settings.username, settings.password, settings.allow_writes).start()
    if settings.remote or config.getini("mls_mock_autouse"):
        config.pluginmanager.register(_PerTest(), "mls-mock-per-test")


def pytest_unconfigure(config):
    if GATE in config.stash:
        config.stash[GATE].stop()
        del config.stash[GATE]
    if REDIRECT in config.stash:
        restore_sktmls(config.stash[REDIRECT])
        del config.stash[REDIRECT]
    if GUARD in config.stash:
        config.stash[GUARD].uninstall()


def pytest_report_header(config):
    if MISSING in config.stash:
        return f"mls-mock: {config.stash[MISSING]}"
    settings = config.stash.get(SETTINGS, None)
    if settings is not None and settings.remote:
        writes = "writes allowed, cleaned up per test" if settings.allow_writes else "read-only"
        return f"mls-mock: clients target {settings.url} as {settings.username} ({writes})"
    return None


def pytest_terminal_summary(terminalreporter, config):
    guard = config.stash.get(GUARD, None)
    summary = helpers.blocked_summary(guard.blocked if guard else [])
    if summary:
        terminalreporter.write_sep("-", "mls-mock")
        terminalreporter.write_line(summary)


# ---- settings and session objects -------------------------------------------------------------


@pytest.fixture(scope="session")
def mls_settings(pytestconfig) -> helpers.Settings:
    """Where this run's mls_* clients go: `.url` (None: the in-process fake), `.username`,
    `.password`, `.env`, `.allow_writes`. Set by --mls-url and friends."""
    return pytestconfig.stash[SETTINGS]


@pytest.fixture(scope="session")
def mls_mock_session(mls_settings):
    """The session's one MLSMock (one Flask app, one store), built once and reused: `mls_mock`
    empties it at the start of each test. Not started: use `mls_mock` in tests. Its generous
    switches come from the `mls_mock_generous` ini and `--mls-generous`."""
    from mls_mock import MLSMock

    return MLSMock(generous=mls_settings.generous)


@pytest.fixture(scope="session")
def _mls_seeds() -> helpers.SeedLoader:
    """Seed files parsed once per session, for the `mls_seed` marker."""
    return helpers.SeedLoader()


@pytest.fixture(scope="session")
def mls_live_server_session(mls_mock_session):
    """The session's fake on 127.0.0.1 (a free port, read back); stopped at session end."""
    from mls_mock.server import LiveServer

    with LiveServer(mls_mock_session.app, host="127.0.0.1", port=0, mock=mls_mock_session) as live:
        yield live


class _PerTest:
    """Registered only when needed (autouse ini set, or --mls-url), so that a suite that
    only uses the fixtures pays nothing in tests that do not."""

    @pytest.fixture(autouse=True)
    def _mls_per_test(self, request, pytestconfig):
        """Applies the `mls_mock_autouse` ini flag and, under --mls-url, skips fake-only
        tests and deletes what the test created."""
        settings = pytestconfig.stash[SETTINGS]
        if settings.remote:
            if request.node.get_closest_marker(helpers.SEED_MARKER) is not None:
                pytest.skip(f"@{helpers.SEED_MARKER} needs the in-process fake; this run targets {settings.url}")
            yield
            problem = helpers.cleanup_report(*pytestconfig.stash[GATE].cleanup())
            if problem:
                pytest.fail(problem, pytrace=False)
            return
        if request.node.get_closest_marker(helpers.DISABLED_MARKER) is None:
            request.getfixturevalue("mls_mock")
        yield


# ---- what tests use -------------------------------------------------------------------------------


@pytest.fixture
def mls_env(request, monkeypatch, mls_settings):
    """Sets MLS_ENV, MLS_USERNAME and MLS_PASSWORD for this test (STG, account `mls-test` with
    the fake), so code that builds `ChannelClient()` with no arguments reaches the fake."""
    helpers.ensure_enabled(request, "mls_env")
    for name, value in mls_settings.environ().items():
        monkeypatch.setenv(name, value)
    return mls_settings.environ()


@pytest.fixture
def mls_mock(request, mls_env, mls_settings, mls_mock_session, _mls_seeds):
    """The fake MLS AB API for this test, emptied when the test starts, active (every sktmls
    client of the process reaches it in-process) until it ends. `@pytest.mark.mls_seed(...)`
    sets are loaded first. `.store`, `.calls` (journal: method, path, query, query_all,
    json, body_bytes, body_truncated, status, user, response, response_bytes, seq, served),
    `.fail(method, path, status=500, error=None, times=1, raises=None)`, `.seed(...)`; for the
    recommendation API `.bucket_of(experiment, user_id)` and `.answer(model, answer)`."""
    helpers.ensure_enabled(request, "mls_mock")
    helpers.skip_if_remote(mls_settings, "mls_mock")
    mls_mock_session.reset()
    _mls_seeds.apply(mls_mock_session, request.node)
    mls_mock_session.start()
    try:
        yield mls_mock_session
    finally:
        mls_mock_session.stop()


@pytest.fixture
def _mls_target(request, mls_env, mls_settings):
    """The fake for this test, or nothing to set up when the run targets --mls-url."""
    if not mls_settings.remote:
        return request.getfixturevalue("mls_mock")
    return None


@pytest.fixture
def mls_channel_client(_mls_target, mls_settings):
    """The real `sktmls.channels.ChannelClient` (env STG, account `mls-test`) on this test's fake,
    or on --mls-url."""
    return helpers.build_client("sktmls.channels.ChannelClient", mls_settings)


@pytest.fixture
def mls_experiment_client(_mls_target, mls_settings):
    """The real `sktmls.experiments.ExperimentClient` (experiments and buckets) on this test's
    fake, or on --mls-url."""
    return helpers.build_client("sktmls.experiments.ExperimentClient", mls_settings)


@pytest.fixture
def mls_filter_client(_mls_target, mls_settings):
    """The real `sktmls.filters.FilterClient` on this test's fake, or on --mls-url."""
    return helpers.build_client("sktmls.filters.FilterClient", mls_settings)


@pytest.fixture
def mls_model_client(_mls_target, mls_settings):
    """The real `sktmls.models.MLModelClient` (manual and automl models, model deployments,
    the automl model server) on this test's fake, or on --mls-url. Steer what only the server
    decides (status, registry artifact, server status) with `mls_mock.store.steer_model`."""
    return helpers.build_client("sktmls.models.MLModelClient", mls_settings)


@pytest.fixture
def mls_dimension_client(_mls_target, mls_settings):
    """The real `sktmls.dimensions.DimensionClient` (user and item dimensions) on this test's
    fake, or on --mls-url."""
    return helpers.build_client("sktmls.dimensions.DimensionClient", mls_settings)


@pytest.fixture
def mls_ml_feature_client(_mls_target, mls_settings):
    """The real `sktmls.ml_features.MLFeatureClient` on this test's fake, or on --mls-url."""
    return helpers.build_client("sktmls.ml_features.MLFeatureClient", mls_settings)


@pytest.fixture
def mls_ml_feature_group_client(_mls_target, mls_settings):
    """The real `sktmls.ml_features.MLFeatureGroupClient` (read-only: put groups in place with
    `mls_factory.ml_feature_group()`, a seed set or `PUT /_mock/ml_features/<id>/group`)."""
    return helpers.build_client("sktmls.ml_features.MLFeatureGroupClient", mls_settings)


@pytest.fixture
def mls_client_client(_mls_target, mls_settings):
    """The real `sktmls.clients.ClientClient` (API clients and their apikeys) on this test's
    fake, or on --mls-url."""
    return helpers.build_client("sktmls.clients.ClientClient", mls_settings)


@pytest.fixture
def mls_profile_client(_mls_target, mls_settings):
    """The real `sktmls.profiles.ProfileClient` on this test's fake, or on --mls-url."""
    return helpers.build_client("sktmls.profiles.ProfileClient", mls_settings)


@pytest.fixture
def mls_vertex_client(_mls_target, mls_settings):
    """The real `sktmls.graphs.VertexClient` (graph vertex schemas) on this test's fake, or on
    --mls-url."""
    return helpers.build_client("sktmls.graphs.VertexClient", mls_settings)


@pytest.fixture
def mls_edge_client(_mls_target, mls_settings):
    """The real `sktmls.graphs.EdgeClient` (graph edge schemas between vertices) on this test's
    fake, or on --mls-url."""
    return helpers.build_client("sktmls.graphs.EdgeClient", mls_settings)


@pytest.fixture
def mls_meta_table_client(_mls_target, mls_settings):
    """The real `sktmls.meta_tables.MetaTableClient` (meta tables, their items, bulk upserts)
    on this test's fake, or on --mls-url. Its DataFrame helpers need pandas (a full install)."""
    return helpers.build_client("sktmls.meta_tables.MetaTableClient", mls_settings)


@pytest.fixture
def mls_automl_prediction_client(_mls_target, mls_settings):
    """The real `sktmls.models.automl.AutoMLBatchPredictionClient` (batch predictions of a
    trained automl model) on this test's fake, or on --mls-url."""
    return helpers.build_client("sktmls.models.automl.AutoMLBatchPredictionClient", mls_settings)


@pytest.fixture
def mls_component_client(_mls_target, mls_settings):
    """The real `sktmls.components.ComponentClient` on this test's fake, or on --mls-url."""
    return helpers.build_client("sktmls.components.ComponentClient", mls_settings)


@pytest.fixture
def mls_dataset_client(_mls_target, mls_settings):
    """The real `sktmls.datasets.DatasetClient` on this test's fake, or on --mls-url. Set a
    dataset's columns or status with `mls_factory.dataset(columns=..., status=...)`."""
    return helpers.build_client("sktmls.datasets.DatasetClient", mls_settings)


@pytest.fixture
def mls_dynamodb_client(_mls_target, mls_settings):
    """The real `sktmls.dynamodb.DynamoDBClient` (get/put/update/delete_item, runtime LOCAL: the
    AB API's POST /api/v1/dynamodb) on this test's fake, or on --mls-url. Make tables with
    `mls_factory.dynamodb_table()` or `mls_mock.store.create_dynamodb_table()`."""
    return helpers.build_client("sktmls.dynamodb.DynamoDBClient", mls_settings)


@pytest.fixture
def mls_status_client(_mls_target, mls_settings):
    """The real `sktmls.data_status.StatusClient` (S3, batch and DynamoDB data status) on this
    test's fake, or on --mls-url. Set statuses with `mls_factory.data_status()`."""
    return helpers.build_client("sktmls.data_status.StatusClient", mls_settings)


@pytest.fixture
def mls_api_key(_mls_target, mls_settings) -> helpers.ApiKey:
    """The client the runtime-API fixtures call as (`.client_id`, `.apikey`): registered on
    this test's fake as `ClientClient` would register it; on --mls-url, $MLS_CLIENT_ID and
    $MLS_APIKEY."""
    return helpers.api_key(_mls_target, mls_settings)


@pytest.fixture
def mls_recommendation_api_client(_mls_target, mls_settings, mls_api_key):
    """The real `sktmls.apis.MLSRecommendationAPIClient` (request, predict and their async
    twins; runtime LOCAL, as `mls_api_key`'s client) on this test's fake: each channel answers
    the bucket the user falls into (`mls_mock.bucket_of(experiment, user_id)`); what was served
    is `mls_mock.calls[-1].served`."""
    return helpers.build_api_client("sktmls.apis.MLSRecommendationAPIClient", mls_settings, mls_api_key)


@pytest.fixture
def mls_profile_api_client(_mls_target, mls_settings, mls_api_key):
    """The real `sktmls.apis.MLSProfileAPIClient` (runtime LOCAL, as `mls_api_key`): values
    come from the profile's DynamoDB tables (`mls_factory.profile_values`)."""
    return helpers.build_api_client("sktmls.apis.MLSProfileAPIClient", mls_settings, mls_api_key)


@pytest.fixture
def mls_conversion_tracking_api_client(_mls_target, mls_settings, mls_api_key):
    """The real `sktmls.apis.MLSConversionTrackingAPIClient`, calling as `mls_api_key`'s client
    (runtime LOCAL) on this test's fake. What the fake accepted: `mls_mock.conversions`."""
    return helpers.build_api_client("sktmls.apis.MLSConversionTrackingAPIClient", mls_settings, mls_api_key)


@pytest.fixture
def mls_graph_api_client(_mls_target, mls_settings):
    """The real `sktmls.apis.MLSGraphAPIClient` (no credentials; runtime LOCAL) on this test's
    fake. Its add/update methods and most async ones break in sktmls itself (README): put
    instances in place with `mls_factory.graph_vertex()` / `.graph_edge()` or a seed."""
    return helpers.build_api_client("sktmls.apis.MLSGraphAPIClient", mls_settings, None)


@pytest.fixture
def mls_faker_locale(pytestconfig) -> str:
    """Faker locale of `mls_factory` (the `mls_faker_locale` ini value, default en_US);
    override this fixture to return "ko_KR" for Korean names and text."""
    return pytestconfig.getini("mls_faker_locale")


@pytest.fixture
def mls_factory(request, _mls_target, mls_settings, mls_faker_locale):
    """Builders writing straight into this test's fake and returning what the client returns:
    `.experiment(**f)`, `.channel(**f)` (makes an experiment if none given), `.filter(...)`,
    `.bucket(experiment, ...)`, `.model(model_type="manual"|"automl", ...)`, `.dimension(...)`,
    `.ml_feature_group(...)`, `.ml_feature(group=..., status=...)`, `.client(...)`,
    `.profile(...)`, `.vertex(...)`, `.edge(frm=..., to=...)`, `.meta_table(items=N or {name:
    values})`, `.meta_item(meta_table, ...)`, `.component(...)`, `.dataset(columns=[...],
    status=...)`, `.dynamodb_table(...)`, `.dynamodb_item(table, item)`, `.model_answer(model,
    answer)`, `.data_status(source, name, status)`. Faker data seeded
    from the test id: the same test gets the same data every run. Under --mls-url it POSTs
    to that server instead (no models, ids or timestamps there)."""
    from mls_mock.fixtures.factories import HTTPBackend, MLSFactory

    if mls_settings.remote:
        backend = HTTPBackend(mls_settings.url, mls_settings.username, mls_settings.password)
        return MLSFactory(backend, seed=request.node.nodeid, locale=mls_faker_locale, user=mls_settings.username)
    return MLSFactory(_mls_target.store, seed=request.node.nodeid, locale=mls_faker_locale)


@pytest.fixture
def mls_clock(mls_settings):
    """A frozen clock (freezegun) that the fake's created_at/updated_at follow, starting at
    2026-01-05T09:00:00Z: `.tick(seconds_or_timedelta=1)`, `.move_to(datetime_or_str)`,
    `()` for now. Real time resumes when the test ends. Skipped under --mls-url: a real
    server keeps its own clock."""
    from freezegun import freeze_time

    helpers.skip_if_remote(mls_settings, "mls_clock")

    freezer = freeze_time("2026-01-05T09:00:00+00:00")
    clock = freezer.start()
    try:
        yield clock
    finally:
        freezer.stop()


@pytest.fixture
def mls_live_server(mls_mock, mls_live_server_session):
    """The same fake as `mls_mock` (same state, journal and faults), served on a real
    127.0.0.1 port for subprocesses, non-Python clients and tests of the socket itself:
    `.url`, `.port`, `.urls` (each MLS API's base URL by sktmls config key: `.url` for the
    AB API, `.url + "/rec"` for the recommendation API...), `.ui_url` (the dashboard), `.mock`
    (the `MLSMock` behind it). sktmls's configuration points every API there during the
    test, so every client of this process uses the socket; for a subprocess, run it as
    `mls-mock point {url} -- script.py` (or call `mls_mock.redirect.point_sktmls_at(url)` in it)."""
    previous = point_sktmls_at(mls_live_server_session.url)
    try:
        yield mls_live_server_session  # its `.mock` is `mls_mock`: the plugin has one MLSMock per session
    finally:
        restore_sktmls(previous)

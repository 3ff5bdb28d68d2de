"""Contract checks that only make sense against the fake: which hosts it answers, exact
timestamps under a frozen clock, and that every call really reached it. Kept apart from
the client-only files so those can be pointed at a real server."""
import datetime
import time

import pytest
import requests
from freezegun import freeze_time
from sktmls import MLSENV, MLSRuntimeENV
from sktmls.config import CONFIG
from sktmls.experiments import ExperimentClient

from mls_mock.hosts import MOUNTS
from support import stub_http_server

AB_URLS = [
    pytest.param(runtime, env, CONFIG[runtime.value]["MLS_AB_API_URL"][env.value], id=f"{runtime.name}-{env.name}")
    for runtime in MLSRuntimeENV
    for env in MLSENV
    if CONFIG[runtime.value].get("MLS_AB_API_URL", {}).get(env.value)
]
RUNTIME_API_URLS = sorted({
    (key, url)
    for runtime in CONFIG.values()
    for key, urls in runtime.items()
    if key != "MLS_AB_API_URL" and isinstance(urls, dict)
    for url in urls.values()
    if url
})
# MLS hosts no sktmls config names: refused, never sent.
UNKNOWN_MLS_URLS = ["https://nowhere.stg.sktmls.com", "https://unknown.sktmls.ai.", "http://rec.sktmls.com.evil:8080"]


@pytest.fixture(autouse=True)
def _needs_the_fake(mls_settings):
    """Under --mls-url these checks have nothing to check."""
    if mls_settings.remote:
        pytest.skip(f"fake-only: this run targets {mls_settings.url}")


def test_every_runtime_and_env_pair_with_an_ab_url_is_covered():
    """The parametrization below is not vacuous: it sees the URLs the contract names."""
    urls = {p.values[2] for p in AB_URLS}
    assert {"https://ab.stg.sktmls.com", "https://ab-internal.sktmls.com", "http://ab-onprem.dev.sktmls.com",
            "http://ab.local.sktmls.com:8000"} <= urls


@pytest.mark.parametrize("runtime, env, url", AB_URLS)
def test_every_ab_base_url_reaches_the_fake(mls_mock, runtime, env, url):
    client = ExperimentClient(env=env, runtime_env=runtime, username="mls-test", password="pw")

    made = client.create_experiment(name=f"exp_{runtime.name}_{env.name}")

    assert client.get_experiment(id=made.id).name == made.name
    assert [(c.method, c.path) for c in mls_mock.calls] == [("POST", "/api/v1/experiments"), ("GET", "/api/v1/experiments")]


@pytest.mark.parametrize("key, url", RUNTIME_API_URLS)
def test_every_runtime_api_url_reaches_the_fake_under_its_prefix(mls_mock, key, url):
    answer = requests.get(url + "/v1/no-such-path", timeout=30)

    assert answer.status_code in (401, 404) and answer.json()["error"]
    assert [c.path for c in mls_mock.calls] == [MOUNTS[key] + "/v1/no-such-path"]


def test_the_runtime_api_urls_are_in_the_list():
    assert {"MLS_PROFILE_API_URL", "MLS_RECOMMENDATION_API_URL", "MLS_CONVERSION_TRACKING_API_URL",
            "MLS_GRAPH_API_URL"} <= {key for key, _ in RUNTIME_API_URLS}
    assert ("MLS_RECOMMENDATION_API_URL", "https://rec-internal.sktmls.com") in RUNTIME_API_URLS


@pytest.mark.parametrize("url", UNKNOWN_MLS_URLS)
def test_other_mls_hosts_fail_at_once(mls_mock, url):
    started = time.monotonic()

    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/api/v1/anything", timeout=30)

    assert time.monotonic() - started < 1
    assert len(mls_mock.calls) == 0


@pytest.fixture
def local_http_server():
    with stub_http_server(200, b"hello from a real socket") as (url, _):
        yield url


def test_non_mls_hosts_are_untouched(mls_mock, local_http_server):
    response = requests.get(local_http_server + "/api/v1/channels", timeout=5)

    assert (response.status_code, response.text) == (200, "hello from a real socket")
    assert len(mls_mock.calls) == 0


def test_timestamps_follow_a_frozen_clock(mls_channel_client, mls_experiment_client):
    """updated_at moves on update and created_at stays, to the microsecond."""
    with freeze_time("2026-03-01 09:00:00.123456") as clock:
        experiment = mls_experiment_client.create_experiment(name="exp")
        channel = mls_channel_client.create_channel(name="home", experiments=[experiment])
        clock.move_to("2026-03-02 10:30:00")
        mls_channel_client.update_channel(channel, name="home2", experiments=[experiment])
        mls_experiment_client.update_experiment(experiment, description="later")

    created = datetime.datetime(2026, 3, 1, 9, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    updated = datetime.datetime(2026, 3, 2, 10, 30, tzinfo=datetime.timezone.utc)
    fetched_channel = mls_channel_client.get_channel(id=channel.id)
    fetched_experiment = mls_experiment_client.get_experiment(id=experiment.id)
    assert (fetched_channel.created_at, fetched_channel.updated_at) == (created, updated)
    assert (fetched_experiment.created_at, fetched_experiment.updated_at) == (created, updated)


def test_timestamps_of_filters_and_buckets_follow_a_frozen_clock(mls_filter_client, mls_experiment_client, experiment):
    with freeze_time("2026-03-01 09:00:00") as clock:
        model_filter = mls_filter_client.create_filter(name="f", conditions=[])
        bucket = mls_experiment_client.create_bucket(experiment, name="b", prediction_type="empty")
        clock.tick(datetime.timedelta(seconds=90))
        mls_filter_client.update_filter(model_filter, name="f2")
        mls_experiment_client.update_bucket(bucket, name="b2")

    start = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.timezone.utc)
    later = start + datetime.timedelta(seconds=90)
    fetched_filter = mls_filter_client.get_filter(id=model_filter.id)
    fetched_bucket = mls_experiment_client.get_bucket(experiment, id=bucket.id)
    assert (fetched_filter.created_at, fetched_filter.updated_at) == (start, later)
    assert (fetched_bucket.created_at, fetched_bucket.updated_at) == (start, later)


def test_user_comes_from_the_environment_when_not_given(mls_mock, experiment, monkeypatch):
    from sktmls.channels import ChannelClient

    monkeypatch.setenv("MLS_USERNAME", "from-env")
    assert ChannelClient().create_channel(name="home", experiments=[experiment]).user == "from-env"


def test_a_users_table_rejects_a_wrong_password(monkeypatch):
    """A configured account list is enforced through the real client: 401 with .code."""
    from sktmls import MLSClientError
    from sktmls.channels import ChannelClient

    from mls_mock import MLSMock

    with MLSMock(users={"alice": "right"}):
        assert ChannelClient(env=MLSENV.STG, username="alice", password="right").list_channels() == []
        with pytest.raises(MLSClientError) as caught:
            ChannelClient(env=MLSENV.STG, username="alice", password="wrong").list_channels()
    assert caught.value.code == 401


def test_model_reads_made_by_list_buckets(mls_mock, mls_experiment_client, experiment, make_model):
    """list_buckets reads each manual model with a list by id and model_type, then a GET."""
    model = make_model("ranker")
    mls_experiment_client.create_bucket(experiment, name="b", prediction_type="batch", model=model)
    mls_mock.calls.clear()

    mls_experiment_client.list_buckets(experiment)

    assert [(c.method, c.path, c.query) for c in mls_mock.calls] == [
        ("GET", f"/api/v1/experiments/{experiment.id}/buckets", {}),
        ("GET", "/api/v1/models", {"id": str(model.id), "model_type": "manual"}),
        ("GET", f"/api/v1/models/{model.id}", {}),
    ]


def test_every_kind_of_record_starts_at_id_one(mls_channel_client, mls_experiment_client, mls_filter_client):
    """A fresh fake numbers each resource from 1 (a real server already holds records)."""
    model_filter = mls_filter_client.create_filter(name="f", conditions=[])
    experiment = mls_experiment_client.create_experiment(name="e", model_filter=model_filter)
    bucket = mls_experiment_client.create_bucket(experiment, name="b", prediction_type="empty")
    channel = mls_channel_client.create_channel(name="c", experiments=[experiment])

    assert (model_filter.id, experiment.id, bucket.id, channel.id) == (1, 1, 1, 1)


def test_pages_hold_the_documented_number_of_records(mls_mock, mls_filter_client):
    from mls_mock import assumptions

    for index in range(assumptions.PAGE_SIZE + 1):
        mls_mock.store.create_filter({"name": f"f{index:03}", "body": {"conditions": []}})

    first, second, past = (mls_filter_client.list_filters(page=p) for p in (1, 2, 3))

    assert [f.id for f in first] == list(range(1, assumptions.PAGE_SIZE + 1))
    assert [f.id for f in second] == [assumptions.PAGE_SIZE + 1]
    assert past == []
    assert len(mls_filter_client.list_filters()) == assumptions.PAGE_SIZE + 1  # no page: everything

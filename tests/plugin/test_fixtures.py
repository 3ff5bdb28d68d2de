"""The function-scoped fixtures, used as a user would use them."""
import os


def test_mls_mock_is_emptied_when_each_test_starts(run):
    result = run('''
        import requests
        def test_leaves_state(mls_mock, mls_experiment_client):
            mls_experiment_client.create_experiment(name="left_behind")
            mls_mock.fail("GET", "*", status=503, times=None)
        def test_starts_clean(mls_mock, mls_experiment_client):
            created = mls_experiment_client.create_experiment(name="fresh")
            assert created.id == 1
            assert [e.name for e in mls_experiment_client.list_experiments()] == ["fresh"]
            assert [c.method for c in mls_mock.calls] == ["POST", "GET"]
    ''', "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_calls_journal_has_every_field(run):
    result = run('''
        def test_it(mls_mock, mls_channel_client, mls_experiment_client):
            experiment = mls_experiment_client.create_experiment(name="exp")
            mls_channel_client.create_channel(name="my_channel", experiments=[experiment])
            call = mls_mock.calls[-1]
            assert (call.method, call.path, call.json, call.status, call.user) == (
                "POST", "/api/v1/channels", {"screen_id": "my_channel", "experiments": [1]}, 201, "mls-test")
            mls_channel_client.list_channels(screen_id="my_channel")
            assert mls_mock.calls[-1].query == {"screen_id": "my_channel"}
    ''')
    result.assert_outcomes(passed=1)


def test_fail_gives_error_envelopes_and_network_errors(run):
    result = run('''
        import pytest, requests
        from sktmls import MLSClientError
        def test_it(mls_mock, mls_channel_client):
            mls_mock.fail("GET", "/api/v1/channels", status=503, error="maintenance", times=2)
            for _ in range(2):
                with pytest.raises(MLSClientError) as raised:
                    mls_channel_client.list_channels()
                assert (raised.value.code, raised.value.msg) == (503, "maintenance")
            assert mls_channel_client.list_channels() == []
            mls_mock.fail("GET", "*", raises=requests.ConnectionError)
            with pytest.raises(requests.ConnectionError):
                mls_channel_client.list_channels()
            mls_mock.fail("*", "/api/v1/channels", raises=requests.Timeout)
            with pytest.raises(requests.Timeout):
                mls_channel_client.list_channels()
    ''')
    result.assert_outcomes(passed=1)


def test_every_client_fixture_is_the_real_client_on_the_fake(run):
    result = run('''
        from sktmls.channels import ChannelClient
        from sktmls.experiments import ExperimentClient
        from sktmls.filters import FilterClient
        from sktmls.models import MLModelClient
        def test_it(mls_mock, mls_channel_client, mls_experiment_client, mls_filter_client, mls_model_client, mls_factory):
            assert (type(mls_channel_client), type(mls_experiment_client), type(mls_filter_client),
                    type(mls_model_client)) == (ChannelClient, ExperimentClient, FilterClient, MLModelClient)
            made = mls_filter_client.create_filter(name="adults", conditions=[{"key": "age", "operator": ">=", "value": 20}])
            assert mls_filter_client.get_filter(id=made.id).name == "adults"
            model = mls_factory.model(name="reco", version="v1")
            assert mls_model_client.get_manual_model(id=model.id).name == "reco"
            assert mls_channel_client.get_username() == "mls-test"
            assert {c.user for c in mls_mock.calls} == {"mls-test"}
    ''')
    result.assert_outcomes(passed=1)


def test_env_vars_are_set_for_the_test_only(run, monkeypatch):
    monkeypatch.delenv("MLS_USERNAME", raising=False)
    result = run('''
        import os
        from sktmls.channels import ChannelClient
        def test_code_building_its_own_client(mls_mock, mls_experiment_client):
            assert (os.environ["MLS_ENV"], os.environ["MLS_USERNAME"]) == ("STG", "mls-test")
            assert os.environ["MLS_PASSWORD"]
            experiment = mls_experiment_client.create_experiment(name="exp")
            ChannelClient().create_channel(name="made_by_my_job", experiments=[experiment])
            assert mls_mock.store.list_channels()[0]["screen_id"] == "made_by_my_job"
        def test_without_the_fixture_nothing_is_set():
            assert "MLS_USERNAME" not in os.environ
    ''', "-p", "no:randomly")
    result.assert_outcomes(passed=2)
    assert "MLS_USERNAME" not in os.environ


def test_clock_drives_the_fakes_timestamps(run):
    result = run('''
        import datetime
        def test_it(mls_clock, mls_experiment_client):
            start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.timezone.utc)
            created = mls_experiment_client.create_experiment(name="exp")
            assert created.created_at == start
            mls_clock.tick(90)
            mls_experiment_client.update_experiment(created, name="renamed")
            assert mls_experiment_client.get_experiment(id=created.id).updated_at == start + datetime.timedelta(seconds=90)
            mls_clock.move_to("2027-03-01T00:00:00+00:00")
            later = mls_experiment_client.create_experiment(name="later")
            assert later.created_at == datetime.datetime(2027, 3, 1, tzinfo=datetime.timezone.utc)
        def test_time_runs_again_afterwards(mls_experiment_client):
            created = mls_experiment_client.create_experiment(name="exp")
            assert abs((datetime.datetime.now(datetime.timezone.utc) - created.created_at).total_seconds()) < 60
    ''', "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_fixtures_are_documented(pytester):
    result = pytester.runpytest_inprocess("--fixtures", "-p", "no:cacheprovider")
    text = result.stdout.str()
    for name in ("mls_mock", "mls_channel_client", "mls_experiment_client", "mls_filter_client", "mls_model_client",
                 "mls_factory", "mls_clock", "mls_live_server", "mls_env", "mls_settings", "mls_faker_locale",
                 "mls_mock_session", "mls_live_server_session"):
        line = next((line for line in text.splitlines() if line.startswith(name + " ") or line.startswith(name + " [")), None)
        assert line is not None, f"{name} is not listed"
        following = text.split(line, 1)[1].splitlines()[1]
        assert following.strip() and "no docstring" not in following, f"{name} has no docstring"


def test_markers_are_registered(pytester):
    result = pytester.runpytest_inprocess("--markers", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["@pytest.mark.mls_seed(*seeds)*", "@pytest.mark.mls_mock_disabled*"])


def test_the_readme_example_runs_as_written(run):
    import pathlib

    readme = pathlib.Path(__file__).parents[2].joinpath("README.md").read_text(encoding="utf-8")
    section = readme.split("## pytest plugin\n", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    result = run("import pytest, my_job\n" + example, **{"my_job.py": """
from sktmls.channels import ChannelClient
from sktmls.experiments import ExperimentClient

def run(experiment):
    found = ExperimentClient().get_experiment(name=experiment)
    ChannelClient().create_channel(name="my_channel", experiments=[found])
"""})
    result.assert_outcomes(passed=2)

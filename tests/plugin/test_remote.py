"""--mls-url: the clients target a chosen server (here a standalone fake on a port)."""
from mls_mock import Fault

WRITER = '''
    from sktmls.channels import ChannelClient
    def test_writes(mls_experiment_client, mls_channel_client, mls_filter_client):
        flt = mls_filter_client.create_filter(name="f", conditions=[{"key": "age", "operator": ">=", "value": 1}])
        experiment = mls_experiment_client.create_experiment(name="exp", model_filter=flt)
        mls_experiment_client.create_bucket(experiment=experiment, name="control", prediction_type="empty")
        ChannelClient().create_channel(name="made_by_code_under_test", experiments=[experiment])
        gone = mls_channel_client.create_channel(name="deleted_by_the_test", experiments=[experiment])
        mls_channel_client.delete_channel(gone)
        assert {c.screen_id for c in mls_channel_client.list_channels()} == {"made_by_code_under_test"}
'''


def _options(server, *extra):
    return ("--mls-url", server.url, "--mls-username", "suite-user", "--mls-password", "pw", *extra)


def test_writes_need_the_opt_in_flag(run, standalone):
    standalone.store.create_experiment({"name": "already_there"}, "someone")
    result = run('''
        import pytest
        from mls_mock.remote import WritesNotAllowed
        def test_reads_pass_writes_are_refused(mls_experiment_client):
            assert [e.name for e in mls_experiment_client.list_experiments()] == ["already_there"]
            with pytest.raises(WritesNotAllowed, match="--mls-allow-writes"):
                mls_experiment_client.create_experiment(name="new")
    ''', *_options(standalone))
    result.assert_outcomes(passed=1)
    assert [e["name"] for e in standalone.store.list_experiments()] == ["already_there"]
    assert {c.user for c in standalone.journal} == {"suite-user"}


def test_with_writes_allowed_what_a_test_created_is_deleted_after_it(run, standalone):
    result = run(WRITER, *_options(standalone, "--mls-allow-writes"))
    result.assert_outcomes(passed=1)
    assert set(standalone.store.counts().values()) == {0}
    deletes = [c.path for c in standalone.journal if c.method == "DELETE"]
    assert deletes == ["/api/v1/channels/2", "/api/v1/channels/1", "/api/v1/experiments/1/buckets/1",
                       "/api/v1/experiments/1", "/api/v1/filters/1"]


def test_what_cannot_be_cleaned_up_fails_the_test_naming_it(run, standalone):
    standalone.faults.add(Fault("DELETE", "*", status=500, error="database is read-only", times=None))
    result = run('''
        def test_it(mls_experiment_client):
            mls_experiment_client.create_experiment(name="exp")
    ''', *_options(standalone, "--mls-allow-writes"))
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*could not clean up*left: experiment 1: DELETE answered 500*database is read-only*"])


def test_fake_only_fixtures_skip_and_header_says_where_clients_go(run, standalone):
    result = run('''
        import pytest
        def test_needs_fake(mls_mock):
            pass
        @pytest.mark.mls_seed("demo")
        def test_seeded(mls_channel_client):
            pass
        def test_frozen_clock(mls_clock, mls_channel_client):
            pass  # a real server keeps its own clock: freezing ours would make timestamp asserts lie
    ''', *_options(standalone), "-rs")
    result.assert_outcomes(skipped=3)
    result.stdout.fnmatch_lines([f"mls-mock: clients target {standalone.url} as suite-user (read-only)",
                                 "*needs the in-process fake; this run targets*"])


def test_url_without_credentials_is_a_usage_error(run, monkeypatch):
    monkeypatch.delenv("MLS_USERNAME", raising=False)
    monkeypatch.delenv("MLS_PASSWORD", raising=False)
    result = run("def test_it():\n    pass\n", "--mls-url", "http://127.0.0.1:9")
    assert result.ret == 4
    result.stderr.fnmatch_lines(["*--mls-url needs credentials*"])


def test_factory_posts_to_the_server_and_its_records_are_cleaned_up(run, standalone):
    result = run('''
        import pytest
        from sktmls.channels import Channel
        from mls_mock.remote import WritesNotAllowed
        def test_it(mls_factory, mls_channel_client, mls_experiment_client):
            channel = mls_factory.channel()
            assert type(channel) is Channel and channel.user == "suite-user"
            experiment = mls_experiment_client.get_experiment(id=channel.experiments[0])
            bucket = mls_factory.bucket(experiment, prediction_type="static")
            assert [b.id for b in mls_experiment_client.list_buckets(experiment)] == [bucket.id]
            model = mls_factory.model(description="요금제 추천")
            assert (model.creator, model.description, model.status) == ("suite-user", "요금제 추천", "NOT_IN_USE")
            with pytest.raises(NotImplementedError, match="in-process fake can steer"):
                mls_factory.model(online_artifact=True)
            with pytest.raises(NotImplementedError, match="in-process fake"):
                mls_factory.experiment(id=50)
    ''', *_options(standalone, "--mls-allow-writes"))
    result.assert_outcomes(passed=1)
    assert standalone.store.counts() == dict.fromkeys(standalone.store.counts(), 0)
    assert sum(c.method == "POST" for c in standalone.journal) == 4  # the model deleted after the test too


def test_meta_tables_and_items_a_test_created_are_deleted_items_first(run, standalone):
    result = run('''
        def test_it(mls_meta_table_client, mls_factory):
            table = mls_meta_table_client.create_meta_table(name="plans", schema={"fee": {"type": "number"}})
            mls_meta_table_client.create_meta_item(table, "A", {"fee": 1})
            mls_meta_table_client.create_meta_items(table, {"B": {"fee": 2}})
            gone = mls_meta_table_client.create_meta_table(name="gone", schema={})
            mls_meta_table_client.delete_meta_table(gone)
            made = mls_factory.meta_table(items={"C": {"fee": 3}})
            assert [i["name"] for i in mls_meta_table_client.get_meta_table(id=made.id).items] == ["C"]
    ''', *_options(standalone, "--mls-allow-writes"))
    result.assert_outcomes(passed=1)
    assert standalone.store.counts() == dict.fromkeys(standalone.store.counts(), 0)
    deletes = [c.path for c in standalone.journal if c.method == "DELETE"]
    assert deletes == ["/api/v1/meta_tables/2", "/api/v1/meta_tables/3/meta_items/3",
                       "/api/v1/meta_tables/1/meta_items/1", "/api/v1/meta_tables/3", "/api/v1/meta_tables/1"]


def test_an_mlsmock_started_by_hand_on_such_a_run_is_an_error_not_a_silent_pass(run, standalone):
    """sktmls goes to the --mls-url server: a hand-started MLSMock would see no call, and a
    test asserting on the server's answers would pass without ever meeting the fake."""
    result = run('''
        from mls_mock import MLSMock
        def test_by_hand():
            with MLSMock():
                pass
    ''', *_options(standalone))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*RuntimeError: mls-mock: this run sends sktmls to {standalone.url} (--mls-url)*"])

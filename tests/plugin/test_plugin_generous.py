"""The generous switches from the plugin's side: ini `mls_mock_generous` and `--mls-generous`,
each in both positions, through the client fixtures."""
import pytest

LISTS = '''
    FULL = {full}
    def test_lists(mls_channel_client, mls_experiment_client, mls_filter_client):
        experiment = mls_experiment_client.create_experiment(name="e")
        mls_channel_client.create_channel(name="c", experiments=[experiment])
        mls_filter_client.create_filter(name="f", conditions=[{"key": "k", "operator": "==", "value": 1}])
        [channel] = mls_channel_client.list_channels()
        [listed] = mls_filter_client.list_filters()
        assert (channel.experiments is not None, hasattr(listed, "conditions")) == (FULL, FULL)
'''
AUTOML = '''
    from sktmls import MLSClientError
    SHARED = {shared}
    def test_automl(mls_mock, mls_model_client):
        record = mls_mock.store.create_model({"name": "a", "version": "v1", "model_type": "automl", "creator": "alice"})
        try:
            mls_model_client.get_automl_model(id=record["id"])
            readable = True
        except MLSClientError as error:
            assert error.code == 404
            readable = False
        assert readable == SHARED
'''


@pytest.mark.parametrize("how, args, ini", [
    ("default", [], ""),
    ("ini", [], "full_lists"),
    ("option", ["--mls-generous", "full_lists"], ""),
    ("both", ["--mls-generous=shared_automl_models"], "full_lists"),
])
def test_full_lists_in_both_positions(run, how, args, ini):
    full = "full_lists" in ini or "full_lists" in " ".join(args)
    files = {"pytest.ini": f"[pytest]\nmls_mock_generous =\n    {ini}\n"} if ini else {}
    result = run(LISTS.replace("{full}", str(full)), *args, **files)
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("args, shared", [([], False), (["--mls-generous", "shared_automl_models"], True),
                                          (["--mls-generous", "full_lists,shared_automl_models"], True)])
def test_shared_automl_models_in_both_positions(run, args, shared):
    result = run(AUTOML.replace("{shared}", str(shared)), *args)
    result.assert_outcomes(passed=1)


def test_an_unknown_switch_is_a_usage_error(run):
    result = run("def test_never(): pass\n", "--mls-generous", "everything")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mls-generous: unknown switch 'everything'; known: full_lists, shared_automl_models*"])


def test_help_lists_the_switches(run):
    result = run("def test_never(): pass\n", "--help")
    text = result.stdout.str()
    assert "--mls-generous" in text and "mls_mock_generous" in text
    assert "full_lists:" in text and "shared_automl_models:" in text

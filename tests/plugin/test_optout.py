"""Autouse by ini, opting out by marker, replacing a fixture by override."""


def test_autouse_ini_gives_every_test_the_fake_and_the_marker_opts_out(run, pytester):
    pytester.makeini("[pytest]\nmls_mock_autouse = true\n")
    result = run('''
        import os, pytest
        from sktmls.channels import ChannelClient
        from mls_mock.guard import RealMLSBlocked
        def test_plain_test_reaches_the_fake():
            assert ChannelClient().list_channels() == []
        @pytest.mark.mls_mock_disabled
        def test_opted_out_has_no_fake_and_no_env():
            assert "MLS_USERNAME" not in os.environ
            with pytest.raises(RealMLSBlocked):
                ChannelClient(username="u", password="p").list_channels()
        @pytest.mark.mls_mock_disabled
        def test_opted_out_cannot_ask_for_the_fake(mls_channel_client):
            pass
    ''')
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*test_opted_out_cannot_ask_for_the_fake is marked mls_mock_disabled but requests mls_env*"])


def test_without_autouse_a_plain_test_gets_nothing(run, monkeypatch):
    monkeypatch.delenv("MLS_USERNAME", raising=False)
    result = run('''
        import pytest
        from sktmls import MLSClientError
        from sktmls.channels import ChannelClient
        def test_it():
            with pytest.raises(MLSClientError, match="username"):
                ChannelClient()
    ''')
    result.assert_outcomes(passed=1)


def test_a_conftest_can_replace_mls_mock_and_the_clients_follow(run):
    result = run('''
        def test_it(mls_mock, mls_channel_client):
            assert mls_mock.users_table_in_use
            assert mls_channel_client.list_channels() == []
            assert mls_mock.calls[-1].user == "mls-test"
    ''', **{"conftest.py": """
import pytest
from mls_mock import MLSMock

@pytest.fixture
def mls_mock(mls_env):
    with MLSMock(users={"mls-test": "mls-test-password"}) as mock:
        mock.users_table_in_use = True
        yield mock
"""})
    result.assert_outcomes(passed=1)

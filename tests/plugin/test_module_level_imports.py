"""A user's suite imports sktmls where Python users import things: at the top of a test
module and of a conftest.py. Both must work with a light install and nothing else loaded
(other plugins that import requests first once hid the simplejson stand-in breaking it)."""
from support import QUIET_PLUGINS

ALONE = (*QUIET_PLUGINS, "-p", "no:xdist", "-p", "no:requests_mock", "-p", "no:randomly")


def test_sktmls_imported_at_the_top_of_a_conftest_and_a_test_module(pytester):
    pytester.makeconftest('''
        from sktmls.components import ComponentClient  # before pytest_configure runs
    ''')
    pytester.makepyfile(test_user='''
        import sys
        from sktmls import MLSClientError

        def test_a_write_with_a_body(mls_experiment_client):
            assert "requests" in sys.modules
            assert mls_experiment_client.create_experiment(name="exp", bucketing_seed="s1").id == 1
            from mls_mock.lightweight import stood_in
            assert not stood_in(sys.modules["requests"].compat.json)  # simplejson if installed, else json
    ''')
    result = pytester.runpytest_subprocess(*ALONE)
    result.assert_outcomes(passed=1)

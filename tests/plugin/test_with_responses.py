"""The README's advice for suites that also use `responses`, run as a user would."""
from support import QUIET_PLUGINS


def test_responses_inside_the_fake_hands_mls_on(pytester):
    pytester.makepyfile(test_user='''
        import re
        import requests
        import responses

        def test_it(mls_mock, mls_experiment_client):
            with responses.RequestsMock() as stub:
                stub.add_passthru(re.compile(r"https?://[^/]*sktmls"))
                stub.get("https://api.example.com/ping", json={"pong": True})
                assert requests.get("https://api.example.com/ping").json() == {"pong": True}
                assert mls_experiment_client.create_experiment(name="inside").id == 1
            assert mls_mock.calls[-1].path == "/api/v1/experiments"
    ''')
    result = pytester.runpytest_subprocess(*QUIET_PLUGINS)
    result.assert_outcomes(passed=1)

"""mls-mock installed without the sktmls client: a suite that never asks for the fake must
still run, and a test that does gets told what to install."""
import textwrap

from support import QUIET_PLUGINS

HIDE_SKTMLS = textwrap.dedent('''
    import sys

    class HideSktmls:
        def find_spec(self, name, path=None, target=None):
            if name == "sktmls" or name.startswith("sktmls."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, HideSktmls())
''')


def test_a_suite_runs_without_sktmls_and_the_fixtures_say_what_to_install(pytester, monkeypatch):
    hidden = pytester.mkdir("hide_sktmls")
    (hidden / "sitecustomize.py").write_text(HIDE_SKTMLS)
    monkeypatch.setenv("PYTHONPATH", str(hidden))
    pytester.makepyfile(test_user="""
        import requests, pytest

        def test_unrelated():
            assert 1 + 1 == 2

        def test_mls_hosts_are_still_blocked():
            with pytest.raises(Exception, match="mls-mock blocked"):
                requests.get("https://ab.stg.sktmls.com/api/v1/channels", timeout=1)

        def test_asks_for_the_fake(mls_channel_client):
            pass
    """)
    result = pytester.runpytest_subprocess(*QUIET_PLUGINS)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["mls-mock: *sktmls client, which is not installed: pip install --no-deps*",
                                 "*SktmlsMissing*pip install --no-deps*"])

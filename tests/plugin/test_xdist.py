"""Under pytest-xdist every worker has its own fake and live server: no clash, no sharing."""
import pathlib

from support import QUIET_PLUGINS


def test_two_workers_each_get_a_fresh_fake_and_their_own_port(pytester, monkeypatch):
    pytester.makepyfile(test_it='''
        import os, pathlib, pytest
        @pytest.mark.parametrize("n", range(8))
        def test_it(n, mls_live_server, mls_experiment_client, mls_channel_client):
            experiment = mls_experiment_client.create_experiment(name=f"exp_{n}")
            channel = mls_channel_client.create_channel(name=f"screen_{n}", experiments=[experiment])
            assert (experiment.id, channel.id) == (1, 1)
            worker = os.environ["PYTEST_XDIST_WORKER"]
            out = pathlib.Path(os.environ["REPORT_DIR"]) / f"{worker}-{n}"
            out.write_text(mls_live_server.url)
    ''')
    reports = pytester.mkdir("reports")
    monkeypatch.setenv("REPORT_DIR", str(reports))
    # Heavy plugins of this venv left out: each worker would import them.
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2", *QUIET_PLUGINS)
    result.assert_outcomes(passed=8)
    urls = {}
    for report in pathlib.Path(reports).iterdir():
        urls.setdefault(report.name.split("-")[0], set()).add(report.read_text())
    assert sorted(urls) == ["gw0", "gw1"]
    assert all(len(seen) == 1 for seen in urls.values())
    assert urls["gw0"] != urls["gw1"]

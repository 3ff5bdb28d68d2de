"""`main(argv)` in-process: flags, start-up errors, the Service handle, `openapi`, and
`point` (run as a separate process, the way users point another program at the fake)."""
import json
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from mls_mock.cli import main

FLAGS = ("--host", "--port", "--seed", "--state", "--users", "--admin-token", "--log-level", "--threads",
         "--connection-limit", "--channel-timeout", "--journal-bytes")
README = Path(__file__).parents[2] / "README.md"


@pytest.fixture
def run_main():
    """run_main(argv): main(argv) in a thread; returns (service, finish) once it listens,
    finish() stopping it and returning main's exit status. Whatever the test does, every
    service is stopped and its thread joined afterwards."""
    running = []

    def run(argv):
        ready, outcome = queue.Queue(), {}
        thread = threading.Thread(target=lambda: outcome.setdefault("status", main(argv, on_ready=ready.put)),
                                  daemon=True)
        thread.start()
        service = ready.get(timeout=10)
        running.append((service, thread))

        def finish():
            service.stop()
            thread.join(10)
            return outcome.get("status", "still running")

        return service, finish

    yield run
    for service, thread in running:
        service.stop()
        thread.join(10)
        assert not thread.is_alive()


def test_help_explains_every_flag(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert all(flag in text for flag in FLAGS)
    assert "waitress" in text and "SIGTERM" in text


def test_the_readme_flag_table_lists_every_flag_with_its_default():
    """The README's rows `--flag` (default): a flag added, or a default changed, without the
    table is a documentation bug."""
    from mls_mock.cli import build_parser

    table = README.read_text(encoding="utf-8").split("## Standalone server\n", 1)[1].split("\n## ", 1)[0]
    shown = dict(re.findall(r"^\| `(--[\w-]+)[^`]*`(?: \(([^)]*)\))? \|", table, flags=re.M))
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]
    for action in serve._actions:
        flag = next((option for option in action.option_strings if option.startswith("--")), None)
        if flag is None or flag == "--help":
            continue
        assert flag in shown, f"{flag} is not in the README's flag table"
        if action.default not in (None, []):  # [] for a repeatable flag: nothing by default
            convert = action.type or str
            assert shown[flag] and convert(shown[flag]) == action.default, (flag, shown[flag], action.default)


def test_a_bare_command_prints_help(capsys):
    assert main([]) == 0
    text = capsys.readouterr().out
    assert "usage: mls-mock" in text and "serve" in text and "--version" in text


def test_version_names_mls_mock_and_the_sktmls_it_runs_with(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"mls-mock {version('mls-mock')} (sktmls {version('sktmls')})"


def test_serves_in_process_until_stopped(run_main, capsys):
    service, finish = run_main(["serve", "--port", "0", "--threads", "2"])
    response = requests.post(f"{service.url}/api/v1/experiments", json={"name": "in-process"}, auth=("u", "p"), timeout=10)
    assert response.status_code == 201
    assert service.store.counts()["experiments"] == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"mls-mock listening on {service.url}", f"mls-mock dashboard at {service.url}/_mock/ui"]
    dashboard = requests.get(service.ui_url, timeout=10)
    assert dashboard.status_code == 200 and "in-process" in dashboard.text  # set-up lists the experiment
    assert finish() == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{service.url}/_mock/health", timeout=2)


@pytest.mark.parametrize("content, message", [
    ("not json", "not valid JSON"),
    ('["alice"]', "must be a non-empty JSON object"),
    ('{"alice": 5}', "must be a non-empty JSON object"),
    (None, "No such file"),
])
def test_bad_users_file_is_a_usage_error(tmp_path, capsys, content, message):
    users = tmp_path / "users.json"
    if content is not None:
        users.write_text(content)
    assert main(["serve", "--port", "0", "--users", str(users)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--seed", "no-such-set"], "no such seed file"),
    (["--threads", "0"], "--threads must be at least 1"),
    (["--port", "70000"], "--port must be 0 to 65535"),
    (["--state", "/no/such/dir/state.db"], "does not exist"),
])
def test_start_up_errors_are_one_line(capsys, argv, message):
    assert main(["serve", "--port", "0", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mls-mock: error: ") and message in err


def test_bad_seed_leaves_no_state_file(tmp_path, capsys):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"channels": [{"screen_id": "x", "experiments": [5]}]}))
    state = tmp_path / "state.db"
    assert main(["serve", "--port", "0", "--seed", str(seed), "--state", str(state)]) == 2
    assert "channels[0]" in capsys.readouterr().err
    assert not state.exists()  # a fixed seed will still be loaded next time


def test_openapi_command_prints_the_document(capsys):
    assert main(["openapi"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["openapi"].startswith("3.1") and "/_mock/health" in document["paths"]


def test_point_runs_a_program_against_the_server(server, tmp_path):
    script = tmp_path / "job.py"
    script.write_text(
        "import sys\n"
        "from sktmls import MLSENV\n"
        "from sktmls.experiments import ExperimentClient\n"
        "client = ExperimentClient(env=MLSENV[sys.argv[1]], username='job', password='pw')\n"
        "print(client.create_experiment(name='from-' + sys.argv[1]).id)\n")
    for env in ("PRD", "LOCAL"):
        done = subprocess.run([sys.executable, "-m", "mls_mock", "point", server.url, "--", str(script), env],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
    calls = server.admin("GET", "calls").json()["results"]
    assert [(c["json"]["name"], c["user"]) for c in calls] == [("from-PRD", "job"), ("from-LOCAL", "job")]


def test_console_script_and_module_are_the_same_command():
    script = Path(sys.executable).with_name("mls-mock")
    outputs = [subprocess.run(command, capture_output=True, text=True, timeout=30).stdout
               for command in ([str(script), "serve", "--help"], [sys.executable, "-m", "mls_mock", "serve", "--help"])]
    assert outputs[0] == outputs[1] and "--state FILE" in outputs[0]

"""`mls-mock verify URL` against a real `mls-mock serve`: on the fake itself every assumption it
can check must hold, a read-only run must send no write, a run with --allow-writes must leave
the server as it found it, and credentials never reach the output."""
import base64
import datetime
import importlib.util
import json
import os
import socket
import subprocess
import sys

import pytest

from mls_mock import assumptions, verify_registry
from mls_mock.cli import main
from mls_mock.verify_registry import ASSUMPTIONS

USERNAME, PASSWORD = "verify-account-7f3a", "verify-secret-c91d"
SECRETS = (USERNAME, PASSWORD, base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode())
READS = frozenset({"GET", "HEAD", "OPTIONS"})
# The runtime APIs on the served fake, as the demo seed's client tworld_app_reco (its apikey from
# $MLS_APIKEY), with the demo's live channel and a profile that serves a user.
APIKEY = "TW7Q2K9XR4M1ZP8D3N6B0C5V2H7J9L4F1S8G3A6E"
RUNTIME = ("--runtime-from-url", "--client-id", "tworld_app_reco", "--channel", "tworld_main_banner",
           "--profile-id", "tworld_user_profile", "--user-id", "1000012345")
# Runtime POSTs that change nothing, sent in a read-only run: the recommendation API's reads and
# the conversion tracking API's test calls (mode=test).
READ_POSTS = frozenset({("POST", "rec"), ("POST", "ct")})
RUN_TIMEOUT = 180.0
# Enough records for every read-only probe: the demo set, a list longer than a page, and an
# automl model of the verifying account (bucket probes need one it may read).
EXTRA = {
    "experiments": [{"name": f"paging-{n:02d}"} for n in range(assumptions.PAGE_SIZE + 5)],
    "models": [{"name": "verify_automl", "version": "1", "model_type": "automl", "creator": USERNAME}],
}


def seed_for_verify(server) -> None:
    for document in ({"name": "demo"}, EXTRA):
        response = server.admin("POST", "seed", json=document)
        assert response.status_code == 201, response.text


def state(server) -> dict:
    document = server.admin("GET", "state").json()["results"]
    document.pop("sequences")  # ids handed out by the run's creates move on, by design
    return document


def journal_methods(server) -> set:
    return {call["method"] for call in server.admin("GET", "calls").json()["results"]}


def journal_writes(server) -> set:
    """(method, the API's first path segment) of each call that is not a GET, HEAD or OPTIONS."""
    return {(call["method"], call["path"].split("/")[1]) for call in server.admin("GET", "calls").json()["results"]
            if call["method"] not in READS}


def run_verify(url: str, *flags: str) -> subprocess.CompletedProcess:
    """The command as a user runs it; the password from $MLS_PASSWORD, as the help advises."""
    return subprocess.run([sys.executable, "-m", "mls_mock", "verify", url, "--username", USERNAME, *flags],
                          capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          env={**os.environ, "MLS_PASSWORD": PASSWORD, "MLS_APIKEY": APIKEY})


@pytest.fixture
def verify_in_process(monkeypatch, capsys):
    """run_verify's twin in this process (`main`, output from capsys): for tests about what
    verify finds rather than the command, each saving a second of interpreter start-up."""
    def run(url: str, *flags: str) -> subprocess.CompletedProcess:
        monkeypatch.setenv("MLS_PASSWORD", PASSWORD)
        monkeypatch.setenv("MLS_APIKEY", APIKEY)
        capsys.readouterr()
        status = main(["verify", url, "--username", USERNAME, *flags])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["mls-mock", "verify", url], status, out, err)

    return run


def verdicts(output: str) -> dict:
    """{assumption id: the rest of its line}."""
    ids = {a.id for a in ASSUMPTIONS}
    found = {}
    for line in output.splitlines():
        first, _, rest = line.partition(" ")
        if first in ids:
            found[first] = rest.strip()
    return found


RUNTIME_ROWS = frozenset(row for row, check in verify_registry.load_probes().items()
                         if check.__module__.startswith("mls_mock.verify_runtime"))
NO_RUNTIME = ("not checked (needs the runtime APIs' URLs: --rec-url, --pf-url, --ct-url, --graph-url or "
              "--runtime-from-url)")


def expected_verdicts(allow_writes: bool, runtime: bool = True) -> dict:
    return {a.id: (f"not checked ({a.unprobeable})" if a.unprobeable else
                   "not checked (needs --allow-writes)" if a.writes and not allow_writes else
                   NO_RUNTIME if a.id in RUNTIME_ROWS and not runtime else "held")
            for a in ASSUMPTIONS}


SWITCHES = "full_lists,shared_automl_models"
SWITCHED_ROWS = {a.id for a in ASSUMPTIONS if a.switch}


def test_read_only_run_holds_every_read_row_and_sends_no_write(server):
    seed_for_verify(server)
    before = state(server)
    server.admin("DELETE", "calls")
    result = run_verify(server.url, *RUNTIME)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == expected_verdicts(allow_writes=False)
    assert journal_writes(server) == READ_POSTS  # the runtime probes ran, and wrote nothing
    assert APIKEY not in result.stdout + result.stderr
    assert state(server) == before


def test_allow_writes_run_holds_every_row_and_leaves_the_server_as_it_was(server, tmp_path):
    seed_for_verify(server)
    before = state(server)
    report = tmp_path / "report.json"
    result = run_verify(server.url, "--allow-writes", "--report", str(report), *RUNTIME)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == expected_verdicts(allow_writes=True)
    assert {"POST", "PUT", "DELETE"} <= journal_methods(server)  # the write probes did run
    assert state(server) == before

    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["url"] == server.url and document["allow_writes"] is True
    assert document["mls_mock"] and document["sktmls"] and document["started_at"] <= document["finished_at"]
    assert document["left_on_server"] == []
    assert document["runtime_apis"] == {"recommendation API": server.url + "/rec", "profile API": server.url + "/pf",
                                        "conversion tracking API": server.url + "/ct", "graph API": server.url + "/graph"}
    assert [(row["id"], row["question"]) for row in document["rows"]] == [(a.id, a.question) for a in ASSUMPTIONS]
    assert {row["verdict"] for row in document["rows"]} == {"held", "not checked"}
    assert all(row["expected"] and row["observed"] for row in document["rows"])


@pytest.mark.parametrize("served, expected", [((), (SWITCHES,)), ((SWITCHES,), ()), ((SWITCHES,), (SWITCHES,))],
                         ids=["default-server,generous-verify", "generous-server,default-verify", "both-generous"])
def test_switched_rows_hold_in_the_matching_position_and_differ_in_the_other(shared_servers, verify_in_process,
                                                                              served, expected):
    flags = [flag for switches in served for flag in ("--generous", switches)]
    generous_server = shared_servers(*flags, "--log-level", "warning")
    seed_for_verify(generous_server)
    before = state(generous_server)
    result = verify_in_process(generous_server.url, "--allow-writes", *RUNTIME,
                               *[f for s in expected for f in ("--generous", s)])
    found, want = verdicts(result.stdout), expected_verdicts(allow_writes=True)
    if served == expected:
        assert result.returncode == 0, result.stdout + result.stderr
        assert found == want
    else:
        assert result.returncode == 1, result.stdout + result.stderr
        assert {row for row, line in found.items() if line.startswith("differs: ")} == SWITCHED_ROWS
        assert {row: line for row, line in found.items() if row not in SWITCHED_ROWS} == {
            row: line for row, line in want.items() if row not in SWITCHED_ROWS}
        hint = "(as with --generous" if served else "(as without --generous"
        assert all(hint in found[row] for row in SWITCHED_ROWS), found
    assert state(generous_server) == before


def test_a_server_that_differs_exits_1_and_says_what_it_did(start_server, tmp_path):
    users = tmp_path / "users.json"
    users.write_text(json.dumps({USERNAME: PASSWORD}), encoding="utf-8")
    served = start_server("--users", users, "--log-level", "warning")
    result = run_verify(served.url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdicts(result.stdout)["credentials"] == (
        "differs: without Authorization: 401; an account that does not exist: 401")


def test_credentials_never_reach_the_output_or_the_report(shared_servers, tmp_path):
    """The server echoes them in an error, and the URL carries them: the output shows neither."""
    served = shared_servers()  # the module's `server`
    fault = {"method": "GET", "path": "/api/v1/filters", "status": 500, "times": None,
             "error": f"refused {USERNAME} with {PASSWORD} ({SECRETS[2]})"}
    assert served.admin("POST", "faults", json=fault).status_code == 201
    report = tmp_path / "report.json"
    url = served.url.replace("http://", f"http://{USERNAME}:{PASSWORD}@")
    result = subprocess.run([sys.executable, "-m", "mls_mock", "verify", url, "--report", str(report)],
                            capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdicts(result.stdout)["filter-type"].startswith("differs: ") and "***" in result.stdout
    shown = result.stdout + result.stderr + report.read_text(encoding="utf-8")
    assert not [secret for secret in SECRETS if secret in shown]
    assert json.loads(report.read_text(encoding="utf-8"))["url"] == served.url


def test_a_probe_that_writes_in_a_read_only_run_is_stopped_before_the_server(server, monkeypatch, capsys):
    """Enforced at the transport, not by the probes' discipline."""
    def careless(t):
        t.experiments.create_experiment(name="should-never-arrive")
        return "wrote"

    monkeypatch.setitem(verify_registry.load_probes(), "filter-type", careless)
    seed_for_verify(server)
    server.admin("DELETE", "calls")
    assert main(["verify", server.url, "--username", USERNAME, "--password", PASSWORD]) == 0
    line = verdicts(capsys.readouterr().out)["filter-type"]
    assert line.startswith("not checked (its probe tried to write") and "--allow-writes" in line
    assert journal_methods(server) <= READS


@pytest.mark.parametrize("failure", [RuntimeError("the probe broke"), verify_registry.Differs("server differed")])
def test_what_a_failing_probe_created_is_deleted_children_first(server, monkeypatch, capsys, failure):
    def midway(t):
        flt = t.filters.create_filter(name=t.name("f"), conditions=[{"key": "age", "operator": ">=", "value": 1}])
        experiment = t.experiments.create_experiment(name=t.name("e"), model_filter=flt)
        t.experiments.create_bucket(experiment=experiment, name=t.name("b"), prediction_type="empty")
        t.channels.create_channel(name=t.name("c"), experiments=[experiment])
        raise failure

    monkeypatch.setitem(verify_registry.load_probes(), "create-status", midway)
    seed_for_verify(server)
    before = state(server)
    main(["verify", server.url, "--username", USERNAME, "--password", PASSWORD, "--allow-writes"])
    line = verdicts(capsys.readouterr().out)["create-status"]
    assert line.startswith("not checked (the probe failed" if isinstance(failure, RuntimeError) else "differs: ")
    assert state(server) == before


# (constant, a value the fake does not use, the row whose probe must then see the fake differ)
CHANGED_CONSTANTS = [
    ("PAGE_SIZE", 7, "paging"),
    ("ACCEPT_ANY_CREDENTIALS", False, "credentials"),
    ("DEFAULT_TIMEZONE", datetime.timezone(datetime.timedelta(hours=9)), "timestamps"),
    ("MAX_NAME_LENGTH", 100, "names"),
    ("MISSING_DESCRIPTION", "", "missing-description"),
    ("DELETE_RESULTS", {}, "delete-response"),
    ("BUCKET_SLOTS", 1000, "bucket-range"),
    ("MODEL_TYPE_FOR_PREDICTION", {"batch": "automl", "online": "manual", "automl": "automl"},
     "model-type-for-prediction"),
    ("MAX_BODY_BYTES", 1000, "bodies"),
    ("MAX_JSON_DEPTH", 10, "json-depth"),
    ("MAX_ID", 10**6, "id-range"),
    ("CONVERSION_STATUS", 201, "conversion-answer"),
    ("GRAPH_ADD_STATUS", 200, "graph-answers"),
]


def test_what_cannot_be_deleted_is_named_and_fails_the_run(shared_servers, verify_in_process):
    served = shared_servers()  # the module's `server`
    seed_for_verify(served)
    fault = {"method": "DELETE", "path": "/api/v1/filters/*", "status": 503, "times": None, "error": "read-only"}
    assert served.admin("POST", "faults", json=fault).status_code == 201
    result = verify_in_process(served.url, "--allow-writes")
    assert result.returncode == 1, result.stdout + result.stderr
    left = [line for line in result.stdout.splitlines() if line.startswith("left on the server")]
    created = [f for f in served.admin("GET", "state").json()["results"]["filters"] if f["name"].startswith("mlsmock-")]
    assert len(left) == len(created) > 0
    assert all("DELETE answered 503" in line and "read-only" in line for line in left)


def test_expectations_follow_the_constants_and_each_probe_can_see_a_difference(server, monkeypatch, capsys,
                                                                                tmp_path):
    """Verify run in-process with constants the served fake does not share: each probe built
    on one reports `differs`, and what the server accepted meanwhile is deleted."""
    seed_for_verify(server)
    before = state(server)
    expected_before = {a.id: a.expectation() for a in ASSUMPTIONS}
    for name, value, _ in CHANGED_CONSTANTS:
        monkeypatch.setattr(assumptions, name, value)
    report = tmp_path / "report.json"
    status = main(["verify", server.url, "--username", USERNAME, "--password", PASSWORD, "--allow-writes",
                   "--report", str(report), "--apikey", APIKEY, *RUNTIME])
    found = verdicts(capsys.readouterr().out)
    assert status == 1
    assert [row for _, _, row in CHANGED_CONSTANTS if not found[row].startswith("differs: ")] == []
    assert found["paging"].startswith("differs: experiments?page=1 gave 50 records")
    rows = {row["id"]: row for row in json.loads(report.read_text(encoding="utf-8"))["rows"]}
    assert [row for _, _, row in CHANGED_CONSTANTS if rows[row]["expected"] == expected_before[row]] == []
    assert "the N-th slice of 7" in rows["paging"]["expected"]
    assert state(server) == before


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("argv, message", [
    (["http://127.0.0.1:1"], "needs --username and --password"),
    (["ftp://127.0.0.1", "--username", "u", "--password", "p"], "must be http:// or https://"),
    (["http://127.0.0.1:{port}", "--username", "u", "--password", "p"], "cannot reach http://127.0.0.1:"),
    (["http://127.0.0.1:1", "--username", "u", "--password", "p", "--report", "/no/such/dir/r.json"],
     "no such directory"),
])
def test_usage_errors_exit_2_before_any_probe(monkeypatch, capsys, argv, message):
    for name in ("MLS_USERNAME", "MLS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    argv = [arg.format(port=_closed_port()) for arg in argv]
    assert main(["verify", *argv]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_refused_credentials_exit_2_naming_the_url_not_the_password(start_server, tmp_path, capsys):
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"someone-else": "other"}), encoding="utf-8")
    served = start_server("--users", users, "--log-level", "warning")
    assert main(["verify", served.url, "--username", USERNAME, "--password", PASSWORD]) == 2
    err = capsys.readouterr().err
    assert f"{served.url} refused the account" in err and PASSWORD not in err


def test_without_sktmls_it_says_how_to_install_it(monkeypatch, capsys):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *rest: None if name == "sktmls" else
                        find_spec(name, *rest))
    assert main(["verify", "http://127.0.0.1:1", "--username", "u", "--password", "p"]) == 2
    assert "pip install --no-deps sktmls" in capsys.readouterr().err

"""From outside, as a user of the document would: schemathesis (its CLI, every phase, every
check) reads /openapi.json from a real `mls-mock serve` subprocess with `--users`,
`--admin-token` and `--state`, and sends what it generates over loopback: the MLS API, the
admin API and the document, and the runtime APIs (/rec, /pf, /ct as a seeded client with its
`apikey`, /graph), each run against a server of its own. The document must
describe that server exactly: no request it calls valid refused, none it calls invalid
accepted, no status, header, content type or body it does not list, auth never ignored, an
unlisted method answered 405 with `Allow`.

The one failure dropped is a valid-looking body refused for a rule JSON Schema cannot state
and the document declares in words for that operation (`schemathesis_hooks.py`); each drop
is counted and printed.
"""
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mls_mock.hosts import is_runtime
from support import THOROUGH, sized

USER, PASSWORD, TOKEN = "st-user", "st-password", "st-admin-token"
HOOKS = Path(__file__).with_name("schemathesis_hooks.py")
# What a run costs grows with the operations and their schemas, and the kinds keep coming. The
# coverage phase (every boundary of every schema, whatever --max-examples says) was 1,336
# requests and 55 s of the MLS API's run with five kinds, and 1,483 requests and 75 s of the
# admin run on /_mock/seed and /_mock/state alone, whose seed document holds every kind's seed
# schema inline: with three times the kinds the default run would triple. So the default run
# sends every MLS API operation a share of a fixed budget of fuzzed requests (at least 2,
# as before; the admin operations 2), runs the coverage phase only on the admin operations whose schemas do not grow
# with the kinds, and leaves the rest of the coverage phase to the thorough run (every phase,
# every operation, 8 examples each). Per-field validation of every resource body is also
# checked in-process by tests/breaking/test_bad_bodies.py, generated from the same schemas.
FUZZ_BUDGET = 160  # fuzzed requests per default run, shared by its operations
MIN_EXAMPLES, THOROUGH_EXAMPLES = 2, 8
GROWS_WITH_KINDS = "^/_mock/(seed|state)$"  # bodies holding every kind's seed schema
SEED = 20261129  # the same requests every run
RUN_TIMEOUT = 300
# The admin API replaces the world the MLS API is tested on (reset, state, seed) and its
# faults answer /api/ requests with their own status (as the document says): it gets a
# server of its own. Schemathesis leaves out the document's own route unless it is named.
RUNS = {
    "mls-api": ["--include-path-regex", "^/api/", "--exclude-tag", "unfaked",  # 501 by design
                "--phases", sized("examples,fuzzing,stateful", "examples,coverage,fuzzing,stateful")],
    # The link from a fault's POST to its DELETE is the only one: the stateful phase adds little.
    "admin-and-document": ["--include-path-regex", "^/_mock/", "--include-path", "/openapi.json",
                           "--phases", "examples,coverage,fuzzing"],
    # The runtime APIs (recommendation, profile, conversion tracking, graph), as the seeded client
    # `RUNTIME_CLIENT` with its apikey (the keyed ones' path names that client; see _config).
    "runtime-apis": ["--include-path-regex", "^/(rec|pf|ct|graph)/",
                     "--phases", sized("examples,fuzzing,stateful", "examples,coverage,fuzzing,stateful")],
}
# A client of the demo seed: the keyed runtime APIs are called as it, its key in the apikey header.
RUNTIME_CLIENT = "tworld_app_reco"
RUNTIME_APIKEY = "TW7Q2K9XR4M1ZP8D3N6B0C5V2H7J9L4F1S8G3A6E"
KEYED = "^/(rec|pf|ct)/"


def max_examples(document: dict, run: str) -> int:
    """Examples per operation and phase: for the MLS API, the budget shared by its operations;
    the admin operations (which do not grow with the kinds) get the minimum."""
    if THOROUGH:
        return THOROUGH_EXAMPLES
    if run == "admin-and-document":
        return MIN_EXAMPLES
    operations = [(path, method) for path, item in document["paths"].items() for method in item
                  if _in_run(path, run) and "unfaked" not in item[method].get("tags", ())]
    return max(MIN_EXAMPLES, FUZZ_BUDGET // max(len(operations), 1))


# Checks that must have run (and passed) in every run: a run that skipped them proves nothing.
ALWAYS_RUN = {"not_a_server_error", "status_code_conformance", "content_type_conformance",
              "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
              "positive_data_acceptance", "unsupported_method", "allow_header_conformance", "ignored_auth"}


def _in_run(path: str, run: str) -> bool:
    if run == "runtime-apis":
        return is_runtime(path)
    return path.startswith("/api/") == (run == "mls-api") and not is_runtime(path)


def _config(path: Path) -> Path:
    trimmed = "" if THOROUGH else (f'[[operations]]\ninclude-path-regex = "{GROWS_WITH_KINDS}"\n'
                                   f'phases.coverage.enabled = false\n')
    # The keyed runtime APIs name their client in the path: always the one whose key is sent.
    keyed = (f'[[operations]]\ninclude-path-regex = "{KEYED}"\n'
             f'parameters = {{ "path.client_id" = "{RUNTIME_CLIENT}", "path.client_name" = "{RUNTIME_CLIENT}" }}\n')
    path.write_text(f'[auth.openapi.basicAuth]\nusername = "{USER}"\npassword = "{PASSWORD}"\n'
                    f'[auth.openapi.adminBearer]\nbearer = "{TOKEN}"\n'
                    f'[auth.openapi.adminHeader]\napi_key = "{TOKEN}"\n'
                    f'[auth.openapi.clientApiKey]\napi_key = "{RUNTIME_APIKEY}"\n' + trimmed + keyed,
                    encoding="utf-8")
    return path


def _results(report: Path):
    """(failures as readable lines, check name -> runs, operation label -> statuses seen)."""
    failures, checks, statuses = [], collections.Counter(), collections.defaultdict(set)
    for line in report.read_text(encoding="utf-8").splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if event is None:
            continue
        recorder = event["recorder"]
        for case_id, results in recorder.get("checks", {}).items():
            case = recorder["cases"][case_id]["value"]
            response = recorder["interactions"].get(case_id, {}).get("response") or {}
            label = f"{case['method']} {case['path']}"
            if response:
                statuses[label].add(response["status_code"])
            for result in results:
                checks[result["name"]] += 1
                if result["status"] == "failure":
                    failure = result.get("failure_info", {}).get("failure", {})
                    failures.append(f"{event['phase']}: {label}: {result['name']}: {response.get('status_code')}: "
                                    f"{failure.get('title')}: {failure.get('message', '')[:300]!r}; "
                                    f"query={json.dumps(case.get('query'))[:200]} body={json.dumps(case.get('body'))[:300]}")
    return failures, checks, statuses


@pytest.mark.parametrize("run", RUNS)
def test_schemathesis_finds_the_server_as_documented(run, start_server, tmp_path):
    users = tmp_path / "users.json"
    users.write_text(json.dumps({USER: PASSWORD}), encoding="utf-8")
    server = start_server("--users", users, "--admin-token", TOKEN, "--state", tmp_path / "state.db",
                          "--seed", "demo", "--log-level", "warning")
    document = requests.get(f"{server.url}/openapi.json", timeout=10).json()
    report, dropped = tmp_path / "report.ndjson", tmp_path / "dropped.ndjson"
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(_config(tmp_path / "st.toml")),
               "run", f"{server.url}/openapi.json", "--checks", "all", "--max-examples", str(max_examples(document, run)),
               "--seed", str(SEED), "--workers", "1", "--no-color", "--generation-database", "none",
               "--request-timeout", "10", "--report", "ndjson", "--report-ndjson-path", str(report), *RUNS[run]]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS), "MLS_MOCK_DROPPED": str(dropped)}
    finished = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT)

    failures, checks, statuses = _results(report)
    drops = collections.Counter(json.loads(line)["rule"] for line in
                                (dropped.read_text(encoding="utf-8").splitlines() if dropped.exists() else ()))
    print(f"\n{run}: {sum(len(s) for s in statuses.values())} (operation, status) pairs, checks run: {dict(checks)}, "
          f"valid bodies refused by a state rule: {dict(drops)}")
    assert failures == [], "\n".join(failures)
    assert finished.returncode == 0, finished.stdout[-5000:] + finished.stderr[-3000:]
    assert not {name for name in ALWAYS_RUN if not checks[name]}, checks
    tested = {label for label in statuses if label.partition(" ")[0] in ("GET", "POST", "PUT", "PATCH", "DELETE")}
    documented = {f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
                  if _in_run(path, run) and "unfaked" not in item[method]["tags"]}
    assert documented <= tested, documented - tested
    # A 409 is data that got through validation to a state rule (a name taken; with the demo's graph,
    # a vertex or edge schema its instances use cannot be deleted).
    succeeded = {label for label in documented
                 if any(200 <= status < 300 or status == 409 for status in statuses[label])}
    if run == "runtime-apis":
        # The apikey worked: every operation was answered past authentication at least once. Most
        # paths name a profile, user, item, vertex or edge that generated text rarely hits (404),
        # so fewer succeed: a third.
        assert {label for label in documented if statuses[label] - {401}} == documented, statuses
        assert len(succeeded) >= len(documented) // 3, sorted(documented - succeeded)
    else:
        # The credentials worked and generated data got through: most operations succeeded at least once.
        assert len(succeeded) >= len(documented) * 2 // 3, sorted(documented - succeeded)


def test_a_failure_in_the_report_is_found(tmp_path):
    """The report reader sees a failed check (else the test above could never fail)."""
    case = {"method": "POST", "path": "/api/v1/channels", "body": {"screen_id": "a\u0001"}}
    event = {"ScenarioFinished": {"phase": "fuzzing", "recorder": {
        "cases": {"c1": {"value": case}},
        "interactions": {"c1": {"response": {"status_code": 400}}},
        "checks": {"c1": [{"name": "not_a_server_error", "status": "success"},
                          {"name": "positive_data_acceptance", "status": "failure",
                           "failure_info": {"failure": {"title": "Schema-valid request rejected", "message": "m"}}}]}}}}
    report = tmp_path / "report.ndjson"
    report.write_text(json.dumps({"Initialize": {}}) + "\n" + json.dumps(event) + "\n", encoding="utf-8")
    failures, checks, statuses = _results(report)
    assert len(failures) == 1 and "POST /api/v1/channels: positive_data_acceptance: 400" in failures[0]
    assert checks == {"not_a_server_error": 1, "positive_data_acceptance": 1}
    assert statuses == {"POST /api/v1/channels": {400}}


@pytest.mark.parametrize("path, body_schema, error, dropped", [
    ("/api/v1/channels", "ChannelBody", "experiments[0]: experiment 2 does not exist", True),
    ("/api/v1/channels", "ChannelBody", "screen_id: must not contain control characters", False),
    ("/api/v1/filters", "FilterBody", "body.conditions[0].key: filter 2 does not exist", False),  # no such rule there
    ("/api/v1/bucket_migrations", "BucketMigrationBody",
     "migration_request.batch_model_id: model 4 is automl, a batch bucket needs a manual model", True),
    ("/api/v1/experiments/1/bucket_ratio", "BucketRatioBody", "bucket_ratio: shares must add up to 100, not 7", True),
    ("/_mock/seed", "SeedRequest", "POST /_mock/seed: filters[1] (id 3): filter id 3 already exists", True),
    ("/_mock/seed", "SeedRequest", "POST /_mock/seed: models[0]: version: must not contain control characters", False),
])
def test_the_hook_drops_only_the_declared_state_rules(path, body_schema, error, dropped):
    from types import SimpleNamespace

    from schemathesis.core.hooks import load_from_path
    from schemathesis.hooks import get_all_by_name
    from schemathesis.openapi.checks import RejectedPositiveData

    load_from_path(str(HOOKS))
    [keep] = [hook for hook in get_all_by_name("filter_failure") if hook.__module__ == "_schemathesis_hooks"]
    body = {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body_schema}"}}}}
    raw = {"paths": {path: {"post": {"requestBody": body}}}}
    operation = SimpleNamespace(schema=SimpleNamespace(raw_schema=raw), path=path, method="post", label=f"POST {path}")
    case = SimpleNamespace(operation=operation)
    response = SimpleNamespace(status_code=400, content=json.dumps({"code": 400, "error": error, "results": None}))
    failure = RejectedPositiveData(operation=operation.label, message="m", status_code=400, allowed_statuses=["2xx"])
    assert keep(None, failure, case, response) is not dropped

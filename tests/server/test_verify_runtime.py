"""`mls-mock verify` on the runtime APIs, unit by unit: a probe says `differs` when the API
answers otherwise (a tiny stub standing in for the conversion tracking API), and each row
names the option that would let it run when one is missing."""
import json

import pytest

from mls_mock import verify_registry
from mls_mock.cli import main
from support import stub_http_server
from test_verify import APIKEY, PASSWORD, USERNAME, seed_for_verify, verdicts


@pytest.fixture
def stub():
    """Stands in for the conversion tracking API: accepts every conversion, whatever its type
    or body, with 201 and text/plain. (its /ct URL, the paths it was sent)"""
    body = json.dumps({"code": 201, "error": None, "results": {"ok": True}}).encode()
    with stub_http_server(201, body, {"Content-Type": "text/plain"}) as (url, received):
        yield f"{url}/ct", received


def run(capsys, url: str, *flags: str) -> tuple[int, dict, str]:
    capsys.readouterr()
    status = main(["verify", url, "--username", USERNAME, "--password", PASSWORD, *flags])
    out = capsys.readouterr().out
    return status, verdicts(out), out


def test_a_conversion_api_that_accepts_everything_differs(server, stub, capsys):
    stub_url, _ = stub
    seed_for_verify(server)
    status, found, out = run(capsys, server.url, "--ct-url", stub_url, "--client-id", "tworld_app_reco",
                             "--apikey", APIKEY)
    assert status == 1
    assert found["conversion-request"].startswith("differs: type bogus_type: 201")
    assert found["conversion-answer"] == "differs: POST /v1/tworld_app_reco/click -> 201 '{\"code\": 201, " \
        "\"error\": null, \"results\": {\"ok\": true}}', results {'ok': True}, text/plain"
    # runtime-mode also needs the graph API; the others name the URL option their API needs
    assert found["runtime-mode"].startswith("not checked (needs --graph-url")
    assert found["rec-bodies"].startswith("not checked (needs --rec-url")
    assert found["profile-api-mode"].startswith("not checked (needs --pf-url")
    assert APIKEY not in out


def test_each_runtime_row_names_the_option_it_lacks(server, capsys):
    seed_for_verify(server)
    status, found, _ = run(capsys, server.url, "--runtime-from-url")
    assert status == 0
    assert found["conversion-answer"].startswith("not checked (needs --client-id and --apikey")
    status, found, _ = run(capsys, server.url, "--runtime-from-url", "--client-id", "tworld_app_reco",
                           "--apikey", APIKEY)
    assert status == 0
    assert found["conversion-answer"] == "held" and found["profile-api-mode"] == "held"
    assert found["rec-answer-shape"].startswith("not checked (needs --channel")
    assert found["profile-api-main-table"].startswith("not checked (needs --profile-id")
    status, found, _ = run(capsys, server.url, "--runtime-from-url", "--client-id", "tworld_app_reco",
                           "--apikey", APIKEY, "--profile-id", "tworld_user_profile")
    assert found["profile-api-main-table"] == "held"
    assert found["profile-api-answer"].startswith("not checked (needs --user-id")


def test_a_wrong_apikey_makes_the_runtime_rows_differ_not_break(server, capsys):
    seed_for_verify(server)
    status, found, out = run(capsys, server.url, "--runtime-from-url", "--client-id", "tworld_app_reco",
                             "--apikey", "X" * 40)
    assert status == 1
    assert found["conversion-answer"].startswith("differs: POST /v1/tworld_app_reco/click -> 401")
    assert "X" * 40 not in out


def test_a_runtime_url_must_be_http(capsys):
    assert main(["verify", "http://127.0.0.1:9", "--username", USERNAME, "--password", PASSWORD,
                 "--ct-url", "ftp://x"]) == 2
    assert "--ct-url: not an http:// or https:// URL" in capsys.readouterr().err


def test_a_runtime_write_in_a_read_only_run_is_stopped_before_another_host(server, stub, monkeypatch, capsys):
    """Enforced at the transport for the runtime APIs' own hosts too, not by the probes' discipline."""
    def careless(t):
        import requests

        requests.post(t.runtime.url("MLS_GRAPH_API_URL") + "/v1/vertices", json={"id": "x", "label": "y"})
        return "wrote"

    monkeypatch.setitem(verify_registry.load_probes(), "runtime-mode", careless)
    stub_url, received = stub
    seed_for_verify(server)
    _, found, _ = run(capsys, server.url, "--graph-url", stub_url.replace("/ct", "/graph"))
    assert found["runtime-mode"].startswith("not checked (its probe tried to write")
    assert received == []

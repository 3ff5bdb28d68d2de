"""The dashboard's pages over HTTP, without a browser: what every page is answered with
(HTML, a strict Content-Security-Policy, escaped store values), what stays behind the admin
token, and the journal cursor the live traffic view polls (`GET /_mock/calls?since=&limit=`)."""
import json

import pytest

from mls_mock import create_app
from mls_mock.traffic import Fault
from support import WORLD, check_envelope

PAGES = ["/_mock/ui", "/_mock/ui/records", "/_mock/ui/records/channels", "/_mock/ui/records/channels/1",
         "/_mock/ui/traffic", "/_mock/ui/controls"]
AUTH = {"Authorization": "Basic dTpw"}


def check_response(response, status: int) -> dict:
    """The envelope, as JSON, with code == HTTP status (a Flask test response)."""
    assert response.status_code == status and response.content_type == "application/json", response.data[:300]
    return check_envelope(json.loads(response.data), status)


@pytest.fixture
def client():
    app = create_app()
    app.state.store.load(WORLD, "tests")
    return app.test_client()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_html_that_loads_nothing_but_the_fake(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.content_type == "text/html; charset=utf-8"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html and "<script>" not in html  # no CDN, no inline script


def test_every_kind_has_a_table_and_its_records_their_page():
    app = create_app()
    app.state.store.load({"channels": [{"screen_id": "only", "experiments": []}]}, "tests")
    client = app.test_client()
    for kind in app.state.store.resources:
        assert client.get(f"/_mock/ui/records/{kind}?page=2&q=x").status_code == 200, kind
    record = client.get("/_mock/ui/records/channels/1").get_data(as_text=True)
    assert "&#34;screen_id&#34;: &#34;only&#34;" in record  # the API's JSON, escaped


def test_every_record_of_the_demo_seed_has_its_page():
    """Each kind's render (models with their automl parts, DynamoDB items, data status) on a
    page: the JSON the API answers, whatever the kind."""
    app = create_app()
    client = app.test_client()
    check_response(client.post("/_mock/seed", json={"name": "demo"}), 201)
    store = app.state.store
    for kind, resource in store.resources.items():
        for record_id in list(resource.table.rows):
            page = client.get(f"/_mock/ui/records/{kind}/{record_id}")
            assert page.status_code == 200, (kind, record_id, page.data[:300])
            assert f"{resource.kind} {record_id}" in page.get_data(as_text=True)


def test_store_values_are_escaped(client):
    client.application.state.store.create_channel({"screen_id": "<script>alert(1)</script>", "experiments": []}, "u")
    for path in ("/_mock/ui", "/_mock/ui/records/channels", "/_mock/ui/records/channels/3", "/_mock/ui?q=<b>"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<b>" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/_mock/ui/records/channels").get_data(as_text=True)


def test_the_drawing_says_each_share_and_an_unset_ratio(client):
    html = client.get("/_mock/ui").get_data(as_text=True)
    assert "Ratio not set" in html  # WORLD's buckets have no ratio yet
    ratio = client.put("/api/v1/experiments/1/bucket_ratio", json={"bucket_ratio": {"1": 30, "2": 70}}, headers=AUTH)
    assert ratio.status_code == 200
    html = client.get("/_mock/ui").get_data(as_text=True)
    assert 'width="30.0"' in html and 'x="30.0" y="0" width="70.0"' in html and "a 30%, b 70%" in html


def test_a_missing_page_or_record_is_an_html_404_and_bad_paging_a_400(client):
    for path in ("/_mock/ui/records/nothing", "/_mock/ui/records/channels/99"):
        response = client.get(path)
        assert response.status_code == 404 and response.content_type.startswith("text/html"), path
    check_response(client.get("/_mock/ui/static/missing.js"), 404)
    assert "page" in check_response(client.get("/_mock/ui?page=0"), 400)["error"]
    check_response(client.post("/_mock/ui"), 405)


def test_with_an_admin_token_the_pages_of_state_need_it_as_the_admin_api_does():
    app = create_app(admin_token="t0k")
    app.state.store.load(WORLD, "tests")
    client = app.test_client()
    for path in PAGES + ["/_mock/ui/records/channels/99"]:
        locked = client.get(path)
        assert locked.status_code == 401 and "Admin token needed" in locked.get_data(as_text=True), path
        assert "home" not in locked.get_data(as_text=True)
        opened = client.get(path, headers={"X-Admin-Token": "t0k"})
        assert opened.status_code in (200, 404) and "Admin token needed" not in opened.get_data(as_text=True)
    assert client.get("/_mock/ui/static/dashboard.js").status_code == 200  # reveals nothing
    check_response(client.get("/_mock/calls"), 401)


def test_the_journal_cursor_returns_only_what_is_new(client):
    for _ in range(3):
        client.get("/api/v1/channels", headers=AUTH)
    response = client.get("/_mock/calls?since=1")
    assert [call["seq"] for call in check_response(response, 200)["results"]] == [2, 3]
    assert response.headers["X-Journal-Clears"] == "0"
    newest = check_response(client.get("/_mock/calls?since=0&limit=1"), 200)["results"]
    assert [call["seq"] for call in newest] == [3]
    assert newest[0]["response"]["results"][0]["screen_id"] == "home" and newest[0]["response_truncated"] is False
    for bad in ("since=-1", "since=x", "limit=0", "limit=10001", "since=1&since=2"):
        field = bad.partition("=")[0]
        assert check_response(client.get(f"/_mock/calls?{bad}"), 400)["error"].startswith(f"{field}:"), bad
    client.delete("/_mock/calls")
    assert client.get("/_mock/calls?since=3").headers["X-Journal-Clears"] == "1"


def test_the_controls_page_says_what_each_fault_does(client):
    client.application.state.faults.add(Fault("GET", "/rec/*", None, None, 1, delay=0.5))
    client.application.state.faults.add(Fault("POST", "/api/*", 503, "down", None))
    client.application.state.faults.add(Fault("*", "*", 500, None, 1, raises=ConnectionError))

    page = client.get("/_mock/ui/controls").get_data(as_text=True)

    assert "GET /rec/* delayed 0.5 s, 1 more" in page
    assert "POST /api/* → 503 “down”, every time" in page
    assert "* * raises ConnectionError, 1 more" in page
    ids = [f["id"] for f in client.application.state.faults.describe()]
    for fault_id in ids:  # each with its own Remove button
        assert f'<button type="button" class="remove-fault" data-fault-id="{fault_id}"' in page
    client.application.state.faults.remove(ids[1])
    page = client.get("/_mock/ui/controls").get_data(as_text=True)
    assert "POST /api/*" not in page and f'data-fault-id="{ids[1]}"' not in page and "GET /rec/*" in page
    assert "None" not in page


def test_a_page_of_another_site_cannot_change_the_fake(client):
    """A browser sends `Origin` with a cross-site write (a form, or fetch with mode no-cors):
    refused with 403, nothing changed; the dashboard's own writes (same origin) and clients
    that send no Origin pass."""
    before = client.application.state.store.dump()
    for method, path, body in [("POST", "/_mock/reset", None), ("POST", "/_mock/faults", '{"status": 418}'),
                               ("POST", "/graph/v1/vertices", '{"id": "x", "label": "User"}')]:
        answer = client.open(path, method=method, data=body, headers={"Origin": "http://evil.example"})
        assert check_response(answer, 403)["error"].startswith("Origin: 'http://evil.example' is not this server")
    assert client.application.state.store.dump() == before and client.application.state.faults.describe() == []

    same_site = client.post("/_mock/faults", json={"status": 418, "path": "/x"}, headers={"Origin": "http://localhost"})
    assert same_site.status_code == 201
    assert client.post("/_mock/reset").status_code == 200  # curl, scripts, sktmls: no Origin


def test_with_a_token_a_page_reads_nothing_before_the_token_is_checked(monkeypatch):
    app = create_app(admin_token="t0ken")
    client = app.test_client()
    import mls_mock.ui.views as views

    def read(*args, **kwargs):
        raise AssertionError("the store was read for a request the token refuses")

    for name in ("setup", "counts", "table", "record", "faults"):
        monkeypatch.setattr(views, name, read)
    for path in ("/_mock/ui", "/_mock/ui/records", "/_mock/ui/records/channels?q=zz", "/_mock/ui/records/channels/1",
                 "/_mock/ui/controls"):
        assert client.get(path).status_code == 401


def test_no_record_however_large_makes_the_set_up_page_large():
    """1 MB of filter condition on experiments of many channels once rendered an 832 MB page:
    a card draws a bounded share of each record (the record's own page has it whole)."""
    app = create_app()
    store = app.state.store
    huge = {"key": "age", "operator": "==", "value": "<" * 200_000}
    made = store.create("filters", {"name": "huge", "body": {"conditions": [huge] * 3 + [{**huge, "key": "k"}] * 12}})
    experiments = [store.create("experiments", {"name": f"e{n}", "bucketing_seed": "s", "description": "d" * 100_000,
                                                "model_filter_id": made["id"]})["id"] for n in range(14)]
    for n in range(20):
        store.create("channels", {"screen_id": f"c{n}", "experiments": experiments})

    page = app.test_client().get("/_mock/ui").get_data(as_text=True)

    assert len(page) < 2_000_000
    assert "… and 4 more experiments" in page and "… and 5 more (the filter&#39;s page has them all)" in page

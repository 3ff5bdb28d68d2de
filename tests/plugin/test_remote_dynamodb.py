"""What the --mls-url gate does with DynamoDB items: a put item is deleted at cleanup (with
the POST the AB API deletes items with), one the test deleted itself or whose table it
dropped is forgotten."""
import json

import requests

from mls_mock import transport
from mls_mock.remote import RemoteGate

URL = "https://mls.example.com"


def _response(status, results=None):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"code": status, "error": None, "results": results}).encode()
    return response


def _item(request, table, body):
    return {"type": request, "table_name": table, "body": body}


def test_put_items_are_deleted_at_cleanup_and_those_deleted_already_forgotten(monkeypatch):
    sent = []

    def answer(adapter, prepared, **kwargs):
        sent.append((prepared.method, transport.urlsplit(prepared.url).path, json.loads(prepared.body or b"null")))
        return _response(200, None)

    monkeypatch.setattr(transport, "_network_send", answer)
    gate = RemoteGate(URL, "u", "p", allow_writes=True).start()
    try:
        requests.post(URL + "/api/v1/dynamodb", json=_item("put", "scores", {"item_id": "a", "score": 1}))
        requests.post(URL + "/api/v1/dynamodb", json=_item("put", "scores", {"item_id": "b"}))
        requests.post(URL + "/api/v1/dynamodb", json=_item("put", "user-profile-x", {"user_id": "u1", "age": 3}))
        requests.post(URL + "/api/v1/dynamodb", json=_item("put", "other", {"item_id": "c"}))
        requests.post(URL + "/api/v1/dynamodb", json=_item("get", "scores", {"item_id": "a"}))
        requests.post(URL + "/api/v1/dynamodb", json=_item("delete", "scores", {"item_id": "b"}))
        requests.delete(URL + "/api/v1/dynamodb/tables/other")
        assert [repr(c) for c in gate.created] == [
            "dynamodb_item {'item_id': 'a'} of scores",
            "dynamodb_item {'user_id': 'u1'} of user-profile-x",
        ]
    finally:
        gate.stop()

    sent.clear()
    monkeypatch.setattr(requests, "request", lambda method, url, json=None, **kw: (
        sent.append((method, url, json)) or _response(200)))
    deleted, problems = gate.cleanup()

    assert problems == [] and len(deleted) == 2
    assert sorted(sent, key=str) == sorted([
        ("POST", URL + "/api/v1/dynamodb", _item("delete", "scores", {"item_id": "a"})),
        ("POST", URL + "/api/v1/dynamodb", _item("delete", "user-profile-x", {"user_id": "u1"})),
    ], key=str)

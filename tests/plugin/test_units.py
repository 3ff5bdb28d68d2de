"""The plugin's library pieces on their own: what the guard lets through and what the
remote gate records."""
import json
import socket

import pytest
import requests

from mls_mock import transport
from mls_mock.guard import NetworkGuard, RealMLSBlocked
from mls_mock.remote import RemoteGate


def _response(status, results):
    response = requests.Response()
    response.status_code, response._content = status, json.dumps({"code": status, "error": None, "results": results}).encode()
    return response


def test_guard_lets_only_the_chosen_mls_host_through():
    guard = NetworkGuard(allowed=["https://ab.stg.sktmls.com"])
    assert not guard.is_mls_host("ab.stg.sktmls.com")
    assert guard.is_mls_host("AB.sktmls.com.") and guard.is_mls_host("pf.stg.sktmls.ai")
    assert not guard.is_mls_host("example.com")


def test_guards_nest_and_each_undoes_only_its_own_patch():
    original = socket.getaddrinfo
    outer = NetworkGuard().install()
    inner = NetworkGuard(allowed=["http://ab.local.sktmls.com:8000"]).install()
    try:
        with pytest.raises(RealMLSBlocked):
            socket.getaddrinfo("ab.sktmls.com", 443)
        inner.uninstall()
        with pytest.raises(RealMLSBlocked, match="resolving ab.local.sktmls.com"):
            socket.getaddrinfo("ab.local.sktmls.com", 8000)
        assert len(outer.blocked) == 1 and len(inner.blocked) == 1
    finally:
        inner.uninstall()
        outer.uninstall()
    assert socket.getaddrinfo is original


def test_gate_records_creations_under_a_path_prefix_and_forgets_deletions(monkeypatch):
    answers = {"POST /ab/api/v1/experiments/3/buckets": _response(201, {"id": 9}),
               "POST /ab/api/v1/channels": _response(201, {"id": 4}),
               "POST /ab/api/v1/filters": _response(400, None),
               "DELETE /ab/api/v1/experiments/3/buckets/9": _response(200, None)}
    monkeypatch.setattr(transport, "_network_send", lambda adapter, prepared, **kw: answers[
        f"{prepared.method} {transport.urlsplit(prepared.url).path}"])
    gate = RemoteGate("https://mls.example.com/ab/", "u", "p", allow_writes=True).start()
    try:
        for path in ("/api/v1/experiments/3/buckets", "/api/v1/channels", "/api/v1/filters"):
            requests.post("https://mls.example.com/ab" + path, json={})
        assert [(c.kind, c.id, c.path) for c in gate.created] == [
            ("bucket", 9, "/api/v1/experiments/3/buckets/9"), ("channel", 4, "/api/v1/channels/4")]
        requests.delete("https://mls.example.com/ab/api/v1/experiments/3/buckets/9")
        assert [c.path for c in gate.created] == ["/api/v1/channels/4"]
    finally:
        gate.stop()


def test_gate_deletes_models_after_the_buckets_that_serve_them(monkeypatch):
    gate = RemoteGate("https://mls.example.com", "u", "p", allow_writes=True)
    gate._note("POST", "/api/v1/models", _response(201, {"id": 2}))
    gate._note("POST", "/api/v1/experiments/3/buckets", _response(201, {"id": 9}))
    sent = []
    monkeypatch.setattr(requests, "request", lambda method, url, **kw: sent.append((method, url)) or _response(200, None))
    deleted, problems = gate.cleanup()
    assert problems == [] and [repr(c) for c in deleted] == ["bucket 9", "model 2"]
    assert sent == [("DELETE", "https://mls.example.com/api/v1/experiments/3/buckets/9"),
                    ("DELETE", "https://mls.example.com/api/v1/models/2")]

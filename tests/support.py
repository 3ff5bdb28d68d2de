"""What tests in several directories share: the run's size (default or thorough), the
envelope checks and the one hand-built world, so that none is written twice.

`make test` runs every test at the default size, sized for the whole suite to fit the
issue's 90 s on two otherwise idle cores; `make test-thorough` (MLS_MOCK_TESTS=thorough, which .ci/run also
runs) runs the same tests with the example counts, step counts and request counts they
had before they were sized, to find what a short run is unlikely to hit."""
import contextlib
import copy
import http.server
import json
import os
import threading

import pytest

PROFILE = os.environ.get("MLS_MOCK_TESTS", "default")
if PROFILE not in ("default", "thorough"):
    raise pytest.UsageError(f"MLS_MOCK_TESTS={PROFILE!r}: expected 'default' or 'thorough'")
THOROUGH = PROFILE == "thorough"


# Plugins of this venv that the small suites run by pytester never use, left out of those
# runs (in-process and subprocess): their start-up costs more than the inner tests.
# mls_mock's own plugin stays in.
QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:schemathesis", "-p", "no:hypothesispytest", "-p", "no:anyio")


def sized(default: int, thorough: int) -> int:
    """A count (examples, steps, requests, rounds) for this run's profile."""
    return thorough if THOROUGH else default


# The small known world that tests aim requests at, as one seed document (store.load,
# MLSMock(seed=...), POST /_mock/seed): filter 1 "f" (used by experiment 1), models 1 "m"
# (manual) and 2 "auto" (automl), experiments 1 "exp" and 2 "exp2", buckets 1 "a" (batch on
# model 1) and 2 "b" of experiment 1, bucket 3 "c" of experiment 2, channels 1 "home"
# (experiment 1) and 2 "cart" (experiment 2). Experiments and channels belong to "seed".
WORLD = {
    "filters": [{"name": "f", "body": {"conditions": [{"key": "k", "operator": "==", "value": 1}]}}],
    "models": [{"name": "m", "version": "v1", "model_type": "manual"},
               {"name": "auto", "version": "v1", "model_type": "automl"}],
    "experiments": [{"name": "exp", "model_filter_id": 1, "user": "seed"}, {"name": "exp2", "user": "seed"}],
    "buckets": [{"experiment": 1, "name": "a", "prediction_type": "batch", "batch_model_id": 1},
                {"experiment": 1, "name": "b", "prediction_type": "empty"},
                {"experiment": 2, "name": "c", "prediction_type": "empty"}],
    "channels": [{"screen_id": "home", "experiments": [1], "user": "seed"},
                 {"screen_id": "cart", "experiments": [2], "user": "seed"}],
}


def counts_of(**counts: int) -> dict[str, int]:
    """`Store.counts()` (and the health route's `records`) as expected: every registered kind
    (`SEED_KINDS`, so a kind added later needs no edit here) at 0 but those given."""
    from mls_mock.store import SEED_KINDS

    unknown = set(counts) - set(SEED_KINDS)
    assert not unknown, f"not registered kinds: {sorted(unknown)}"
    return {**dict.fromkeys(SEED_KINDS, 0), **counts}


def build_world(store):
    """Add WORLD to an empty store (ids from 1, timestamps from the store's clock); returns
    the store."""
    store.load(copy.deepcopy(WORLD), "tests/support.py WORLD")
    return store


def check_envelope(payload, status: int):
    """`payload` (parsed JSON) is the client's envelope {code, error, results} with code ==
    status: a refusal (status >= 400) carries a message and no results, a success no
    message. Returns the payload."""
    assert isinstance(payload, dict) and set(payload) == {"code", "error", "results"}, payload
    assert payload["code"] == status, payload
    if status >= 400:
        assert isinstance(payload["error"], str) and payload["error"].strip(), payload
        assert payload["results"] is None, payload
    else:
        assert payload["error"] is None, payload
    return payload


def check_response(response, status: int):
    """A `requests` response is the envelope with code == HTTP status == `status`, as JSON
    and nothing else. Returns the payload."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    return check_envelope(json.loads(response.content), status)


def client_error(call, *args, **kwargs):
    """The MLSClientError the real client raises for call(*args, **kwargs)."""
    from sktmls import MLSClientError

    with pytest.raises(MLSClientError) as caught:
        call(*args, **kwargs)
    return caught.value


@contextlib.contextmanager
def stub_http_server(status: int, body: bytes, headers: dict | None = None):
    """A real HTTP server on 127.0.0.1 (a free port) answering every GET and POST with
    `status`, `headers` and `body`: a host the fake does not serve. Yields (its base URL,
    the paths it was sent)."""
    received: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            received.append(self.path)
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()

"""Schemathesis reads the app's own /openapi.json and throws generated requests, valid and
invalid, at every documented operation over WSGI. Whatever it sends: never a 5xx, always
the JSON envelope with code == status, and every response matches the document (status,
content type, headers, body schema); a request the document calls invalid is refused and
one it calls valid accepted (but for the state rules it declares in words, as in
tests/server/test_openapi_schemathesis.py, which runs every check from outside). The app
runs with exceptions propagated, so a bug in the fake fails here with its traceback
instead of hiding behind a 500."""
import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.hooks import load_from_path
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               positive_data_acceptance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from mls_mock import create_app

from breaking_support import AUTH, BREAKING, sized, tally
from support import THOROUGH, build_world

APP = create_app(propagate_exceptions=True)
STORE = APP.state.store
# Routes the fake does not serve yet answer 501 by design (tests/contract/test_client_routes.py).
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP).exclude(tag="unfaked")
# The test sends the credentials itself (below), so a case generated without them would get
# them back and be accepted: credentials are not generated.
schema.config.generation.update(with_security_parameters=False)
# The coverage phase (every boundary of every schema, as explicit examples) is built when this
# module is collected, in every xdist worker (~5 s each), and runs in full in
# tests/server/test_openapi_schemathesis.py against the served fake: by default it is left to
# that test, and the thorough run keeps it here too.
schema.config.phases.update(phases=["examples", "fuzzing", "coverage"] if THOROUGH else ["examples", "fuzzing"])
load_from_path(str(Path(__file__).parents[1] / "server" / "schemathesis_hooks.py"))  # the declared state rules


def seed_world():
    """Records for generated ids to hit now and then: tests/support.py's WORLD and a third
    experiment and channel (ids 1-3 of experiments, buckets and channels)."""
    STORE.reset()
    build_world(STORE)
    STORE.create_experiment({"name": "exp3"}, "seed")
    STORE.create_channel({"screen_id": "ch3", "experiments": [3]}, "seed")


def envelope(ctx, response, case):
    """Every body is the client's envelope: JSON, code == status, an error iff status >= 400.
    /openapi.json itself is the one non-envelope document."""
    if case.path == "/openapi.json":
        return None
    payload = json.loads(response.content)
    assert set(payload) == {"code", "error", "results"}, payload
    assert payload["code"] == response.status_code
    if response.status_code >= 400:
        assert isinstance(payload["error"], str) and payload["error"], payload
    else:
        assert payload["error"] is None, payload
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection, positive_data_acceptance, envelope]


@pytest.fixture(autouse=True, scope="module")
def world():
    seed_world()


@schema.parametrize()
@settings(BREAKING, max_examples=sized(12, 60))
def test_every_operation_survives_generated_requests(case):
    headers = None if case.path.startswith("/_mock") else AUTH
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    if case.path in ("/_mock/reset", "/_mock/seed", "/_mock/state") and case.method.upper() in ("POST", "PUT", "DELETE"):
        seed_world()  # a wiped or replaced store would leave nothing for the next operations to find
    # A fault answers /api/ requests with its own status, outside the document (as it says).
    APP.state.faults.clear()
    tally("schemathesis requests (generated from /openapi.json)")
    assert response.status_code < 500

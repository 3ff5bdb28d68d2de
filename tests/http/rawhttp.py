"""What the raw-HTTP tests share: where the fake answers, credentials, the envelope check."""
import base64
import json

BASE = "https://ab.stg.sktmls.com"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"mls-test:pw").decode()}


def assert_envelope(response, status: int):
    """The client's envelope, with code == HTTP status, as JSON and nothing else."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    payload = json.loads(response.content)
    assert set(payload) == {"code", "error", "results"}
    assert payload["code"] == status
    if status >= 400:
        assert isinstance(payload["error"], str) and payload["error"]
        assert payload["results"] is None
    else:
        assert payload["error"] is None
    return payload

"""What the raw-HTTP tests share: where the fake answers, credentials, the envelope check."""
import base64

from support import check_response as assert_envelope  # noqa: F401  (the tests' name for it)

BASE = "https://ab.stg.sktmls.com"
AUTH = {"Authorization": "Basic " + base64.b64encode(b"mls-test:pw").decode()}

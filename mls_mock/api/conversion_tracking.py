"""The conversion tracking API (`/ct`): one route. The caller's apikey is checked by the
pipeline; a conversion is validated and journaled, never stored."""

from .. import assumptions, conversions
from ..errors import FieldError
from ..route import Routes
from ..wire import body, choice, required

routes = Routes()
MODE = choice(*assumptions.RUNTIME_MODES)


@routes(
    "POST",
    "/ct/v1/<client_id>/<conversion_type>",
    status=assumptions.CONVERSION_STATUS,
    query={"mode": required(MODE)},
    closed_query=True,
    body="ConversionBody",
    summary=f"Track a conversion (`conversion_type`: {', '.join(assumptions.CONVERSION_TYPES)}); "
    "journaled, never stored",
    results={"type": "null"},
    refusals={401: "no `apikey` header, or not the key of the registered client the path names"},
    schemas={"ConversionBody": conversions.BODY_SCHEMA},
)
def track_conversion(req, client_id, conversion_type, mode=None):
    if mode is None:  # the client sends it with every call: "모든 호출은 테스트용 호출로 처리됩니다"
        raise FieldError("mode", f"is required: {', '.join(assumptions.RUNTIME_MODES)}")
    conversions.check(conversion_type, body(req))
    return assumptions.CONVERSION_RESULTS

"""The conversion tracking API (`/ct`): one route. The caller's apikey is checked by the
pipeline; a conversion is validated and journaled, never stored."""

from .. import assumptions, conversions
from ..route import Routes
from ..wire import body, choice

routes = Routes()
MODE = choice(*assumptions.RUNTIME_MODES)


@routes(
    "POST",
    "/ct/v1/<client_id>/<conversion_type>",
    status=assumptions.CONVERSION_STATUS,
    query={"mode": MODE},
    body="ConversionBody",
    summary=f"Track a conversion (`conversion_type`: {', '.join(assumptions.CONVERSION_TYPES)}); "
    "journaled, never stored",
    results={"type": "null"},
    refusals={401: "no `apikey` header, or not the key of the registered client the path names"},
    schemas={"ConversionBody": conversions.BODY_SCHEMA},
)
def track_conversion(req, client_id, conversion_type, **query):
    conversions.check(conversion_type, body(req))
    return assumptions.CONVERSION_RESULTS

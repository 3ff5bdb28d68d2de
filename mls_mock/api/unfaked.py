"""AB API routes the sktmls client calls that the fake does not serve yet.

Each answers 501 in the envelope, through the same routing and pipeline as every route
(Basic auth, faults and the journal apply). A route leaves this table when its resource is
faked. `tests/contract/test_client_routes.py` walks the installed client's source and fails
when a route it calls is neither served nor listed here.
"""

from ..errors import NotFaked
from ..route import Route

NOT_FAKED = (
    ("GET", "/clients"),
    ("POST", "/clients"),
    ("DELETE", "/clients/<int:id>"),
    ("GET", "/components"),
    ("POST", "/components"),
    ("GET", "/components/<int:id>"),
    ("PUT", "/components/<int:id>"),
    ("DELETE", "/components/<int:id>"),
    ("GET", "/data_status/batch"),
    ("GET", "/data_status/dynamodb"),
    ("GET", "/data_status/s3"),
    ("GET", "/datasets"),
    ("POST", "/datasets"),
    ("DELETE", "/datasets/<int:id>"),
    ("GET", "/datasets/<int:id>/columns"),
    ("PUT", "/datasets/<int:id>/columnspecs"),
    ("GET", "/dimensions"),
    ("POST", "/dimensions"),
    ("PUT", "/dimensions/<int:id>"),
    ("DELETE", "/dimensions/<int:id>"),
    ("POST", "/dynamodb"),
    ("DELETE", "/dynamodb/tables/<table>"),
    ("GET", "/dynamodb/tables/<table>/is_active"),
    ("GET", "/dynamodb/tables/<table>/is_loading"),
    ("GET", "/edges"),
    ("POST", "/edges"),
    ("PUT", "/edges/<int:id>"),
    ("DELETE", "/edges/<int:id>"),
    ("GET", "/meta_tables"),
    ("POST", "/meta_tables"),
    ("PUT", "/meta_tables/<int:id>"),
    ("DELETE", "/meta_tables/<int:id>"),
    ("POST", "/meta_tables/<int:id>/bulk"),
    ("GET", "/meta_tables/<int:id>/meta_items"),
    ("POST", "/meta_tables/<int:id>/meta_items"),
    ("PUT", "/meta_tables/<int:id>/meta_items/<int:item_id>"),
    ("DELETE", "/meta_tables/<int:id>/meta_items/<int:item_id>"),
    ("GET", "/ml_feature_groups"),
    ("GET", "/ml_features"),
    ("POST", "/ml_features"),
    ("PUT", "/ml_features/<int:id>"),
    ("DELETE", "/ml_features/<int:id>"),
    ("GET", "/model_registry/artifacts/info"),
    ("POST", "/models"),
    ("PUT", "/models/<int:model_id>"),
    ("DELETE", "/models/<int:model_id>"),
    ("GET", "/models/<int:model_id>/automl_model_server"),
    ("POST", "/models/<int:model_id>/automl_model_server"),
    ("DELETE", "/models/<int:model_id>/automl_model_server"),
    ("GET", "/models/<int:model_id>/automl_online_prediction"),
    ("POST", "/models/<int:model_id>/automl_online_prediction"),
    ("POST", "/models/<int:model_id>/predictions"),
    ("GET", "/profile"),
    ("POST", "/profile"),
    ("PUT", "/profile/<int:id>"),
    ("DELETE", "/profile/<int:id>"),
    ("GET", "/vertices"),
    ("POST", "/vertices"),
    ("PUT", "/vertices/<int:id>"),
    ("DELETE", "/vertices/<int:id>"),
)


def not_faked(req, **_path_params):
    raise NotFaked(f"mls-mock does not fake {req.method} {req.path} yet")


def _endpoint(method: str, rule: str) -> str:
    words = [part for part in rule.replace("<int:", "<").split("/") if part]
    return "_".join([method.lower()] + [w.strip("<>") for w in words])


def unfaked_routes(table) -> list[Route]:
    """A 501 route for each (method, rule under /api/v1) of `table`: what a route the client
    calls and the fake does not serve answers (the mechanism stays when the table is empty)."""
    return [
        Route(
            method,
            "/api/v1" + rule,
            not_faked,
            status=501,
            tag="unfaked",
            name=_endpoint(method, rule),
            summary="Called by the sktmls client, not faked yet: always 501 with the error envelope",
            results={"type": "null"},
            saves=False,
            refusals={501: "mls-mock does not fake this route yet"},
        )
        for method, rule in table
    ]


routes = unfaked_routes(NOT_FAKED)

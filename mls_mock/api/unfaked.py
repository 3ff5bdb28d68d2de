"""AB API routes the sktmls client calls that the fake does not serve yet.

Each answers 501 in the envelope, through the same routing and pipeline as every route
(Basic auth, faults and the journal apply). A route leaves this table when its resource is
faked. `tests/contract/test_client_routes.py` walks the installed client's source and fails
when a route it calls is neither served nor listed here.
"""

from ..errors import NotFaked
from ..route import Route

# Empty: every route of the installed client is served. A route a newer sktmls calls goes
# here until it is faked, so that it answers 501 rather than a 404 the client would misread.
NOT_FAKED: tuple[tuple[str, str], ...] = ()


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

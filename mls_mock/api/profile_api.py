"""MLS's profile API (`MLSProfileAPIClient`), served under /pf: a user's, an item's or an id's
values in a profile (profile_data.py says what is served), and the /_mock/ route that sets
them. The caller's client id and `apikey` are checked by the pipeline."""

from .. import assumptions
from .. import validation as v
from ..errors import FieldError
from ..openapi_schemas import NAME, nullable, obj
from ..profile_data import KINDS, served
from ..route import Routes
from ..store.schema import URL_NAME
from ..wire import body, choice, repeated, required

routes = Routes()
PROFILE = "/pf/v1/<client_id>/profiles/<profile_id>"


def key_name(value: str, field: str) -> str:
    """A key `f` asks for: a name (non-empty, one line, bounded)."""
    return v.name({field: value}, field)


key_name.schema = NAME  # type: ignore[attr-defined]

QUERY = {"f": repeated(key_name), "mode": choice(*assumptions.PROFILE_MODES)}
VALUES = {
    "type": "object",
    "description": "the target's values: every key of its items in the profile's tables (the left table winning), "
    "or with `f` exactly those keys, in that order (null: no table holds it)",
}
REFUSALS = {
    401: "no `apikey` header, or not the key of the client in the path "
    "(the client `mls-mms` needs none when sent, as from MMS, without `mode`)",
    404: "no such profile, a profile of another kind, or the main table holds no item for the target",
    413: f"the body is larger than {assumptions.MAX_BODY_BYTES} bytes",
}


def form(summary: str, **declared) -> dict:
    """What the three forms declare alike: the query, the answer and the refusals."""
    # closed: sktmls sends no other parameter (README: runtime API query parameters and body keys)
    return {
        "query": QUERY,
        "results": VALUES,
        "refusals": REFUSALS,
        "summary": summary,
        "closed_query": True,
        **declared,
    }


@routes(
    "GET",
    PROFILE + "/users/<user_id>",
    **form("A user's values in a `user-profile` profile (`f`: the keys to answer, repeated)"),
)
def get_user_profile(req, client_id, profile_id, user_id, f=None, mode=None):
    return served(req.store, profile_id, "user", user_id, f)


@routes(
    "GET",
    PROFILE + "/items/<item_id>",
    **form("An item's values in an `item-profile` profile (`f`: the keys to answer, repeated)"),
)
def get_item_profile(req, client_id, profile_id, item_id, f=None, mode=None):
    return served(req.store, profile_id, "item", item_id, f)


def target(value: str, field: str) -> str:
    if not value:
        raise FieldError(field, "must not be empty")
    return value


target.schema = {"type": "string", "minLength": 1}  # type: ignore[attr-defined]


@routes(
    "GET",
    PROFILE,
    **form(
        "An id's values in a `profile-` profile (the integrated profile API; `id` required)",
        query={"id": required(target), **QUERY},
    ),
)
def get_profile(req, client_id, profile_id, id=None, f=None, mode=None):
    if id is None:
        raise FieldError("id", "is required: the id to answer the values of")
    return served(req.store, profile_id, "id", id, f)


# ---- /_mock/: setting what the profile API serves ---------------------------------------


@routes(
    "PUT",
    "/_mock/profile_values",
    admin=True,
    saves=True,
    body="ProfileValuesBody",
    summary="Set what the profile API serves for a user, item or id: the target's item in the profile's main table "
    "(the whole item; the table is made when missing); answers what is then served (null: not served)",
    results=nullable(VALUES),
    refusals={404: "no such profile, or a profile of another kind"},
    schemas={
        "ProfileValuesBody": obj(
            ["profile_id", "kind", "target_id", "values"],
            {
                "profile_id": NAME,
                "kind": {"enum": list(KINDS), "description": "the form that serves it: users, items or `?id=`"},
                "target_id": {"type": "string", "minLength": 1},
                "values": {"type": "object", "description": "the values, without the main table's key attribute"},
            },
        )
        | {
            # a user's or item's id travels in the profile API's path, unquoted
            "if": {"properties": {"kind": {"enum": ["user", "item"]}}},
            "then": {"properties": {"target_id": {"not": URL_NAME["not"]}}},
        }
    },
)
def put_profile_values(req):
    fields = body(req)
    return req.store.put_profile_values(*(fields.get(name) for name in ("profile_id", "kind", "target_id", "values")))

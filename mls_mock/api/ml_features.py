"""ML features and their groups: a PUT that changes only status, title and description (what
update_feature sends), list filters on the documented enums, the read-only group list, and
the admin route that puts a feature in a group (the AB API has none)."""

from .. import assumptions
from ..errors import FieldError
from ..openapi_schemas import array, obj, ref
from ..route import Routes
from ..store import schema as s
from ..store.ml_features import FEATURE_STATUSES, FEATURE_TYPES, UPDATE_BODY
from ..wire import body, choice, page, positive_int, text
from .common import DELETED, NAME_TAKEN

routes = Routes()
FEATURES = "/api/v1/ml_features"
FEATURE = FEATURES + "/<int:ml_feature_id>"
QUERY = {
    "id": positive_int,
    "name": text,
    "source": text,
    "type": choice(*FEATURE_TYPES),
    "status": choice(*FEATURE_STATUSES),
    "title": text,
    "description": text,
    "query": text,
    "page": page,
}
GROUP_BODY = obj(["group"], {"group": {**s.TEXT, "description": "an ml_feature_group's name; null: no group"}})


@routes(
    "GET",
    FEATURES,
    query=QUERY,
    results=array(ref("MlFeature")),
    summary="List ML features; every parameter matches exactly, `query` is a substring of the name",
    link=("ml_feature_id", "/results/0/id"),
)
def list_features(req, **query):
    return req.store.list("ml_features", **query)


@routes(
    "POST",
    FEATURES,
    status=201,
    body="MlFeatureBody",
    summary="Create an ML feature (status `created`; its name is unique within its source)",
    results=ref("MlFeature"),
    refusals=NAME_TAKEN,
    link=("ml_feature_id", "/results/id"),
)
def create_feature(req):
    return req.store.create("ml_features", body(req))


@routes(
    "PUT",
    FEATURE,
    body="MlFeatureUpdateBody",
    schemas={"MlFeatureUpdateBody": UPDATE_BODY},
    summary="Change an ML feature's status, and its title and description when given",
    results=ref("MlFeature"),
)
def update_feature(req, ml_feature_id):
    return req.store.update("ml_features", ml_feature_id, body(req))


@routes("DELETE", FEATURE, summary="Delete an ML feature (it leaves its group)", results=DELETED)
def delete_feature(req, ml_feature_id):
    req.store.delete("ml_features", ml_feature_id)
    return assumptions.DELETE_RESULTS


@routes(
    "GET",
    "/api/v1/ml_feature_groups",
    summary="List ML feature groups, each with its features (read-only: groups come from seeds, the store and /_mock/)",
    results=array(ref("MlFeatureGroup")),
)
def list_feature_groups(req):
    return req.store.list("ml_feature_groups")


@routes(
    "PUT",
    "/_mock/ml_features/<int:ml_feature_id>/group",
    admin=True,
    saves=True,
    body="MlFeatureGroupChoice",
    schemas={"MlFeatureGroupChoice": GROUP_BODY},
    summary="Put an ML feature in the group of that name (null: in none); the AB API has no route for it",
    results=ref("MlFeature"),
    refusals={404: "no such ML feature"},
)
def set_feature_group(req, ml_feature_id):
    choice = body(req)
    if "group" not in choice:
        raise FieldError("group", "is required: a group's name, or null for none")
    return req.store.set_ml_feature_group(ml_feature_id, choice["group"])

"""Profiles at sktmls's singular path `/api/v1/profile`: list, create, replace, delete (the
client never GETs one profile: get_profile lists by `id`/`profile_id`)."""

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body, page, positive_int, text
from .common import DELETED, NAME_TAKEN

routes = Routes()
PROFILES = "/api/v1/profile"
PROFILE = PROFILES + "/<int:id>"  # `profile_id` is the profile's name, not its id


@routes(
    "GET",
    PROFILES,
    query={"id": positive_int, "profile_id": text, "query": text, "page": page},
    summary="List profiles (exact `profile_id`, substring `query`)",
    results=array(ref("Profile")),
    link=("id", "/results/0/id"),
)
def list_profiles(req, **query):
    return req.store.list("profiles", **query)


@routes(
    "POST",
    PROFILES,
    status=201,
    body="ProfileBody",
    summary="Create a profile (`main_table` defaults to the first of `tables`)",
    results=ref("Profile"),
    refusals=NAME_TAKEN,
    link=("id", "/results/id"),
)
def create_profile(req):
    return req.store.create("profiles", body(req), req.user)


@routes(
    "PUT",
    PROFILE,
    body="ProfileBody",
    summary="Replace a profile (`main_table` left out: the first of `tables`)",
    results=ref("Profile"),
    refusals=NAME_TAKEN,
)
def update_profile(req, id):
    return req.store.update("profiles", id, body(req))


@routes("DELETE", PROFILE, summary="Delete a profile", results=DELETED)
def delete_profile(req, id):
    req.store.delete("profiles", id)
    return assumptions.DELETE_RESULTS

"""Profiles: a named (`profile_id`, unique) list of DynamoDB tables read together, with the
main table that decides whether a key is served."""

from os.path import commonprefix

from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .resource import Resource

# The prefixes a profile's tables share: sktmls's create_profile asserts that the common
# prefix of `tables` starts with one of them.
TABLE_PREFIXES = ("user-profile", "item-profile", "profile-")
TABLES = {
    "type": "array",
    "minItems": 1,
    "items": s.NAME,
    "anyOf": [{"items": {"pattern": f"^{prefix}"}} for prefix in TABLE_PREFIXES],
    "description": f"DynamoDB table names, all starting with the same one of {', '.join(TABLE_PREFIXES)}",
}
MAIN_TABLE = {**s.nullable(s.NAME), "description": "one of `tables`; left out: the first"}


class Profiles(Resource):
    # Routes hand-written (api/profiles.py): the singular path, and no GET of one profile.
    plural, kind = "profiles", "profile"
    list_query = ("id", "profile_id", "query")
    name_field = "profile_id"
    keeps_user = True
    body_schema = s.obj(
        ["profile_id", "tables"], {"profile_id": s.URL_NAME, "tables": TABLES, "main_table": MAIN_TABLE}
    )
    record_schema = s.obj(
        ["id", "profile_id", "tables", "main_table", "user", "created_at", "updated_at"],
        {
            "id": s.ID,
            "profile_id": s.STRING,
            "tables": s.array(s.STRING),
            "main_table": s.STRING,
            "user": s.STRING,
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(
        ["profile_id", "tables"], {**s.SEEDED, "profile_id": s.URL_NAME, "tables": TABLES, "main_table": MAIN_TABLE}
    )

    def fields(self, body: dict, current: dict | None) -> dict:
        profile_id = v.url_name(body, "profile_id")  # the profile API's URL: /profiles/{profile_id}/...
        tables = body.get("tables")
        if tables is None:
            raise FieldError("tables", "is required")
        if not isinstance(tables, list) or not tables:
            raise FieldError("tables", "must be a non-empty list of table names")
        names = [v.name({f"tables[{i}]": table}, f"tables[{i}]") for i, table in enumerate(tables)]
        if not commonprefix(names).startswith(TABLE_PREFIXES):
            raise FieldError("tables", f"must all start with the same one of {', '.join(TABLE_PREFIXES)}")
        main_table = body.get("main_table")
        if main_table is None:
            main_table = names[0]  # sktmls documents the first table as the default
        elif main_table not in names:
            raise FieldError("main_table", "must be one of `tables`")
        return {"profile_id": profile_id, "tables": names, "main_table": main_table}

    def render(self, row: dict) -> dict:
        return {**row, "tables": list(row["tables"])}

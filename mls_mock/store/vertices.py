"""Graph vertex schemas: a unique `label` and typed properties. Edges name their ends by
label; deleting a vertex deletes its edges (sktmls documents it), renaming one carries them."""

from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .graph import refuse_schema_change_in_use
from .resource import Resource

# sktmls's create_vertex/create_edge assert each property type is one of these.
PROPERTY_TYPES = ("Float(single)", "Float(set)", "String(single)", "String(set)")
PROPERTIES = {
    "type": "object",
    "propertyNames": s.NAME,
    "additionalProperties": {"enum": list(PROPERTY_TYPES)},
    "description": "property name -> type; left out or null: none",
}


def properties(body: dict) -> dict[str, str]:
    """A vertex's or edge's `properties`: name -> one of PROPERTY_TYPES; absent is none."""
    given = body.get("properties")
    if given is None:
        return {}
    v.expect_object(given, "properties")
    for key, kind in given.items():
        v.name({f"properties.{key}": key}, f"properties.{key}")
        if kind not in PROPERTY_TYPES:
            raise FieldError(f"properties.{key}", f"must be one of {', '.join(PROPERTY_TYPES)}")
    return dict(given)


class Vertices(Resource):
    # Routes hand-written (api/vertices.py): the client has no GET of one vertex.
    plural, kind = "vertices", "vertex"
    list_query = ("id", "label", "query")
    name_field = "label"
    body_schema = s.obj(["label"], {"label": s.NAME, "properties": s.nullable(PROPERTIES)})
    record_schema = s.obj(
        ["id", "label", "properties", "created_at", "updated_at"],
        {"id": s.ID, "label": s.STRING, "properties": PROPERTIES, **s.STAMPS},
    )
    seed_schema = s.obj(["label"], {**s.SEEDED, "label": s.NAME, "properties": s.nullable(PROPERTIES)})

    def fields(self, body: dict, current: dict | None) -> dict:
        return {"label": v.name(body, "label"), "properties": properties(body)}

    def render(self, row: dict) -> dict:
        return {**row, "properties": dict(row["properties"])}

    def on_update(self, row: dict, fields: dict) -> None:
        refuse_schema_change_in_use(self.store, "graph_vertices", row, fields)
        if fields["label"] != row["label"]:
            self.store.resources["edges"].rename_vertex(row["label"], fields["label"])

    def on_delete(self, row: dict) -> None:
        refuse_schema_change_in_use(self.store, "graph_vertices", row, None)
        self.store.resources["edges"].drop_vertex(row["label"])  # each refuses while edges use it

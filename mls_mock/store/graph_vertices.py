"""Graph vertices, the graph API's instances (`/graph/v1/vertices`): a string id, a label
naming a vertex schema (`vertices.py`) and property values of the types it declares.
Dropping one drops the edges at either end (sktmls's drop_vertex documents it)."""

from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .graph import GRAPH_ID, PROPERTY_VALUES, Instances, graph_id, property_values


class GraphVertices(Instances):
    plural, kind = "graph_vertices", "graph_vertex"
    answer_key, noun, schemas = "vertices", "vertex", "vertices"
    name_field = "vertex_id"
    body_schema = s.obj(
        ["vertex_id", "label"],
        {"vertex_id": GRAPH_ID, "label": s.NAME, "properties": s.nullable(PROPERTY_VALUES)},
    )
    record_schema = s.obj(
        ["id", "vertex_id", "label", "properties", "created_at", "updated_at"],
        {"id": s.ID, "vertex_id": s.STRING, "label": s.STRING, "properties": PROPERTY_VALUES, **s.STAMPS},
    )
    seed_schema = s.obj(["vertex_id", "label"], {**s.SEEDED, **body_schema["properties"]})

    def fields(self, body: dict, current: dict | None) -> dict:
        vertex_id = graph_id(body, "vertex_id")
        if current is not None and vertex_id != current["vertex_id"]:
            raise FieldError("vertex_id", "cannot change: edges name the vertex by it")
        return {"vertex_id": vertex_id, "label": v.name(body, "label"), "properties": property_values(body)}

    def add(self, body: dict) -> dict:
        """The graph API's body names the vertex's id `id` (the store's `id` is the record's
        number, as in every kind)."""
        return self.insert(self.conformed(self.fields({**body, "vertex_id": graph_id(body, "id")}, None)))

    def wire(self, row: dict) -> dict:
        return {"id": row["vertex_id"], "label": row["label"], "properties": self.render(row)["properties"]}

    def on_delete(self, row: dict) -> None:
        self.store.resources["graph_edges"].drop_vertex(row["vertex_id"])

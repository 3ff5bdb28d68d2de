"""Graph edges, the graph API's instances (`/graph/v1/edges`): from one vertex to another
(both must exist), a label naming an edge schema (`edges.py`) whose ends are those vertices'
labels, and property values of the types it declares. The id is `{from}_{label}_{to}`, as
sktmls's add_edge reads the new edge back."""

import builtins
from collections.abc import Hashable

from ..errors import FieldError
from . import schema as s
from .graph import GRAPH_ID, PROPERTY_VALUES, Instances, graph_id, property_values

VERTEX_ID = {**GRAPH_ID, "description": "the id of an existing graph vertex"}


class GraphEdges(Instances):
    plural, kind = "graph_edges", "graph_edge"
    answer_key, noun, schemas = "edges", "edge", "edges"
    name_field = "label"  # unique: the id made of from, label and to (name_key)
    body_schema = s.obj(
        ["from", "to", "label"],
        {"from": VERTEX_ID, "to": VERTEX_ID, "label": s.URL_NAME, "properties": s.nullable(PROPERTY_VALUES)},
    )
    record_schema = s.obj(
        ["id", "label", "from", "to", "properties", "created_at", "updated_at"],
        {
            "id": s.ID,
            "label": s.STRING,
            "from": s.STRING,
            "to": s.STRING,
            "properties": PROPERTY_VALUES,
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(["from", "to", "label"], {**s.SEEDED, **body_schema["properties"]})

    def fields(self, body: dict, current: dict | None) -> dict:
        label = graph_id(body, "label")  # part of the id: `{from}_{label}_{to}`
        ends = {end: graph_id(body, end) for end in ("from", "to")}
        vertices = self.store.resources["graph_vertices"].table.ids_by_name
        for end, vertex in ends.items():
            if vertex not in vertices:
                raise FieldError(end, f"no vertex has id {vertex!r}")
        return {"label": label, **ends, "properties": property_values(body)}

    def name_key(self, fields: dict) -> Hashable:
        return f"{fields['from']}_{fields['label']}_{fields['to']}"

    def conformed(self, fields: dict) -> dict:
        """Besides its properties, the edge's ends must be vertices of the labels its schema
        joins (`frm` to `to`)."""
        schemas = self.store.resources["edges"].table
        found = schemas.ids_by_name.get(fields["label"])
        if found is not None:
            schema = schemas.rows[found]
            vertices = self.store.resources["graph_vertices"]
            for end, wanted in (("from", schema["frm"]), ("to", schema["to"])):
                label = vertices.named(fields[end])["label"]
                if label != wanted:
                    raise FieldError(
                        end, f"vertex {fields[end]!r} is a {label!r}; edge {fields['label']!r} joins {wanted!r} there"
                    )
        return super().conformed(fields)

    def wire(self, row: dict) -> dict:
        return {
            "id": self.instance_id(row),
            "label": row["label"],
            "from": row["from"],
            "to": row["to"],
            "properties": self.render(row)["properties"],
        }

    def _using(self, vertex_id: str) -> builtins.list[dict]:
        return [row for row in self.table.rows.values() if vertex_id in (row["from"], row["to"])]

    def drop_vertex(self, vertex_id: str) -> None:
        """A vertex is going: so are its edges (called by GraphVertices, inside its write)."""
        for row in self._using(vertex_id):
            self.delete(row["id"])

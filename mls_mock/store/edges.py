"""Graph edge schemas: a unique `label` from vertex `frm` to vertex `to` (both vertex
labels that must exist), with typed properties."""

import builtins

from .. import validation as v
from ..errors import FieldError
from . import schema as s
from .graph import refuse_schema_change_in_use
from .resource import Resource
from .vertices import PROPERTIES, properties

VERTEX_LABEL = {**s.NAME, "description": "the label of an existing vertex"}


class Edges(Resource):
    # Routes hand-written (api/edges.py): the client has no GET of one edge.
    plural, kind = "edges", "edge"
    list_query = ("id", "label", "query")
    name_field = "label"
    body_schema = s.obj(
        ["label", "frm", "to"],
        {"label": s.URL_NAME, "frm": VERTEX_LABEL, "to": VERTEX_LABEL, "properties": s.nullable(PROPERTIES)},
    )
    record_schema = s.obj(
        ["id", "label", "frm", "to", "properties", "created_at", "updated_at"],
        {"id": s.ID, "label": s.STRING, "frm": s.STRING, "to": s.STRING, "properties": PROPERTIES, **s.STAMPS},
    )
    seed_schema = s.obj(
        ["label", "frm", "to"],
        {
            **s.SEEDED,
            "label": s.URL_NAME,
            "frm": VERTEX_LABEL,
            "to": VERTEX_LABEL,
            "properties": s.nullable(PROPERTIES),
        },
    )

    def fields(self, body: dict, current: dict | None) -> dict:
        label = v.url_name(body, "label")  # in its instances' ids, which the graph API's URLs hold
        ends = {end: v.name(body, end) for end in ("frm", "to")}
        vertices = self.store.resources["vertices"].table.ids_by_name
        for end, vertex in ends.items():
            if vertex not in vertices:
                raise FieldError(end, f"no vertex is labelled {vertex!r}")
        return {"label": label, **ends, "properties": properties(body)}

    def render(self, row: dict) -> dict:
        return {**row, "properties": dict(row["properties"])}

    def on_update(self, row: dict, fields: dict) -> None:
        refuse_schema_change_in_use(self.store, "graph_edges", row, fields)

    def on_delete(self, row: dict) -> None:
        refuse_schema_change_in_use(self.store, "graph_edges", row, None)

    # ---- the relation to vertices (called by Vertices, inside its write) ---------------------

    def _using(self, vertex: str) -> builtins.list[dict]:
        return [row for row in self.table.rows.values() if vertex in (row["frm"], row["to"])]

    def rename_vertex(self, old: str, new: str) -> None:
        """Edges name their ends by label: a renamed vertex is renamed in them. Their
        `updated_at` stays: the edge itself did not change."""
        for row in self._using(old):
            self.tx.update(self.table, row, {end: new for end in ("frm", "to") if row[end] == old})

    def drop_vertex(self, vertex: str) -> None:
        """A vertex is going: so are its edges (sktmls's delete_vertex documents it)."""
        for row in self._using(vertex):
            self.delete(row["id"])

"""`Nested`: a resource whose records live inside a parent's (a bucket in its experiment, a
meta item in its table), served under the parent's URL. A record's routes answer 404 under
another parent, names are unique within a parent, and the records go with their parent.
"""

from collections.abc import Hashable
from typing import Any

from ..errors import NotFound
from .resource import Resource
from .table import Table, matching, paginate


class Nested(Resource):
    parent: str = ""  # the parent's plural: "experiments"
    parent_field: str = ""  # the field naming the parent: "experiment"

    ids_by_parent: dict[int, dict[int, None]]

    def fresh(self) -> dict[str, Any]:
        return {**super().fresh(), "ids_by_parent": {}}  # parent id -> {record id: None}

    def name_key(self, fields: dict) -> Hashable:
        return (fields[self.parent_field], fields["name"])

    def shown_name(self, fields: dict) -> str:
        return fields["name"]

    def on_insert(self, row: dict) -> None:
        self.tx.index_add(self.ids_by_parent, row[self.parent_field], row["id"])

    def parents(self) -> Table:
        return self.store.resources[self.parent].table

    def children_of(self, parent_id: int) -> list[dict]:
        """The parent's records, in id order."""
        return [self.table.rows[i] for i in sorted(self.ids_by_parent.get(parent_id, ()))]

    def _of(self, parent_id: int, record_id: int) -> dict:
        self.parents().get(parent_id)
        row = self.table.get(record_id)
        if row[self.parent_field] != parent_id:
            raise NotFound(f"{self.kind} {record_id} does not belong to {self.parents().kind} {parent_id}")
        return row

    def list_in(
        self,
        parent_id: int,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
    ) -> list[dict]:
        self.parents().get(parent_id)
        rows = [
            r
            for r in matching(self.children_of(parent_id), "name", query)
            if (id is None or r["id"] == id) and (name is None or r["name"] == name)
        ]
        return [self.render(r) for r in paginate(rows, page)]

    def get_in(self, parent_id: int, record_id: int) -> dict:
        return self.render(self._of(parent_id, record_id))

    def update_in(self, parent_id: int, record_id: int, body: dict) -> dict:
        """A full replace within the parent."""
        row = self._of(parent_id, record_id)
        fields = self.fields(body, row)
        self.check_name({**fields, self.parent_field: parent_id}, record_id)
        self.tx.rename(self.table, self.name_key(row), (parent_id, fields["name"]), record_id)
        self.touch(row, fields)
        return self.render(row)

    def delete_in(self, parent_id: int, record_id: int) -> None:
        row = self._of(parent_id, record_id)
        self.tx.index_discard(self.ids_by_parent, parent_id, record_id)
        self.tx.remove(self.table, record_id, self.name_key(row))

    def drop_parent(self, parent_id: int) -> None:
        """The parent is going: so are its records."""
        for record_id in self.tx.index_pop(self.ids_by_parent, parent_id):
            self.tx.remove(self.table, record_id, self.name_key(self.table.rows[record_id]))

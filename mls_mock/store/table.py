"""The table machinery every resource shares: rows by id, the ID sequence, the unique-name
index, and the read helpers lists use (exact id/name select, substring query, pages).

Reads only: every write goes through `transaction.Transaction`, which logs its undo.
"""

from collections.abc import Hashable, Iterable

from .. import assumptions
from ..errors import Conflict, FieldError, NotFound


class Table:
    """Rows of one resource by id (kept in id order), its ID sequence and its name index
    (name key -> id; a key is whatever the resource makes unique, e.g. (experiment, name))."""

    __slots__ = ("kind", "plural", "rows", "last_id", "ids_by_name")

    def __init__(self, kind: str, plural: str):
        self.kind = kind
        self.plural = plural
        self.rows: dict[int, dict] = {}
        self.last_id = 0
        self.ids_by_name: dict[Hashable, int] = {}

    def get(self, record_id: int) -> dict:
        row = self.rows.get(record_id)
        if row is None:
            raise NotFound.record(self.kind, record_id)
        return row

    def referenced(self, record_id: int, field: str) -> dict:
        """A row named in a body: its absence is the body's fault (400), not the URL's."""
        row = self.rows.get(record_id)
        if row is None:
            raise FieldError(field, f"{self.kind} {record_id} does not exist")
        return row

    def claim_id(self, wanted: int | None) -> int:
        if wanted is None:
            if self.last_id >= assumptions.MAX_ID:
                raise Conflict(f"{self.kind} ids are used up: the sequence is at the largest id, {assumptions.MAX_ID}")
            return self.last_id + 1
        if wanted in self.rows:
            raise Conflict(f"{self.kind} id {wanted} already exists")
        return wanted

    def check_name(self, key: Hashable, shown: str, field: str, own_id: int | None = None) -> None:
        holder = self.ids_by_name.get(key)
        if holder is not None and holder != own_id:
            article = "an" if self.kind[0] in "aeiou" else "a"
            raise Conflict(f"{field}: {article} {self.kind} named {shown!r} already exists (id {holder})")

    def select(self, record_id: int | None, name: str | None, name_field: str) -> list[dict]:
        """Rows matching an exact id and/or name, found through the indexes, in id order.
        `name` is looked up in the name index, so only for tables keyed by the bare name."""
        if record_id is not None:
            row = self.rows.get(record_id)
            rows = [row] if row is not None else []
        elif name is not None:
            found = self.ids_by_name.get(name)
            rows = [self.rows[found]] if found is not None else []
        else:
            return list(self.rows.values())
        return [r for r in rows if name is None or r[name_field] == name]

    def sort(self) -> None:
        self.rows = dict(sorted(self.rows.items()))


def matching(rows: Iterable[dict], field: str, query: str | None) -> list[dict]:
    """Rows whose `field` holds `query`, ignoring case (all of them when `query` is None)."""
    if query is None:
        return list(rows)
    folded = query.casefold()
    return [r for r in rows if r[field] is not None and folded in r[field].casefold()]


def paginate(rows: list[dict], page: int | None) -> list[dict]:
    if page is None:
        return rows
    start = (page - 1) * assumptions.PAGE_SIZE
    chunk = rows[start : start + assumptions.PAGE_SIZE]
    if not chunk and page > 1 and assumptions.EMPTY_PAGE_IS_ERROR:
        raise NotFound(f"page {page} does not exist")
    return chunk

"""All-or-nothing writes for the store.

Every change of store state goes through a write primitive of `Transaction`: it logs how to
undo itself, then writes. A write that raises anything (a domain error, a bug, a failing
clock, MemoryError) is rolled back by replaying the log backwards, so the store is exactly
as before. Logging costs O(changed rows); nothing is copied up front. `WriteScope` opens,
nests (as savepoints) and closes transactions for the store's `@atomic` methods and its
`transaction()`.

The undo log also says which rows a transaction touched, so the `Commit` event handed to
listeners is built from it: nothing extra is kept while writing, and nothing is built when
nobody listens.
"""

import functools
from collections.abc import Callable

from .table import Table


class Transaction:
    """The undo log of one write in progress (see the module docstring). Each primitive
    logs its undo before it writes, so one that fails half-way is undone too."""

    # Every way store state changes; tests inject failures into these.
    WRITES = (
        "insert",
        "remove",
        "rename",
        "update",
        "index_add",
        "index_discard",
        "index_pop",
        "set_last_id",
        "assign",
    )

    __slots__ = ("_undo", "_commit_checks", "replaced")

    def __init__(self):
        self._undo = []
        self._commit_checks: dict | None = None
        self.replaced = False  # set (through `assign`, so undone with the rest) by a reset

    def savepoint(self) -> int:
        return len(self._undo)

    def check_at_commit(self, key, check: Callable[[], None]) -> None:
        """Run `check()` (once per key) when the whole transaction is done: an invariant that
        may break half-way through (two seeded buckets' ranges) but not at the end."""
        if self._commit_checks is None:
            self._commit_checks = {}
        self._commit_checks[key] = check

    def checked(self, key) -> None:
        """The check for `key` was made already (a seed load checks its own, to name it)."""
        if self._commit_checks:
            self._commit_checks.pop(key, None)

    def run_commit_checks(self) -> None:
        for check in (self._commit_checks or {}).values():
            check()

    def roll_back(self, savepoint: int = 0) -> None:
        """Undo every write since `savepoint`, newest first."""
        undo, unsorted = self._undo, set()
        while len(undo) > savepoint:
            action, *args = undo.pop()
            if action is _put_back:
                unsorted.add(args[0])
            action(*args)
        for table in unsorted:  # once per table, not once per row put back
            table.sort()

    # ---- tables ---------------------------------------------------------------------------

    def insert(self, table: Table, row: dict, name_key) -> None:
        record_id = row["id"]
        self._undo.append((_take_out, table, record_id, name_key, table.last_id))
        out_of_order = bool(table.rows) and record_id < next(reversed(table.rows))
        table.rows[record_id] = row
        if out_of_order:
            table.sort()
        table.last_id = max(table.last_id, record_id)
        if name_key is not None:
            table.ids_by_name[name_key] = record_id

    def remove(self, table: Table, record_id: int, name_key) -> dict:
        row = table.rows[record_id]
        self._undo.append((_put_back, table, row, name_key))
        if name_key is not None:
            del table.ids_by_name[name_key]
        return table.rows.pop(record_id)

    def rename(self, table: Table, old_key, new_key, record_id: int) -> None:
        if old_key != new_key:
            self._undo.append((_rename_back, table, old_key, new_key, record_id))
            del table.ids_by_name[old_key]
            table.ids_by_name[new_key] = record_id

    def set_last_id(self, table: Table, last_id: int) -> None:
        self._undo.append((setattr, table, "last_id", table.last_id))
        table.last_id = last_id

    # ---- rows: a stored value is replaced, never changed in place ----------------------

    def update(self, table: Table, row: dict, fields: dict) -> None:
        self._undo.append((_restore_row, table, row, dict(row)))  # a row is a handful of keys: a copy is cheapest
        row.update(fields)

    # ---- reverse-relation indexes: key -> {member: None} -------------------------------

    def index_add(self, index: dict, key, member) -> None:
        members = index.get(key)
        if members is None:
            self._undo.append((index.pop, key, None))
            index[key] = {member: None}
        elif member not in members:
            self._undo.append((members.pop, member, None))
            members[member] = None

    def index_discard(self, index: dict, key, member) -> None:
        members = index.get(key)
        if members is not None and member in members:
            self._undo.append((members.__setitem__, member, None))
            del members[member]

    def index_pop(self, index: dict, key) -> dict:
        members = index.get(key)
        if members is None:
            return {}
        self._undo.append((index.__setitem__, key, members))
        return index.pop(key)

    # ---- whole state ------------------------------------------------------------------

    def assign(self, owner, attribute: str, value) -> None:
        """Replace one attribute of the store (e.g. a table, on reset): O(1) to undo."""
        self._undo.append((setattr, owner, attribute, getattr(owner, attribute)))
        setattr(owner, attribute, value)


# ---- the store's side: how its methods open, nest and close transactions -----------------


class WriteScope:
    """One write under the store lock. The outermost opens the transaction, runs the checks
    deferred to its commit, and tells the listeners once it has succeeded; an exception
    rolls back to where this write began, and the outermost leaves no trace."""

    __slots__ = ("store", "outermost", "savepoint")

    def __init__(self, store):
        self.store = store

    def __enter__(self) -> None:
        store = self.store
        store._lock.acquire()
        self.outermost = store._tx is None
        if self.outermost:
            store._tx = Transaction()
        self.savepoint = store._tx.savepoint()

    def __exit__(self, exc_type, exc, traceback) -> None:
        store = self.store
        try:
            tx = store._tx
            try:
                if exc_type is None and self.outermost:
                    _commit(store, tx)
            finally:
                if exc_type is not None:
                    tx.roll_back(self.savepoint)
                if self.outermost:
                    store._tx = None
        finally:
            store._lock.release()


def locked(method):
    """Run under the store's lock: a read sees no write half done (no transaction needed)."""

    @functools.wraps(method)
    def read(store, *args, **kwargs):
        with store._lock:
            return method(store, *args, **kwargs)

    return read


def atomic(method):
    """Run as one transaction of the store (nested in the caller's, if it has one). The same
    as `with WriteScope(store)`, written out: it wraps every write, and this costs less."""

    @functools.wraps(method)
    def write(store, *args, **kwargs):
        with store._lock:
            tx = store._tx
            if tx is not None:  # nested: a savepoint in the caller's transaction
                savepoint = len(tx._undo)
                try:
                    return method(store, *args, **kwargs)
                except BaseException:
                    tx.roll_back(savepoint)
                    raise
            store._tx = tx = Transaction()
            try:
                result = method(store, *args, **kwargs)
                if tx._commit_checks or store._listeners:
                    _commit(store, tx)
            except BaseException:
                tx.roll_back(0)
                raise
            finally:
                store._tx = None
            return result

    return write


def _commit(store, tx: Transaction) -> None:  # store: a core.Store, which imports this module
    """End the outermost transaction `tx`: run its deferred checks, then tell every listener
    (a seed load is one change, not one per record). Anything raised rolls all of it back."""
    try:
        if tx._commit_checks:
            tx.run_commit_checks()
        if store._listeners:
            commit = Commit(store, tx)
            for listener in store._listeners:
                listener(commit)
    except BaseException:
        tx.roll_back(0)
        raise


class Commit:
    """What one successful outermost transaction changed, handed to the store's listeners
    while the store lock is still held and the transaction can still be undone.

    `changes`: plural -> record id -> the record as `Store.dump()` lists it, or None when it
    is gone; every record inserted, updated or deleted, side effects included. Built from
    the undo log on first read (O(changed records)): read it inside the listener.
    `sequences`: plural -> last id, for every kind. `replaced`: the transaction reset the
    store, so records not in `changes` are gone.
    """

    __slots__ = ("store", "replaced", "_undo", "_changes")

    def __init__(self, store, tx: Transaction):
        self.store = store
        self.replaced = tx.replaced
        self._undo = tx._undo
        self._changes: dict[str, dict[int, dict | None]] | None = None

    @property
    def changes(self) -> dict[str, dict[int, dict | None]]:
        if self._changes is None:
            touched: dict[str, dict] = {}
            for action, *args in self._undo:
                if action is _take_out:  # an insert
                    table, record_id = args[0], args[1]
                elif action is _put_back or action is _restore_row:  # a remove, an update
                    table, record_id = args[0], args[1]["id"]
                else:  # indexes, sequences, a reset: no record of their own
                    continue
                touched.setdefault(table.plural, {})[record_id] = None
            self._changes = self.store._changed_records(touched)
        return self._changes

    @property
    def sequences(self) -> dict[str, int]:
        return self.store._sequences()

    def __getattr__(self, name: str):
        """Listeners written for the old `listener(store)` read the store through this."""
        return getattr(self.store, name)


def _take_out(table: Table, record_id: int, name_key, last_id: int) -> None:
    table.rows.pop(record_id, None)
    if name_key is not None and table.ids_by_name.get(name_key) == record_id:
        del table.ids_by_name[name_key]
    table.last_id = last_id


def _put_back(table: Table, row: dict, name_key) -> None:
    table.rows[row["id"]] = row  # out of id order: roll_back sorts the table once at the end
    if name_key is not None:
        table.ids_by_name[name_key] = row["id"]


def _rename_back(table: Table, old_key, new_key, record_id: int) -> None:
    if table.ids_by_name.get(new_key) == record_id:
        del table.ids_by_name[new_key]
    table.ids_by_name[old_key] = record_id


def _restore_row(table: Table, row: dict, old: dict) -> None:
    row.clear()
    row.update(old)

"""Durable state for `mls-mock serve --state FILE`: an SQLite database (standard library
`sqlite3`, WAL mode) beside the in-memory store, which stays the working copy. This module
binds a file to a store (checks, locks, loading, saving each commit); `persistence_sqlite.py`
holds the file format, creating and reading a file, and the checkpointer.

- Writes follow the store's commit events: each commit upserts or deletes only the rows it
  changed, in one SQLite transaction, so a write costs the same at 100 or 100,000 records.
  The listener runs under the store lock before the store drops its undo log, so a failed
  save (disk full, read-only, file removed) raises StateWriteError (503) and the store rolls
  the change back: a refused request changes nothing, in memory or on disk.
- Every acknowledged write survives `kill -9`: in WAL mode a commit is in the WAL file (the
  OS's page cache) before it returns; `synchronous=NORMAL` only defers the fsync. With
  `fsync=True` (`serve --fsync`), `synchronous=FULL` fsyncs the WAL on every commit, so
  writes survive power loss too.
- Tables: `records(kind, id, data)` holds each record as `dump()` lists it (JSON);
  `sequences(kind, last_id)`; `meta(key, value)` with the format marker. The header's
  application_id marks the file as ours before SQLite opens it.
- A file that is not ours (not SQLite, another application's database, corrupt, another
  format, records that do not load) is refused at start and left as it was: the header is
  read as bytes first, an SQLite file is read through a read-only connection, and WAL files
  that connection created are removed. An old JSON state file is refused with the command
  that converts it (it is a seed document).
- A new file is built under a temp name and renamed into place, so it is complete or absent.
- One server per file: a lock on a hidden sidecar (`.NAME.lock`) refuses a second server.
- Links: a symlink is followed (the lock and WAL files sit next to the real file). A file
  with several hard links is refused: SQLite names its WAL after the path, so two servers
  through two names would write two WALs over one database and corrupt it.
"""

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from .errors import MLSMockError, SeedError
from .persistence_sqlite import (
    APPLICATION_ID,
    CHECKPOINT_EVERY,
    FORMAT,
    JSON_FORMAT,
    OLD_JSON_START,
    REFUSE,
    SIDECARS,
    SQLITE_HEADER,
    UPSERT,
    WAL_SIZE_LIMIT,
    Checkpointer,
    StateFileError,
    connect,
    create_file,
    read_document,
    sidecar,
)
from .persistence_sqlite import encode as _encode  # looked up here at each write: a test fails it
from .store import Store

__all__ = [  # the state file's public names; the format's live in persistence_sqlite
    "StateFile",
    "StateFileError",
    "StateWriteError",
    "read_document",
    "FORMAT",
    "JSON_FORMAT",
    "APPLICATION_ID",
    "CHECKPOINT_EVERY",
]

try:
    import fcntl
except ImportError:  # Windows: no advisory lock, everything else works
    fcntl = None  # type: ignore[assignment]  # mypy's idiom for an optional module


class StateWriteError(MLSMockError):
    """Saving failed (disk full, permissions): the change is undone in memory too and the
    request answered 503, so a refused request changes nothing, in memory or on disk."""

    status = 503


class StateFile:
    """One state file bound to one store; `attach` loads it and keeps it up to date."""

    def __init__(self, path: str | os.PathLike, fsync: bool = False):
        self.given = Path(path).expanduser().absolute()
        try:  # the real file: the lock and the WAL must sit next to it
            self.path = self.given.resolve()
        except (OSError, RuntimeError) as error:  # a symlink loop
            raise StateFileError(f"{self.given}: cannot follow the link: {error}") from None
        self.fsync = fsync
        self.writes = 0
        self._lock_fd: int | None = None
        self._db: sqlite3.Connection | None = None
        self._store: Store | None = None
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the file the connection writes
        self._wal_identity: tuple[int, int] | None = None  # and of its write-ahead log, once SQLite has made it
        self._file_lock_fd: int | None = None
        self._sequences: dict[str, int] = {}  # as the file holds them: only changes are written
        self._checkpointer: Checkpointer | None = None

    # ---- start ------------------------------------------------------------------------

    def attach(self, store: Store, initial: Callable[[], None] | None = None) -> bool:
        """Load the file into the (empty) store, then write every commit to it.

        Returns whether a saved state was found. A missing or zero-byte file means "start
        afresh": `initial()` fills the store (e.g. from a seed) and the file is created at
        once, so a read-only directory fails here, not on the first change.
        """
        if not self.path.parent.is_dir():
            raise StateFileError(f"{self.path}: the directory {self.path.parent} does not exist")
        try:
            found_stat: os.stat_result | None = self.path.stat()
        except OSError:
            found_stat = None  # no file yet (or unreadable: _load_into says why)
        if found_stat is not None and not stat.S_ISREG(found_stat.st_mode):
            # A device reads as empty ("start afresh") and would be renamed over; a FIFO blocks.
            raise StateFileError(
                f"{self.path}: not a regular file (a directory, device, pipe or socket); "
                f"pass the path of a state file, existing or to be created"
            )
        links = found_stat.st_nlink if found_stat is not None else 1
        if links > 1:
            raise StateFileError(
                f"{self.path}: the file has {links} hard links; SQLite names its write-ahead log after the path, "
                f"so a server writing through another name would corrupt the database. "
                f"Pass a file with a single name (a symlink to it is fine)"
            )
        self._take_lock()
        try:
            if found_stat is not None and found_stat.st_size:
                self._lock_file()  # before reading it: another server may hold it
            self._remove_stale_temps()
            found = self._load_into(store)
            if not found:
                if initial is not None:
                    initial()
                self._create(store.dump())
            self._open()
            self._store = store
            store.subscribe(self._write)
        except BaseException:
            self.close()
            raise
        return found

    def _take_lock(self):
        if fcntl is None:
            return
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StateFileError(f"{self.path}: cannot create the lock file {lock_path}: {error.strerror}") from None
        self._lock_fd = _hold(
            fd, f"{self.path}: another mls-mock server is using this state file (lock {lock_path} is held)"
        )

    def _lock_file(self) -> None:
        """Also lock the database file itself: the sidecar alone is one `rm` away from two
        servers writing one file. (flock and SQLite's own fcntl locks do not meet on Linux.)"""
        if fcntl is None or self._file_lock_fd is not None:
            return
        fd = os.open(self.path, os.O_RDONLY)
        self._file_lock_fd = _hold(
            fd, f"{self.path}: another mls-mock server is using this state file (the file itself is locked)"
        )

    def _load_into(self, store: Store) -> bool:
        try:
            with open(self.path, "rb") as file:
                header = file.read(100)
        except FileNotFoundError:
            return False
        except OSError as error:
            raise StateFileError(f"{self.path}: cannot read the state file: {error.strerror}") from None
        if not header:
            return False
        if not header.startswith(SQLITE_HEADER):
            raise StateFileError(self._not_sqlite())
        if len(header) < 100 or int.from_bytes(header[68:72], "big") != APPLICATION_ID:
            raise StateFileError(
                f"{self.path}: an SQLite database, but not an mls-mock state file "
                f"(another application's: its header has no mls-mock application_id); {REFUSE}"
            )
        existing = {suffix for suffix in SIDECARS if self._sidecar(suffix).exists()}
        try:
            document = read_document(self.path)
            try:
                store.load(document, str(self.path))
            except SeedError as error:
                raise StateFileError(f"the state file does not load: {error.message}; {REFUSE}") from None
        except BaseException:
            for suffix in set(SIDECARS) - existing:  # what our read-only look left behind
                with contextlib.suppress(OSError):
                    self._sidecar(suffix).unlink()
            raise
        return True

    def _not_sqlite(self) -> str:
        """Why a file that is not SQLite is refused; an old JSON state file says how to convert it."""
        head = b""
        with contextlib.suppress(OSError), open(self.path, "rb") as file:
            head = file.read(4096)  # never a huge file whole
        if OLD_JSON_START.match(head):
            return (
                f"{self.path}: a JSON state file of an earlier mls-mock (format {JSON_FORMAT!r}); this mls-mock "
                f"keeps its state in SQLite (format {FORMAT!r}). The old file is a seed document: convert it "
                f"with `mls-mock serve --seed {self.path} --state NEW.db` (a seed fills only a new state "
                f"file); {REFUSE}"
            )
        return f"{self.path}: not an mls-mock state file (not an SQLite database); {REFUSE}"

    def _sidecar(self, suffix: str) -> Path:
        return sidecar(self.path, suffix)

    def _remove_stale_temps(self):
        """Temp files of a server killed while creating the file; safe to drop under the lock."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp*"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _create(self, document: dict) -> None:
        create_file(self.path, document)
        self._sequences = dict(document["sequences"])

    def _open(self) -> None:
        try:
            db = connect(self.path, self.fsync)
            try:
                if db.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
                    raise sqlite3.OperationalError("cannot switch to WAL mode")
                db.execute("PRAGMA wal_autocheckpoint = 0")  # the checkpointer's job, off the request path
                db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
                opened = os.stat(self.path)
                self._checkpointer = Checkpointer(connect(self.path, self.fsync))
            except BaseException:
                db.close()
                raise
        except (OSError, sqlite3.Error) as error:
            raise StateFileError(f"{self.path}: cannot open the state file for writing: {error}") from None
        self._db, self._identity = db, (opened.st_dev, opened.st_ino)
        self._lock_file()
        self._check_identity()  # notes the WAL's identity
        self._checkpointer.start()

    # ---- saving -----------------------------------------------------------------------

    def _write(self, commit) -> None:
        """The store's commit listener: write the commit's rows in one SQLite transaction, or
        raise StateWriteError, which makes the store roll the commit back."""
        db = self._db
        try:
            if db is None:
                raise sqlite3.ProgrammingError("the state file is closed")
            statements: list[tuple[str, tuple]] = [("DELETE FROM records", ())] if commit.replaced else []
            for kind, records in commit.changes.items():
                for record_id, record in records.items():
                    statements.append(
                        ("DELETE FROM records WHERE kind = ? AND id = ?", (kind, record_id))
                        if record is None
                        else (UPSERT, (kind, record_id, _encode(record)))
                    )
            sequences = [(kind, last) for kind, last in commit.sequences.items() if self._sequences.get(kind) != last]
            statements += [("INSERT OR REPLACE INTO sequences VALUES (?, ?)", pair) for pair in sequences]
            self._check_identity()
            if len(statements) == 1:  # e.g. an update: one statement is its own transaction, a third of the calls
                db.execute(*statements[0])
            elif statements:
                db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in statements:
                        db.execute(*statement)
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
        except Exception as error:  # disk full, permissions, encoding, anything: nothing acknowledged
            raise StateWriteError(f"the change could not be saved to {self.path} ({error}), so it was undone") from None
        self._sequences.update(sequences)
        self.writes += 1
        if self.writes % CHECKPOINT_EVERY == 0 and self._checkpointer is not None:  # attach() set it
            self._checkpointer.wake.set()

    def _check_identity(self) -> None:
        """Open handles would write on happily into a removed or replaced file, or WAL: the
        write would be acknowledged and then lost at the next start."""
        found = os.stat(self.path)
        if (found.st_dev, found.st_ino) != self._identity:
            raise FileNotFoundError(f"{self.path} was replaced by another file")
        wal = self._sidecar("-wal")
        try:
            found = os.stat(wal)
        except FileNotFoundError:
            if self._wal_identity is not None:
                raise FileNotFoundError(f"{wal} (the write-ahead log) was removed") from None
            return
        if self._wal_identity is None:
            self._wal_identity = (found.st_dev, found.st_ino)
        elif (found.st_dev, found.st_ino) != self._wal_identity:
            raise FileNotFoundError(f"{wal} (the write-ahead log) was replaced by another file")

    def close(self) -> None:
        """Close the database (its WAL is checkpointed) and release the lock."""
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._db is not None:
            lock = self._store.lock if self._store is not None else contextlib.nullcontext()
            with lock:  # a commit being written finishes first
                self._db.close()
                self._db = None
        for name in ("_file_lock_fd", "_lock_fd"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)


def _hold(fd: int, refusal: str) -> int:
    """Take an exclusive lock on `fd` without waiting, or close it and refuse to start."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise StateFileError(refusal) from None
    return fd

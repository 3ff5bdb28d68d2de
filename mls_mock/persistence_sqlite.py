"""The SQLite side of `--state FILE` (persistence.py binds it to a store): the file format
and its marks, creating a complete new file, reading one back as a seed document, the
connection settings and the background checkpointer.
"""

import contextlib
import json
import os
import re
import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

from .store import SEED_KINDS
from .validation import STRICT_JSON

FORMAT = "mls-mock-state/2"
JSON_FORMAT = "mls-mock-state/1"  # the JSON file of mls-mock before SQLite
APPLICATION_ID = 0x4D4C534D  # "MLSM" in the SQLite header (offset 68)
SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")
# How the earlier release's JSON state file starts: it wrote "format" first.
OLD_JSON_START = re.compile(rb'\s*\{\s*"format"\s*:\s*"' + re.escape(JSON_FORMAT.encode()) + rb'"')
SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    (
        "CREATE TABLE records (kind TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id))"
        " WITHOUT ROWID"
    ),
    "CREATE TABLE sequences (kind TEXT PRIMARY KEY, last_id INTEGER NOT NULL)",
)
CHECKPOINT_EVERY = 200  # commits between two background checkpoints (a commit is a few WAL pages)
WAL_SIZE_LIMIT = 64 * 1024 * 1024  # bytes the WAL file is cut back to once checkpointed
UPSERT = "INSERT OR REPLACE INTO records VALUES (?, ?, ?)"
REFUSE = "mls-mock refuses to start and leaves the file untouched; move it away or pass another --state"


class StateFileError(Exception):
    """The state file cannot be used; the server refuses to start rather than lose it."""


def sidecar(path: Path, suffix: str) -> Path:
    """A file SQLite keeps next to `path` (`-wal`, `-shm`, `-journal`)."""
    return path.with_name(path.name + suffix)


def create_file(path: Path, document: dict) -> None:
    """Write `document` as a complete new state file under a temp name, then rename it into
    place, so the file is complete or absent."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # in the main file, before WAL
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("BEGIN")
            for statement in SCHEMA:
                db.execute(statement)
            db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
            db.executemany(
                "INSERT INTO records VALUES (?, ?, ?)",
                [(kind, record["id"], encode(record)) for kind in SEED_KINDS for record in document[kind]],
            )
            db.executemany("INSERT INTO sequences VALUES (?, ?)", document["sequences"].items())
            db.execute("COMMIT")
        finally:
            db.close()  # checkpoints the WAL into the file and removes it
        fsync_path(temp)
        for suffix in SIDECARS:  # a WAL left by a removed or emptied file would be replayed into ours
            with contextlib.suppress(FileNotFoundError):
                sidecar(path, suffix).unlink()
        os.replace(temp, path)
        fsync_path(path.parent)
    except (OSError, sqlite3.Error, ValueError) as error:
        for leftover in (temp, *(temp.with_name(temp.name + suffix) for suffix in SIDECARS)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise StateFileError(f"{path}: cannot create the state file: {error}") from None


def connect(path: Path, fsync: bool) -> sqlite3.Connection:
    db = sqlite3.connect(
        f"file:{quote(str(path))}?mode=rw", uri=True, isolation_level=None, check_same_thread=False
    )  # used under the store lock, from any thread
    db.execute(f"PRAGMA synchronous = {'FULL' if fsync else 'NORMAL'}")
    return db


class Checkpointer(threading.Thread):
    """Copies the WAL into the database file in the background. A checkpoint fsyncs (tens
    of ms on a busy disk); run by the writer, as SQLite does by default, it would stall every
    write under the store lock. A passive checkpoint runs beside the writer, never blocking it."""

    def __init__(self, db: sqlite3.Connection):
        super().__init__(name="mls-mock-checkpoint", daemon=True)
        self.db, self.wake, self.stopping = db, threading.Event(), False

    def run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            if self.stopping:
                return
            with contextlib.suppress(sqlite3.Error):  # e.g. disk full: the WAL keeps the data, retried later
                self.db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def stop(self) -> None:
        self.stopping = True
        self.wake.set()
        if self.is_alive():
            self.join()
        self.db.close()


def read_document(path: str | os.PathLike) -> dict:
    """The state file's records as a seed document (`dump()`'s format plus "format"), read
    through a read-only connection. Raises StateFileError saying why it cannot be read."""
    path = Path(path)
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise StateFileError(f"{path}: cannot open the state file: {error}; {REFUSE}") from None
    try:
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("format") != FORMAT:
                raise StateFileError(
                    f"{path}: written in format {meta.get('format')!r}, this mls-mock reads {FORMAT!r}; {REFUSE}"
                )
            document: dict = {"format": FORMAT}
            for kind in SEED_KINDS:
                document[kind] = [
                    STRICT_JSON.decode(data)
                    for (data,) in db.execute("SELECT data FROM records WHERE kind = ? ORDER BY id", (kind,))
                ]
            document["sequences"] = dict(db.execute("SELECT kind, last_id FROM sequences"))
        except (sqlite3.Error, ValueError, RecursionError) as error:
            raise StateFileError(f"{path}: not a readable mls-mock state file ({error}); {REFUSE}") from None
    finally:
        db.close()
    return document


def encode(record: dict) -> str:
    """Readable JSON, or \\u escapes when a lone surrogate (from a seed file) cannot be UTF-8."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, separators=(",", ":"))
    return text


def fsync_path(path: Path) -> None:
    """Make a file's contents (or, for a directory, a rename in it) durable, where possible."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

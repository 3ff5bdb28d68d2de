"""Durable state for `mls-mock serve --state FILE`.

The file is the store's seed-format dump (see `Store.dump`) plus a `"format"` marker, so a
state file is also a valid seed document. Guarantees:

- Every acknowledged change is on disk before its response is sent: the store calls
  `_changed` after each successful change, still under its lock, before the handler returns.
- The file is never half-written: each save writes a temp file in the same directory,
  fsyncs it, `os.replace`s it over the old one and fsyncs the directory. After `kill -9`
  at any moment the file holds the old state or the new one, never a mix.
- A file that is not JSON, not ours, or whose records do not load is refused at start with
  a message saying why, and is never overwritten.
- IDs continue: the dump carries the ID sequences.
- One server per file: a lock on a hidden sidecar (`.NAME.lock`) refuses a second server,
  whose writes would otherwise silently replace the first one's.
- Links: a symlink is followed, so saves replace the file it points to and the lock sits
  next to that file (a second server through another link is refused). A file with
  several hard links is refused: a save (rename) would leave the other names on the old
  contents, and a second server could lock and write through another name.
"""
import contextlib
import json
import os
from pathlib import Path
from typing import Callable, Iterator, Optional, Union

from .errors import MLSMockError, SeedError
from .store import Store
from .validation import STRICT_JSON

try:
    import fcntl
except ImportError:  # Windows: no advisory lock, everything else works
    fcntl = None

FORMAT = "mls-mock-state/1"
FORMAT_PREFIX = "mls-mock-state/"
# Where `install` puts the StateFile among the app's extensions, for the admin API.
EXTENSION = "mls_mock.state_file"


class StateFileError(Exception):
    """The state file cannot be used; the server refuses to start rather than lose it."""


class StateWriteError(MLSMockError):
    """Saving failed (disk full, permissions): the change is undone in memory too and the
    request answered 503, so a refused request changes nothing, in memory or on disk."""

    status = 503


class StateFile:
    """One state file bound to one store; `attach` loads it and keeps it up to date."""

    def __init__(self, path: Union[str, os.PathLike]):
        self.given = Path(path).expanduser().absolute()
        try:  # the real file: saves must replace it, not the link, and the lock must be its own
            self.path = self.given.resolve()
        except (OSError, RuntimeError) as error:  # a symlink loop
            raise StateFileError(f"{self.given}: cannot follow the link: {error}") from None
        self._lock_fd: Optional[int] = None
        self._held = 0
        self._dirty = False
        self._rolling_back = False
        self._saved: Optional[dict] = None  # what the file holds: the state to roll back to
        self.writes = 0

    # ---- start ------------------------------------------------------------------------

    def attach(self, store: Store, initial: Optional[Callable[[], None]] = None) -> bool:
        """Load the file into the (empty) store, then save after every change.

        Returns whether a saved state was found. A missing or zero-byte file means "start
        afresh": `initial()` fills the store (e.g. from a seed) and the file is written at
        once, so a read-only directory fails here, not on the first change.
        """
        if not self.path.parent.is_dir():
            raise StateFileError(f"{self.path}: the directory {self.path.parent} does not exist")
        try:
            links = self.path.stat().st_nlink
        except OSError:
            links = 1  # no file yet (or unreadable: _load_into says why)
        if links > 1:
            raise StateFileError(
                f"{self.path}: the file has {links} hard links; each save replaces the file, which would leave "
                f"the other names on old contents and let another server lock and write through one of them. "
                f"Pass a file with a single name (a symlink to it is fine)")
        self._take_lock()
        try:
            found = self._load_into(store)
            if found:
                self._saved = store.dump()
            if not found and initial is not None:
                initial()
            self._remove_stale_temps()
            store.subscribe(self._changed)
            if not found:
                try:
                    self.save(store)
                except StateWriteError as error:
                    raise StateFileError(f"{self.path}: cannot create the state file: {error.message}") from None
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
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StateFileError(
                f"{self.path}: another mls-mock server is using this state file (lock {lock_path} is held)"
            ) from None
        self._lock_fd = fd

    def _load_into(self, store: Store) -> bool:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return False
        except OSError as error:
            raise StateFileError(f"{self.path}: cannot read the state file: {error.strerror}") from None
        if not raw:
            return False
        refuse = "mls-mock refuses to start and leaves the file untouched; move it away or pass another --state"
        try:
            document = STRICT_JSON.decode(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise StateFileError(f"{self.path}: not a valid JSON state file ({error}); {refuse}") from None
        marker = document.get("format") if isinstance(document, dict) else None
        if not isinstance(marker, str) or not marker.startswith(FORMAT_PREFIX):
            raise StateFileError(
                f"{self.path}: not an mls-mock state file (no \"format\": \"{FORMAT}\" key); {refuse}")
        if marker != FORMAT:
            raise StateFileError(
                f"{self.path}: written in format {marker!r}, this mls-mock reads {FORMAT!r}; {refuse}")
        try:
            store.load(document, str(self.path))
        except SeedError as error:
            raise StateFileError(f"the state file does not load: {error.message}; {refuse}") from None
        return True

    def _remove_stale_temps(self):
        """Temp files of a server killed mid-save; safe to drop since we hold the lock."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    # ---- saving -----------------------------------------------------------------------

    def _changed(self, store: Store) -> None:
        if self._rolling_back:
            return
        if self._held:
            self._dirty = True
        else:
            self.save(store)

    def save(self, store: Store) -> None:
        """Write the whole state atomically and durably (see the module docstring)."""
        with store.lock:
            temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            try:
                document = {"format": FORMAT, **store.dump()}
                data = _encode(document)
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(temp, self.path)
                _fsync_directory(self.path.parent)
            except Exception as error:  # disk full, permissions, or anything else: nothing acknowledged
                with contextlib.suppress(OSError):
                    temp.unlink()
                self._roll_back(store)
                raise StateWriteError(
                    f"the change could not be saved to {self.path} ({error}), so it was undone") from None
            self._saved = document
            self.writes += 1

    def _roll_back(self, store: Store) -> None:
        """Put the store back to what the file holds (we hold the store's lock)."""
        self._rolling_back = True
        try:
            store.reset()
            if self._saved is not None:
                store.load(self._saved, str(self.path))
        finally:
            self._rolling_back = False

    @contextlib.contextmanager
    def batch(self, store: Store) -> Iterator[None]:
        """Several store changes saved as one: a crash inside leaves the state before it."""
        with store.lock:
            self._held += 1
            try:
                yield
            except BaseException:
                self._held -= 1
                if not self._held and self._dirty:  # half applied: back to what the file holds
                    self._dirty = False
                    self._roll_back(store)
                raise
            self._held -= 1
            if not self._held and self._dirty:
                self._dirty = False
                self.save(store)

    def close(self) -> None:
        """Release the lock; the file is already up to date."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def _encode(document: dict) -> bytes:
    """Readable UTF-8, or \\u escapes when a lone surrogate (from a seed file) cannot be UTF-8."""
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(document, separators=(",", ":")).encode("ascii")


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not possible (nor needed) on every platform."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def install(app, state_file: StateFile) -> None:
    """Let the admin API and /openapi.json know the app saves to a file (health's
    `persistent`, the 503 a failed save answers)."""
    app.extensions[EXTENSION] = state_file

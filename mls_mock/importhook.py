"""Running a callback right after a module is first imported.

The pytest plugin must not import `requests` or `sktmls` at start-up (a suite that never uses
them would pay ~300 ms), yet it must guard `requests` and tidy sktmls's stand-ins as soon as
anything imports them. Standard library only: importing this module costs nothing.

A module can run more than once in a process: pytester's in-process runs put sys.modules
back as they found it, so what a nested run imported first is imported afresh later. Each
callback runs for every such import, and must be idempotent for one module object.
"""

import importlib.abc
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

Callback = Callable[[str], None]


class _ThenLoader(importlib.abc.Loader):
    """The module's own loader, then the callbacks; the module keeps the real loader."""

    def __init__(self, loader: Any):
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # is_package, get_source, get_resource_reader...
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        _FINDER.fire(module.__name__)


class _AfterImportFinder(importlib.abc.MetaPathFinder):
    """First on sys.meta_path while callbacks are registered; asks the finders behind it."""

    def __init__(self) -> None:
        self._waiting: dict[str, list[Callback]] = {}
        self._lock = threading.RLock()

    def find_spec(self, fullname, path, target=None):
        if fullname not in self._waiting:
            return None
        for finder in list(sys.meta_path):
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _ThenLoader(spec.loader)
        return spec

    def add(self, names: Sequence[str], callback: Callback) -> None:
        with self._lock:
            for name in names:
                self._waiting.setdefault(name, []).append(callback)
            if self not in sys.meta_path:
                sys.meta_path.insert(0, self)

    def remove(self, callback: Callback) -> None:
        with self._lock:
            for name in list(self._waiting):
                self._waiting[name] = [c for c in self._waiting[name] if c is not callback]
                if not self._waiting[name]:
                    del self._waiting[name]
            self._leave_if_idle()

    def fire(self, name: str) -> None:
        with self._lock:
            callbacks = list(self._waiting.get(name, ()))
        for callback in callbacks:
            callback(name)

    def _leave_if_idle(self) -> None:
        if not self._waiting and self in sys.meta_path:
            sys.meta_path.remove(self)


_FINDER = _AfterImportFinder()


def when_imported(names: Sequence[str], callback: Callback) -> Callable[[], None]:
    """Call `callback(name)` for each of `names` right after that module has run, every time
    it is imported afresh, and at once for one already imported. Returns the function that
    cancels it."""
    _FINDER.add(names, callback)
    for name in names:
        if name in sys.modules:
            callback(name)
    return lambda: _FINDER.remove(callback)

"""Lets sktmls's HTTP clients import without its ML stack.

`import sktmls` imports torch, joblib, xgboost and friends at module level although no HTTP
path of the channel, experiment, filter or model clients uses them. `allow_light_sktmls()`
adds an import finder, last in line, that stands in for those packages only when their top
level is not installed (an installed package is used, and its missing optional submodules
stay missing), and only for imports made by sktmls's own modules (any other library probing
for torch still sees it missing). Using a stand-in raises ModuleNotFoundError naming the
package.

`prepare_light_sktmls()` is the cheap start of the same: the finder now, the rest when
something first imports sktmls (the pytest plugin calls it at start-up).
"""

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types

STOOD_IN = frozenset(
    {
        "torch",
        "joblib",
        "cloudpickle",
        "autogluon",
        "catboost",
        "lightgbm",
        "xgboost",
        "pandas",
        "simplejson",
        "google",
        "hvac",
    }
)
CLIENT_MODULES = ("sktmls", "sktmls.channels", "sktmls.experiments", "sktmls.filters", "sktmls.models")

# Reentrant: importing sktmls inside allow_light_sktmls() fires the import hook, which calls it.
_lock = threading.RLock()
INSTALL_HINT = 'pip install --no-deps "sktmls==2026.10.7" requests python-dateutil aiohttp'
MISSING_TEXT = f"mls-mock fakes the server of the sktmls client, which is not installed: {INSTALL_HINT}"


class SktmlsMissing(ModuleNotFoundError):
    """The sktmls client itself is not installed: nothing to fake for."""


# The sktmls module allow_light_sktmls() prepared: sktmls imported afresh (after pytester put
# sys.modules back) needs it again.
_ready_for: types.ModuleType | None = None
_hooked = False


def _missing(name: str) -> ModuleNotFoundError:
    root = name.partition(".")[0]
    return ModuleNotFoundError(
        f"{name} is not available: {root} is not installed, and mls-mock stood in for it only so that "
        f"sktmls's HTTP clients import. Install {root} to use this part of sktmls.",
        name=root,
    )


class _AbsentMeta(type):
    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _absent(f"{cls.__qualname__}.{attr}")

    def __call__(cls, *args, **kwargs):
        raise _missing(cls.__qualname__)


def _absent(qualname: str) -> type:
    """A placeholder for anything inside a stood-in package: a class (so sktmls may subclass
    or annotate with it) that raises as soon as it is used."""
    return _AbsentMeta(qualname, (), {"__qualname__": qualname, "__module__": qualname.partition(".")[0]})


class _StandInModule(types.ModuleType):
    __mls_mock_stand_in__ = True

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _absent(f"{self.__name__}.{attr}")


def _imported_by_sktmls() -> bool:
    frame: types.FrameType | None = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "sktmls" or module.startswith("sktmls."):
            return True
        frame = frame.f_back
    return False


class StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        root, dot, _ = fullname.partition(".")
        if root not in STOOD_IN or not _imported_by_sktmls():
            return None
        if dot:
            # Only inside a stand-in: an installed package's optional submodules (torch does
            # `try: from . import _rocm_init`) must stay missing, or the package breaks.
            parent = sys.modules.get(fullname.rpartition(".")[0])
            return self._spec(fullname) if stood_in(parent) else None
        return None if self._installed(root) else self._spec(fullname)

    def _spec(self, fullname):
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def _installed(self, root) -> bool:
        """Whether any other finder has `root`, whatever its place in sys.meta_path: a
        finder appended after this one must not be shadowed by a stand-in."""
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, StandInFinder) or not hasattr(finder, "find_spec"):
                continue
            if finder.find_spec(root, None) is not None:
                return True
        return False

    def create_module(self, spec):
        module = _StandInModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


def _install_finder() -> None:
    if not any(isinstance(f, StandInFinder) for f in sys.meta_path):
        sys.meta_path.append(StandInFinder())


def allow_light_sktmls() -> None:
    """Make the sktmls HTTP clients importable here. Idempotent and thread-safe; a full
    sktmls install is left untouched (its real packages are found before the finder)."""
    global _ready_for
    if _ready_for is not None and sys.modules.get("sktmls") is _ready_for:
        return  # called on every MLSMock.start(): the sys.modules scan below costs ~0.4 ms
    with _lock:
        if _ready_for is not None and sys.modules.get("sktmls") is _ready_for:
            return
        _install_finder()
        try:
            for name in CLIENT_MODULES:
                try:
                    __import__(name)
                except ModuleNotFoundError as error:
                    if error.name != "sktmls":
                        raise
                    raise SktmlsMissing(MISSING_TEXT, name="sktmls") from None
        finally:
            # sktmls keeps its references; other code importing torch later must not get ours.
            for name in [n for n, m in list(sys.modules.items()) if stood_in(m)]:
                del sys.modules[name]
        _ready_for = sys.modules.get("sktmls")


def _on_sktmls_imported(name: str) -> None:
    try:
        allow_light_sktmls()
    except Exception:  # the importer's own `from sktmls.x import` (or a fixture) reports it
        pass


def prepare_light_sktmls() -> None:
    """What `allow_light_sktmls()` does, without importing sktmls (~250 ms with aiohttp): the
    finder now, so a later `import sktmls` anywhere works, and the client imports and the
    stand-ins' clean-up right after that import. Raises SktmlsMissing when sktmls is not
    installed."""
    from .importhook import when_imported  # not at the top: tests load this file on its own

    global _hooked
    if "sktmls" in sys.modules:
        allow_light_sktmls()
        return
    try:
        spec = importlib.util.find_spec("sktmls")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise SktmlsMissing(MISSING_TEXT, name="sktmls")
    with _lock:
        _install_finder()
        if not _hooked:
            _hooked = True
            when_imported(("sktmls",), _on_sktmls_imported)


def stood_in(module) -> bool:
    """Whether `module` (e.g. sktmls.models.mls_model.torch) is a stand-in."""
    return bool(getattr(module, "__mls_mock_stand_in__", False))

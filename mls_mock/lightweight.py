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

# Packages sktmls imports at module level that a light install lacks. A dotted entry stands
# in below an installed namespace (`google` may hold google-auth but no BigQuery).
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
        "boto3",
        "hvac",
        "google.cloud.bigquery",
    }
)
# Imported up front, so that the stand-ins they needed can be cleared from sys.modules at
# once (sktmls keeps its references; a stand-in left there would answer anyone's import).
CLIENT_MODULES = ("sktmls", "sktmls.channels", "sktmls.experiments", "sktmls.filters", "sktmls.models")
# The other clients that talk to the AB API, imported up front only when stand-ins are in
# use (a light install): under a full install the automl module alone imports autogluon.
LIGHT_ONLY_CLIENT_MODULES = (
    "sktmls.models.automl.automl_prediction",
    "sktmls.components",
    "sktmls.datasets",
    "sktmls.dimensions",
    "sktmls.meta_tables",
    "sktmls.ml_features",
    "sktmls.clients",
    "sktmls.profiles",
    "sktmls.graphs",
    "sktmls.data_status",
    "sktmls.dynamodb",
)

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
        if _called_by_a_module_body_of_sktmls():
            # sktmls/dynamodb/dynamodb.py runs `boto3.resource(...)` on import: give back a
            # placeholder, which raises when the MMS path that needs boto3 uses it.
            return _absent(f"{cls.__qualname__}()")
        raise _missing(cls.__qualname__)

    # sktmls checks arguments with `type(x) == pandas.core.frame.DataFrame`
    # (MetaTableClient.create_meta_items_by_dataframe): the comparison says what is missing
    # instead of failing a bare assert. Hashable still, so typing can hold the class.
    def __eq__(cls, other):
        if other is cls:
            return True
        raise _missing(cls.__qualname__)

    __hash__ = type.__hash__


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


def _called_by_a_module_body_of_sktmls() -> bool:
    frame = sys._getframe(2)
    module = frame.f_globals.get("__name__", "")
    return frame.f_code.co_name == "<module>" and (module == "sktmls" or module.startswith("sktmls."))


def _imported_by_sktmls() -> bool:
    """Whether the import being run is sktmls's own statement: not a package sktmls imports
    probing for an optional one (requests tries simplejson; a stand-in would break it)."""
    frame: types.FrameType | None = sys._getframe(2)
    while frame is not None and (
        frame.f_code.co_filename.startswith("<frozen importlib")
        or frame.f_globals.get("__name__") in ("importlib", __name__)
    ):
        frame = frame.f_back
    module = frame.f_globals.get("__name__", "") if frame is not None else ""
    return module == "sktmls" or module.startswith("sktmls.")


def _under_a_stand_in(name: str) -> bool:
    """`name` is a STOOD_IN package or inside one."""
    return any(name == entry or name.startswith(entry + ".") for entry in STOOD_IN)


def _on_the_way_to_a_stand_in(name: str) -> bool:
    """`name` is a STOOD_IN package, inside one, or a namespace above a dotted one."""
    return _under_a_stand_in(name) or any(entry.startswith(name + ".") for entry in STOOD_IN)


class StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if not _on_the_way_to_a_stand_in(fullname) or not _imported_by_sktmls():
            return None
        parent_name, dot, _ = fullname.rpartition(".")
        parent = sys.modules.get(parent_name) if dot else None
        if stood_in(parent):
            return self._spec(fullname)
        if dot and _under_a_stand_in(parent_name):
            # Inside an installed package: its optional submodules (torch does `try: from .
            # import _rocm_init`) must stay missing, or the package breaks.
            return None
        return None if self._installed(fullname, getattr(parent, "__path__", None)) else self._spec(fullname)

    def _spec(self, fullname):
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def _installed(self, fullname, path) -> bool:
        """Whether any other finder has `fullname`, whatever its place in sys.meta_path: a
        finder appended after this one must not be shadowed by a stand-in."""
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, StandInFinder) or not hasattr(finder, "find_spec"):
                continue
            if finder.find_spec(fullname, path) is not None:
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
        # requests probes for simplejson on import: imported under sktmls's import it would
        # take the stand-in and fail every request, so it comes first.
        import requests  # noqa: F401

        _install_finder()
        try:
            for name in CLIENT_MODULES:
                try:
                    __import__(name)
                except ModuleNotFoundError as error:
                    if error.name != "sktmls":
                        raise
                    raise SktmlsMissing(MISSING_TEXT, name="sktmls") from None
            if any(stood_in(module) for module in list(sys.modules.values())):
                for name in LIGHT_ONLY_CLIENT_MODULES:
                    __import__(name)
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

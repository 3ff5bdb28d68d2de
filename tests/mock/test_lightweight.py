"""The stand-in finder answers only for ML packages that are not installed at all.

The synthetic cases run in a fresh interpreter started with -S, so that neither venv's
site-packages (the light one without torch, the full one with it) decides the outcome: the
packages on its path are the ones each test writes, plus lightweight.py loaded by file (it
needs only the standard library). The last case is the user's, in this process, under the
full install of `make test-full`.
"""
import importlib.util
import json
import subprocess
import sys
import textwrap
import types

import pytest

import mls_mock.lightweight

# A fake `sktmls` imports torch as the real one does (sktmls/model_registry.py), from its
# own module, so the finder sees sktmls on the stack.
SKTMLS_INIT = "import torch\n"

# What torch/__init__.py does with its optional ROCm hook; any other installed package that
# probes an optional submodule behaves the same.
INSTALLED_TORCH_INIT = textwrap.dedent("""
    try:
        from . import _rocm_init
    except ImportError:
        ROCM = False
    else:
        _rocm_init.initialize()
        ROCM = True
""")

PRELUDE = textwrap.dedent("""
    import importlib.util, json, sys
    sys.path[:0] = [{packages!r}]
    spec = importlib.util.spec_from_file_location("lightweight", {lightweight!r})
    lightweight = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lightweight)
""")


def _run(tmp_path, packages: dict, script: str) -> dict:
    """Write `packages` ({"torch/__init__.py": source, ...}) under tmp_path, run `script` after
    the prelude, and return the JSON it prints last."""
    root = tmp_path / "site"
    for relative, source in {"sktmls/__init__.py": SKTMLS_INIT, **packages}.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(source)
    code = PRELUDE.format(packages=str(root), lightweight=mls_mock.lightweight.__file__) + textwrap.dedent(script)
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_installed_package_keeps_its_optional_submodules_missing(tmp_path):
    result = _run(tmp_path, {"torch/__init__.py": INSTALLED_TORCH_INIT}, """
        sys.meta_path.append(lightweight.StandInFinder())
        import sktmls  # before the fix: torch._rocm_init.initialize is not available
        print(json.dumps({"stood_in": lightweight.stood_in(sktmls.torch), "rocm": sktmls.torch.ROCM,
                          "file": sktmls.torch.__file__}))
    """)
    assert result["stood_in"] is False
    assert result["rocm"] is False  # the ImportError torch expects reached it
    assert result["file"] == str(tmp_path / "site" / "torch" / "__init__.py")


def test_a_finder_later_in_line_is_not_shadowed_by_a_stand_in(tmp_path):
    """An import hook appended after ours (as a package may do at run time) still serves
    the real package: "installed" means found by any other finder, not by the earlier ones."""
    result = _run(tmp_path, {}, """
        import importlib.machinery, types

        class LateTorch:
            def find_spec(self, name, path=None, target=None):
                return importlib.machinery.ModuleSpec(name, self) if name == "torch" else None
            def create_module(self, spec):
                return types.ModuleType(spec.name)
            def exec_module(self, module):
                module.LATE = True

        sys.meta_path.append(lightweight.StandInFinder())
        sys.meta_path.append(LateTorch())
        import sktmls
        print(json.dumps({"stood_in": lightweight.stood_in(sktmls.torch),
                          "late": getattr(sktmls.torch, "LATE", None) is True}))
    """)
    assert result == {"stood_in": False, "late": True}


def test_an_absent_package_is_stood_in_for_sktmls_only_and_raises_when_used(tmp_path):
    result = _run(tmp_path, {"sktmls/model.py": "import torch.nn.functional\nfrom torch import Tensor\n"}, """
        sys.meta_path.append(lightweight.StandInFinder())
        import sktmls.model
        try:
            sktmls.model.torch.nn.functional.relu(1)
        except ModuleNotFoundError as error:
            used = error.name
        for name in [n for n in sys.modules if n.split(".")[0] == "torch"]:
            del sys.modules[name]  # as allow_light_sktmls() does, so the next import asks again
        try:
            import torch
            elsewhere = "imported"
        except ModuleNotFoundError as error:
            elsewhere = error.name
        print(json.dumps({"stood_in": [lightweight.stood_in(m) for m in (sktmls.torch, sktmls.model.torch.nn)],
                          "tensor_is_placeholder": isinstance(sktmls.model.Tensor, type),
                          "used": used, "elsewhere": elsewhere}))
    """)
    assert result == {"stood_in": [True, True], "tensor_is_placeholder": True, "used": "torch",
                      "elsewhere": "torch"}


def test_under_a_full_install_sktmls_gets_only_real_packages():
    """The user's case: MLSMock() with torch and the rest installed (make test-full)."""
    if importlib.util.find_spec("torch") is None:  # not importorskip: a broken import must fail here
        pytest.skip("a light install, where standing in is the point")
    from mls_mock import MLSMock

    with MLSMock():
        import sktmls.model_registry
    references = {f"{module.__name__}.{name}": value for module in list(sys.modules.values())
                  if (getattr(module, "__name__", "") or "").partition(".")[0] == "sktmls"
                  for name, value in vars(module).items() if isinstance(value, types.ModuleType)}
    assert [name for name, value in references.items() if mls_mock.lightweight.stood_in(value)] == []
    assert sktmls.model_registry.torch is sys.modules["torch"]


def test_a_dotted_entry_stands_in_below_an_installed_namespace(tmp_path):
    """sktmls's automl module does `from google.cloud.bigquery import ...`; a light install
    may have the `google` namespace (google-auth) without BigQuery: the stand-in fills only
    the missing part and the installed one stays real."""
    packages = {
        "google/auth/__init__.py": "REAL = True\n",  # `google` is a namespace package (no __init__)
        "sktmls/automl.py": "from google.cloud.bigquery import TimePartitioning\nimport google.auth\n",
    }
    result = _run(tmp_path, packages, """
        sys.meta_path.append(lightweight.StandInFinder())
        import sktmls.automl
        import google
        print(json.dumps({"bigquery": lightweight.stood_in(sys.modules["google.cloud.bigquery"]),
                          "google": lightweight.stood_in(google), "auth_real": sktmls.automl.google.auth.REAL,
                          "placeholder": isinstance(sktmls.automl.TimePartitioning, type)}))
    """)
    assert result == {"bigquery": True, "google": False, "auth_real": True, "placeholder": True}


def test_a_stand_in_called_while_sktmls_imports_gives_a_placeholder_that_raises_when_used(tmp_path):
    """sktmls/dynamodb/dynamodb.py calls `boto3.resource(...)` at import; the HTTP path never
    uses it, the MMS path does and must say what is missing. A call from anywhere else raises."""
    packages = {"sktmls/dynamo.py": "import boto3\ndynamodb = boto3.resource('dynamodb')\n"}
    result = _run(tmp_path, packages, """
        sys.meta_path.append(lightweight.StandInFinder())
        import sktmls.dynamo
        try:
            sktmls.dynamo.dynamodb.Table("t")
        except ModuleNotFoundError as error:
            used = error.name
        try:
            sktmls.dynamo.boto3.resource("dynamodb")
        except ModuleNotFoundError as error:
            later = error.name
        print(json.dumps({"used": used, "later": later}))
    """)
    assert result == {"used": "boto3", "later": "boto3"}


def test_a_package_sktmls_imports_keeps_its_own_optional_imports_missing(tmp_path):
    """requests, imported first by sktmls, probes for simplejson: that import is requests's,
    not sktmls's, so it must fail as usual (a stand-in made every request with a body fail)."""
    probe = "try:\n    import simplejson\n    HAS_SIMPLEJSON = True\nexcept ImportError:\n    HAS_SIMPLEJSON = False\n"
    packages = {"sktmls/__init__.py": "import probing\nimport simplejson\n", "probing/__init__.py": probe}
    result = _run(tmp_path, packages, """
        sys.meta_path.append(lightweight.StandInFinder())
        import sktmls
        print(json.dumps({"probe_has_it": sktmls.probing.HAS_SIMPLEJSON,
                          "sktmls_stand_in": lightweight.stood_in(sktmls.simplejson)}))
    """)
    assert result == {"probe_has_it": False, "sktmls_stand_in": True}


def test_every_ab_client_imports_and_no_stand_in_is_left_for_others():
    """Every client of the AB API imports in a light install, and no stand-in stays in
    sys.modules afterwards, where a later `import pandas` (or a find_spec deciding whether
    pandas is installed) would get it."""
    script = textwrap.dedent("""
        import importlib, importlib.util, json, sys
        from mls_mock.lightweight import LIGHT_ONLY_CLIENT_MODULES, allow_light_sktmls, stood_in
        allow_light_sktmls()
        for name in LIGHT_ONLY_CLIENT_MODULES:
            importlib.import_module(name)
        left = sorted(n for n, m in sys.modules.items() if stood_in(m))
        print(json.dumps({"left": left, "pandas": importlib.util.find_spec("pandas") is not None}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["left"] == []
    if importlib.util.find_spec("pandas") is None:  # a light install: pandas must still look missing
        assert result["pandas"] is False

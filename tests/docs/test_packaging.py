"""A wheel holds every package of mls_mock: the explicit list in pyproject.toml once missed
`mls_mock.store`, and an editable install (what `make` uses) cannot notice."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_every_package_directory_is_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    renamed = {package: ROOT / folder for package, folder in config.get("package-dir", {}).items()}
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "mls_mock").rglob("__init__.py")}
    found |= {package for package, folder in renamed.items() if (folder / "__init__.py").exists()}
    # Folders of data only (the dashboard's), listed so that setuptools ships them quietly.
    found |= {package for package in config["package-data"] if (ROOT / package.replace(".", "/")).is_dir()}
    assert found - listed == set(), "packages a wheel would leave out"
    assert listed - found == set(), "listed packages that do not exist"


def test_every_dashboard_file_is_in_the_wheel():
    """The dashboard's templates, script and style sheet are package data: a wheel without them
    serves no page (an editable install finds them in the tree either way)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folder = ROOT / "mls_mock" / "ui"
    files = [path.relative_to(folder) for path in folder.rglob("*") if path.is_file() and path.suffix != ".pyc"
             and path.suffix != ".py" and "__pycache__" not in path.parts]
    assert {"templates", "static"} <= {path.parts[0] for path in files}
    shipped = {(package, pattern) for package, patterns in config["package-data"].items() for pattern in patterns}
    assert [path for path in files if not any(
        package == f"mls_mock.ui.{path.parts[0]}" and path.relative_to(path.parts[0]).match(pattern)
        for package, pattern in shipped)] == []

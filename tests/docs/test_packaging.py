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
    assert found - listed == set(), "packages a wheel would leave out"
    assert listed - found == set(), "listed packages that do not exist"

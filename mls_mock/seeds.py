"""Finding and reading seed documents: a dict, a path to a JSON file, or the name of a set
shipped in the top-level `fixtures/` package (a JSON file there, or a set built on demand)."""

import os
from collections.abc import Callable
from pathlib import Path

from .errors import SeedError
from .validation import STRICT_JSON


def fixtures_dir() -> Path:
    from . import fixtures  # the repository's fixtures/, installed as mls_mock.fixtures

    return Path(fixtures.__file__).resolve().parent


def _generated() -> dict[str, Callable[[], dict]]:
    """Sets too large to ship as JSON, built when asked for."""
    from .fixtures import large

    return {"large": large.build}


def available_seeds() -> list[str]:
    return sorted({p.stem for p in fixtures_dir().glob("*.json")} | set(_generated()))


def read_seed(data: str | os.PathLike | dict) -> tuple[dict, str]:
    """(document, a name for it in error messages)."""
    if isinstance(data, dict):
        return data, "seed document"
    path = Path(data)
    build = _generated().get(str(data))
    if build is not None and not path.is_file():
        return build(), f"the {data} set (built by mls_mock.fixtures.{data})"
    if not path.is_file() and path.suffix != ".json":
        path = fixtures_dir() / f"{data}.json"
    if not path.is_file():
        raise SeedError(f"{data}: no such seed file, nor a set in fixtures/ (shipped: {', '.join(available_seeds())})")
    try:
        return STRICT_JSON.decode(path.read_text(encoding="utf-8")), str(path)
    except (ValueError, UnicodeDecodeError) as error:
        raise SeedError(f"{path}: not valid JSON: {error}") from None

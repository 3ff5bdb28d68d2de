"""The README's examples run as written: documentation that drifts is a bug."""
import pathlib
import re

import pytest

README = pathlib.Path(__file__).parents[2] / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_mlsmock_example_runs_as_written():
    example = _section("Using it from Python").split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)
    last = namespace["mls"].calls[-1]
    assert (last.method, last.status) == ("GET", 503)  # the injected fault was what the client saw


def test_quick_start_commands_are_the_ones_make_and_ci_run():
    quick_start = _section("Quick start")
    commands = re.findall(r"^make (\w+)", quick_start, flags=re.M)
    assert commands[:2] == ["serve", "test"]
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in commands[:2]:
        assert re.search(rf"^{target}:", makefile, flags=re.M), f"make {target} is not in the Makefile"
    assert "make test" in (README.parent / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("constant", ["PAGE_SIZE", "DEFAULT_TIMEZONE", "MAX_NAME_LENGTH", "MAX_BODY_BYTES",
                                      "BUCKET_RANGE_UNSET", "MODEL_TYPE_FOR_PREDICTION", "MISSING_DESCRIPTION",
                                      "DELETE_RESULTS", "ACCEPT_ANY_CREDENTIALS"])
def test_every_assumption_constant_is_in_the_readme_table(constant):
    from mls_mock import assumptions

    assert hasattr(assumptions, constant)
    assert f"`{constant}`" in _section("Assumptions about the real server")

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
    commands = re.findall(r"^make ([\w-]+)", quick_start, flags=re.M)
    assert commands == ["serve", "test", "test-thorough", "test-full", "lint"]
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in commands:
        assert re.search(rf"^{target}:", makefile, flags=re.M), f"make {target} is not in the Makefile"
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert re.findall(r"^timed make ([\w-]+)", ci, flags=re.M) == ["lint", "test", "test-thorough", "test-full"]


def _assumption_constants():
    from mls_mock import assumptions

    return sorted(name for name in vars(assumptions) if name.isupper())


@pytest.mark.parametrize("constant", _assumption_constants())
def test_every_assumption_constant_is_in_the_readme_table(constant):
    assert f"`{constant}`" in _section("Assumptions about the real server")


@pytest.mark.parametrize("constant, shown", [("PAGE_SIZE", "slice of {}"), ("MAX_NAME_LENGTH", "at most {} characters"),
                                             ("BUCKET_SLOTS", "over {} slots")])
def test_the_table_states_the_values_the_code_uses(constant, shown):
    from mls_mock import assumptions

    assert shown.format(getattr(assumptions, constant)) in _section("Assumptions about the real server")

"""`mls-mock verify` checks the README's assumptions table, all of it and nothing else: every
row has one registry entry (matched by its question), with a probe or a reason it has none."""
import pathlib
import re

import pytest

from mls_mock import assumptions
from mls_mock.verify_registry import ASSUMPTIONS, constants, load_probes

README = pathlib.Path(__file__).parents[2] / "README.md"


def _readme_questions() -> list:
    text = README.read_text(encoding="utf-8")
    table = text.split("## Assumptions about the real server\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    return [row.strip("| ").split(" | ", 1)[0] for row in rows[1:]]  # rows[0] is the header


def test_every_readme_row_has_a_registry_entry_and_no_entry_is_extra():
    readme, registry = _readme_questions(), [a.question for a in ASSUMPTIONS]
    assert [q for q in readme if q not in registry] == [], "README rows without a verify registry entry"
    assert [q for q in registry if q not in readme] == [], "registry entries the README table does not have"
    assert registry == readme, "the registry lists the rows in the README's order"


def test_ids_are_unique_and_stable_looking():
    ids = [a.id for a in ASSUMPTIONS]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9-]+", i) for i in ids)


@pytest.mark.parametrize("assumption", ASSUMPTIONS, ids=lambda a: a.id)
def test_each_entry_has_a_probe_or_a_reason_and_an_expectation(assumption):
    probes = load_probes()
    assert (assumption.id in probes) != bool(assumption.unprobeable)
    assert assumption.expectation()  # formats: every field it names is a constant


def test_no_probe_without_an_entry():
    assert set(load_probes()) <= {a.id for a in ASSUMPTIONS}


def test_expectations_are_written_from_the_constants(monkeypatch):
    before = {a.id: a.expectation() for a in ASSUMPTIONS}
    monkeypatch.setattr(assumptions, "MAX_NAME_LENGTH", 99)
    changed = {a.id for a in ASSUMPTIONS if a.expectation() != before[a.id]}
    assert changed == {"names"} and "99 characters" in dict((a.id, a.expectation()) for a in ASSUMPTIONS)["names"]
    assert constants()["MISSING_DESCRIPTION"] == "null"


def test_the_readme_section_names_every_flag_of_the_command():
    from mls_mock.cli import build_parser

    commands = next(a for a in build_parser()._actions if a.dest == "command")
    flags = [f for action in commands.choices["verify"]._actions for f in action.option_strings if f.startswith("--")]
    section = README.read_text(encoding="utf-8").split("## Checking the assumptions against a real server\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert [f for f in flags if f != "--help" and f"`{f}" not in section] == []

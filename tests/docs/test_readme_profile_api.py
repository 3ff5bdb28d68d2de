"""The README's "Profile API" example runs as written."""
import pathlib

README = pathlib.Path(__file__).parents[2] / "README.md"


def test_the_profile_api_example_runs_as_written():
    section = README.read_text(encoding="utf-8").split("### Profile API\n", 1)[1].split("\n## ", 1)[0]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}

    exec(compile(example, "README.md", "exec"), namespace)

    calls = namespace["mls"].calls
    assert [(c.method, c.path, c.status) for c in calls][-1] == ("GET", "/pf/v1/tw/profiles/default/users/u1", 200)
    assert calls[-1].query_all == {"f": ["age", "plan"], "mode": ["test"]}

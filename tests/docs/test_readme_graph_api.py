"""The README's "Graph API" example runs as written, on an empty fake (the demo has a graph)."""
import pathlib

README = pathlib.Path(__file__).parents[2] / "README.md"


def test_the_graph_api_example_runs_as_written(mls_factory, mls_graph_api_client):
    section = README.read_text(encoding="utf-8").split("### Graph API\n", 1)[1].split("\n## ", 1)[0]
    namespace: dict = {}
    exec(compile(section.split("```python\n", 1)[1].split("```", 1)[0], "README.md", "exec"), namespace)
    namespace["test_a_follower_graph"](mls_factory, mls_graph_api_client)
    assert [v.id for v in mls_graph_api_client.list_vertices()] == ["bob"]

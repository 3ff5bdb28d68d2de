"""The README's recommendation API section runs as written."""
import pathlib

README = pathlib.Path(__file__).parents[2] / "README.md"
SECTION = "Testing a service that calls the recommendation API"


def _python_blocks() -> list[str]:
    text = README.read_text(encoding="utf-8").split(f"## {SECTION}\n", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in text.split("```python\n")[1:]]


def test_the_30_70_example_and_registering_answers_run_as_written():
    split, answers = _python_blocks()
    namespace: dict = {}
    exec(compile(split, "README.md", "exec"), namespace)
    namespace["test_home_banner_is_split_30_70"]()  # a test a user copies: it asserts the split itself

    with namespace["MLSMock"]() as mls:
        namespace["mls"] = mls
        namespace["model"] = mls.store.create_model({"name": "upsell", "version": "v1", "model_type": "manual"})
        exec(compile(answers, "README.md", "exec"), namespace)
        assert mls.state.model_answers == {} and mls.store.dump()["model_answers"] == []

"""The `mls_seed` marker and the shipped seed sets."""
import json
from pathlib import Path

from mls_mock.fixtures import large
from mls_mock import Store
from mls_mock.seeds import available_seeds, read_seed


def test_seed_marker_preloads_the_demo_set(run):
    result = run('''
        import pytest
        @pytest.mark.mls_seed("demo")
        def test_it(mls_mock, mls_channel_client, mls_experiment_client):
            channel = mls_channel_client.get_channel(name="tworld_main_banner")
            experiment = mls_experiment_client.get_experiment(id=channel.experiments[0])
            buckets = mls_experiment_client.list_buckets(experiment)
            assert [b.bucket_range for b in buckets] == ["0-33", "34-66", "67-99"]
            assert buckets[1].prediction.ml_model.name == "tworld_home_reco"
        def test_unmarked_test_starts_empty(mls_mock):
            assert set(mls_mock.store.counts().values()) == {0}
    ''')
    result.assert_outcomes(passed=2)


def test_seed_marker_takes_paths_beside_the_test_and_stacks_module_then_test(run):
    result = run('''
        import pytest
        pytestmark = pytest.mark.mls_seed("one.json")
        @pytest.mark.mls_seed("two.json")
        def test_it(mls_mock):
            names = [e["name"] for e in mls_mock.store.list_experiments()]
            assert names == ["from_module", "from_test"]
    ''', **{"one.json": json.dumps({"experiments": [{"id": 1, "name": "from_module"}]}),
            "two.json": json.dumps({"experiments": [{"id": 2, "name": "from_test"}]})})
    result.assert_outcomes(passed=1)


def test_malformed_seed_file_names_the_file_record_and_field(run):
    bad = {"experiments": [{"id": 1, "name": "ok"}, {"id": 7, "name": "bad", "model_filter_id": "three"}]}
    result = run('''
        import pytest
        @pytest.mark.mls_seed("broken.json")
        def test_it(mls_mock):
            pass
    ''', **{"broken.json": json.dumps(bad)})
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*SeedError: *broken.json: experiments[[]1[]] (id 7): model_filter_id: must be a positive integer id*"])


def test_unknown_seed_name_lists_the_shipped_sets(run):
    result = run('''
        import pytest
        @pytest.mark.mls_seed("nope")
        def test_it(mls_mock):
            pass
    ''')
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*nope: no such seed file*shipped: demo, large*"])


def test_demo_set_round_trips_through_the_store():
    document, _ = read_seed("demo")
    store = Store()
    counts = store.load(document, "demo")
    assert counts == {kind: len(document[kind]) for kind in counts}
    again = Store()
    again.load(store.dump())
    assert again.dump() == store.dump()


def test_the_large_set_is_built_on_demand_not_shipped():
    document, source = read_seed("large")
    assert document == large.build() and "large" in source
    assert sum(len(records) for records in document.values()) == 41_000
    assert "large" in available_seeds()
    assert not (Path(large.__file__).parent / "large.json").exists()  # 300 KB the wheel no longer carries


def test_the_readme_example_loads_as_documented():
    readme = (Path(large.__file__).parent / "README.md").read_text(encoding="utf-8")
    example = json.loads(readme.split("```json", 1)[1].split("```", 1)[0])
    store = Store()
    store.load(example, "README example")
    assert store.create_channel({"screen_id": "next", "experiments": []}, "u")["id"] == 101
    assert store.get_experiment(1)["created_at"] == "2025-03-06T09:00:00+00:00"

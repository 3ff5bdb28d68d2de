"""Store: the lookups other resources use on components and datasets (a manual model names
its components; an automl model points at its dataset), kept true through writes and undone
with a refused one."""
import pytest

from mls_mock import Store
from mls_mock.errors import Conflict, FieldError, NotFound

DATASET = {"name": "d", "type": "score", "base_feature_conf": {"enabled": False},
           "label_data_conf": {"source_type": "file", "source_path": "labels.csv"}}


def component(store, name, info, is_latest=True):
    return store.create("components", {"name": name, "info": info, "is_latest": is_latest}, "u")


def test_latest_named_follows_creates_updates_and_deletes():
    store = Store()
    components = store.resources["components"]
    assert components.latest_named("c") is None
    first = component(store, "c", "v1")
    second = component(store, "c", "v2")
    assert components.latest_named("c")["id"] == second["id"]
    assert [r["id"] for r in components.versions("c")] == [first["id"], second["id"]]
    store.update("components", first["id"], {"name": "c", "info": "v1", "is_latest": True})
    assert components.latest_named("c")["id"] == first["id"]
    store.delete("components", first["id"])
    assert components.latest_named("c") is None and [r["id"] for r in components.versions("c")] == [second["id"]]


def test_a_refused_write_leaves_the_latest_where_it_was():
    store = Store()
    component(store, "c", "v1")
    kept = component(store, "c", "v2")
    before = store.dump()
    with pytest.raises(Conflict):
        with store.transaction():
            component(store, "c", "v3")  # demotes v2...
            component(store, "c", "v3")  # ...then clashes: all of it is undone
    assert store.dump() == before and store.resources["components"].latest_named("c")["id"] == kept["id"]


def test_a_dataset_is_found_for_a_body_by_id_and_refused_by_name_of_the_field():
    store = Store()
    made = store.create("datasets", DATASET)
    table = store.resources["datasets"].table
    assert table.referenced(made["id"], "dataset_id")["name"] == "d"
    with pytest.raises(FieldError, match="^dataset_id: dataset 9 does not exist"):
        table.referenced(9, "dataset_id")
    with pytest.raises(NotFound):
        table.get(9)


def test_set_state_checks_the_dataset_first():
    store = Store()
    with pytest.raises(NotFound):
        store.resources["datasets"].set_state(1, status="running")
    with pytest.raises(FieldError, match="^name: is not a field a test sets"):
        store.resources["datasets"].set_state(store.create("datasets", DATASET)["id"], name="x")

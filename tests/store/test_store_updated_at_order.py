"""An accepted write never leaves `updated_at` before `created_at`: the state would then not
load again (a seed with a future `created_at`, or a clock that stepped back, did that)."""
from mls_mock import Store

FUTURE = "2099-01-01T00:00:00.000000+00:00"


def test_an_update_of_a_record_created_in_the_future_keeps_its_state_loadable():
    store = Store()
    store.load({"vertices": [{"id": 1, "label": "V", "created_at": FUTURE}]}, "seed")
    updated = store.update("vertices", 1, {"label": "W"})

    assert updated["updated_at"] == FUTURE and updated["label"] == "W"
    Store().load(store.dump(), "the dump after the update")  # raised before the fix


def test_a_clock_stepping_back_between_a_create_and_an_update_keeps_the_order(monkeypatch):
    store = Store()
    made = store.create("vertices", {"label": "V"})
    monkeypatch.setattr(store, "_now", lambda: "2000-01-01T00:00:00.000000+00:00")
    updated = store.update("vertices", made["id"], {"label": "W"})

    assert updated["updated_at"] == made["created_at"]
    Store().load(store.dump(), "the dump after the update")

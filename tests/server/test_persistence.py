"""StateFile in-process: the cases a subprocess cannot easily stage."""
import json
import shutil

from mls_mock import Store, create_app, persistence
from mls_mock.persistence import FORMAT, StateFile

AUTH = {"Authorization": "Basic dTpw"}


def test_a_failed_save_is_a_503_envelope_not_an_acknowledgement(tmp_path):
    directory = tmp_path / "state"
    directory.mkdir()
    store = Store()
    state = StateFile(directory / "state.json")
    state.attach(store)
    app = create_app(store)
    shutil.rmtree(directory)  # every later save fails
    response = app.test_client().post("/api/v1/experiments", json={"name": "lost"}, headers=AUTH)
    assert response.status_code == 503
    assert response.get_json()["code"] == 503 and "could not be saved" in response.get_json()["error"]
    state.close()


def test_a_failed_save_undoes_the_change_in_memory_too(tmp_path, monkeypatch):
    """A refused request changes nothing: a retry must not meet a 409 from a ghost record."""
    store, state = Store(), StateFile(tmp_path / "state.json")
    state.attach(store)
    client = create_app(store).test_client()
    assert client.post("/api/v1/experiments", json={"name": "kept"}, headers=AUTH).status_code == 201
    before = store.dump()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(persistence.os, "replace", disk_full)
        refused = client.post("/api/v1/experiments", json={"name": "lost"}, headers=AUTH)
        assert refused.status_code == 503 and "undone" in refused.get_json()["error"]
        assert store.dump() == before
    retried = client.post("/api/v1/experiments", json={"name": "lost"}, headers=AUTH)
    assert retried.status_code == 201 and retried.get_json()["results"]["id"] == 2
    saved = json.loads((tmp_path / "state.json").read_text())
    assert [e["name"] for e in saved["experiments"]] == ["kept", "lost"]
    state.close()


def test_replacing_the_state_is_one_save(tmp_path):
    store, state = Store(), StateFile(tmp_path / "state.json")
    state.attach(store)
    app = create_app(store)
    app.state.state_file = state
    store.create_experiment({"name": "old"}, "u")
    before = state.writes
    document = {"experiments": [{"name": "a"}, {"name": "b"}]}
    assert app.test_client().put("/_mock/state", json=document).status_code == 200
    assert state.writes == before + 1  # not one for the reset and one for the load
    saved = json.loads((tmp_path / "state.json").read_text())
    assert [e["name"] for e in saved["experiments"]] == ["a", "b"]
    state.close()


def test_an_empty_file_starts_afresh_and_a_closed_file_can_be_reopened(tmp_path):
    path = tmp_path / "state.json"
    path.write_bytes(b"")
    store = Store()
    first = StateFile(path)
    assert first.attach(store) is False
    store.create_channel({"screen_id": "c", "experiments": []}, "u")
    first.close()
    again = Store()
    second = StateFile(path)
    assert second.attach(again) is True
    assert [c["screen_id"] for c in again.list_channels()] == ["c"]
    assert json.loads(path.read_text())["format"] == FORMAT
    second.close()


def test_a_state_file_with_a_lone_surrogate_still_saves(tmp_path):
    """A seed may carry "\\ud800" (escaped JSON allows it); saving must not fail on it forever."""
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"format": FORMAT, "experiments": [{"id": 1, "name": "bad\ud800"}]}))
    store, state = Store(), StateFile(path)
    state.attach(store)
    client = create_app(store).test_client()
    assert client.post("/api/v1/experiments", json={"name": "next"}, headers=AUTH).status_code == 201
    saved = json.loads(path.read_text())
    assert [e["name"] for e in saved["experiments"]] == ["bad\ud800", "next"]
    state.close()


def test_a_failed_batch_leaves_memory_as_the_file_has_it(tmp_path):
    store, state = Store(), StateFile(tmp_path / "state.json")
    state.attach(store)
    store.create_experiment({"name": "kept"}, "u")
    before = store.dump()
    try:
        with state.batch(store):
            store.reset()
            raise RuntimeError("a failure half way through")
    except RuntimeError:
        pass
    assert store.dump() == before
    assert [e["name"] for e in json.loads((tmp_path / "state.json").read_text())["experiments"]] == ["kept"]
    state.close()

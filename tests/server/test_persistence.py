"""StateFile in-process: the cases a subprocess cannot easily stage."""
import os
import pathlib
import shutil
import sqlite3

import pytest

from mls_mock import Store, create_app, persistence
from mls_mock.persistence import FORMAT, StateFile, StateFileError, read_document

AUTH = {"Authorization": "Basic dTpw"}


def test_a_failed_save_is_a_503_envelope_not_an_acknowledgement(tmp_path):
    directory = tmp_path / "state"
    directory.mkdir()
    store = Store()
    state = StateFile(directory / "state.db")
    state.attach(store)
    app = create_app(store)
    shutil.rmtree(directory)  # every later save fails (open handles would write into a removed file)
    response = app.test_client().post("/api/v1/experiments", json={"name": "lost"}, headers=AUTH)
    assert response.status_code == 503
    assert response.get_json()["code"] == 503 and "could not be saved" in response.get_json()["error"]
    assert store.counts()["experiments"] == 0
    state.close()


def test_a_failed_save_undoes_the_change_in_memory_too(tmp_path):
    """A refused request changes nothing: a retry must not meet a 409 from a ghost record."""
    store, state = Store(), StateFile(tmp_path / "state.db")
    state.attach(store)
    client = create_app(store).test_client()
    assert client.post("/api/v1/experiments", json={"name": "kept"}, headers=AUTH).status_code == 201
    before = store.dump()

    pages = state._db.execute("PRAGMA page_count").fetchone()[0]
    state._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full: SQLITE_FULL
    refused = client.post("/api/v1/experiments", json={"name": "lost", "description": "x" * 20_000}, headers=AUTH)
    assert refused.status_code == 503 and "undone" in refused.get_json()["error"]
    assert "full" in refused.get_json()["error"]
    assert store.dump() == before
    state._db.execute("PRAGMA max_page_count = 1073741823")  # space again
    retried = client.post("/api/v1/experiments", json={"name": "lost"}, headers=AUTH)
    assert retried.status_code == 201 and retried.get_json()["results"]["id"] == 2
    assert [e["name"] for e in read_document(state.path)["experiments"]] == ["kept", "lost"]
    state.close()


def test_replacing_the_state_is_one_save(tmp_path):
    store, state = Store(), StateFile(tmp_path / "state.db")
    state.attach(store)
    app = create_app(store)
    app.state.state_file = state
    store.create_experiment({"name": "old"}, "u")
    before = state.writes
    document = {"experiments": [{"name": "a"}, {"name": "b"}]}
    assert app.test_client().put("/_mock/state", json=document).status_code == 200
    assert state.writes == before + 1  # not one for the reset and one for the load
    assert [e["name"] for e in read_document(state.path)["experiments"]] == ["a", "b"]
    state.close()


def test_an_empty_file_starts_afresh_and_a_closed_file_can_be_reopened(tmp_path):
    path = tmp_path / "state.db"
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
    assert read_document(path)["format"] == FORMAT
    second.close()


def test_a_state_file_with_a_lone_surrogate_still_saves(tmp_path):
    """A seed may carry "\\ud800" (escaped JSON allows it); saving must not fail on it forever."""
    path = tmp_path / "state.db"
    store, state = Store(), StateFile(path)
    state.attach(store, lambda: store.load({"experiments": [{"id": 1, "name": "bad\ud800"}]}))
    client = create_app(store).test_client()
    assert client.post("/api/v1/experiments", json={"name": "next"}, headers=AUTH).status_code == 201
    state.close()
    assert [e["name"] for e in read_document(path)["experiments"]] == ["bad\ud800", "next"]
    again, reopened = Store(), StateFile(path)
    assert reopened.attach(again) is True
    assert again.get_experiment(1)["name"] == "bad\ud800"
    reopened.close()


def test_a_failed_transaction_leaves_memory_as_the_file_has_it(tmp_path):
    store, state = Store(), StateFile(tmp_path / "state.db")
    state.attach(store)
    store.create_experiment({"name": "kept"}, "u")
    before, writes = store.dump(), state.writes
    with pytest.raises(RuntimeError), store.transaction():
        store.reset()
        raise RuntimeError("a failure half way through")
    assert store.dump() == before and state.writes == writes
    assert [e["name"] for e in read_document(state.path)["experiments"]] == ["kept"]
    state.close()


def test_each_write_changes_only_its_rows(tmp_path):
    """The cost of a write does not grow with the data: untouched rows are not rewritten."""
    store, state = Store(), StateFile(tmp_path / "state.db")
    state.attach(store, lambda: store.load({"experiments": [{"name": f"e{i}"} for i in range(50)]}))
    changed = []
    state._db.set_trace_callback(changed.append)
    store.update_experiment(7, {"name": "seven"})
    store.delete_experiment(9)
    state._db.set_trace_callback(None)
    writes = [s for s in changed if s.startswith(("INSERT", "DELETE", "UPDATE"))]
    assert len(writes) == 2, writes
    names = {e["id"]: e["name"] for e in read_document(state.path)["experiments"]}
    assert names[7] == "seven" and 9 not in names and len(names) == 49
    state.close()


def test_fsync_turns_on_full_synchronous_writes(tmp_path):
    normal, full = StateFile(tmp_path / "a.db"), StateFile(tmp_path / "b.db", fsync=True)
    normal.attach(Store())
    full.attach(Store())
    synchronous = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
    assert synchronous[normal._db.execute("PRAGMA synchronous").fetchone()[0]] == "NORMAL"
    assert synchronous[full._db.execute("PRAGMA synchronous").fetchone()[0]] == "FULL"
    assert normal._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    normal.close()
    full.close()


def test_a_record_that_does_not_load_is_refused_and_no_wal_is_left(tmp_path):
    path = tmp_path / "state.db"
    state = StateFile(path)
    state.attach(Store())
    state.close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO records VALUES ('channels', 1, ?)", ('{"screen_id": "x", "experiments": [7]}',))
    db.close()
    content = path.read_bytes()
    with pytest.raises(StateFileError) as caught:
        StateFile(path).attach(Store())
    assert "channels[0]" in str(caught.value) and "refuses to start" in str(caught.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == [".state.db.lock", "state.db"]


def test_the_old_json_state_file_is_refused_with_how_to_convert_it(tmp_path):
    path = tmp_path / "state.json"
    path.write_text('{"format": "mls-mock-state/1", "experiments": [{"id": 1, "name": "old"}]}')
    with pytest.raises(StateFileError) as caught:
        StateFile(path).attach(Store())
    assert f"mls-mock serve --seed {path} --state NEW.db" in str(caught.value)
    assert sorted(os.listdir(tmp_path)) == [".state.json.lock", "state.json"]


def test_the_wal_is_checkpointed_into_the_file_in_the_background(tmp_path):
    """Writers never run a checkpoint (its fsync would stall every write under the store
    lock); the background one moves the WAL into the database file as writes go on."""
    import time

    store, state = Store(), StateFile(tmp_path / "state.db")
    state.attach(store)
    for n in range(persistence.CHECKPOINT_EVERY * 2):
        store.create_experiment({"name": f"e{n}"}, "u")
    deadline, in_file = time.monotonic() + 10, 0
    while in_file < persistence.CHECKPOINT_EVERY and time.monotonic() < deadline:
        time.sleep(0.05)
        main_file_only = sqlite3.connect(f"file:{state.path}?immutable=1", uri=True)  # ignores the WAL
        in_file = main_file_only.execute("SELECT count(*) FROM records").fetchone()[0]
        main_file_only.close()
    assert in_file >= persistence.CHECKPOINT_EVERY
    state.close()
    assert not (tmp_path / "state.db-wal").exists()  # closing folds in the rest
    assert len(read_document(state.path)["experiments"]) == persistence.CHECKPOINT_EVERY * 2


# ---- what an outside attack found (each failed before its fix) ---------------------------

def test_a_device_or_a_directory_is_refused_not_replaced(tmp_path):
    """A device reads as empty ("start afresh") and the new file was renamed over it: run as
    root with --state /dev/null, that replaced /dev/null."""
    directory = tmp_path / "dir"
    directory.mkdir()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (directory, fifo, "/dev/null"):
        with pytest.raises(StateFileError, match="not a regular file"):
            StateFile(target).attach(Store())
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


def test_a_wal_left_by_a_removed_file_is_not_replayed_into_a_new_one(tmp_path):
    path = tmp_path / "state.db"
    old_store, old = Store(), StateFile(path)
    old.attach(old_store)
    for n in range(5):
        old_store.create_experiment({"name": f"old{n}"}, "u")
    wal = path.with_name(path.name + "-wal")
    saved_wal = wal.read_bytes()
    old._checkpointer.stop()  # a kill -9: no checkpoint, the WAL stays beside the file
    old._checkpointer = None
    old._db = None
    os.close(old._lock_fd), os.close(old._file_lock_fd)
    old._lock_fd = old._file_lock_fd = None
    path.unlink()
    wal.write_bytes(saved_wal)
    store, state = Store(), StateFile(path)
    assert state.attach(store) is False  # starts afresh
    store.create_experiment({"name": "new"}, "u")
    state.close()
    assert [e["name"] for e in read_document(path)["experiments"]] == ["new"]


def test_a_removed_write_ahead_log_is_a_503_not_a_lost_acknowledgement(tmp_path):
    store, state = Store(), StateFile(tmp_path / "state.db")
    state.attach(store)
    client = create_app(store).test_client()
    assert client.post("/api/v1/experiments", json={"name": "kept"}, headers=AUTH).status_code == 201
    for suffix in ("-wal", "-shm"):
        os.unlink(str(state.path) + suffix)
    refused = client.post("/api/v1/experiments", json={"name": "lost"}, headers=AUTH)
    assert refused.status_code == 503 and "write-ahead log" in refused.get_json()["error"]
    assert [e["name"] for e in store.dump()["experiments"]] == ["kept"]
    state.close()


def test_a_second_server_is_refused_even_when_the_lock_sidecar_is_deleted(tmp_path):
    path = tmp_path / "state.db"
    first = StateFile(path)
    first.attach(Store())
    path.with_name(f".{path.name}.lock").unlink()
    with pytest.raises(StateFileError, match="another mls-mock server"):
        StateFile(path).attach(Store())
    first.close()


def test_a_huge_file_that_is_not_sqlite_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    """Looking for the old JSON marker read the whole file: 1 GB took 2 GB of memory (and
    /dev/zero, everything)."""
    path = tmp_path / "big.db"
    with open(path, "wb") as file:
        file.truncate(64 * 1024 * 1024)  # sparse: 64 MiB of zeros

    def whole_file(*args, **kwargs):
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(pathlib.Path, "read_text", whole_file)
    monkeypatch.setattr(pathlib.Path, "read_bytes", whole_file)
    with pytest.raises(StateFileError, match="not an SQLite database"):
        StateFile(path).attach(Store())

"""MLSMock's own surface, used directly (no plugin fixtures): lifecycle, nesting, faults,
journal. The plugin's session guard is active around these tests, as in a user's suite."""
import pytest
import requests

from mls_mock import FieldError, MLSMock

AB = "https://ab.stg.sktmls.com/api/v1/experiments"
AUTH = ("alice", "pw")


def test_nested_fakes_answer_innermost_first_and_stop_cleanly():
    with MLSMock() as outer:
        requests.post(AB, json={"name": "outer"}, auth=AUTH)
        with MLSMock() as inner:
            requests.post(AB, json={"name": "inner"}, auth=AUTH)
        requests.post(AB, json={"name": "outer-again"}, auth=AUTH)
    assert [e["name"] for e in outer.store.list_experiments()] == ["outer", "outer-again"]
    assert [e["name"] for e in inner.store.list_experiments()] == ["inner"]


def test_a_fake_cannot_be_started_twice():
    with MLSMock() as mock:
        with pytest.raises(RuntimeError, match="already started"):
            mock.start()


def test_as_a_decorator_the_fake_is_active_only_inside():
    mock = MLSMock()

    @mock
    def create():
        return requests.post(AB, json={"name": "decorated"}, auth=AUTH).json()["results"]["id"]

    assert create() == 1
    assert mock.store.get_experiment(1)["name"] == "decorated"
    assert mock.calls[-1].status == 201


def test_reset_empties_data_journal_and_faults():
    with MLSMock() as mock:
        requests.post(AB, json={"name": "x"}, auth=AUTH)
        mock.fail("GET", "*", status=503, times=None)
        mock.reset()
        answer = requests.post(AB, json={"name": "x"}, auth=AUTH).json()
        assert answer["results"]["id"] == 1  # ids restart, no 409 from the old record
        assert requests.get(AB, auth=AUTH).status_code == 200  # the fault went too
        assert [c.method for c in mock.calls] == ["POST", "GET"]


@pytest.mark.parametrize("kwargs, field", [
    ({"status": 204}, "status"),  # no body: the client would crash on json.loads
    ({"status": 302}, "status"),
    ({"status": 600}, "status"),
    ({"status": True}, "status"),
    ({"times": 0}, "times"),
    ({"times": True}, "times"),
    ({"path": ""}, "path"),
    ({"error": ""}, "error"),
    ({"raises": "ConnectionError"}, "raises"),
], ids=lambda value: str(value))
def test_a_fault_the_client_could_not_parse_is_refused(kwargs, field):
    mock = MLSMock()
    with pytest.raises(FieldError) as refused:
        mock.fail(**{"method": "GET", "path": "/api/v1/experiments", **kwargs})
    assert refused.value.field == field
    assert mock.state.faults.describe() == []


def test_network_faults_raise_before_the_fake_is_reached():
    with MLSMock() as mock:
        mock.fail("POST", "/api/v1/experiments", raises=requests.Timeout, times=2)
        for _ in range(2):
            with pytest.raises(requests.Timeout):
                requests.post(AB, json={"name": "slow"}, auth=AUTH)
        assert len(mock.calls) == 0 and mock.store.list_experiments() == []
        assert requests.post(AB, json={"name": "slow"}, auth=AUTH).status_code == 201


def test_journal_indexes_and_slices():
    with MLSMock() as mock:
        for name in ("a", "b", "c"):
            requests.post(AB, json={"name": name}, auth=AUTH)
        assert mock.calls[-1].json == {"name": "c"}
        assert [c.json["name"] for c in mock.calls[:2]] == ["a", "b"]
        assert mock.calls[0].user == "alice" and len(mock.calls) == 3


def test_network_and_status_faults_match_the_same_decoded_path():
    with MLSMock() as mock:
        mock.fail("GET", "/api/v1/channels/ *", raises=requests.ConnectionError)
        with pytest.raises(requests.ConnectionError):
            requests.get("https://ab.stg.sktmls.com/api/v1/channels/%20x", auth=AUTH)
        mock.fail("GET", "/api/v1/channels/ *", status=418)
        assert requests.get("https://ab.stg.sktmls.com/api/v1/channels/%20x", auth=AUTH).status_code == 418


def test_a_chunked_body_reaches_the_fake():
    """requests sends a generator body chunked; a server reads it whole, so must the fake."""
    with MLSMock() as mock:
        answer = requests.post(AB, data=(part for part in [b'{"name": ', b'"chunked"}']), auth=AUTH,
                               headers={"Content-Type": "application/json"})
        assert answer.status_code == 201, answer.text
        assert mock.store.list_experiments(name="chunked")[0]["id"] == answer.json()["results"]["id"]


def test_bytes_header_values_are_read_as_a_server_would():
    with MLSMock():
        answer = requests.get(AB, headers={"Authorization": b"Basic YWxpY2U6cHc="})  # alice:pw
        assert answer.status_code == 200


def test_a_trailing_dot_on_the_host_is_the_same_host():
    with MLSMock() as mock:
        assert requests.post("https://ab.stg.sktmls.com./api/v1/experiments", json={"name": "dot"},
                             auth=AUTH).status_code == 201
        assert mock.calls[-1].path == "/api/v1/experiments"
        assert requests.get("https://graph.stg.sktmls.com./v1/vertices", timeout=1).status_code == 200  # served
        assert mock.calls[-1].path == "/graph/v1/vertices"
        with pytest.raises(requests.ConnectionError, match="does not serve"):
            requests.get("https://nowhere.stg.sktmls.com./v1/profiles", timeout=1)


def test_a_responses_mock_started_first_keeps_its_hosts():
    """MLSMock answers MLS hosts and hands everything else to what was patched before it."""
    import responses

    with responses.RequestsMock() as stub:
        stub.get("https://api.example.com/ping", json={"pong": True})
        with MLSMock() as mock:
            assert requests.get("https://api.example.com/ping").json() == {"pong": True}
            assert requests.post(AB, json={"name": "both"}, auth=AUTH).status_code == 201
        stub.get("https://api.example.com/again", json={"ok": True})
        assert requests.get("https://api.example.com/again").json() == {"ok": True}
    assert [e["name"] for e in mock.store.list_experiments()] == ["both"]


def test_a_fault_that_never_matched_is_reported_when_the_fake_stops():
    from mls_mock import UnmatchedFaultWarning

    with pytest.warns(UnmatchedFaultWarning, match=r"fail\('POST', '/channels'.*POST /api/v1/experiments.*globs"):
        with MLSMock() as mock:
            mock.fail("POST", "/channels", status=503)  # the path lacks /api/v1: matches nothing
            assert requests.post(AB, json={"name": "e"}, auth=AUTH).status_code == 201


def test_a_fault_that_fired_is_not_reported(recwarn):
    with MLSMock() as mock:
        mock.fail("POST", "/api/v1/experiments", status=503, times=None)
        assert requests.post(AB, json={"name": "e"}, auth=AUTH).status_code == 503
    assert not [w for w in recwarn if "never matched" in str(w.message)]


def test_generous_switches_are_named_and_checked():
    from mls_mock import Store, assumptions

    assert MLSMock(generous=("full_lists",)).store.generous == {"full_lists"}
    assert MLSMock().store.generous == frozenset()  # strict unless asked
    with pytest.raises(ValueError, match="unknown switch 'full_list'; known: " + ", ".join(assumptions.GENEROUS)):
        MLSMock(generous=["full_list"])
    with pytest.raises(ValueError, match=r"Store\(generous=...\)"):
        MLSMock(store=Store(), generous=["full_lists"])
    assert MLSMock(store=Store(generous={"shared_automl_models"})).store.generous == {"shared_automl_models"}


def test_generous_switches_change_only_what_they_name():
    """A channel list item is a summary unless full_lists is on; shared_automl_models leaves
    lists alone."""
    records = {}
    for switches in ((), ("shared_automl_models",), ("full_lists",)):
        with MLSMock(generous=switches):
            experiment = requests.post(AB, json={"name": "e"}, auth=AUTH).json()["results"]
            requests.post(AB.replace("experiments", "channels"), json={"screen_id": "c", "experiments": [experiment["id"]]},
                          auth=AUTH)
            records[switches] = requests.get(AB.replace("experiments", "channels"), auth=AUTH).json()["results"][0]
    assert set(records[()]) == set(records["shared_automl_models",]) == {"id", "screen_id", "created_at", "updated_at"}
    assert set(records["full_lists",]) == {"id", "screen_id", "experiments", "user", "created_at", "updated_at"}


def test_faults_are_bounded_in_number_and_text():
    """Without an admin token anyone may add faults, and every request scans them."""
    from mls_mock import Conflict
    from mls_mock.traffic import MAX_FAULT_TEXT, MAX_FAULTS

    mock = MLSMock()
    with pytest.raises(FieldError, match="error: must be a non-empty string of at most"):
        mock.fail("GET", "/api/v1/channels", error="E" * (MAX_FAULT_TEXT + 1))
    for n in range(MAX_FAULTS):
        mock.fail("GET", f"/nowhere/{n}")
    with pytest.raises(Conflict, match="faults are waiting already"):
        mock.fail("GET", "/api/v1/channels")
    assert len(mock.state.faults) == MAX_FAULTS


def test_a_fault_is_removed_by_its_handle_or_id_and_then_never_reported(recwarn):
    from sktmls import MLSENV, MLSClientError
    from sktmls.experiments import ExperimentClient

    with MLSMock() as mock:
        experiments = ExperimentClient(env=MLSENV.STG, username="alice", password="pw")
        listing = mock.fail("GET", "/api/v1/experiments", status=503, times=None)
        creating = mock.fail("POST", "/api/v1/experiments", status=503)
        unused = mock.fail("GET", "/nowhere")
        with pytest.raises(MLSClientError):
            experiments.list_experiments()
        assert mock.remove_fault(listing) is True
        assert experiments.list_experiments() == []
        assert mock.remove_fault(listing) is False  # gone already
        assert mock.remove_fault(unused.id) is True  # by id, as DELETE /_mock/faults/{id}
        assert [f["id"] for f in mock.state.faults.describe()] == [creating.id]
    assert not [w for w in recwarn if "never matched" in str(w.message) and "nowhere" in str(w.message)]

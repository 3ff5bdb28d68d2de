"""The request journal (`MLSMock.calls`): what an entry keeps of a request, and the bounds
that keep a journal small whatever is sent to the fake."""
import gc
import json
import tracemalloc

import pytest
import requests

from mls_mock import MLSMock
from mls_mock.traffic import JOURNAL_BODY_CAP, Call, Journal

AB = "https://ab.stg.sktmls.com/api/v1"
AUTH = ("alice", "pw")


def test_an_entry_keeps_the_body_as_sent_and_parses_it_when_read():
    with MLSMock() as mls:
        from sktmls import MLSENV
        from sktmls.experiments import ExperimentClient

        client = ExperimentClient(env=MLSENV.STG, username="alice", password="pw")
        client.create_experiment(name="exp", bucketing_seed="s")
        call = mls.calls[-1]
    assert json.loads(call.body) == {"name": "exp", "bucketing_seed": "s"}
    assert (call.body_bytes, call.body_truncated) == (len(call.body), False)
    assert call.json == {"name": "exp", "bucketing_seed": "s"}
    assert call.json is call.json  # parsed once
    assert call.parse_body() == call.json and call.parse_body() is not call.json


def test_a_body_over_the_entry_cap_is_kept_as_its_size_only():
    oversized = json.dumps({"name": "x" * JOURNAL_BODY_CAP}).encode()
    with MLSMock() as mls:
        response = requests.post(f"{AB}/experiments", data=oversized, auth=AUTH,
                                 headers={"Content-Type": "application/json"})
        call = mls.calls[-1]
    assert response.status_code == 400  # the name is too long: refused, and journaled
    assert (call.status, call.body, call.json) == (400, b"", None)
    assert (call.body_bytes, call.body_truncated) == (len(oversized), True)


def test_a_body_over_the_app_limit_is_journaled_without_being_read():
    with MLSMock() as mls:
        response = requests.post(f"{AB}/channels", data=b"[" * (2 * 1024 * 1024), auth=AUTH,
                                 headers={"Content-Type": "application/json"})
        call = mls.calls[-1]
    assert response.status_code == call.status == 413
    assert (call.body, call.body_bytes, call.body_truncated) == (b"", 2 * 1024 * 1024, True)


def test_bodies_refused_by_basic_auth_are_never_kept():
    with MLSMock(users={"alice": "pw"}) as mls:
        for auth in [("alice", "wrong"), None]:
            response = requests.post(f"{AB}/experiments", json={"name": "intruder"}, auth=auth)
            call = mls.calls[-1]
            assert response.status_code == call.status == 401
            assert (call.user, call.body, call.json, call.body_truncated) == (None, b"", None, True)
            assert call.body_bytes == len(b'{"name": "intruder"}')
        mls.fail("POST", "/api/v1/experiments", status=401)  # an injected 401 is no refusal: kept
        requests.post(f"{AB}/experiments", json={"name": "retried"}, auth=("alice", "pw"))
        assert mls.calls[-1].json == {"name": "retried"} and mls.calls[-1].body_truncated is False


def test_a_request_without_a_body_is_not_truncated():
    with MLSMock() as mls:
        requests.get(f"{AB}/channels", auth=AUTH)
    assert (mls.calls[-1].body, mls.calls[-1].body_bytes, mls.calls[-1].body_truncated) == (b"", 0, False)


def test_repeated_query_values_are_all_kept():
    with MLSMock() as mls:
        refused = requests.get(f"{AB}/channels", params=[("id", "1"), ("id", "2"), ("page", "1")], auth=AUTH)
        call = mls.calls[-1]
    assert refused.status_code == 400  # a known parameter given twice is ambiguous
    assert call.query == {"id": "1", "page": "1"}  # the first value, as request.args reads it
    assert call.query_all == {"id": ["1", "2"], "page": ["1"]}


def test_the_journal_evicts_the_oldest_calls_past_its_byte_bound():
    bound = 200_000
    with MLSMock(journal_bytes=bound) as mls:
        for number in range(100):  # about 10 KB each: 1 MB sent in all, and as much answered
            requests.post(f"{AB}/experiments", json={"name": f"e{number}", "description": "d" * 10_000}, auth=AUTH)
        kept = [call.json["name"] for call in mls.calls]
        assert mls.calls.bytes <= bound
        assert all(len(call.response) > 10_000 for call in mls.calls)  # the answer echoes the description
    assert 5 <= len(kept) < 10  # each entry holds the request and its answer: about 20 KB
    assert kept == [f"e{number}" for number in range(100 - len(kept), 100)]  # the newest, in order


def test_long_urls_count_against_the_byte_bound_too():
    """A path or query is kept even for a refused request: it must be paid for in bytes."""
    bound = 1_000_000
    with MLSMock(users={"alice": "pw"}, journal_bytes=bound) as mls:
        for number in range(60):  # 60 x 50 KB of URL, without credentials
            requests.get(f"{AB}/channels/{number}", params={"q": "x" * 50_000})
        assert 10 <= len(mls.calls) < 60 and mls.calls.bytes <= bound
        assert mls.calls[-1].path == "/api/v1/channels/59"


def test_the_newest_call_is_kept_whatever_the_bound():
    journal = Journal(limit=5, max_bytes=1)
    for number in range(3):
        journal.record(Call("GET", f"/api/v1/channels/{number}", {}, 200, "u"))
    assert [call.path for call in journal] == ["/api/v1/channels/2"]
    with pytest.raises(ValueError):
        Journal(max_bytes=0)
    with pytest.raises(ValueError, match="journal_bytes must be a positive int .* not '1MiB'"):
        Journal(max_bytes="1MiB")  # what --journal-bytes takes; in Python, an int


def test_each_call_keeps_its_answer_under_the_same_cap_and_a_number_never_reused():
    """What the dashboard's traffic view shows: the answer as sent (a body over the cap is
    its size only), and `seq` for its cursor, which a clear does not restart."""
    with MLSMock(seed="demo") as mls:
        requests.get(f"{AB}/channels/1", auth=AUTH)
        small = mls.calls[-1]
        mls.store.create_experiment({"name": "big", "description": "d" * (JOURNAL_BODY_CAP + 10)}, "u")
        requests.get(f"{AB}/experiments", auth=AUTH)
        big = mls.calls[-1]
        assert json.loads(small.response)["results"]["id"] == 1
        assert (small.response_bytes, small.response_truncated) == (len(small.response), False)
        assert (big.response, big.response_truncated) == (b"", True) and big.response_bytes > JOURNAL_BODY_CAP
        assert [call.seq for call in mls.calls] == [1, 2]
        assert mls.calls.since(1, 10) == [big] and mls.calls.since(0, 1) == [big] and mls.calls.since(2, 10) == []
        mls.calls.clear()
        requests.get(f"{AB}/channels/1", auth=AUTH)
        assert mls.calls[-1].seq == 3 and mls.calls.clears == 1


def test_the_journal_still_caps_its_entries():
    journal = Journal(limit=3)
    for number in range(5):
        journal.record(Call("GET", f"/api/v1/channels/{number}", {}, 200, "u"))
    assert [call.path for call in journal[:]] == [f"/api/v1/channels/{n}" for n in (2, 3, 4)]
    journal.clear()
    assert (len(journal), journal.bytes) == (0, 0)


def test_listing_the_journal_parses_each_body_without_keeping_the_parse():
    """GET /_mock/calls over a full journal would otherwise hold every body parsed, about
    25 times the bytes kept for bodies like `[{},{},...]`."""
    body = json.dumps({"name": "e", "x": [{}] * 16_000}).encode()  # 64 KB kept, about 1.3 MB parsed
    assert len(body) <= JOURNAL_BODY_CAP
    with MLSMock(journal_bytes=10 * 1024 * 1024) as mls:
        for _ in range(20):
            requests.post(f"{AB}/experiments", data=body, auth=AUTH, headers={"Content-Type": "application/json"})
        client = mls.app.test_client()
        client.get("/_mock/health")  # whatever a first request sets up
        gc.collect()
        tracemalloc.start()
        try:
            listed = client.get("/_mock/calls").get_json()["results"]
            assert len(listed) == 20 and len(listed[-1]["json"]["x"]) == 16_000
            del listed
            gc.collect()
            kept_after_listing = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        assert kept_after_listing < 2 * 1024 * 1024, f"{kept_after_listing / 2**20:.1f} MiB kept after listing"
        call = mls.calls[-1]
        assert call.json is call.json and len(call.json["x"]) == 16_000  # a user's read is parsed once, kept


def test_what_a_recommendation_call_served_counts_against_the_byte_bound():
    """A request may name thousands of channels, each a `served` entry: paid for in bytes,
    or a stream of them grows the journal past its bound (24 MB a call was seen)."""
    bound = 8_000_000
    with MLSMock(journal_bytes=bound) as mls:
        body = {"user_id": "u1", "channel_ids": [f"channel-{n}" for n in range(5_000)], "sale_org_id": "admin"}
        for _ in range(5):
            answer = requests.post("https://rec.stg.sktmls.com/v1/mls-mms/items", json=body)
            assert answer.status_code == 200 and len(mls.calls[-1].served) == 5_000
        assert len(mls.calls) == 2 and 2 * 5_000 * 600 < mls.calls.bytes <= bound  # about 3 MB a call

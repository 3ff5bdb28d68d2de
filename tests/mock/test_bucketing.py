"""Bucketing (mls_mock/bucketing.py) at scale: 10,000 users over a 30/70 experiment, the same
slots in another process, and a ratio change that moves only the users whose slot changed
owner. Split by the pure function and by `MLSMock.bucket_of`; a sample through the real
recommendation client agrees with both."""
import hashlib
import json
import subprocess
import sys

import pytest

from mls_mock import MLSMock, bucketing

USERS = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(10_000)]  # as services hash them


def split_world(mls: MLSMock, shares: tuple[int, int] = (30, 70)) -> None:
    mls.seed({
        "experiments": [{"id": 1, "name": "split", "bucketing_seed": "campaign-2026"}],
        "buckets": [
            {"id": 1, "experiment": 1, "name": "control", "prediction_type": "static",
             "static_value": {"items": [{"id": "control"}]}},
            {"id": 2, "experiment": 1, "name": "treatment", "prediction_type": "static",
             "static_value": {"items": [{"id": "treatment"}]}},
        ],
        "channels": [{"screen_id": "home", "experiments": [1]}],
    })
    set_shares(mls, shares)


def set_shares(mls: MLSMock, shares: tuple[int, int]) -> None:
    mls.store.set_bucket_ratio(1, {"bucket_ratio": {"1": shares[0], "2": shares[1]}})


def assignment(mls: MLSMock) -> dict[str, str]:
    return {user: mls.bucket_of("split", user)["name"] for user in USERS}


def test_the_slot_is_the_documented_function():
    for user in USERS[:50]:
        digest = hashlib.sha256(f"campaign-2026:{user}".encode()).digest()
        assert bucketing.slot("campaign-2026", user) == int.from_bytes(digest[:8], "big") % 100
    assert bucketing.owner([("", "unset")], 5) is None
    assert bucketing.owner([("0-29", "a"), ("30-99", "b")], 29) == "a"
    assert bucketing.owner([("0-29", "a"), ("30-99", "b")], 30) == "b"


def test_10000_users_split_30_70_within_two_points():
    mls = MLSMock()
    split_world(mls)

    buckets = assignment(mls)

    control = sum(1 for b in buckets.values() if b == "control") / len(USERS)
    assert abs(control - 0.30) <= 0.02, control
    slots = [bucketing.slot("campaign-2026", u) for u in USERS]
    assert all(buckets[u] == ("control" if s < 30 else "treatment") for u, s in zip(USERS, slots))
    assert len(set(slots)) == 100  # every slot is reached


def test_the_same_users_get_the_same_slots_in_another_process():
    script = (
        "import json, sys\n"
        "from mls_mock.bucketing import slot\n"
        "users = json.load(sys.stdin)\n"
        "print(json.dumps([slot('campaign-2026', u) for u in users]))\n"
    )
    env_free = {"PYTHONHASHSEED": "12345"}  # str hashing differs between processes; the slot must not
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(USERS), capture_output=True, text=True,
                          check=True, timeout=120, env={**env_free, "PATH": ""})

    assert json.loads(done.stdout) == [bucketing.slot("campaign-2026", u) for u in USERS]


def test_30_70_to_50_50_moves_only_the_users_whose_slot_changed_owner():
    mls = MLSMock()
    split_world(mls)
    before = assignment(mls)

    set_shares(mls, (50, 50))
    after = assignment(mls)

    moved = [u for u in USERS if before[u] != after[u]]
    assert all(30 <= bucketing.slot("campaign-2026", u) <= 49 for u in moved)
    assert all(before[u] == "treatment" and after[u] == "control" for u in moved)
    assert abs(len(moved) / len(USERS) - 0.20) <= 0.02, len(moved)
    unmoved_in_range = [u for u in USERS if 30 <= bucketing.slot("campaign-2026", u) <= 49 and u not in set(moved)]
    assert unmoved_in_range == []


def test_the_recommendation_client_serves_the_bucket_bucket_of_names():
    with MLSMock() as mls:
        split_world(mls)
        from sktmls import MLSENV, MLSRuntimeENV
        from sktmls.apis import MLSRecommendationAPIClient

        client = MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS)
        for user in USERS[:200]:
            answer = client.request(version="v2", user_id=user, channel_ids=["home"])
            assert answer == {"home": {"items": [{"id": mls.bucket_of("split", user)["name"]}]}}
            assert mls.calls[-1].served[0]["slot"] == bucketing.slot("campaign-2026", user)


def test_bucket_of_refuses_what_is_no_experiment():
    from mls_mock.errors import NotFound

    mls = MLSMock()
    split_world(mls)
    with pytest.raises(NotFound):
        mls.bucket_of("nope", "u")
    with pytest.raises(NotFound):
        mls.bucket_of(99, "u")
    with pytest.raises(TypeError, match="an id"):
        mls.bucket_of(1.5, "u")

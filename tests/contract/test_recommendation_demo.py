"""The demo set's end-to-end recommendation example: channel `tworld_main_banner` runs
experiment `tworld_home_banner_ab` (filter `adults_android`: age >= 20 on android) with a
static control, a batch bucket on model 1.0.0's table and a batch bucket whose table is
still loading; the `user` profile holds the demo users' values. Called as the demo's
`tworld_app_reco` client."""
import pytest
from sktmls import MLSENV, MLSRuntimeENV
from sktmls.apis import MLSRecommendationAPIClient

pytestmark = pytest.mark.mls_seed("demo")
APIKEY = "TW7Q2K9XR4M1ZP8D3N6B0C5V2H7J9L4F1S8G3A6E"


@pytest.fixture
def tworld_app(mls_mock):
    return MLSRecommendationAPIClient(env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id="tworld_app_reco",
                                      apikey=APIKEY)


@pytest.mark.parametrize("user, bucket, outcome, first_item", [
    ("1000020001", "control", "static", "BN-1001"),
    ("1000020003", "reco_v100", "batch", "BNR-0204"),
    ("1000020002", "reco_v110", "batch_table_not_ready", None),
    ("1000020009", None, "filtered", None),  # 16 years old
    ("1000099999", None, "filtered", None),  # no profile values
])
def test_the_home_banner_serves_each_demo_user(mls_mock, tworld_app, user, bucket, outcome, first_item):
    answer = tworld_app.request(version="v2", user_id=user, channel_ids=["tworld_main_banner"])

    items = answer["tworld_main_banner"]["items"]
    assert (items[0]["id"] if items else None) == first_item
    (served,) = mls_mock.calls[-1].served
    assert (served["bucket"], served["outcome"]) == (bucket, outcome)
    if bucket:
        assert mls_mock.bucket_of("tworld_home_banner_ab", user)["name"] == bucket


def test_the_online_and_automl_models_answer_their_seeded_answers(mls_mock, tworld_app):
    users = {mls_mock.bucket_of("roaming_offer_ranking", f"u{n}")["name"]: f"u{n}" for n in range(40)}
    mls_mock.store.update_experiment(2, {"name": "roaming_offer_ranking", "bucketing_seed": "roam23"})  # no filter

    answer = tworld_app.request(version="v2", user_id=users["ranker"], channel_ids=["tworld_roaming_tab"])

    assert answer["tworld_roaming_tab"]["items"][0]["id"] == "RM-JP-01"
    assert mls_mock.store.dump()["model_answers"][1]["model"] == 5

"""Raw HTTP against the ML feature routes, the group list and the admin route that sets a
feature's group: each field refused with 400 naming it, changing nothing."""
import pytest
import requests

from rawhttp import AUTH, BASE, assert_envelope

F = BASE + "/api/v1/ml_features"
GROUPS = BASE + "/api/v1/ml_feature_groups"
GROUP_OF = BASE + "/_mock/ml_features/{}/group"
GOOD = {"name": "age", "source": "mls.user_profile", "type": "number"}


@pytest.fixture
def features(mls_mock):
    """Group 1 "profile"; feature 1 mls.user_profile.age in it, feature 2 mls.user_profile.gender."""
    store = mls_mock.store
    store.create("ml_feature_groups", {"name": "profile", "description": "고객 기본 정보"})
    store.create("ml_features", GOOD)
    store.create("ml_features", {**GOOD, "name": "gender", "type": "category"})
    store.set_ml_feature_group(1, "profile")
    return mls_mock


def without(field):
    return {k: v for k, v in GOOD.items() if k != field}


@pytest.mark.parametrize("body, field", [
    *[pytest.param(without(f), f, id=f"missing_{f}") for f in ("name", "source", "type")],
    pytest.param({**GOOD, "name": ""}, "name", id="empty_name"),
    pytest.param({**GOOD, "source": 3}, "source", id="number_source"),
    pytest.param({**GOOD, "source": "a\nb"}, "source", id="control_char_source"),
    pytest.param({**GOOD, "type": "Type.NUMBER"}, "type", id="enum_repr_type"),
    pytest.param({**GOOD, "type": "NUMBER"}, "type", id="type_case"),
    pytest.param({**GOOD, "title": 1}, "title", id="number_title"),
    pytest.param({**GOOD, "description": []}, "description", id="list_description"),
])
def test_a_bad_create_field_is_400_naming_it_and_changes_nothing(features, body, field):
    before = features.store.dump()

    response = requests.post(F, json=body, headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith(f"{field}:")
    assert features.store.dump() == before


@pytest.mark.parametrize("body, field", [
    pytest.param({}, "status", id="missing_status"),
    pytest.param({"status": None, "title": "t"}, "status", id="null_status"),
    pytest.param({"status": "IN_SERVICE"}, "status", id="status_case"),
    pytest.param({"status": "in_service", "title": 5}, "title", id="number_title"),
    pytest.param({"status": "in_service", "description": {}}, "description", id="object_description"),
])
def test_a_bad_update_field_is_400_naming_it_and_changes_nothing(features, body, field):
    before = features.store.dump()

    response = requests.put(F + "/1", json=body, headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith(f"{field}:")
    assert features.store.dump() == before


def test_an_update_changes_only_status_title_and_description(features):
    body = {"status": "deprecated", "title": "나이", "name": "renamed", "source": "x", "type": "category",
            "group": None}

    record = assert_envelope(requests.put(F + "/1", json=body, headers=AUTH, timeout=5), 200)["results"]

    assert (record["status"], record["title"], record["description"]) == ("deprecated", "나이", None)
    assert (record["name"], record["source"], record["type"], record["group"]) == (
        "age", "mls.user_profile", "number", "profile")


def test_a_create_ignores_status_and_group(features):
    body = {**GOOD, "name": "arpu", "status": "in_service", "group": "profile"}

    record = assert_envelope(requests.post(F, json=body, headers=AUTH, timeout=5), 201)["results"]

    assert (record["status"], record["group"]) == ("created", None)


@pytest.mark.parametrize("query, field", [
    ("?type=Type.NUMBER", "type"),
    ("?status=Status.CREATED", "status"),
    ("?id=x", "id"),
    ("?page=0", "page"),
    ("?name=a&name=b", "name"),
])
def test_a_bad_list_query_is_400_naming_it(features, query, field):
    assert assert_envelope(requests.get(F + query, headers=AUTH, timeout=5), 400)["error"].startswith(f"{field}:")


def test_the_group_list_shows_full_feature_records(features):
    groups = assert_envelope(requests.get(GROUPS, headers=AUTH, timeout=5), 200)["results"]
    feature = assert_envelope(requests.get(F + "?id=1", headers=AUTH, timeout=5), 200)["results"][0]

    assert [(g["id"], g["name"], g["description"]) for g in groups] == [(1, "profile", "고객 기본 정보")]
    assert groups[0]["ml_features"] == [feature] and feature["group"] == "profile"


def test_the_group_list_is_read_only(features):
    for method in ("POST", "PUT", "DELETE"):
        assert_envelope(requests.request(method, GROUPS, json={"name": "g"}, headers=AUTH, timeout=5), 405)
    assert_envelope(requests.get(GROUPS, timeout=5), 401)


def test_the_admin_route_moves_a_feature_between_groups(features):
    features.store.create("ml_feature_groups", {"name": "usage"})

    moved = requests.put(GROUP_OF.format(2), json={"group": "usage"}, timeout=5)
    assert assert_envelope(moved, 200)["results"]["group"] == "usage"
    left = requests.put(GROUP_OF.format(1), json={"group": None}, timeout=5)
    assert assert_envelope(left, 200)["results"]["group"] is None

    groups = features.store.list("ml_feature_groups")
    assert [[f["id"] for f in g["ml_features"]] for g in groups] == [[], [2]]


@pytest.mark.parametrize("feature, body, status, mentions", [
    (1, {"group": "usage"}, 400, "group: no ml_feature_group is named 'usage'"),
    (1, {"group": 1}, 400, "group:"),
    (1, {}, 400, "group: is required"),
    (99, {"group": "profile"}, 404, "ml_feature 99"),
])
def test_the_admin_route_refuses_what_does_not_exist(features, feature, body, status, mentions):
    before = features.store.dump()

    response = requests.put(GROUP_OF.format(feature), json=body, timeout=5)

    assert mentions in assert_envelope(response, status)["error"]
    assert features.store.dump() == before


def test_missing_ids(features):
    assert_envelope(requests.put(F + "/99", json={"status": "created"}, headers=AUTH, timeout=5), 404)
    assert_envelope(requests.delete(F + "/99", headers=AUTH, timeout=5), 404)
    assert_envelope(requests.get(F + "/1", headers=AUTH, timeout=5), 405)  # no get by id in the client


def test_a_duplicate_within_a_source_is_409(features):
    error = assert_envelope(requests.post(F, json=GOOD, headers=AUTH, timeout=5), 409)["error"]

    assert error.startswith("name:") and "mls.user_profile" in error and "id 1" in error
    assert_envelope(requests.post(F, json={**GOOD, "source": "mls.usage_daily"}, headers=AUTH, timeout=5), 201)

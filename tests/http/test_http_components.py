"""Components over raw HTTP: each body field and query value the client never gets wrong by
itself, refused naming the field, with the store left as it was."""
import pytest
import requests

from rawhttp import AUTH, BASE, assert_envelope

URL = BASE + "/api/v1/components"
GOOD = {"name": "reco_ranker", "info": "v1", "is_latest": True}


@pytest.fixture
def kept(mls_mock):
    """One component (id 1, the latest "reco_ranker" v1) to aim updates at."""
    mls_mock.store.create("components", dict(GOOD), "seed")
    return mls_mock


@pytest.mark.parametrize(
    "body, field",
    [
        ({"info": "v2", "is_latest": True}, "name"),
        ({**GOOD, "name": 7}, "name"),
        ({**GOOD, "name": " "}, "name"),
        ({**GOOD, "name": "a\nb"}, "name"),
        ({**GOOD, "name": "x" * 256}, "name"),
        ({"name": "x", "is_latest": True}, "info"),
        ({"name": "x", "info": ["v1"], "is_latest": True}, "info"),
        ({"name": "x", "info": "v1"}, "is_latest"),
        ({"name": "x", "info": "v1", "is_latest": 1}, "is_latest"),
        ({"name": "x", "info": "v1", "is_latest": "true"}, "is_latest"),
    ],
)
@pytest.mark.parametrize("method, path", [("POST", ""), ("PUT", "/1")])
def test_a_bad_body_field_is_400_naming_it(kept, method, path, body, field):
    before = kept.store.dump()

    response = requests.request(method, URL + path, json=body, headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith(field + ":")
    assert kept.store.dump() == before


@pytest.mark.parametrize("value", ["true", "1", "", "TRUE", "yes"])
def test_is_latest_in_the_query_is_what_requests_sends_for_a_bool(kept, value):
    response = requests.get(URL, params={"is_latest": value}, headers=AUTH, timeout=5)

    assert assert_envelope(response, 400)["error"].startswith("is_latest:")


def test_is_latest_true_and_false_select(kept):
    requests.post(URL, json={**GOOD, "info": "v2"}, headers=AUTH, timeout=5)

    latest = assert_envelope(requests.get(URL, params={"is_latest": "True"}, headers=AUTH, timeout=5), 200)
    older = assert_envelope(requests.get(URL, params={"is_latest": "False"}, headers=AUTH, timeout=5), 200)

    assert [(c["id"], c["info"]) for c in latest["results"]] == [(2, "v2")]
    assert [(c["id"], c["info"], c["is_latest"]) for c in older["results"]] == [(1, "v1", False)]


def test_a_new_latest_version_moves_the_old_ones_updated_at_in_the_same_write(kept):
    old = kept.store.get("components", 1)
    commits = []
    kept.store.subscribe(lambda commit: commits.append(commit.changes))

    requests.post(URL, json={**GOOD, "info": "v2"}, headers=AUTH, timeout=5)

    now = kept.store.get("components", 1)
    assert (now["is_latest"], now["updated_at"] > old["updated_at"]) == (False, True)
    assert len(commits) == 1 and sorted(commits[0]["components"]) == [1, 2]


def test_a_refused_update_leaves_the_other_versions_latest_flag(kept):
    requests.post(URL, json={**GOOD, "info": "v2"}, headers=AUTH, timeout=5)  # id 2, latest; 1 is not
    before = kept.store.dump()

    clash = requests.put(URL + "/1", json={**GOOD, "info": "v2"}, headers=AUTH, timeout=5)

    assert "info" in assert_envelope(clash, 409)["error"]
    assert kept.store.dump() == before


def test_a_missing_component_is_404(kept):
    for method, body in (("GET", None), ("PUT", GOOD), ("DELETE", None)):
        response = requests.request(method, URL + "/99", json=body, headers=AUTH, timeout=5)
        assert "component 99" in assert_envelope(response, 404)["error"]


def test_the_document_says_which_is_latest_values_the_list_takes(mls_mock):
    document = requests.get(BASE + "/openapi.json", timeout=5).json()

    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/components"]["get"]["parameters"]}

    assert parameters["is_latest"] == {"enum": ["True", "False"]}
    assert list(parameters) == ["id", "name", "info", "is_latest", "query", "page"]


def test_a_rename_moves_the_component_to_the_other_names_versions(kept):
    requests.post(URL, json={"name": "scorer", "info": "v1", "is_latest": True}, headers=AUTH, timeout=5)  # id 2

    renamed = requests.put(URL + "/1", json={"name": "scorer", "info": "v0", "is_latest": True}, headers=AUTH, timeout=5)

    assert assert_envelope(renamed, 200)["results"]["name"] == "scorer"
    listed = requests.get(URL, params={"name": "scorer"}, headers=AUTH, timeout=5).json()["results"]
    assert [(c["id"], c["is_latest"]) for c in listed] == [(1, True), (2, False)]
    assert requests.get(URL, params={"name": "reco_ranker"}, headers=AUTH, timeout=5).json()["results"] == []
    assert kept.store.resources["components"].latest_named("scorer")["id"] == 1
    assert kept.store.resources["components"].latest_named("reco_ranker") is None

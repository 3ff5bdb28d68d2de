"""Raw HTTP on the profile API (/pf on the fake, pf.stg.sktmls.com to sktmls) and on
PUT /_mock/profile_values: every bad query parameter or body field refused with 400 naming
it, in the envelope, the store unchanged; the answers' exact shape."""
import pytest
import requests

from rawhttp import assert_envelope

PF = "https://pf.stg.sktmls.com/v1/mls-mms/profiles"
MOCK = "https://ab.stg.sktmls.com/_mock/profile_values"
KEYED = "https://pf.stg.sktmls.com/v1/tw/profiles/default/users/u1"
APIKEY = "K" * 40


@pytest.fixture
def fake(mls_mock):
    store = mls_mock.store
    store.create("clients", {"name": "tw", "apikey": APIKEY})
    store.create("profiles", {"profile_id": "default", "tables": ["user-profile-main"]})
    store.create("profiles", {"profile_id": "merged", "tables": ["profile-main"]})
    store.put_profile_values("default", "user", "u1", {"age": 31, "gender": "F"})
    store.put_profile_values("merged", "id", "001", {"segment": "A"})
    return mls_mock


def test_the_answer_is_the_envelope_with_the_values(fake):
    payload = assert_envelope(requests.get(PF + "/default/users/u1", params={"f": ["gender", "x"]}), 200)

    assert payload == {"code": 200, "error": None, "results": {"gender": "F", "x": None}}
    keyed = requests.get(KEYED, params={"mode": "test"}, headers={"apikey": APIKEY})
    assert assert_envelope(keyed, 200)["results"] == {"age": 31, "gender": "F"}
    assert assert_envelope(requests.get(PF + "/merged", params={"id": "001"}), 200)["results"] == {"segment": "A"}


@pytest.mark.parametrize("url, params, field", [
    (PF + "/default/users/u1", {"f": ""}, "f"),
    (PF + "/default/users/u1", {"f": ["age", " "]}, "f"),
    (PF + "/default/users/u1", {"f": "a\u0007b"}, "f"),
    (PF + "/default/users/u1", {"f": "a" * 256}, "f"),
    (PF + "/default/items/i1", {"f": ""}, "f"),
    (PF + "/merged", {"id": "001", "f": ""}, "f"),
    (KEYED, {"mode": "prod"}, "mode"),
    (KEYED, {"mode": ""}, "mode"),
    (KEYED, {"mode": ["test", "test"]}, "mode"),
    (PF + "/merged", {}, "id"),
    (PF + "/merged", {"id": ""}, "id"),
    (PF + "/merged", {"id": ["001", "002"]}, "id"),
    (PF + "/merged", {"f": "segment"}, "id"),
], ids=["f-empty", "f-blank", "f-control", "f-long", "f-on-items", "f-on-id", "mode-other", "mode-empty",
        "mode-twice", "id-missing", "id-empty", "id-twice", "id-missing-with-f"])
def test_each_bad_query_parameter_is_400_naming_it(fake, url, params, field):
    before = fake.store.dump()

    headers = {"apikey": APIKEY} if url == KEYED else {}  # mls-mms sends no mode: `mode` is a keyed client's
    payload = assert_envelope(requests.get(url, params=params, headers=headers), 400)

    assert payload["error"].startswith(field + ":"), payload
    assert fake.store.dump() == before


@pytest.mark.parametrize("headers, message", [
    ({}, "apikey: the header is required"),
    ({"apikey": ""}, "apikey: the header is required"),
    ({"apikey": "X" * 40}, "apikey: no registered client has this apikey"),
])
def test_a_missing_or_unknown_apikey_is_401_before_the_query_is_read(fake, headers, message):
    payload = assert_envelope(requests.get(KEYED, params={"f": ""}, headers=headers), 401)

    assert payload["error"].startswith(message)
    assert fake.calls[-1].status == 401 and fake.calls[-1].user is None


@pytest.mark.parametrize("method, path, status", [
    ("GET", "https://pf.stg.sktmls.com/v2/mls-mms/profiles/default/users/u1", 404),
    ("GET", PF + "/default/user/u1", 404),
    ("GET", PF + "/default/users/u1/extra", 404),
    ("GET", PF + "/default/users/u%2F1", 404),
    ("GET", PF + "/default/users/", 404),
    ("POST", PF + "/default/users/u1", 405),
    ("DELETE", PF + "/merged", 405),
    ("GET", PF + "/default/users/사용자", 404),
])
def test_other_paths_and_methods_are_refused_in_the_envelope(fake, method, path, status):
    before = fake.store.dump()

    assert_envelope(requests.request(method, path, json={"x": 1}), status)

    assert fake.store.dump() == before


# ---- PUT /_mock/profile_values ------------------------------------------------------------

GOOD = {"profile_id": "default", "kind": "user", "target_id": "u2", "values": {"age": 20}}


def test_the_admin_route_sets_the_values_and_answers_what_is_served(fake):
    payload = assert_envelope(requests.put(MOCK, json=GOOD), 200)

    assert payload["results"] == {"age": 20}
    assert assert_envelope(requests.get(PF + "/default/users/u2"), 200)["results"] == {"age": 20}
    fake.store.set_dynamodb_table("user-profile-main", is_active=False)
    assert assert_envelope(requests.put(MOCK, json=GOOD), 200)["results"] is None  # stored, not served


@pytest.mark.parametrize("change, field", [
    ({"profile_id": None}, "profile_id"),
    ({"profile_id": ["default"]}, "profile_id"),
    ({"profile_id": ""}, "profile_id"),
    ({"kind": None}, "kind"),
    ({"kind": "users"}, "kind"),
    ({"kind": ["user"]}, "kind"),
    ({"target_id": None}, "target_id"),
    ({"target_id": ""}, "target_id"),
    ({"target_id": 7}, "target_id"),
    ({"values": None}, "values"),
    ({"values": ["age"]}, "values"),
    ({"values": {"user_id": "u3"}}, "values.user_id"),
], ids=lambda value: str(value))
def test_each_admin_body_field_is_checked(fake, change, field):
    before = fake.store.dump()

    payload = assert_envelope(requests.put(MOCK, json={**GOOD, **change}), 400)

    assert payload["error"].startswith(field + ":"), payload
    assert fake.store.dump() == before


@pytest.mark.parametrize("change, message", [
    ({"profile_id": "nope"}, "profile 'nope' does not exist"),
    ({"kind": "item"}, "profile 'default' is not an item profile"),
])
def test_an_unknown_profile_or_another_kind_is_404(fake, change, message):
    before = fake.store.dump()

    payload = assert_envelope(requests.put(MOCK, json={**GOOD, **change}), 404)

    assert payload["error"].startswith(message)
    assert fake.store.dump() == before


@pytest.mark.parametrize("data, status", [(b"", 400), (b"[1]", 400), (b"{", 400), (b"{}", 400)])
def test_a_body_that_is_not_an_object_is_refused(fake, data, status):
    before = fake.store.dump()

    assert_envelope(requests.put(MOCK, data=data, headers={"Content-Type": "application/json"}), status)

    assert fake.store.dump() == before

"""DynamoDBClient against the AB API (runtime LOCAL: every call is POST /api/v1/dynamodb),
through the real client only. Tables are made the way MLS's pipeline makes them: the store,
a seed or mls_factory (the AB API cannot)."""
import importlib.util

import pytest
from sktmls import MLSENV, MLSResponse, MLSRuntimeENV

from support import client_error

SCORES = "mls_home_reco_scores"
ITEM = {"item_id": "PRD-0001", "name": "T 멤버십 혜택", "score": 0.91, "tags": ["vip", "5g"], "meta": {"rank": 1}}


@pytest.fixture
def table(mls_mock):
    """An active, loaded table keyed on item_id, holding ITEM."""
    return mls_mock.store.create_dynamodb_table(SCORES, items=[ITEM])


def test_get_item_returns_the_item_under_item(mls_dynamodb_client, table):
    assert mls_dynamodb_client.get_item(table_name=SCORES, key={"item_id": "PRD-0001"}) == {"item": ITEM}


def test_get_item_of_a_missing_key_or_table_is_404(mls_dynamodb_client, table):
    assert client_error(mls_dynamodb_client.get_item, SCORES, {"item_id": "PRD-9999"}).code == 404
    error = client_error(mls_dynamodb_client.get_item, "no_such_table", {"item_id": "PRD-0001"})
    assert error.code == 404 and "no_such_table" in error.msg


def test_put_item_adds_and_answers_the_item(mls_dynamodb_client, mls_mock, table):
    item = {"item_id": "PRD-0002", "name": "웨이브 3개월 무료", "score": 0.5}

    assert mls_dynamodb_client.put_item(table_name=SCORES, item=item) == {"item": item}
    assert mls_dynamodb_client.get_item(SCORES, {"item_id": "PRD-0002"}) == {"item": item}
    assert mls_mock.store.get_dynamodb_table(SCORES)["items"] == [ITEM, item]


def test_put_item_on_a_taken_key_replaces_the_whole_item(mls_dynamodb_client, table):
    replacement = {"item_id": "PRD-0001", "score": 0.1}

    assert mls_dynamodb_client.put_item(SCORES, replacement) == {"item": replacement}
    assert mls_dynamodb_client.get_item(SCORES, {"item_id": "PRD-0001"}) == {"item": replacement}


def test_update_item_merges_attributes_into_the_item(mls_dynamodb_client, table):
    merged = {**ITEM, "score": 0.2, "new_field": "추가"}

    assert mls_dynamodb_client.update_item(SCORES, {"item_id": "PRD-0001", "score": 0.2, "new_field": "추가"}) == {
        "item": merged
    }
    assert mls_dynamodb_client.get_item(SCORES, {"item_id": "PRD-0001"}) == {"item": merged}


def test_update_item_of_a_missing_item_is_404_and_adds_nothing(mls_dynamodb_client, mls_mock, table):
    before = mls_mock.store.dump()

    error = client_error(mls_dynamodb_client.update_item, SCORES, {"item_id": "PRD-0404", "score": 1})

    assert error.code == 404 and "PRD-0404" in error.msg
    assert mls_mock.store.dump() == before


def test_delete_item_answers_the_response_and_removes_the_item(mls_dynamodb_client, table):
    response = mls_dynamodb_client.delete_item(table_name=SCORES, key={"item_id": "PRD-0001"})

    assert isinstance(response, MLSResponse) and (response.status, response.error, response.results) == (200, None, None)
    assert client_error(mls_dynamodb_client.get_item, SCORES, {"item_id": "PRD-0001"}).code == 404
    assert client_error(mls_dynamodb_client.delete_item, SCORES, {"item_id": "PRD-0001"}).code == 404


def test_string_and_number_keys_are_different_items(mls_dynamodb_client, mls_mock):
    mls_mock.store.create_dynamodb_table("mls_numbers", key="id")

    mls_dynamodb_client.put_item("mls_numbers", {"id": 1, "kind": "number"})
    mls_dynamodb_client.put_item("mls_numbers", {"id": "1", "kind": "string"})

    assert mls_dynamodb_client.get_item("mls_numbers", {"id": 1}) == {"item": {"id": 1, "kind": "number"}}
    assert mls_dynamodb_client.get_item("mls_numbers", {"id": "1"}) == {"item": {"id": "1", "kind": "string"}}


def test_profile_tables_are_keyed_as_the_client_keys_them(mls_mock, mls_dynamodb_client, mls_factory):
    mls_factory.dynamodb_table("user-profile-tworld", items=[{"user_id": "1000012345", "age_band": "30대"}])
    mls_factory.dynamodb_table("profile-device", items=[{"id": "SM-S918N", "maker": "삼성"}])

    assert mls_dynamodb_client.get_item("user-profile-tworld", {"user_id": "1000012345"})["item"]["age_band"] == "30대"
    assert mls_dynamodb_client.get_item("profile-device", {"id": "SM-S918N"})["item"]["maker"] == "삼성"
    error = client_error(mls_dynamodb_client.get_item, "user-profile-tworld", {"item_id": "1000012345"})
    assert error.code == 400 and "user_id" in error.msg


@pytest.mark.parametrize(
    "call, args, field",
    [
        ("put_item", {"item": {"name": "no key"}}, "body.item_id"),
        ("put_item", {"item": {"item_id": True}}, "body.item_id"),
        ("put_item", {"item": {"item_id": ""}}, "body.item_id"),
        ("put_item", {"item": {"item_id": {"nested": 1}}}, "body.item_id"),
        ("update_item", {"item": {"score": 1}}, "body.item_id"),
        ("get_item", {"key": {"item_id": "PRD-0001", "score": 0.91}}, "body.score"),
        ("delete_item", {"key": {"item_id": "PRD-0001", "name": "x"}}, "body.name"),
        ("delete_item", {"key": {}}, "body.item_id"),
    ],
)
def test_a_key_that_is_not_the_tables_is_400_naming_it_and_changes_nothing(
    mls_dynamodb_client, mls_mock, table, call, args, field
):
    before = mls_mock.store.dump()

    error = client_error(getattr(mls_dynamodb_client, call), table_name=SCORES, **args)

    assert error.code == 400 and field in error.msg
    assert mls_mock.store.dump() == before


@pytest.mark.parametrize("call", ["put_item", "update_item", "delete_item"])
def test_writes_to_a_missing_table_are_404_and_change_nothing(mls_dynamodb_client, mls_mock, table, call):
    before = mls_mock.store.dump()
    argument = {"key": {"item_id": "PRD-0001"}} if call == "delete_item" else {"item": ITEM}

    assert client_error(getattr(mls_dynamodb_client, call), "mls_missing_table", **argument).code == 404
    assert mls_mock.store.dump() == before


def test_an_inactive_table_answers_404_until_it_is_active(mls_dynamodb_client, mls_mock, table):
    mls_mock.store.set_dynamodb_table(SCORES, is_active=False)

    error = client_error(mls_dynamodb_client.get_item, SCORES, {"item_id": "PRD-0001"})
    assert error.code == 404 and "not active" in error.msg
    assert client_error(mls_dynamodb_client.put_item, SCORES, {"item_id": "PRD-0002"}).code == 404

    mls_mock.store.set_dynamodb_table(SCORES, is_active=True)
    assert mls_dynamodb_client.get_item(SCORES, {"item_id": "PRD-0001"}) == {"item": ITEM}


def test_a_loading_table_takes_items(mls_mock, mls_dynamodb_client, mls_factory):
    loading = mls_factory.dynamodb_table(is_loading=True, items=[])

    assert mls_dynamodb_client.put_item(loading["name"], {"item_id": "a"}) == {"item": {"item_id": "a"}}


@pytest.mark.mls_seed(
    {
        "dynamodb_tables": [{"name": "mls_seeded_scores", "key": "user_id"}],
        "dynamodb_items": [{"table": "mls_seeded_scores", "item": {"user_id": "u1", "items": ["PRD-1"]}}],
    }
)
def test_a_seeded_table_and_its_items(mls_dynamodb_client):
    assert mls_dynamodb_client.get_item("mls_seeded_scores", {"user_id": "u1"}) == {
        "item": {"user_id": "u1", "items": ["PRD-1"]}
    }


def test_the_factory_items_are_what_get_item_answers(mls_mock, mls_dynamodb_client, mls_factory):
    made = mls_factory.dynamodb_table()

    assert made["is_active"] and not made["is_loading"] and made["key"] == "item_id" and len(made["items"]) == 3
    for item in made["items"]:
        assert mls_dynamodb_client.get_item(made["name"], {"item_id": item["item_id"]}) == {"item": item}
    extra = mls_factory.dynamodb_item(made["name"], {"item_id": "PRD-extra", "score": 1})
    assert mls_dynamodb_client.get_item(made["name"], {"item_id": "PRD-extra"}) == {"item": extra}


@pytest.mark.skipif(importlib.util.find_spec("boto3") is not None, reason="boto3 installed: the MMS path is real")
def test_the_mms_runtime_needs_boto3_and_says_so(mls_settings):
    from sktmls.dynamodb import DynamoDBClient

    client = DynamoDBClient(
        env=MLSENV.STG, runtime_env=MLSRuntimeENV.MMS, username=mls_settings.username, password=mls_settings.password
    )

    with pytest.raises(ModuleNotFoundError, match="boto3 is not installed"):
        client.get_item(SCORES, {"item_id": "PRD-0001"})


def test_delete_item_as_its_docstring_shows_it_fails_in_the_client(mls_dynamodb_client, mls_mock, table):
    """sktmls documents `delete_item(table_name=..., item={...})`; the parameter is `key`."""
    with pytest.raises(TypeError, match="item"):
        mls_dynamodb_client.delete_item(table_name=SCORES, item={"item_id": "PRD-0001"})
    assert len(mls_mock.calls) == 0


def test_the_factory_over_http_puts_items_and_cannot_make_tables(mls_live_server, mls_mock, mls_settings):
    from mls_mock.fixtures.factories import HTTPBackend, MLSFactory

    factory = MLSFactory(HTTPBackend(mls_live_server.url, mls_settings.username, mls_settings.password), seed=1)
    mls_mock.store.create_dynamodb_table("mls_over_http")

    assert factory.dynamodb_item("mls_over_http", {"item_id": "a", "score": 1}) == {"item_id": "a", "score": 1}
    assert mls_mock.store.get_dynamodb_table("mls_over_http")["items"] == [{"item_id": "a", "score": 1}]
    with pytest.raises(NotImplementedError, match="dynamodb_tables"):
        factory.dynamodb_table()
    with pytest.raises(NotImplementedError, match="data_status"):
        factory.data_status("s3")

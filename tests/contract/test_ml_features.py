"""MLFeatureClient and MLFeatureGroupClient against the AB API, through the real clients.
Groups cannot be made over the AB API: tests that need one put it in the fake's store (they
ask for `mls_mock` or `mls_factory` and are skipped under --mls-url)."""
import datetime

import pytest
from sktmls import DoesNotExist, MLSResponse
from sktmls.ml_features import MLFeature

from support import client_error

NUMBER, CATEGORY = MLFeature.Type.NUMBER, MLFeature.Type.CATEGORY
CREATED, IN_SERVICE, DEPRECATED = MLFeature.Status.CREATED, MLFeature.Status.IN_SERVICE, MLFeature.Status.DEPRECATED


def make(client, name="age", source="mls.user_profile", type=NUMBER, **fields):
    return client.create_feature(name=name, source=source, type=type, **fields)


def test_create_feature_returns_every_field(mls_ml_feature_client):
    made = make(mls_ml_feature_client, title="나이", description="만 나이 (세)")

    assert isinstance(made, MLFeature) and isinstance(made.id, int)
    assert (made.name, made.source, made.type, made.status) == ("age", "mls.user_profile", NUMBER, CREATED)
    assert (made.title, made.description, made.group) == ("나이", "만 나이 (세)", None)
    assert isinstance(made.created_at, datetime.datetime) and made.created_at.utcoffset() is not None
    assert made.updated_at == made.created_at
    assert str(made) == "mls.user_profile.age"


@pytest.mark.parametrize("feature_type", list(MLFeature.Type))
def test_every_documented_type_is_accepted(mls_ml_feature_client, feature_type):
    made = make(mls_ml_feature_client, type=feature_type)

    assert made.type is feature_type
    assert mls_ml_feature_client.get_feature(id=made.id).type is feature_type


def test_title_and_description_left_out_are_null(mls_ml_feature_client):
    made = make(mls_ml_feature_client)

    assert (made.title, made.description) == (None, None)


def test_list_features_with_every_documented_filter(mls_ml_feature_client):
    a = make(mls_ml_feature_client, "age", "mls.user_profile", NUMBER, title="나이", description="d1")
    b = make(mls_ml_feature_client, "age", "mls.usage_daily", NUMBER, title="사용 연령")
    c = make(mls_ml_feature_client, "gender", "mls.user_profile", CATEGORY, description="d1")
    mls_ml_feature_client.update_feature(c, status=IN_SERVICE)

    def ids(**query):
        return [f.id for f in mls_ml_feature_client.list_features(**query)]

    assert ids() == [a.id, b.id, c.id]
    assert mls_ml_feature_client.list_features()[0].__dict__ == a.__dict__
    assert (ids(id=b.id), ids(name="age"), ids(name="ag")) == ([b.id], [a.id, b.id], [])
    assert (ids(source="mls.user_profile"), ids(name="age", source="mls.usage_daily")) == ([a.id, c.id], [b.id])
    assert (ids(type="category"), ids(type="number")) == ([c.id], [a.id, b.id])
    assert (ids(status="in_service"), ids(status="created"), ids(status="deprecated")) == ([c.id], [a.id, b.id], [])
    assert (ids(title="나이"), ids(description="d1")) == ([a.id], [a.id, c.id])
    assert (ids(query="GEN"), ids(query="a")) == ([c.id], [a.id, b.id])
    assert (ids(page=1), ids(page=2)) == ([a.id, b.id, c.id], [])


def test_listing_by_the_documented_enum_is_refused(mls_ml_feature_client):
    """A client-side bug the fake cannot cure: list_features documents `type` and `status`
    as the enums, but requests writes an Enum member as `Type.NUMBER`, which is no type.
    Passing `.value` works (above)."""
    make(mls_ml_feature_client)

    error = client_error(mls_ml_feature_client.list_features, type=NUMBER)
    assert error.code == 400 and error.msg.startswith("type:")
    assert client_error(mls_ml_feature_client.list_features, status=CREATED).msg.startswith("status:")


def test_get_feature_by_id_and_by_name_and_source(mls_ml_feature_client):
    made = make(mls_ml_feature_client, "age", "mls.user_profile")
    other = make(mls_ml_feature_client, "age", "mls.usage_daily")

    assert mls_ml_feature_client.get_feature(id=made.id).__dict__ == made.__dict__
    assert mls_ml_feature_client.get_feature(name="age", source="mls.usage_daily").id == other.id
    with pytest.raises(DoesNotExist):
        mls_ml_feature_client.get_feature(id=other.id + 1)
    with pytest.raises(DoesNotExist):
        mls_ml_feature_client.get_feature(name="age", source="mls.billing")
    for wrong in (dict(), dict(id=made.id, name="age", source="mls.user_profile"), dict(name="age")):
        with pytest.raises(AssertionError):  # the client's own checks
            mls_ml_feature_client.get_feature(**wrong)


def test_update_feature_changes_status_title_and_description(mls_ml_feature_client):
    made = make(mls_ml_feature_client, title="나이", description="old")
    created_at = made.created_at

    returned = mls_ml_feature_client.update_feature(made, title="연령", description="new", status=IN_SERVICE)

    assert returned is made
    fetched = mls_ml_feature_client.get_feature(id=made.id)
    assert (fetched.status, fetched.title, fetched.description) == (IN_SERVICE, "연령", "new")
    assert (fetched.name, fetched.source, fetched.type, fetched.group) == ("age", "mls.user_profile", NUMBER, None)
    assert fetched.created_at == created_at and fetched.updated_at > created_at


def test_update_feature_keeps_title_and_description_not_given(mls_ml_feature_client):
    made = make(mls_ml_feature_client, title="나이", description="old")

    mls_ml_feature_client.update_feature(made, status=DEPRECATED)

    fetched = mls_ml_feature_client.get_feature(id=made.id)
    assert (fetched.status, fetched.title, fetched.description) == (DEPRECATED, "나이", "old")


def test_update_feature_leaves_raw_values_on_the_object(mls_ml_feature_client):
    """A client-side quirk the fake cannot cure: update_feature hands the raw record to
    MLFeature.reset, so `type`/`status` become strings and the timestamps stay text."""
    made = make(mls_ml_feature_client)

    mls_ml_feature_client.update_feature(made, status=IN_SERVICE)

    assert (made.type, made.status) == ("number", "in_service") and isinstance(made.updated_at, str)
    assert mls_ml_feature_client.get_feature(id=made.id).status is IN_SERVICE


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Enum.__contains__ on 3.11
def test_update_feature_without_a_status_fails_in_the_client(mls_ml_feature_client):
    """A client-side bug: `status` defaults to None and `None in MLFeature.Status` raises
    TypeError on Python 3.11 before any request (the docstring marks it required)."""
    made = make(mls_ml_feature_client, title="나이")

    with pytest.raises(TypeError):
        mls_ml_feature_client.update_feature(made, title="연령")
    assert mls_ml_feature_client.get_feature(id=made.id).title == "나이"


def test_delete_feature(mls_ml_feature_client):
    made = make(mls_ml_feature_client)

    response = mls_ml_feature_client.delete_feature(made)

    assert isinstance(response, MLSResponse) and (response.status, response.error) == (200, None)
    assert mls_ml_feature_client.list_features() == []
    assert client_error(mls_ml_feature_client.delete_feature, made).code == 404
    assert client_error(mls_ml_feature_client.update_feature, made, status=IN_SERVICE).code == 404


def test_feature_ids_are_never_reused(mls_ml_feature_client):
    first = make(mls_ml_feature_client, "a")
    second = make(mls_ml_feature_client, "b")
    mls_ml_feature_client.delete_feature(second)

    assert (second.id, make(mls_ml_feature_client, "c").id) == (first.id + 1, first.id + 2)


def test_a_name_is_unique_within_its_source(mls_ml_feature_client):
    make(mls_ml_feature_client, "age", "mls.user_profile")
    make(mls_ml_feature_client, "age", "mls.usage_daily")

    error = client_error(make, mls_ml_feature_client, "age", "mls.user_profile", CATEGORY)

    assert error.code == 409 and error.msg.startswith("name:") and "mls.user_profile" in error.msg
    assert [str(f) for f in mls_ml_feature_client.list_features()] == ["mls.user_profile.age", "mls.usage_daily.age"]


@pytest.mark.parametrize("field, call", [
    ("name", lambda c: make(c, " ")),
    ("name", lambda c: make(c, None)),
    ("source", lambda c: make(c, source="")),
    ("title", lambda c: make(c, title=5)),
    ("description", lambda c: make(c, description={"ko": "x"})),
    ("status", lambda c: c.list_features(status="live")),
    ("type", lambda c: c.list_features(type="text")),
    ("id", lambda c: c.list_features(id="x")),
])
def test_refused_input_is_400_naming_the_field_and_changes_nothing(mls_mock, mls_ml_feature_client, field, call):
    kept = make(mls_ml_feature_client, "kept")
    before = mls_mock.store.dump()

    error = client_error(call, mls_ml_feature_client)

    assert error.code == 400 and error.msg.startswith(f"{field}:")
    assert mls_mock.store.dump() == before
    assert [f.id for f in mls_ml_feature_client.list_features()] == [kept.id]


def test_a_refused_create_changes_nothing(mls_mock, mls_ml_feature_client):
    make(mls_ml_feature_client, "age")
    before = mls_mock.store.dump()

    assert client_error(make, mls_ml_feature_client, "age").code == 409
    assert mls_mock.store.dump() == before


# ---- groups (read-only over the AB API) ---------------------------------------------------


def test_list_feature_groups_holds_each_groups_features(mls_mock, mls_factory, mls_ml_feature_client,
                                                        mls_ml_feature_group_client):
    assert mls_ml_feature_group_client.list_feature_groups() == []
    profile = mls_factory.ml_feature_group(name="profile", description="고객 기본 정보")
    usage = mls_factory.ml_feature_group(name="usage")
    age = mls_factory.ml_feature(name="age", source="mls.user_profile", type="number", group=profile)
    gender = mls_factory.ml_feature(name="gender", source="mls.user_profile", type="category", status="in_service",
                                    group="profile")
    loose = make(mls_ml_feature_client, "arpu", "mls.billing")

    groups = mls_ml_feature_group_client.list_feature_groups()

    assert [(g.id, g.name, str(g)) for g in groups] == [(profile.id, "profile", "profile"), (usage.id, "usage", "usage")]
    assert [f.__dict__ for f in groups[0].ml_features] == [age.__dict__, gender.__dict__]
    assert groups[1].ml_features == []
    assert (groups[0].ml_features[1].status, groups[0].ml_features[1].group) == (IN_SERVICE, "profile")
    assert mls_ml_feature_client.get_feature(id=age.id).group == "profile"
    assert mls_ml_feature_client.get_feature(id=loose.id).group is None


def test_a_groups_description_never_reaches_the_object(mls_mock, mls_factory, mls_ml_feature_group_client):
    """A client-side bug the fake cannot cure: MLFeatureGroup reads its description from the
    key `source`; the record's `description` is there but unread."""
    mls_factory.ml_feature_group(name="profile", description="고객 기본 정보")

    assert mls_ml_feature_group_client.list_feature_groups()[0].description is None
    assert mls_mock.store.list("ml_feature_groups")[0]["description"] == "고객 기본 정보"


def test_a_feature_moves_between_groups_and_leaves_when_deleted(mls_mock, mls_factory, mls_ml_feature_client,
                                                               mls_ml_feature_group_client):
    mls_factory.ml_feature_group(name="profile")
    mls_factory.ml_feature_group(name="usage")
    made = make(mls_ml_feature_client)

    mls_mock.store.set_ml_feature_group(made.id, "usage")
    assert [[f.id for f in g.ml_features] for g in mls_ml_feature_group_client.list_feature_groups()] == [[], [made.id]]
    mls_mock.store.set_ml_feature_group(made.id, None)
    assert mls_ml_feature_client.get_feature(id=made.id).group is None
    mls_mock.store.set_ml_feature_group(made.id, "profile")
    mls_ml_feature_client.update_feature(made, status=IN_SERVICE)  # an update keeps the group
    assert mls_ml_feature_client.get_feature(id=made.id).group == "profile"

    mls_ml_feature_client.delete_feature(made)

    assert [g.ml_features for g in mls_ml_feature_group_client.list_feature_groups()] == [[], []]


def test_a_renamed_group_renames_its_features_group(mls_mock, mls_factory, mls_ml_feature_client):
    group = mls_factory.ml_feature_group(name="profile")
    made = mls_factory.ml_feature(group=group)

    mls_mock.store.update("ml_feature_groups", group.id, {"name": "user_profile"})

    assert mls_ml_feature_client.get_feature(id=made.id).group == "user_profile"


def test_a_group_rename_is_a_change_of_its_features_too():
    """The commit event (what --state files are written from) holds the features under the
    group's new name, so a state file loads back."""
    from mls_mock.store import Store

    store, changes = Store(), []
    store.load({"ml_feature_groups": [{"name": "profile"}],
                "ml_features": [{"name": "age", "source": "s", "type": "number", "group": "profile"}]})
    store.subscribe(lambda commit: changes.append(commit.changes))

    store.update("ml_feature_groups", 1, {"name": "user_profile"})

    assert changes == [{"ml_feature_groups": {1: store.dump()["ml_feature_groups"][0]},
                        "ml_features": {1: store.dump()["ml_features"][0]}}]
    assert changes[0]["ml_features"][1]["group"] == "user_profile"
    assert Store().load(store.dump()) == {**dict.fromkeys(store.resources, 0), "ml_feature_groups": 1, "ml_features": 1}


def test_a_group_must_exist_and_a_group_in_use_stays(mls_mock, mls_factory, mls_ml_feature_client):
    from mls_mock.errors import Conflict, FieldError

    group = mls_factory.ml_feature_group(name="profile")
    made = mls_factory.ml_feature(group="profile")
    before = mls_mock.store.dump()

    with pytest.raises(FieldError, match="^group: no ml_feature_group is named 'usage'"):
        mls_mock.store.set_ml_feature_group(made.id, "usage")
    with pytest.raises(FieldError, match="^group:"):
        mls_factory.ml_feature(group="usage")
    with pytest.raises(Conflict, match=str(made.id)):
        mls_mock.store.delete("ml_feature_groups", group.id)
    assert mls_mock.store.dump() == before
    assert mls_ml_feature_client.get_feature(id=made.id).group == "profile"

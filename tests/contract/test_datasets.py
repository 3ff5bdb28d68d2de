"""DatasetClient against the AB API, through the real client only (the store is read only to
show that a refused call changed nothing, and only on the fake)."""
import datetime

import pytest
from sktmls import MLSClientError
from sktmls.datasets import Dataset, FeatureStoreConf, LabelDataConf, ProblemType
from sktmls.datasets.dataset import DatasetError

from support import client_error

COLUMNS = [
    {"name": "age", "type_code": "FLOAT64", "include": True},
    {"name": "device_os", "type_code": "CATEGORY", "include": True},
    {"name": "data_usage_gb", "type_code": "FLOAT64", "include": False},
]


def shown(dataset: Dataset) -> tuple:
    """Everything a Dataset exposes, comparable."""
    return (
        dataset.id,
        dataset.name,
        dataset.status,
        dataset.problem_type,
        dataset.feature_store_conf.__dict__,
        dataset.label_data_conf.__dict__,
        dataset.created_at,
        dataset.updated_at,
        dataset.get_error(),
    )


def create(client, name="churn_train", problem_type=ProblemType.SCORE, groups=(1, 2), ratio=1.5, label=None):
    return client.create_dataset(
        name=name,
        problem_type=problem_type,
        feature_store_conf=FeatureStoreConf(enabled=True, feature_group_id_list=list(groups), n_label_ratio=ratio),
        label_data_conf=label or LabelDataConf(source_type="table", source_path="sktaic-datahub.x1234567.labels"),
    )


@pytest.fixture
def snapshot(mls_settings, mls_dataset_client, request):
    """What a refused call must leave as it was: the whole fake (`store.dump()`), or against
    --mls-url the dataset list."""
    if mls_settings.remote:
        return lambda: [shown(d) for d in mls_dataset_client.list_datasets()]
    return request.getfixturevalue("mls_mock").store.dump


@pytest.fixture
def steered(mls_settings):
    """For tests that set a dataset's columns, status or models through the fake: on a real
    server the dataset builder and AutoML training decide those."""
    if mls_settings.remote:
        pytest.skip(f"sets what only the fake lets a test set; this run targets {mls_settings.url}")


def test_create_dataset_returns_every_documented_field(mls_dataset_client):
    made = create(mls_dataset_client)

    assert isinstance(made, Dataset) and str(made) == "churn_train"
    assert isinstance(made.id, int) and made.id > 0
    assert (made.name, made.problem_type) == ("churn_train", ProblemType.SCORE)
    assert isinstance(made.status, str) and made.status
    assert made.feature_store_conf.__dict__ == {"enabled": True, "feature_group_id_list": [1, 2], "n_label_ratio": 1.5}
    assert made.label_data_conf.__dict__ == {"source_type": "table", "source_path": "sktaic-datahub.x1234567.labels"}
    assert isinstance(made.created_at, datetime.datetime) and made.created_at.utcoffset() is not None
    assert made.updated_at == made.created_at
    assert made.get_error() is None


@pytest.mark.parametrize("problem_type", list(ProblemType))
def test_every_problem_type_is_accepted(mls_dataset_client, problem_type):
    assert create(mls_dataset_client, name=f"ds_{problem_type.value}", problem_type=problem_type).problem_type is problem_type


def test_a_file_label_and_no_feature_store(mls_dataset_client):
    made = mls_dataset_client.create_dataset(
        name="from_file",
        problem_type=ProblemType.REGRESSION,
        feature_store_conf=FeatureStoreConf(enabled=False),
        label_data_conf=LabelDataConf(source_type="file", source_path="labels.csv"),
    )

    assert made.feature_store_conf.__dict__ == {"enabled": False, "feature_group_id_list": None, "n_label_ratio": 1.0}
    assert made.label_data_conf.__dict__ == {"source_type": "file", "source_path": "labels.csv"}


def test_list_datasets_with_every_documented_filter(mls_dataset_client):
    made = [create(mls_dataset_client, name=n) for n in ("churn_a", "churn_b", "upsell")]

    def ids(**query):
        return [d.id for d in mls_dataset_client.list_datasets(**query)]

    assert [shown(d) for d in mls_dataset_client.list_datasets()] == [shown(d) for d in made]
    assert ids(name="upsell") == [made[2].id]
    assert ids(name="churn") == []
    assert ids(query="CHURN") == [made[0].id, made[1].id]
    assert ids(id=made[1].id) == [made[1].id]
    assert ids(page=1) == [d.id for d in made] and ids(page=2) == []


def test_get_dataset_by_name_and_by_id(mls_dataset_client):
    made = create(mls_dataset_client)

    assert shown(mls_dataset_client.get_dataset(name="churn_train")) == shown(made)
    assert shown(mls_dataset_client.get_dataset(id=made.id)) == shown(made)


def test_get_dataset_not_found_is_the_clients_dataset_error(mls_dataset_client):
    made = create(mls_dataset_client)

    with pytest.raises(DatasetError):
        mls_dataset_client.get_dataset(name="churn")
    with pytest.raises(DatasetError):
        mls_dataset_client.get_dataset(id=made.id + 1)
    with pytest.raises(AssertionError):
        mls_dataset_client.get_dataset()


def test_delete_dataset_by_name_and_by_id(mls_dataset_client):
    first, second = create(mls_dataset_client, name="first"), create(mls_dataset_client, name="second")

    assert mls_dataset_client.delete_dataset(name="first") is None
    assert mls_dataset_client.delete_dataset(id=second.id) is None

    assert mls_dataset_client.list_datasets() == []
    with pytest.raises(DatasetError):
        mls_dataset_client.delete_dataset(id=first.id)


def test_dataset_ids_are_never_reused(mls_dataset_client):
    first, second = create(mls_dataset_client, name="a"), create(mls_dataset_client, name="b")
    mls_dataset_client.delete_dataset(id=second.id)

    assert create(mls_dataset_client, name="c").id == first.id + 2


def test_a_duplicate_name_is_409_naming_it(mls_dataset_client, snapshot):
    create(mls_dataset_client)
    before = snapshot()

    error = client_error(create, mls_dataset_client)

    assert error.code == 409 and "name" in error.msg
    assert snapshot() == before


def _label(source_type, source_path):
    label = LabelDataConf(source_type="table", source_path="x")
    label.source_type, label.source_path = source_type, source_path  # past the client's own asserts
    return label


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"name": ""}, "name"),
        ({"groups": (0,)}, "base_feature_conf.feature_group_id_list[0]"),
        ({"groups": (1, 1)}, "base_feature_conf.feature_group_id_list"),
        ({"ratio": 0}, "base_feature_conf.n_label_ratio"),
        ({"ratio": "1.0"}, "base_feature_conf.n_label_ratio"),
        ({"label": _label("ye", "my_table")}, "label_data_conf.source_type"),
        ({"label": _label("table", "")}, "label_data_conf.source_path"),
        ({"label": _label("table", None)}, "label_data_conf.source_path"),
    ],
)
def test_refused_create_names_the_field_and_changes_nothing(mls_dataset_client, snapshot, kwargs, field):
    create(mls_dataset_client, name="kept")
    before = snapshot()

    error = client_error(create, mls_dataset_client, **{"name": "new", **kwargs})

    assert error.code == 400 and error.msg.startswith(field + ":"), error.msg
    assert snapshot() == before


def test_the_docstring_example_label_source_ye_fails_in_the_client(mls_dataset_client):
    """create_dataset's docstring uses LabelDataConf(source_type="ye", ...), which the
    client's own LabelDataConf refuses before any request."""
    with pytest.raises(AssertionError):
        LabelDataConf(source_type="ye", source_path="my_test_table")


def test_list_features_of_a_new_dataset_is_empty(mls_dataset_client):
    made = create(mls_dataset_client)

    assert mls_dataset_client.list_features(id=made.id) == []
    assert mls_dataset_client.list_features(name="churn_train") == []


def test_list_features_returns_the_columns(steered, mls_factory, mls_dataset_client):
    made = mls_factory.dataset(name="churn_train", columns=[COLUMNS[0], "device_os"])

    assert mls_dataset_client.list_features(name="churn_train") == [
        COLUMNS[0],
        {"name": "device_os", "type_code": "FLOAT64", "include": True},
    ]
    assert mls_dataset_client.list_features(id=made.id) == mls_dataset_client.list_features(name="churn_train")
    with pytest.raises(DatasetError):
        mls_dataset_client.list_features(name="other")


def test_update_column_specs_changes_the_named_columns_only(steered, mls_factory, mls_dataset_client):
    made = mls_factory.dataset(name="churn_train", columns=COLUMNS)

    result = mls_dataset_client.update_column_specs(
        name="churn_train",
        column_specs={"age": {"include": False}, "device_os": {"type_code": "FLOAT64", "include": False}},
    )

    assert result is None
    assert mls_dataset_client.list_features(id=made.id) == [
        {"name": "age", "type_code": "FLOAT64", "include": False},
        {"name": "device_os", "type_code": "FLOAT64", "include": False},
        COLUMNS[2],
    ]
    assert mls_dataset_client.get_dataset(id=made.id).updated_at > made.updated_at
    mls_dataset_client.update_column_specs(id=made.id, column_specs={"data_usage_gb": {"include": True}})
    assert mls_dataset_client.list_features(id=made.id)[2]["include"] is True


@pytest.mark.parametrize(
    "specs, field",
    [
        ({"gender": {"include": True}}, "edit_columns.gender"),
        ({"age": {"include": "no"}}, "edit_columns.age.include"),
        ({"age": {"type_code": "INT64"}}, "edit_columns.age.type_code"),
        ({"age": {"included": False}}, "edit_columns.age.included"),
        ({"age": False}, "edit_columns.age"),
        ({"age": {"include": False}, "gender": {}}, "edit_columns.gender"),
    ],
)
def test_refused_column_specs_name_the_field_and_change_nothing(steered, mls_factory, mls_dataset_client, snapshot, specs, field):
    mls_factory.dataset(name="churn_train", columns=COLUMNS)
    before = snapshot()

    error = client_error(mls_dataset_client.update_column_specs, name="churn_train", column_specs=specs)

    assert error.code == 400 and error.msg.startswith(field + ":"), error.msg
    assert snapshot() == before


def test_update_column_specs_checks_in_the_client(mls_dataset_client):
    with pytest.raises(AssertionError):
        mls_dataset_client.update_column_specs(name="churn_train", column_specs=[("age", {"include": False})])
    with pytest.raises(DatasetError):
        mls_dataset_client.update_column_specs(name="missing", column_specs={})


def test_a_failed_dataset_shows_its_status_and_error(steered, mls_factory, mls_dataset_client):
    mls_factory.dataset(name="broken", status="failed", error="label table not found")

    fetched = mls_dataset_client.get_dataset(name="broken")

    assert (fetched.status, fetched.get_error()) == ("failed", "label table not found")


def test_a_dataset_a_model_was_made_from_cannot_be_deleted(steered, mls_dataset_client, make_model, mls_mock, snapshot):
    made = create(mls_dataset_client)
    model = make_model("churn_automl", model_type="automl", dataset_id=made.id, dataset_name=made.name)
    before = snapshot()

    with pytest.raises(MLSClientError) as caught:
        mls_dataset_client.delete_dataset(id=made.id)

    assert caught.value.code == 409 and "churn_automl" in caught.value.msg and str(model.id) in caught.value.msg
    assert snapshot() == before

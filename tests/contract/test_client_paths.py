"""Every ExperimentClient bucket method with every prediction type, through the real client:
a table of which paths work and which are sktmls's own bugs.

A path the client walks must work on the fake unless the client itself breaks on it. Where
it does, the row names the exception and the client statement that raises it, and the test
checks exactly that, so it fails the day sktmls is fixed. Rows marked `was_fake` failed on
the fake before it was corrected. Paths with a model need `make_model` (the fake's store),
so under --mls-url only the empty and static rows run.
"""
import itertools
import re
from dataclasses import dataclass
from typing import Optional

import pytest
from sktmls import MLSClientError
from sktmls.experiments import Bucket
from sktmls.models import AutoMLModel, ManualModel

KINDS = ("empty", "static", "batch", "online", "automl")
STATIC = {"items": [{"id": "item_1", "type": "product", "props": {}}]}
MODEL_CLASS = {"batch": ManualModel, "online": ManualModel, "automl": AutoMLModel}


@dataclass(frozen=True)
class Works:
    was_fake: Optional[str] = None  # what the fake wrongly answered before it was fixed


@dataclass(frozen=True)
class ClientBug:
    """sktmls raises `raises` (with exactly `message`) in the statement of
    sktmls/`where` that contains `statement`, whatever the server answers."""

    raises: type
    message: str
    where: str
    statement: str


@dataclass(frozen=True)
class NotApplicable:
    reason: str


WORKS = Works()
EXPERIMENT_PY = "experiments/experiment.py"
# Bucket.generate_request_body reads `prediction.ml_model.id`; create_bucket's Bucket holds the id itself.
MODEL_ID_IS_AN_INT = {kind: ClientBug(AttributeError, "'int' object has no attribute 'id'", EXPERIMENT_PY,
                                      f'data["{kind}_model_id"] = self.prediction.ml_model.id')
                      for kind in ("batch", "online")}
# update_bucket resets `prediction` to the response's plain dict: the object cannot be updated again.
PREDICTION_IS_A_DICT = ClientBug(AttributeError, "'dict' object has no attribute 'request'", EXPERIMENT_PY,
                                 'model_type = self.prediction.request["type"]')
# Buckets returned by migrate_bucket and update_bucket_ratio hold the experiment's id, not the Experiment.
EXPERIMENT_IS_AN_INT = ClientBug(AttributeError, "'int' object has no attribute 'id'", EXPERIMENT_PY,
                                 'url=f"{MLS_EXPERIMENTS_API_URL}/{bucket.experiment.id}/buckets/{bucket.id}"')

TABLE = {
    # create_bucket asserts the type is one of four although it has a branch for automl.
    **{("create_bucket", kind): WORKS for kind in KINDS if kind != "automl"},
    ("create_bucket", "automl"): ClientBug(AssertionError, "", EXPERIMENT_PY,
                                           'assert prediction_type in ["empty", "static", "batch", "online"]'),
    **{(method, kind): WORKS for method in ("get_bucket", "list_buckets", "update_bucket_to", "update_bucket_ratio",
                                            "delete_bucket", "migrate_bucket_to", "migrate_bucket_from_automl")
       for kind in KINDS},
    **{("update_bucket_rename", kind): WORKS for kind in KINDS if kind != "automl"},
    ("update_bucket_rename", "automl"): Works(
        was_fake="400 `automl_model_id: is required`: update_bucket never sends automl_model_id"),
    ("update_created_bucket", "empty"): WORKS,
    ("update_created_bucket", "static"): WORKS,
    ("update_created_bucket", "batch"): MODEL_ID_IS_AN_INT["batch"],
    ("update_created_bucket", "online"): MODEL_ID_IS_AN_INT["online"],
    ("update_created_bucket", "automl"): NotApplicable("create_bucket cannot make an automl bucket (row above)"),
    **{("update_updated_bucket", kind): PREDICTION_IS_A_DICT for kind in KINDS},
    **{("delete_migrated_bucket", kind): EXPERIMENT_IS_AN_INT for kind in KINDS},
    **{("delete_ratioed_bucket", kind): EXPERIMENT_IS_AN_INT for kind in KINDS},
}


class Lab:
    """One experiment, and the models and buckets a path needs, made the documented way."""

    def __init__(self, request, client, experiment):
        self.request, self.client, self.experiment = request, client, experiment
        self._models = {}
        self._names = itertools.count(1)

    def name(self) -> str:
        return f"bucket_{next(self._names)}"

    def model(self, kind: str, version: str = "v1"):
        """A manual model for batch/online, an automl one (of the test's account) for automl;
        needs the fake's store, so this skips the test under --mls-url."""
        key = (MODEL_CLASS[kind], version)
        if key not in self._models:
            make_model = self.request.getfixturevalue("make_model")
            model_type = "automl" if kind == "automl" else "manual"
            self._models[key] = make_model(f"{model_type}_model", version, model_type=model_type)
        return self._models[key]

    def args(self, kind: str, version: str = "v1") -> dict:
        if kind == "static":
            return {"static_value": STATIC}
        return {} if kind == "empty" else {"model": self.model(kind, version)}

    def bucket(self, kind: str, version: str = "v1") -> Bucket:
        """A bucket of `kind` as get_bucket returns it; automl through update_bucket, the one
        way the client can make one."""
        made = self.client.create_bucket(self.experiment, name=self.name(), prediction_type="empty")
        if kind != "empty":
            self.client.update_bucket(self.got(made.id), prediction_type=kind, **self.args(kind, version))
        return self.got(made.id)

    def got(self, bucket_id: int) -> Bucket:
        return self.client.get_bucket(self.experiment, id=bucket_id)

    def expect(self, bucket_id: int, kind: str, name: Optional[str] = None) -> Bucket:
        """The bucket, read back, holds a `kind` prediction with this lab's v1 model or items."""
        fetched = self.got(bucket_id)
        assert fetched.prediction.request["type"] == kind
        if kind in MODEL_CLASS:
            assert isinstance(fetched.prediction.ml_model, MODEL_CLASS[kind])
            assert fetched.prediction.ml_model.id == self.model(kind).id
        else:
            assert fetched.prediction.ml_model is None
            assert fetched.prediction.request.get("items") == (STATIC["items"] if kind == "static" else None)
        if name is not None:
            assert fetched.name == name
        return fetched


# ---- the paths: each drives the client, and checks the outcome when there is one -------------

def create_bucket(lab: Lab, kind: str):
    made = lab.client.create_bucket(lab.experiment, name=lab.name(), prediction_type=kind, **lab.args(kind))
    assert made.prediction.request["type"] == kind and made.experiment is lab.experiment
    lab.expect(made.id, kind)


def get_bucket(lab: Lab, kind: str):
    made = lab.bucket(kind)
    by_name = lab.client.get_bucket(lab.experiment, name=made.name)
    assert by_name.id == made.id and by_name.experiment is lab.experiment
    lab.expect(made.id, kind)


def list_buckets(lab: Lab, kind: str):
    made = lab.bucket(kind)
    [listed] = lab.client.list_buckets(lab.experiment)
    assert listed.id == made.id and listed.prediction.request["type"] == kind
    # list_buckets reads each model back: ManualModel, or AutoMLModel for the caller's own automl model.
    assert type(listed.prediction.ml_model) is MODEL_CLASS.get(kind, type(None))


def update_bucket_to(lab: Lab, kind: str):
    made = lab.got(lab.client.create_bucket(lab.experiment, name=lab.name(), prediction_type="empty").id)
    returned = lab.client.update_bucket(made, prediction_type=kind, **lab.args(kind))
    assert returned is made and returned.prediction["request"]["type"] == kind
    lab.expect(made.id, kind)


def update_bucket_rename(lab: Lab, kind: str):
    made = lab.bucket(kind)
    returned = lab.client.update_bucket(made, name="renamed")
    # The client sets the returned prediction's model to its `model` argument, None here,
    # although the server kept the model (read back below).
    assert returned.prediction["ml_model"] is None
    lab.expect(made.id, kind, name="renamed")


def update_bucket_ratio(lab: Lab, kind: str):
    made = lab.bucket(kind)
    [ratioed] = lab.client.update_bucket_ratio(lab.experiment, {made: 100})
    assert (ratioed.id, ratioed.prediction.request["type"]) == (made.id, kind)
    assert lab.expect(made.id, kind).bucket_range == ratioed.bucket_range != ""


def delete_bucket(lab: Lab, kind: str):
    made = lab.bucket(kind)
    lab.client.delete_bucket(made)
    with pytest.raises(MLSClientError) as missing:
        lab.got(made.id)
    assert missing.value.code == 404


def _migrate(lab: Lab, source: str, kind: str) -> list:
    """A `source` bucket on a v2 model, migrated to a `kind` prediction (v1 model or items)."""
    made = lab.bucket(source, version="v2")
    target = {"next_static_value": STATIC} if kind == "static" else (
        {} if kind == "empty" else {"next_model": lab.model(kind)})
    moved = lab.client.migrate_bucket(lab.model(source, "v2"), kind, **target)
    assert [(m.id, m.prediction.request["type"]) for m in moved] == [(made.id, kind)]
    return moved


def migrate_bucket_to(lab: Lab, kind: str):
    [moved] = _migrate(lab, "batch", kind)
    lab.expect(moved.id, kind)


def migrate_bucket_from_automl(lab: Lab, kind: str):
    [moved] = _migrate(lab, "automl", kind)
    lab.expect(moved.id, kind)


def update_created_bucket(lab: Lab, kind: str):
    made = lab.client.create_bucket(lab.experiment, name=lab.name(), prediction_type=kind, **lab.args(kind))
    lab.client.update_bucket(made, name="renamed")
    lab.expect(made.id, kind, name="renamed")


def update_updated_bucket(lab: Lab, kind: str):
    made = lab.bucket(kind)
    lab.client.update_bucket(made, name="once")
    lab.client.update_bucket(made, name="twice")


def delete_migrated_bucket(lab: Lab, kind: str):
    [moved] = _migrate(lab, "batch", kind)
    lab.client.delete_bucket(moved)


def delete_ratioed_bucket(lab: Lab, kind: str):
    made = lab.bucket(kind)
    [ratioed] = lab.client.update_bucket_ratio(lab.experiment, {made: 100})
    lab.client.delete_bucket(ratioed)


PATHS = {path.__name__: path for path in (
    create_bucket, get_bucket, list_buckets, update_bucket_to, update_bucket_rename, update_bucket_ratio,
    delete_bucket, migrate_bucket_to, migrate_bucket_from_automl, update_created_bucket, update_updated_bucket,
    delete_migrated_bucket, delete_ratioed_bucket)}


def test_the_table_has_a_row_for_every_path_and_prediction_type():
    assert set(TABLE) == set(itertools.product(PATHS, KINDS))


@pytest.fixture
def lab(request, mls_experiment_client):
    experiment = mls_experiment_client.create_experiment(name="client_paths")
    return Lab(request, mls_experiment_client, experiment)


def _rows(outcome_type) -> list:
    return [pytest.param(*key, id="-".join(key)) for key, outcome in TABLE.items() if isinstance(outcome, outcome_type)]


@pytest.mark.parametrize("path, kind", _rows(Works))
def test_path_works(lab, path, kind):
    check_path = PATHS[path]  # each path asserts what the client returned and what the fake holds
    check_path(lab, kind)


@pytest.mark.parametrize("path, kind", _rows(ClientBug))
def test_path_breaks_in_the_client(lab, path, kind):
    bug = TABLE[path, kind]

    with pytest.raises(bug.raises, match=f"^{re.escape(bug.message)}$") as caught:
        PATHS[path](lab, kind)

    raised_in = caught.traceback[-1]
    assert raised_in.path.as_posix().endswith(f"sktmls/{bug.where}"), raised_in
    assert bug.statement in str(raised_in.statement), str(raised_in.statement)

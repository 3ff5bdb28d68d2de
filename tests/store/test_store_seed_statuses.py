"""A seeded status that is not one of the documented values is refused naming it, even when
it is falsy (0, "", {} once read as "not given" and stored as RUNNING)."""
import copy
import json
import pathlib

import pytest

from mls_mock import Store
from mls_mock.errors import SeedError

DEMO = json.loads((pathlib.Path(__file__).parents[2] / "fixtures" / "demo.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("status", [0, "", {}, [], False])
def test_a_falsy_prediction_status_is_refused_naming_it(status):
    document = copy.deepcopy(DEMO)
    document["automl_predictions"][0]["status"] = status

    with pytest.raises(SeedError, match="status: must be one of"):
        Store().load(document, "demo")


def test_a_prediction_without_a_status_is_running():
    document = copy.deepcopy(DEMO)
    document["automl_predictions"][0].pop("status")

    store = Store()
    store.load(document, "demo")
    assert store.dump()["automl_predictions"][0]["status"] == "RUNNING"

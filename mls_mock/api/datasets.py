"""Datasets: the five routes `DatasetClient` calls (no GET or PUT of one dataset: the client
has neither), and the admin route that sets what the dataset builder decides."""

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..store.datasets import COLUMN_SPECS, COLUMNS, STEER_BODY, Datasets
from ..wire import body
from .common import DELETED, LIST_QUERY, NAME_TAKEN

routes = Routes()
DATASETS = "/api/v1/datasets"
DATASET = DATASETS + "/<int:dataset_id>"
SCHEMAS = {"DatasetColumns": COLUMNS, "DatasetColumnSpecsBody": COLUMN_SPECS, "DatasetStateBody": STEER_BODY}


def _datasets(req):
    return req.store.resources["datasets"]


@routes(
    "GET",
    DATASETS,
    query=LIST_QUERY,
    results=array(ref("Dataset")),
    summary="List datasets",
    link=("dataset_id", "/results/0/id"),
)
def list_datasets(req, **query):
    return req.store.list("datasets", **query)


@routes(
    "POST",
    DATASETS,
    status=201,
    body="DatasetBody",
    summary="Create a dataset (its columns are empty until a test sets them)",
    results=ref("Dataset"),
    refusals=NAME_TAKEN,
    link=("dataset_id", "/results/id"),
)
def create_dataset(req):
    return req.store.create("datasets", body(req), req.user)


@routes(
    "DELETE",
    DATASET,
    summary="Delete a dataset no model was made from",
    results=DELETED,
    refusals={409: "a model was made from the dataset"},
)
def delete_dataset(req, dataset_id):
    req.store.delete("datasets", dataset_id)
    return assumptions.DELETE_RESULTS


@routes("GET", DATASET + "/columns", summary="A dataset's columns", results=ref("DatasetColumns"), schemas=SCHEMAS)
def list_dataset_columns(req, dataset_id):
    with req.store.lock:
        return _datasets(req).columns(dataset_id)


@routes(
    "PUT",
    DATASET + "/columnspecs",
    body="DatasetColumnSpecsBody",
    summary="Change `include` / `type_code` of existing columns",
    results=ref("DatasetColumns"),
    schemas=SCHEMAS,
)
def update_dataset_column_specs(req, dataset_id):
    with req.store.transaction():
        return _datasets(req).edit_column_specs(dataset_id, body(req))


@routes(
    "PUT",
    "/_mock/datasets/<int:dataset_id>",
    admin=True,
    saves=True,
    body="DatasetStateBody",
    summary="Set a dataset's `status`, `error` and `columns` (what the dataset builder decides)",
    results=ref("DatasetSeed"),
    schemas={**SCHEMAS, "DatasetSeed": Datasets.seed_schema},
)
def set_dataset_state(req, dataset_id):
    return _datasets(req).set_state(dataset_id, **body(req))

from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body
from .common import DELETED, LIST_QUERY, NAME_TAKEN

routes = Routes()
EXPERIMENTS = "/api/v1/experiments"
EXPERIMENT = EXPERIMENTS + "/<int:experiment_id>"


@routes(
    "GET",
    EXPERIMENTS,
    query=LIST_QUERY,
    summary="List experiments",
    results=array(ref("Experiment")),
    link=("experiment_id", "/results/0/id"),
)
def list_experiments(req, **query):
    return req.store.list_experiments(**query)


@routes(
    "POST",
    EXPERIMENTS,
    status=201,
    body="ExperimentBody",
    summary="Create an experiment",
    results=ref("Experiment"),
    refusals=NAME_TAKEN,
    link=("experiment_id", "/results/id"),
)
def create_experiment(req):
    return req.store.create_experiment(body(req), req.user)


@routes("GET", EXPERIMENT, summary="Get an experiment", results=ref("Experiment"))
def get_experiment(req, experiment_id):
    return req.store.get_experiment(experiment_id)


@routes(
    "PUT",
    EXPERIMENT,
    body="ExperimentBody",
    summary="Replace an experiment (a key left out is cleared)",
    results=ref("Experiment"),
    refusals=NAME_TAKEN,
)
def update_experiment(req, experiment_id):
    return req.store.update_experiment(experiment_id, body(req))


@routes("DELETE", EXPERIMENT, summary="Delete an experiment, its buckets and its channel links", results=DELETED)
def delete_experiment(req, experiment_id):
    req.store.delete_experiment(experiment_id)
    return assumptions.DELETE_RESULTS

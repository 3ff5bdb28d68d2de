from flask import Blueprint

from .common import body, positive_int, query, route, text
from .. import assumptions

bp = Blueprint("experiments", __name__, url_prefix="/api/v1/experiments")


@route(bp, "GET", "")
def list_experiments(req):
    return req.store.list_experiments(**query(req, id=positive_int, name=text, query=text, page=positive_int))


@route(bp, "POST", "", status=201)
def create_experiment(req):
    return req.store.create_experiment(body(req), req.user)


@route(bp, "GET", "/<int:experiment_id>")
def get_experiment(req, experiment_id):
    return req.store.get_experiment(experiment_id)


@route(bp, "PUT", "/<int:experiment_id>")
def update_experiment(req, experiment_id):
    return req.store.update_experiment(experiment_id, body(req))


@route(bp, "DELETE", "/<int:experiment_id>")
def delete_experiment(req, experiment_id):
    req.store.delete_experiment(experiment_id)
    return assumptions.DELETE_RESULTS

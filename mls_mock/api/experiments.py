from flask import Blueprint

from .common import body, envelope, positive_int, query, store, text, user
from .. import assumptions

bp = Blueprint("experiments", __name__, url_prefix="/api/v1/experiments")


@bp.get("")
def list_experiments():
    return envelope(store().list_experiments(**query(id=positive_int, name=text, query=text, page=positive_int)))


@bp.post("")
def create_experiment():
    return envelope(store().create_experiment(body(), user()), 201)


@bp.get("/<int:experiment_id>")
def get_experiment(experiment_id):
    return envelope(store().get_experiment(experiment_id))


@bp.put("/<int:experiment_id>")
def update_experiment(experiment_id):
    return envelope(store().update_experiment(experiment_id, body()))


@bp.delete("/<int:experiment_id>")
def delete_experiment(experiment_id):
    store().delete_experiment(experiment_id)
    return envelope(assumptions.DELETE_RESULTS)

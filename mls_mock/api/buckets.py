from flask import Blueprint

from .common import body, envelope, positive_int, query, store, text
from .. import assumptions

bp = Blueprint("buckets", __name__, url_prefix="/api/v1")
BUCKETS = "/experiments/<int:experiment_id>/buckets"


@bp.get(BUCKETS)
def list_buckets(experiment_id):
    args = query(id=positive_int, name=text, query=text, page=positive_int)
    return envelope(store().list_buckets(experiment_id, **args))


@bp.post(BUCKETS)
def create_bucket(experiment_id):
    return envelope(store().create_bucket(experiment_id, body()), 201)


@bp.get(BUCKETS + "/<int:bucket_id>")
def get_bucket(experiment_id, bucket_id):
    return envelope(store().get_bucket(experiment_id, bucket_id))


@bp.put(BUCKETS + "/<int:bucket_id>")
def update_bucket(experiment_id, bucket_id):
    return envelope(store().update_bucket(experiment_id, bucket_id, body()))


@bp.delete(BUCKETS + "/<int:bucket_id>")
def delete_bucket(experiment_id, bucket_id):
    store().delete_bucket(experiment_id, bucket_id)
    return envelope(assumptions.DELETE_RESULTS)


@bp.put("/experiments/<int:experiment_id>/bucket_ratio")
def set_bucket_ratio(experiment_id):
    return envelope(store().set_bucket_ratio(experiment_id, body()))


@bp.post("/bucket_migrations")
def migrate_buckets():
    return envelope(store().migrate_buckets(body()))

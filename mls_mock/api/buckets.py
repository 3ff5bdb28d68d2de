from flask import Blueprint

from .common import body, positive_int, query, route, text
from .. import assumptions

bp = Blueprint("buckets", __name__, url_prefix="/api/v1")
BUCKETS = "/experiments/<int:experiment_id>/buckets"


@route(bp, "GET", BUCKETS)
def list_buckets(req, experiment_id):
    args = query(req, id=positive_int, name=text, query=text, page=positive_int)
    return req.store.list_buckets(experiment_id, **args)


@route(bp, "POST", BUCKETS, status=201)
def create_bucket(req, experiment_id):
    return req.store.create_bucket(experiment_id, body(req))


@route(bp, "GET", BUCKETS + "/<int:bucket_id>")
def get_bucket(req, experiment_id, bucket_id):
    return req.store.get_bucket(experiment_id, bucket_id)


@route(bp, "PUT", BUCKETS + "/<int:bucket_id>")
def update_bucket(req, experiment_id, bucket_id):
    return req.store.update_bucket(experiment_id, bucket_id, body(req))


@route(bp, "DELETE", BUCKETS + "/<int:bucket_id>")
def delete_bucket(req, experiment_id, bucket_id):
    req.store.delete_bucket(experiment_id, bucket_id)
    return assumptions.DELETE_RESULTS


@route(bp, "PUT", "/experiments/<int:experiment_id>/bucket_ratio")
def set_bucket_ratio(req, experiment_id):
    return req.store.set_bucket_ratio(experiment_id, body(req))


@route(bp, "POST", "/bucket_migrations")
def migrate_buckets(req):
    return req.store.migrate_buckets(body(req))

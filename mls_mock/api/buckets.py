from .. import assumptions
from ..openapi_schemas import array, ref
from ..route import Routes
from ..wire import body
from .common import DELETED, LIST_QUERY, NAME_TAKEN

routes = Routes()
BUCKETS = "/api/v1/experiments/<int:experiment_id>/buckets"
BUCKET = BUCKETS + "/<int:bucket_id>"


@routes(
    "GET",
    BUCKETS,
    query=LIST_QUERY,
    summary="List an experiment's buckets",
    results=array(ref("Bucket")),
    link=("bucket_id", "/results/0/id"),
)
def list_buckets(req, experiment_id, **query):
    return req.store.list_buckets(experiment_id, **query)


@routes(
    "POST",
    BUCKETS,
    status=201,
    body="BucketBody",
    summary="Create a bucket",
    results=ref("Bucket"),
    refusals=NAME_TAKEN,
    link=("bucket_id", "/results/id"),
)
def create_bucket(req, experiment_id):
    return req.store.create_bucket(experiment_id, body(req))


@routes("GET", BUCKET, summary="Get a bucket", results=ref("Bucket"))
def get_bucket(req, experiment_id, bucket_id):
    return req.store.get_bucket(experiment_id, bucket_id)


@routes("PUT", BUCKET, body="BucketBody", summary="Replace a bucket", results=ref("Bucket"), refusals=NAME_TAKEN)
def update_bucket(req, experiment_id, bucket_id):
    return req.store.update_bucket(experiment_id, bucket_id, body(req))


@routes("DELETE", BUCKET, summary="Delete a bucket", results=DELETED)
def delete_bucket(req, experiment_id, bucket_id):
    req.store.delete_bucket(experiment_id, bucket_id)
    return assumptions.DELETE_RESULTS


@routes(
    "PUT",
    "/api/v1/experiments/<int:experiment_id>/bucket_ratio",
    body="BucketRatioBody",
    summary="Set every bucket's share and lay out the ranges",
    results=array(ref("Bucket")),
)
def set_bucket_ratio(req, experiment_id):
    return req.store.set_bucket_ratio(experiment_id, body(req))


@routes(
    "POST",
    "/api/v1/bucket_migrations",
    body="BucketMigrationBody",
    summary="Point every bucket using a model at a new prediction",
    results=array(ref("Bucket")),
)
def migrate_buckets(req):
    return req.store.migrate_buckets(body(req))

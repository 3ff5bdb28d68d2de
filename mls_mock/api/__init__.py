"""The HTTP layer: one module of routes per resource, each handler reads input, calls the
store and wraps the result; no rule of the domain lives here. This registry lists every
route the fake serves, in one place."""

from ..route import Route
from . import (
    admin,
    buckets,
    channels,
    clients,
    conversion_tracking,
    crud,
    data_status,
    datasets,
    dimensions,
    document,
    dynamodb,
    edges,
    experiments,
    filters,
    graph_api,
    meta_tables,
    ml_features,
    models,
    profile_api,
    profiles,
    recommendation,
    ui,
    unfaked,
    vertices,
)

# Hand-written routes; a resource the store declares with a `path` gets crud's five instead.
ROUTES: list[Route] = [
    *channels.routes,
    *experiments.routes,
    *buckets.routes,
    *filters.routes,
    *models.routes,
    *dimensions.routes,
    *ml_features.routes,
    *clients.routes,
    *profiles.routes,
    *profile_api.routes,
    *vertices.routes,
    *edges.routes,
    *meta_tables.routes,
    *datasets.routes,
    *dynamodb.routes,
    *recommendation.routes,
    *data_status.routes,
    *admin.routes,
    *document.routes,
    *ui.routes,
    *unfaked.routes,
    *conversion_tracking.routes,
    *graph_api.routes,
]


def routes_for(store) -> list[Route]:
    """Every route an app around `store` serves: the table above, then its CRUD resources."""
    generated = crud.routes_for(store)
    taken = {route.shape for route in generated}
    return [route for route in ROUTES if route.shape not in taken] + generated

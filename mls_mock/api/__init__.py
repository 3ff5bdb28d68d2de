"""The HTTP layer: one module of routes per resource, each handler reads input, calls the
store and wraps the result; no rule of the domain lives here. This registry lists every
route the fake serves, in one place."""

from ..route import Route
from . import admin, buckets, channels, crud, datasets, document, experiments, filters, models, unfaked

# Hand-written routes; a resource the store declares with a `path` gets crud's five instead.
ROUTES: list[Route] = [
    *channels.routes,
    *experiments.routes,
    *buckets.routes,
    *filters.routes,
    *models.routes,
    *datasets.routes,
    *admin.routes,
    *document.routes,
    *unfaked.routes,
]


def routes_for(store) -> list[Route]:
    """Every route an app around `store` serves: the table above, then its CRUD resources."""
    generated = crud.routes_for(store)
    taken = {route.shape for route in generated}
    return [route for route in ROUTES if route.shape not in taken] + generated

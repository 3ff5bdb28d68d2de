"""Store: the resource registry and its declarations, the side of the interface the generic
routes and /openapi.json read: every declared list query is accepted, the generic CRUD is
the named methods', and the schemas describe what the store really takes and gives."""
import jsonschema_rs
import pytest

from mls_mock import Store
from mls_mock.store import SEED_KINDS

from test_store_transactions import ArmedClock, busy_store

BODIES = {
    "channels": {"screen_id": "s", "experiments": [1]},
    "experiments": {"name": "x", "model_filter_id": 1, "description": None},
    "filters": {"name": "f", "body": {"conditions": [{"key": "k", "operator": "contains", "value": ["a"]}]}},
}
FIVE = ("models", "filters", "experiments", "buckets", "channels")  # the kinds this module builds records of


def test_resources_are_registered_in_load_order_with_their_declarations():
    store = Store()
    assert tuple(store.resources) == SEED_KINDS
    # a kind refers back only; later kinds may come before, between or after these five
    assert [kind for kind in SEED_KINDS if kind in FIVE] == list(FIVE)
    for plural, resource in store.resources.items():
        assert resource.plural == plural and resource.kind and resource.body_schema and resource.record_schema
    # Today's five have hand-written routes (api/<plural>.py: quirks the generic five lack);
    # api/crud.py serves a resource that declares a path (tests/http/test_http_crud_routes.py).
    assert all(store.resources[plural].path is None for plural in FIVE)


@pytest.mark.parametrize("plural", SEED_KINDS)
def test_every_declared_list_query_is_accepted(plural):
    store = busy_store(ArmedClock())
    query = dict.fromkeys(store.resources[plural].list_query)
    assert store.list(plural, **query, page=1) == store.list(plural)


@pytest.mark.parametrize("plural", sorted(BODIES))
def test_the_generic_crud_is_the_named_methods(plural):
    named, generic = busy_store(ArmedClock()), busy_store(ArmedClock())
    singular = plural[:-1]
    user = ("u",) if plural != "filters" else ()

    made = getattr(named, f"create_{singular}")(BODIES[plural], *user)
    assert generic.create(plural, BODIES[plural], *user) == made
    assert generic.get(plural, made["id"]) == getattr(named, f"get_{singular}")(made["id"])
    assert generic.list(plural, query="X") == getattr(named, f"list_{plural}")(query="X")
    assert generic.update(plural, made["id"], BODIES[plural]) == getattr(named, f"update_{singular}")(made["id"], BODIES[plural])
    generic.delete(plural, made["id"])
    getattr(named, f"delete_{singular}")(made["id"])
    assert generic.dump() == named.dump()


def test_the_schemas_hold_for_what_the_store_takes_gives_and_dumps():
    store = Store(generous=["full_lists"])
    store.create_model({"name": "m", "version": "v1", "model_type": "manual"})
    store.create_filter(BODIES["filters"])
    store.create_experiment({"name": "e1", "model_filter_id": 1}, "u")
    store.create_bucket(1, {"name": "a", "prediction_type": "static", "static_value": {"items": [{"id": "x"}]}})
    store.create_bucket(1, {"name": "b", "prediction_type": "batch", "batch_model_id": 1})
    store.create_channel(BODIES["channels"], "u")
    for plural, resource in store.resources.items():
        records = store.list(plural)
        assert records or plural not in FIVE, plural
        for record in records:
            jsonschema_rs.validate(resource.record_schema, record)
        for record in store.dump()[plural]:
            jsonschema_rs.validate(resource.seed_schema, record)
    for plural, body in BODIES.items():
        jsonschema_rs.validate(store.resources[plural].body_schema, body)

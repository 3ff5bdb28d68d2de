"""`Store`: the fake's state (records, IDs, clock, relations, every domain rule). No Flask.

The store composes the registered resources (`registry.RESOURCES`, one module each) and owns
what is common: the lock, the clock, transactions and their commit events, seed load/dump.
The methods for what only tests steer (DynamoDB, data status, profile values, a model's
status and answers) are mixed in from `steered.py`.
Public methods take and return plain JSON-ready dicts in the real server's wire shape, so
the HTTP layer only translates. Each write runs under the lock as one transaction (see
`transaction.py`): it completes, or raises having changed nothing. Values are validated
before the first write, so a refused request costs no undo.
"""

import builtins
import datetime
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import cast

from .. import assumptions
from . import automl, seeding
from .buckets import Buckets
from .data_status import DataStatus
from .dynamodb import DynamoDBItems, DynamoDBTables
from .models import Models
from .registry import RESOURCES
from .resource import Resource
from .steered import Steered
from .transaction import Commit, Transaction, WriteScope, atomic, locked


class Clock:
    """Reads `datetime.datetime` at call time, so freezegun's patch is followed."""

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC)


class Store(Steered):
    """All records of one fake MLS. One per app: isolation is the default.

    `clock` needs only `now()` returning an aware datetime; `timezone` is the zone the
    timestamps are rendered in; `generous` names switches of `assumptions.GENEROUS` to turn on.
    `resources`: plural -> Resource, in registration (load) order.
    """

    def __init__(
        self, clock: Clock | None = None, timezone: datetime.tzinfo | None = None, generous: Iterable[str] = ()
    ):
        self.clock = clock or Clock()
        self.timezone = timezone or assumptions.DEFAULT_TIMEZONE
        self.generous = assumptions.generous_switches(generous)
        self._lock = threading.RLock()
        self._listeners: list[Callable[[Commit], None]] = []
        self._tx: Transaction | None = None  # the write in progress, if any
        self.resources: dict[str, Resource] = {r.plural: r(self) for r in RESOURCES}
        # The resources the named methods below serve (objects that live as long as the store).
        self._channels, self._experiments, self._filters = (
            self.resources[plural] for plural in ("channels", "experiments", "filters")
        )
        self._buckets = cast(Buckets, self.resources["buckets"])
        self._models = cast(Models, self.resources["models"])
        self._dynamodb_tables = cast(DynamoDBTables, self.resources["dynamodb_tables"])
        self._dynamodb_items = cast(DynamoDBItems, self.resources["dynamodb_items"])
        self._data_status = cast(DataStatus, self.resources["data_status"])

    @property
    def lock(self) -> threading.RLock:
        """Held by every public method; hold it to read or write several things at once."""
        return self._lock

    def subscribe(self, listener: Callable[[Commit], None]) -> None:
        """Call `listener(commit)` once per successful outermost transaction, under the lock
        and before the transaction is final: if it raises, the transaction is rolled back and
        the exception propagates (see `transaction.Commit`)."""
        self._listeners.append(listener)

    def transaction(self) -> AbstractContextManager[None]:
        """Several writes as one, under the lock: all of them or, if anything raises inside,
        none; listeners hear of it once, at the end."""
        return WriteScope(self)

    @atomic
    def reset(self) -> None:
        tx = cast(Transaction, self._tx)
        tx.assign(tx, "replaced", True)
        for resource in self.resources.values():
            for attribute, empty in resource.fresh().items():
                tx.assign(resource, attribute, empty)

    def _now(self) -> str:
        return self.clock.now().astimezone(self.timezone).isoformat(timespec="microseconds")

    # ---- any registered resource -------------------------------------------------------------

    @atomic
    def create(self, plural: str, body: dict, user: str | None = None) -> dict:
        return self.resources[plural].create(body, user)

    @locked
    def list(self, plural: str, **query) -> list[dict]:
        """`query` as the route declares it: a list filter named after the resource's name
        field (`label=`, `profile_id=`) selects by name, like `name=`, and wins over it."""
        resource = self.resources[plural]
        field = resource.name_field
        if field is not None and field != "name" and field in query:
            by_field = query.pop(field)
            if by_field is not None:
                query["name"] = by_field
        return resource.list(**query)

    @locked
    def get(self, plural: str, record_id: int) -> dict:
        return self.resources[plural].get(record_id)

    @atomic
    def update(self, plural: str, record_id: int, body: dict) -> dict:
        return self.resources[plural].update(record_id, body)

    @atomic
    def delete(self, plural: str, record_id: int) -> None:
        self.resources[plural].delete(record_id)

    @atomic
    def insert(
        self,
        plural: str,
        body: dict,
        user: str | None = None,
        *,
        record_id: int | None = None,
        stamps: dict | None = None,
        **seed_fields,
    ) -> dict:
        """The seed-only path (seeds, factories): a create with an explicit id and timestamps
        ({"created_at", "updated_at"}, as given) and the kind's seed fields (a bucket's
        `experiment` and `bucket_range`); returns the record rendered."""
        resource = self.resources[plural]
        return resource.render(resource.insert_seeded(body, user, record_id, stamps, **seed_fields))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {kind: len(resource.table.rows) for kind, resource in self.resources.items()}

    # ---- channels, experiments, filters: the generic CRUD under their own names ---------
    # Each calls its resource directly (not through `create(plural, ...)`): one call less
    # on the paths every test takes.

    @atomic
    def create_channel(self, body: dict, user: str) -> dict:
        return self._channels.create(body, user)

    @locked
    def list_channels(self, id=None, screen_id=None, query=None, page=None) -> builtins.list[dict]:
        return self._channels.list(id, screen_id, query, page)

    @locked
    def get_channel(self, channel_id: int) -> dict:
        return self._channels.get(channel_id)

    @atomic
    def update_channel(self, channel_id: int, body: dict) -> dict:
        return self._channels.update(channel_id, body)

    @atomic
    def delete_channel(self, channel_id: int) -> None:
        self._channels.delete(channel_id)

    @atomic
    def create_experiment(self, body: dict, user: str) -> dict:
        return self._experiments.create(body, user)

    @locked
    def list_experiments(self, id=None, name=None, query=None, page=None) -> builtins.list[dict]:
        return self._experiments.list(id, name, query, page)

    @locked
    def get_experiment(self, experiment_id: int) -> dict:
        return self._experiments.get(experiment_id)

    @atomic
    def update_experiment(self, experiment_id: int, body: dict) -> dict:
        """A full replace: a field left out of `body` is cleared."""
        return self._experiments.update(experiment_id, body)

    @atomic
    def delete_experiment(self, experiment_id: int) -> None:
        """Also drops it from every channel and deletes its buckets."""
        self._experiments.delete(experiment_id)

    @atomic
    def create_filter(self, body: dict) -> dict:
        return self._filters.create(body)

    @locked
    def list_filters(self, id=None, name=None, query=None, page=None) -> builtins.list[dict]:
        return self._filters.list(id, name, query, page)

    @locked
    def get_filter(self, filter_id: int) -> dict:
        return self._filters.get(filter_id)

    @atomic
    def update_filter(self, filter_id: int, body: dict) -> dict:
        return self._filters.update(filter_id, body)

    @atomic
    def delete_filter(self, filter_id: int) -> None:
        """Refused (409) while an experiment uses the filter."""
        self._filters.delete(filter_id)

    # ---- buckets (inside an experiment) ----------------------------------------------------

    @atomic
    def create_bucket(self, experiment_id: int, body: dict, *, bucket_range: str | None = None) -> dict:
        """`bucket_range` (seeds only) keeps the siblings' ranges; see `Buckets.insert_seeded`."""
        return self._buckets.create_in(experiment_id, body, bucket_range)

    @locked
    def list_buckets(self, experiment_id: int, id=None, name=None, query=None, page=None) -> builtins.list[dict]:
        return self._buckets.list_in(experiment_id, id, name, query, page)

    @locked
    def get_bucket(self, experiment_id: int, bucket_id: int) -> dict:
        return self._buckets.get_in(experiment_id, bucket_id)

    @atomic
    def update_bucket(self, experiment_id: int, bucket_id: int, body: dict) -> dict:
        return self._buckets.update_in(experiment_id, bucket_id, body)

    @atomic
    def delete_bucket(self, experiment_id: int, bucket_id: int) -> None:
        """Unsets the ranges of the buckets left: the ratio must be set again."""
        self._buckets.delete_in(experiment_id, bucket_id)

    @atomic
    def set_bucket_ratio(self, experiment_id: int, body: dict) -> builtins.list[dict]:
        return self._buckets.set_ratio(experiment_id, body)

    @atomic
    def migrate_buckets(self, body: dict) -> builtins.list[dict]:
        return self._buckets.migrate(body)

    @locked
    def ranges_problem(self, experiment_id: int) -> str | None:
        return self._buckets.ranges_problem(experiment_id)

    # ---- models (MLModelClient; the automl server and batch predictions: store/automl.py) ----

    @atomic
    def create_model(self, body: dict) -> dict:
        """The store's way in: every field as stored (`components` as objects), no caller."""
        return self._models.create(body)

    @atomic
    def post_model(self, body: dict, user: str | None) -> dict:
        """What POST /api/v1/models does: the client's body (`components` by name)."""
        return self._models.create_from_client(body, user)

    @atomic
    def put_model(self, model_id: int, body: dict, viewer: str | None = None) -> dict:
        return self._models.update_from_client(model_id, body, viewer)

    @atomic
    def delete_model(self, model_id: int, viewer: str | None = None) -> None:
        """Refused (409) while a bucket serves the model; its batch predictions go with it."""
        self._models.delete_from_client(model_id, viewer)

    @locked
    def list_models(
        self, id=None, name=None, version=None, model_type=None, query=None, page=None, viewer: str | None = None
    ) -> builtins.list[dict]:
        return self._models.list(
            id=id, name=name, query=query, page=page, version=version, model_type=model_type, viewer=viewer
        )

    @locked
    def get_model(self, model_id: int, viewer: str | None = None) -> dict:
        return self._models.get(model_id, viewer)

    # ---- the automl server and batch predictions (store/automl.py) --------------------------

    @locked
    def automl_server_status(self, model_id: int, viewer: str | None = None) -> dict:
        return automl.server_status(self._models, model_id, viewer)

    @atomic
    def start_automl_server(self, model_id: int, viewer: str | None = None) -> dict:
        return automl.start_server(self._models, model_id, viewer)

    @atomic
    def stop_automl_server(self, model_id: int, viewer: str | None = None) -> dict:
        return automl.stop_server(self._models, model_id, viewer)

    @locked
    def automl_handler(self, model_id: int, viewer: str | None = None) -> dict:
        return automl.handler(self._models, model_id, viewer)

    @atomic
    def set_automl_handler(self, model_id: int, body: dict, viewer: str | None = None) -> dict:
        return automl.set_handler(self._models, model_id, body, viewer)

    @atomic
    def predict_automl(self, model_id: int, body: dict, user: str | None = None) -> dict:
        predictions = cast(automl.AutoMLPredictions, self.resources["automl_predictions"])
        return predictions.predict(model_id, body, user)

    # ---- seeding and dumping (the fixtures/ format) -----------------------------------------

    @atomic
    def load(self, document: dict, source: str = "seed") -> dict[str, int]:
        """Add the records of a seed document (see fixtures/README.md) to the store.

        Explicit ids are kept and move the sequences past them. All or nothing: a bad record
        raises SeedError naming `source`, the record and the field, and the transaction leaves
        the store as before (anything else raised inside leaves it as before too).
        """
        return seeding.load(self, document, source)

    @locked
    def dump(self) -> dict:
        """Every record in the seed format, with ids, timestamps and sequences: `load` of
        the result into an empty store gives back the same state."""
        return seeding.dump(self)

    def _changed_records(self, touched: dict[str, dict[int, None]]) -> dict[str, dict[int, dict | None]]:
        return seeding.changed_records(self, touched)

    def _sequences(self) -> dict[str, int]:
        return seeding.sequences(self)

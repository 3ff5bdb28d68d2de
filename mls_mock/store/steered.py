"""The `Store`'s methods for what MLS's own pipeline makes and the AB API cannot set: DynamoDB
tables and items, data status, what the profile API serves, a model's status, artifact and
fixed answers, an ML feature's group. Tests, seeds and `/_mock/` steer them; `Store` (core.py)
inherits them, so each runs under the store's lock like the rest.
"""

from typing import cast

from .. import profile_data
from .data_status import DataStatus
from .dynamodb import DynamoDBItems, DynamoDBTables
from .ml_features import MLFeatures
from .models import Models
from .resource import Resource
from .transaction import atomic, locked


class Steered:
    """Mixed into `Store`, which sets these attributes."""

    resources: dict[str, Resource]
    _models: Models
    _dynamodb_tables: DynamoDBTables
    _dynamodb_items: DynamoDBItems
    _data_status: DataStatus

    # ---- ML features: what the AB API cannot set ---------------------------------------------

    @atomic
    def set_ml_feature_group(self, feature_id: int, group: str | None) -> dict:
        """Put a feature in the group named `group` (None: in none); 400 naming `group`
        when no group has that name."""
        return cast(MLFeatures, self.resources["ml_features"]).set_group(feature_id, group)

    # ---- DynamoDB tables and items, data status (MLS's pipeline makes them; tests steer) ---

    @atomic
    def create_dynamodb_table(
        self, name: str, key: str | None = None, is_active: bool = True, is_loading: bool = False, items=()
    ) -> dict:
        """A table (`key`: its key attribute, default by the name) holding `items`."""
        self._dynamodb_tables.create({"name": name, "key": key, "is_active": is_active, "is_loading": is_loading})
        for item in items:
            self._dynamodb_items.put(name, item)
        return self._dynamodb_tables.with_items(name)

    @atomic
    def set_dynamodb_table(self, name: str, *, is_active: bool | None = None, is_loading: bool | None = None) -> dict:
        """Set a table's readiness ("still loading": is_loading=True); None keeps a flag."""
        return self._dynamodb_tables.set_readiness(name, is_active, is_loading)

    @atomic
    def put_dynamodb_item(self, table: str, item: dict) -> dict:
        """Put an item whatever the table's readiness (a replace when its key is taken)."""
        return self._dynamodb_items.put(table, item)["item"]

    @locked
    def get_dynamodb_table(self, name: str) -> dict:
        """The table with its `items`, in the order they were first put."""
        return self._dynamodb_tables.with_items(name)

    @atomic
    def dynamodb_request(self, body: dict) -> dict | None:
        """`POST /api/v1/dynamodb`: {"type": get|put|update|delete, "table_name", "body"}."""
        return self._dynamodb_items.answer(body)

    @locked
    def dynamodb_table_readiness(self, name: str, flag: str) -> dict:
        return self._dynamodb_tables.readiness(name, flag)

    @atomic
    def delete_dynamodb_table(self, name: str) -> None:
        """Drops its items too."""
        self._dynamodb_tables.drop(name)

    @atomic
    def put_profile_values(self, profile_id: str, kind: str, target_id: str, values: dict) -> dict | None:
        """Make `values` what the profile API serves for a user/item/id ("user"|"item"|"id"):
        the target's item in the profile's main table (made when missing); returns what is served."""
        return profile_data.put_values(self, profile_id, kind, target_id, values)

    @atomic
    def set_data_status(self, source: str, name: str, status: list[dict]) -> dict:
        """One entry of `GET /data_status/<source>` (s3|batch|dynamodb): a table's statuses,
        or the jobs of a batch job status (running|success|fail)."""
        return self._data_status.put({"source": source, "name": name, "status": status})

    @atomic
    def delete_data_status(self, source: str | None = None, name: str | None = None) -> int:
        """Remove the entries of `source` and `name` (None: any; a `name` matching none:
        404); returns how many went."""
        return self._data_status.remove(source, name)

    @locked
    def data_status(self, source: str) -> dict:
        return self._data_status.answer(source)

    @atomic
    def steer_model(self, model_id: int, changes: dict | None = None, /, **more) -> dict:
        """Set what only tests steer: `status`, `online_artifact` (the registry's info; None:
        not ready), `server_status`, `server_handler`. Returns the model's state."""
        return self._models.steer(model_id, {**(changes or {}), **more})

    @locked
    def model_artifact(self, model_name: str, model_version: str) -> dict:
        return self._models.artifact(model_name, model_version)

    @atomic
    def set_model_answer(self, model_id: int, answer: dict) -> dict:
        """What the recommendation API answers for an online/automl model (store/model_answers.py)."""
        return self.resources["model_answers"].put(model_id, answer)  # type: ignore[attr-defined]

    @atomic
    def delete_model_answer(self, model_id: int) -> None:
        """Forget the model's fixed answer (404 when it has none)."""
        self.resources["model_answers"].forget(model_id)  # type: ignore[attr-defined]

"""Models: created, replaced and deleted by `MLModelClient` (manual models, also called model
deployments, and automl models), by seeds, factories and `Store.create_model`; buckets with
a batch/online/automl prediction point at one.

Two ways in: the store's own (`fields`: seeds, factories, `Store.create_model`, where every
field is given as stored, `components` as component objects) and the client's
(`client_fields`: what `create_manual_model`, `create_automl_model` and `update_manual_model`
send, `components` as component names, `dataset_id` naming a dataset). A model also holds
state only tests steer (`STATE_FIELDS`): its registry artifact and its automl model server.
"""

import copy
from collections.abc import Hashable
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import Conflict, FieldError, NotFound
from . import schema as s
from .resource import Resource
from .table import matching, paginate

MODEL_TYPES = ("manual", "automl")
MODEL_FIELDS = (
    "description",
    "creator",
    "status",
    "table",
    "model_lib",
    "model_data",
    "model_meta",
    "features",
    "components",
    "is_enabled",
    "dataset_id",
    "dataset_name",
    "automl_model_info",
)
# sktmls/models/ml_model.py: MLModelStatus and MODEL_LIBS (create/update_manual_model assert it).
MODEL_STATUSES = ("IN_USE", "NOT_IN_USE", "TRAINING", "DONE", "FAILED", "UNKNOWN")
MODEL_LIBS = ("sklearn", "xgboost", "lightgbm", "catboost", "rule", "autogluon", "etc")
# get_automl_model_server_status documents `RUNNING` | `STOPPED` | `FAILED` | `UNKNOWN`.
SERVER_STATUSES = ("RUNNING", "STOPPED", "FAILED", "UNKNOWN")
# Kept in the row and in dumps, never answered with the model: the registry's artifact info
# (is_online_prediction_ready), and an automl model's server status and handler.
STATE_FIELDS = ("online_artifact", "server_status", "server_handler")
# Levels a state document puts around a model field: {"models": [{"model_meta": <value>}]}.
ENCLOSING_MODEL_FIELD = 3
# Fields the client's bodies carry, per model type; the rest of MODEL_FIELDS the server fills.
MANUAL_TEXT_FIELDS = ("description", "creator", "model_data", "features", "table")

STATE_SCHEMA = {
    "online_artifact": s.nullable({"type": "object", "description": "the model registry's artifact info"}),
    "server_status": s.nullable({"enum": list(SERVER_STATUSES)}),
    "server_handler": s.TEXT,
}


class Models(Resource):
    plural, kind = "models", "model"  # routes hand-written (viewer rule, sub-resources): api/models.py
    list_query = ("id", "name", "version", "model_type", "query")
    keeps_user = False  # `creator` is the owner
    # What create_manual_model / create_automl_model / update_manual_model send.
    body_schema = {
        **s.obj(
            ["name", "version", "model_type"],
            {
                "name": s.NAME,
                "version": s.NAME,
                "model_type": {"enum": list(MODEL_TYPES)},
                **dict.fromkeys(MANUAL_TEXT_FIELDS, s.TEXT),
                "model_lib": s.nullable({"enum": list(MODEL_LIBS)}),
                "model_meta": s.nullable({"type": "object"}),
                "components": s.nullable(
                    {**s.array(s.STRING), "description": "names of existing components (manual models)"}
                ),
                "dataset_id": {**s.nullable(s.ID), "description": "an existing dataset (automl models)"},
            },
        ),
        "if": {"properties": {"model_type": {"const": "automl"}}},
        "then": {"required": ["dataset_id"], "properties": {"dataset_id": s.ID}},
    }
    record_schema = s.obj(
        ["id", "name", "version", "model_type", "created_at", "updated_at"],
        {
            "id": s.ID,
            "name": s.STRING,
            "version": s.STRING,
            "model_type": {"enum": list(MODEL_TYPES)},
            **dict.fromkeys(MODEL_FIELDS, s.ANY),
            **s.STAMPS,
        },
    )
    seed_schema = {
        **s.obj(
            ["name", "version", "model_type"],
            {
                **s.SEEDED,
                "name": s.NAME,
                "version": s.NAME,
                "model_type": {"enum": list(MODEL_TYPES)},
                "status": s.nullable({"enum": list(MODEL_STATUSES)}),
                "components": s.nullable(s.array({"type": "object"})),
                **STATE_SCHEMA,
            },
        ),
        # only an automl model has a model server
        "if": {"properties": {"model_type": {"const": "manual"}}},
        "then": {"properties": {"server_status": {"type": "null"}}},
    }

    # ---- the store's way in (seeds, factories, Store.create_model) --------------------------

    def fields(self, body: dict, current: dict | None) -> dict:
        model_type = v.choice(body, "model_type", MODEL_TYPES)
        fields = {"name": v.name(body, "name"), "version": v.name(body, "version"), "model_type": model_type}
        components = body.get("components")
        if components is not None and not (
            isinstance(components, list) and all(isinstance(c, dict) for c in components)
        ):
            # sktmls builds Component(**c) from each one when it reads the model back.
            raise FieldError("components", 'must be a list of component objects ({"id", "name", ...}) or null')
        if body.get("status") is not None:
            v.choice(body, "status", MODEL_STATUSES)
        fields.update({key: v.json_value(body.get(key), key, ENCLOSING_MODEL_FIELD) for key in MODEL_FIELDS})
        return {**fields, **self.state_fields(body, model_type, current)}

    def state_fields(self, body: dict, model_type: str, current: dict | None) -> dict:
        """The steerable state from `body` (a seed record), else the current row's, else the
        defaults: no artifact, an automl server STOPPED with no handler."""
        artifact = body.get("online_artifact", current and current["online_artifact"])
        if artifact is not None and not isinstance(artifact, dict):
            raise FieldError("online_artifact", "must be an object (the registry's artifact info) or null")
        status = body.get("server_status", current and current["server_status"])
        if model_type == "automl":
            status = assumptions.AUTOML_SERVER_STATUS if status is None else status
            if status not in SERVER_STATUSES:
                raise FieldError("server_status", f"must be one of {', '.join(SERVER_STATUSES)}")
        elif status is not None:
            raise FieldError("server_status", "only an automl model has a model server")
        handler = v.text(body, "server_handler") if "server_handler" in body else current and current["server_handler"]
        return {
            "online_artifact": v.json_value(artifact, "online_artifact", ENCLOSING_MODEL_FIELD),
            "server_status": status,
            "server_handler": handler,
        }

    # ---- the client's way in (POST and PUT /api/v1/models) ----------------------------------

    def client_fields(self, body: dict, current: dict | None, user: str | None) -> dict:
        """A create (`current` None) or full replace as the client sends it. What the
        server owns (`status`, `is_enabled`, the steerable state, and `creator` when the body
        leaves it out) is kept on a replace and defaulted on a create."""
        model_type = v.choice(body, "model_type", MODEL_TYPES)
        if current is not None and model_type != current["model_type"]:
            raise FieldError("model_type", f"must stay {current['model_type']}: a model's type cannot change")
        fields: dict[str, Any] = {
            "name": v.name(body, "name"),
            "version": v.name(body, "version"),
            "model_type": model_type,
            **dict.fromkeys(MODEL_FIELDS),
        }
        # Every field the body schema declares is checked, whichever type reads it.
        texts = {key: v.text(body, key) for key in MANUAL_TEXT_FIELDS}
        model_lib = None if body.get("model_lib") is None else v.choice(body, "model_lib", MODEL_LIBS)
        meta = body.get("model_meta")
        if meta is not None:
            meta = v.json_value(v.expect_object(meta, "model_meta"), "model_meta", ENCLOSING_MODEL_FIELD)
        names = body.get("components")
        if names is not None and not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            raise FieldError("components", "must be a list of component names")
        dataset_id = v.optional_id(body, "dataset_id")
        kept = current or {}
        owner = kept.get("creator") or user
        fields["description"] = texts["description"]
        if model_type == "automl":
            if dataset_id is None:
                raise FieldError("dataset_id", "is required for an automl model")
            dataset = self.dataset(dataset_id)
            fields.update(
                creator=owner,  # the visibility rule reads it: the caller must see what it made
                status=kept.get("status", assumptions.NEW_AUTOML_MODEL_STATUS),
                dataset_id=dataset["id"],
                dataset_name=dataset["name"],
                automl_model_info=copy.deepcopy(kept.get("automl_model_info")),
            )
        else:
            fields.update(texts, model_lib=model_lib, model_meta=meta, components=self.components_named(names))
            fields["creator"] = texts["creator"] or owner
            fields["status"] = kept.get("status", assumptions.NEW_MANUAL_MODEL_STATUS)
            fields["is_enabled"] = kept.get("is_enabled", assumptions.NEW_MANUAL_MODEL_ENABLED)
        return {**fields, **self.state_fields({}, model_type, current)}

    def components_named(self, names) -> list[dict] | None:
        """The component records `names` name (create_manual_model sends names): the version
        marked latest, else the newest one."""
        if names is None:
            return None
        components = self.store.resources["components"]
        found = []
        for index, name in enumerate(names):
            versions = components.versions(name)
            if not versions:
                raise FieldError(f"components[{index}]", f"no component is named {name!r}")
            found.append(components.render(components.latest_named(name) or versions[-1]))
        return found

    def dataset(self, dataset_id: int) -> dict:
        row = self.store.resources["datasets"].table.rows.get(dataset_id)
        if row is None:
            raise FieldError("dataset_id", f"dataset {dataset_id} does not exist")
        return row

    def create_from_client(self, body: dict, user: str | None) -> dict:
        return self.render(self.insert(self.client_fields(body, None, user), user))

    def update_from_client(self, model_id: int, body: dict, viewer: str | None) -> dict:
        row = self.visible_row(model_id, viewer)
        fields = self.client_fields(body, row, viewer)
        self.check_name(fields, model_id)
        self.tx.rename(self.table, self.name_key(row), self.name_key(fields), model_id)
        self.touch(row, fields)
        return self.render(row)

    def delete_from_client(self, model_id: int, viewer: str | None) -> None:
        self.visible_row(model_id, viewer)
        self.delete(model_id)

    def on_delete(self, row: dict) -> None:
        buckets = self.store.resources["buckets"].table.rows.values()
        serving = [b for b in buckets if b["model_id"] == row["id"]]
        if serving:
            named = ", ".join(f"{b['id']} ({b['name']}, experiment {b['experiment']})" for b in serving)
            raise Conflict(f"model {row['id']} is served by buckets {named}; point them elsewhere first")
        predictions = self.store.resources.get("automl_predictions")
        if predictions is not None:
            predictions.drop_model(row["id"])
        answers = self.store.resources.get("model_answers")
        if answers is not None:
            answers.drop_model(row["id"])

    # ---- steering (store, seeds, factories, /_mock/) ------------------------------------------

    def steer(self, model_id: int, changes: dict) -> dict:
        """Set `status` and the `STATE_FIELDS` given in `changes`; returns the model's state."""
        row = self.table.get(model_id)
        unknown = set(changes) - {"status", *STATE_FIELDS}
        if unknown:
            raise FieldError(sorted(unknown)[0], f"is not steerable; give status or {', '.join(STATE_FIELDS)}")
        fields = self.state_fields({**changes}, row["model_type"], row)
        if "status" in changes:
            fields["status"] = v.choice(changes, "status", MODEL_STATUSES)
        self.touch(row, fields)
        return self.state(row)

    def state(self, row: dict) -> dict:
        return {"id": row["id"], "status": row["status"], **{key: copy.deepcopy(row[key]) for key in STATE_FIELDS}}

    # ---- reading ------------------------------------------------------------------------------

    def name_key(self, fields: dict) -> Hashable:
        return (fields["name"], fields["version"])  # one name, several versions

    def shown_name(self, fields: dict) -> str:
        return f"{fields['name']} {fields['version']}"

    def render(self, row: dict) -> dict:
        return {key: copy.deepcopy(value) for key, value in row.items() if key not in STATE_FIELDS}

    def dump_record(self, row: dict) -> dict:
        return copy.deepcopy(row)

    def visible(self, row: dict, viewer: str | None) -> bool:
        """Whether `viewer` may read the model: an automl model is its creator's alone unless
        `shared_automl_models` is on; `viewer` None (the store's own callers) sees all."""
        return (
            viewer is None
            or row["model_type"] != "automl"
            or row["creator"] == viewer
            or "shared_automl_models" in self.store.generous
        )

    def visible_row(self, model_id: int, viewer: str | None, model_type: str | None = None) -> dict:
        row = self.table.get(model_id)
        if not self.visible(row, viewer):
            raise NotFound.record("model", model_id)  # as if absent: nothing to learn about others' models
        if model_type is not None and row["model_type"] != model_type:
            raise NotFound(f"model {model_id} is {row['model_type']}: it has no {model_type} model server")
        return row

    def list(
        self,
        id: int | None = None,
        name: str | None = None,
        query: str | None = None,
        page: int | None = None,
        *,
        version: str | None = None,
        model_type: str | None = None,
        viewer: str | None = None,
    ) -> list[dict]:
        rows = self.table.select(id, None, "name")
        rows = [
            r
            for r in matching(rows, "name", query)
            if self.visible(r, viewer)
            and (name is None or r["name"] == name)
            and (version is None or r["version"] == version)
            and (model_type is None or r["model_type"] == model_type)
        ]
        return [self.render(r) for r in paginate(rows, page)]

    def get(self, record_id: int, viewer: str | None = None) -> dict:
        return self.render(self.visible_row(record_id, viewer))

    def artifact(self, model_name: str, model_version: str) -> dict:
        """What GET /model_registry/artifacts/info answers: the artifact of the model named
        so, or null when there is none (or no such model)."""
        model_id = self.table.ids_by_name.get((model_name, model_version))
        row = None if model_id is None else self.table.rows[model_id]
        return {"info": None if row is None else copy.deepcopy(row["online_artifact"])}

"""Datasets: AutoML training sets an automl model is made from (`dataset_id`), with the
columns (features) the dataset builder found and the specs the user edits on them.

The body and the record differ (sktmls's `create_dataset` sends `type`, `base_feature_conf`
and `label_data_conf`; its `Dataset` reads `data_type` and `setup_conf`); the seed format is
the body plus what a test steers: `status`, `error` and `columns`.
"""

import builtins
from typing import Any

from .. import assumptions
from .. import validation as v
from ..errors import Conflict, FieldError
from . import schema as s
from .resource import Resource

PROBLEM_TYPES = ("score", "classification", "regression")  # sktmls.datasets.ProblemType
LABEL_SOURCE_TYPES = ("file", "table")  # LabelDataConf asserts one of these
TYPE_CODES = ("FLOAT64", "CATEGORY")  # update_column_specs' docstring
COLUMN_SPEC_KEYS = ("include", "type_code")
STEERED = ("status", "error", "columns")  # what a test sets; the API cannot

FEATURE_STORE_CONF = s.obj(
    ["enabled"],
    {
        "enabled": {"type": "boolean"},
        "feature_group_id_list": s.nullable(s.IDS),
        "n_label_ratio": {"type": "number", "exclusiveMinimum": 0},
    },
)
LABEL_DATA_CONF = s.obj(
    ["source_type", "source_path"], {"source_type": {"enum": list(LABEL_SOURCE_TYPES)}, "source_path": s.NAME}
)
COLUMN = s.obj(
    ["name", "type_code", "include"],
    {"name": s.NAME, "type_code": {"enum": list(TYPE_CODES)}, "include": {"type": "boolean"}},
)
COLUMN_IN = s.obj(["name"], COLUMN["properties"])  # seeds and the admin API: the rest defaults
COLUMNS = s.obj(["columns"], {"columns": s.array(COLUMN)})
COLUMN_SPECS = s.obj(
    ["edit_columns"],
    {
        "edit_columns": {
            "type": "object",
            "description": "column name -> the spec keys to change",
            "additionalProperties": s.obj(
                [], {"include": {"type": "boolean"}, "type_code": {"enum": list(TYPE_CODES)}}, extra=False
            ),
        }
    },
)
STEER_BODY = s.obj(
    [],
    {"status": s.NAME, "error": s.TEXT, "columns": s.array(COLUMN_IN)},
    extra=False,
)


def _feature_store_conf(body: dict) -> dict:
    conf = v.expect_object(body.get("base_feature_conf"), "base_feature_conf")
    with v.within("base_feature_conf."):
        enabled = conf.get("enabled")
        if not isinstance(enabled, bool):
            raise FieldError("enabled", "is required, true or false")
        group_ids = None if conf.get("feature_group_id_list") is None else v.id_list(conf, "feature_group_id_list")
        ratio = conf.get("n_label_ratio", 1.0)
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 < ratio < float("inf"):
            raise FieldError("n_label_ratio", "must be a positive number")
    return {"enabled": enabled, "feature_group_id_list": group_ids, "n_label_ratio": ratio}


def _label_data_conf(body: dict) -> dict:
    conf = v.expect_object(body.get("label_data_conf"), "label_data_conf")
    with v.within("label_data_conf."):
        source_type = v.choice(conf, "source_type", LABEL_SOURCE_TYPES)
        return {"source_type": source_type, "source_path": v.name(conf, "source_path")}


def read_columns(value: Any, field: str = "columns") -> list[dict]:
    """A steered column list: objects with a unique `name`; `type_code` defaults to FLOAT64
    and `include` to true."""
    if not isinstance(value, list):
        raise FieldError(field, "must be a list of column objects")
    columns, seen = [], set()
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        v.expect_object(item, where)
        with v.within(where + "."):
            name = v.name(item, "name")
            type_code = v.choice(item, "type_code", TYPE_CODES) if "type_code" in item else "FLOAT64"
            include = item.get("include", True)
            if not isinstance(include, bool):
                raise FieldError("include", "must be true or false")
        if name in seen:
            raise FieldError(where + ".name", f"a column named {name!r} already exists")
        seen.add(name)
        columns.append({"name": name, "type_code": type_code, "include": include})
    return columns


class Datasets(Resource):
    """What other resources may use: `table.referenced(id, field)` for a dataset a body names
    (400 naming `field` when it is missing), `table.get(id)` (404), and the row's `name`
    (e.g. a model's `dataset_name`). A dataset cannot be deleted while a model row's
    `dataset_id` names it."""

    plural, kind = "datasets", "dataset"  # its routes are hand-written: api/datasets.py
    body_schema = s.obj(
        ["name", "type", "base_feature_conf", "label_data_conf"],
        {
            "name": s.NAME,
            "type": {"enum": list(PROBLEM_TYPES)},
            "base_feature_conf": FEATURE_STORE_CONF,
            "label_data_conf": LABEL_DATA_CONF,
        },
    )
    record_schema = s.obj(
        ["id", "name", "status", "data_type", "setup_conf", "created_at", "updated_at"],
        {
            "id": s.ID,
            "name": s.STRING,
            "status": s.STRING,
            "data_type": {"enum": list(PROBLEM_TYPES)},
            "setup_conf": s.obj(
                ["base_feature_conf", "label_data_conf", "error"],
                {"base_feature_conf": FEATURE_STORE_CONF, "label_data_conf": LABEL_DATA_CONF, "error": s.TEXT},
            ),
            **s.STAMPS,
        },
    )
    seed_schema = s.obj(
        ["name", "type", "base_feature_conf", "label_data_conf"],
        {
            **s.SEEDED,
            **body_schema["properties"],
            "status": s.nullable(s.NAME),
            "error": s.TEXT,
            "columns": s.nullable(s.array(COLUMN_IN)),
        },
    )

    def fields(self, body: dict, current: dict | None) -> dict:
        """No route replaces a dataset (the client has no such call); a Python caller's
        `Store.update` keeps what the builder decided."""
        return {
            "name": v.name(body, "name"),
            "data_type": v.choice(body, "type", PROBLEM_TYPES),
            "base_feature_conf": _feature_store_conf(body),
            "label_data_conf": _label_data_conf(body),
            "status": assumptions.DATASET_STATUS_CREATED if current is None else current["status"],
            "error": None if current is None else current["error"],
            "columns": [] if current is None else current["columns"],
        }

    def render(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "name": row["name"],
            "status": row["status"],
            "data_type": row["data_type"],
            "setup_conf": {
                "base_feature_conf": self._copy_feature_conf(row),
                "label_data_conf": dict(row["label_data_conf"]),
                "error": row["error"],
            },
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    @staticmethod
    def _copy_feature_conf(row: dict) -> dict:
        conf = dict(row["base_feature_conf"])
        if conf["feature_group_id_list"] is not None:
            conf["feature_group_id_list"] = builtins.list(conf["feature_group_id_list"])
        return conf

    def dump_record(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "name": row["name"],
            "type": row["data_type"],
            "base_feature_conf": self._copy_feature_conf(row),
            "label_data_conf": dict(row["label_data_conf"]),
            "status": row["status"],
            "error": row["error"],
            "columns": self.columns_of(row),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }

    # ---- seeds and steering: status, error, columns ---------------------------------------

    @staticmethod
    def read_steered(changes: dict) -> dict:
        """The steerable fields `changes` gives, checked (an unknown key is refused)."""
        unknown = sorted(set(changes) - set(STEERED))
        if unknown:
            raise FieldError(str(unknown[0]), f"is not a field a test sets; those are {', '.join(STEERED)}")
        read: dict[str, Any] = {}
        if "status" in changes:
            read["status"] = v.name(changes, "status")
        if "error" in changes:
            read["error"] = v.text(changes, "error")
        if "columns" in changes:
            read["columns"] = read_columns(changes["columns"])
        return read

    def seed_fields(self, record: dict) -> dict[str, Any]:
        return {key: record[key] for key in STEERED if record.get(key) is not None}

    def insert_seeded(
        self, body: dict, user: str | None, record_id: int | None, stamps: dict | None, **seed_fields: Any
    ) -> dict:
        """`seed_fields`: any of `status`, `error`, `columns` (see `set_state`)."""
        fields = self.fields(body, None)
        return self.insert({**fields, **self.read_steered(seed_fields)}, user, record_id, stamps)

    def set_state(self, dataset_id: int, **changes: Any) -> dict:
        """Set what the dataset builder decides on a real server: `status` (any name),
        `error` (text or None; sktmls's `Dataset.get_error` reads it) and `columns` (a list
        of {"name", "type_code", "include"}; see `read_columns`). One transaction under the
        store lock; moves `updated_at`. Returns the seed form of the dataset."""
        with self.store.transaction():
            row = self.table.get(dataset_id)
            self.touch(row, self.read_steered(changes))
            return self.dump_record(row)

    # ---- columns: GET /columns and PUT /columnspecs ----------------------------------------

    def columns_of(self, row: dict) -> builtins.list[dict]:
        return [dict(column) for column in row["columns"]]

    def columns(self, dataset_id: int) -> dict:
        """What `GET /datasets/{id}/columns` answers: `list_features` reads `columns`."""
        return {"columns": self.columns_of(self.table.get(dataset_id))}

    def edit_column_specs(self, dataset_id: int, body: dict) -> dict:
        """`PUT /datasets/{id}/columnspecs`: change `include`/`type_code` of named columns;
        a column the dataset lacks, or a key beyond those two, is refused naming it."""
        row = self.table.get(dataset_id)
        edits = v.expect_object(body.get("edit_columns"), "edit_columns")
        by_name = {column["name"]: dict(column) for column in row["columns"]}
        for name, spec in edits.items():
            field = f"edit_columns.{name}"
            if name not in by_name:
                raise FieldError(field, f"column {name!r} of dataset {dataset_id} does not exist")
            v.expect_object(spec, field)
            unknown = sorted(set(spec) - set(COLUMN_SPEC_KEYS))
            if unknown:
                known = ", ".join(COLUMN_SPEC_KEYS)
                raise FieldError(f"{field}.{unknown[0]}", f"is not a column spec key; those are {known}")
            if "include" in spec and not isinstance(spec["include"], bool):
                raise FieldError(f"{field}.include", "must be true or false")
            if "type_code" in spec:
                with v.within(field + "."):
                    v.choice(spec, "type_code", TYPE_CODES)
            by_name[name].update(spec)
        self.touch(row, {"columns": builtins.list(by_name.values())})
        return {"columns": self.columns_of(row)}

    # ---- relations ------------------------------------------------------------------------

    def on_delete(self, row: dict) -> None:
        """Refused while a model was made from it: the model's batch prediction reads it
        (sktmls AutoMLBatchPredictionClient.predict: get_dataset(id=model.dataset_id))."""
        models = self.store.resources["models"].table.rows.values()
        users = [m for m in models if m.get("dataset_id") == row["id"]]
        if users:
            named = ", ".join(f"{m['id']} ({m['name']} {m['version']})" for m in users)
            raise Conflict(f"dataset {row['id']} is used by models {named}; delete them first")

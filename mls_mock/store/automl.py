"""What an automl model does besides being read: its model server (start, stop, status, the
online prediction handler, state kept on the model row) and its batch predictions
(`AutoMLPredictions`, one record per `AutoMLBatchPredictionClient.predict`).

The bodies are checked as strictly as sktmls/models/automl/automl_prediction.py checks
them before sending (each channel config's asserts, `ScoreExportOption`,
`CustomFeatureSourceConfig` after it maps the deprecated source types)."""

import ast
import copy
import re
from typing import cast

from .. import assumptions
from .. import validation as v
from ..errors import Conflict, FieldError
from . import schema as s
from .models import Models
from .resource import Resource

# channel -> (the body key of its config, {field: (pattern or None, what it must be)})
CHANNELS: dict[str, tuple[str, dict[str, tuple[str | None, str]]]] = {
    "EMAIL": (
        "email_channel_config",
        {"email": (r"^[^@\s]+@(sktelecom\.com|sk\.com)$", "an @sktelecom.com or @sk.com address")},
    ),
    "TOS": ("tos_channel_config", {"employee_num": (None, "a string"), "target_group_name": (None, "a string")}),
    "EDD": (
        "edd_channel_config",
        {
            "username": (r"^[a-z][0-9]{7}", "an EDD account such as g1234567"),
            "database": (r"^[A-Za-z0-9_]+$", "letters, digits and _"),
            "table": (r"^[A-Za-z0-9_]+$", "letters, digits and _"),
        },
    ),
    "YE": (
        "ye_channel_config",
        {
            "username": (r"^[A-Za-z0-9_]+$", "letters, digits and _"),
            "table": (r"^[A-Za-z0-9_]+$", "letters, digits and _"),
        },
    ),
}
PREDICTION_STATUSES = ("RUNNING", "DONE", "ERROR_BATCH_PREDICT")  # AutoMLBatchPrediction's docstring
SOURCE_TYPES = ("file", "table")  # CustomFeatureSourceConfig maps csv to file, edd2 and ye to table
NON_EMPTY = {"type": "string", "minLength": 1}
MAX_TARGET_LIMIT = 10_000_000  # ScoreExportOption asserts it
PERIOD = re.compile(r"^[0-9]{4}(0[1-9]|1[0-2])$")  # YYYYMM
# Levels a state document puts around a prediction's config: {"automl_predictions": [{"channel_config": ...}]}.
ENCLOSING_CONFIG = 3


def _matches(pattern: str, value: str) -> bool:
    """As a JSON Schema `pattern` (ECMA): `$` is the very end, not before a final newline."""
    return bool(re.fullmatch(pattern[1:-1], value) if pattern.endswith("$") else re.match(pattern, value))


def _config_schema(rules: dict) -> dict:
    return s.obj(
        list(rules),
        {field: {"type": "string", **({"pattern": p} if p else {})} for field, (p, _) in rules.items()},
    )


def _config(body: dict, key: str, rules: dict) -> dict:
    config = v.expect_object(body.get(key), key)
    for field, (pattern, meaning) in rules.items():
        value = config.get(field)
        if not isinstance(value, str) or (pattern and not _matches(pattern, value)):
            raise FieldError(f"{key}.{field}", f"must be {meaning}")
    return {field: config[field] for field in rules}


def _score_option(value) -> dict | None:
    if value is None:
        return None
    option = v.expect_object(value, "score_export_option")
    sort = option.get("sort")
    if not isinstance(sort, bool):
        raise FieldError("score_export_option.sort", "must be true or false")
    given = option.get("target_limit")
    limit = v.whole_number(given)
    if (given is not None or sort) and (limit is None or not 1 <= limit <= MAX_TARGET_LIMIT):
        raise FieldError(
            "score_export_option.target_limit", f"must be an integer from 1 to {MAX_TARGET_LIMIT} (required when sort)"
        )
    if not sort:
        return {"sort": False}
    return {"sort": True, "target_limit": limit}


def _feature_source(value) -> dict | None:
    if value is None:
        return None
    config = v.expect_object(value, "custom_feature_source_config")
    try:
        v.choice(config, "source_type", SOURCE_TYPES)
    except FieldError as error:
        raise FieldError("custom_feature_source_config.source_type", error.message.partition(": ")[2]) from None
    if not isinstance(config.get("source_path"), str) or not config["source_path"]:
        raise FieldError("custom_feature_source_config.source_path", "must be a non-empty string")
    return {"source_type": config["source_type"], "source_path": config["source_path"]}


def _period(body: dict) -> str | None:
    period = body.get("period")
    if period is not None and not (isinstance(period, str) and PERIOD.fullmatch(period)):
        raise FieldError("period", "must be a month written YYYYMM")
    return period


SCORE_OPTION = s.nullable(
    {
        **s.obj(
            ["sort"],
            {
                "sort": {"type": "boolean"},
                "target_limit": s.nullable({"type": "integer", "minimum": 1, "maximum": MAX_TARGET_LIMIT}),
            },
        ),
        "if": {"properties": {"sort": {"const": True}}},
        "then": {"required": ["target_limit"], "properties": {"target_limit": {"type": "integer"}}},
    }
)
PERIOD_TEXT = s.nullable({"type": "string", "pattern": PERIOD.pattern})
FEATURE_SOURCE = s.nullable(
    s.obj(
        ["source_type", "source_path"],
        {
            "source_type": {"enum": list(SOURCE_TYPES)},
            "source_path": {"type": "string", "minLength": 1},
        },
    )
)


class AutoMLPredictions(Resource):
    """Batch predictions of automl models: made by POST /models/{id}/predictions, read by no
    route (the client only reads the answer), deleted with their model."""

    plural, kind = "automl_predictions", "automl_prediction"
    name_field = None
    keeps_user = True
    body_schema = {
        **s.obj(
            ["channel"],
            {
                "channel": {"enum": list(CHANNELS)},
                **{key: s.nullable(_config_schema(rules)) for key, rules in CHANNELS.values()},
                "score_export_option": SCORE_OPTION,
                "period": PERIOD_TEXT,
                "custom_feature_source_config": FEATURE_SOURCE,
            },
        ),
        "allOf": [
            {
                "if": {"properties": {"channel": {"const": channel}}},
                "then": {"required": [key], "properties": {key: _config_schema(rules)}},
            }
            for channel, (key, rules) in CHANNELS.items()
        ],
    }
    # AutoMLBatchPrediction reads id, name (as its `channel`), status and the timestamps.
    record_schema = s.obj(
        ["id", "name", "status", "created_at", "updated_at"],
        {"id": s.ID, "name": {"enum": list(CHANNELS)}, "status": {"enum": list(PREDICTION_STATUSES)}, **s.STAMPS},
    )
    seed_schema = s.obj(
        ["model_id", "name", "channel_config"],
        {
            **s.SEEDED,
            "model_id": s.ID,
            "name": {"enum": list(CHANNELS)},
            "status": s.nullable({"enum": list(PREDICTION_STATUSES)}),
            "channel_config": {"type": "object"},
            "score_export_option": SCORE_OPTION,
            "period": PERIOD_TEXT,
            "custom_feature_source_config": FEATURE_SOURCE,
        },
    )

    @property
    def models(self) -> Models:
        return self.store.resources["models"]

    def body_of(self, record: dict) -> dict:
        """A stored prediction keeps its channel as `name` and its config as `channel_config`;
        the request names the channel `channel` and the config by the channel's key."""
        channel, config = record["name"], record["channel_config"]
        rest = {k: v for k, v in record.items() if k not in ("name", "channel_config")}
        return {**rest, "channel": channel, CHANNELS[channel][0]: config}

    def fields(self, body: dict, current: dict | None) -> dict:
        """A seed record (the stored form)."""
        model_id = v.required_id(body, "model_id")
        model = self.models.table.referenced(model_id, "model_id")
        if model["model_type"] != "automl":
            raise FieldError("model_id", f"model {model_id} is {model['model_type']}; predictions need an automl model")
        channel = v.choice(body, "name", CHANNELS)
        config = v.json_value(
            v.expect_object(body.get("channel_config"), "channel_config"), "channel_config", ENCLOSING_CONFIG
        )
        return {
            "model_id": model_id,
            "name": channel,
            "status": v.choice(body, "status", PREDICTION_STATUSES) if body.get("status") is not None else "RUNNING",
            "channel_config": config,
            "score_export_option": _score_option(body.get("score_export_option")),
            "period": _period(body),
            "custom_feature_source_config": _feature_source(body.get("custom_feature_source_config")),
        }

    def render(self, row: dict) -> dict:
        return {key: row[key] for key in ("id", "name", "status", "created_at", "updated_at")}

    def dump_record(self, row: dict) -> dict:
        return copy.deepcopy(row)

    def predict(self, model_id: int, body: dict, user: str | None) -> dict:
        """POST /models/{id}/predictions: the model must be a trained (DONE) automl model the
        caller can read, whose dataset still exists."""
        model = self.models.visible_row(model_id, user, "automl")
        channel = v.choice(body, "channel", CHANNELS)
        for other, rules in CHANNELS.values():  # every config given is checked, the channel's is required
            if body.get(other) is not None:
                _config(body, other, rules)
        key, rules = CHANNELS[channel]
        config = _config(body, key, rules)
        score = _score_option(body.get("score_export_option"))
        fields = {
            "model_id": model_id,
            "name": channel,
            "status": assumptions.NEW_PREDICTION_STATUS,
            "channel_config": config,
            "score_export_option": score,
            "period": _period(body),
            "custom_feature_source_config": _feature_source(body.get("custom_feature_source_config")),
        }
        if model["status"] != "DONE":
            raise Conflict(f"model {model_id} is {model['status']}: only a trained (DONE) model predicts")
        dataset = self.store.resources["datasets"].table.rows.get(model["dataset_id"])
        if dataset is None:
            raise Conflict(f"model {model_id}'s dataset {model['dataset_id']} no longer exists")
        if dataset.get("data_type") == "score" and score is None:
            raise FieldError("score_export_option", "is required: the model's dataset is a score problem")
        return self.render(self.insert(fields, user))

    def drop_model(self, model_id: int) -> None:
        for row in [r for r in self.table.rows.values() if r["model_id"] == model_id]:
            self.tx.remove(self.table, row["id"], None)


# ---- the automl model server (state on the model row) --------------------------------------


def server_status(models: Models, model_id: int, viewer: str | None) -> dict:
    return {"status": models.visible_row(model_id, viewer, "automl")["server_status"]}


def start_server(models: Models, model_id: int, viewer: str | None) -> dict:
    """Only a trained (DONE) model can serve; starting a running server changes nothing."""
    row = models.visible_row(model_id, viewer, "automl")
    if row["status"] != "DONE":
        raise Conflict(f"model {model_id} is {row['status']}: only a trained (DONE) model can serve")
    if row["server_status"] != "RUNNING":
        models.touch(row, {"server_status": "RUNNING"})
    return {"status": row["server_status"]}


def stop_server(models: Models, model_id: int, viewer: str | None) -> dict:
    row = models.visible_row(model_id, viewer, "automl")
    if row["server_status"] != "STOPPED":
        models.touch(row, {"server_status": "STOPPED"})
    return {"status": row["server_status"]}


def handler(models: Models, model_id: int, viewer: str | None) -> dict:
    return {"handler": models.visible_row(model_id, viewer, "automl")["server_handler"]}


def set_handler(models: Models, model_id: int, body: dict, viewer: str | None) -> dict:
    """The handler must be Python that parses, as update_automl_model_server_handler checks."""
    row = models.visible_row(model_id, viewer, "automl")
    code = cast(str, v.text(body, "handler", required=True))
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise FieldError("handler", f"is not valid Python: {type(error).__name__}") from None
    models.touch(row, {"server_handler": code})
    return {"handler": code}

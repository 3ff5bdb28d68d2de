"""Every guess about the real MLS AB server that the client's code does not settle.

One constant per decision, documented in the README's assumptions table. Change a behaviour
here and nowhere else.
"""

import datetime

# Records per page when `page` is given; without `page` a list returns every match.
PAGE_SIZE = 50
# A `page` past the last one returns an empty list (not 404), so paging loops end naturally.
EMPTY_PAGE_IS_ERROR = False

# Zone of `created_at` / `updated_at`, rendered as ISO-8601 with microseconds and offset.
DEFAULT_TIMEZONE = datetime.UTC

# Names longer than this are rejected (a typical database column width).
MAX_NAME_LENGTH = 255

# Bodies larger than this get 413.
MAX_BODY_BYTES = 1024 * 1024

# A body nested deeper than this gets 400 before it is parsed; a value is stored only if a
# state document holding it stays within it (from bodies, seeds, state files and Python
# alike). Real MLS payloads are a few levels deep; the bound keeps every later read (copy,
# encode, GET /_mock/state then PUT) safe.
MAX_JSON_DEPTH = 64

# The one id range: body, query and path ids, seeded ids and ID sequences. 2**53 - 1 is the
# largest integer every JSON reader (JavaScript's included) holds exactly. A path id above
# it is no route (404); a create once a sequence has reached it gets 409.
MAX_ID = 2**53 - 1

# Bucket ranges split 100 slots; a bucket with ratio 30 after one with 20 gets "20-49"
# (inclusive bounds), a bucket with ratio 0 or never given a ratio gets "". Adding or
# deleting a bucket clears every range of its experiment: the ratio must be set again.
# An experiment's ranges always cover the slots exactly once, or are all unset.
BUCKET_SLOTS = 100
BUCKET_RANGE_UNSET = ""


def bucket_range(start: int, width: int) -> str:
    return f"{start}-{start + width - 1}" if width else BUCKET_RANGE_UNSET


# A model a batch/online bucket points at must be a manual model and an automl bucket's an
# automl one: the client reads them back with get_manual_model / get_automl_model.
MODEL_TYPE_FOR_PREDICTION = {"batch": "manual", "online": "manual", "automl": "automl"}

# A description left out of a create or full-replace PUT is stored as null.
MISSING_DESCRIPTION = None

# DELETE answers 200 with `results: null`.
DELETE_RESULTS = None

# Without a users table any username/password pair is accepted (Basic auth still required).
ACCEPT_ANY_CREDENTIALS = True

# What a list item of `GET /channels` and `GET /filters` holds, and what an experiment's
# `channels` and `model_filter` hold: sktmls documents list_channels and list_filters as
# returning id, name, created_at, updated_at "(conditions excluded)" and
# Experiment.model_filter "(conditions excluded)". A channel's name is sent as
# `screen_id`, the only key sktmls's Channel reads it from.
CHANNEL_SUMMARY_FIELDS = ("id", "screen_id", "created_at", "updated_at")
FILTER_SUMMARY_FIELDS = ("id", "name", "created_at", "updated_at")

# Behaviours beyond what the client documents, each turned on by name
# (`MLSMock(generous=...)`, `mls-mock serve --generous`, the plugin's `mls_mock_generous`).
# All off by default: the fake then answers the least the client documents.
GENEROUS = {
    "full_lists": "list items of channels and filters, and an experiment's channels and model_filter, are full "
    "records (experiments, user, conditions) instead of the documented summaries",
    "shared_automl_models": "every user can read every automl model, not only the ones they created",
}


def generous_switches(names) -> frozenset:
    """The switch names as a set; an unknown name is refused, naming the known ones."""
    if isinstance(names, str):
        names = [names]
    chosen = frozenset(names)
    unknown = sorted(chosen - set(GENEROUS))
    if unknown:
        raise ValueError(f"generous: unknown switch {', '.join(map(repr, unknown))}; known: {', '.join(GENEROUS)}")
    return chosen


# What a dimension create (or full-replace PUT) that leaves the flags out stores: the defaults
# create_dimension documents ("기본값: False", "기본값: True").
DIMENSION_FLAG_DEFAULTS = {"is_derivative": False, "is_enabled": True}

# The status of a new ML feature: create_feature sends none; MLFeature.Status lists `created` first.
NEW_FEATURE_STATUS = "created"
# An API client's key is exactly this long: sktmls's create_client asserts it of a given key
# and generates one this long (A-Z, 0-9) itself when none is given, so one is always sent.
APIKEY_LENGTH = 40
APIKEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# What a meta item is answered as (alone, in lists and in its table's `items`): the fields
# sktmls's MetaItem documents. Its timestamps stay in the store (seeds, dumps) only.
META_ITEM_FIELDS = ("id", "name", "values")
# Items one bulk request may upsert: create_meta_items asserts this many at most.
MAX_BULK_META_ITEMS = 1000
# Bulk upserts (creates and updates at once): 200, not a create's 201.
BULK_STATUS = 200
# Models created through MLModelClient: a manual model starts NOT_IN_USE and enabled, an
# automl model TRAINING (MLModelStatus.AUTOML_TRAINING); its model server starts STOPPED and
# a batch prediction starts RUNNING. Tests steer them on (Store.steer_model, /_mock/models).
NEW_MANUAL_MODEL_STATUS = "NOT_IN_USE"
NEW_MANUAL_MODEL_ENABLED = True
NEW_AUTOML_MODEL_STATUS = "TRAINING"
AUTOML_SERVER_STATUS = "STOPPED"
NEW_PREDICTION_STATUS = "RUNNING"

# A dataset's `status` right after `create_dataset` (sktmls reads it as free text and never
# waits on it); a test sets another (`Datasets.set_state`, seeds, mls_factory, the admin API).
DATASET_STATUS_CREATED = "completed"
# DynamoDB tables (MLS's batch-prediction tables, made by its pipeline, never by the AB API).
# The one key attribute of a table whose seed names none, by the table name's prefix: sktmls's
# put_item keys `user-profile*` tables on user_id and `profile-*` on id; other tables'
# examples (get_item, update_item) use item_id.
DYNAMODB_KEY_BY_PREFIX = {"user-profile": "user_id", "profile-": "id"}
DYNAMODB_DEFAULT_KEY = "item_id"
# `is_active` of a table that does not exist: false (is_batch_prediction_ready "checks that the
# table exists" through it); `is_loading` of one, its items and its DELETE: 404.
DYNAMODB_MISSING_TABLE_IS_ACTIVE = False

# Data status: the most entries a table's s3/dynamodb status holds ("최근 5일간"), and the
# batch job statuses, every one always present (get_batch_status indexes them unguarded).
DATA_STATUS_DAYS = 5
BATCH_JOB_STATUSES = ("running", "success", "fail")

# ---- the recommendation API (rec: mls_mock/recommendation.py, bucketing.py) ----------------
# A channel's answer holds its items under this key: an sktmls model's `predict` returns
# {"items": [...]} (sktmls/models/mls_model.py: MLSModel.predict), a static bucket sends
# {"items": [...]}.
ITEMS_KEY = "items"
# What a known channel answers when nothing is served (an empty bucket, a target every
# experiment's filter refused, no running experiment, a batch table missing or not ready, no
# row, no answer registered for an online/automl model): MLSModel.predict's default.
EMPTY_CHANNEL_ANSWER: dict[str, list] = {"items": []}
# A batch bucket answers the attribute of this name of the target's row in its model's table
# (a row without it: no items).
BATCH_ITEMS_ATTRIBUTE = "items"
# The profile (`profile_id`) an experiment's filter reads the target's values from, by the
# target's type: a user's (request(), predict(api_type="user")) from profile "user" as the
# profile API's /users/ form serves it, a target's (predict(api_type="target")) from profile
# "item" as its /items/ form does.
FILTER_PROFILE_IDS = {"user": "user", "target": "item"}
# predict's `type` ("식별자 타입 (`user`|`target`)").
PREDICT_TARGET_TYPES = ("user", "target")
# request()'s `sale_org_id`: the one value sktmls sends (always); another, or none: 400 naming it.
SALE_ORG_IDS = ("admin",)

# ---- pf: the profile API (MLSProfileAPIClient) and profile data (profile_data.py) ----
# Which profiles each form of the profile API serves, by the prefix all its tables share:
# `/users/{user_id}` a `user-profile` profile, `/items/{item_id}` an `item-profile` one, the
# integrated `?id=` a `profile-` one (the key each form names is the key sktmls's put_item
# gives tables of that prefix). Another profile: 404.
PROFILE_PREFIX_BY_KIND = {"user": "user-profile", "item": "item-profile", "id": "profile-"}
# A key `f` asks for that no table of the profile holds: null (create_profile's docstring).
PROFILE_MISSING_KEY_VALUE = None
# The `mode` values the profile API takes: the one sktmls sends off the MMS runtime. It
# changes nothing here (test calls read the same data); another value: 400 naming `mode`.
PROFILE_MODES = ("test",)
# ---- conversion tracking and graph APIs (sktmls.apis: MLSConversionTrackingAPIClient, MLSGraphAPIClient) ----
# The event types the client's docstring lists; any other is refused (400 naming conversion_type).
CONVERSION_TYPES = ("impression", "click", "detail_view", "like", "dislike")
# A conversion accepted: 200 and `results` null (the sync client returns the raw text, the
# async one the parsed envelope: neither reads a field of it).
CONVERSION_STATUS = 200
CONVERSION_RESULTS = None
# `mode`: the clients send `mode=test` off the MMS runtime and nothing on it; another value: 400.
RUNTIME_MODES = ("test",)
# A graph instance added: 201 (as every create of the fake), answered like a GET of it.
GRAPH_ADD_STATUS = 201

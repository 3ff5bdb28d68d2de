"""The registry of assumptions `mls-mock verify` checks: one entry per row of the README's
"Assumptions about the real server" table, matched by the row's question, each with a
stable id, the fake's answer (written over the constants of `assumptions.py`, so changing a
constant changes what is expected) and either a probe or the reason no client can check it.

Probes live in `verify_reads.py` (never change data), `verify_writes.py` and
`verify_buckets.py` (run only with --allow-writes), the other `verify_*.py` by subject,
`verify_runtime*.py` for the runtime APIs; each registers under its row's id with
`@probe(id)`. A probe returns what the server did when the assumption held, raises
`Differs(what it did)` when it did not, or `NotChecked(why)` when the server gave it nothing
to look at.
"""

import dataclasses
import json
from collections.abc import Callable

from . import assumptions
from .verify_probe import PROBES, Differs, NotChecked, expect, probe  # noqa: F401  (the names probes use)


@dataclasses.dataclass(frozen=True)
class Assumption:
    id: str
    question: str  # the README row's first cell, verbatim
    expected: str  # str.format template over assumptions.py's constants
    writes: bool = False  # its probe creates, changes or deletes records
    unprobeable: str | None = None  # why no client of the server can check it
    switch: str | None = None  # the assumptions.GENEROUS switch that changes the answer
    generous_expected: str | None = None  # the answer with that switch on

    def expectation(self, generous: frozenset[str] = frozenset()) -> str:
        template = self.expected
        if self.switch in generous and self.generous_expected is not None:
            template = self.generous_expected
        return template.format(**constants())


def constants() -> dict[str, str]:
    """assumptions.py's constants as the expectations show them (JSON, so None is null)."""
    shown = {}
    for name, value in vars(assumptions).items():
        if name.isupper():
            shown[name] = (
                json.dumps(value)
                if value is None or isinstance(value, (bool, str))
                else ", ".join(value)
                if isinstance(value, tuple)
                else str(value)
            )
    shown["MODEL_TYPES"] = ", ".join(f"{p}: {m}" for p, m in assumptions.MODEL_TYPE_FOR_PREDICTION.items())
    shown["TIMEZONE_OFFSET"] = assumptions.DEFAULT_TIMEZONE.tzname(None)
    shown["MAX_ID_PLUS_ONE"] = str(assumptions.MAX_ID + 1)
    shown["PAST_THE_LAST_PAGE"] = "404" if assumptions.EMPTY_PAGE_IS_ERROR else "200 with []"
    return shown


# The one reason a runtime row has no probe: what decides the answer is not in it.
_RUNTIME_UNPROBEABLE = (
    "the recommendation API's answer names no experiment, bucket or model, so no call shows which one served "
    "or why; only the fake's journal (Call.served) does"
)


ASSUMPTIONS = (
    Assumption("envelope-code", "`code` in the envelope", "`code` equals the HTTP status (checked on 200, 401, 404)"),
    Assumption("create-status", "status of a create", "201 for a create; 200 for a GET and a PUT", writes=True),
    Assumption("delete-response", "DELETE response", "200 with `results`: {DELETE_RESULTS}", writes=True),
    Assumption(
        "unique-names",
        "are names unique?",
        "a second experiment, filter, channel or bucket (within its experiment) of the same name: 409; "
        "the same bucket name in another experiment: 201",
        writes=True,
    ),
    Assumption(
        "list-name-filters",
        "`name` / `screen_id` list filters",
        "`name`/`screen_id` match exactly; `query` matches a case-insensitive substring of the name",
    ),
    Assumption("list-channels-name", "`list_channels(name=...)`", "`name=` selects what `screen_id=` selects"),
    Assumption(
        "filter-type", "`type` on the filter list", "`type=` is accepted and ignored: the same list as without it"
    ),
    Assumption(
        "paging",
        "paging",
        "no `page`: every match; `page=N`: the N-th slice of {PAGE_SIZE} in id order; past the end: "
        "{PAST_THE_LAST_PAGE}",
    ),
    Assumption("ordering", "ordering", "lists in ascending id order"),
    Assumption(
        "timestamps",
        "timestamps",
        "`created_at`/`updated_at` as ISO-8601 with microseconds and the offset of {TIMEZONE_OFFSET}",
    ),
    Assumption("user", "`user`", "`user` is the creating account's username, unchanged by an update", writes=True),
    Assumption(
        "credentials",
        "credentials",
        "no Authorization: 401; an unknown username and password accepted: {ACCEPT_ANY_CREDENTIALS}",
    ),
    Assumption(
        "unknown-parameters",
        "unknown query parameters / body keys",
        "an unknown query parameter or body key is ignored; a known query parameter given twice: 400",
        writes=True,
    ),
    Assumption(
        "missing-reference",
        "body that names a missing record (`experiments`, `model_filter_id`, `*_model_id`, `model_id`)",
        "400 naming the field for a missing id in a body; 404 for a missing id in the URL",
        writes=True,
    ),
    Assumption(
        "names",
        "names",
        "an empty name, one over {MAX_NAME_LENGTH} characters or one with a control character: 400; "
        "{MAX_NAME_LENGTH} characters: 201",
        writes=True,
    ),
    Assumption(
        "missing-description",
        "`description` left out of a create or full PUT",
        "`description` is {MISSING_DESCRIPTION} after a create or a PUT without it",
        writes=True,
    ),
    Assumption(
        "bucket-range",
        "`bucket_range`",
        '{BUCKET_RANGE_UNSET} before a ratio is set and for a 0 share; otherwise "start-end" inclusive '
        "over {BUCKET_SLOTS} slots in bucket-id order",
        writes=True,
    ),
    Assumption(
        "ranges-on-bucket-change",
        "ranges when buckets come and go",
        "adding or deleting a bucket sets every range of its experiment to {BUCKET_RANGE_UNSET} and moves "
        "those buckets' `updated_at`",
        writes=True,
    ),
    Assumption(
        "bucket-ratio",
        "`bucket_ratio`",
        "a ratio leaving out a bucket, with a negative share, or not adding up to {BUCKET_SLOTS}: 400",
        writes=True,
    ),
    Assumption(
        "model-type-for-prediction",
        "model type behind a bucket",
        "a bucket is created only with the model type its prediction type needs ({MODEL_TYPES}); 400 otherwise",
        writes=True,
    ),
    Assumption(
        "prediction-request",
        "`prediction.request`",
        "static: {{type, items}}; batch/online: {{type, model_name, model_version}}; automl: also "
        "`username`, the model's creator",
        writes=True,
    ),
    Assumption(
        "bodies",
        "bodies",
        "a body that is not a JSON object: 400; another Content-Type: 415; over {MAX_BODY_BYTES} bytes: 413; NaN: 400",
        writes=True,
    ),
    Assumption(
        "json-depth",
        "JSON nesting",
        "a body nested {MAX_JSON_DEPTH} levels deep: 201; one level deeper: 400",
        writes=True,
    ),
    Assumption(
        "id-range",
        "ids",
        "id={MAX_ID} in a query: 200; id={MAX_ID_PLUS_ONE}: 400 naming id; a path id past {MAX_ID}: 404",
    ),
    Assumption(
        "integral-numbers",
        "an integer written `2.0` or `2e0` (body ids, shares, sequences; query `id`, `page`)",
        "?id=N.0 and ?page=1e0 answer as ?id=N and ?page=1; ?id=N.5: 400 naming id",
    ),
    Assumption(
        "error-messages",
        "error messages",
        "English, `field: problem` naming the query parameter (the wording itself is reported, not judged)",
    ),
    Assumption("prediction-id", "`prediction.id`", "a bucket's `prediction.id` is the bucket's own id", writes=True),
    Assumption(
        "bucket-put",
        "PUT of a bucket",
        "the client's update_bucket of an automl bucket (which sends no `automl_model_id`): 200, the bucket "
        "keeps its model",
        writes=True,
    ),
    Assumption(
        "list-summaries",
        "list items of channels and filters",
        "channel items hold ({CHANNEL_SUMMARY_FIELDS}) without `experiments`, filter items "
        "({FILTER_SUMMARY_FIELDS}) without conditions; experiment items are full records",
        switch="full_lists",
        generous_expected="channel and filter items are full records (with `experiments`, "
        "with conditions); experiment items too",
    ),
    Assumption(
        "experiment-channels",
        "an experiment's `channels` and `model_filter`",
        "channel summaries ({CHANNEL_SUMMARY_FIELDS}) in channel id order; a filter summary ({FILTER_SUMMARY_FIELDS})",
        writes=True,
        switch="full_lists",
        generous_expected="full channel records (with `experiments`) in channel id order; the filter with its "
        "conditions",
    ),
    Assumption(
        "full-lists",
        "switch `full_lists` (default **off**)",
        "off: summaries in channel and filter lists and as an experiment's channels and model_filter",
        switch="full_lists",
        generous_expected="on: full records in channel and filter lists and as an "
        "experiment's channels and model_filter",
    ),
    Assumption(
        "shared-automl-models",
        "switch `shared_automl_models` (default **off**)",
        "off: another user's automl model is not readable: get_automl_model does not find it and "
        "GET /api/v1/models/<id> is 404",
        switch="shared_automl_models",
        generous_expected="on: another user's automl model is readable: get_automl_model returns it and "
        "GET /api/v1/models/<id> is 200",
    ),
    Assumption(
        "updated-at-side-effects",
        "side effects on `updated_at`",
        "deleting an experiment moves `updated_at` of the channels it leaves; linking a channel to it does "
        "not move the experiment's",
        writes=True,
    ),
    Assumption(
        "order-of-checks",
        "order of checks",
        "an unknown /api/ route without credentials: 401; a Content-Length over {MAX_BODY_BYTES} bytes: 413 "
        "with or without credentials, even when the body is not JSON",
        writes=True,
    ),
    Assumption(
        "options-head",
        "`OPTIONS` / `HEAD`",
        "OPTIONS: 405 in the envelope; HEAD: the GET's status and Content-Type, no body",
    ),
    Assumption(
        "lone-surrogates", 'lone surrogates (`"\\ud800"`) in a body', 'a body holding "\\ud800": 400', writes=True
    ),
    Assumption(
        "seeded-timestamps",
        "seeded timestamps",
        "kept as given (seed files and /_mock/ only)",
        unprobeable="it is about the fake's seed files; the real server is not seeded through its API",
    ),
    Assumption(
        "dimension-names",
        "dimension names",
        "a second user dimension of the same name: 409; an item dimension of that name: 201",
        writes=True,
    ),
    Assumption(
        "dimension-list-type",
        "`type` on the dimension list",
        "`type=user` and `type=item` list only their type, no dimension in both; no `type` or `type=x`: 400",
    ),
    Assumption(
        "dimension-list-filters",
        "dimension list filters",
        "`name`, `data_type`, `period`, `is_enabled=True`/`False` and `query` keep exactly the matching "
        "dimensions; `data_type=x`: 400",
    ),
    Assumption(
        "dimension-fields",
        "dimension fields",
        "a create without flags stores {DIMENSION_FLAG_DEFAULTS} and null texts; a PUT without them sets them back",
        writes=True,
    ),
    Assumption(
        "ml-feature-names",
        "ML feature names",
        "a second feature of the same source and name: 409; the same name in another source: 201",
        writes=True,
    ),
    Assumption(
        "ml-feature-update",
        "ML feature create and update",
        "a new feature is {NEW_FEATURE_STATUS}; a PUT of `status` alone keeps its title and description",
        writes=True,
    ),
    Assumption(
        "ml-feature-list-filters",
        "ML feature list filters",
        "`name`, `source`, `type`, `status` and `query` keep exactly the matching features; `type=Type.NUMBER`: 400",
    ),
    Assumption(
        "ml-feature-groups",
        "ML feature groups",
        "every group has `ml_features`, full feature records whose `group` is the group's name",
    ),
    Assumption(
        "client-apikey",
        "an API client's `apikey`",
        "a client without `apikey`, or with one of 39 characters: 400 naming apikey; another client's key: 409 "
        "naming apikey; the list shows the key",
        writes=True,
    ),
    Assumption(
        "account-keys",
        "keys of clients, profiles and graph schemas",
        "a second client `name`, profile `profile_id`, vertex `label` or edge `label`: 409 naming the field; "
        "an edge labelled like a vertex: 201",
        writes=True,
    ),
    Assumption(
        "profile-tables",
        "a profile's `tables` and `main_table`",
        "mixed table prefixes: 400 naming tables; a `main_table` not in `tables`: 400 naming main_table; "
        "none given: the first table, also after a PUT without it",
        writes=True,
    ),
    Assumption(
        "account-put",
        "PUT of a profile, vertex or edge",
        "a PUT echoing a profile's id, user and timestamps: 200, they are ignored; a vertex PUT without "
        "`properties`: none left",
        writes=True,
    ),
    Assumption(
        "edge-vertices",
        "an edge's `frm` and `to`",
        "an edge to a missing vertex: 400 naming to; renaming a vertex renames it in its edge; deleting the "
        "vertex deletes the edge",
        writes=True,
    ),
    Assumption(
        "account-routes",
        "routes of clients, profiles, vertices and edges",
        "GET of one client, profile, vertex or edge: 405",
    ),
    Assumption(
        "meta-table-schema",
        "a meta table's `schema`",
        "an item whose values the schema does not describe: 201; a schema value that is not an object: 400",
        writes=True,
    ),
    Assumption(
        "meta-item-fields",
        "meta items as answered",
        "a meta item has the fields {META_ITEM_FIELDS}, also in its table's `items`",
        writes=True,
    ),
    Assumption(
        "meta-unique-names",
        "are meta table and meta item names unique?",
        "a second meta table of the same name: 409; a second item of the same name in the table: 409, in "
        "another table: 201",
        writes=True,
    ),
    Assumption(
        "meta-item-table",
        "a meta item and its table",
        "an item through another table's URL: 404; an item of a deleted table: 404",
        writes=True,
    ),
    Assumption(
        "meta-bulk",
        "bulk `POST /meta_tables/{id}/bulk`",
        "{BULK_STATUS} with the items in the body's order, an existing name updated (its id kept); one bad "
        "item: 400 and nothing changed; more than {MAX_BULK_META_ITEMS} items: 400",
        writes=True,
    ),
    Assumption(
        "component-keys",
        "are component names unique?",
        "a second component of the same name and info: 409; the same name with another info: 201",
        writes=True,
    ),
    Assumption(
        "component-latest",
        "a component's `is_latest`",
        "a new latest component makes the name's other one not latest; update_component(is_latest=True) "
        "makes it the one get_component(name=...) finds",
        writes=True,
    ),
    Assumption(
        "component-list-query",
        "`is_latest` and `info` on the component list",
        "is_latest=True lists only latest components, is_latest=yes: 400; info= matches exactly",
    ),
    Assumption("dataset-names", "are dataset names unique?", "a second dataset of the same name: 409", writes=True),
    Assumption(
        "dataset-bodies",
        "dataset bodies",
        "type ranking, source_type ye, n_label_ratio 0: 400 each; a good body reads back as data_type and setup_conf",
        writes=True,
    ),
    Assumption(
        "dataset-new-state",
        "a new dataset's `status` and columns",
        "status {DATASET_STATUS_CREATED}, get_error() null, list_features() []",
        writes=True,
    ),
    Assumption(
        "dataset-column-specs",
        "`PUT /datasets/{id}/columnspecs`",
        "a column the dataset lacks: 400; an existing column's include: changed",
        writes=True,
    ),
    Assumption(
        "dataset-in-use",
        "deleting a dataset a model was made from",
        "409 naming the models",
        unprobeable="only an automl model is made from a dataset, and creating one starts a training job on the "
        "server; deleting a dataset a real model uses would, if the server allowed it, destroy that model's data",
    ),
    Assumption(
        "dynamodb-missing-table",
        "a DynamoDB table that does not exist",
        "a table that does not exist: is_batch_prediction_ready False; is_active 200 "
        "{{'is_active': {DYNAMODB_MISSING_TABLE_IS_ACTIVE}}}; is_loading 404",
    ),
    Assumption(
        "dynamodb-readiness",
        "DynamoDB table readiness",
        "tables come from MLS's pipeline; not active: item requests 404",
        unprobeable="no client call makes a table or changes its readiness: MLS's batch pipeline does",
    ),
    Assumption(
        "dynamodb-item-key",
        "DynamoDB item key",
        "get with the key and another attribute: 400 naming it; put without the key ({DYNAMODB_DEFAULT_KEY} "
        "unless the table's name says otherwise): 400 naming it",
        writes=True,
    ),
    Assumption(
        "dynamodb-item-writes",
        "DynamoDB item writes",
        "a second put replaces the item; update merges; delete 200, again 404; update of a deleted item 404",
        writes=True,
    ),
    Assumption(
        "dynamodb-answers",
        "DynamoDB answers",
        'put and get: {{"item": <the item>}}; delete: 200 with {DELETE_RESULTS}; get of a deleted item: 404',
        writes=True,
    ),
    Assumption(
        "data-status-shapes",
        "data status shapes",
        "s3 and dynamodb: {{table: [objects]}} (at most {DATA_STATUS_DAYS} a table); batch: every one of "
        "{BATCH_JOB_STATUSES} with a list of objects",
    ),
    Assumption(
        "model-table",
        "a model's `table`",
        "deleting a model leaves its table; delete_model(delete_table=True) deletes it with a second request",
        unprobeable="it needs a model whose DynamoDB table exists: tables come from MLS's pipeline, verify makes none",
    ),
    Assumption(
        "model-creator",
        "`creator` of a model made over the API",
        "a manual model created without `creator` has the caller's username as its creator",
        writes=True,
    ),
    Assumption(
        "new-model-status",
        "a new model's `status` and `is_enabled`",
        "a new manual model: status {NEW_MANUAL_MODEL_STATUS}, is_enabled {NEW_MANUAL_MODEL_ENABLED}",
        writes=True,
    ),
    Assumption(
        "model-components",
        "a manual model's `components`",
        "a component name no component has: 400 naming `components`",
        writes=True,
    ),
    Assumption(
        "model-put",
        "PUT of a model",
        "a PUT turning a manual model into an automl one: 400 naming `model_type`; an update keeps `status`",
        writes=True,
    ),
    Assumption(
        "model-delete",
        "deleting a model",
        "deleting a model a bucket serves: 409 naming the bucket; without the bucket: 200",
        writes=True,
    ),
    Assumption(
        "model-artifact",
        "`GET /model_registry/artifacts/info`",
        "a model no one registered: `info` null; without `model_name`: `info` null",
    ),
    Assumption(
        "automl-server",
        "automl model server",
        "{AUTOML_SERVER_STATUS} at first; starting a model still training: 409",
        unprobeable="a probe would train an automl model and start a real model server on the account",
    ),
    Assumption(
        "automl-handler",
        "automl server handler",
        "null until set; a handler that does not parse: 400 naming `handler`",
        unprobeable="a probe would need a trained automl model of the account and would change its live handler",
    ),
    Assumption(
        "batch-prediction",
        "batch prediction (`POST /models/{id}/predictions`)",
        "status {NEW_PREDICTION_STATUS}, `name` the channel; a model still training: 409",
        unprobeable="a batch prediction runs a real job and sends its results; the API has no DELETE for it",
    ),
    # ---- rec: the recommendation API (probes in verify_runtime.py; --rec-url or --runtime-from-url) ----
    Assumption(
        "rec-answer-shape",
        "a recommendation API answer (`request` v1/v2, `predict` v3)",
        "each known channel answers {{{ITEMS_KEY}: [...]}}; an unknown channel is left out",
    ),
    Assumption(
        "rec-bucketing",
        "which bucket a user falls into",
        "slot = sha256(seed:user_id)[:8] mod {BUCKET_SLOTS}; the bucket whose range holds it",
        unprobeable=_RUNTIME_UNPROBEABLE,
    ),
    Assumption(
        "rec-nothing-served",
        "a channel with several experiments, and nothing to serve",
        "the first experiment with ranges whose filter passes decides; nothing to serve: {EMPTY_CHANNEL_ANSWER}",
        writes=True,
    ),
    Assumption(
        "rec-model-answers",
        "what a batch, online or automl bucket answers",
        "batch: the {BATCH_ITEMS_ATTRIBUTE} attribute of the target's row in the model's table; online/automl: "
        "the registered answer",
        unprobeable=_RUNTIME_UNPROBEABLE,
    ),
    Assumption(
        "rec-filters",
        "an experiment's `model_filter` when serving",
        "every condition holds against the profile values ({FILTER_PROFILE_IDS}); else the next experiment",
        unprobeable=_RUNTIME_UNPROBEABLE,
    ),
    Assumption(
        "rec-bodies",
        "recommendation API request bodies",
        "a missing `user_id`, an empty `channel_ids`, a `type` outside {PREDICT_TARGET_TYPES}: 400 naming the field",
    ),
    # ---- pf: the profile API (probes in verify_runtime.py; --pf-url, a client, --profile-id, --user-id) ----
    Assumption(
        "profile-api-answer",
        "profile API answer (`MLSProfileAPIClient`)",
        "`results`: the target's values merged left to right, the left table winning; no table key attribute",
    ),
    Assumption(
        "profile-api-main-table",
        "a target the profile's main table holds no item for",
        "404, whatever the other tables hold",
    ),
    Assumption(
        "profile-api-forms",
        "which profiles each profile API form reads",
        "users, items, `?id=` read profiles whose tables start with {PROFILE_PREFIX_BY_KIND}; another: 404",
    ),
    Assumption(
        "profile-api-keys",
        "profile API `f` keys",
        "exactly the `f` keys in order, one no table holds: {PROFILE_MISSING_KEY_VALUE}; an empty key: 400 naming `f`",
    ),
    Assumption(
        "profile-api-mode",
        "profile API `mode` and `id`",
        "`mode` one of {PROFILE_MODES} (another: 400); the integrated form without `id`: 400 naming `id`",
    ),
    # ---- conversion tracking and graph APIs (verify_runtime.py, verify_runtime_graph.py) ----
    Assumption(
        "conversion-request",
        "conversion tracking: type and body",
        "conversion_type one of {CONVERSION_TYPES}, else 400 naming it; four non-empty string fields, else 400",
    ),
    Assumption(
        "conversion-answer",
        "conversion tracking answer",
        "status {CONVERSION_STATUS}, results {CONVERSION_RESULTS}, as application/json",
    ),
    Assumption(
        "runtime-mode",
        "`mode` on the conversion tracking and graph APIs",
        "absent or one of {RUNTIME_MODES}; another value: 400 naming mode",
    ),
    Assumption(
        "graph-instance-schema",
        "graph API instances and the AB API's schemas",
        "a label without a schema, an undeclared property or a value of another type: 400 naming the field",
        writes=True,
    ),
    Assumption(
        "graph-answers",
        "graph API answers",
        "instances under vertices/edges; an add: {GRAPH_ADD_STATUS}, a taken id 409; a missing id 404; a drop: null",
        writes=True,
    ),
    Assumption(
        "graph-filters",
        "graph API filters and `limit`",
        "name=value equal strings, name__op=number compared, name__bw=low,high strictly between; limit caps",
        writes=True,
    ),
    Assumption(
        "graph-patch",
        "graph API `PATCH`",
        "a single property replaced, a set property accumulated, the others kept",
        writes=True,
    ),
    Assumption(
        "graph-ids",
        "graph instance ids",
        "a vertex id holding / ? # % or a backslash: 400 naming id",
        writes=True,
    ),
    Assumption(
        "runtime-auth",
        "runtime API authentication",
        "another apikey or none: 401 naming apikey; client mls-mms passes without one, "
        "as MMS sends it (no key, no mode)",
    ),
    Assumption(
        "runtime-closed-requests",
        "runtime API query parameters and body keys",
        "a query parameter or body key sktmls never sends, or sale_org_id other than {SALE_ORG_IDS}: 400 naming it",
    ),
    Assumption(
        "runtime-url-names",
        "names a runtime API's URL embeds",
        "a client name, profile_id or edge label holding / ? # % or a backslash, or . or ..: 400 naming the field",
        writes=True,
    ),
    Assumption(
        "graph-schema-in-use",
        "a graph schema its instances use",
        "deleting or renaming a vertex schema its vertices use: 409 naming label",
        writes=True,
    ),
)


def load_probes() -> dict[str, Callable]:
    from . import (  # noqa: F401  (registering is importing)
        verify_accounts,
        verify_buckets,
        verify_catalog,
        verify_dynamodb,
        verify_features,
        verify_meta_tables,
        verify_models,
        verify_reads,
        verify_runtime,
        verify_runtime_graph,
        verify_runtime_strict,
        verify_writes,
    )

    return PROBES

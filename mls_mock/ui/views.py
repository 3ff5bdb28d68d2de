"""What the dashboard's pages show, read from the store under its lock: plain dicts for the
templates, no HTTP. Records are shown as the API renders them (`Resource.render`), except
where the set-up drawing needs what a summary hides (a filter's conditions)."""

import json
from typing import Any

from .. import assumptions

PAGE_SIZE = 50  # table rows a page
CHANNELS_PER_PAGE = 20  # channel cards a set-up page: each draws its experiments and buckets
# What one card draws at most, so that no stored record, however large, makes a page large:
# 1 MB of filter condition on 10 experiments of 20 channels once rendered an 832 MB page.
EXPERIMENTS_PER_CHANNEL = 10
CONDITIONS_SHOWN = 10
TEXT_SHOWN = 200  # characters of a description or a condition; the record's page has it whole


def page_of(items: list, page: int, size: int) -> dict:
    """One page of `items` (1-based) and what the pager needs."""
    pages = max(1, -(-len(items) // size))
    start = (page - 1) * size
    return {"items": items[start : start + size], "page": page, "pages": pages, "total": len(items)}


def _named(resource, row: dict) -> str:
    return resource.shown_name(row) if resource.name_field is not None else f"{resource.kind} {row['id']}"


def _search(resource, rows, query: str | None) -> list[dict]:
    rows = list(rows)
    if not query:
        return rows
    folded = query.casefold()
    return [row for row in rows if folded in _named(resource, row).casefold() or query == str(row["id"])]


def counts(store) -> list[dict]:
    return [{"plural": plural, "count": count} for plural, count in store.counts().items()]


def table(store, plural: str, query: str | None, page: int) -> dict:
    """A page of one kind's records: id, name, and the record as the API answers it, cut short."""
    resource = store.resources[plural]
    with store.lock:
        found = page_of(_search(resource, resource.table.rows.values(), query), page, PAGE_SIZE)
        found["items"] = [
            {"id": row["id"], "name": _named(resource, row), "json": _short(resource.render(row))}
            for row in found["items"]
        ]
    return {**found, "plural": plural, "kind": resource.kind, "query": query or ""}


def _short(record: dict, limit: int = 160) -> str:
    text = json.dumps({k: v for k, v in record.items() if k != "id"}, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record(store, plural: str, record_id: int) -> dict:
    """One record as the API answers it, pretty-printed (raises NotFound as the API does)."""
    resource = store.resources[plural]
    with store.lock:
        row = resource.table.get(record_id)
        rendered = resource.render(row)
        name = _named(resource, row)
    return {
        "plural": plural,
        "kind": resource.kind,
        "id": record_id,
        "name": name,
        "json": json.dumps(rendered, ensure_ascii=False, indent=2),
    }


def setup(store, query: str | None, page: int) -> dict:
    """Channels (a page of them, searched by screen id), each with its experiments drawn:
    buckets with their shares, ranges, prediction type and model; the filter with its conditions."""
    resources = store.resources
    channels, experiments = resources["channels"], resources["experiments"]
    with store.lock:
        found = page_of(_search(channels, channels.table.rows.values(), query), page, CHANNELS_PER_PAGE)
        shown = {e for channel in found["items"] for e in channel["experiments"][:EXPERIMENTS_PER_CHANNEL]}
        buckets: dict[int, list[dict]] = {e: [] for e in shown}
        for bucket in resources["buckets"].table.rows.values():
            if bucket["experiment"] in buckets:
                buckets[bucket["experiment"]].append(bucket)
        drawn = {e: _experiment(resources, experiments.table.rows[e], buckets[e]) for e in shown}
        found["items"] = [
            {
                "id": channel["id"],
                "screen_id": channel["screen_id"],
                "user": channel.get("user"),
                "experiments": [drawn[e] for e in channel["experiments"][:EXPERIMENTS_PER_CHANNEL]],
                "more_experiments": max(0, len(channel["experiments"]) - EXPERIMENTS_PER_CHANNEL),
            }
            for channel in found["items"]
        ]
        linked = {e for channel in channels.table.rows.values() for e in channel["experiments"]}
        unlinked = [row for row in experiments.table.rows.values() if row["id"] not in linked]
    found["unlinked"] = [{"id": row["id"], "name": row["name"]} for row in unlinked[:CHANNELS_PER_PAGE]]
    found["unlinked_total"] = len(unlinked)
    return {**found, "query": query or "", "counts": counts(store)}


def _experiment(resources, row: dict, buckets: list[dict]) -> dict:
    filter_row = resources["filters"].table.rows.get(row.get("model_filter_id"))
    return {
        "id": row["id"],
        "name": row["name"],
        "description": _cut(row.get("description")),
        "bucketing_seed": row.get("bucketing_seed"),
        "filter": None
        if filter_row is None
        else {
            "id": filter_row["id"],
            "name": filter_row["name"],
            "conditions": _conditions((filter_row.get("body") or {}).get("conditions") or []),
        },
        "buckets": [_bucket(resources, bucket) for bucket in buckets],
        "ranges_set": any(b["bucket_range"] for b in buckets),
    }


def _conditions(conditions: list) -> list[str]:
    shown = [_condition(c) for c in conditions[:CONDITIONS_SHOWN]]
    more = len(conditions) - CONDITIONS_SHOWN
    return shown + [f"… and {more} more (the filter's page has them all)"] if more > 0 else shown


def _condition(condition: Any) -> str:
    if isinstance(condition, dict) and {"key", "operator", "value"} <= set(condition):
        text = f"{condition['key']} {condition['operator']} {json.dumps(condition['value'], ensure_ascii=False)}"
    else:
        text = json.dumps(condition, ensure_ascii=False)
    return _cut(text) or ""


def _cut(text: str | None) -> str | None:
    return text if text is None or len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def _bucket(resources, bucket: dict) -> dict:
    """A bucket with its share of the experiment's slots and where its bar segment starts."""
    start, share = 0, 0
    if bucket["bucket_range"]:
        first, _, last = bucket["bucket_range"].partition("-")
        start, share = int(first), int(last) - int(first) + 1
    model = resources["models"].table.rows.get(bucket.get("model_id"))
    return {
        "id": bucket["id"],
        "name": bucket["name"],
        "range": bucket["bucket_range"],
        "start": start * 100 / assumptions.BUCKET_SLOTS,
        "share": share * 100 / assumptions.BUCKET_SLOTS,
        "prediction_type": bucket["prediction_type"],
        "model": None if model is None else {"id": model["id"], "name": f"{model['name']} {model['version']}"},
    }


def faults(state) -> list[dict]:
    return state.faults.describe()

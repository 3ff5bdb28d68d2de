"""Probes of the dimension and ML feature rows (a module of their own: verify_reads and
verify_writes are long enough). Each row's entry says whether it writes; a writing probe
works on records named by `t.name`, which the gate deletes when it ends."""

from . import assumptions
from .verify_probe import NotChecked, expect, probe

DIMENSION = dict(data_type="string", default="", period="daily")


def _dimension(t, label: str, dimension_type: str = "user", **fields):
    return t.dimensions.create_dimension(name=t.name(label), dimension_type=dimension_type, **{**DIMENSION, **fields})


def _feature(t, label: str, source: str = "mlsmock_verify", **fields):
    from sktmls.ml_features import MLFeature

    return t.ml_features.create_feature(name=t.name(label), source=source, type=MLFeature.Type.NUMBER, **fields)


def _names(records) -> list:
    return [record.name for record in records]


@probe("dimension-names")
def dimension_names(t):
    made = _dimension(t, "unique")
    twin = t.attempt(_dimension, t, "unique")
    other_type = t.attempt(_dimension, t, "unique", "item")
    shown = f"the same user name: {twin.status}; as an item dimension: {other_type.status}"
    expect(made.id is not None and (twin.status, other_type.status) == (409, 201), shown)
    return shown


@probe("dimension-list-type")
def dimension_list_type(t):
    users = {d.id for d in t.dimensions.list_dimensions(dimension_type="user", page=1)}
    items = {d.id for d in t.dimensions.list_dimensions(dimension_type="item", page=1)}
    types = {d.dimension_type for d in t.dimensions.list_dimensions(dimension_type="user", page=1)}
    untyped = t.raw("GET", "/api/v1/dimensions", params={"page": 1}).status
    unknown = t.raw("GET", "/api/v1/dimensions", params={"type": "mlsmock-verify", "page": 1}).status
    shown = (
        f"user ∩ item: {sorted(users & items)}, types in type=user: {sorted(types)}; no type: {untyped}; x: {unknown}"
    )
    expect(not users & items and types <= {"user"} and (untyped, unknown) == (400, 400), shown)
    return shown


@probe("dimension-list-filters")
def dimension_list_filters(t):
    every = t.dimensions.list_dimensions(dimension_type="user")
    if not every:
        raise NotChecked("no user dimensions on the server")
    sample, problems = every[-1], []
    for key in ("name", "data_type", "period", "is_enabled"):
        found = t.dimensions.list_dimensions(dimension_type="user", **{key: getattr(sample, key)})
        wanted = [d.id for d in every if getattr(d, key) == getattr(sample, key)]
        if [d.id for d in found] != wanted:
            problems.append(f"{key}={getattr(sample, key)!r} gave {len(found)} of {len(wanted)}")
    query = sample.name[1:-1] or sample.name
    found = t.dimensions.list_dimensions(dimension_type="user", query=query.upper())
    if sample.id not in [d.id for d in found]:
        problems.append(f"query={query.upper()!r} missed {sample.name!r}")
    bad = t.raw("GET", "/api/v1/dimensions", params={"type": "user", "data_type": "mlsmock-verify"}).status
    expect(not problems and bad == 400, "; ".join(problems) + f"; data_type=x: {bad}")
    return f"each filter kept exactly the matching {len(every)} user dimensions; data_type=x: 400"


@probe("dimension-fields")
def dimension_fields(t):
    made = _dimension(t, "fields")
    flags = {key: getattr(made, key) for key in assumptions.DIMENSION_FLAG_DEFAULTS}
    texts = (made.description, made.task_id, made.tag)
    changed = _dimension(t, "fields-put", is_derivative=True, is_enabled=False)
    body = {key: getattr(changed, key) for key in ("name", "dimension_type", "data_type", "default", "period")}
    reply = t.raw("PUT", f"/api/v1/dimensions/{changed.id}", json=body)
    replaced = {key: (reply.results or {}).get(key) for key in assumptions.DIMENSION_FLAG_DEFAULTS}
    shown = f"created with {flags} and texts {texts}; a PUT without flags gave {replaced}"
    expect(flags == replaced == assumptions.DIMENSION_FLAG_DEFAULTS and texts == (None, None, None), shown)
    return shown


@probe("ml-feature-names")
def ml_feature_names(t):
    _feature(t, "unique")
    twin = t.attempt(_feature, t, "unique")
    elsewhere = t.attempt(_feature, t, "unique", source="mlsmock_verify_other")
    shown = f"the same source and name: {twin.status}; another source: {elsewhere.status}"
    expect((twin.status, elsewhere.status) == (409, 201), shown)
    return shown


@probe("ml-feature-update")
def ml_feature_update(t):
    from sktmls.ml_features import MLFeature

    made = _feature(t, "update", title="mls-mock verify", description="kept")
    status = made.status.value
    t.ml_features.update_feature(made, status=MLFeature.Status.DEPRECATED)
    after = t.ml_features.get_feature(id=made.id)
    shown = (
        f"new: {status}; after a status-only PUT: {after.status.value}, title {after.title!r}, {after.description!r}"
    )
    expect(
        status == assumptions.NEW_FEATURE_STATUS
        and (after.status, after.title, after.description) == (MLFeature.Status.DEPRECATED, "mls-mock verify", "kept"),
        shown,
    )
    return shown


@probe("ml-feature-list-filters")
def ml_feature_list_filters(t):
    every = t.ml_features.list_features()
    if not every:
        raise NotChecked("no ML features on the server")
    sample, problems = every[-1], []
    for key in ("name", "source", "type", "status"):
        value = getattr(getattr(sample, key), "value", getattr(sample, key))
        found = t.ml_features.list_features(**{key: value})
        wanted = [f.id for f in every if getattr(getattr(f, key), "value", getattr(f, key)) == value]
        if [f.id for f in found] != wanted:
            problems.append(f"{key}={value!r} gave {len(found)} of {len(wanted)}")
    if sample.id not in [f.id for f in t.ml_features.list_features(query=sample.name.upper())]:
        problems.append(f"query={sample.name.upper()!r} missed {sample.name!r}")
    enum = t.raw("GET", "/api/v1/ml_features", params={"type": "Type.NUMBER"}).status
    expect(not problems and enum == 400, "; ".join(problems) + f"; type=Type.NUMBER: {enum}")
    return f"each filter kept exactly the matching of {len(every)} features; type=Type.NUMBER: 400"


@probe("ml-feature-groups")
def ml_feature_groups(t):
    groups = t.results("/api/v1/ml_feature_groups")
    if not groups:
        raise NotChecked("no ML feature groups on the server")
    wrong = [
        g.get("name")
        for g in groups
        if not isinstance(g.get("ml_features"), list) or any(f.get("group") != g.get("name") for f in g["ml_features"])
    ]
    expect(not wrong, f"groups whose ml_features do not name them: {wrong}")
    return f"{len(groups)} groups, each listing its own features"

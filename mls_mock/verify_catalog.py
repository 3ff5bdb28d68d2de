"""Probes of the component and dataset rows. The read-only one lists what the server holds;
the others (their rows say `writes=True`, so they run only with --allow-writes) create
components and datasets of their own, which the gate deletes when each probe ends."""

from . import assumptions
from .verify_probe import NotChecked, expect, probe


def _client(t, module: str, name: str):
    """A real sktmls client of the account (every env of sktmls points at the server)."""
    import importlib

    from sktmls import MLSENV

    username, password = t._auth
    return getattr(importlib.import_module(module), name)(env=MLSENV.STG, username=username, password=password)


def _components(t):
    return _client(t, "sktmls.components", "ComponentClient")


def _datasets(t):
    return _client(t, "sktmls.datasets", "DatasetClient")


def _dataset(t, label: str):
    """A dataset of the probe's own, or NotChecked when the server will not make one."""
    from sktmls.datasets import FeatureStoreConf, LabelDataConf, ProblemType

    made = t.attempt(
        _datasets(t).create_dataset,
        name=t.name(label),
        problem_type=ProblemType.SCORE,
        feature_store_conf=FeatureStoreConf(enabled=False),
        label_data_conf=LabelDataConf(source_type="file", source_path="mlsmock-verify.csv"),
    )
    if made.result is None:
        raise NotChecked(f"the server did not create a dataset from a label file: {made.status} {made.error}")
    return made.result


# ---- read-only ------------------------------------------------------------------------------


@probe("component-list-query")
def component_list_query(t):
    everything = t.listing("components")
    if not everything:
        raise NotChecked("no component on the server to list")
    latest = t.listing("components", is_latest="True")
    want = [c["id"] for c in everything if c.get("is_latest") is True]
    expect([c["id"] for c in latest] == want, f"is_latest=True gave ids {[c['id'] for c in latest]}, not {want}")
    info = everything[0].get("info")
    by_info = [c["id"] for c in t.listing("components", info=info)] if isinstance(info, str) else None
    want = [c["id"] for c in everything if c.get("info") == info]
    expect(by_info is None or by_info == want, f"info={info!r} gave ids {by_info}, not {want}")
    bad = t.raw("GET", "/api/v1/components", params={"is_latest": "yes"})
    expect(bad.status == 400, f"is_latest=yes: {bad}")
    return f"is_latest=True: the {len(want)} latest; info= exact; is_latest=yes: {bad.status}"


# ---- writes ---------------------------------------------------------------------------------


@probe("component-keys")
def component_keys(t):
    client, name = _components(t), t.name("component")
    client.create_component(name=name, info="v1", is_latest=True)
    same = t.attempt(client.create_component, name=name, info="v1", is_latest=False).status
    other = t.attempt(client.create_component, name=name, info="v2", is_latest=False).status
    shown = f"the same name and info again: {same}; the same name, another info: {other}"
    expect((same, other) == (409, 201), shown)
    return shown


@probe("component-latest")
def component_latest(t):
    client, name = _components(t), t.name("latest")
    first = client.create_component(name=name, info="v1", is_latest=True)
    client.create_component(name=name, info="v2", is_latest=True)
    old = t.attempt(client.get_component, name=name, info="v1", is_latest=False)
    expect(old.result is not None, f"after a second latest, v1 is not listed as not latest: {old.status} {old.error}")
    client.update_component(first, is_latest=True)
    found = t.attempt(client.get_component, name=name)
    expect(
        found.result is not None and found.result.id == first.id,
        f"after update_component(v1, is_latest=True), get_component(name) gave {found.status} {found.error or ''}",
    )
    return "one latest per name, moved by a create and by update_component"


@probe("dataset-names")
def dataset_names(t):
    from sktmls.datasets import FeatureStoreConf, LabelDataConf, ProblemType

    made = _dataset(t, "dataset")
    again = t.attempt(
        _datasets(t).create_dataset,
        name=made.name,
        problem_type=ProblemType.SCORE,
        feature_store_conf=FeatureStoreConf(enabled=False),
        label_data_conf=LabelDataConf(source_type="file", source_path="mlsmock-verify.csv"),
    )
    expect(again.status == 409, f"a second dataset of the same name: {again.status}")
    return "a second dataset of the same name: 409"


@probe("dataset-bodies")
def dataset_bodies(t):
    made = _dataset(t, "body")
    expect(
        made.feature_store_conf.enabled is False and made.label_data_conf.source_type == "file",
        f"the dataset reads back as {made.feature_store_conf} / {made.label_data_conf}",
    )
    good = {
        "name": t.name("bad-body"),
        "type": "score",
        "base_feature_conf": {"enabled": False},
        "label_data_conf": {"source_type": "file", "source_path": "mlsmock-verify.csv"},
    }
    bad = {
        "type ranking": {**good, "type": "ranking"},
        "source_type ye": {**good, "label_data_conf": {"source_type": "ye", "source_path": "x"}},
        "n_label_ratio 0": {**good, "base_feature_conf": {"enabled": False, "n_label_ratio": 0}},
    }
    statuses = {label: t.raw("POST", "/api/v1/datasets", json=body).status for label, body in bad.items()}
    shown = "; ".join(f"{label}: {status}" for label, status in statuses.items())
    expect(set(statuses.values()) == {400}, shown)
    return shown


@probe("dataset-new-state")
def dataset_new_state(t):
    made = _dataset(t, "state")
    features = _datasets(t).list_features(id=made.id)
    shown = f"status {made.status!r}, error {made.get_error()!r}, {len(features)} features"
    expect((made.status, made.get_error(), features) == (assumptions.DATASET_STATUS_CREATED, None, []), shown)
    return shown


@probe("dataset-column-specs")
def dataset_column_specs(t):
    from sktmls import MLSClientError

    client = _datasets(t)
    made = _dataset(t, "specs")
    missing = t.attempt(client.update_column_specs, id=made.id, column_specs={"mlsmock_verify_no_column": {}})
    expect(missing.status == 400, f"a column the dataset lacks: {missing.status} {missing.error}")
    columns = client.list_features(id=made.id)
    if not columns:
        return "a column the dataset lacks: 400 (the new dataset has no columns to edit)"
    column = columns[0]
    try:
        client.update_column_specs(id=made.id, column_specs={column["name"]: {"include": not column["include"]}})
    except MLSClientError as refused:
        expect(False, f"editing column {column['name']!r}: {refused.code} {refused.msg}")
    edited = client.list_features(id=made.id)[0]
    shown = f"include of {column['name']!r} is {edited.get('include')} after setting it to {not column['include']}"
    expect(edited.get("include") is (not column["include"]), shown)
    return "a column the dataset lacks: 400; include of an existing column changed"

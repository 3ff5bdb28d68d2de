"""Probes of the model rows. The writing ones (their rows say `writes=True`: they run only
with --allow-writes) make manual models of their own, which the gate deletes when each probe
ends; `model-artifact` only reads."""

from . import assumptions
from .verify_probe import expect, probe
from .verify_writes import _experiment


def _manual_model(t, label: str, **fields):
    return t.models.create_manual_model(name=t.name(label), version="v1", **fields)


@probe("model-creator")
def model_creator(t):
    made = _manual_model(t, "creator")
    expect(made.creator == t.username, f"a manual model created without creator has creator {made.creator!r}")
    return "the caller's username"


@probe("new-model-status")
def new_model_status(t):
    made = _manual_model(t, "status")
    shown = f"status {made.status!r}, is_enabled {made.is_enabled!r}"
    expect(
        (made.status, made.is_enabled) == (assumptions.NEW_MANUAL_MODEL_STATUS, assumptions.NEW_MANUAL_MODEL_ENABLED),
        shown,
    )
    return shown


@probe("model-components")
def model_components(t):
    from sktmls.components import Component

    missing = Component(id=1, name=t.name("no-such-component"))
    outcome = t.attempt(_manual_model, t, "components", components=[missing])
    shown = f"{outcome.status} {outcome.error!r}"
    expect(outcome.status == 400 and "components" in (outcome.error or ""), shown)
    return shown


@probe("model-put")
def model_put(t):
    made = _manual_model(t, "put")
    body = {"name": made.name, "version": made.version, "model_type": "automl"}
    turned = t.raw("PUT", f"/api/v1/models/{made.id}", json=body)
    updated = t.models.update_manual_model(made, description="changed by mls-mock verify")
    shown = f"PUT as automl: {turned}; status after an update: {updated.status!r} (was {made.status!r})"
    expect(turned.status == 400 and "model_type" in (turned.error or ""), shown)
    expect(updated.status == made.status, shown)
    return shown


@probe("model-delete")
def model_delete(t):
    made = _manual_model(t, "delete")
    experiment = _experiment(t, "model-delete")
    bucket = t.experiments.create_bucket(
        experiment=experiment, name=t.name("serving"), prediction_type="batch", model=made
    )
    refused = t.attempt(t.models.delete_model, made)
    t.raw("DELETE", f"/api/v1/experiments/{experiment.id}/buckets/{bucket.id}")
    deleted = t.attempt(t.models.delete_model, made)
    shown = f"while a bucket serves it: {refused.status} {refused.error!r}; without: {deleted.status}"
    expect(refused.status == 409 and str(bucket.id) in (refused.error or "") and deleted.status == 200, shown)
    return shown


@probe("model-artifact")
def model_artifact(t):
    path = "/api/v1/model_registry/artifacts/info"
    nobody = t.raw("GET", path, params={"model_name": t.name("unregistered"), "model_version": "v1"})
    unnamed = t.raw("GET", path, params={"model_version": "v1"})
    info = nobody.results.get("info", "(absent)") if isinstance(nobody.results, dict) else "(no object)"
    bare = unnamed.results.get("info", "(absent)") if isinstance(unnamed.results, dict) else "(no object)"
    shown = f"an unregistered model: {nobody.status} info {info!r}; without model_name: {unnamed.status} info {bare!r}"
    expect(nobody.status == 200 and info is None and unnamed.status == 200 and bare is None, shown)
    return shown

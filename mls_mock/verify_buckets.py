"""Writing probes (--allow-writes) of the bucket rows: ranges, ratios, predictions and the
models behind them. The rules of verify_writes.py hold: experiments and buckets of their
own, deleted by the gate when the probe ends; buckets point at models the server already has."""

from . import assumptions
from .verify_probe import NotChecked, expect, probe
from .verify_writes import _empty_bucket, _experiment, _post


def _models(t):
    """(a manual model, an automl model) the account can read, or NotChecked."""
    manual = t.models.list_manual_models(page=1)
    automl = t.models.list_automl_models(page=1)
    if not manual or not automl:
        missing = " and ".join(kind for kind, found in (("manual", manual), ("automl", automl)) if not found)
        raise NotChecked(f"no {missing} model the account can read on the server to point buckets at")
    return manual[0], automl[0]


def _automl_bucket(t, experiment, model, label: str):
    """POSTed raw: the client's create_bucket refuses prediction_type automl itself."""
    reply = _post(
        t,
        f"/api/v1/experiments/{experiment.id}/buckets",
        {"name": t.name(label), "prediction_type": "automl", "automl_model_id": model.id},
    )
    expect(reply.status == 201, f"creating an automl bucket with automl model {model.id}: {reply}")
    return reply.results


@probe("bucket-range")
def bucket_range(t):
    experiment = _experiment(t, "range")
    first, second = _empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")
    unset = {b.id: b.bucket_range for b in t.experiments.list_buckets(experiment)}
    slots = assumptions.BUCKET_SLOTS
    share = slots * 3 // 10
    # Given in reverse: the layout follows bucket ids, not the order of the ratio.
    split = _ranges(t.experiments.update_bucket_ratio(experiment, {second: slots - share, first: share}))
    zero = _ranges(t.experiments.update_bucket_ratio(experiment, {first: 0, second: slots}))
    want = (
        {first.id: assumptions.BUCKET_RANGE_UNSET, second.id: assumptions.BUCKET_RANGE_UNSET},
        {first.id: assumptions.bucket_range(0, share), second.id: assumptions.bucket_range(share, slots - share)},
        {first.id: assumptions.BUCKET_RANGE_UNSET, second.id: assumptions.bucket_range(0, slots)},
    )
    shown = (
        f"before a ratio {list(unset.values())}; {share}/{slots - share}: {list(split.values())}; "
        f"0/{slots}: {list(zero.values())}"
    )
    expect((unset, split, zero) == want, shown)
    return shown


def _ranges(buckets) -> dict:
    return {b.id: b.bucket_range for b in sorted(buckets, key=lambda b: b.id)}


@probe("ranges-on-bucket-change")
def ranges_on_bucket_change(t):
    experiment = _experiment(t, "ranges")
    first, second = _empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")
    half = assumptions.BUCKET_SLOTS // 2
    set_once = t.experiments.update_bucket_ratio(experiment, {first: half, second: assumptions.BUCKET_SLOTS - half})
    stamps = {b.id: b.updated_at for b in set_once}
    third = _empty_bucket(t, experiment, "c")
    after_add = t.experiments.list_buckets(experiment)
    unmoved = [b.id for b in after_add if b.id in stamps and b.updated_at <= stamps[b.id]]
    t.experiments.update_bucket_ratio(
        experiment, dict(zip((first, second, third), (half, assumptions.BUCKET_SLOTS - half, 0), strict=True))
    )
    t.experiments.delete_bucket(third)
    after_delete = t.experiments.list_buckets(experiment)
    unset = assumptions.BUCKET_RANGE_UNSET
    shown = (
        f"after adding a bucket: ranges {[b.bucket_range for b in after_add]}, updated_at unmoved on {unmoved}; "
        f"after deleting one: {[b.bucket_range for b in after_delete]}"
    )
    expect(all(b.bucket_range == unset for b in after_add + after_delete) and not unmoved, shown)
    return shown


@probe("bucket-ratio")
def bucket_ratio(t):
    experiment = _experiment(t, "ratio")
    first, second = _empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")
    slots = assumptions.BUCKET_SLOTS
    statuses = {
        "one bucket left out": t.attempt(t.experiments.update_bucket_ratio, experiment, {first: slots}).status,
        "a negative share": t.attempt(
            t.experiments.update_bucket_ratio, experiment, {first: -10, second: slots + 10}
        ).status,
        f"adding up to {slots - 1}": t.attempt(
            t.experiments.update_bucket_ratio, experiment, {first: 50, second: slots - 51}
        ).status,
    }
    shown = "; ".join(f"{what}: {status}" for what, status in statuses.items())
    expect(set(statuses.values()) == {400}, shown)
    return shown


@probe("model-type-for-prediction")
def model_type_for_prediction(t):
    manual, automl = _models(t)
    experiment = _experiment(t, "model-type")
    mismatched = []
    for prediction_type, wanted in assumptions.MODEL_TYPE_FOR_PREDICTION.items():
        for model in (manual, automl):
            body = {
                "name": t.name(f"{prediction_type}-{model.model_type}"),
                "prediction_type": prediction_type,
                f"{prediction_type}_model_id": model.id,
            }
            if prediction_type == "automl":  # the client refuses to create these itself
                status = _post(t, f"/api/v1/experiments/{experiment.id}/buckets", body).status
            else:
                status = t.attempt(
                    t.experiments.create_bucket,
                    experiment=experiment,
                    name=body["name"],
                    prediction_type=prediction_type,
                    model=model,
                ).status
            if (status == 201) != (model.model_type == wanted):
                mismatched.append(f"a {prediction_type} bucket with the {model.model_type} model {model.id}: {status}")
    expect(not mismatched, "; ".join(mismatched))
    return f"each prediction type took only its model type ({len(assumptions.MODEL_TYPE_FOR_PREDICTION) * 2} tries)"


@probe("prediction-request")
def prediction_request(t):
    experiment = _experiment(t, "request")
    items = [{"id": "mls-mock-verify"}]
    static = t.experiments.create_bucket(
        experiment=experiment, name=t.name("static"), prediction_type="static", static_value={"items": items}
    )
    expect(
        static.prediction.request == {"type": "static", "items": items},
        f"a static bucket's request is {static.prediction.request!r}",
    )
    manual, automl = _models(t)
    batch = t.experiments.create_bucket(
        experiment=experiment, name=t.name("batch"), prediction_type="batch", model=manual
    )
    wanted = {"type": "batch", "model_name": manual.name, "model_version": manual.version}
    expect(batch.prediction.request == wanted, f"a batch bucket's request is {batch.prediction.request!r}")
    request = _automl_bucket(t, experiment, automl, "automl")["prediction"]["request"]
    wanted = {"type": "automl", "model_name": automl.name, "model_version": automl.version, "username": automl.creator}
    expect(request == wanted, f"an automl bucket's request is {request!r}, its model's creator {automl.creator!r}")
    return "static, batch and automl requests as expected"


@probe("prediction-id")
def prediction_id(t):
    experiment = _experiment(t, "prediction-id")
    buckets = [_empty_bucket(t, experiment, "a"), _empty_bucket(t, experiment, "b")]
    listed = t.experiments.list_buckets(experiment)
    pairs = [(b.id, b.prediction.id if b.prediction else None) for b in buckets + listed]
    expect(
        all(bucket_id == prediction_id for bucket_id, prediction_id in pairs), f"(bucket id, prediction id): {pairs}"
    )
    return f"(bucket id, prediction id): {pairs}"


@probe("bucket-put")
def bucket_put(t):
    _, automl = _models(t)
    experiment = _experiment(t, "put")
    created = _automl_bucket(t, experiment, automl, "automl")
    bucket = t.experiments.get_bucket(experiment, id=created["id"])
    outcome = t.attempt(t.experiments.update_bucket, bucket, description="changed by mls-mock verify")
    after = t.listing(f"experiments/{experiment.id}/buckets", id=created["id"])
    model = after[0].get("prediction", {}).get("ml_model") if after else None
    shown = f"update_bucket of an automl bucket: {outcome.status}" + (f" {outcome.error!r}" if outcome.error else "")
    expect(outcome.status == 200 and model == automl.id, f"{shown}; its model afterwards: {model}")
    return f"{shown}, model {model} kept"

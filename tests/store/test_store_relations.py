"""Store: relations kept true, bucket ratio ranges and migration, and failures that leave
everything as it was."""
import pytest

from mls_mock import Conflict, FieldError, NotFound, Store, assumptions

from support import counts_of


@pytest.fixture
def store():
    """Models 1 (manual) 2 (manual) 3 (automl); filter 1; experiments 1 "e1" (filter 1), 2 "e2"."""
    s = Store()
    s.create_model({"name": "m", "version": "v1", "model_type": "manual"})
    s.create_model({"name": "m", "version": "v2", "model_type": "manual"})
    s.create_model({"name": "a", "version": "v1", "model_type": "automl", "creator": "alice"})
    s.create_filter({"name": "f", "body": {"conditions": []}})
    s.create_experiment({"name": "e1", "model_filter_id": 1}, "u")
    s.create_experiment({"name": "e2"}, "u")
    return s


def _bucket(store, experiment_id, name, kind="empty", **extra):
    return store.create_bucket(experiment_id, {"name": name, "prediction_type": kind, **extra})


def test_an_experiment_lists_the_summaries_of_its_channels(store):
    home = store.create_channel({"screen_id": "home", "experiments": [1, 2]}, "u")
    cart = store.create_channel({"screen_id": "cart", "experiments": [2]}, "u")
    home_summary, cart_summary = ({k: c[k] for k in assumptions.CHANNEL_SUMMARY_FIELDS} for c in (home, cart))

    assert store.get_experiment(1)["channels"] == [home_summary]
    assert store.get_experiment(2)["channels"] == [home_summary, cart_summary]
    store.update_channel(home["id"], {"screen_id": "home", "experiments": [1]})
    assert store.get_experiment(2)["channels"] == [cart_summary]
    assert [c["id"] for c in store.get_experiment(1)["channels"]] == [home["id"]]


def test_deleting_an_experiment_unlinks_it_and_deletes_its_buckets(store):
    home = store.create_channel({"screen_id": "home", "experiments": [1, 2]}, "u")
    _bucket(store, 1, "a")
    kept = _bucket(store, 2, "a")

    store.delete_experiment(1)

    assert store.get_channel(home["id"])["experiments"] == [2]
    assert store.counts()["buckets"] == 1 and store.list_buckets(2) == [kept]
    with pytest.raises(NotFound):
        store.list_buckets(1)
    assert store.create_experiment({"name": "e1"}, "u")["id"] == 3  # the name is free again, the id is not


def test_deleting_an_experiment_touches_the_channels_it_leaves():
    """A channel's `experiments` changed, so its updated_at moves; other channels keep theirs."""
    import datetime

    class Clock:
        current = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

        def now(self):
            return self.current

    clock = Clock()
    s = Store(clock=clock)
    s.create_experiment({"name": "doomed"}, "u")
    s.create_experiment({"name": "kept"}, "u")
    left = s.create_channel({"screen_id": "left", "experiments": [1, 2]}, "u")
    untouched = s.create_channel({"screen_id": "untouched", "experiments": [2]}, "u")
    clock.current += datetime.timedelta(hours=1)

    s.delete_experiment(1)

    assert s.get_channel(left["id"])["updated_at"] == "2026-01-01T01:00:00.000000+00:00"
    assert s.get_channel(untouched["id"]) == untouched


def test_a_channel_needs_existing_experiments(store):
    with pytest.raises(FieldError) as caught:
        store.create_channel({"screen_id": "c", "experiments": [2, 7]}, "u")

    assert caught.value.field == "experiments[1]"
    assert store.counts()["channels"] == 0


def test_a_filter_in_use_cannot_be_deleted_and_the_error_names_its_users(store):
    store.create_experiment({"name": "e3", "model_filter_id": 1}, "u")

    with pytest.raises(Conflict) as caught:
        store.delete_filter(1)

    assert "e1" in caught.value.message and "e3" in caught.value.message and "e2" not in caught.value.message
    store.update_experiment(1, {"name": "e1"})  # a full replace without the filter clears it
    store.delete_experiment(3)
    store.delete_filter(1)
    assert store.list_filters() == []


def test_names_are_unique_per_resource_and_buckets_per_experiment(store):
    _bucket(store, 1, "same")
    _bucket(store, 2, "same")

    for make in (
        lambda: _bucket(store, 1, "same"),
        lambda: store.create_experiment({"name": "e2"}, "u"),
        lambda: store.create_filter({"name": "f", "body": {"conditions": []}}),
        lambda: store.create_model({"name": "m", "version": "v1", "model_type": "manual"}),
    ):
        with pytest.raises(Conflict):
            make()
    assert store.counts() == counts_of(models=3, filters=1, experiments=2, buckets=2)


def test_renaming_frees_the_old_name(store):
    store.update_experiment(2, {"name": "renamed"})

    assert store.create_experiment({"name": "e2"}, "u")["id"] == 3
    assert [e["name"] for e in store.list_experiments(name="renamed")] == ["renamed"]


@pytest.mark.parametrize("shares, ranges", [
    ((100,), [(0, 100)]),
    ((50, 50), [(0, 50), (50, 50)]),
    ((0, 100), [(0, 0), (0, 100)]),
    ((10, 0, 90), [(0, 10), (10, 0), (10, 90)]),
    ((1, 1, 98), [(0, 1), (1, 1), (2, 98)]),
], ids=["one_bucket", "halves", "zero_first", "zero_middle", "thin_slices"])
def test_bucket_ratio_lays_ranges_out_in_id_order(store, shares, ranges):
    ids = [_bucket(store, 1, f"b{i}")["id"] for i in range(len(shares))]

    result = store.set_bucket_ratio(1, {"bucket_ratio": {str(i): share for i, share in zip(reversed(ids), reversed(shares))}})

    assert [b["id"] for b in result] == ids
    assert [b["bucket_range"] for b in result] == [assumptions.bucket_range(start, width) for start, width in ranges]


def test_bucket_range_format():
    """The documented format: inclusive bounds, empty for a zero share."""
    assert (assumptions.bucket_range(0, 30), assumptions.bucket_range(30, 70), assumptions.bucket_range(5, 0)) == (
        "0-29", "30-99", assumptions.BUCKET_RANGE_UNSET)


def test_a_refused_ratio_changes_nothing(store):
    _bucket(store, 1, "a")
    _bucket(store, 1, "b")
    store.set_bucket_ratio(1, {"bucket_ratio": {"1": 40, "2": 60}})
    before = store.dump()

    for ratio in ({"1": 40}, {"1": 40, "2": 50}, {"1": 40, "2": 60, "9": 0}, {"1": -1, "2": 101}, {"1": 40.5, "2": 59.5}):
        with pytest.raises(FieldError):
            store.set_bucket_ratio(1, {"bucket_ratio": ratio})

    assert store.dump() == before


def test_an_experiment_without_buckets_takes_an_empty_ratio_only(store):
    with pytest.raises(FieldError):
        store.set_bucket_ratio(2, {"bucket_ratio": {}})  # nothing to add up to 100

    assert store.list_buckets(2) == []


def test_migration_moves_only_the_buckets_on_the_model(store):
    a = _bucket(store, 1, "a", "batch", batch_model_id=1)
    b = _bucket(store, 2, "b", "online", online_model_id=1)
    other = _bucket(store, 1, "other", "batch", batch_model_id=2)
    static = _bucket(store, 2, "static", "static", static_value={"items": [1]})

    moved = store.migrate_buckets({"model_id": 1, "migration_request": {"prediction_type": "static",
                                                                          "static_value": {"items": [{"id": "x"}]}}})

    assert [m["id"] for m in moved] == [a["id"], b["id"]]
    assert all(m["prediction"] == {"id": m["id"], "request": {"type": "static", "items": [{"id": "x"}]}, "ml_model": None}
               for m in moved)
    assert store.get_bucket(1, other["id"]) == other and store.get_bucket(2, static["id"]) == static


def test_migrated_buckets_do_not_share_their_items(store):
    _bucket(store, 1, "a", "batch", batch_model_id=1)
    _bucket(store, 2, "b", "batch", batch_model_id=1)
    store.migrate_buckets({"model_id": 1, "migration_request": {"prediction_type": "static", "static_value": {"items": []}}})
    items = {"items": [{"id": "only a"}]}

    store.update_bucket(1, 1, {"name": "a", "prediction_type": "static", "static_value": items})
    items["items"].append({"id": "added after"})  # the caller's object is not the store's

    assert store.get_bucket(1, 1)["prediction"]["request"]["items"] == [{"id": "only a"}]
    assert store.get_bucket(2, 2)["prediction"]["request"]["items"] == []


def test_migration_to_a_model_of_the_wrong_type_changes_nothing(store):
    _bucket(store, 1, "a", "batch", batch_model_id=1)
    before = store.dump()

    with pytest.raises(FieldError) as caught:
        store.migrate_buckets({"model_id": 1, "migration_request": {"prediction_type": "automl", "automl_model_id": 1}})

    assert caught.value.field == "migration_request.automl_model_id"
    assert store.dump() == before


def test_an_automl_bucket_names_the_model_creator(store):
    bucket = _bucket(store, 1, "auto", "automl", automl_model_id=3)

    assert bucket["prediction"]["request"] == {"type": "automl", "model_name": "a", "model_version": "v1", "username": "alice"}


def test_a_bucket_put_that_leaves_out_the_model_of_its_type_keeps_it(store):
    """sktmls's update_bucket never sends automl_model_id: the same type keeps its model; a new
    type, or an explicit null, still needs one."""
    bucket = _bucket(store, 1, "b", "automl", automl_model_id=3)

    renamed = store.update_bucket(1, bucket["id"], {"name": "renamed", "prediction_type": "automl"})

    assert (renamed["name"], renamed["prediction"]["ml_model"]) == ("renamed", 3)
    for body, field in (({"prediction_type": "batch"}, "batch_model_id"),
                        ({"prediction_type": "automl", "automl_model_id": None}, "automl_model_id")):
        with pytest.raises(FieldError, match=f"^{field}: is required"):
            store.update_bucket(1, bucket["id"], {"name": "again", **body})
    assert store.get_bucket(1, bucket["id"]) == renamed
    assert _bucket(store, 1, "new", "batch", batch_model_id=1)["prediction"]["ml_model"] == 1
    with pytest.raises(FieldError, match="^automl_model_id: is required"):  # a create always names its model
        _bucket(store, 1, "other", "automl")


def test_listeners_hear_every_change_once_and_no_failure(store):
    heard = []
    store.subscribe(lambda s: heard.append(s.counts()["experiments"]))

    store.create_experiment({"name": "e3"}, "u")
    with pytest.raises(Conflict):
        store.create_experiment({"name": "e3"}, "u")
    store.delete_experiment(3)

    assert heard == [3, 2]


def test_an_experiments_channels_stay_in_id_order(store):
    """Like every list: re-linking a channel (any update re-sends its experiments) must not
    move it to the end."""
    first = store.create_channel({"screen_id": "first", "experiments": [2]}, "u")
    second = store.create_channel({"screen_id": "second", "experiments": [1]}, "u")
    store.update_channel(second["id"], {"screen_id": "second", "experiments": [1, 2]})
    store.update_channel(first["id"], {"screen_id": "first renamed", "experiments": [2]})

    assert [c["id"] for c in store.get_experiment(2)["channels"]] == [first["id"], second["id"]]

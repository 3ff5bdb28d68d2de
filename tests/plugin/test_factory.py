"""`mls_factory`: the client's own objects, deterministic per test, any locale."""


def test_factory_returns_client_objects_written_to_the_fake(run):
    result = run('''
        from sktmls.channels import Channel
        from sktmls.experiments import Bucket, Experiment
        from sktmls.filters import Filter
        from sktmls.models import AutoMLModel, ManualModel
        def test_it(mls_factory, mls_channel_client, mls_experiment_client):
            channel = mls_factory.channel()
            assert type(channel) is Channel and len(channel.experiments) == 1
            experiment = mls_experiment_client.get_experiment(id=channel.experiments[0])
            assert [c.screen_id for c in experiment.channels] == [channel.screen_id]
            filter_ = mls_factory.filter()
            assert type(filter_) is Filter and filter_.conditions
            with_filter = mls_factory.experiment(name="mine", model_filter=filter_)
            assert type(with_filter) is Experiment and with_filter.model_filter.id == filter_.id
            manual, automl = mls_factory.model(), mls_factory.model("automl")
            assert (type(manual), type(automl)) == (ManualModel, AutoMLModel)
            buckets = [mls_factory.bucket(with_filter, model=manual), mls_factory.bucket(with_filter, model=automl),
                       mls_factory.bucket(with_filter, prediction_type="static"), mls_factory.bucket(with_filter)]
            assert all(type(b) is Bucket and b.experiment is with_filter for b in buckets)
            assert [b.prediction.request["type"] for b in buckets] == ["batch", "automl", "static", "empty"]
            seen = mls_experiment_client.list_buckets(with_filter)
            assert [b.id for b in seen] == [b.id for b in buckets]
            assert mls_channel_client.get_channel(name=channel.screen_id).id == channel.id
    ''')
    result.assert_outcomes(passed=1)


FACTORY_DUMP = '''
    def dump(factory):
        experiment = factory.experiment()
        return [experiment.name, experiment.description, experiment.bucketing_seed, factory.filter().conditions]
    def test_one(mls_factory):
        print("DATA one", dump(mls_factory))
    def test_two(mls_factory):
        print("DATA two", dump(mls_factory))
'''


def _data_lines(result):
    return sorted(line[line.index("DATA"):] for line in result.stdout.lines if "DATA" in line)


def test_factory_data_is_the_same_every_run_and_differs_between_tests(run):
    first = run(FACTORY_DUMP, "-s")
    second = run(FACTORY_DUMP, "-s")
    first.assert_outcomes(passed=2)
    lines = _data_lines(first)
    assert len(lines) == 2 and lines == _data_lines(second)
    assert lines[0].split(" ", 2)[2] != lines[1].split(" ", 2)[2]


def test_korean_locale_by_fixture_override(run):
    result = run('''
        import pytest, re
        @pytest.fixture
        def mls_faker_locale():
            return "ko_KR"
        def test_it(mls_factory, mls_experiment_client):
            experiment = mls_factory.experiment()
            hangul = "[\\uac00-\\ud7a3]"
            assert re.search(hangul, experiment.description), experiment.description
            assert re.search(hangul, experiment.name), experiment.name  # names follow the locale too
            assert re.search(hangul, mls_factory.bucket(experiment).name)
            assert mls_experiment_client.get_experiment(name=experiment.name).id == experiment.id
            assert mls_factory.channel().screen_id.isascii()  # an identifier code looks up
    ''')
    result.assert_outcomes(passed=1)


def test_korean_locale_by_ini(run, pytester):
    pytester.makeini("[pytest]\nmls_faker_locale = ko_KR\n")
    result = run('''
        import re
        def test_it(mls_factory):
            assert re.search("[\\uac00-\\ud7a3]", mls_factory.bucket(mls_factory.experiment()).description)
    ''')
    result.assert_outcomes(passed=1)


def test_explicit_fields_win_and_bad_ones_are_refused(run):
    result = run('''
        import datetime, pytest
        from mls_mock import FieldError
        def test_it(mls_factory):
            at = datetime.datetime(2025, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)
            experiment = mls_factory.experiment(name="exp", description="d", bucketing_seed="s", id=40, created_at=at)
            assert (experiment.id, experiment.name, experiment.description, experiment.bucketing_seed,
                    experiment.created_at) == (40, "exp", "d", "s", at)
            with pytest.raises(FieldError, match="experiments\\\\[0\\\\]"):
                mls_factory.channel(experiments=[999])
    ''')
    result.assert_outcomes(passed=1)

"""mls_factory's dimension and ML feature builders, over both backends: the store, and
HTTPBackend (what --mls-url runs use), here aimed at an in-process fake."""
import pytest

from mls_mock import MLSMock, allow_light_sktmls
from mls_mock.fixtures.factories import HTTPBackend, MLSFactory

allow_light_sktmls()
from sktmls import MLSENV  # noqa: E402
from sktmls.dimensions import Dimension, DimensionClient  # noqa: E402
from sktmls.ml_features import MLFeature, MLFeatureClient, MLFeatureGroupClient  # noqa: E402

BASE = "https://ab.stg.sktmls.com"
ACCOUNT = dict(env=MLSENV.STG, username="mls-test", password="pw")


@pytest.fixture(params=["store", "http"])
def backend(request):
    with MLSMock() as mls:
        store = mls.store if request.param == "store" else HTTPBackend(BASE, "mls-test", "pw")
        yield mls, MLSFactory(store, seed="features", locale="ko_KR")


def test_dimension_builder_returns_what_the_client_reads_back(backend):
    mls, factory = backend

    made = factory.dimension(dimension_type="item", tag="catalog", is_enabled=False)

    assert isinstance(made, Dimension) and made.dimension_type == "item"
    assert (made.tag, made.is_enabled, made.is_derivative) == ("catalog", False, False)
    assert made.data_type in ("string", "number") and made.period in ("daily", "monthly") and made.description
    assert DimensionClient(**ACCOUNT).get_dimension("item", id=made.id).get() == made.get()
    assert factory.dimension().name != factory.dimension().name


def test_ml_feature_builder_returns_what_the_client_reads_back(backend):
    mls, factory = backend

    made = factory.ml_feature(type=MLFeature.Type.CATEGORY)

    assert isinstance(made, MLFeature) and (made.type, made.status, made.group) == (
        MLFeature.Type.CATEGORY, MLFeature.Status.CREATED, None)
    assert made.title and made.description and made.source.startswith("mls.")
    assert MLFeatureClient(**ACCOUNT).get_feature(id=made.id).__dict__ == made.__dict__


def test_groups_and_a_features_group_and_status_need_the_store():
    with MLSMock() as mls:
        factory = MLSFactory(mls.store, seed="features")
        group = factory.ml_feature_group(name="profile", description="고객 기본 정보")
        made = factory.ml_feature(group=group, status="in_service")

        assert (made.group, made.status) == ("profile", MLFeature.Status.IN_SERVICE)
        listed = MLFeatureGroupClient(**ACCOUNT).list_feature_groups()
        assert [(g.id, g.name, [f.id for f in g.ml_features]) for g in listed] == [(group.id, "profile", [made.id])]

        remote = MLSFactory(HTTPBackend(BASE, "mls-test", "pw"))
        for build in (remote.ml_feature_group, lambda: remote.ml_feature(group="profile"),
                      lambda: remote.ml_feature(status="deprecated")):
            with pytest.raises(NotImplementedError):
                build()
        assert mls.store.counts()["ml_features"] == 1 and mls.store.counts()["ml_feature_groups"] == 1

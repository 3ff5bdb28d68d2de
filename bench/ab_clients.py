"""Section 1's rows for the AB clients beyond channels and experiments: one typical call of
each, the records it needs put in place through `MLSFactory` (untimed), the call itself
through the real client. `inprocess.Op` is the contract: `setup()` once, `run(i)` timed."""

import functools
import itertools

from mls_mock.fixtures.factories import MLSFactory


class ABOp:
    """Mixed into `inprocess.Op` (kept apart so this module does not import it back)."""

    calls = 300

    @functools.cached_property
    def factory(self) -> MLSFactory:
        return MLSFactory(self.mls.store, seed=self.label, user="bench")


class CreateManualModel(ABOp):
    label = "create_manual_model (MLModelClient)"
    _versions = itertools.count()

    def run(self, i):
        self.clients.model.create_manual_model(name="bench_model", version=f"v{next(self._versions)}")


class Predict(ABOp):
    label = "predict (AutoMLBatchPredictionClient)"

    def setup(self):
        dataset = self.factory.dataset(problem_type="classification")
        model = self.clients.model.create_automl_model(dataset, name="bench_automl", version="v1", description="d")
        self.mls.store.steer_model(model.id, status="DONE")
        self.model = self.clients.model.get_automl_model(id=model.id)

    def run(self, i):
        from sktmls.models.automl import EmailChannelConfig

        self.clients.batch_prediction.predict(self.model, EmailChannelConfig("bench@sk.com"))


class GetComponent(ABOp):
    label = "get_component(name=) (ComponentClient)"

    def setup(self):
        self.factory.component(name="bench_component")

    def run(self, i):
        self.clients.component.get_component(name="bench_component")


class GetDataset(ABOp):
    label = "get_dataset(name=) (DatasetClient)"

    def setup(self):
        self.factory.dataset(name="bench_dataset", columns=["age", "arpu"])

    def run(self, i):
        self.clients.dataset.get_dataset(name="bench_dataset")


class GetDimension(ABOp):
    label = "get_dimension(name=) (DimensionClient)"

    def setup(self):
        self.factory.dimension(name="bench_dimension", dimension_type="user")

    def run(self, i):
        self.clients.dimension.get_dimension("user", name="bench_dimension")


class GetMetaTable(ABOp):
    label = "get_meta_table(name=), 10 items (MetaTableClient)"

    def setup(self):
        client = self.clients.meta_table
        table = client.create_meta_table(name="bench_meta", schema={"fee": {"type": "number"}})
        client.create_meta_items(table, {f"item{n}": {"fee": n} for n in range(10)})

    def run(self, i):
        self.clients.meta_table.get_meta_table(name="bench_meta")


class GetFeature(ABOp):
    label = "get_feature(name=, source=) (MLFeatureClient)"

    def setup(self):
        self.feature = self.factory.ml_feature()

    def run(self, i):
        self.clients.ml_feature.get_feature(name=self.feature.name, source=self.feature.source)


class ListFeatureGroups(ABOp):
    label = "list_feature_groups(), 2 groups (MLFeatureGroupClient)"

    def setup(self):
        for _ in range(2):
            group = self.factory.ml_feature_group()
            self.factory.ml_feature(group=group.name)

    def run(self, i):
        self.clients.ml_feature_group.list_feature_groups()


class GetClient(ABOp):
    label = "get_client(name=) (ClientClient)"

    def setup(self):
        self.factory.client(name="bench_client")

    def run(self, i):
        self.clients.client.get_client(name="bench_client")


class GetProfile(ABOp):
    label = "get_profile(profile_id=) (ProfileClient)"

    def setup(self):
        self.profile = self.factory.profile()

    def run(self, i):
        self.clients.profile.get_profile(profile_id=self.profile.profile_id)


class GetVertex(ABOp):
    label = "get_vertex(label=) (VertexClient)"

    def setup(self):
        self.vertex = self.factory.vertex()

    def run(self, i):
        self.clients.vertex.get_vertex(label=self.vertex.label)


class GetEdge(ABOp):
    label = "get_edge(label=) (EdgeClient)"

    def setup(self):
        self.edge = self.factory.edge()

    def run(self, i):
        self.clients.edge.get_edge(label=self.edge.label)


class GetDynamoDBStatus(ABOp):
    label = "get_dynamodb_status(table) (StatusClient)"

    def setup(self):
        self.factory.data_status("dynamodb", "bench_table")

    def run(self, i):
        self.clients.status.get_dynamodb_status("bench_table")


class GetItem(ABOp):
    label = "get_item (DynamoDBClient)"

    def setup(self):
        self.factory.dynamodb_table("bench_scores", items=[{"item_id": "i1", "score": 1}])

    def run(self, i):
        self.clients.dynamodb.get_item("bench_scores", {"item_id": "i1"})


OPS = (
    CreateManualModel,
    Predict,
    GetComponent,
    GetDataset,
    GetDimension,
    GetMetaTable,
    GetFeature,
    ListFeatureGroups,
    GetClient,
    GetProfile,
    GetVertex,
    GetEdge,
    GetDynamoDBStatus,
    GetItem,
)

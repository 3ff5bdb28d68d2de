"""The resources every store holds, in load order: a kind may refer to the kinds before it
(a seed document is loaded, and dumped, in this order). Add a resource with one line here."""

from .automl import AutoMLPredictions
from .buckets import Buckets
from .channels import Channels
from .clients import Clients
from .components import Components
from .data_status import DataStatus
from .datasets import Datasets
from .dimensions import Dimensions
from .dynamodb import DynamoDBItems, DynamoDBTables
from .edges import Edges
from .experiments import Experiments
from .filters import Filters
from .graph_edges import GraphEdges
from .graph_vertices import GraphVertices
from .meta_items import MetaItems
from .meta_tables import MetaTables
from .ml_feature_groups import MLFeatureGroups
from .ml_features import MLFeatures
from .model_answers import ModelAnswers
from .models import Models
from .profiles import Profiles
from .resource import Resource
from .vertices import Vertices

RESOURCES: tuple[type[Resource], ...] = (
    Components,
    Datasets,
    Models,
    Filters,
    Experiments,
    Buckets,
    Channels,
    Dimensions,
    MLFeatureGroups,
    MLFeatures,
    Clients,
    Profiles,
    Vertices,
    Edges,
    MetaTables,
    MetaItems,
    DynamoDBTables,
    DynamoDBItems,
    DataStatus,
    AutoMLPredictions,
    ModelAnswers,
    GraphVertices,
    GraphEdges,
)
SEED_KINDS = tuple(resource.plural for resource in RESOURCES)

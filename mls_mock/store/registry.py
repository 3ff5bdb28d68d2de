"""The resources every store holds, in load order: a kind may refer to the kinds before it
(a seed document is loaded, and dumped, in this order). Add a resource with one line here."""

from .buckets import Buckets
from .channels import Channels
from .data_status import DataStatus
from .dimensions import Dimensions
from .dynamodb import DynamoDBItems, DynamoDBTables
from .experiments import Experiments
from .filters import Filters
from .ml_feature_groups import MLFeatureGroups
from .ml_features import MLFeatures
from .models import Models
from .resource import Resource

RESOURCES: tuple[type[Resource], ...] = (
    Models,
    Filters,
    Experiments,
    Buckets,
    Channels,
    Dimensions,
    MLFeatureGroups,
    MLFeatures,
    DynamoDBTables,
    DynamoDBItems,
    DataStatus,
)
SEED_KINDS = tuple(resource.plural for resource in RESOURCES)

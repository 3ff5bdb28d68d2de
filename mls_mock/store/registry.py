"""The resources every store holds, in load order: a kind may refer to the kinds before it
(a seed document is loaded, and dumped, in this order). Add a resource with one line here."""

from .automl import AutoMLPredictions
from .buckets import Buckets
from .channels import Channels
from .components import Components
from .datasets import Datasets
from .experiments import Experiments
from .filters import Filters
from .models import Models
from .resource import Resource

RESOURCES: tuple[type[Resource], ...] = (
    Components,
    Datasets,
    Models,
    Filters,
    Experiments,
    Buckets,
    Channels,
    AutoMLPredictions,
)
SEED_KINDS = tuple(resource.plural for resource in RESOURCES)

"""The fake's state, one module per resource over shared table machinery:

- `core`: `Store`, composing the resources; lock, clock, transactions, generic CRUD;
- `steered`: the `Store` methods for what MLS's pipeline makes and tests steer;
- `resource`: `Resource`, the declaration and generic CRUD a resource module subclasses;
- `nested`: `Nested`, a resource whose records live inside a parent's (buckets, meta items);
- `table`: ids, sequences, the name index, select/query/pages;
- `transaction`: the undo log (all or nothing) and the `Commit` event listeners get;
- `seeding`: seed documents in and out;
- `registry`: which resources a store holds, in load order;
- every other module: one resource each (a few hold two close kinds: `dynamodb` its tables
  and items); `clients` answers API keys (`by_apikey`).
  `automl` keeps an automl model's server and its batch predictions (`automl_predictions`).
"""

from .buckets import PREDICTION_TYPES
from .core import Clock, Store
from .filters import FILTER_OPERATORS
from .models import MODEL_FIELDS, MODEL_TYPES
from .registry import RESOURCES, SEED_KINDS
from .resource import Resource
from .seeding import SEED_USER
from .transaction import Commit

__all__ = [
    "Store",
    "Clock",
    "Resource",
    "Commit",
    "RESOURCES",
    "SEED_KINDS",
    "SEED_USER",
    "MODEL_TYPES",
    "MODEL_FIELDS",
    "PREDICTION_TYPES",
    "FILTER_OPERATORS",
]

"""The graph API's instances (sktmls's `MLSGraphAPIClient`, `/graph/v1/...`): vertices and
edges with string ids, a label and property values, as opposed to the AB API's vertex and
edge *schemas* (`vertices.py`, `edges.py`), which declare a label's properties and types.

What is shared by the two kinds lives here: ids, property values, the check of an instance
against its schema, the list/drop filters of the client's docstrings, and `Graph`, the
store's way in for the graph routes (each call under the store lock, writes as one
transaction). Everything written here is a guess about the real server (README: assumptions).
"""

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from .. import validation as v
from ..errors import Conflict, FieldError, NotFound
from . import schema as s
from .resource import Resource

# A vertex id travels in the client's URL (`/v1/vertices/{vertex_id}`, unquoted): one holding
# a character that URL would mangle could be added but never read or dropped.
URL_UNSAFE = v.URL_UNSAFE
GRAPH_ID = s.URL_NAME
SCALAR = {"oneOf": [{"type": "string"}, {"type": "number"}]}
PROPERTY_VALUES = {
    "type": "object",
    "propertyNames": s.NAME,
    "additionalProperties": {"oneOf": [SCALAR, {"type": "array", "items": SCALAR}]},
    "description": "property name -> a string or number (`single`), or a list of them (`set`), as the label's "
    "schema declares it",
}
ENCLOSING = 3  # {"graph_vertices": [{"properties": <here>}]}
# The comparisons of the client's docstrings: `{name}__{op}={number}`, `{name}__bw={low},{high}`.
OPERATORS: dict[str, Callable[..., bool]] = {
    "eq": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "bw": lambda a, low, high: low < a < high,
}
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
# The schema types (`vertices.PROPERTY_TYPES`) as the values they take.
_KINDS = {"String": (str,), "Float": (int, float)}


def graph_id(body: Mapping, field: str) -> str:
    return v.url_name(body, field)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or isinstance(value, float) and math.isfinite(value)


def _scalar(value: Any, field: str) -> str | int | float:
    if isinstance(value, str) or _is_number(value):
        return value
    raise FieldError(field, "must be a string or a number, or a list of them")


def property_values(body: Mapping, field: str = "properties") -> dict[str, Any]:
    """The shape every stored instance has: name -> a string or number, or a list of them
    (a `set` property, distinct values in the order first given). Null or absent: none."""
    given = body.get(field)
    if given is None:
        return {}
    # JSON the fake can always answer, within the depth a state document allows around it
    given = v.json_value(v.expect_object(given, field), field, ENCLOSING)
    found: dict[str, Any] = {}
    for key, value in given.items():
        where = f"{field}.{key}"
        v.name({where: key}, where)
        if isinstance(value, list):
            found[key] = _distinct([_scalar(item, f"{where}[{i}]") for i, item in enumerate(value)])
        else:
            found[key] = _scalar(value, where)
    return found


def _distinct(values: list) -> list:
    seen: list = []
    for value in values:
        if not any(value == other and type(value) is type(other) for other in seen):
            seen.append(value)
    return seen


def conform(declared: Mapping[str, str], values: Mapping[str, Any], what: str, held: Mapping | None = None) -> dict:
    """`values` (already shaped by `property_values`) checked against a schema's declared
    types ({name: "Float(single)"|...}); with `held` (a PATCH), merged into it: a `single`
    property is replaced, a `set` property accumulates ("값을 여러 개 계속 누적해 저장")."""
    merged = dict(held or {})
    for key, value in values.items():
        where = f"properties.{key}"
        kind = declared.get(key)
        if kind is None:
            raise FieldError(where, f"is not a property of {what}")
        base, _, arity = kind.partition("(")
        types = _KINDS[base]
        if arity == "set)":
            if not isinstance(value, list) or not all(isinstance(i, types) for i in value):
                raise FieldError(where, f"must be a list of {'strings' if base == 'String' else 'numbers'} ({kind})")
            merged[key] = _distinct([*merged.get(key, []), *value]) if held is not None else list(value)
        else:
            if isinstance(value, list) or not isinstance(value, types):
                raise FieldError(where, f"must be a {'string' if base == 'String' else 'number'} ({kind})")
            merged[key] = value
    return merged


def _number(text: str, field: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise FieldError(field, "must be a number")
    return float(text)


def matcher(args: Mapping[str, list[str]], reserved: tuple[str, ...]) -> Callable[[dict], bool]:
    """The query of `list_vertices`/`drop_vertices` (and edges) as a predicate on an
    instance's properties: `name=value` (repeated: any of them) holds when the property is
    the string `value`; `name__op=number` compares a number (eq, gt, gte, lt, lte), and
    `name__bw=low,high` is strictly between. A set property matches when one of its values
    does. Parameters in `reserved` (limit, mode) are not filters."""
    tests: list[Callable[[dict], bool]] = []
    for name, values in args.items():
        if name in reserved:
            continue
        prop, _, op = name.rpartition("__")
        if prop and op in OPERATORS:
            if len(values) > 1:
                raise FieldError(name, "must be given once")
            if op == "bw":
                low, comma, high = values[0].partition(",")
                if not comma:
                    raise FieldError(name, "must be two numbers: low,high")
                bounds: tuple[float, ...] = (_number(low, name), _number(high, name))
            else:
                bounds = (_number(values[0], name),)
            tests.append(_compare(prop, OPERATORS[op], bounds))
        else:
            tests.append(_equals(name, set(values)))
    return lambda properties: all(test(properties) for test in tests)


def _each(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _compare(prop: str, op: Callable[..., bool], bounds: tuple) -> Callable[[dict], bool]:
    return lambda properties: any(_is_number(x) and op(x, *bounds) for x in _each(properties.get(prop)))


def _equals(prop: str, wanted: set[str]) -> Callable[[dict], bool]:
    return lambda properties: any(isinstance(x, str) and x in wanted for x in _each(properties.get(prop)))


def refuse_schema_change_in_use(store, instances: str, row: dict, fields: dict | None) -> None:
    """A vertex or edge schema (`row`) is being deleted (`fields` None) or replaced: while
    graph API instances carry its label, only new properties may be added; deleting it,
    renaming it, moving an edge schema's ends, or dropping or retyping a property is 409
    naming the instances (README: a graph schema its instances use)."""
    held = [r for r in store.resources[instances].table.rows.values() if r["label"] == row["label"]]
    if not held:
        return
    if fields is not None:
        kept = all(fields["properties"].get(name) == kind for name, kind in row["properties"].items())
        ends = all(fields.get(end) == row.get(end) for end in ("label", "frm", "to"))
        if kept and ends:
            return
    resource = store.resources[instances]
    shown = ", ".join(repr(resource.instance_id(r)) for r in held[:3]) + (", ..." if len(held) > 3 else "")
    change = "deleted" if fields is None else "changed but for new properties"
    raise Conflict(
        f"label: {len(held)} {resource.answer_key} of the graph API are labelled {row['label']!r} ({shown}): "
        f"the schema cannot be {change} until they are dropped"
    )


class Graph:
    """The graph routes' way into a store: `Graph(store).add("graph_vertices", body)` and so on."""

    def __init__(self, store):
        self.store = store

    def find(self, plural: str, query: Mapping[str, list[str]], limit: int | None) -> dict:
        with self.store.lock:
            resource = self.store.resources[plural]
            return {resource.answer_key: resource.matching(query, limit, wire=True)}

    def get(self, plural: str, instance_id: str) -> dict:
        with self.store.lock:
            resource = self.store.resources[plural]
            return {resource.answer_key: [resource.wire(resource.named(instance_id))]}

    def add(self, plural: str, body: dict) -> dict:
        with self.store.transaction():
            resource = self.store.resources[plural]
            return {resource.answer_key: [resource.wire(resource.add(body))]}

    def patch(self, plural: str, instance_id: str, body: dict) -> dict:
        with self.store.transaction():
            resource = self.store.resources[plural]
            return {resource.answer_key: [resource.wire(resource.patch(instance_id, body))]}

    def drop(self, plural: str, instance_id: str) -> None:
        with self.store.transaction():
            resource = self.store.resources[plural]
            resource.delete(resource.named(instance_id)["id"])

    def drop_matching(self, plural: str, query: Mapping[str, list[str]], limit: int | None) -> int:
        with self.store.transaction():
            resource = self.store.resources[plural]
            rows = resource.matching(query, limit, wire=False)
            for row in rows:
                if row["id"] in resource.table.rows:  # a vertex's edges go with it
                    resource.delete(row["id"])
            return len(rows)


class Instances(Resource):
    """What graph vertices and edges share: a string id unique in the kind (the name index),
    lookups by it, the list/drop filters and the answer shape `{answer_key: [instance]}`."""

    answer_key = ""  # "vertices": the key every graph API answer holds the instances under
    noun = ""  # "vertex": in messages
    schemas = ""  # the AB API kind declaring the labels: "vertices" or "edges"
    list_query = ()

    def instance_id(self, row: dict) -> str:
        return str(self.name_key(row))

    def wire(self, row: dict) -> dict:
        """The instance as the graph API answers it."""
        raise NotImplementedError

    def check_name(self, fields: dict, own_id: int | None = None) -> None:
        key = self.name_key(fields)
        holder = self.table.ids_by_name.get(key)
        if holder is not None and holder != own_id:
            raise Conflict(f"id: {self.noun} {key!r} already exists")

    def named(self, instance_id: str) -> dict:
        found = self.table.ids_by_name.get(instance_id)
        if found is None:
            raise NotFound(f"{self.noun} {instance_id!r} does not exist")
        return self.table.rows[found]

    def matching(self, query: Mapping[str, list[str]], limit: int | None, wire: bool) -> list[dict]:
        test = matcher(query, ("limit", "mode"))
        found: list[dict] = []
        for row in self.table.rows.values():
            if limit is not None and len(found) >= limit:
                break
            if test(row["properties"]):
                found.append(self.wire(row) if wire else row)
        return found

    def declared(self, label: str) -> dict[str, str]:
        """The properties the label's schema declares; no schema of that label: 400."""
        schemas = self.store.resources[self.schemas].table
        found = schemas.ids_by_name.get(label)
        if found is None:
            raise FieldError("label", f"no {self.noun} schema is labelled {label!r} ({self.schemas} of the AB API)")
        return schemas.rows[found]["properties"]

    def conformed(self, fields: dict) -> dict:
        """`fields` checked against the label's schema (the graph API's writes only: a seed
        or state file is checked for shape alone, so a state whose schemas changed since
        still loads)."""
        declared = self.declared(fields["label"])
        return {**fields, "properties": conform(declared, fields["properties"], f"{self.noun} {fields['label']!r}")}

    def add(self, body: dict) -> dict:
        return self.insert(self.conformed(self.fields(body, None)))

    def patch(self, instance_id: str, body: dict) -> dict:
        row = self.named(instance_id)
        if body.get("properties") is None:
            raise FieldError("properties", "is required")
        values = property_values(body)
        declared = self.declared(row["label"])
        merged = conform(declared, values, f"{self.noun} {row['label']!r}", held=row["properties"])
        self.touch(row, {"properties": merged})
        return row

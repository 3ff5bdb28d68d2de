"""Bodies derived from what the resources declare (`store.resources`, the route table), so the
state machine and the bad-input matrix cover a kind registered later with no edit here:
schema-valid bodies drawn from `Resource.body_schema`, the same bodies broken one field at a
time, and the POST/PUT routes that take a resource's body.

A nested resource (one created inside its parent, like a bucket: it has `create_in`) has no
flat `Store.create`; the state machine leaves it to its own rules and the matrix reaches it
through its routes."""
import copy
import re

import jsonschema_rs
from hypothesis import find, strategies as st

from mls_mock.api import routes_for
from mls_mock.openapi_schemas import title

USER = "breaker"  # breaking_support.USER: the account requests go as, unless a record's owner
HUGE = "x" * 100_000  # far past any declared maxLength, far below the body limit
# One value of each JSON type, for "the wrong type": the first whose type differs from the
# good value's and which the field's schema refuses.
WRONG_TYPES = ({"x": 1}, ["x"], "x", 7, True, 2.5)
SEED_ONLY = ("id", "created_at", "updated_at", "user")


def flat_plurals(store, leave_out=()) -> list[str]:
    """Resources with a flat create/update/delete in the store (`Store.create(plural, ...)`)
    that takes the body `body_schema` describes. Models are left to their routes: their
    store create is the store's way in (any field as stored), the client's body goes
    through `create_from_client` (the bad-bodies matrix and tests/http cover it)."""
    return [
        plural
        for plural, resource in store.resources.items()
        if plural not in leave_out
        and resource.body_schema
        and not hasattr(resource, "create_in")
        and not hasattr(resource, "create_from_client")
    ]


_STRATEGIES: dict[int, st.SearchStrategy] = {}
# Few names, so that drawn bodies collide (409) as often as they differ.
NAMES = st.sampled_from(["alpha", "beta", "채널", "x" * 20]) | st.text("ab한 _-.1", min_size=1, max_size=12)
STAMPS = st.sampled_from(["2026-01-01T00:00:00+00:00", "2026-01-02T09:30:00.123456+09:00"])
SMALL = st.none() | st.booleans() | st.integers(-3, 3) | st.text("ab1", max_size=4)
BY_TYPE = {
    "null": lambda schema: st.none(),
    "boolean": lambda schema: st.booleans(),
    "integer": lambda schema: _integers(schema),
    "number": lambda schema: _integers(schema) | st.floats(-1e6, 1e6, allow_nan=False),
    "string": lambda schema: _strings(schema),
    "array": lambda schema: _arrays(schema),
    "object": lambda schema: _objects(schema),
}


def _integers(schema: dict) -> st.SearchStrategy:
    low, high = schema.get("minimum", -(2**31)), schema.get("maximum", 2**31)
    return st.integers(low, min(high, low + 4) if low > -(2**31) else high) | st.integers(low, high)


def _strings(schema: dict) -> st.SearchStrategy:
    if schema.get("format") == "date-time":
        return STAMPS
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", low + 12)
    plain = st.text("ab한 _1", min_size=low, max_size=min(high, low + 12))
    if low <= 1:
        plain = NAMES.filter(lambda text: len(text) <= high) | plain
    if "pattern" in schema and not jsonschema_rs.is_valid(schema, "a" * max(low, 1)):
        # a pattern the small alphabet misses: draw from the pattern itself
        plain = st.from_regex(schema["pattern"], fullmatch=True).filter(lambda text: low <= len(text) <= high)
    return plain


def _arrays(schema: dict) -> st.SearchStrategy:
    items = drawn(schema.get("items", {}))
    size = {"min_size": schema.get("minItems", 0), "max_size": min(schema.get("maxItems", 3), 3)}
    if schema.get("uniqueItems"):
        return st.lists(items, unique_by=repr, **size)
    return st.lists(items, **size)


def _objects(schema: dict) -> st.SearchStrategy:
    properties = schema.get("properties", {})
    required = [field for field in schema.get("required", []) if field in properties]
    return st.fixed_dictionaries(
        {field: drawn(properties[field]) for field in required},
        optional={field: drawn(sub) for field, sub in properties.items() if field not in required},
    )


def _merged(parts: tuple) -> object:
    if all(isinstance(part, dict) for part in parts):
        return {key: value for part in parts for key, value in part.items()}
    return parts[0]


def _beside(schema: dict, key: str) -> list[dict]:
    """The branches of `schema[key]`, each with the keywords beside it folded in (a branch
    narrows them: {"type": "array", "anyOf": [{"items": {...}}]})."""
    rest = {name: value for name, value in schema.items() if name != key}
    folded = []
    for branch in schema[key]:
        both = dict(rest)
        for name, value in branch.items():
            both[name] = {**both[name], **value} if isinstance(both.get(name), dict) and isinstance(value, dict) else value
        folded.append(both)
    return folded


def drawn(schema) -> st.SearchStrategy:
    """Values for the JSON Schema subset the resources' schemas use, small and quick to draw,
    aimed at collisions (few names, low ids); `valid_bodies` keeps only the valid ones."""
    if not isinstance(schema, dict) or not schema:
        return SMALL
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "allOf" in schema:
        return st.tuples(*(drawn(part) for part in schema["allOf"])).map(_merged)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([drawn(branch) for branch in _beside(schema, key)])
    kinds = schema.get("type")
    if kinds is None:
        kinds = "object" if "properties" in schema else None
    if kinds is None:
        return SMALL
    kinds = [kinds] if isinstance(kinds, str) else kinds
    return st.one_of([BY_TYPE[kind](schema) for kind in kinds])


def valid_bodies(schema: dict) -> st.SearchStrategy:
    """Bodies `schema` calls valid: drawn by `drawn`, kept when the schema's validator agrees."""
    found = _STRATEGIES.get(id(schema))
    if found is None:
        validator = jsonschema_rs.validator_for(schema)
        found = _STRATEGIES[id(schema)] = drawn(schema).filter(validator.is_valid)
    return found


def _json_type(value) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    return {dict: "object", list: "array", str: "string", int: "number", float: "number"}[type(value)]


def top_level(schema: dict, body: dict) -> tuple[list[str], dict[str, dict]]:
    """(required fields, field -> schema) of the top level of `schema` as it applies to
    `body`: through `allOf`, and the `oneOf`/`anyOf` branches `body` satisfies."""
    required = list(schema.get("required", []))
    properties = dict(schema.get("properties", {}))
    branches = list(schema.get("allOf", []))
    for key in ("oneOf", "anyOf"):
        branches += [branch for branch in schema.get(key, []) if jsonschema_rs.is_valid(branch, body)]
    for branch in branches:
        more_required, more_properties = top_level(branch, body)
        required += [field for field in more_required if field not in required]
        for field, field_schema in more_properties.items():
            properties[field] = {"allOf": [properties[field], field_schema]} if field in properties else field_schema
    return required, properties


def breakages(schema: dict, body: dict) -> list[tuple[str, str, dict]]:
    """(how, field, body) for `body` broken at one top-level field, each one `schema` refuses:
    a required field missing, a field of the wrong JSON type, null, a huge string."""
    found = []
    required, properties = top_level(schema, body)
    for field in required:
        if field in body:
            found.append(("missing", field, {k: v for k, v in body.items() if k != field}))
    for field, field_schema in properties.items():
        good = body.get(field)
        wrong = next(
            (
                value
                for value in WRONG_TYPES
                if _json_type(value) != _json_type(good) and not jsonschema_rs.is_valid(field_schema, value)
            ),
            None,
        )
        for how, value in (("wrong_type", wrong), ("null", None), ("huge", HUGE)):
            if how == "wrong_type" and wrong is None:
                continue
            broken = {**body, field: copy.deepcopy(value)}
            if not jsonschema_rs.is_valid(schema, broken):
                found.append((how, field, broken))
    return found


def body_routes(store) -> list[tuple]:
    """(route, resource) for every served POST/PUT route whose body is a resource's body."""
    by_body = {f"{title(resource)}Body": resource for resource in store.resources.values()}
    return [
        (route, by_body[route.body])
        for route in routes_for(store)
        if route.method in ("POST", "PUT") and route.body in by_body and route.tag != "unfaked"
    ]


_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def good_request(route, resource, document: dict, resources: dict) -> tuple[str, dict, dict, str] | None:
    """(path, body, world, user) of a request the route accepts from `user` in a store loaded
    with `world`, from the first record of the resource's kind in the seed `document`
    (`resources`: the store's, in load order): a PUT replaces that record with its own fields in the whole document; a POST
    sends them to the document without that kind and the kinds loaded after it (which alone
    may refer to it), so no unique field is taken. None when the document holds no record of
    that kind. The user is the owner (`creator`, else `user`) of the last record the path
    names, if it has one: some records are their owner's alone."""
    kinds = list(resources)
    records = document.get(resource.plural) or []
    if not records:
        return None
    record = records[0]
    world = {kind: document[kind] for kind in kinds if kind in document}
    if route.method == "POST":
        world = {kind: world[kind] for kind in kinds[: kinds.index(resource.plural)] if kind in world}
    source = resource.body_of(record)  # a record spelled as its create body
    probe = {key: value for key, value in source.items() if key not in SEED_ONLY}
    properties = top_level(resource.body_schema, probe)[1]
    body = {key: copy.deepcopy(value) for key, value in source.items() if key in properties and key not in SEED_ONLY}
    required = top_level(resource.body_schema, body)[0]
    for key in list(body):  # a field the seed spells otherwise than a body (a list for a string)
        if not jsonschema_rs.is_valid(properties[key], body[key]):
            if key in required:
                body[key] = find(drawn(properties[key]), jsonschema_rs.validator_for(properties[key]).is_valid)
            else:
                del body[key]

    by_kind = {other.kind: plural for plural, other in resources.items()}
    owners = []

    def fill(match) -> str:
        name = match.group(1)
        if name == f"{resource.kind}_id":
            owners.append(record)
            return str(record["id"])
        parent = record.get(name) if name in record else record.get(name.removesuffix("_id"))
        if parent is None:
            raise LookupError(f"{route.method} {route.rule}: no {name} in {resource.plural}[0] of the seed")
        plural = by_kind.get(name.removesuffix("_id"))
        owners.extend(r for r in document.get(plural, []) if r.get("id") == parent)
        return str(parent)

    path = _PARAMETER.sub(fill, route.rule)
    owner = next((o.get("creator") or o.get("user") for o in reversed(owners) if o.get("creator") or o.get("user")), None)
    return path, body, world, owner if isinstance(owner, str) else USER

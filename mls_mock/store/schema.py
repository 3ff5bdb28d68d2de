"""JSON Schema pieces for the resources' `body_schema`, `record_schema` and `seed_schema`.

Each piece states the rule `validation` applies (name characters, limits), taken from the
code that applies it, so a body /openapi.json calls valid is accepted. Plain dicts, no refs:
whoever publishes them may name and share them.
"""

from typing import Any

from .. import assumptions
from ..validation import CONTROL_CHARS, TIMESTAMP


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def obj(required: list[str], properties: dict[str, dict], extra: bool = True) -> dict:
    schema: dict[str, Any] = {"type": "object", "required": required, "properties": properties}
    if not extra:
        schema["additionalProperties"] = False
    return schema


# The characters `str.strip()` removes; none lies above U+3000.
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_CONTROL = CONTROL_CHARS.pattern[1:-1]  # the class validation.name refuses, e.g. \x00-\x1f\x7f
_SPACE_CLASS = "".join(f"\\u{ord(c):04x}" for c in SPACES if not CONTROL_CHARS.match(c))
# validation.name: no control character, and not only spaces.
NAME_PATTERN = f"^[^{_CONTROL}]*[^{_CONTROL}{_SPACE_CLASS}][^{_CONTROL}]*$"

ID = {"type": "integer", "minimum": 1, "maximum": assumptions.MAX_ID}
IDS = {**array(ID), "uniqueItems": True}
NAME = {
    "type": "string",
    "minLength": 1,
    "maxLength": assumptions.MAX_NAME_LENGTH,
    "pattern": NAME_PATTERN,
    "description": f"1 to {assumptions.MAX_NAME_LENGTH} characters, no control characters, not only spaces",
}
# validation.url_name: a name sktmls puts in a runtime API's URL as it is.
URL_NAME = {
    **NAME,
    "not": {"anyOf": [{"pattern": "[/?#%\\\\]"}, {"enum": [".", ".."]}]},
    "description": f"1 to {assumptions.MAX_NAME_LENGTH} characters, no control characters, not only spaces, "
    "none of / ? # % \\, not . or .. (it travels in a URL)",
}
STRING = {"type": "string"}
TEXT = nullable(STRING)
ANY: dict = {}
STAMP = {"type": "string", "format": "date-time"}
STAMP_IN = {
    "type": "string",
    "format": "date-time",
    "pattern": f"^{TIMESTAMP.pattern}$",
    "description": "RFC 3339 with an offset (upper-case Z), kept as written",
}
# Fields every seed record may carry, whatever its kind (see seeding.load_record).
SEEDED = {"id": nullable(ID), "created_at": nullable(STAMP_IN), "updated_at": nullable(STAMP_IN), "user": TEXT}
STAMPS = {"created_at": STAMP, "updated_at": STAMP}

"""The dashboard's answers: its pages rendered with jinja2 (autoescaping on: every name in
the store is user data) and its static files, all shipped in the package, each with a
Content-Security-Policy that lets the page load nothing but what this server serves."""

from importlib import resources

import jinja2

from ..wire import Reply
from . import PREFIX

# No inline script or style anywhere (the ratio bars are SVG attributes, not style), so
# nothing weaker than 'self' is needed; no frame may embed the controls.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
]
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

_environment: jinja2.Environment | None = None
_static: dict[str, bytes] = {}


def environment() -> jinja2.Environment:
    """Built on the first page asked for, not on import: the plugin loads no template."""
    global _environment
    if _environment is None:
        _environment = jinja2.Environment(
            loader=jinja2.PackageLoader("mls_mock.ui", "templates"),
            autoescape=True,  # every template, whatever its name
            undefined=jinja2.StrictUndefined,  # a typo in a template fails its test, not silently
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _environment.globals["prefix"] = PREFIX
    return _environment


def page(template: str, status: int = 200, **context) -> Reply:
    body = environment().get_template(template).render(**context).encode("utf-8")
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),  # state changes under it
        *SECURITY_HEADERS,
    ]
    return Reply(status, headers, body)


def static(name: str) -> Reply | None:
    """A file of ui/static by its plain name, or None when there is none."""
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in STATIC_TYPES or "/" in name or name.startswith("."):
        return None
    data = _static.get(name)
    if data is None:
        path = resources.files("mls_mock.ui").joinpath("static", name)
        if not path.is_file():
            return None
        data = _static[name] = path.read_bytes()
    headers = [("Content-Type", STATIC_TYPES[suffix]), ("Content-Length", str(len(data))), *SECURITY_HEADERS]
    return Reply(200, headers, data)

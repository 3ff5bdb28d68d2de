"""The dashboard at /_mock/ui: HTML pages of the fake's set-up and traffic, and its controls,
served by the same dispatcher and pipeline as the API and left out of /openapi.json
(`documented=False`: pages for people, not operations for API clients).

Every page reads state, never writes it: the controls call the admin API from the page's
JavaScript, with the admin token the person typed. When the server has an admin token, the
pages that show state are behind it like `GET /_mock/state` and `/_mock/calls` (else the
dashboard would show what the token hides): without it they answer 401 with a form for the
token, which the page keeps in memory and sends as `X-Admin-Token`. Static files reveal
nothing and are open."""

from ..errors import NotFound, Unauthorized
from ..pipeline import check_admin_token
from ..route import Routes
from ..seeds import available_seeds
from ..ui import render, views
from ..wire import page, text

routes = Routes()
PAGE = {"q": text, "page": page}
HTML = {"documented": False, "raw": True, "tag": "ui"}


def _locked(req):
    """The token form when the server has a token and the request lacks it, else None.
    Checked before a page reads the store: a refused request must cost nothing."""
    if req.state.admin_token:
        try:
            check_admin_token(req)
        except Unauthorized as error:
            return render.page(
                "locked.html", 401, title="Locked", view="locked", token_required=True, message=str(error)
            )
    return None


def _page(req, template: str, title: str, **context):
    return render.page(template, title=title, token_required=bool(req.state.admin_token), **context)


@routes("GET", "/_mock/ui", summary="Dashboard: channels, experiments and their buckets drawn", query=PAGE, **HTML)
def setup_page(req, q: str | None = None, page: int = 1):
    return _locked(req) or _page(req, "setup.html", "Set-up", view="setup", **views.setup(req.store, q, page))


@routes("GET", "/_mock/ui/records", summary="Dashboard: every kind of record and how many", **HTML)
def kinds_page(req):
    return _locked(req) or _page(req, "kinds.html", "Records", view="kinds", counts=views.counts(req.store))


@routes(
    "GET", "/_mock/ui/records/<kind>", summary="Dashboard: one kind's records, paged, with search", query=PAGE, **HTML
)
def table_page(req, kind: str, q: str | None = None, page: int = 1):
    locked = _locked(req)
    if locked:
        return locked
    if kind not in req.store.resources:
        return _missing(req, f"no kind of record named {kind!r}")
    return _page(req, "table.html", kind, view="table", **views.table(req.store, kind, q, page))


@routes("GET", "/_mock/ui/records/<kind>/<int:record_id>", summary="Dashboard: a record as the API answers it", **HTML)
def record_page(req, kind: str, record_id: int):
    locked = _locked(req)
    if locked:
        return locked
    if kind not in req.store.resources:
        return _missing(req, f"no kind of record named {kind!r}")
    try:
        found = views.record(req.store, kind, record_id)
    except NotFound as error:
        return _missing(req, error.message)
    return _page(req, "record.html", f"{found['kind']} {record_id}", view="record", **found)


@routes("GET", "/_mock/ui/traffic", summary="Dashboard: the journal, newest first, live", **HTML)
def traffic_page(req):
    return _locked(req) or _page(req, "traffic.html", "Traffic", view="traffic")


@routes("GET", "/_mock/ui/controls", summary="Dashboard: faults, reset, seed sets", **HTML)
def controls_page(req):
    return _locked(req) or _page(
        req, "controls.html", "Controls", view="controls", faults=views.faults(req.state), seeds=available_seeds()
    )


@routes("GET", "/_mock/ui/static/<name>", summary="Dashboard: its script and style sheet", **HTML)
def static_file(req, name: str):
    found = render.static(name)
    if found is None:
        raise NotFound(f"no dashboard file named {name!r}")
    return found


def _missing(req, message: str):
    """A 404 page, behind the token like the rest: whether a record exists is state too."""
    return _locked(req) or _page(req, "missing.html", "Not found", view="missing", message=message)._replace(status=404)

"""Data status (`StatusClient`): read over the AB API, set by tests under /_mock/."""

from .. import assumptions
from ..openapi_schemas import obj, ref
from ..route import Routes
from ..store.data_status import ENTRIES, SOURCES
from ..wire import body, choice, text

routes = Routes()
MOCK_ENTRIES = "/_mock/data_status"


def _answer(source: str) -> dict:
    statuses = {"type": "object", "additionalProperties": ENTRIES}
    if source == "batch":
        statuses["required"] = list(assumptions.BATCH_JOB_STATUSES)
    return obj([source], {source: statuses})


def _reader(source: str):
    def read(req):
        return req.store.data_status(source)

    read.__name__ = f"{source}_status"
    return read


for _source in SOURCES:
    routes(
        "GET",
        f"/api/v1/data_status/{_source}",
        summary=f"{_source} status by {'job status' if _source == 'batch' else 'table'} (empty until set)",
        results=_answer(_source),
    )(_reader(_source))


@routes(
    "PUT",
    MOCK_ENTRIES,
    admin=True,
    saves=True,
    body="DataStatusBody",
    summary="Set one entry of a data status (source s3|batch|dynamodb; name: a table, or a batch job status)",
    results=ref("DataStatus"),
)
def mock_set_data_status(req):
    entry = body(req)
    return req.store.set_data_status(entry.get("source"), entry.get("name"), entry.get("status"))


@routes(
    "DELETE",
    MOCK_ENTRIES,
    admin=True,
    saves=True,
    query={"source": choice(*SOURCES), "name": text},
    summary="Remove the data status entries of `source` and `name` (each left out: any)",
    results=obj(["removed"], {"removed": {"type": "integer", "minimum": 0}}),
    refusals={404: "`name` matches no entry"},
)
def mock_delete_data_status(req, source=None, name=None):
    return {"removed": req.store.delete_data_status(source, name)}

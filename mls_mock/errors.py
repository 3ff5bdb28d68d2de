"""Domain errors. The store raises these; one handler in the HTTP layer turns each into the
client's JSON envelope, so no HTTP type ever appears in domain code."""


class MLSMockError(Exception):
    status = 500
    headers: dict = {}

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequest(MLSMockError):
    status = 400


class FieldError(BadRequest):
    """A body field, query parameter or seed field is missing, mistyped or invalid."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field


class Unauthorized(MLSMockError):
    status = 401
    headers = {"WWW-Authenticate": 'Basic realm="mls-mock"'}  # what HTTP clients expect with a 401


class Forbidden(MLSMockError):
    status = 403


class ServiceUnavailable(MLSMockError):
    status = 503


class NotFound(MLSMockError):
    status = 404

    @classmethod
    def record(cls, kind: str, record_id) -> "NotFound":
        return cls(f"{kind} {record_id} does not exist")


class Conflict(MLSMockError):
    status = 409


class UnsupportedMediaType(MLSMockError):
    status = 415


class SeedError(MLSMockError):
    """A seed document is malformed; the message names the source, the record and the field."""

    status = 400


class MethodNotAllowed(MLSMockError):
    """The path exists, the method does not; `Allow` lists the methods that do."""

    status = 405

    def __init__(self, message: str, allowed=()):
        super().__init__(message)
        self.headers = {"Allow": ", ".join(allowed)} if allowed else {}


class PayloadTooLarge(MLSMockError):
    status = 413


class NotFaked(MLSMockError):
    """A route the sktmls client calls that the fake does not serve yet. 501, never 404:
    the client reads 404 as "no such record", so `meta_table_exists()` would quietly say
    False."""

    status = 501


class UsageError(Exception):
    """A bad command-line flag value or file: reported in one line, exit status 2, nothing
    started. Not a domain error: here so that every command's module can raise it without
    importing the CLI that runs it."""

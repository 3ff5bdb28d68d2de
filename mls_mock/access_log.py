"""The access log of `mls-mock serve`, as WSGI middleware: one line per request on the
`mls_mock.access` logger."""

import logging
import re
import time

access_log = logging.getLogger("mls_mock.access")


class AccessLog:
    """One line per request, after the body is sent: waitress itself logs no access."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        seen = {}

        def record_status(status, headers, exc_info=None):
            seen["status"] = status.partition(" ")[0]
            return start_response(status, headers, exc_info)

        return _Logged(self.app(environ, record_status), environ, seen, started)


class _Logged:
    __slots__ = ("body", "environ", "seen", "started", "size")

    def __init__(self, body, environ, seen, started):
        self.body, self.environ, self.seen, self.started, self.size = body, environ, seen, started, 0

    def __iter__(self):
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            if access_log.isEnabledFor(logging.INFO):
                env = self.environ
                query = env.get("QUERY_STRING")
                # Decoded, the path may hold a newline or other control characters: escaped, so
                # no request can write a line of its own into the log.
                target = _printable(env.get("PATH_INFO", "") + (f"?{query}" if query else ""))
                access_log.info(
                    '%s "%s %s %s" %s %d %.1fms',
                    env.get("REMOTE_ADDR", "-"),
                    _printable(env.get("REQUEST_METHOD", "")),
                    target,
                    env.get("SERVER_PROTOCOL"),
                    self.seen.get("status", "-"),
                    self.size,
                    (time.perf_counter() - self.started) * 1000,
                )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)

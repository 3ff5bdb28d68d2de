"""Serving the fake on a real port: waitress (a production WSGI server, multi-threaded, pure
Python) in a background thread (`ServerThread`), and `LiveServer`, the one running-server
handle the CLI (`serve`), the plugin (`mls_live_server`) and the tests use.

waitress's defaults are set for a server behind a proxy; this one faces its clients
directly, so the limits on what a connection may hold are set here (see `ServerThread`).
"""

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask

from . import assumptions
from .host_check import AllowedHosts, HostCheck
from .hosts import api_urls
from .ui import PREFIX as UI_PREFIX
from .wire import envelope

try:
    import resource
except ImportError:  # Windows: no RLIMIT_NOFILE to raise
    resource = None  # type: ignore[assignment]  # mypy's idiom for an optional module

# waitress's own limit is 100: one more idle client and every request waits, even health.
DEFAULT_CONNECTION_LIMIT = 1000
# An idle (or stalled) connection is closed after this long; waitress's default is 120 s.
DEFAULT_CHANNEL_TIMEOUT = 30
# sktmls sends a few hundred bytes of headers; waitress accepts 256 KB per connection.
MAX_HEADER_BYTES = 64 * 1024
# A body being received is held in memory up to this size, then spooled to a temp file
# (waitress's default is 512 KB per connection: 1,000 stalled uploads would be 500 MB).
BODY_MEMORY_BYTES = 64 * 1024
# File descriptors a connection may use at once: its socket, a spooled body, a spooled answer.
FDS_PER_CONNECTION = 3
FDS_RESERVED = 64  # listeners, the loop's trigger, the state file and its lock, logs


class LiveServer:
    """A fake on a real socket: `.url`, `.port`, `.urls` (each API's base URL), `.state` (its `AppState`: `.store`,
    `.journal`, `.faults`, `.state_file` are also read straight off the server), `.mock`
    (the `MLSMock` it serves, when there is one), `stop()`.

    `app` is what `create_app` returned (or `MLSMock.app`); `wrap`, when given, wraps what is
    served (the CLI's access log). Only the Host names `allowed_hosts` (`--allowed-host`)
    and the bound address allow are answered (`host_check.py`: DNS rebinding). start() binds at once (a taken
    port fails in the caller) and returns once the socket listens; stop() may be called from
    any thread, any number of times: the first one stops the server, and `stopping` is set
    for whoever waits on it (the CLI's main loop)."""

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        mock=None,
        wrap: Callable | None = None,
        allowed_hosts: Iterable[str] = (),
        **options,
    ):
        self.app, self.state, self.mock = app, app.state, mock
        self.allowed_hosts = AllowedHosts(host, allowed_hosts)
        served = HostCheck(app, app.state, self.allowed_hosts)
        self.thread = ServerThread(wrap(served) if wrap is not None else served, host=host, port=port, **options)
        # A delay fault sleeps in a server thread: at most all threads but one sleep at once,
        # so /_mock/health, the admin API (to remove the fault) and other calls keep a thread.
        self.state.delay_slots = threading.BoundedSemaphore(max(1, self.thread.threads - 1))
        self.stopping = threading.Event()
        self.stop_reason = "stop()"
        self._stop_lock = threading.RLock()  # a signal handler may stop it from inside stop()
        self._stopped = False

    @property
    def url(self) -> str:
        return self.thread.url

    @property
    def ui_url(self) -> str:
        """The dashboard (api/ui.py)."""
        return self.thread.url + UI_PREFIX

    @property
    def port(self) -> int:
        return self.thread.port

    @property
    def urls(self) -> dict[str, str]:
        """Each MLS API's base URL on this server, by sktmls config key
        (`MLS_RECOMMENDATION_API_URL`: `<url>/rec`, ...; `hosts.MOUNTS`)."""
        return api_urls(self.url)

    @property
    def store(self):
        return self.state.store

    @property
    def journal(self):
        return self.state.journal

    @property
    def faults(self):
        return self.state.faults

    @property
    def state_file(self):
        return self.state.state_file

    def start(self) -> "LiveServer":
        self.thread.start()
        return self

    def stop(self, reason: str = "stop()") -> None:
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
            self.stop_reason = reason
        try:
            self.thread.stop()
            with self.store.lock:  # a change still being saved finishes first
                pass
        finally:
            self.stopping.set()

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<mls-mock live server {self.url}>"


class ServerThread:
    """`app` served on `host:port` (port 0 picks a free one; `.port` tells which).

    start() binds in the caller's thread (a taken port fails at once) and returns once the
    socket listens. stop() is what a service should do: stop accepting, let requests in
    flight finish, then close idle keep-alive connections, which would otherwise keep
    waitress's loop alive. Errors raised by the serving loop are re-raised by stop().

    Up to `connection_limit` connections are served at once (more wait in the listen
    backlog); one silent for `channel_timeout` seconds is closed, and so is one whose request
    has not arrived whole that long after its first byte. A body over the app's
    limit is refused from its Content-Length, before it is read, and waitress's own
    refusals (bad HTTP, headers over MAX_HEADER_BYTES) are answered in the JSON envelope.
    poll() instead of select() lets the loop watch more than 1,024 sockets.
    """

    def __init__(
        self,
        app,
        host: str = "127.0.0.1",
        port: int = 0,
        threads: int = 8,
        connection_limit: int = DEFAULT_CONNECTION_LIMIT,
        channel_timeout: int = DEFAULT_CHANNEL_TIMEOUT,
        **options,
    ):
        self.app, self.host, self.requested_port, self.threads = app, host, port, threads
        self._options: dict[str, Any] = dict(
            threads=threads,
            connection_limit=connection_limit,
            channel_timeout=channel_timeout,
            # idle connections are looked for this often (waitress: every 30 s)
            cleanup_interval=max(1, min(30, channel_timeout // 2)),
            max_request_header_size=MAX_HEADER_BYTES,
            inbuf_overflow=BODY_MEMORY_BYTES,
            # waitress refuses a body *at* its limit; the API refuses only past it
            max_request_body_size=assumptions.MAX_BODY_BYTES + 1,
            asyncore_use_poll=True,
        )
        self._options.update(options)
        self._server: MultiSocketServer | BaseWSGIServer | None = None
        self._listeners: list[BaseWSGIServer] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def port(self) -> int:
        if not self._listeners:
            raise RuntimeError("the server is not started")
        # waitress reports it as a string (its stubs omit the attribute)
        return int(self._listeners[0].effective_port)  # type: ignore[attr-defined]

    @property
    def connection_limit(self) -> int:
        return self._options["connection_limit"]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> "ServerThread":
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        # waitress's idle poll stays at its 1 s default: stop() wakes the loop through its
        # trigger. (It reads the setting as an int: a 0.2 once here became 0, a busy loop.)
        server = self._server = create_server(
            self.app, host=self.host, port=self.requested_port, ident="mls-mock", **self._options
        )
        # One listener, or several when a name like "localhost" is both IPv4 and IPv6.
        self._map = _socket_map(server)
        self._listeners = [d for d in self._map.values() if isinstance(d, BaseWSGIServer)]
        for listener in self._listeners:
            listener.channel_class = EnvelopeChannel
        self._thread = threading.Thread(target=self._serve, name=f"mls-mock:{self.port}", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        assert self._server is not None  # start() set it before starting this thread
        try:
            self._server.run()
        except BaseException as error:  # kept for stop(); a socket closed at shutdown is expected
            self._error = error

    def _busy(self) -> bool:
        tasks = self._listeners[0].task_dispatcher
        return bool(
            tasks.active_count
            or tasks.queue
            or any(getattr(channel, "total_outbufs_len", 0) for channel in list(self._map.values()))
        )

    def _in_loop(self, thunk) -> None:
        """Run `thunk` inside waitress's loop, the one thread that may touch its sockets."""
        try:
            # waitress's stubs call the trigger an int; it is its loop's trigger object
            self._listeners[0].trigger.pull_trigger(thunk)  # type: ignore[attr-defined]
        except OSError:  # the loop is gone already
            pass

    def stop(self, grace: float = 5.0) -> None:
        if self._thread is None:
            return
        listeners = self._listeners

        def close_listeners() -> None:  # no new connections
            for listener in listeners:
                wasyncore.dispatcher.close(listener)

        self._in_loop(close_listeners)
        deadline = time.monotonic() + grace
        while self._busy() and time.monotonic() < deadline:
            time.sleep(0.01)
        self._in_loop(lambda: wasyncore.close_all(self._map))  # idle connections too: the loop ends
        self._thread.join(grace)
        # waitress's stubs want an int timeout; it adds it to time.time(), so a float is fine
        listeners[0].task_dispatcher.shutdown(cancel_pending=True, timeout=grace)  # type: ignore[arg-type]
        self._thread = None
        error, self._error = self._error, None
        if error is not None and not isinstance(error, (OSError, ValueError)):
            raise error

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _socket_map(server: MultiSocketServer | BaseWSGIServer) -> Mapping[int, Any]:
    """The loop's map of listeners and connections. create_server always makes one (its
    stubs allow a MultiSocketServer none, and omit a lone listener's `_map`)."""
    found = server.map if isinstance(server, MultiSocketServer) else server._map  # type: ignore[attr-defined]
    assert found is not None
    return found


class EnvelopeErrorTask(ErrorTask):
    """waitress's own refusals (malformed HTTP, headers or body too large), in the envelope
    every other answer uses instead of waitress's plain text."""

    def execute(self):
        # waitress hands the task its request parser, which holds the Error (its stubs: the Error)
        error = self.request.error  # type: ignore[attr-defined]
        if error.code == 413:  # the app's wording: the body is refused before it is read
            message = f"request body is larger than {assumptions.MAX_BODY_BYTES} bytes"
        else:
            message = f"{error.reason}: {error.body}"
        reply = envelope(None, error.code, message)
        self.status = f"{error.code} {error.reason}"
        # a list at run time; waitress's stubs say Sequence
        self.response_headers.extend(  # type: ignore[attr-defined]
            (name, value) for name, value in reply.headers if name != "Content-Length"
        )
        self.set_close_on_finish()
        self.content_length = len(reply.body)
        self.write(reply.body)


class EnvelopeChannel(HTTPChannel):
    """A connection whose request must arrive whole within `channel_timeout` of its first
    byte: waitress only closes connections silent that long, so a client trickling a byte
    now and then would hold its connection (and, a thousand times over, the server) forever."""

    error_task_class = EnvelopeErrorTask
    request_began = 0.0

    def handle_read(self):
        if self.request is None:  # nothing partly received: these bytes begin a request
            self.request_began = time.monotonic()
        super().handle_read()
        if self.request is not None and time.monotonic() - self.request_began > self.adj.channel_timeout:
            self.will_close = True


def open_files_for(connection_limit: int) -> tuple[int, str | None]:
    """Make room for `connection_limit` connections in this process's open-file limit.

    Raises the soft RLIMIT_NOFILE toward the hard one when needed (a connection can use
    FDS_PER_CONNECTION descriptors; running out makes accept() fail in a loop). Returns the
    connection limit that fits, lowered if the hard limit is too small, and what was done
    (for the log), or None when nothing had to change."""
    if resource is None:
        return connection_limit, None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = connection_limit * FDS_PER_CONNECTION + FDS_RESERVED
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return connection_limit, None
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        target = soft
    if target >= needed:
        note = f"raised the open-files limit from {soft} to {target} for {connection_limit} connections"
        return connection_limit, note
    fitting = max(1, (target - FDS_RESERVED) // FDS_PER_CONNECTION)
    return fitting, (
        f"the open-files limit is {target} (hard limit {hard}); {connection_limit} connections "
        f"need {needed}: serving at most {fitting} connections (raise `ulimit -n` to allow more)"
    )

"""Serving an app on a real port: waitress (a production WSGI server, multi-threaded, pure
Python) in a background thread, for the plugin's live server and the CLI alike."""
import threading
import time
from typing import List, Optional

from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server


class ServerThread:
    """`app` served on `host:port` (port 0 picks a free one; `.port` tells which).

    start() binds in the caller's thread (a taken port fails at once) and returns once the
    socket listens. stop() is what a service should do: stop accepting, let requests in
    flight finish, then close idle keep-alive connections, which would otherwise keep
    waitress's loop alive. Errors raised by the serving loop are re-raised by stop().
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 8, **options):
        self.app, self.host, self.requested_port = app, host, port
        self._options = dict(threads=threads, **options)
        self._server = None
        self._listeners: List[BaseWSGIServer] = []
        self._thread: Optional[threading.Thread] = None
        self._error: Optional[BaseException] = None

    @property
    def port(self) -> int:
        if not self._listeners:
            raise RuntimeError("the server is not started")
        return int(self._listeners[0].effective_port)  # waitress reports it as a string

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> "ServerThread":
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        # waitress's idle poll stays at its 1 s default: stop() wakes the loop through its
        # trigger. (It reads the setting as an int: a 0.2 once here became 0, a busy loop.)
        self._server = create_server(self.app, host=self.host, port=self.requested_port, ident="mls-mock",
                                     **self._options)
        # One listener, or several when a name like "localhost" is both IPv4 and IPv6.
        self._map = self._server.map if hasattr(self._server, "map") else self._server._map
        self._listeners = [d for d in self._map.values() if isinstance(d, BaseWSGIServer)]
        self._thread = threading.Thread(target=self._serve, name=f"mls-mock:{self.port}", daemon=True)
        self._thread.start()
        return self

    def _serve(self):
        try:
            self._server.run()
        except BaseException as error:  # kept for stop(); a socket closed at shutdown is expected
            self._error = error

    def _busy(self) -> bool:
        tasks = self._listeners[0].task_dispatcher
        return bool(tasks.active_count or tasks.queue or
                    any(getattr(channel, "total_outbufs_len", 0) for channel in list(self._map.values())))

    def _in_loop(self, thunk) -> None:
        """Run `thunk` inside waitress's loop, the one thread that may touch its sockets."""
        try:
            self._listeners[0].trigger.pull_trigger(thunk)
        except OSError:  # the loop is gone already
            pass

    def stop(self, grace: float = 5.0) -> None:
        if self._thread is None:
            return
        listeners = self._listeners
        self._in_loop(lambda: [wasyncore.dispatcher.close(listener) for listener in listeners])  # no new connections
        deadline = time.monotonic() + grace
        while self._busy() and time.monotonic() < deadline:
            time.sleep(0.01)
        self._in_loop(lambda: wasyncore.close_all(self._map))  # idle connections too: the loop ends
        self._thread.join(grace)
        listeners[0].task_dispatcher.shutdown(cancel_pending=True, timeout=grace)
        self._thread = None
        error, self._error = self._error, None
        if error is not None and not isinstance(error, (OSError, ValueError)):
            raise error

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

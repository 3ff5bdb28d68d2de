"""Serving an app on a real port: waitress (a production WSGI server, multi-threaded, pure
Python) in a background thread, for the plugin's live server and the CLI alike."""
import threading
from typing import Optional

from waitress.server import create_server


class ServerThread:
    """`app` served on `host:port` (port 0 picks a free one; `.port` tells which).

    start() returns once the socket listens; stop() closes it and joins the thread. Errors
    raised by the serving loop are kept and re-raised by stop().
    """

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, threads: int = 8, **options):
        self.app, self.host, self.requested_port = app, host, port
        self._options = dict(threads=threads, **options)
        self._server = None
        self._thread: Optional[threading.Thread] = None
        self._error: Optional[BaseException] = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not started")
        return int(self._server.effective_port)  # waitress reports it as a string

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> "ServerThread":
        if self._thread is not None:
            raise RuntimeError("the server is already started")
        # Binding happens here, in the caller's thread: a taken port fails at once.
        self._server = create_server(self.app, host=self.host, port=self.requested_port, **self._options)
        self._thread = threading.Thread(target=self._serve, name=f"mls-mock:{self.port}", daemon=True)
        self._thread.start()
        return self

    def _close_all_sockets(self, timeout: float) -> None:
        """waitress's loop runs while any socket is open, so an idle keep-alive connection
        would hold stop() for a second or more; close them all from inside the loop (its
        trigger runs a callable there) before closing the listener."""
        closed = threading.Event()

        def close_everything():
            for channel in list(self._server._map.values()):
                if channel is not self._server.trigger:
                    channel.close()
            closed.set()

        try:
            self._server.trigger.pull_trigger(close_everything)
        except OSError:  # the loop is gone already
            return
        closed.wait(timeout)

    def _serve(self):
        try:
            self._server.run()
        except BaseException as error:  # kept for stop(); a closed socket ends run() quietly
            self._error = error

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        self._close_all_sockets(timeout)
        self._server.close()
        self._thread.join(timeout)
        self._thread = None
        error, self._error = self._error, None
        if error is not None and not isinstance(error, (OSError, ValueError)):
            raise error

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

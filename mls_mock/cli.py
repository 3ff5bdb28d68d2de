"""`mls-mock serve`: the fake as a standalone server, for notebooks, Airflow DAGs, services
in other languages and shared CI stages.

    mls-mock serve                       # http://127.0.0.1:8000, in memory
    mls-mock serve --seed demo --state mls-state.db --port 8123

`main(argv=None, on_ready=None)` is the whole command, callable in-process: `on_ready`
receives the running `server.LiveServer` (its `url`, `store`, `stop()`), which is how tests
drive it without signals.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

from . import cli_parser
from .access_log import AccessLog
from .app import create_app
from .assumptions import generous_switches
from .errors import SeedError, UsageError
from .hosts import API_NAMES, MOUNTS, api_urls
from .persistence import StateFile, StateFileError
from .seeds import read_seed
from .server import LiveServer, open_files_for
from .store import Store

log = logging.getLogger("mls_mock.serve")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    return cli_parser.build_parser(serve_command, point_command, openapi_command)


def main(argv: list[str] | None = None, on_ready: Callable[["Service"], None] | None = None) -> int:
    """Run the command; returns the exit status (0, or 2 for a usage or start-up error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # a bare `mls-mock` asks what it can do
        parser.print_help()
        return 0
    try:
        return args.run(args, on_ready) if args.command == "serve" else args.run(args)
    except UsageError as error:
        print(f"mls-mock: error: {error}", file=sys.stderr)
        return EXIT_USAGE


# ---- serve -------------------------------------------------------------------------------

Service = LiveServer  # what `on_ready` receives: stop() ends it as SIGTERM does


def serve_command(args, on_ready=None) -> int:
    undo_logging = _configure_logging(args.log_level)
    state_file = None
    try:
        if args.threads < 1:
            raise UsageError("--threads must be at least 1")
        if not 0 <= args.port <= 65535:
            raise UsageError("--port must be 0 to 65535")
        if args.connection_limit < 1:
            raise UsageError("--connection-limit must be at least 1")
        if args.channel_timeout < 1:
            raise UsageError("--channel-timeout must be at least 1 second")
        for name in args.allowed_host:
            given = name.strip()
            with_port = given.count(":") == 1 and not given.startswith("[")  # any port is answered
            star_glob = given.startswith("*") and given != "*"  # `.example.com` says it
            if given in ("", ".") or any(char in name for char in "/@ \t") or with_port or star_glob:
                raise UsageError(
                    f"--allowed-host {name!r}: a host name without a port (every port is answered), "
                    ".domain (it and every name under it) or *"
                )
        users = _read_users(args.users) if args.users else None
        token = args.admin_token if args.admin_token is not None else os.environ.get("MLS_MOCK_ADMIN_TOKEN")
        store = Store(generous=_generous(args.generous))
        seed = _read_seed(args.seed) if args.seed else None
        if args.fsync and not args.state:
            raise UsageError("--fsync needs --state FILE (in memory there is nothing to flush)")
        state_file, origin = _open_state(args, store, seed) if args.state else (None, "an empty store")
        if seed is not None and state_file is None:
            _load_seed(store, seed)
            origin = f"seed {seed[1]}"
        app = create_app(store, users=users, journal_bytes=args.journal_bytes, admin_token=token, state_file=state_file)
        connection_limit, files_note = open_files_for(args.connection_limit)
        if files_note:
            (log.warning if connection_limit < args.connection_limit else log.info)("%s", files_note)
        try:
            service = LiveServer(
                app,
                host=args.host,
                port=args.port,
                wrap=AccessLog,
                allowed_hosts=args.allowed_host,
                threads=args.threads,
                connection_limit=connection_limit,
                channel_timeout=args.channel_timeout,
            ).start()
        except OSError as error:
            raise UsageError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
        return _run(service, args, users, token, origin, on_ready)
    finally:
        if state_file is not None:
            state_file.close()
        undo_logging()


def _run(service: Service, args, users, token, origin: str, on_ready) -> int:
    restore_signals = _handle_signals(service)
    try:
        counts = service.store.counts()
        log.info(
            "serving the fake MLS APIs on %s (AB at the root; the others under %s) with waitress "
            "(%d threads, up to %d connections, idle ones "
            "closed after %d s); records: %s (from %s); state %s; credentials: %s; admin token: %s; "
            "Host names answered: %s; generous: %s",
            service.url,
            ", ".join(prefix for prefix in MOUNTS.values() if prefix),
            args.threads,
            service.thread.connection_limit,
            args.channel_timeout,
            _describe_counts(counts),
            origin,
            (f"saved to {service.state_file.path}" + (" (fsync per write)" if service.state_file.fsync else ""))
            if service.state_file
            else "in memory only",
            f"{len(users)} accounts from {args.users}" if users is not None else "any",
            "required" if token else "none",
            service.allowed_hosts.describe(),
            ", ".join(sorted(service.store.generous)) or "none",
        )
        # The first line is read by scripts (its last word is the URL): the dashboard goes second,
        # then each API's own base URL.
        apis = "".join(f"\n  {API_NAMES[key]}: {url}  ({key})" for key, url in api_urls(service.url).items())
        print(f"mls-mock listening on {service.url}\nmls-mock dashboard at {service.ui_url}{apis}", flush=True)
        if on_ready is not None:
            on_ready(service)
        while not service.stopping.wait(0.2):
            pass
    finally:
        service.stop(service.stop_reason)  # a no-op when stop() ended the loop
        restore_signals()
    log.info("stopped (%s)", service.stop_reason)
    return 0


def _describe_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "none"


def _handle_signals(service: Service) -> Callable[[], None]:
    """SIGINT and SIGTERM stop the service; only the main thread may install handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda n, _frame: service.stop(signal.Signals(n).name))

    def restore():
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def _configure_logging(level: str) -> Callable[[], None]:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    changed = []
    for name in ("mls_mock", "waitress"):
        logger = logging.getLogger(name)
        changed.append((logger, logger.level))
        logger.setLevel(level.upper())
        logger.addHandler(handler)

    def undo():
        for logger, old_level in changed:
            logger.removeHandler(handler)
            logger.setLevel(old_level)

    return undo


def _generous(values: list[str]) -> frozenset:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    try:
        return generous_switches(names)
    except ValueError as error:
        raise UsageError(f"--{error}") from None


def _read_users(path: str) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as file:
            users = json.load(file)
    except OSError as error:
        raise UsageError(f"--users {path}: {error.strerror}") from None
    except ValueError as error:
        raise UsageError(f"--users {path}: not valid JSON: {error}") from None
    if (
        not isinstance(users, dict)
        or not users
        or not all(isinstance(k, str) and k and isinstance(p, str) for k, p in users.items())
    ):
        raise UsageError(f'--users {path}: must be a non-empty JSON object {{"username": "password", ...}}')
    return users


def _read_seed(name_or_path: str):
    try:
        return read_seed(name_or_path)
    except SeedError as error:
        raise UsageError(f"--seed {error.message}") from None


def _load_seed(store: Store, seed) -> None:
    try:
        store.load(*seed)
    except SeedError as error:
        raise UsageError(f"--seed {error.message}") from None


def _open_state(args, store: Store, seed):
    try:
        state_file = StateFile(args.state, fsync=bool(args.fsync))
        found = state_file.attach(store, lambda: _load_seed(store, seed) if seed is not None else None)
    except StateFileError as error:
        raise UsageError(f"--state {error}") from None
    if state_file.given != state_file.path:
        log.info("--state %s leads to %s: saving there", state_file.given, state_file.path)
    if found and seed is not None:
        log.info("%s holds saved state: --seed %s not loaded", state_file.path, seed[1])
    return state_file, (
        f"state file {state_file.path}" if found else f"seed {seed[1]}" if seed is not None else "a new state file"
    )


# ---- point and openapi ---------------------------------------------------------------------


def point_command(args) -> int:
    """Rewrite sktmls's config in this process, then run the target in it like `python` would."""
    import runpy

    from .redirect import point_sktmls_at

    target = args.target[1:] if args.target[:1] == ["--"] else args.target
    if not target or target == ["-m"]:
        raise UsageError("point: give a script or -m MODULE to run, e.g. `mls-mock point URL -- job.py`")
    point_sktmls_at(args.url)
    if target[0] == "-m":
        sys.argv = target[1:]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = list(target)
        sys.path.insert(0, os.path.dirname(os.path.abspath(target[0])))
        runpy.run_path(target[0], run_name="__main__")
    return 0


def openapi_command(args) -> int:
    from . import openapi

    try:
        print(json.dumps(openapi.build(create_app().state), indent=2, ensure_ascii=False), flush=True)
    except BrokenPipeError:  # `mls-mock openapi | head` closed the pipe: not an error of ours
        sys.stdout = None  # nothing left to flush at exit
    return 0

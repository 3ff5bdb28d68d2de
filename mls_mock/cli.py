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

from .access_log import AccessLog
from .app import create_app
from .assumptions import GENEROUS, generous_switches
from .errors import SeedError, UsageError
from .hosts import API_NAMES, MOUNTS, api_urls
from .persistence import StateFile, StateFileError
from .seeds import available_seeds, read_seed
from .server import DEFAULT_CHANNEL_TIMEOUT, DEFAULT_CONNECTION_LIMIT, LiveServer, open_files_for
from .store import Store
from .traffic import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_ENTRIES, JOURNAL_BODY_CAP

log = logging.getLogger("mls_mock.serve")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_LEVELS = ("debug", "info", "warning", "error")
EXIT_USAGE = 2


# ---- the command line --------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mls-mock",
        description=(
            "A fake MLS (the AB, recommendation, profile, conversion tracking and graph APIs the sktmls "
            "client talks to), for tests and local work."
        ),
    )
    parser.add_argument("--version", action="version", version=_versions())
    commands = parser.add_subparsers(dest="command", title="commands")
    serve = commands.add_parser(
        "serve",
        help="serve the fake over HTTP",
        description="Serve the fake MLS APIs (the AB API at /api/v1/...; the recommendation, profile, "
        "conversion tracking and graph APIs under /rec, /pf, /ct and /graph), its admin API (/_mock/...) and "
        "/openapi.json with waitress, a multi-threaded production WSGI server. Stops cleanly on "
        "SIGINT/SIGTERM. Point sktmls clients at it with `python -m mls_mock point URL -- CMD` (every API "
        "at once) or, for AB API code using MLSENV.LOCAL unchanged, map ab.local.sktmls.com to 127.0.0.1 "
        "in /etc/hosts.",
        epilog="One access-log line per request goes to stderr at level info; the line "
        "'mls-mock listening on URL' goes to stdout once the port is bound, followed by one line per "
        "API naming its base URL.",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to bind; 0.0.0.0 exposes the fake (and its admin API) to the network (default: 127.0.0.1)",
    )
    serve.add_argument(
        "--allowed-host",
        metavar="NAME",
        action="append",
        default=[],
        help="answer requests whose Host header names NAME (repeatable; `.example.com`: it and every name "
        "under it; `*`: any name). Bound to a loopback address, only localhost, loopback addresses and "
        "these names are answered; bound to another address (0.0.0.0), any name unless this option narrows "
        "it. Other names get 403: a web page whose name was pointed at this address may not use the fake "
        "(DNS rebinding)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        help="TCP port; 8000 is the port of sktmls's LOCAL env URL, 0 picks a free one "
        "(read it from the 'listening on' line) (default: 8000)",
    )
    serve.add_argument(
        "--seed",
        metavar="NAME|PATH",
        help="records to start with: a set shipped in fixtures/ (%s) or a JSON file in that "
        "format; with --state, used only when the state file holds no saved state yet"
        % (", ".join(available_seeds()) or "none shipped"),
    )
    serve.add_argument(
        "--state",
        metavar="FILE",
        help="keep the records in FILE, an SQLite database: loaded at start, each acknowledged "
        "change written (only the records it changed) before its response, so it survives "
        "the process being killed (kill -9); a file that is not an mls-mock state file is "
        "refused and left untouched (an old JSON state file converts with --seed OLD.json "
        "--state NEW.db). Default: in memory only",
    )
    serve.add_argument(
        "--fsync",
        action="store_true",
        default=None,  # None, not False: no default to show
        help="with --state, fsync every change to the disk before its response, so it survives a "
        "power loss or OS crash too (slower: one disk flush per write). Default: off",
    )
    serve.add_argument(
        "--users",
        metavar="FILE",
        help='JSON object {"username": "password", ...}: only these Basic credentials are '
        "accepted. Default: any username/password",
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        default=None,
        help="require `Authorization: Bearer TOKEN` or `X-Admin-Token: TOKEN` on /_mock/ "
        "(except /_mock/health); also read from $MLS_MOCK_ADMIN_TOKEN, which keeps it "
        "out of the process list. Default: no token",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        type=str.lower,
        choices=LOG_LEVELS,
        help="info (the default) shows one access-log line per request; warning hides them",
    )
    serve.add_argument("--threads", type=int, default=8, help="worker threads answering requests (default: 8)")
    serve.add_argument(
        "--generous",
        metavar="NAME[,NAME]",
        action="append",
        default=[],
        help="turn on a behaviour beyond what the sktmls client documents (repeatable, or a comma "
        "list; default: none, the least the client documents): "
        + "; ".join(f"{name}: {text}" for name, text in GENEROUS.items()),
    )
    serve.add_argument(
        "--connection-limit",
        type=int,
        default=DEFAULT_CONNECTION_LIMIT,
        metavar="N",
        help="connections served at once, idle keep-alive ones included; more wait in the listen "
        "backlog. The open-files limit is raised to fit when it can "
        f"(default: {DEFAULT_CONNECTION_LIMIT})",
    )
    serve.add_argument(
        "--channel-timeout",
        type=int,
        default=DEFAULT_CHANNEL_TIMEOUT,
        metavar="SECONDS",
        help="close a connection that sent or read nothing for this long (idle keep-alive, "
        "stalled clients), or whose request has not arrived whole this long after its first "
        f"byte (trickling clients) (default: {DEFAULT_CHANNEL_TIMEOUT})",
    )
    serve.add_argument(
        "--journal-bytes",
        type=_size,
        default=DEFAULT_JOURNAL_BYTES,
        metavar="SIZE",
        help="memory the request journal (GET /_mock/calls) may use, e.g. 64MiB or 1GiB; the oldest "
        f"calls go first. It also keeps at most {DEFAULT_JOURNAL_ENTRIES:,} calls, and no "
        f"body over {JOURNAL_BODY_CAP // 1024} KiB (default: 64MiB)",
    )
    serve.set_defaults(run=serve_command)
    point = commands.add_parser(
        "point",
        help="run a command whose sktmls clients all talk to URL",
        description="Run a Python script or module with every sktmls client (every API, env and runtime) "
        "pointed at URL: the AB API at URL, the recommendation, profile, conversion tracking and graph "
        "APIs at URL/rec, URL/pf, URL/ct and URL/graph, as `mls-mock serve` answers them; "
        "e.g. `mls-mock point http://127.0.0.1:8000 -- my_job.py --day 1` or "
        "`... -- -m my_package.job`. Same as calling mls_mock.redirect.point_sktmls_at(URL) first.",
    )
    point.add_argument("url", help="base URL of the fake, e.g. http://127.0.0.1:8000")
    point.add_argument("target", nargs=argparse.REMAINDER, help="SCRIPT [ARGS...] or -m MODULE [ARGS...] (after --)")
    point.set_defaults(run=point_command)
    document = commands.add_parser("openapi", help="print the OpenAPI 3.1 document (as GET /openapi.json)")
    document.set_defaults(run=openapi_command)
    from .verify import add_parser as add_verify_parser  # `mls-mock verify URL`, in its own module

    add_verify_parser(commands)
    return parser


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


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    return f"mls-mock {of('mls-mock')} (sktmls {of('sktmls')})"


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
            if name.strip() in ("", ".") or any(char in name for char in "/@ \t"):
                raise UsageError(f"--allowed-host {name!r}: a host name, .domain (it and every name under it) or *")
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


_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _size(text: str) -> int:
    """A byte count: 67108864, 64MiB, 64M, 512KiB (binary units)."""
    number = text.strip().lower().removesuffix("ib").removesuffix("b")
    unit = number[-1:] if number[-1:] in _SIZE_UNITS else ""
    digits = number[:-1] if unit else number
    if not (digits.isascii() and digits.isdigit()) or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: a positive number of bytes, or with KiB, MiB, GiB")
    return int(digits) * _SIZE_UNITS[unit]


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

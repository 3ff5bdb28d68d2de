"""The `mls-mock` command line: every command's options and help, apart from what the commands do
(cli.py), so a newcomer reads the whole interface in one place."""

import argparse
from collections.abc import Callable

from .assumptions import GENEROUS
from .seeds import available_seeds
from .server import DEFAULT_CHANNEL_TIMEOUT, DEFAULT_CONNECTION_LIMIT
from .traffic import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_ENTRIES, JOURNAL_BODY_CAP

LOG_LEVELS = ("debug", "info", "warning", "error")


# ---- the command line --------------------------------------------------------------------


def build_parser(
    serve_command: Callable, point_command: Callable, openapi_command: Callable
) -> argparse.ArgumentParser:
    """The parser, each command's `run` the function given for it (cli.py holds them)."""
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


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    return f"mls-mock {of('mls-mock')} (sktmls {of('sktmls')})"


_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def _size(text: str) -> int:
    """A byte count: 67108864, 64MiB, 64M, 512KiB (binary units)."""
    number = text.strip().lower().removesuffix("ib").removesuffix("b")
    unit = number[-1:] if number[-1:] in _SIZE_UNITS else ""
    digits = number[:-1] if unit else number
    if not (digits.isascii() and digits.isdigit()) or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: a positive number of bytes, or with KiB, MiB, GiB")
    return int(digits) * _SIZE_UNITS[unit]

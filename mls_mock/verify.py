"""`mls-mock verify URL`: check the fake's assumptions (the README's table,
`verify_registry.ASSUMPTIONS`) against a server, through the real sktmls clients pointed at
URL, and raw `requests` where no client call shows what is checked (a status, a header).
The runtime APIs (recommendation, profile, conversion tracking, graph) are probed only when
their URLs are given (`verify_runtime_apis.py`, `verify_runtime*.py`).

All traffic to URL passes a `VerifyGate` (`verify_target.py`, the plugin's `RemoteGate`):
without --allow-writes a write is refused before it leaves the process, whatever a probe
does; with it, what a probe created is deleted when it ends, children first, whether it
held, differed or broke. Every line and the report go through `Redactor`, so credentials never reach the output.
"""

import argparse
import base64
import collections
import dataclasses
import datetime
import importlib.util
import json
import os
import re
from collections.abc import Callable
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from . import verify_runtime_apis
from .assumptions import GENEROUS, generous_switches
from .errors import UsageError
from .hosts import API_NAMES
from .redirect import point_sktmls_at, restore_sktmls
from .remote import WritesNotAllowed
from .verify_registry import ASSUMPTIONS, Assumption, Differs, NotChecked, load_probes
from .verify_target import Target, VerifyGate

EXIT_HELD, EXIT_DIFFERS, EXIT_USAGE = 0, 1, 2
HELD, DIFFERS, NOT_CHECKED = "held", "differs", "not checked"
NEEDS_WRITES = "needs --allow-writes"


@dataclasses.dataclass
class Row:
    assumption: Assumption
    verdict: str
    observed: str

    def line(self) -> str:
        if self.verdict == HELD:
            return HELD
        return f"{DIFFERS}: {self.observed}" if self.verdict == DIFFERS else f"{NOT_CHECKED} ({self.observed})"


def check(target: Target, allow_writes: bool, emit: Callable[[Row], None], left: list[str]) -> list[Row]:
    """Every assumption, in the README's order; what could not be deleted goes to `left`
    as soon as it is known (an interrupted run has it too)."""
    probes = load_probes()
    rows = []
    for assumption in ASSUMPTIONS:
        row = _check_one(target, assumption, probes, allow_writes, left)
        rows.append(row)
        emit(row)
    return rows


def _check_one(target: Target, assumption: Assumption, probes, allow_writes: bool, left: list[str]) -> Row:
    from sktmls import MLSClientError

    if assumption.unprobeable:
        return Row(assumption, NOT_CHECKED, assumption.unprobeable)
    if assumption.writes and not allow_writes:
        return Row(assumption, NOT_CHECKED, NEEDS_WRITES)
    try:
        return Row(assumption, HELD, probes[assumption.id](target))
    except Differs as differs:
        return Row(assumption, DIFFERS, str(differs))
    except NotChecked as why:
        return Row(assumption, NOT_CHECKED, str(why))
    except WritesNotAllowed as error:
        return Row(assumption, NOT_CHECKED, f"its probe tried to write, a bug in mls-mock: {error}")
    except (requests.ConnectionError, requests.Timeout) as error:
        return Row(assumption, NOT_CHECKED, f"no answer from the server: {error}")
    except MLSClientError as error:
        return Row(assumption, DIFFERS, f"{target.last_exchange()}: {error.msg!r}")
    except ValueError as error:  # the client parses every body as JSON
        return Row(assumption, DIFFERS, f"{target.last_exchange()}: not the JSON envelope ({error})")
    except Exception as error:
        return Row(
            assumption,
            NOT_CHECKED,
            f"the probe failed ({type(error).__name__}: {error}; last request "
            f"{target.last_exchange()}); please report it",
        )
    finally:
        if assumption.writes and allow_writes:
            left.extend(target.gate.cleanup()[1])


class Redactor:
    """Replaces the account's username, password and Basic token wherever they appear; one
    shorter than `ANYWHERE` only where it stands alone, so "p" leaves "http" alone."""

    ANYWHERE = 6

    def __init__(self, username: str, password: str, *others: str | None):
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        shown = (f"{username}:{password}", token, password, username, *others)
        hidden = sorted({s for s in shown if s}, key=len, reverse=True)
        self.pattern = re.compile(
            "|".join(
                re.escape(s) if len(s) >= self.ANYWHERE else rf"(?<![^\W_]){re.escape(s)}(?![^\W_])" for s in hidden
            )
        )

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.pattern.sub("***", value)
        if isinstance(value, dict):
            return {self(k): self(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self(v) for v in value]
        return value


# ---- the command -----------------------------------------------------------------------------


def add_parser(commands) -> argparse.ArgumentParser:
    verify = commands.add_parser(
        "verify",
        help="check the fake's assumptions against a real AB API server",
        description="Check each row of the README's 'Assumptions about the real server' table against the AB "
        "API at URL, with the real sktmls clients, and print one line per row: held, differs: <what "
        "the server did>, or not checked (<why>). Read-only probes always run; probes that create, "
        "change and delete records run only with --allow-writes, use names of their own and delete "
        "what they created. Credentials are never printed.",
        epilog="Exit status: 0 when every row checked held, 1 when a row differs or a record it created could not "
        "be deleted, 2 for a usage error or a server it cannot reach or log in to.",
    )
    verify.add_argument("url", help="base URL of the AB API, e.g. https://ab.stg.example.com")
    verify.add_argument("--username", help="the account (default: $MLS_USERNAME)")
    verify.add_argument(
        "--password", help="its password (default: $MLS_PASSWORD, which keeps it out of the process list)"
    )
    verify.add_argument(
        "--env",
        default="STG",
        type=str.upper,
        help="the sktmls MLSENV the clients are built with (default: STG); every env goes to URL",
    )
    verify.add_argument(
        "--generous",
        metavar="NAME[,NAME]",
        action="append",
        default=[],
        help="expect the behaviours `mls-mock serve --generous NAME` turns on instead of the default "
        "ones (repeatable, or a comma list): " + ", ".join(GENEROUS),
    )
    verify.add_argument(
        "--allow-writes",
        action="store_true",
        help="also run the probes that create, update and delete records (each deletes what it "
        "created, children first, even when it fails)",
    )
    verify.add_argument(
        "--report",
        metavar="FILE",
        help="write a JSON report (versions, URL, time, each row's id, "
        "question, expected, observed, verdict) to attach to an issue",
    )
    verify_runtime_apis.add_arguments(verify)
    verify.set_defaults(run=verify_command)
    return verify


def verify_command(args) -> int:

    url, url_username, url_password = _split_url(args.url)
    username = args.username or url_username or os.environ.get("MLS_USERNAME")
    password = args.password or url_password or os.environ.get("MLS_PASSWORD")
    if not username or not password:
        raise UsageError("verify needs --username and --password (or $MLS_USERNAME and $MLS_PASSWORD)")
    try:
        generous = generous_switches([n.strip() for value in args.generous for n in value.split(",") if n.strip()])
    except ValueError as error:
        raise UsageError(f"--{error}") from None
    if args.report and not os.path.isdir(os.path.dirname(os.path.abspath(args.report))):
        raise UsageError(f"--report {args.report}: no such directory")
    if importlib.util.find_spec("sktmls") is None:
        raise UsageError("verify runs the sktmls client, which is not installed: pip install --no-deps sktmls")
    runtime = verify_runtime_apis.from_arguments(args, url, os.environ)
    redact = Redactor(username, password, runtime.apikey)

    def out(line: str) -> None:
        print(redact(line), flush=True)

    started = _now()
    previous = point_sktmls_at(url, apis=runtime.given())
    try:
        from sktmls import MLSENV

        if args.env not in MLSENV.__members__:
            raise UsageError(f"--env must be one of {', '.join(MLSENV.__members__)}")
        reads = verify_runtime_apis.read_calls(runtime)
        runtime_urls = tuple(runtime.given().values())
        gate = VerifyGate(url, username, password, args.allow_writes, reads, runtime_urls).start()
        try:
            target = Target(url, username, password, args.env, gate, generous, runtime)
            problem = _cannot_start(target)
            if problem:
                raise UsageError(redact(problem))
            writes = sum(a.writes for a in ASSUMPTIONS)
            out(
                f"mls-mock verify: {url} (env {args.env}, generous: {', '.join(sorted(generous)) or 'none'}); "
                + (
                    "all probes, deleting what they create"
                    if args.allow_writes
                    else f"read-only probes ({writes} more need --allow-writes)"
                )
            )
            left: list[str] = []
            try:
                rows = check(target, args.allow_writes, lambda row: out(f"{row.assumption.id:<26} {row.line()}"), left)
            finally:  # also when interrupted
                for problem in left:
                    out(f"left on the server, delete it by hand: {problem}")
        finally:
            gate.stop()
    finally:
        restore_sktmls(previous)
    counts = collections.Counter(row.verdict for row in rows)
    out(f"{len(rows)} assumptions: {counts[HELD]} held, {counts[DIFFERS]} differ, {counts[NOT_CHECKED]} not checked")
    if args.report:
        try:
            with open(args.report, "w", encoding="utf-8") as file:
                json.dump(
                    redact(_report(url, args, generous, runtime, started, rows, left)),
                    file,
                    indent=2,
                    ensure_ascii=False,
                )
        except OSError as error:
            raise UsageError(f"--report {args.report}: {error.strerror}") from None
        out(f"report written to {args.report}")
    return EXIT_DIFFERS if counts[DIFFERS] or left else EXIT_HELD


def _split_url(url: str) -> tuple[str, str | None, str | None]:
    """URL without credentials, query or fragment; and the credentials it held."""

    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as error:
        raise UsageError(f"verify: not a URL ({error})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError("verify: URL must be http:// or https:// with a host, e.g. https://ab.stg.example.com")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", "")), parts.username, parts.password


def _cannot_start(target: Target) -> str | None:
    """Why no probe can run (no server, refused credentials), or None."""
    try:
        reply = target.raw("GET", "/api/v1/experiments", params={"page": 1})
    except requests.RequestException as error:
        return f"cannot reach {target.url}: {error}"
    if reply.status in (401, 403):
        return f"{target.url} refused the account: {reply}"
    return None


def _report(url: str, args, generous: frozenset[str], runtime, started: str, rows: list[Row], left: list[str]) -> dict:
    counts = collections.Counter(row.verdict for row in rows)
    return {
        "mls_mock": _version("mls-mock"),
        "sktmls": _version("sktmls"),
        "url": url,
        "env": args.env,
        "allow_writes": args.allow_writes,
        "generous": sorted(generous),
        "runtime_apis": {API_NAMES[key]: api_url for key, api_url in runtime.given().items()},
        "started_at": started,
        "finished_at": _now(),
        "summary": {HELD: counts[HELD], DIFFERS: counts[DIFFERS], NOT_CHECKED: counts[NOT_CHECKED]},
        "left_on_server": left,
        "rows": [
            {
                "id": row.assumption.id,
                "question": row.assumption.question,
                "expected": row.assumption.expectation(generous),
                "observed": row.observed,
                "verdict": row.verdict,
            }
            for row in rows
        ],
    }


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")

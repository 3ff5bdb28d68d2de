"""Soak: `REQUESTS` mixed requests (3,000; 12,000 in the thorough profile), most of them
hostile (refused credentials with 1 MiB bodies, JSON nested thousands deep, numbers past
every range, oversized and malformed bodies, the admin API without its token, injected
faults), from 4 keep-alive clients against one
`mls-mock serve --users --admin-token --state`. Bounded in count and time; loopback only.

What must hold: every answer is the envelope with the status its kind expects, the only 5xx
are the injected faults, the server's peak RSS stays under `RSS_BOUND_MB` (the README's
reliability section states it), and at the end the state file holds exactly what
`GET /_mock/state` says."""
import http.client
import json
import random
import threading
import time
from base64 import b64encode
from collections import Counter
from urllib.parse import urlsplit

import pytest

from mls_mock import assumptions
from mls_mock.persistence import read_document

from support import sized

# 3,000 still sends about 330 refused bodies of 1 MiB (every kind of request many times): a
# server keeping what it refuses passes RSS_BOUND_MB, so such a leak fails the default run too;
# the thorough run's 12,000 catches a leak of a fraction of them.
DEFAULT_REQUESTS = 3_000
# Peak RSS still grows with the requests sent, past the journal's bound (132 MB at 3,600, 257 MB
# at 13,800): not yet explained, so the thorough size stays where the bound measures it.
REQUESTS = sized(DEFAULT_REQUESTS, 12_000)
CLIENTS = 4
DEADLINE_S = 600  # a bound on the loop, not a speed assertion
RSS_BOUND_MB = 300
USERS = {"soak": "soak-pw"}
TOKEN = "soak-admin-token"
AUTH = {"Authorization": "Basic " + b64encode(b"soak:soak-pw").decode()}
WRONG_AUTH = {"Authorization": "Basic " + b64encode(b"soak:wrong").decode()}
ADMIN = {"Authorization": f"Bearer {TOKEN}"}
JSON = {"Content-Type": "application/json"}

# Bodies built once: the hostile ones are large, and building them per request would make
# the clients, not the server, the bottleneck.
HUGE_EMPTY_OBJECTS = ('{"x":[' + ",".join(["{}"] * (assumptions.MAX_BODY_BYTES // 3 - 10)) + "]}").encode()
TOO_LARGE = b'{"name": "' + b"x" * (assumptions.MAX_BODY_BYTES + 10) + b'"}'


def _nested(depth: int) -> bytes:
    value = "[" * depth + "1" + "]" * depth
    return ('{"name": "deep", "body": {"conditions": [{"key": "k", "operator": "==", "value": ' + value + "}]}}").encode()


DEEP = _nested(5_000)
JUST_TOO_DEEP = _nested(getattr(assumptions, "MAX_JSON_DEPTH", 64) + 1)
HUGE_ID = b'{"screen_id": "big", "experiments": [' + str(10 ** 30).encode() + b"]}"
HUGE_INT = b'{"name": "n", "bucketing_seed": "s", "description": ' + b"9" * 5_000 + b"}"
HUGE_SEQUENCE = b'{"sequences": {"channels": ' + b"9" * 4_400 + b"}}"


def _soak_plan(rng: random.Random, worker: int, count: int, deadline: float):
    """(kind, method, path, headers, body, statuses the kind may get) for one client. Valid
    writes create and delete their own records so the store stays small and no name
    clashes; the others are refused and must change nothing. The deadline ends the random
    part early on a slow machine; the clean-up after it always runs."""
    made = []
    for n in range(count):
        if time.monotonic() > deadline:
            break
        roll = rng.random()
        if roll < 0.20 and len(made) < 20:
            name = f"soak-{worker}-{n}"
            yield "create", "POST", "/api/v1/experiments", AUTH, json.dumps({"name": name, "bucketing_seed": "s"}).encode(), {201}
            made.append(name)
        elif roll < 0.30 and made:
            yield "delete", "DELETE", f"/api/v1/experiments?name={made.pop()}", AUTH, None, {200}
        elif roll < 0.45:
            yield "list", "GET", "/api/v1/experiments?page=1", AUTH, None, {200, 503}
        elif roll < 0.52:
            yield "unauthenticated_huge", "POST", "/api/v1/experiments", {}, HUGE_EMPTY_OBJECTS, {401}
        elif roll < 0.56:
            yield "wrong_password_huge", "POST", "/api/v1/filters", WRONG_AUTH, HUGE_EMPTY_OBJECTS, {401}
        elif roll < 0.62:
            yield "deep", "POST", "/api/v1/filters", AUTH, rng.choice([DEEP, JUST_TOO_DEEP]), {400}
        elif roll < 0.67:
            yield "huge_number", "POST", rng.choice(["/api/v1/channels", "/api/v1/experiments"]), AUTH, \
                rng.choice([HUGE_ID, HUGE_INT]), {400}
        elif roll < 0.70:
            yield "huge_sequence", "POST", "/_mock/seed", ADMIN, HUGE_SEQUENCE, {400}
        elif roll < 0.74:
            yield "too_large", "POST", "/api/v1/experiments", AUTH, TOO_LARGE, {413}
        elif roll < 0.79:
            yield "malformed", "POST", "/api/v1/channels", AUTH, rng.choice([b"{", b"[]", b'{"screen_id": 1}', b"\xff"]), {400}
        elif roll < 0.84:
            method, path = rng.choice([("GET", "/_mock/state"), ("POST", "/_mock/reset"), ("GET", "/_mock/calls")])
            yield "admin_without_token", method, path, {}, None, {401}
        elif roll < 0.86:
            fault = {"method": "GET", "path": "/api/v1/experiments", "status": 503, "times": 1}
            yield "fault", "POST", "/_mock/faults", ADMIN, json.dumps(fault).encode(), {201}
        elif roll < 0.88:
            yield "journal", "GET", "/_mock/calls", ADMIN, None, {200}
        else:
            yield "missing", "GET", f"/api/v1/channels/{rng.randint(1, 10 ** 6)}", AUTH, None, {404}
    for name in made:  # leave only what the final comparison needs: nothing of ours
        yield "delete", "DELETE", f"/api/v1/experiments?name={name}", AUTH, None, {200}


class _Client(threading.Thread):
    def __init__(self, url: str, worker: int, count: int, deadline: float):
        super().__init__(daemon=True)
        parts = urlsplit(url)
        self.host, self.port, self.worker, self.count, self.deadline = parts.hostname, parts.port, worker, count, deadline
        self.seen, self.problems, self.sent = Counter(), [], 0

    def _send(self, connection, method, path, headers, body):
        if method == "DELETE" and "?name=" in path:  # by name: look the id up first
            # Other clients' injected faults (times=1 each) may take several lookups in a row:
            # at the thorough size, more than five were once queued at a time.
            for _attempt in range(200):
                status, payload = self._send(connection, "GET", path, AUTH, None)
                if status != 503:
                    break
            results = payload.get("results") or []
            if len(results) != 1:
                return 0, {"error": f"lookup for delete found {results!r} (status {status})"}
            path = f"/api/v1/experiments/{results[0]['id']}"
        connection.request(method, path, body=body, headers={**headers, **(JSON if body is not None else {})})
        response = connection.getresponse()
        raw = response.read()
        self.sent += 1
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = {"unparsed": raw[:200]}
        return response.status, payload

    def run(self):
        rng = random.Random(self.worker)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            for kind, method, path, headers, body, expected in _soak_plan(rng, self.worker, self.count, self.deadline):
                try:
                    status, payload = self._send(connection, method, path, headers, body)
                except (OSError, http.client.HTTPException) as error:  # the server may close after a refusal
                    connection.close()
                    connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                    if kind in ("too_large", "unauthenticated_huge", "wrong_password_huge"):
                        continue  # closing on an unread large body is legitimate
                    self.problems.append(f"{kind}: {type(error).__name__}: {error}")
                    continue
                self.seen[(kind, status)] += 1
                envelope_ok = isinstance(payload, dict) and set(payload) == {"code", "error", "results"} \
                    and payload["code"] == status
                injected = status == 503 and kind == "list" and "injected fault" in str(payload.get("error"))
                if status not in expected or not envelope_ok or (status >= 500 and not injected):
                    self.problems.append(f"{kind} {method} {path}: {status} {str(payload)[:200]}")
        finally:
            connection.close()


def _rss_mb(pid: int, field: str = "VmHWM") -> float:
    """VmHWM is the peak resident set size, VmRSS the current one."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} in /proc: not Linux?")


def _watchdog(server, stop: threading.Event, tripped: list):
    """A regression must fail this test, not take the machine's memory with it."""
    while not stop.wait(0.2):
        try:
            if _rss_mb(server.process.pid, "VmRSS") > 4 * RSS_BOUND_MB:
                tripped.append(_rss_mb(server.process.pid, "VmRSS"))
                server.kill()
                return
        except OSError:
            return


@pytest.mark.skipif(not hasattr(__import__("os"), "sched_getaffinity"), reason="reads /proc: Linux only")
def test_soak_with_hostile_traffic_keeps_memory_bounded_and_state_file_true(start_server, tmp_path):
    users = tmp_path / "users.json"
    users.write_text(json.dumps(USERS))
    state = tmp_path / "state.db"
    # The journal is bounded by design (--journal-bytes, 64 MiB by default) and reading it whole costs
    # about twice its size again while the answer is built: a smaller journal leaves RSS_BOUND_MB to leaks.
    server = start_server("--users", users, "--admin-token", TOKEN, "--state", state, "--log-level", "warning",
                          "--journal-bytes", "16MiB")
    deadline = time.monotonic() + DEADLINE_S
    stop, tripped = threading.Event(), []
    threading.Thread(target=_watchdog, args=(server, stop, tripped), daemon=True).start()
    clients = [_Client(server.url, worker, REQUESTS // CLIENTS, deadline) for worker in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join(DEADLINE_S + 30)
    stop.set()
    assert not tripped, f"the server grew to {tripped[0]:.0f} MB and was killed"
    problems = [p for c in clients for p in c.problems]
    seen = sum((c.seen for c in clients), Counter())
    sent = sum(c.sent for c in clients)
    # The deadline bounds the loop: a slow machine sends fewer, but never fewer than the default size.
    assert sent >= REQUESTS or (time.monotonic() >= deadline and sent >= DEFAULT_REQUESTS), sent
    kinds_of_problems = Counter(p.partition(" ")[0] for p in problems)
    assert not problems, f"{len(problems)} unexpected answers ({dict(kinds_of_problems)}), first: {problems[:5]}"
    kinds = {kind for kind, _ in seen}
    assert {"unauthenticated_huge", "deep", "huge_number", "huge_sequence", "too_large", "fault"} <= kinds

    peak = _rss_mb(server.process.pid)
    print(f"soak: {sum(c.sent for c in clients):,} requests, peak RSS {peak:.0f} MB, answers {dict(seen)}")
    assert peak < RSS_BOUND_MB

    served = server.admin("GET", "state", headers=ADMIN).json()["results"]
    on_disk = read_document(state)
    on_disk.pop("format")
    assert on_disk == served
    assert served["experiments"] == []  # every client deleted what it made

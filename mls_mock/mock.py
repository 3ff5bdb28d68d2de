"""`MLSMock`: one fake MLS, wired into every sktmls client of the process while active."""

import fnmatch
import functools
import inspect
import os
import warnings
from collections.abc import Callable, Iterable
from typing import Any, cast
from urllib.parse import unquote

import requests

from . import aio, bucketing, conversions, netfaults, transport
from .app import create_app
from .errors import NotFound
from .hosts import MOUNTS, RUNTIME_PREFIXES
from .inprocess import InProcess
from .lightweight import allow_light_sktmls
from .redirect import MLS_DOMAINS
from .state import AppState
from .store import Store
from .store.buckets import Buckets
from .store.model_answers import ModelAnswers
from .traffic import DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_ENTRIES, TRANSPORT, Fault, Journal


class UnmatchedFaultWarning(UserWarning):
    """A fault added with `MLSMock.fail` never matched a request: the test did not exercise
    the failure it meant to (a typo in the path, a relative path, the wrong method)."""


def mls_api_origins() -> tuple[dict[transport.Origin, str], set[transport.Origin]]:
    """({origin of every MLS API the fake mounts: its path prefix}, every other MLS origin)
    named in sktmls's own config."""
    from .redirect import shipped_config

    mounted: dict[transport.Origin, str] = {}
    other: set[transport.Origin] = set()
    for settings in shipped_config().values():
        for key, urls in settings.items():
            if isinstance(urls, dict):
                for url in filter(None, urls.values()):
                    if key in MOUNTS:
                        mounted[transport.origin(url)] = MOUNTS[key]
                    else:
                        other.add(transport.origin(url))
    return mounted, other - mounted.keys()


class MLSMock(transport.Router):
    """A fresh in-memory MLS that the real `sktmls` clients reach without a socket.

    Use it as a context manager, a decorator, or with `start()` / `stop()`. Every base URL of
    every MLS API (AB, recommendation, profile, conversion tracking, graph) of every env and
    runtime in `sktmls.config` is served, each API under its prefix (`hosts.MOUNTS`); any
    other MLS host fails at once; other hosts go to the network as usual. `base_urls` adds
    origins to serve as the AB API (e.g. the URL a suite's `--mls-url` points at). `generous` turns on switches of
    `mls_mock.assumptions.GENEROUS` (behaviours beyond what the client documents).
    `journal_limit` and `journal_bytes` bound `.calls`.
    """

    def __init__(
        self,
        store: Store | None = None,
        users: dict[str, str] | None = None,
        base_urls: Iterable[str] = (),
        seed: None | str | os.PathLike | dict = None,
        generous: Iterable[str] = (),
        journal_limit: int = DEFAULT_JOURNAL_ENTRIES,
        journal_bytes: int = DEFAULT_JOURNAL_BYTES,
    ):
        if store is not None and generous:
            raise ValueError("generous: give the switches to the Store (Store(generous=...)) when passing a store")
        self.store = store or Store(generous=generous)
        self.app = create_app(
            self.store, users=users, propagate_exceptions=True, journal_limit=journal_limit, journal_bytes=journal_bytes
        )
        self._direct = InProcess(self.app.state, self.app.dispatcher)
        self._extra_origins = {transport.origin(url) for url in base_urls}
        # Read from sktmls's config by the first start(): served ones, and MLS ones refused.
        self._served: dict[transport.Origin, str] = {}  # origin -> its API's path prefix
        self._blocked: set[transport.Origin] = set()
        self._origins_read = False
        if seed is not None:
            self.seed(seed)

    # ---- lifecycle ----------------------------------------------------------------------

    def start(self) -> "MLSMock":
        remote = transport.remote_target()
        if remote is not None:  # sktmls is pointed there: this fake would see none of its calls
            raise RuntimeError(
                f"mls-mock: this run sends sktmls to {remote} (--mls-url), so an MLSMock started now would "
                "answer nothing; skip fake-only tests on such runs (the mls_mock fixture is skipped there)"
            )
        allow_light_sktmls()
        if not self._origins_read:
            mounted, other = mls_api_origins()
            self._served = {**mounted, **dict.fromkeys(self._extra_origins, "")}
            self._blocked = other - self._served.keys()
            self._origins_read = True
        transport.activate(self)
        aio.activate(self)
        return self

    def stop(self) -> None:
        aio.deactivate(self)
        transport.deactivate(self)
        self._warn_unmatched_faults()

    def _warn_unmatched_faults(self) -> None:
        """Like WireMock's near misses: name each fault nothing matched, with the requests
        that came closest, once per fault."""
        for fault in self.state.faults.never_matched():
            if fault.warned:
                continue
            fault.warned = True
            same_method = [
                f"{c.method} {c.path}"
                for c in self.calls
                if fnmatch.fnmatchcase(c.method.upper(), fault.method.upper())
            ]
            hint = f"; requests with that method: {', '.join(dict.fromkeys(same_method[-3:]))}" if same_method else ""
            if not fault.path.startswith(("/api/", *RUNTIME_PREFIXES, "*", "?", "[")):
                hint += "; paths are globs on the whole decoded URL path, e.g. '/api/v1/channels*'"
            warnings.warn(
                UnmatchedFaultWarning(
                    f"mls-mock: the fault fail({fault.method!r}, {fault.path!r}, status={fault.status}"
                    f"{f', delay={fault.delay:g}' if fault.delay else ''}) "
                    f"never matched a request{hint}"
                ),
                stacklevel=3,
            )

    def __enter__(self) -> "MLSMock":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __call__(self, func):
        """As a decorator: the function runs with this fake active."""
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args, **kwargs):
                with self:
                    return await func(*args, **kwargs)

            return async_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return wrapper

    # ---- state --------------------------------------------------------------------------

    @property
    def state(self) -> AppState:
        return self.app.state

    @property
    def calls(self) -> Journal:
        """Every request answered, oldest first: `.method .path .query .query_all .json .status
        .user .body .body_bytes .body_truncated .response .response_bytes .seq` (see `traffic.Call`)."""
        return self.state.journal

    @property
    def conversions(self) -> list[dict]:
        """The conversions the fake accepted (`MLSConversionTrackingAPIClient.request`), oldest
        first: `client_id`, `conversion_type`, `user_id`, `channel_id`, `process_id`, `item_id`.
        A view of `.calls`: nothing else keeps them."""
        return conversions.accepted(self.calls)

    def reset(self) -> None:
        """Empty the store (IDs restart at 1), the journal and the faults."""
        self.state.reset()

    def seed(self, data: str | os.PathLike | dict) -> dict[str, int]:
        """Load a seed: a document in the fixtures/ format, a path to one, or the name of a
        set shipped in fixtures/ (e.g. "demo"). Returns the count added per kind."""
        from .seeds import read_seed

        document, source = read_seed(data)
        return self.store.load(document, source)

    def fail(
        self,
        method: str = "*",
        path: str = "*",
        status: int | None = 500,
        error: str | None = None,
        times: int | None = 1,
        raises: type | None = None,
        delay: float = 0.0,
    ) -> Fault:
        """Make the next `times` requests matching `method` and `path` (globs) fail with
        `status`/`error`, or raise `raises` (requests.ConnectionError, requests.Timeout, or
        aiohttp's classes: each path raises its own equivalent) before reaching the fake.
        `delay` seconds pass first (slept on requests, awaited on aiohttp; past the client's
        timeout, its timeout error is raised and the fake is not reached); with
        `status=None` the request is then answered as usual."""
        return self.state.faults.add(Fault(method, path, status, error, times, raises, delay))

    def remove_fault(self, fault: Fault | int) -> bool:
        """Remove a fault `fail` or `delay` returned (or its `.id`, as `DELETE /_mock/faults/{id}`
        names it) before it is used up. False when it no longer waits: used up, removed, or
        cleared by `reset`. A removed fault is never reported as unmatched."""
        return self.state.faults.remove(fault if isinstance(fault, int) else fault.id) is not None

    def delay(self, method: str = "*", path: str = "*", *, seconds: float, times: int | None = 1) -> Fault:
        """Answer the next `times` matching requests `seconds` late, as usual otherwise:
        `fail(method, path, status=None, delay=seconds, times=times)`."""
        return self.fail(method, path, status=None, times=times, delay=seconds)

    # ---- the recommendation API -----------------------------------------------------------

    def bucket_of(self, experiment: Any, user_id: str) -> dict | None:
        """The bucket (its record, as `get_bucket` answers it) of `experiment` (an id, a name,
        or a record or sktmls object with an `id`) that `user_id` falls into; None while the
        experiment's ranges are unset. The rule is `mls_mock.bucketing`'s."""
        store = self.store
        with store.lock:
            row = _experiment_row(store, experiment)
            buckets = cast(Buckets, store.resources["buckets"])
            user_slot = bucketing.slot(row["bucketing_seed"], user_id)
            found = bucketing.owner(((b["bucket_range"], b) for b in buckets.of_experiment(row["id"])), user_slot)
            return None if found is None else buckets.render(found)

    def answer(self, model: Any, answer: dict | Callable | None) -> None:
        """What the recommendation API answers for an online or automl `model` (an id, or a
        record or sktmls object with an `id`): a fixed dict such as `{"items": [...]}` (kept
        in the store: seeded, dumped, persisted), or a callable called per request with a
        `recommendation.AnswerRequest` (user_id, channel, experiment, bucket, model, keys...)
        and returning that dict (in memory only; it wins over a fixed one). None forgets both."""
        model_id = _id_of(model)
        self.store.get_model(model_id)  # 404 for a model that does not exist
        self.state.model_answers.pop(model_id, None)
        if callable(answer):
            self.state.model_answers[model_id] = answer
        elif answer is None:
            if cast(ModelAnswers, self.store.resources["model_answers"]).of_model(model_id) is not None:
                self.store.delete_model_answer(model_id)
        else:
            self.store.set_model_answer(model_id, answer)

    # ---- transport ----------------------------------------------------------------------

    def handle(self, adapter, prepared: requests.PreparedRequest, **kwargs) -> requests.Response | None:
        url, method = transport.sent(prepared)
        key = transport.origin(url)
        prefix = self._served.get(key)
        if prefix is not None:
            fault = None
            if self.state.faults:
                # Decoded and mounted, as the app sees it: one glob matches the same requests either way.
                path = prefix + unquote(transport.urlsplit(url).path)
                fault = self.state.faults.take(method, path, TRANSPORT)
                if fault is not None:
                    if fault.delay:
                        netfaults.wait_for_requests(fault.delay, kwargs.get("timeout"), prepared)
                    if fault.raises is not None:
                        raise netfaults.for_requests(fault.raises, fault.message, prepared)
            return self._direct(prepared, key, prefix, fault)
        if self._refused(key):
            raise requests.ConnectionError(_not_served(url), request=prepared)
        return None

    def prefix_for(self, key: transport.Origin, url: str, refuse) -> str | None:
        """The path prefix of the API this fake serves at `key` (`transport.origin`), None for
        an origin it leaves to the network; for another MLS host, raises `refuse(message)`."""
        prefix = self._served.get(key)
        if prefix is None and self._refused(key):
            raise refuse(_not_served(url))
        return prefix

    def _refused(self, key: transport.Origin) -> bool:
        return key in self._blocked or key[1].endswith(MLS_DOMAINS)


def _not_served(url: str) -> str:
    return (
        f"mls-mock does not serve {url.split('?')[0]}: it is not a URL of an MLS API "
        f"in sktmls's config, and no request to another MLS host may reach the network"
    )


def _id_of(record: Any) -> int:
    if isinstance(record, int) and not isinstance(record, bool):
        return record
    found = record.get("id") if isinstance(record, dict) else getattr(record, "id", None)
    if not isinstance(found, int):
        raise TypeError(f"expected an id, or a record or sktmls object with an `id`, not {record!r}")
    return found


def _experiment_row(store, experiment: Any) -> dict:
    experiments = store.resources["experiments"]
    if isinstance(experiment, str):
        found = experiments.table.ids_by_name.get(experiment)
        if found is None:
            raise NotFound(f"no experiment named {experiment!r}")
        return experiments.table.rows[found]
    return experiments.table.get(_id_of(experiment))

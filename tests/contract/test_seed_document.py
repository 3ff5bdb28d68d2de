"""Every example of the channel client's published reference (a copy of
shared/seeds/sktmls.channels.txt) runs as written against the fake.

The examples are read out of the document and exec'd verbatim, so a new or changed example
fails here until it is covered; each gets only the state it presumes (the experiments or
channels it looks up) and the names it uses (`channel_client`, `experiment_client`).
"""
import pathlib
import re

import pytest
from sktmls import MLSENV, MLSRuntimeENV
from sktmls.channels import ChannelClient

DOCUMENT = pathlib.Path(__file__).with_name("sktmls.channels.txt")
_HEADING = re.compile(r"^(?:def|class) (\w+)")
_END = re.compile(r"^(?:def |class |Ancestors|Methods|Sub-modules)")


def read_examples(text: str) -> dict:
    """{method or class name: the code of its Example section}."""
    examples, owner, lines, collecting = {}, None, [], False
    for line in text.splitlines() + ["Ancestors"]:
        if collecting and _END.match(line):
            examples[owner] = "\n".join(lines).strip() + "\n"
            collecting, lines = False, []
        heading = _HEADING.match(line)
        if heading:
            owner = heading.group(1)
        elif line.strip() == "Example":
            collecting = True
        elif collecting:
            lines.append(line)
    return examples


EXAMPLES = read_examples(DOCUMENT.read_text(encoding="utf-8"))


def _experiments(client, *names):
    return [client.create_experiment(name=name) for name in names]


def _check_construction(ns, clients):
    client = ns["channel_client"]
    assert client.list_channels() == []  # YE/STG reached the fake
    [experiment] = _experiments(clients["experiment_client"], "e")
    assert client.create_channel(name="c", experiments=[experiment]).user == "mls_account"


def _setup_create(clients):
    _experiments(clients["experiment_client"], "my_experiment_1", "my_experiment_2")


def _check_create(ns, clients):
    assert (ns["channel"].screen_id, ns["channel"].experiments) == ("my_channel", [ns["experiment_1"].id, ns["experiment_2"].id])
    assert [c.screen_id for c in clients["channel_client"].list_channels()] == ["my_channel"]


def _setup_delete(clients):
    [experiment] = _experiments(clients["experiment_client"], "e")
    return {"channel": clients["channel_client"].create_channel(name="my_channel", experiments=[experiment])}


def _check_delete(ns, clients):
    assert clients["channel_client"].list_channels() == []


def _setup_get(clients):
    [experiment] = _experiments(clients["experiment_client"], "e")
    for name in ("first", "second", "my_channel"):  # the example's id=3 is my_channel
        clients["channel_client"].create_channel(name=name, experiments=[experiment])


def _check_get(ns, clients):
    assert ns["channel_by_id"].get() == ns["channel_by_name"].get()
    assert (ns["channel_by_id"].id, ns["channel_by_id"].screen_id) == (3, "my_channel")


def _setup_list(clients):
    [experiment] = _experiments(clients["experiment_client"], "e")
    return {"made": [clients["channel_client"].create_channel(name=n, experiments=[experiment]) for n in ("a", "b")]}


def _check_list(ns, clients):
    # list_channels documents id, name, created_at and updated_at only
    summary = lambda c: (c.id, c.screen_id, c.created_at, c.updated_at)  # noqa: E731
    assert [summary(c) for c in ns["channels"]] == [summary(c) for c in ns["made"]]


def _setup_update(clients):
    old, _ = _experiments(clients["experiment_client"], "my_experiment_old", "my_experiment_new")
    clients["channel_client"].create_channel(name="my_channel", experiments=[old])
    return {"channel_clinet": clients["channel_client"]}  # the document's own typo, kept as written


def _check_update(ns, clients):
    fetched = clients["channel_client"].get_channel(name="my_updated_channel")
    assert fetched.experiments == ns["channel"].experiments == [ns["experiment_new"].id]
    assert clients["channel_client"].list_channels(name="my_channel") == []


SCENARIOS = {
    "ChannelClient": (lambda clients: {"ChannelClient": ChannelClient, "MLSENV": MLSENV, "MLSRuntimeENV": MLSRuntimeENV},
                      _check_construction),
    "create_channel": (_setup_create, _check_create),
    "delete_channel": (_setup_delete, _check_delete),
    "get_channel": (_setup_get, _check_get),
    "list_channels": (_setup_list, _check_list),
    "update_channel": (_setup_update, _check_update),
}


def test_every_example_of_the_document_has_a_scenario():
    assert set(EXAMPLES) == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_example_runs_as_written(name, mls_channel_client, mls_experiment_client, mls_settings):
    if name == "get_channel" and mls_settings.remote:
        pytest.skip("the example looks up id=3, which only a fresh fake hands out")
    clients = {"channel_client": mls_channel_client, "experiment_client": mls_experiment_client}
    setup, check = SCENARIOS[name]
    namespace = dict(clients) if name != "ChannelClient" else {}
    namespace.update(setup(clients) or {})

    exec(compile(EXAMPLES[name], f"{DOCUMENT.name}:{name}", "exec"), namespace)

    check(namespace, clients)

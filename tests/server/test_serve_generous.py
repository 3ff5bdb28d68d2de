"""`mls-mock serve --generous`: each switch in both positions, through the real clients over
a socket; a name it does not know stops the command before anything starts."""
import pytest
from sktmls import MLSENV, MLSClientError
from sktmls.models import MLModelClient

from mls_mock.cli import main

ALICES_MODEL = {"models": [{"id": 1, "name": "churn", "version": "v1", "model_type": "automl", "creator": "alice"}]}


@pytest.mark.parametrize("args, switched", [
    ([], set()),
    (["--generous", "full_lists"], {"full_lists"}),
    (["--generous", "shared_automl_models,full_lists"], {"full_lists", "shared_automl_models"}),
    (["--generous", "shared_automl_models", "--generous", "full_lists"], {"full_lists", "shared_automl_models"}),
])
def test_each_switch_in_both_positions(start_server, clients_at, args, switched):
    server = start_server(*args)
    assert server.admin("POST", "seed", json=ALICES_MODEL).status_code == 201
    with clients_at(server.url) as clients:
        experiment = clients.experiments.create_experiment(name="e")
        clients.channels.create_channel(name="home", experiments=[experiment])
        [listed] = clients.channels.list_channels()
        assert (listed.screen_id, listed.experiments) == (
            "home", [experiment.id] if "full_lists" in switched else None)

        models = MLModelClient(env=MLSENV.STG, username="server-test", password="pw")
        if "shared_automl_models" in switched:
            assert models.get_automl_model(id=1).creator == "alice"
        else:
            with pytest.raises(MLSClientError) as missing:
                models.get_automl_model(id=1)
            assert missing.value.code == 404
    generous = ", ".join(sorted(switched)) or "none"
    assert f"generous: {generous}" in server.log


def test_an_unknown_switch_is_a_usage_error(capsys):
    assert main(["serve", "--port", "0", "--generous", "full_lists,everything"]) == 2
    assert "--generous: unknown switch 'everything'; known: full_lists, shared_automl_models" in capsys.readouterr().err


def test_help_names_every_switch(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--generous" in text and "full_lists:" in text and "shared_automl_models:" in text

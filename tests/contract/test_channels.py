"""ChannelClient against the AB API, asserting only on what the real client returns and raises."""
import datetime

from sktmls import MLSResponse
from sktmls.channels import Channel

from support import client_error


def test_create_channel_returns_the_record(mls_channel_client, experiment, mls_settings):
    channel = mls_channel_client.create_channel(name="home", experiments=[experiment])

    assert isinstance(channel, Channel)
    assert isinstance(channel.id, int)
    assert (channel.screen_id, channel.experiments) == ("home", [experiment.id])
    assert channel.user == mls_settings.username  # the account the client authenticated with


def test_user_is_the_authenticated_account(mls_mock, experiment):
    from sktmls import MLSENV
    from sktmls.channels import ChannelClient

    alice = ChannelClient(env=MLSENV.STG, username="alice", password="whatever")
    assert alice.create_channel(name="alices", experiments=[experiment]).user == "alice"


def test_timestamps_are_aware_datetimes(mls_channel_client, experiment):
    channel = mls_channel_client.create_channel(name="home", experiments=[experiment])

    for stamp in (channel.created_at, channel.updated_at):
        assert isinstance(stamp, datetime.datetime)
        assert stamp.utcoffset() is not None
    assert channel.updated_at == channel.created_at


def test_ids_count_up_and_are_never_reused(mls_channel_client, experiment):
    first = mls_channel_client.create_channel(name="a", experiments=[experiment])
    second = mls_channel_client.create_channel(name="b", experiments=[experiment])
    mls_channel_client.delete_channel(second)
    third = mls_channel_client.create_channel(name="c", experiments=[experiment])

    assert (second.id, third.id) == (first.id + 1, first.id + 2)


def test_list_channels_in_id_order_with_filters(mls_channel_client, experiment):
    made = [mls_channel_client.create_channel(name=n, experiments=[experiment]) for n in ("main_home", "main_cart", "side")]

    assert [c.id for c in mls_channel_client.list_channels()] == [c.id for c in made]
    assert [c.screen_id for c in mls_channel_client.list_channels(name="side")] == ["side"]
    assert [c.screen_id for c in mls_channel_client.list_channels(screen_id="main_cart")] == ["main_cart"]
    assert [c.id for c in mls_channel_client.list_channels(id=made[1].id)] == [made[1].id]
    assert [c.screen_id for c in mls_channel_client.list_channels(query="MAIN")] == ["main_home", "main_cart"]
    assert mls_channel_client.list_channels(name="main") == []  # a name filter matches exactly
    assert [c.id for c in mls_channel_client.list_channels(page=1)] == [c.id for c in made]


def test_get_channel_by_id_and_by_name(mls_channel_client, experiment):
    made = mls_channel_client.create_channel(name="home", experiments=[experiment])

    by_id = mls_channel_client.get_channel(id=made.id)
    by_name = mls_channel_client.get_channel(name="home")

    assert by_id.get() == by_name.get() == made.get()


def test_get_channel_that_does_not_exist_is_404(mls_channel_client, experiment):
    mls_channel_client.create_channel(name="home", experiments=[experiment])

    assert client_error(mls_channel_client.get_channel, name="hom").code == 404
    assert client_error(mls_channel_client.get_channel, id=99).code == 404


def test_update_channel_renames_and_relinks(mls_channel_client, mls_experiment_client, experiment, mls_settings):
    other = mls_experiment_client.create_experiment(name="other")
    channel = mls_channel_client.create_channel(name="home", experiments=[experiment])
    created_at = channel.created_at

    updated = mls_channel_client.update_channel(channel, name="home2", experiments=[other, experiment])

    assert updated is channel  # the client resets its own object from the response
    assert (updated.screen_id, updated.experiments) == ("home2", [other.id, experiment.id])
    fetched = mls_channel_client.get_channel(id=channel.id)
    assert (fetched.screen_id, fetched.experiments, fetched.user) == ("home2", [other.id, experiment.id], mls_settings.username)
    assert fetched.created_at == created_at
    assert fetched.updated_at > fetched.created_at


def test_update_channel_keeps_the_name_when_none_is_given(mls_channel_client, mls_experiment_client, experiment):
    other = mls_experiment_client.create_experiment(name="other")
    channel = mls_channel_client.create_channel(name="home", experiments=[experiment])

    mls_channel_client.update_channel(channel, experiments=[other])

    fetched = mls_channel_client.get_channel(id=channel.id)
    assert (fetched.screen_id, fetched.experiments) == ("home", [other.id])


def test_delete_channel_returns_a_response_and_removes_it(mls_channel_client, experiment):
    channel = mls_channel_client.create_channel(name="home", experiments=[experiment])

    response = mls_channel_client.delete_channel(channel)

    assert isinstance(response, MLSResponse)
    assert (response.status, response.code, response.error) == (200, 200, None)
    assert mls_channel_client.list_channels() == []
    assert client_error(mls_channel_client.get_channel, id=channel.id).code == 404
    assert client_error(mls_channel_client.delete_channel, channel).code == 404


def test_duplicate_screen_id_is_409(mls_channel_client, experiment):
    first = mls_channel_client.create_channel(name="home", experiments=[experiment])
    second = mls_channel_client.create_channel(name="cart", experiments=[experiment])

    assert client_error(mls_channel_client.create_channel, name="home", experiments=[experiment]).code == 409
    assert client_error(mls_channel_client.update_channel, second, name="home", experiments=[experiment]).code == 409
    assert [c.screen_id for c in mls_channel_client.list_channels()] == [first.screen_id, "cart"]


def test_channel_experiments_must_exist(mls_channel_client, mls_experiment_client, experiment):
    gone = mls_experiment_client.create_experiment(name="gone")
    mls_experiment_client.delete_experiment(gone)

    error = client_error(mls_channel_client.create_channel, name="home", experiments=[experiment, gone])

    assert error.code == 400 and str(gone.id) in error.msg
    assert mls_channel_client.list_channels() == []


def test_update_channel_to_a_missing_experiment_changes_nothing(mls_channel_client, mls_experiment_client, experiment):
    gone = mls_experiment_client.create_experiment(name="gone")
    channel = mls_channel_client.create_channel(name="home", experiments=[experiment])
    mls_experiment_client.delete_experiment(gone)

    assert client_error(mls_channel_client.update_channel, channel, name="renamed", experiments=[gone]).code == 400
    fetched = mls_channel_client.get_channel(id=channel.id)
    assert (fetched.screen_id, fetched.experiments) == ("home", [experiment.id])


def test_experiment_lists_the_channels_that_contain_it(mls_channel_client, mls_experiment_client, experiment):
    home = mls_channel_client.create_channel(name="home", experiments=[experiment])
    cart = mls_channel_client.create_channel(name="cart", experiments=[experiment])

    fetched = mls_experiment_client.get_experiment(id=experiment.id)

    # What a channel list documents (id, name, timestamps); an experiment's channels are a list of them.
    assert [(c.id, c.screen_id, c.created_at, c.updated_at) for c in fetched.channels] == [
        (c.id, c.screen_id, c.created_at, c.updated_at) for c in (home, cart)]
    mls_channel_client.delete_channel(home)
    assert [c.id for c in mls_experiment_client.get_experiment(id=experiment.id).channels] == [cart.id]

def test_channel_round_trip(mls_experiment_client, mls_channel_client):
    experiment = mls_experiment_client.create_experiment(name="exp")
    channel = mls_channel_client.create_channel(name="my_channel", experiments=[experiment])
    assert (channel.id, channel.screen_id, channel.experiments, channel.user) == (1, "my_channel", [1], "mls-test")
    assert mls_channel_client.get_channel(name="my_channel").id == channel.id

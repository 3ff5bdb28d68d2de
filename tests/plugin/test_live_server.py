"""`mls_live_server`: the same fake on a real port."""
import threading


def test_live_server_shares_state_with_mls_mock_and_serves_aiohttp(run):
    result = run('''
        import asyncio, base64, aiohttp, requests
        AUTH = {"Authorization": "Basic " + base64.b64encode(b"other:pw").decode()}
        def test_it(mls_live_server, mls_mock, mls_factory, mls_channel_client):
            assert mls_live_server.url.startswith("http://127.0.0.1:") and mls_live_server.port > 0
            channel = mls_factory.channel(screen_id="seen_over_the_socket")
            raw = requests.get(mls_live_server.url + "/api/v1/channels", headers=AUTH, timeout=5).json()
            assert [c["screen_id"] for c in raw["results"]] == ["seen_over_the_socket"]
            assert mls_channel_client.get_channel(name=channel.screen_id).id == channel.id
            async def fetch():
                async with aiohttp.ClientSession() as session:
                    async with session.get(mls_live_server.url + "/api/v1/experiments", headers=AUTH) as response:
                        return await response.json()
            assert [e["id"] for e in asyncio.run(fetch())["results"]] == channel.experiments
            assert [c.user for c in mls_mock.calls][-4:] == ["other", "mls-test", "mls-test", "other"]
        def test_next_test_starts_empty_on_the_same_port(mls_live_server, mls_channel_client):
            assert mls_channel_client.list_channels() == []
    ''', "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_live_server_points_sktmls_at_itself_only_during_the_test(run):
    result = run('''
        from sktmls.config import CONFIG
        def test_during(mls_live_server):
            assert CONFIG["LOCAL"]["MLS_AB_API_URL"]["stg"] == mls_live_server.url
        def test_after():
            assert CONFIG["LOCAL"]["MLS_AB_API_URL"]["stg"] == "https://ab.stg.sktmls.com"
    ''', "-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_live_server_is_stopped_at_session_end(run):
    # Other tests of this worker may hold servers of their own (module-scoped ones): only a
    # thread the inner session started must be gone.
    before = set(threading.enumerate())
    result = run('''
        def test_it(mls_live_server):
            print("PORT", mls_live_server.port)
    ''', "-s")
    result.assert_outcomes(passed=1)
    assert not [t for t in threading.enumerate() if t.name.startswith("mls-mock:") and t not in before]
    port = int(next(line for line in result.stdout.lines if "PORT" in line).split("PORT ")[1].split()[0])
    import socket
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0

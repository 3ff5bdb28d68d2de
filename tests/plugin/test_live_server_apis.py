"""`mls_live_server` serves every MLS API: `.urls` names each one's base URL, sktmls's
config points each API there for the test, and aiohttp (passing by the in-process fake,
which does not serve 127.0.0.1) reaches it over the socket."""
import asyncio

import aiohttp

from mls_mock.hosts import MOUNTS


def test_urls_name_every_api_and_sktmls_points_each_there(mls_live_server):
    from sktmls.config import CONFIG

    assert mls_live_server.urls == {key: mls_live_server.url + prefix for key, prefix in MOUNTS.items()}
    for settings in CONFIG.values():
        for key, url in mls_live_server.urls.items():
            if key in settings:
                assert set(settings[key].values()) == {url}, key


def test_the_runtime_clients_async_methods_reach_it_over_the_socket(mls_live_server, mls_mock, mls_api_key):
    from sktmls import MLSENV, MLSRuntimeENV
    from sktmls.apis import MLSRecommendationAPIClient

    client = MLSRecommendationAPIClient(
        env=MLSENV.STG, runtime_env=MLSRuntimeENV.LOCAL, client_id=mls_api_key.client_id, apikey=mls_api_key.apikey
    )
    try:
        asyncio.run(client.request_async(version="v1", user_id="u1", channel_ids=["home"]))
    except Exception:  # the answer's shape is the recommendation API's to settle
        pass

    async def unknown():
        async with aiohttp.ClientSession() as session:
            async with session.get(mls_live_server.urls["MLS_GRAPH_API_URL"] + "/v1/nowhere") as response:
                return response.status, await response.json()

    assert asyncio.run(unknown()) == (404, {"code": 404, "error": "no such route: GET /graph/v1/nowhere",
                                            "results": None})
    first, second = mls_mock.calls[-2:]
    assert (first.method, first.path, first.user, first.query) == (
        "POST", f"/rec/v1/{mls_api_key.client_id}/items", mls_api_key.client_id, {"mode": "test"})
    assert first.json == {"user_id": "u1", "channel_ids": ["home"], "sale_org_id": "admin"}
    assert (second.path, second.status) == ("/graph/v1/nowhere", 404)

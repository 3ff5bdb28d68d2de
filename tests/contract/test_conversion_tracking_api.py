"""MLSConversionTrackingAPIClient through the real client: `request` (the sync method returns
the raw response text) and `request_async` (the parsed envelope), in-process and against
`mls_live_server`; errors come back as answers, never raised (the client checks nothing)."""
import asyncio
import json

import pytest
from sktmls import MLSENV, MLSRuntimeENV
from sktmls.apis import MLSConversionTrackingAPIClient

from mls_mock.pytest_plugin.helpers import TEST_APIKEY, TEST_CLIENT_ID

CONVERSION = {"user_id": "a" * 64, "channel_id": "tw_home", "process_id": "proc-1", "item_id": "NA00007790"}
TYPES = ("impression", "click", "detail_view", "like", "dislike")


def track(client, conversion_type="click", **fields):
    return json.loads(client.request(conversion_type=conversion_type, **{**CONVERSION, **fields}))


def client_as(client_id=TEST_CLIENT_ID, apikey=TEST_APIKEY):
    return MLSConversionTrackingAPIClient(client_id=client_id, apikey=apikey, env=MLSENV.STG,
                                          runtime_env=MLSRuntimeENV.LOCAL)


@pytest.mark.parametrize("conversion_type", TYPES)
def test_request_returns_the_raw_envelope_and_the_conversion_is_journaled(
        mls_conversion_tracking_api_client, mls_mock, conversion_type):
    text = mls_conversion_tracking_api_client.request(conversion_type=conversion_type, **CONVERSION)

    assert isinstance(text, str) and json.loads(text) == {"code": 200, "error": None, "results": None}
    call = mls_mock.calls[-1]
    assert (call.method, call.path, call.query, call.user, call.status) == (
        "POST", f"/ct/v1/{TEST_CLIENT_ID}/{conversion_type}", {"mode": "test"}, TEST_CLIENT_ID, 200)
    assert call.json == CONVERSION
    assert mls_mock.conversions == [{"client_id": TEST_CLIENT_ID, "conversion_type": conversion_type, **CONVERSION}]


def test_an_undocumented_conversion_type_is_refused_naming_it(mls_conversion_tracking_api_client, mls_mock):
    answer = track(mls_conversion_tracking_api_client, "purchase")

    assert answer["code"] == 400 and answer["error"].startswith("conversion_type: must be one of impression")
    assert mls_mock.conversions == []


@pytest.mark.parametrize("field", ["user_id", "channel_id", "process_id", "item_id"])
@pytest.mark.parametrize("value", ["", None, 7])
def test_each_field_must_be_a_non_empty_string(mls_conversion_tracking_api_client, mls_mock, field, value):
    answer = track(mls_conversion_tracking_api_client, **{field: value})

    assert answer["code"] == 400 and answer["error"].startswith(f"{field}: "), answer
    assert mls_mock.conversions == []


def test_a_key_no_client_holds_or_another_clients_key_is_401(mls_conversion_tracking_api_client, mls_mock,
                                                             mls_factory):
    other = mls_factory.client(name="twd")

    assert track(client_as(apikey="x" * 40))["code"] == 401
    assert track(client_as(client_id="twd"))["code"] == 401  # mls-test's key, twd in the path
    assert track(client_as(client_id="twd", apikey=other.apikey))["code"] == 200
    assert [c.status for c in mls_mock.calls] == [401, 401, 200]
    assert mls_mock.calls[0].body_truncated is True and mls_mock.calls[0].json is None  # a refused body is not kept
    assert [c["client_id"] for c in mls_mock.conversions] == ["twd"]


def test_faults_apply(mls_conversion_tracking_api_client, mls_mock):
    mls_mock.fail("POST", "/ct/*", status=503, error="down for a bit")

    assert track(mls_conversion_tracking_api_client) == {"code": 503, "error": "down for a bit", "results": None}
    assert track(mls_conversion_tracking_api_client)["code"] == 200


@pytest.mark.parametrize("runtime_env", [MLSRuntimeENV.MMS, MLSRuntimeENV.EDD])
def test_the_client_refuses_the_mms_and_edd_runtimes(runtime_env):
    with pytest.raises(AssertionError, match="EDD, MMS"):
        MLSConversionTrackingAPIClient(client_id="tw", apikey="k", env=MLSENV.STG, runtime_env=runtime_env)


def test_mms_from_the_environment_passes_the_constructor_and_breaks_in_request(mls_mock, monkeypatch):
    """sktmls asserts on the runtime_env argument only: $MLS_RUNTINE_ENV=MMS gets past it, and
    the MMS config has no conversion tracking URL (README: paths that break in sktmls)."""
    monkeypatch.setenv("MLS_RUNTINE_ENV", "MMS")
    client = MLSConversionTrackingAPIClient(client_id=TEST_CLIENT_ID, apikey=TEST_APIKEY, env=MLSENV.STG)

    assert client.get_runtime_env() == MLSRuntimeENV.MMS
    with pytest.raises(AttributeError, match="MLS_CONVERSION_TRACKING_API_URL"):
        client.request(conversion_type="click", **CONVERSION)
    assert len(mls_mock.calls) == 0


# ---- over a socket, and async ------------------------------------------------------------------

def test_request_against_the_live_server(mls_live_server, mls_conversion_tracking_api_client):
    assert track(mls_conversion_tracking_api_client, "like")["code"] == 200
    assert track(mls_conversion_tracking_api_client, "unlike")["code"] == 400
    assert [c["conversion_type"] for c in mls_live_server.mock.conversions] == ["like"]


def test_request_async_against_the_live_server(mls_live_server, mls_conversion_tracking_api_client):
    client = mls_conversion_tracking_api_client

    answer = asyncio.run(client.request_async(conversion_type="detail_view", **CONVERSION))
    refused = asyncio.run(client_as(apikey="y" * 40).request_async(conversion_type="click", **CONVERSION))

    assert answer == {"code": 200, "error": None, "results": None}
    assert refused["code"] == 401 and refused["error"].startswith("apikey: ")
    call = mls_live_server.mock.calls[0]
    assert (call.path, call.query, call.json) == (f"/ct/v1/{TEST_CLIENT_ID}/detail_view", {"mode": "test"}, CONVERSION)


def test_the_readme_example_runs_as_written(mls_mock, mls_conversion_tracking_api_client):
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Conversion tracking API\n", 1)[1].split("\n### ", 1)[0]
    namespace: dict = {}
    exec(compile(section.split("```python\n", 1)[1].split("```", 1)[0], "README.md", "exec"), namespace)
    namespace["test_a_click_is_tracked"](mls_mock, mls_conversion_tracking_api_client)
    assert len(mls_mock.conversions) == 1


def test_request_async_in_process(mls_conversion_tracking_api_client, mls_mock):
    client = mls_conversion_tracking_api_client

    async def send():
        return [await client.request_async(conversion_type=kind, **CONVERSION) for kind in ("impression", "dislike",
                                                                                              "share")]

    accepted, disliked, unknown = asyncio.run(send())
    assert accepted == disliked == {"code": 200, "error": None, "results": None}
    assert unknown["code"] == 400 and unknown["error"].startswith("conversion_type: ")
    assert [c["conversion_type"] for c in mls_mock.conversions] == ["impression", "dislike"]
    assert [c.user for c in mls_mock.calls] == [TEST_CLIENT_ID] * 3


def test_request_async_in_process_errors_and_faults(mls_conversion_tracking_api_client, mls_mock):
    mls_mock.fail("POST", "/ct/v1/*/like", status=502)
    client = mls_conversion_tracking_api_client

    assert asyncio.run(client.request_async(conversion_type="like", **CONVERSION))["code"] == 502
    assert asyncio.run(client_as(apikey="z" * 40).request_async(conversion_type="like", **CONVERSION))["code"] == 401
    assert asyncio.run(client.request_async(conversion_type="like", **{**CONVERSION, "item_id": ""}))["code"] == 400
    assert mls_mock.conversions == []

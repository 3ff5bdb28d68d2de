"""No test reaches a real MLS server while the plugin is active: the session-wide guard."""
import importlib.util



def test_client_without_the_fake_gets_a_clear_error_and_no_connection_is_opened(run):
    result = run('''
        import pytest, urllib3
        from sktmls.channels import ChannelClient
        from mls_mock.guard import RealMLSBlocked
        def test_it(monkeypatch):
            opened = []
            monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect", lambda self: opened.append(self.host))
            client = ChannelClient(username="someone", password="secret")
            with pytest.raises(RealMLSBlocked, match="blocked GET https://ab.stg.sktmls.com/api/v1/channels.*mls_mock"):
                client.list_channels()
            assert opened == []
    ''')
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*mls-mock blocked 1 attempt(s) to reach a real MLS host:", "*GET https://ab.stg.sktmls.com/api/v1/channels"])


def test_every_mls_host_is_refused_at_name_resolution(run):
    result = run('''
        import asyncio, socket, pytest, aiohttp
        from mls_mock.guard import RealMLSBlocked
        def test_resolver():
            for host in ("ab.stg.sktmls.com", "pf-internal.sktmls.ai", "anything.sktmls.com",
                         "mls-rec-nlb-29f22a1dae916c93.elb.ap-northeast-2.amazonaws.com"):
                with pytest.raises(socket.gaierror) as raised:
                    socket.getaddrinfo(host, 443)
                assert isinstance(raised.value, RealMLSBlocked) and host in str(raised.value)
        # The socket module, and c-ares through aiodns: aiohttp's default whenever aiodns is
        # installed, as in a full sktmls install (make test-full runs this case).
        @pytest.mark.parametrize("resolver", ["ThreadedResolver", "AsyncResolver"])
        def test_aiohttp(resolver):
            if resolver == "AsyncResolver":
                pytest.importorskip("aiodns", reason="aiodns not installed (a full sktmls install has it)")
            async def fetch():
                connector = aiohttp.TCPConnector(resolver=getattr(aiohttp, resolver)())
                async with aiohttp.ClientSession(connector=connector) as session:
                    async with session.get("https://ab.sktmls.com/api/v1/channels") as response:
                        return response.status
            with pytest.raises(aiohttp.ClientConnectorError, match="mls-mock blocked resolving ab.sktmls.com"):
                asyncio.run(fetch())
        def test_other_hosts_resolve_as_usual():
            assert socket.getaddrinfo("localhost", 80)
    ''')
    c_ares = importlib.util.find_spec("aiodns") is not None
    result.assert_outcomes(passed=3 + c_ares, skipped=1 - c_ares)


def test_the_guard_is_gone_after_the_session(run):
    import socket

    before = socket.getaddrinfo
    result = run('''
        def test_it():
            import socket
            assert socket.getaddrinfo.__qualname__ == "NetworkGuard._lookup.<locals>.guarded"
            assert socket.gethostbyname.__qualname__ == "NetworkGuard._lookup.<locals>.guarded"
    ''')
    result.assert_outcomes(passed=1)
    assert socket.getaddrinfo is before


def test_no_lookup_or_proxy_reaches_an_mls_host(run, monkeypatch):
    """gethostbyname is refused like getaddrinfo, and a proxy (which would resolve the name
    itself) is bypassed for MLS domains, so the refused lookup is the last word."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    result = run('''
        import os, socket, urllib.request, pytest
        from mls_mock.guard import RealMLSBlocked

        def test_it():
            with pytest.raises(RealMLSBlocked):
                socket.gethostbyname("ab.stg.sktmls.com")
            assert urllib.request.proxy_bypass("ab.stg.sktmls.com")
            with pytest.raises(Exception) as refused:
                urllib.request.urlopen("https://ab.stg.sktmls.com/api/v1/channels", timeout=2)
            assert "mls-mock blocked" in str(refused.value)
    ''')
    result.assert_outcomes(passed=1)

import asyncio
import contextlib
import gzip
import ipaddress
import re
import socket
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from watchers.errors import FetchError
from watchers.fetch import (
    PUBLIC_ONLY,
    BytesAhead,
    Fetched,
    FetchLimits,
    Validators,
    fetch,
    make_client,
    non_public,
)

LIMITS = FetchLimits(
    connect_timeout=2, read_timeout=2, deadline=5, max_bytes=10_000, max_redirects=3
)


async def test_conditional_get_sends_back_etag_and_last_modified(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Mon, 10 Mar 2025 10:00:00 GMT"}
    )
    httpserver.expect_ordered_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 10 Mar 2025 10:00:00 GMT"},
    ).respond_with_data("", status=304)
    async with make_client(LIMITS) as client:
        first = await fetch(client, "f", httpserver.url_for("/feed"), Validators(), LIMITS)
        second = await fetch(client, "f", httpserver.url_for("/feed"), first.validators, LIMITS)
    assert first.body == b"<rss/>"
    assert first.validators == Validators('"v1"', "Mon, 10 Mar 2025 10:00:00 GMT")
    assert second.not_modified
    assert second.validators == first.validators


async def connections_for_three_polls(
    reply: bytes, validators: Validators
) -> tuple[int, list[Fetched | FetchError]]:
    """Poll a server that gives every request ``reply`` three times over one client: the
    connections the server saw, and each poll's result (a Fetched or its FetchError)."""
    connections = 0
    ended = asyncio.Event()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(reply)
                await writer.drain()
        writer.close()
        await writer.wait_closed()
        ended.set()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    results: list[Fetched | FetchError] = []
    async with server:
        async with make_client(LIMITS) as client:
            for _ in range(3):
                try:
                    url = f"http://127.0.0.1:{port}/feed"
                    results.append(await fetch(client, "f", url, validators, LIMITS))
                except FetchError as e:
                    results.append(e)
        await asyncio.wait_for(ended.wait(), 5)  # the client closed its connection
    return connections, results


async def test_polls_answered_not_modified_share_one_connection() -> None:
    reply = b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n'
    connections, results = await connections_for_three_polls(reply, Validators('"v1"', None))
    assert all(isinstance(r, Fetched) and r.not_modified for r in results)
    # a server with thousands of feeds is not asked to open a connection for each
    assert connections == 1


async def test_polls_answered_with_a_short_error_page_share_one_connection() -> None:
    page = b"<h1>Service unavailable</h1>"
    reply = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: %d\r\n\r\n" % len(page)
    connections, results = await connections_for_three_polls(reply + page, Validators())
    # the failure is reported each time, and the host is not asked for a new connection each time
    assert [str(r) for r in results] == [str(results[0])] * 3
    assert all(isinstance(r, FetchError) and "HTTP 503" in str(r) for r in results)
    assert connections == 1


class CountingServers:
    """Servers on ports of 127.0.0.1 answering every request with a 304 and keeping the
    connection; they count the connections opened and those still open."""

    def __init__(self) -> None:
        self.opened = 0
        self.open = 0
        self.servers: list[asyncio.Server] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.opened += 1
        self.open += 1
        self.writers.append(writer)
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
                await writer.drain()
        self.open -= 1
        writer.close()

    async def start(self, count: int) -> list[str]:
        self.servers = [
            await asyncio.start_server(self.answer, "127.0.0.1", 0) for _ in range(count)
        ]
        return [f"http://127.0.0.1:{s.sockets[0].getsockname()[1]}/feed" for s in self.servers]

    async def close(self) -> None:
        """Once the client has closed its connections: every connection ended, then the
        servers."""
        async with asyncio.timeout(5):
            while self.open:
                await asyncio.sleep(0.01)
        for writer in self.writers:
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        for server in self.servers:
            server.close()
            await server.wait_closed()


async def test_more_hosts_than_connections_are_all_polled_within_the_limit() -> None:
    limits = FetchLimits(
        connect_timeout=2, read_timeout=2, deadline=5, polls_at_once=1, fetches_at_once=1
    )
    servers = CountingServers()
    urls = await servers.start(5)
    try:
        async with make_client(limits) as client:
            for url in urls + urls[:1]:
                fetched = await fetch(client, "f", url, Validators('"v1"'), limits)
                assert fetched.not_modified
                await asyncio.sleep(0.05)  # the server sees a connection closed
                # fetches and polls at once: idle connections make room for the next host
                assert servers.open <= 2
    finally:
        await servers.close()
    # the last two hosts' connections were kept until then; the first host's was not
    assert servers.opened == 6


async def test_a_connection_the_server_closed_is_not_used_again() -> None:
    servers = CountingServers()
    [url] = await servers.start(1)
    try:
        async with make_client(LIMITS) as client:
            assert (await fetch(client, "f", url, Validators('"v1"'), LIMITS)).not_modified
            servers.writers[0].close()  # the server hangs up the idle connection
            await asyncio.sleep(0.05)
            assert (await fetch(client, "f", url, Validators('"v1"'), LIMITS)).not_modified
            assert (await fetch(client, "f", url, Validators('"v1"'), LIMITS)).not_modified
    finally:
        await servers.close()
    assert servers.opened == 2


async def test_an_error_page_that_drips_is_reported_by_its_status() -> None:
    reported, ended = asyncio.Event(), asyncio.Event()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 1000\r\n\r\nx")
            await writer.drain()
            await reported.wait()  # the rest of the page never comes
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
        ended.set()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        async with make_client(LIMITS) as client:
            with pytest.raises(FetchError, match="HTTP 500"):
                await fetch(client, "f", f"http://127.0.0.1:{port}/feed", Validators(), LIMITS)
            reported.set()
        await asyncio.wait_for(ended.wait(), 5)


async def test_redirects_are_followed_and_the_final_url_is_kept(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("<rss/>")
    async with make_client(LIMITS) as client:
        got = await fetch(client, "f", httpserver.url_for("/old"), Validators(), LIMITS)
    assert got.url.endswith("/new")
    assert got.headers["content-location"].endswith("/new")


async def test_redirect_loops_are_bounded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match="more than 3 redirects"):
            await fetch(client, "loopy", httpserver.url_for("/loop"), Validators(), LIMITS)


async def test_a_redirect_to_another_host_on_this_machine_is_refused(
    httpserver: HTTPServer,
) -> None:
    # the feed's own host (localhost) may be on this machine; another name for it may not
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": f"http://127.0.0.1:{httpserver.port}/inner"}
    )
    httpserver.expect_request("/inner").respond_with_data("<rss/>")
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 is a loopback address"):
            await fetch(client, "f", httpserver.url_for("/start"), Validators(), LIMITS)
    assert [request.path for request, _ in httpserver.log] == ["/start"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata"),
        ("http://[fd00:ec2::254]/latest/", "fd00:ec2::254 is a cloud metadata"),
        ("http://169.254.10.1/feed", "169.254.10.1 is a link-local address"),
        ("http://[fe80::1]/feed", "fe80::1 is a link-local address"),
        ("http://0.0.0.0:9/feed", "0.0.0.0 is a unspecified address"),
    ],
)
async def test_link_local_and_metadata_addresses_are_never_fetched(url: str, reason: str) -> None:
    # not even as the feed's own host, which may otherwise be on a non-public address
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match=f"refused: {re.escape(reason)}"):
            await fetch(client, "f", url, Validators(), LIMITS)


class CountingResolver:
    """Answers every name with fixed addresses and counts the questions."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = addresses
        self.asked: list[str] = []

    async def getaddrinfo(self, host: str, port: int, **kw: object) -> list[tuple[Any, ...]]:
        self.asked.append(host)
        family = socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (a, port)) for a in self.addresses]


async def test_a_name_is_resolved_once_and_the_checked_address_connected_to(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "feeds.invalid" exists in no DNS: only a connection to the address we checked reaches
    # the server, and any second resolution would be counted
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    resolver = CountingResolver("127.0.0.1")
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolver.getaddrinfo)
    url = f"http://feeds.invalid:{httpserver.port}/feed"
    async with make_client(LIMITS) as client:
        got = await fetch(client, "f", url, Validators(), LIMITS)
        with pytest.raises(FetchError, match=r"refused: feeds.invalid \(resolved to 127.0.0.1"):
            await fetch(client, "f", url, Validators(), LIMITS, policy=PUBLIC_ONLY)
    assert got.body == b"<rss/>"
    assert resolver.asked == ["feeds.invalid"]
    assert len(httpserver.log) == 1


async def test_a_name_answering_a_forbidden_address_is_refused_before_connecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resolver = CountingResolver("169.254.169.254")
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", resolver.getaddrinfo)
    async with make_client(LIMITS) as client:
        with pytest.raises(
            FetchError, match=r"metadata.invalid \(resolved to 169.254.169.254\) is a cloud"
        ):
            await fetch(
                client, "f", "http://metadata.invalid/computeMetadata/", Validators(), LIMITS
            )
    assert resolver.asked == ["metadata.invalid"]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("fe80::1", "link-local"),
        ("10.0.0.7", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_which_addresses_are_not_public(address: str, kind: str | None) -> None:
    assert non_public(ipaddress.ip_address(address)) == kind


async def test_http_errors_name_the_feed_and_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=410)
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError) as caught:
            await fetch(client, "Gone feed", httpserver.url_for("/gone"), Validators(), LIMITS)
    assert caught.value.feed == "Gone feed"
    assert "HTTP 410" in str(caught.value)


async def test_decoded_body_size_is_capped(httpserver: HTTPServer) -> None:
    # small on the wire, large once decompressed: the cap is on what we would parse
    bomb = gzip.compress(b"<rss>" + b" " * 50_000 + b"</rss>")
    httpserver.expect_request("/big").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match="larger than 10000 bytes"):
            await fetch(client, "f", httpserver.url_for("/big"), Validators(), LIMITS)


async def test_a_slow_server_hits_the_deadline(httpserver: HTTPServer) -> None:
    import time

    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("<rss/>")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    limits = FetchLimits(connect_timeout=1, read_timeout=5, deadline=0.5)
    async with make_client(limits) as client:
        with pytest.raises(FetchError, match=r"no complete answer within 0\.5 s"):
            await fetch(client, "f", httpserver.url_for("/slow"), Validators(), limits)


async def test_unreachable_host_is_a_feed_error() -> None:
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match="ConnectError"):
            # port 9 (discard) is closed on the test machine's loopback
            await fetch(client, "f", "http://127.0.0.1:9/feed", Validators(), LIMITS)


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "/etc/passwd, not an http(s) URL"),
        ("mailto:desk@news.example", "redirected to an invalid URL"),
    ],
)
async def test_a_redirect_away_from_http_is_refused_and_said_so(
    httpserver: HTTPServer, location: str, reason: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "", status=302, headers={"Location": location}
    )
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError) as caught:
            await fetch(client, "Moved", httpserver.url_for("/feed"), Validators(), LIMITS)
    assert caught.value.feed == "Moved"
    assert reason in caught.value.message


async def test_a_redirect_without_a_location_is_an_http_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("", status=302)
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match="HTTP 302 from"):
            await fetch(client, "f", httpserver.url_for("/feed"), Validators(), LIMITS)


async def test_an_unusable_feed_url_is_named(httpserver: HTTPServer) -> None:
    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match="not an http"):
            await fetch(client, "f", "ftp://news.example/feed", Validators(), LIMITS)


async def test_of_two_bodies_partly_read_that_fill_the_bytes_allowed_the_older_goes_on() -> None:
    ahead = BytesAhead(1000)
    older, younger = ahead.claim(), ahead.claim()
    await older.at_least(400)
    await younger.at_least(500)
    # both need more: waiting on each other would stop the cycle, so the older goes on
    growing = asyncio.create_task(younger.at_least(900))
    await asyncio.wait_for(older.at_least(800), 1)
    await asyncio.sleep(0.01)
    assert not growing.done()
    older.keep(800)
    assert not growing.done()  # its body is held until read
    ahead.give(800)
    await asyncio.wait_for(growing, 1)
    assert ahead.held == 900


async def test_a_body_alone_may_pass_the_bytes_allowed_and_others_wait_for_it() -> None:
    ahead = BytesAhead(1000)
    first = ahead.claim()
    await asyncio.wait_for(first.at_least(5000), 1)
    second = ahead.claim()
    waiting = asyncio.create_task(second.at_least(10))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    first.drop()
    await asyncio.wait_for(waiting, 1)
    assert ahead.held == 10


async def test_a_large_body_waiting_for_room_is_not_passed_by_smaller_ones() -> None:
    ahead = BytesAhead(1000)
    unread = ahead.claim()
    await unread.at_least(600)
    unread.keep(600)  # fetched, waiting to be read
    large = asyncio.create_task(ahead.claim().at_least(800))
    await asyncio.sleep(0.01)
    # a small body would fit, but taking the room would keep the large one waiting
    small = asyncio.create_task(ahead.claim().at_least(100))
    await asyncio.sleep(0.01)
    assert not large.done()
    assert not small.done()
    ahead.give(600)
    await asyncio.wait_for(large, 1)
    await asyncio.wait_for(small, 1)
    assert ahead.held == 900


async def test_a_reservation_given_up_while_waiting_lets_the_next_in_turn_go() -> None:
    ahead = BytesAhead(1000)
    unread = ahead.claim()
    await unread.at_least(600)
    unread.keep(600)
    large = asyncio.create_task(ahead.claim().at_least(800))
    await asyncio.sleep(0.01)
    small = asyncio.create_task(ahead.claim().at_least(100))
    await asyncio.sleep(0.01)
    large.cancel()
    await asyncio.wait_for(small, 1)
    assert ahead.held == 700


@pytest.mark.parametrize("chunked", [False, True], ids=["with Content-Length", "chunked"])
async def test_a_fetch_holds_its_body_in_the_bytes_ahead_and_a_failed_one_holds_none(
    httpserver: HTTPServer, chunked: bool
) -> None:
    def body(size: int) -> Response:
        data = b"x" * size
        if chunked:
            return Response(iter([data[: size // 2], data[size // 2 :]]))
        return Response(data)

    httpserver.expect_request("/small").respond_with_handler(lambda _: body(3000))
    httpserver.expect_request("/large").respond_with_handler(lambda _: body(LIMITS.max_bytes + 1))
    ahead = BytesAhead(1000)
    async with make_client(LIMITS) as client:
        small = await fetch(
            client, "f", httpserver.url_for("/small"), Validators(), LIMITS, ahead=ahead
        )
        assert ahead.held == len(small.body) == 3000
        ahead.give(len(small.body))
        with pytest.raises(FetchError, match="larger than"):
            await fetch(
                client, "f", httpserver.url_for("/large"), Validators(), LIMITS, ahead=ahead
            )
    assert ahead.held == 0

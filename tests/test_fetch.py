import gzip

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from watchers.errors import FetchError
from watchers.fetch import FetchLimits, Validators, fetch, make_client

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


async def test_a_guard_sees_every_hop_and_may_refuse_one(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": "/inner"}
    )
    httpserver.expect_request("/inner").respond_with_data("<rss/>")
    seen: list[str] = []

    async def guard(url: httpx.URL) -> None:
        seen.append(url.path)
        if url.path == "/inner":
            raise FetchError("f", "refused: an inner address")

    async with make_client(LIMITS) as client:
        with pytest.raises(FetchError, match="refused: an inner address"):
            await fetch(
                client, "f", httpserver.url_for("/start"), Validators(), LIMITS, guard=guard
            )
    assert seen == ["/start", "/inner"]
    assert [request.path for request, _ in httpserver.log] == ["/start"]


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

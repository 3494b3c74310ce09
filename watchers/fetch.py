"""Fetching feeds over HTTP: timeouts, an overall deadline, bounded redirects,
conditional GET and a cap on the body size. No parsing here."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from watchers.errors import FetchError

USER_AGENT = "partnership-watch/0.1 (+https://github.com/partnership-watch)"

UrlGuard = Callable[[httpx.URL], Awaitable[None]]
"""Checks an address before it is requested, redirects included; raises FetchError to refuse."""


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5


@dataclass(frozen=True)
class Validators:
    """What the server told us last time, sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """The outcome of one fetch: a body, or ``not_modified``."""

    url: str
    status: int
    body: bytes
    headers: dict[str, str]
    validators: Validators
    not_modified: bool = False


def make_client(limits: FetchLimits) -> httpx.AsyncClient:
    """An HTTP client with our timeouts and redirect policy."""
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        headers={"User-Agent": USER_AGENT},
    )


async def fetch(
    client: httpx.AsyncClient,
    feed: str,
    url: str,
    validators: Validators,
    limits: FetchLimits,
    *,
    guard: UrlGuard | None = None,
) -> Fetched:
    """GET ``url`` conditionally; raise FetchError naming ``feed`` on any failure.

    ``guard``, when given, sees every address before it is requested, each redirect included.
    """
    try:
        return await asyncio.wait_for(
            _fetch(client, feed, url, validators, limits, guard), limits.deadline
        )
    except TimeoutError as e:
        raise FetchError(feed, f"no complete answer within {limits.deadline:g} s") from e
    except httpx.TimeoutException as e:
        raise FetchError(feed, f"timed out ({type(e).__name__})") from e
    except httpx.UnsupportedProtocol as e:
        target = str(e.request.url)
        if target == url:
            raise FetchError(feed, f"{url!r} is not an http(s) URL") from e
        raise FetchError(feed, f"redirected to {target}, not an http(s) URL") from e
    except httpx.InvalidURL as e:
        if _valid(url):  # then the server sent us somewhere unusable
            raise FetchError(feed, f"redirected to an invalid URL: {e}") from e
        raise FetchError(feed, f"invalid URL {url!r}: {e}") from e
    except httpx.HTTPError as e:
        raise FetchError(feed, f"{type(e).__name__}: {e}") from e


async def _fetch(
    client: httpx.AsyncClient,
    feed: str,
    url: str,
    validators: Validators,
    limits: FetchLimits,
    guard: UrlGuard | None,
) -> Fetched:
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"
    }
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    request = client.build_request("GET", url, headers=headers)
    # Redirects are followed here rather than by the client, so that the guard sees each one.
    for _ in range(limits.max_redirects + 1):
        if guard is not None:
            await guard(request.url)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            if response.next_request is None:
                return await _read(feed, response, validators, limits)
            request = response.next_request
        finally:
            await response.aclose()
    raise FetchError(feed, f"more than {limits.max_redirects} redirects")


async def _read(
    feed: str, response: httpx.Response, validators: Validators, limits: FetchLimits
) -> Fetched:
    final_url = str(response.url)
    if response.status_code == 304:
        return Fetched(final_url, 304, b"", dict(response.headers), validators, not_modified=True)
    if not 200 <= response.status_code < 300:  # a redirect with no Location ends here
        raise FetchError(feed, f"HTTP {response.status_code} from {final_url}")
    chunks: list[bytes] = []
    size = 0
    # aiter_bytes decodes Content-Encoding, so the cap applies to what we would parse
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(feed, f"body larger than {limits.max_bytes} bytes")
        chunks.append(chunk)
    new_validators = Validators(
        etag=response.headers.get("etag") or validators.etag,
        last_modified=response.headers.get("last-modified") or validators.last_modified,
    )
    response_headers = dict(response.headers)
    # feedparser resolves relative links and plain guids against content-location
    response_headers.setdefault("content-location", final_url)
    return Fetched(
        final_url, response.status_code, b"".join(chunks), response_headers, new_validators
    )


def _valid(url: str) -> bool:
    try:
        httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return True

"""Fetching feeds over HTTP: timeouts, an overall deadline, bounded redirects,
conditional GET, a cap on the body size, and a check of every address connected to.
No parsing here.

Where a request may connect: a name is resolved once, each address is checked, and the
connection is made to a checked address (never to a name resolved again later, so an
answer that changes in between cannot slip through). Link-local addresses and the clouds'
metadata services are never reached; loopback, private and other non-public addresses only
for the hosts a request allows (a feed's own host; see ``AddressPolicy``). With an HTTP
proxy set in the environment, the proxy resolves names and the checks apply to it.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import ipaddress
import select
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx
import sniffio

from watchers.errors import FetchError

USER_AGENT = "partnership-watch/0.1 (+https://github.com/partnership-watch)"


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much one fetch may take, how many run at once, and where documents
    are read."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    polls_at_once: int = 16
    """Documents read (parsed, extracted, remembered) at once; as many fetches again may
    wait on servers that were slow to answer last time."""
    fetches_at_once: int = 64
    """Fetches at once, ahead of the reading (``Watcher.poll_each``)."""
    bytes_ahead: int = 16_000_000
    """Bytes of documents fetched and not yet read past which fetching waits for reading
    (reserved before each body is read: see ``BytesAhead``)."""
    polls_per_host: int = 4
    """Feeds of one host fetched at once, so that one site is not hammered."""
    reading_processes: int = 0
    """Worker processes parsing and extracting fetched documents (0: threads of this one)."""


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


# --- where a request may connect ------------------------------------------------------------

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack and most others
        "169.254.170.2",  # AWS container credentials
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
    )
)
"""Cloud metadata services: they hand out credentials to whoever asks from inside."""


def non_public(address: IpAddress) -> str | None:
    """What kind of non-public address this is ("loopback", "private", ...), or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    kinds = (
        ("cloud metadata", address in METADATA_ADDRESSES),
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("non-public", not address.is_global),  # shared address space, 100.64.0.0/10
    )
    return next((kind for kind, found in kinds if found), None)


NEVER_REACHED = frozenset({"cloud metadata", "link-local", "unspecified", "multicast", "reserved"})
"""Kinds of address no request reaches, whatever it allows: nothing a feed needs lives there."""


@dataclass(frozen=True)
class AddressPolicy:
    """Which hosts a request may reach on loopback, private or other non-public addresses."""

    private_hosts: frozenset[str] = frozenset()

    @classmethod
    def own_host(cls, url: str) -> AddressPolicy:
        """Non-public addresses allowed for ``url``'s own host only."""
        try:
            host = parsed_url(url).host
        except httpx.InvalidURL:
            return cls()
        return cls(frozenset({host.lower()}) if host else frozenset())

    def refusal(self, host: str, address: IpAddress) -> str | None:
        """Why ``host`` may not be reached at ``address``, or None when it may."""
        kind = non_public(address)
        if kind is None:
            return None
        named = "" if str(address) == host.strip("[]") else f" (resolved to {address})"
        if kind in NEVER_REACHED:
            return f"{host}{named} is a {kind} address"
        if host.lower() not in self.private_hosts:
            return f"{host}{named} is a {kind} address"
        return None


@functools.lru_cache(maxsize=16_384)
def parsed_url(url: str) -> httpx.URL:
    """``httpx.URL(url)``, parsed once for all polls: a feed's URL was parsed three times a
    poll (its host, its lane, its request), a few percent of a poll's CPU. InvalidURL as
    httpx raises it (an error is not kept)."""
    return httpx.URL(url)


PUBLIC_ONLY = AddressPolicy()

_policy: contextvars.ContextVar[AddressPolicy] = contextvars.ContextVar(
    "address_policy", default=PUBLIC_ONLY
)


class AddressRefused(httpcore.ConnectError):
    """A host was not connected to: every address it stands for is refused."""


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolves each name once, checks every address, and connects to a checked one.

    The request's ``AddressPolicy`` comes from a context variable set around the send; the
    connection pool opens connections in the requesting task, so it is the one in force.
    Hosts found on non-public addresses are remembered, so that a pooled connection opened
    for one request is not reused by another that may not reach that host.
    """

    def __init__(self) -> None:
        # anyio directly: the automatic backend looks up the async library on every call
        self.inner = httpcore.AnyIOBackend()
        self.non_public_hosts: dict[str, str] = {}

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        policy = _policy.get()
        addresses = await resolve(host, port, timeout)
        refusals = [policy.refusal(host, a) for a in addresses]
        allowed = [a for a, why in zip(addresses, refusals, strict=True) if why is None]
        if not allowed:
            raise AddressRefused(next(why for why in refusals if why is not None))
        # said as a request that may reach only public addresses would be refused
        why = next((w for w in (PUBLIC_ONLY.refusal(host, a) for a in allowed) if w), None)
        if why is not None:
            self.non_public_hosts[host.lower()] = why
        error: Exception | None = None
        for address in allowed:
            try:
                stream = await self.inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
                return _Stream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e  # the next address may answer
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)

    def refusal(self, host: str, policy: AddressPolicy) -> str | None:
        """Why a pooled connection to ``host`` may not serve a request under ``policy``."""
        why = self.non_public_hosts.get(host.lower())
        return None if why is None or host.lower() in policy.private_hosts else why


class _Stream(httpcore.AsyncNetworkStream):
    """A connection whose "is it readable?" costs one poll of its socket.

    The pool asks it of every idle connection whenever it hands one out; anyio's answer
    builds all of the socket's attributes each time (a getpeername call among them), which
    was the pool's largest cost with many feeds.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self.socket: socket.socket | None = inner.get_extra_info("socket")
        # one poll object for the connection's life: asked far more often than made
        self.poll = _poll_for(self.socket)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self.inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _readable(self.socket, self.poll)
        if info == "socket":
            return self.socket
        return self.inner.get_extra_info(info)


def _poll_for(sock: socket.socket | None) -> Any:
    """A ``select.poll`` watching ``sock`` for input, or None (no socket, or Windows)."""
    if sock is None or sock.fileno() < 0 or not hasattr(select, "poll"):
        return None
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return poll


def _readable(sock: socket.socket | None, poll: Any = None) -> bool:
    """Whether reading would not wait (a closed socket counts: its read says so at once).
    ``poll``: a ``select.poll`` already watching ``sock`` (see ``_poll_for``)."""
    if sock is None or sock.fileno() < 0:
        return True
    if poll is None:
        poll = _poll_for(sock)
    if poll is None:  # Windows
        ready, _, _ = select.select([sock], [], [], 0)
        return bool(ready)
    return bool(poll.poll(0))


async def resolve(host: str, port: int, timeout: float | None) -> list[IpAddress]:
    """The addresses ``host`` stands for (itself when it is one); httpcore's errors if none."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout
        )
    except TimeoutError as e:
        raise httpcore.ConnectTimeout(f"{host} not resolved in time") from e
    except OSError as e:
        raise httpcore.ConnectError(f"{host} could not be resolved ({e})") from e
    # a scoped IPv6 address ("fe80::1%eth0") is link-local anyway; its scope is dropped
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(found))


def make_client(limits: FetchLimits) -> httpx.AsyncClient:
    """An HTTP client with our timeouts, connection limits and address checks."""
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    transport = httpx.AsyncHTTPTransport()
    # httpx has no setting for the network backend: its connection pool is replaced by one
    # like it that connects through ours (tests/test_fetch.py pins that this holds).
    transport._pool = _Pool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.fetches_at_once + limits.polls_at_once,
        max_keepalive_connections=limits.fetches_at_once + limits.polls_at_once,
        keepalive_expiry=5.0,
        network_backend=CheckedBackend(),
    )
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=False,
        max_redirects=limits.max_redirects,
        headers={"User-Agent": USER_AGENT},
        transport=transport,
    )


class _Pool(httpcore.AsyncConnectionPool):
    """httpcore's connection pool, handing out connections in one pass over them.

    The pool re-plans on every request and every response closed. httpcore's own plan counts
    all its connections once for each idle one, lists every connection for each queued
    request, and asks every connection whether it has expired (for an idle one, a poll of
    its socket): with a few dozen connections that was most of the pool's CPU in a poll
    cycle. This plan makes the same decisions in linear time, and asks a connection whether
    its server hung up when it is about to hand it out, the others (and whether they are
    closed) at most once a second.
    """

    EXPIRY_SWEEP_SECONDS = 1.0

    _next_sweep = 0.0

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []

        def close(connection: httpcore.AsyncConnectionInterface) -> None:
            self._connections.remove(connection)
            closing.append(connection)

        # Now and then (and when idle connections may be past the keep-alive limit): drop
        # closed connections, close expired ones (their keep-alive ran out or the server
        # hung up) and idle ones beyond the limit (as in httpcore, compared with the number
        # of all connections, not of idle ones). A closed connection kept until then is
        # never handed out: it is not available.
        now = time.monotonic()
        sweep = now >= self._next_sweep
        if sweep:
            self._next_sweep = now + self.EXPIRY_SWEEP_SECONDS
        if sweep or len(self._connections) > self._max_keepalive_connections:
            for connection in list(self._connections):
                if connection.is_closed():
                    self._connections.remove(connection)
                elif (sweep and connection.has_expired()) or (
                    connection.is_idle()
                    and len(self._connections) > self._max_keepalive_connections
                ):
                    close(connection)
        # Give each queued request a connection: one to its origin that is free and whose
        # server is still there, else a new one while the limit allows, else a new one in
        # place of the first idle one.
        for pool_request in [r for r in self._requests if r.is_queued()]:
            origin = pool_request.request.url.origin
            available = None
            for connection in [
                c for c in self._connections if c.is_available() and c.can_handle_request(origin)
            ]:
                if not connection.has_expired():
                    available = connection
                    break
                close(connection)
            if available is not None:
                pool_request.assign_to_connection(available)
                continue
            if len(self._connections) >= self._max_connections:
                self._connections[:] = [c for c in self._connections if not c.is_closed()]
            if len(self._connections) >= self._max_connections:
                idle = next((c for c in self._connections if c.is_idle()), None)
                if idle is None:
                    continue  # it waits for a connection to be freed
                close(idle)
            connection = self.create_connection(origin)
            self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing


def _backend(client: httpx.AsyncClient) -> CheckedBackend | None:
    pool = getattr(client._transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    return backend if isinstance(backend, CheckedBackend) else None


# --- the bytes fetched ahead of reading --------------------------------------------------------

READ_AHEAD = 64 * 1024
"""Bytes reserved ahead of each read of a body whose length the server did not give."""


class BytesAhead:
    """The bytes of documents fetched and not yet read, and room for more.

    A fetch reserves its body's bytes before reading them (``claim``): the length the server
    gives, else ``READ_AHEAD`` at a time as the body arrives. A reservation waits while it
    would take the bytes held past ``most``, except for the oldest body already partly read
    (so that fetches each holding part of a body cannot wait on each other for ever) and a
    body alone. So the bytes held stay within ``most`` plus one body, however many fetches
    run at once, besides what each fetch has read past its reservation before it reserves
    more: one read, and for a compressed body (whose Content-Length counts compressed
    bytes) what that read decodes to. Reservations that wait are served in turn: once one
    waits, later ones wait behind it, so that a large body is not passed for ever by small
    ones taking the room it waits for. A whole body's bytes are held until ``give`` (its
    reading done).
    """

    def __init__(self, most: int, on_wait: Callable[[], None] | None = None) -> None:
        self.most = most
        self.on_wait = on_wait
        """Told whenever a fetch is about to wait for room: only reading makes room."""
        self.held = 0
        self._claims: list[BodyClaim] = []  # oldest first
        self._waiting: list[BodyClaim] = []  # those waiting for room, in turn
        self._freed = asyncio.Event()
        self._freed.set()

    async def room(self) -> None:
        """Wait until the bytes held are fewer than ``most`` (before a fetch starts)."""
        while self.held >= self.most:
            self._waits()
            self._freed.clear()
            await self._freed.wait()

    def claim(self) -> BodyClaim:
        """A reservation for one body, empty until it ``grow``s."""
        claim = BodyClaim(self)
        self._claims.append(claim)
        return claim

    def give(self, size: int) -> None:
        """A body of ``size`` bytes has been read (or dropped)."""
        self.held -= size
        self._freed.set()

    async def _take(self, claim: BodyClaim, size: int) -> None:
        if not self._may_take(claim, size):
            self._waiting.append(claim)
            try:
                while not self._may_take(claim, size):
                    self._waits()
                    self._freed.clear()
                    await self._freed.wait()
            finally:
                self._waiting.remove(claim)
                self._freed.set()  # the next in turn may go now
        self.held += size
        claim.size += size

    def _waits(self) -> None:
        if self.on_wait is not None:
            self.on_wait()

    def _may_take(self, claim: BodyClaim, size: int) -> bool:
        if self.held == claim.size or claim is self._oldest():
            return True  # these go before their turn, or none might ever go
        in_turn = not self._waiting or self._waiting[0] is claim
        return in_turn and self.held + size <= self.most

    def _oldest(self) -> BodyClaim | None:
        """The oldest claim already holding part of its body."""
        return next((c for c in self._claims if c.size), None)

    def _close(self, claim: BodyClaim, kept: int) -> None:
        self._claims.remove(claim)
        self.give(claim.size - kept)


class BodyClaim:
    """The bytes reserved for one body being read (``BytesAhead.claim``)."""

    def __init__(self, ahead: BytesAhead) -> None:
        self.ahead = ahead
        self.size = 0

    async def at_least(self, size: int) -> None:
        """Reserve until ``size`` bytes are held for this body, waiting for room."""
        if size > self.size:
            await self.ahead._take(self, size - self.size)

    def keep(self, size: int) -> None:
        """The body is whole at ``size`` bytes: hold those (until ``BytesAhead.give``) and
        let the rest of the reservation go."""
        self.ahead._close(self, size)

    def drop(self) -> None:
        """The body is not kept: let the whole reservation go."""
        self.ahead._close(self, 0)


# --- fetching -------------------------------------------------------------------------------


async def fetch(
    client: httpx.AsyncClient,
    feed: str,
    url: str,
    validators: Validators,
    limits: FetchLimits,
    *,
    policy: AddressPolicy | None = None,
    ahead: BytesAhead | None = None,
) -> Fetched:
    """GET ``url`` conditionally; raise FetchError naming ``feed`` on any failure.

    ``policy`` says which hosts may be on non-public addresses, each redirect included; by
    default only ``url``'s own host. With ``ahead``, the body's bytes are reserved there
    before they are read, and the body returned holds its size there until given back.
    """
    policy = policy if policy is not None else AddressPolicy.own_host(url)
    # httpcore asks sniffio which async library runs it for each lock and event it makes;
    # said once here, sniffio need not look at the running task each time.
    library = sniffio.current_async_library_cvar.set("asyncio")
    try:
        return await asyncio.wait_for(
            _fetch(client, feed, url, validators, limits, policy, ahead), limits.deadline
        )
    except TimeoutError as e:
        raise FetchError(feed, f"no complete answer within {limits.deadline:g} s") from e
    except httpx.TimeoutException as e:
        raise FetchError(feed, f"timed out ({type(e).__name__})") from e
    except httpx.ConnectError as e:
        if isinstance(e.__cause__, AddressRefused):
            raise FetchError(feed, f"refused: {e}") from e
        raise FetchError(feed, f"ConnectError: {e}") from e
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
    finally:
        sniffio.current_async_library_cvar.reset(library)


async def _fetch(
    client: httpx.AsyncClient,
    feed: str,
    url: str,
    validators: Validators,
    limits: FetchLimits,
    policy: AddressPolicy,
    ahead: BytesAhead | None,
) -> Fetched:
    headers = {
        "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
        "application/xml;q=0.9, */*;q=0.5"
    }
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    request = client.build_request("GET", parsed_url(url), headers=headers)
    backend = _backend(client)
    # Redirects are followed here rather than by the client, so that each hop is checked.
    for _ in range(limits.max_redirects + 1):
        refused = backend.refusal(request.url.host, policy) if backend else None
        if refused is not None:
            raise FetchError(feed, f"refused: {refused}")
        token = _policy.set(policy)
        try:
            response = await client.send(request, stream=True, follow_redirects=False)
        finally:
            _policy.reset(token)
        try:
            if response.next_request is None:
                return await _read(feed, response, validators, limits, ahead)
            request = response.next_request
        finally:
            await response.aclose()
    raise FetchError(feed, f"more than {limits.max_redirects} redirects")


# The most of an error page read to its end, in bytes and seconds: a connection is kept only
# once its answer is read whole, and a longer or slower page is not worth the wait, so its
# connection is closed instead.
ERROR_PAGE_BYTES = 64 * 1024
ERROR_PAGE_SECONDS = 1.0


async def _read_short_error_page(response: httpx.Response) -> None:
    """Read an error answer's page to its end when it is short, so that its connection stays
    open for the host's next poll (a 500 otherwise costs its host a new connection)."""
    size = 0
    try:
        async with asyncio.timeout(ERROR_PAGE_SECONDS):
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > ERROR_PAGE_BYTES:
                    return
    except (httpx.HTTPError, TimeoutError):
        return  # the status is the failure to report, not how its page ended


async def _read(
    feed: str,
    response: httpx.Response,
    validators: Validators,
    limits: FetchLimits,
    ahead: BytesAhead | None = None,
) -> Fetched:
    final_url = str(response.url)
    if response.status_code == 304:
        # A 304 has no body, but until its end is read the connection counts as busy and
        # closing the response closes it: the next poll of the host would connect anew.
        await response.aread()
        return Fetched(final_url, 304, b"", dict(response.headers), validators, not_modified=True)
    if not 200 <= response.status_code < 300:  # a redirect with no Location ends here
        await _read_short_error_page(response)
        raise FetchError(feed, f"HTTP {response.status_code} from {final_url}")
    length = _content_length(response)
    if (
        length is not None
        and length > limits.max_bytes
        and not response.headers.get("content-encoding")
    ):
        raise FetchError(feed, f"body larger than {limits.max_bytes} bytes")
    claim = ahead.claim() if ahead is not None else None
    chunks: list[bytes] = []
    size = 0
    try:
        if claim is not None:
            await claim.at_least(min(length or READ_AHEAD, limits.max_bytes))
        # aiter_bytes decodes Content-Encoding, so the cap applies to what we would parse
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(feed, f"body larger than {limits.max_bytes} bytes")
            chunks.append(chunk)
            if claim is not None and size >= claim.size and size != length:
                # room for the next read before it is made (none after the last one)
                await claim.at_least(min(size + READ_AHEAD, limits.max_bytes))
    except BaseException:
        if claim is not None:
            claim.drop()
        raise
    if claim is not None:
        claim.keep(size)
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


def _content_length(response: httpx.Response) -> int | None:
    """The body's length as the server gives it, when it gives one that can be read."""
    value = response.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


def _valid(url: str) -> bool:
    try:
        httpx.URL(url)
    except httpx.InvalidURL:
        return False
    return True

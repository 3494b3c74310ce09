"""A local stand-in for the Slack Web API and Socket Mode, for tests at the wire.

It listens on 127.0.0.1 on a free port and answers the way Slack does, so the real
slack_sdk and slack-bolt code (HTTP, auth header, retry handlers, Socket Mode envelopes)
runs unchanged against it. Point ``AsyncWebClient(base_url=fake.api_base)`` at it.

Facts worth knowing, found while writing it:
- slack_sdk sends ``chat.*`` arguments as a JSON body, ``users.info`` and
  ``usergroups.users.list`` as GET query parameters, and ``auth.test`` as an empty POST;
  the fake merges all three places.
- Slack answers most errors with HTTP 200 and ``{"ok": false, "error": "..."}``; only rate
  limiting uses a status (429) plus a ``Retry-After`` header in whole seconds, which the
  SDK's ``AsyncRateLimitErrorRetryHandler`` reads before sleeping.
- slack-bolt's async app calls ``auth.test`` lazily, on the first request that needs it.
- A slash command's ``response_url`` takes a JSON body (``text``, ``response_type``); the
  fake serves it under ``/response/KEY`` and keeps what was posted in ``responses``.
- ``files_upload_v2`` takes three steps: ``files.getUploadURLExternal`` (form fields
  ``filename`` and ``length``) gives an upload URL, which gets the bytes as a plain POST
  body, then ``files.completeUploadExternal`` shares the file (``files`` as a JSON string,
  ``channel_id``, ``initial_comment``). The fake serves the upload URL itself and keeps
  every shared file in ``shared``.
- ``chat.postMessage`` takes ``metadata`` (``event_type``, ``event_payload``) in its JSON
  body; ``conversations.history`` is a GET whose booleans the SDK sends as "1"/"0". Slack
  returns a message's metadata only with ``include_all_metadata``, lists messages newest
  first from ``latest`` down to ``oldest``, and pages with ``has_more`` and
  ``response_metadata.next_cursor``. A message's ``ts`` is Slack's clock: ``clock`` here.
- The SDK's default retry handler sends a call again at once when its connection breaks;
  ``drop_after_taking`` makes the fake do what a lost answer looks like from the client.
- Socket Mode: ``apps.connections.open`` (app-level token) returns a WebSocket URL; the
  server sends ``{"type": "hello"}``, then envelopes; the client acknowledges each with
  ``{"envelope_id": ..., "payload": ...}``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from bot.chat.commands import CommandDeps
from bot.config import SlackSettings
from bot.platforms.slack.app import SlackApp, SlackSecrets
from bot.platforms.slack.commands import CHANGES

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
TEAM_ID = "T0FAKE"
BOT_USER_ID = "U0BOT"
SIGNING_SECRET = "d41d8cd98f00b204e9800998ecf8427e"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Call:
    """One Web API call the fake received."""

    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class Message:
    """A message as the fake stores it."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    edits: int = 0
    metadata: dict[str, Any] | None = None


@dataclass
class SharedFile:
    """A file shared in a channel through ``files.completeUploadExternal``."""

    channel: str
    filename: str
    title: str
    data: bytes
    initial_comment: str


@dataclass
class Channel:
    """A channel's state as far as posting is concerned."""

    member: bool = True
    archived: bool = False


@dataclass
class _Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """The fake server: script it, start it, point a client at ``api_base``."""

    def __init__(self, *, bot_token: str = BOT_TOKEN, app_token: str = APP_TOKEN) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.calls: list[Call] = []
        self.channels: dict[str, Channel] = {}
        self.messages: list[Message] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.responses: list[dict[str, Any]] = []
        """Bodies posted to a slash command's ``response_url``."""
        self.uploads: dict[str, tuple[str, bytes | None]] = {}
        """Files by id: the name given, and the bytes once uploaded."""
        self.shared: list[SharedFile] = []
        self._scripted: dict[str, deque[_Scripted]] = {}
        self._held: dict[str, asyncio.Event] = {}
        self._dropped: dict[str, int] = {}
        self._late: dict[str, float] = {}
        self.clock: Callable[[], float] = time.time
        """Slack's clock, in Unix seconds: what a new message's ``ts`` is made of."""
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._base = ""
        self._sockets: list[web.WebSocketResponse] = []
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.socket_connected = asyncio.Event()

    # ---- scripting

    def add_channel(self, channel_id: str, *, member: bool = True, archived: bool = False) -> None:
        """A channel that exists; ``member`` says whether the bot was invited."""
        self.channels[channel_id] = Channel(member=member, archived=archived)

    def add_user(self, user_id: str, *, admin: bool = False, owner: bool = False) -> None:
        """A workspace member, optionally an admin or owner."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": user_id.lower(),
            "is_admin": admin,
            "is_owner": owner,
            "is_primary_owner": False,
            "is_bot": False,
        }

    def add_usergroup(self, group_id: str, members: list[str]) -> None:
        """A user group (``S...``) and its members."""
        self.usergroups[group_id] = list(members)

    def rate_limit_next(self, method: str, *, retry_after: int = 0, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` with 429 and ``Retry-After``."""
        for _ in range(times):
            self._script(
                method,
                _Scripted(
                    429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
                ),
            )

    def fail_next(self, method: str, error: str, *, status: int = 200) -> None:
        """Answer the next call to ``method`` with ``ok: false`` and this error."""
        self._script(method, _Scripted(status, {"ok": False, "error": error}))

    def hold(self, method: str) -> None:
        """Keep calls to ``method`` waiting for their answer until ``release``: a slow Slack."""
        self._held[method] = asyncio.Event()

    def release(self, method: str) -> None:
        """Answer the held calls to ``method``, and the later ones at once."""
        held = self._held.pop(method, None)
        if held is not None:
            held.set()

    def drop_after_taking(self, method: str, *, times: int = 1) -> None:
        """Do the next ``times`` calls to ``method``, then close the connection unanswered."""
        self._dropped[method] = self._dropped.get(method, 0) + times

    def answer_late(self, method: str, seconds: float) -> None:
        """Do each call to ``method`` at once, and answer it ``seconds`` later (a timeout)."""
        self._late[method] = seconds

    def _script(self, method: str, answer: _Scripted) -> None:
        self._scripted.setdefault(method, deque()).append(answer)

    # ---- reading what happened

    def calls_to(self, method: str) -> list[Call]:
        """Every call to one API method, in order."""
        return [c for c in self.calls if c.method == method]

    async def wait_for_call(self, method: str, *, timeout: float = 10) -> Call:
        """The first call to ``method``, once it has arrived."""
        async with asyncio.timeout(timeout):
            while not self.calls_to(method):
                await asyncio.sleep(0.005)
        return self.calls_to(method)[0]

    async def wait_for_response(self, key: str, *, timeout: float = 10) -> dict[str, Any]:
        """The body posted to the ``response_url`` ending in ``key``, once it has arrived."""
        async with asyncio.timeout(timeout):
            while not (found := [r for r in self.responses if r["key"] == key]):
                await asyncio.sleep(0.005)
        return found[-1]

    def response_url(self, key: str) -> str:
        """A slash command's ``response_url``, answered by this fake and kept under ``key``."""
        return f"{self._base}/response/{key}"

    def posted(self, channel: str) -> list[Message]:
        """Messages in one channel, in order, thread replies included."""
        return [m for m in self.messages if m.channel == channel]

    # ---- life cycle

    @property
    def api_base(self) -> str:
        """The Web API base URL, e.g. ``http://127.0.0.1:PORT/api/``."""
        return f"{self._base}/api/"

    @property
    def base_url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:PORT``."""
        return self._base

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a free port."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link", self._socket)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self._base = f"http://{host}:{port}"

    async def close(self) -> None:
        """Close open sockets, answer held calls and stop listening."""
        for method in list(self._held):
            self.release(method)
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- Socket Mode

    async def send_envelope(
        self, kind: str, payload: dict[str, Any], *, timeout: float = 10
    ) -> dict[str, Any]:
        """Push one envelope to the connected client; return its acknowledgement."""
        await asyncio.wait_for(self.socket_connected.wait(), timeout)
        envelope_id = str(uuid.uuid4())
        done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = done
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "accepts_response_payload": True,
            "payload": payload,
        }
        await self._sockets[-1].send_str(json.dumps(envelope))
        return await asyncio.wait_for(done, timeout)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self.socket_connected.set()
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                ack = json.loads(msg.data)
                waiter = self._acks.pop(ack.get("envelope_id", ""), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(ack)
        finally:
            self._sockets.remove(ws)
            if not self._sockets:
                self.socket_connected.clear()
        return ws

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"key": request.match_info["key"], **body})
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        if file_id not in self.uploads:
            return web.Response(status=404, text="no such upload")
        self.uploads[file_id] = (self.uploads[file_id][0], await request.read())
        return web.Response(text="OK - uploaded")

    # ---- Web API

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        token = _bearer(request.headers.get("Authorization", ""))
        self.calls.append(Call(method, args, token))
        held = self._held.get(method)
        if held is not None:
            await held.wait()

        queue = self._scripted.get(method)
        if queue:
            answer = queue.popleft()
            return web.json_response(answer.body, status=answer.status, headers=answer.headers)

        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token is None:
            return _error("not_authed")
        if token != expected:
            return _error("invalid_auth")
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return _error("unknown_method")
        body: dict[str, Any] = handler(args)
        if self._dropped.get(method):
            self._dropped[method] -= 1
            assert request.transport is not None
            request.transport.close()  # done, and the answer never leaves
            return web.json_response(body)
        if method in self._late:
            await asyncio.sleep(self._late[method])
        return web.json_response(body)

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.test/",
            "team": "Fake Team",
            "user": "partnership-watch",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "B0BOT",
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ws_base = self._base.replace("http://", "ws://", 1)
        return {"ok": True, "url": f"{ws_base}/link"}

    def _channel_problem(self, channel: str) -> str | None:
        state = self.channels.get(channel)
        if state is None:
            return "channel_not_found"
        if state.archived:
            return "is_archived"
        if not state.member:
            return "not_in_channel"
        return None

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        problem = self._channel_problem(channel)
        if problem is not None:
            return {"ok": False, "error": problem}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        thread_ts = args.get("thread_ts")
        if thread_ts is not None and self._find(channel, str(thread_ts)) is None:
            return {"ok": False, "error": "thread_not_found"}
        ts = f"{int(self.clock())}.{next(self._ts):06d}"
        metadata = args.get("metadata")
        message = Message(
            channel=channel,
            ts=ts,
            text=str(args.get("text", "")),
            blocks=_blocks(args.get("blocks")),
            thread_ts=None if thread_ts is None else str(thread_ts),
            metadata=json.loads(metadata) if isinstance(metadata, str) else metadata,
        )
        self.messages.append(message)
        return {"ok": True, "channel": channel, "ts": ts, "message": _as_dict(message)}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        problem = self._channel_problem(channel)
        if problem is not None:
            return {"ok": False, "error": problem}
        message = self._find(channel, str(args.get("ts", "")))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.text = str(args.get("text", message.text))
        if "blocks" in args:
            message.blocks = _blocks(args["blocks"])
        message.edits += 1
        return {"ok": True, "channel": channel, "ts": message.ts, "text": message.text}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        problem = self._channel_problem(channel)
        if problem is not None:
            return {"ok": False, "error": problem}
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")
        inclusive = _flag(args.get("inclusive"))

        def shown(m: Message) -> bool:
            at = float(m.ts)
            within = oldest <= at <= latest if inclusive else oldest < at < latest
            return within and m.thread_ts is None  # replies live in their thread

        newest_first = sorted(
            filter(shown, self.posted(channel)), key=lambda m: float(m.ts), reverse=True
        )
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        page = newest_first[start : start + limit]
        more = start + limit < len(newest_first)
        metadata = _flag(args.get("include_all_metadata"))
        return {
            "ok": True,
            "messages": [_as_dict(m, metadata=metadata) for m in page],
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts):08d}"
        self.uploads[file_id] = (str(args.get("filename", "")), None)
        return {"ok": True, "upload_url": f"{self._base}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel_id", ""))
        problem = self._channel_problem(channel)
        if problem is not None:
            return {"ok": False, "error": problem}
        done = []
        for item in json.loads(str(args.get("files", "[]"))):
            name, data = self.uploads.get(item["id"], ("", None))
            if data is None:
                return {"ok": False, "error": "file_not_found"}
            title = str(item.get("title", name))
            comment = str(args.get("initial_comment", ""))
            self.shared.append(SharedFile(channel, name, title, data, comment))
            done.append({"id": item["id"], "name": name, "title": title})
        return {"ok": True, "files": done}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        members = self.usergroups.get(str(args.get("usergroup", "")))
        if members is None:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": members}

    def _find(self, channel: str, ts: str) -> Message | None:
        for message in self.messages:
            if message.channel == channel and message.ts == ts:
                return message
        return None


@asynccontextmanager
async def http_app(
    fake: FakeSlack, deps: CommandDeps | None = None, **settings: Any
) -> AsyncIterator[SlackApp]:
    """Our Slack app in HTTP mode on 127.0.0.1, calling ``fake``, with ``/watch`` answered
    from ``deps`` when given; it answers inside the request, so a test sees the outcome."""
    app = SlackApp(
        SlackSettings(mode="http", api_base=fake.api_base, port=0, **settings),
        SlackSecrets(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET),
        host="127.0.0.1",
        process_before_response=True,
    )
    if deps is not None:
        app.serve_watch(deps)
    await app.start()
    try:
        yield app
    finally:
        await app.close()


def slash_command(
    command: str,
    text: str,
    user: str,
    channel: str = "C0ALERTS",
    response_url: str = "http://127.0.0.1:9/unused",
) -> dict[str, str]:
    """A slash command's payload as Slack sends it (form fields, or a Socket Mode envelope's)."""
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "fake",
        "channel_id": channel,
        "channel_name": "alerts",
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": "A0APP",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


async def post_event(app: SlackApp, body: str, headers: dict[str, str]) -> tuple[int, str]:
    """POST ``body`` to the app's request URL as Slack does; the status and the answer."""
    url = f"http://127.0.0.1:{app.port}/slack/events"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body.encode(), headers=headers) as response,
    ):
        return response.status, await response.text()


async def post_signed(
    app: SlackApp, body: str, *, secret: str = SIGNING_SECRET, age: int = 0
) -> tuple[int, str]:
    """POST a form ``body`` signed as Slack signs it (see ``signed_headers``)."""
    return await post_event(app, body, signed_headers(body, secret=secret, age=age))


_keys = itertools.count(1)
SHOWN_IN_CHANNEL = {"text": "", "response_type": "in_channel"}
"""The acknowledgement of a change: Slack shows the command itself to the channel."""


async def slash(
    app: SlackApp,
    user: str,
    text: str,
    *,
    channel: str = "C0ALERTS",
    secret: str = SIGNING_SECRET,
    response_url: str = "http://127.0.0.1:9/unused",
) -> tuple[int, dict[str, Any]]:
    """Send ``/watch text`` signed like Slack; the status and the JSON response."""
    body = urlencode(slash_command("/watch", text, user, channel, response_url))
    status, raw = await post_signed(app, body, secret=secret)
    return status, json.loads(raw) if raw.startswith("{") else {"raw": raw}


async def watch(
    slack_api: FakeSlack, app: SlackApp, user: str, text: str, channel: str = "C0ALERTS"
) -> dict[str, Any]:
    """Send ``/watch text`` as ``user`` in ``channel``: it is acknowledged with nothing to say
    (a change is shown to the channel); the answer that followed, through the response URL."""
    key = str(next(_keys))
    status, ack = await slash(
        app, user, text, channel=channel, response_url=slack_api.response_url(key)
    )
    changes = text.split()[:1] in [[c] for c in CHANGES]
    # Only a change is shown to the channel; reading is between the caller and the bot.
    assert (status, ack) == (200, SHOWN_IN_CHANNEL if changes else {"raw": ""})
    answer = await slack_api.wait_for_response(key)
    return answer


def signed_headers(body: str, *, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    """Headers Slack would send with a form ``body``: a timestamp ``age`` seconds ago, and
    its v0 signature with ``secret``."""
    timestamp = int(time.time()) - age
    verifier = SignatureVerifier(secret)
    signature = verifier.generate_signature(timestamp=str(timestamp), body=body)
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": str(signature),
        "Content-Type": FORM,
    }


def _bearer(header: str) -> str | None:
    prefix = "Bearer "
    return header[len(prefix) :] if header.startswith(prefix) else None


def _error(code: str) -> web.Response:
    return web.json_response({"ok": False, "error": code})


def _blocks(value: Any) -> list[dict[str, Any]]:
    # The SDK sends blocks inside a JSON body as a list; form posts carry a JSON string.
    if isinstance(value, str):
        decoded: list[dict[str, Any]] = json.loads(value)
        return decoded
    return list(value or [])


def _flag(value: Any) -> bool:
    """A boolean argument as the SDK sends it: "1"/"0" in a query, true/false in JSON."""
    return value is True or str(value).lower() in ("1", "true")


def _as_dict(message: Message, *, metadata: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "message", "text": message.text, "ts": message.ts}
    if message.blocks:
        out["blocks"] = message.blocks
    if message.thread_ts is not None:
        out["thread_ts"] = message.thread_ts
    if metadata and message.metadata is not None:
        out["metadata"] = message.metadata
    return out

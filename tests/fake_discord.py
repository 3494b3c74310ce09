"""A fake Discord REST API on 127.0.0.1 that answers discord.py's real requests.

Point ``discord.http.Route.BASE`` at ``FakeDiscord.api_base``: discord.py builds every REST,
webhook and interaction URL from it, so the library's own auth, bucket, retry and JSON code
runs against this server. Things learnt while making discord.py accept the answers:

- discord.py decodes a body as JSON only when ``Content-Type`` is exactly
  ``application/json`` (no ``; charset=utf-8``), so we set the header by hand instead of
  using ``web.json_response``.
- On a 429 discord.py retries only when the response has a ``Via`` header: without it the
  429 is taken for a Cloudflare ban and raised at once. Discord's real API sits behind a
  proxy that adds ``Via``, so our scripted 429s carry one. The wait comes from the body's
  ``retry_after`` (seconds), mirrored in the ``Retry-After`` header as Discord does.
- ``Client.login()`` calls ``GET /users/@me`` and then ``GET /oauth2/applications/@me``.
- ``Webhook.send(wait=True)`` adds ``?wait=1`` and expects the created message back;
  without it Discord answers 204 with no body.
- Interaction callbacks are sent with ``?with_response=1`` and answered with an
  ``InteractionCallback`` object.
- A message with files is sent as ``multipart/form-data``: its JSON in a ``payload_json``
  part, each file in a ``files[N]`` part; the fake records the JSON as the body and the
  files as (filename, bytes) in ``Recorded.files``.
- The gateway URL does not come from ``Route.BASE`` but from
  ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``; point that at ``gateway_url``.
  discord.py accepts uncompressed text frames even when it asked for zlib-stream.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

from aiohttp import web
from discord.http import Route

if TYPE_CHECKING:
    from bot.platforms.discord.client import DiscordBot

API_PREFIX = "/api/v10"
# Where the middleware keeps a request's JSON body for the handlers: a typed key, since a
# plain string key makes aiohttp warn, and the suite turns warnings into errors.
_JSON_BODY: web.RequestKey[Any] = web.RequestKey("json_body", object)
BOT_USER_ID = "1100000000000000001"
APPLICATION_ID = "1100000000000000002"
OWNER_ID = "1100000000000000003"
WEBHOOK_CHANNEL_ID = "1100000000000000004"
WEBHOOK_ID = "1250000000000000001"
WEBHOOK_TOKEN = "w" * 68
WEBHOOK_URL = f"https://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}"
"""A webhook as Discord hands it out; the fake answers it under any API base."""

_ERRORS: dict[int, tuple[str, int]] = {
    400: ("Invalid Form Body", 50035),
    401: ("401: Unauthorized", 0),
    403: ("Missing Permissions", 50013),
    404: ("Unknown Channel", 10003),
    500: ("Internal Server Error", 0),
}


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Files of a multipart request by part name: (filename, content)."""

    @property
    def json(self) -> Any:
        return self.body


@dataclass
class Failure:
    """A scripted error answer for requests matching ``method`` and ``path`` (a regex)."""

    method: str
    path: str
    status: int
    times: int | None = 1
    retry_after: float = 0.0
    via: bool = True
    message: str | None = None
    code: int | None = None


def _multipart(content_type: str, raw: bytes) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """The ``payload_json`` and the files of a multipart/form-data body."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    body: Any = None
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            continue
        if name == "payload_json":
            body = json.loads(content)
        elif isinstance(name, str):
            files[name] = (str(part.get_filename()), content)
    return body, files


def _json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py treats anything else as text.
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)


def user_payload(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    """A Discord user object."""
    return {
        "id": user_id,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


@dataclass
class FakeDiscord:
    """The fake API: records requests, keeps posted messages, plays scripted failures."""

    requests: list[Recorded] = field(default_factory=list)
    messages: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    nonces: dict[str, tuple[str, str]] = field(default_factory=dict)
    """nonce -> (channel, id) of the message the bot posted with it."""
    token: str = "fake-bot-token"
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1300000000000000000))
    guilds: list[dict[str, Any]] = field(default_factory=list)
    """Guilds announced with GUILD_CREATE after READY (with their roles and channels)."""
    gateway_received: list[dict[str, Any]] = field(default_factory=list)
    _socket: web.WebSocketResponse | None = None
    _sequence: int = 0
    _runner: web.AppRunner | None = None
    _base_before: str = ""
    port: int = 0

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> str:
        """Listen on a free port of 127.0.0.1; returns the API base URL."""
        app = web.Application(middlewares=[self._middleware])
        p = API_PREFIX
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get(p + "/users/@me", self._me)
        app.router.add_get(p + "/oauth2/applications/@me", self._application)
        app.router.add_post(p + "/channels/{channel}/messages", self._create_message)
        app.router.add_patch(p + "/channels/{channel}/messages/{message}", self._edit_message)
        app.router.add_post(p + "/webhooks/{webhook}/{token}", self._execute_webhook)
        app.router.add_patch(
            p + "/webhooks/{webhook}/{token}/messages/{message}", self._edit_webhook
        )
        app.router.add_post(p + "/interactions/{interaction}/{token}/callback", self._callback)
        app.router.add_put(p + "/applications/{app}/commands", self._put_commands)
        app.router.add_put(p + "/applications/{app}/guilds/{guild}/commands", self._put_commands)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.api_base

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        self._base_before = Route.BASE
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
        # discord.py keeps its base URL in a class attribute: leave it as it was found.
        Route.BASE = self._base_before

    # scripting

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        times: int | None = 1,
        retry_after: float = 0.0,
        via: bool = True,
        message: str | None = None,
        code: int | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests (None: all) with an error."""
        self.failures.append(Failure(method, path, status, times, retry_after, via, message, code))

    def sent(self, method: str, path_regex: str) -> list[Recorded]:
        """The recorded requests whose method and path (after the API prefix) match."""
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    async def wait_for(
        self, method: str, path_regex: str, count: int = 1, timeout: float = 5.0
    ) -> list[Recorded]:
        """Wait until ``count`` matching requests have arrived; fail after ``timeout``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found := self.sent(method, path_regex)) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"expected {count} {method} {path_regex}, got {len(found)}")
            await asyncio.sleep(0.005)
        return found

    def callbacks(self) -> list[dict[str, Any]]:
        """Bodies of every interaction callback received, in order."""
        return [r.body for r in self.sent("POST", r"/interactions/\d+/[^/]+/callback")]

    # serving

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()
        body: Any = None
        files: dict[str, tuple[str, bytes]] = {}
        content_type = request.headers.get("Content-Type", "")
        if raw and content_type.startswith("application/json"):
            body = json.loads(raw)
        elif raw and content_type.startswith("multipart/form-data"):
            body, files = _multipart(content_type, raw)
        request[_JSON_BODY] = body
        path = request.path.removeprefix(API_PREFIX)
        self.requests.append(
            Recorded(request.method, path, dict(request.query), dict(request.headers), body, files)
        )
        if path == "/gateway":
            gateway: web.StreamResponse = await handler(request)
            return gateway
        needs_auth = not path.startswith(("/webhooks/", "/interactions/"))
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._error(401)
        for failure in self.failures:
            if failure.method == request.method and re.fullmatch(failure.path, path):
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                return self._play(failure, request)
        response: web.StreamResponse = await handler(request)
        return response

    def _error(
        self, status: int, message: str | None = None, code: int | None = None
    ) -> web.Response:
        default_message, default_code = _ERRORS.get(status, ("Error", 0))
        return _json_response(
            {"message": message or default_message, "code": default_code if code is None else code},
            status=status,
        )

    def _play(self, failure: Failure, request: web.Request) -> web.Response:
        if 300 <= failure.status < 400:
            # A proxy gone wrong: sent back where the request came from.
            return web.Response(status=failure.status, headers={"Location": str(request.rel_url)})
        if failure.status != 429:
            return self._error(failure.status, failure.message, failure.code)
        headers = {
            "Retry-After": str(failure.retry_after),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(failure.retry_after),
            "X-RateLimit-Bucket": "fakebucket",
            "X-RateLimit-Scope": "user",
        }
        if failure.via:
            # Real Discord answers come through a proxy that adds Via; discord.py only
            # retries a 429 that has it (otherwise it assumes a Cloudflare ban).
            headers["Via"] = "1.1 google"
        body = {
            "message": "You are being rate limited.",
            "retry_after": failure.retry_after,
            "global": False,
        }
        return _json_response(body, status=429, headers=headers)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to the connected client."""
        assert self._socket is not None, "no client is connected to the gateway"
        self._sequence += 1
        await self._socket.send_json({"op": 0, "t": event, "s": self._sequence, "d": data})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        # HELLO; a long heartbeat interval keeps heartbeats out of short tests.
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        async for frame in socket:
            message = json.loads(frame.data)
            self.gateway_received.append(message)
            if message["op"] == 1:
                await socket.send_json({"op": 11})
            elif message["op"] == 2:
                await self.dispatch(
                    "READY",
                    {
                        "v": 10,
                        "user": user_payload(BOT_USER_ID, "partnership-watch", bot=True),
                        "guilds": [{"id": g["id"], "unavailable": True} for g in self.guilds],
                        "session_id": "fake-session",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": APPLICATION_ID, "flags": 0},
                    },
                )
                for guild in self.guilds:
                    await self.dispatch("GUILD_CREATE", guild)
        self._socket = None
        return socket

    async def _me(self, request: web.Request) -> web.Response:
        return _json_response(user_payload(BOT_USER_ID, "partnership-watch", bot=True))

    async def _application(self, request: web.Request) -> web.Response:
        return _json_response(
            {
                "id": APPLICATION_ID,
                "name": "partnership-watch",
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": user_payload(OWNER_ID, "owner"),
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    def _message(
        self,
        channel: str,
        data: dict[str, Any],
        webhook: str | None = None,
        kept_as: str | None = None,
    ) -> dict[str, Any]:
        message_id = str(next(self._ids))
        author = user_payload(webhook or BOT_USER_ID, "partnership-watch", bot=True)
        message = message_payload(message_id, channel, data, author)
        if "message_reference" in data:
            message["message_reference"] = data["message_reference"]
        if webhook is not None:
            message["webhook_id"] = webhook
        self.messages.setdefault(kept_as or channel, {})[message_id] = message
        return message

    async def _create_message(self, request: web.Request) -> web.Response:
        data = await request.json()
        channel = request.match_info["channel"]
        # Discord with enforce_nonce: a post whose nonce this author used lately answers
        # with the message made then, and makes no other. The documentation names the
        # author only, not the channel, so the fake takes it at its word: a nonce is the
        # bot's, whichever channel it was used in.
        nonce = data.get("nonce") if data.get("enforce_nonce") else None
        if nonce is not None and nonce in self.nonces:
            made_in, made = self.nonces[nonce]
            return _json_response(self.messages[made_in][made])
        message = self._message(channel, data)
        if nonce is not None:
            self.nonces[nonce] = (channel, message["id"])
        return _json_response(message)

    def _edit(self, channel: str, message_id: str, data: dict[str, Any]) -> web.Response:
        message = self.messages.get(channel, {}).get(message_id)
        if message is None:
            return self._error(404, "Unknown Message", 10008)
        for key in ("content", "embeds"):
            if key in data:
                message[key] = data[key]
        message["edited_timestamp"] = "2025-03-14T09:31:00.000000+00:00"
        return _json_response(message)

    async def _edit_message(self, request: web.Request) -> web.Response:
        data = await request.json()
        return self._edit(request.match_info["channel"], request.match_info["message"], data)

    async def _execute_webhook(self, request: web.Request) -> web.Response:
        data = await request.json()
        webhook = request.match_info["webhook"]
        # Messages sent through a webhook are kept under "webhook:<id>".
        message = self._message(
            WEBHOOK_CHANNEL_ID, data, webhook=webhook, kept_as=f"webhook:{webhook}"
        )
        if request.query.get("wait") in {"1", "true", "True"}:
            return _json_response(message)
        return web.Response(status=204)

    async def _edit_webhook(self, request: web.Request) -> web.Response:
        data = await request.json()
        webhook = request.match_info["webhook"]
        return self._edit(f"webhook:{webhook}", request.match_info["message"], data)

    async def _callback(self, request: web.Request) -> web.Response:
        body = request[_JSON_BODY]
        interaction = request.match_info["interaction"]
        response: dict[str, Any] = {"interaction": {"id": interaction, "type": 2}}
        if body.get("type") == 4:
            data = body.get("data", {})
            message = self._message(WEBHOOK_CHANNEL_ID, data, kept_as=f"interaction:{interaction}")
            ephemeral = bool(data.get("flags", 0) & 64)
            response["interaction"].update(
                response_message_id=message["id"], response_message_ephemeral=ephemeral
            )
            response["resource"] = {"type": 4, "message": message}
        return _json_response(response)

    async def _put_commands(self, request: web.Request) -> web.Response:
        commands = await request.json()
        answered = []
        for command in commands:
            saved = {
                "id": str(next(self._ids)),
                "application_id": request.match_info["app"],
                "version": "1",
                "type": 1,
                **command,
            }
            if "guild" in request.match_info:
                saved["guild_id"] = request.match_info["guild"]
            answered.append(saved)
        return _json_response(answered)


def message_payload(
    message_id: str, channel: str, data: dict[str, Any], author: dict[str, Any]
) -> dict[str, Any]:
    """The message object Discord answers a post with, made from the posted ``data``."""
    return {
        "id": message_id,
        "channel_id": channel,
        "type": 19 if "message_reference" in data else 0,
        "content": data.get("content", ""),
        "embeds": data.get("embeds", []),
        "author": author,
        "timestamp": "2025-03-14T09:30:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }


# --- slash commands, as the gateway delivers them --------------------------------------------

GUILD = "1400000000000000001"
CHANNEL = "1400000000000000002"
USER = "1400000000000000005"
MANAGE_CHANNELS = 1 << 4
VIEW_AND_SEND = (1 << 10) | (1 << 11)
"""Permissions are bits: Manage Channels, and View Channel with Send Messages."""

_ids = itertools.count(1500000000000000000)


def option(name: str, value: str, *, focused: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"type": 3, "name": name, "value": value}
    if focused:
        data["focused"] = True
    return data


def interaction_payload(
    sub: str,
    options: list[dict[str, Any]],
    *,
    permissions: int,
    roles: list[str],
    kind: int,
    app_permissions: int = VIEW_AND_SEND,
) -> dict[str, Any]:
    interaction_id = str(next(_ids))
    return {
        "id": interaction_id,
        "application_id": APPLICATION_ID,
        "type": kind,
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "guild_id": GUILD,
        "guild": {"id": GUILD, "locale": "en-US", "features": []},
        "channel_id": CHANNEL,
        "channel": {
            "id": CHANNEL,
            "type": 0,
            "guild_id": GUILD,
            "name": "ties",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
        "member": {
            "user": user_payload(USER, "analyst"),
            "roles": roles,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        },
        "app_permissions": str(app_permissions),
        "locale": "en-US",
        "guild_locale": "en-US",
        "attachment_size_limit": 8 * 1024 * 1024,
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD},
        "context": 0,
        "data": {
            "id": "1600000000000000001",
            "name": "watch",
            "type": 1,
            "options": [{"type": 1, "name": sub, "options": options}],
        },
    }


async def interact(
    bot: DiscordBot,
    fake: FakeDiscord,
    sub: str,
    *options: dict[str, Any],
    permissions: int = VIEW_AND_SEND,
    roles: list[str] | None = None,
    kind: int = 2,
    app_permissions: int = VIEW_AND_SEND,
) -> Recorded:
    """Deliver ``/watch sub`` to ``bot`` as the gateway would; the reply ``fake`` received."""
    payload = interaction_payload(
        sub,
        list(options),
        permissions=permissions,
        roles=roles or [],
        kind=kind,
        app_permissions=app_permissions,
    )
    bot.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    path = rf"/interactions/{payload['id']}/{payload['token']}/callback"
    (request,) = await fake.wait_for("POST", path)
    return request

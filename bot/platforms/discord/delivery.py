"""Sending rendered alerts to Discord: as the bot, or through a channel's webhook.

Both senders take a Discord message payload (``{"content", "embeds", ...}``, made by
``bot.render.discord``) and go through discord.py's own HTTP code, so its auth, rate-limit
buckets and 429 retries apply. On top of that we pace each channel ourselves (one message
per second by default) so a burst of alerts never leans on Discord's limits.

Failures become :class:`~watchers.errors.DeliveryError`. ``permanent`` is set when trying
again cannot help: the channel (or webhook) is gone, or we may not post there. The caller
then pauses the channel's subscriptions and reports it once. An answer below 500 (a refused
payload, a missing permission, a rate limit beyond what discord.py waits out) is
:class:`~bot.chat.ports.Refused`: Discord made no message. A 5xx or no answer at all may
come after the message was made.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, Route

from bot.chat.ports import Refused
from bot.config import SubscriptionSpec
from bot.platforms.pacing import ChannelPacer
from bot.render.discord import NO_MENTIONS
from watchers.errors import ConfigError, DeliveryError, MessageGone, Problem

DEFAULT_API_BASE = "https://discord.com/api/v10"
UNKNOWN_MESSAGE = 10008

# The URL form discord.Webhook.from_url accepts: .../api/webhooks/<id>/<token>.
_WEBHOOK_URL = re.compile(
    r"discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/(?P<token>[A-Za-z0-9._-]{60,})"
)


def use_api_base(api_base: str | None) -> None:
    """Point every discord.py REST, webhook and interaction URL at ``api_base``.

    discord.py builds all its URLs from the class attribute ``Route.BASE``, so this is
    process-wide: one process talks to one Discord (the real one, a proxy, or a test fake).
    """
    Route.BASE = (api_base or DEFAULT_API_BASE).rstrip("/")


def _reason(e: discord.HTTPException) -> str:
    text = e.text.splitlines()[0] if e.text else "no message"
    return f"{text} (HTTP {e.status}, Discord code {e.code})"


def _delivery_error(channel_id: str, e: Exception, *, gone_statuses: set[int]) -> DeliveryError:
    if isinstance(e, discord.HTTPException):
        if e.status == 404 and e.code == UNKNOWN_MESSAGE:
            return MessageGone(channel_id, _reason(e))
        # A 5xx may come from a server that made the message and failed after.
        answered = Refused if e.status < 500 else DeliveryError
        return answered(channel_id, _reason(e), permanent=e.status in gone_statuses)
    if isinstance(e, discord.RateLimited):
        return Refused(channel_id, f"rate limited for {e.retry_after:.0f}s")
    return DeliveryError(channel_id, f"network error: {type(e).__name__}: {e}")


# Errors that mean "try later": the library's own (after its retries) and the network's.
_TRANSIENT = (
    discord.HTTPException,
    discord.RateLimited,
    aiohttp.ClientError,
    TimeoutError,
    OSError,
)


class DiscordDelivery:
    """Posts and edits as the bot, through discord.py's ``HTTPClient``."""

    def __init__(
        self,
        http: HTTPClient,
        *,
        pacer: ChannelPacer | None = None,
        owns_http: bool = False,
    ) -> None:
        self._http = http
        self._pacer = pacer or ChannelPacer()
        self._owns_http = owns_http

    @classmethod
    async def login(
        cls,
        token: str,
        *,
        api_base: str | None = None,
        pacer: ChannelPacer | None = None,
    ) -> DiscordDelivery:
        """A sender with its own HTTP session, for runs without the gateway (``poll --once``).

        Raises ``discord.LoginFailure`` when the token is refused.
        """
        use_api_base(api_base)
        http = HTTPClient(asyncio.get_running_loop())
        try:
            await http.static_login(token)
        except BaseException:
            await http.close()
            raise
        return cls(http, pacer=pacer, owns_http=True)

    async def close(self) -> None:
        """Close the HTTP session if this sender opened it."""
        if self._owns_http:
            await self._http.close()

    async def _send(self, channel_id: str, route: Route, payload: dict[str, Any]) -> Any:
        body = {**payload, "allowed_mentions": allowed_mentions(payload)}
        await self._pacer.wait(channel_id)
        try:
            return await self._http.request(route, json=body)
        except _TRANSIENT as e:
            # 401 is the bot's token, not the channel: never a reason to pause it.
            raise _delivery_error(channel_id, e, gone_statuses={403, 404}) from e

    async def post(self, channel_id: str, payload: dict[str, Any]) -> str:
        """Send a new message to a channel; returns its id."""
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
        data = await self._send(channel_id, route, nonce_for_channel(channel_id, payload))
        if not isinstance(data, dict) or "id" not in data:
            raise DeliveryError(channel_id, "Discord answered without the message it posted")
        return str(data["id"])

    async def edit(self, channel_id: str, message_id: str, payload: dict[str, Any]) -> None:
        """Replace a posted message; raises :class:`MessageGone` if it was deleted."""
        route = Route(
            "PATCH",
            "/channels/{channel_id}/messages/{message_id}",
            channel_id=channel_id,
            message_id=message_id,
        )
        # A nonce belongs to a new message only.
        edit = {k: v for k, v in payload.items() if k not in ("nonce", "enforce_nonce")}
        await self._send(channel_id, route, edit)


def nonce_for_channel(channel_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its nonce made the channel's own, when it has one.

    With ``enforce_nonce`` Discord answers a nonce its author used in the last few minutes
    with the message made then, and its documentation names no channel: one alert posted
    to two channels with one nonce would put it in the first only. The nonce stays the
    same for the same post to the same channel, so a post repeated after a lost answer is
    still made once.
    """
    nonce = payload.get("nonce")
    if nonce is None:
        return payload
    digest = hashlib.sha256(f"{channel_id}:{nonce}".encode()).hexdigest()
    return {**payload, "nonce": digest[:25]}  # Discord takes at most 25 characters


def webhook_url_from_env(variable: str, environ: Mapping[str, str] | None = None) -> str:
    """The webhook URL held in an environment variable; ConfigError if unset or malformed.

    The URL carries the webhook's secret token, so messages name the variable, never the value.
    """
    env = os.environ if environ is None else environ
    url = env.get(variable, "").strip()
    if not url:
        raise ConfigError([Problem("environment", variable, "is not set (Discord webhook URL)")])
    if not _WEBHOOK_URL.search(url):
        raise ConfigError([Problem("environment", variable, "is not a Discord webhook URL")])
    return url


def allowed_mentions(payload: Mapping[str, Any]) -> dict[str, Any]:
    """No mentions, but the roles and users the payload names one by one (``/watch notify``).

    Whatever else the payload asks (``parse``: everyone, every role), nothing pings.
    """
    asked = payload.get("allowed_mentions") or {}
    # Never let feed text ping anyone, whatever the payload says.
    allowed: dict[str, Any] = {**NO_MENTIONS, "replied_user": False}
    for key in ("roles", "users"):
        ids = [str(i) for i in asked.get(key) or [] if str(i).isdigit()]
        if ids:
            allowed[key] = ids[:100]  # Discord takes at most 100 of each
    return allowed


def _webhook_mentions(payload: Mapping[str, Any]) -> discord.AllowedMentions:
    allowed = allowed_mentions(payload)
    return discord.AllowedMentions(
        everyone=False,
        users=[discord.Object(int(i)) for i in allowed.get("users", [])] or False,
        roles=[discord.Object(int(i)) for i in allowed.get("roles", [])] or False,
        replied_user=False,
    )


def _embeds(payload: Mapping[str, Any]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in payload.get("embeds", [])]


def webhook_senders(
    specs: Iterable[SubscriptionSpec],
    environ: Mapping[str, str] | None = None,
    *,
    pacer: ChannelPacer | None = None,
) -> dict[str, DiscordWebhookDelivery]:
    """A webhook sender for each Discord channel the config gives a ``webhook_env``.

    Raises one ConfigError listing every variable that is unset or malformed.
    """
    senders: dict[str, DiscordWebhookDelivery] = {}
    problems: list[Problem] = []
    for spec in specs:
        if spec.platform != "discord" or spec.webhook_env is None or spec.channel in senders:
            continue
        try:
            url = webhook_url_from_env(spec.webhook_env, environ)
        except ConfigError as e:
            problems.extend(e.problems)
            continue
        senders[spec.channel] = DiscordWebhookDelivery(url, pacer=pacer)
    if problems:
        raise ConfigError(problems)
    return senders


class DiscordWebhookDelivery:
    """Sends to one channel through its webhook URL: no bot in the server needed."""

    def __init__(
        self,
        url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        pacer: ChannelPacer | None = None,
    ) -> None:
        self._url = url
        found = _WEBHOOK_URL.search(url)
        self._token = found.group("token") if found else url
        self._session = session
        self._owns_session = session is None
        self._pacer = pacer or ChannelPacer()
        self._webhook: discord.Webhook | None = None
        # discord.py logs webhook URLs, token included, at DEBUG: keep that out of our logs.
        logging.getLogger("discord.webhook.async_").setLevel(logging.INFO)

    def __repr__(self) -> str:
        return "<DiscordWebhookDelivery>"

    def _hook(self) -> discord.Webhook:
        if self._webhook is None:
            if self._session is None:
                self._session = aiohttp.ClientSession()
            self._webhook = discord.Webhook.from_url(self._url, session=self._session)
        return self._webhook

    async def close(self) -> None:
        """Close the HTTP session if this sender opened it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None
            self._webhook = None

    async def _guard(self, channel_id: str, call: Callable[[], Awaitable[Any]]) -> Any:
        await self._pacer.wait(channel_id)
        try:
            return await call()
        except _TRANSIENT as e:
            # For a webhook 401 means its token was revoked: as gone as a 404.
            error = _delivery_error(channel_id, e, gone_statuses={401, 403, 404})
            if self._token not in error.message:
                raise error from e
            # Some aiohttp errors (too many redirects) quote the URL, token and all: the
            # message is logged and shown by /watch why, so the token is left out of it.
            message = error.message.replace(self._token, "<token>")
            raise DeliveryError(channel_id, message, permanent=error.permanent) from None

    async def post(self, channel_id: str, payload: dict[str, Any]) -> str:
        """Execute the webhook with ``wait`` so Discord returns the message id."""
        hook = self._hook()

        async def send() -> discord.WebhookMessage:
            return await hook.send(
                content=payload.get("content") or discord.utils.MISSING,
                embeds=_embeds(payload),
                username=payload.get("username") or discord.utils.MISSING,
                avatar_url=payload.get("avatar_url") or discord.utils.MISSING,
                allowed_mentions=_webhook_mentions(payload),
                wait=True,
            )

        message: discord.WebhookMessage = await self._guard(channel_id, send)
        return str(message.id)

    async def edit(self, channel_id: str, message_id: str, payload: dict[str, Any]) -> None:
        """Replace a message this webhook sent."""
        hook = self._hook()

        async def change() -> discord.WebhookMessage:
            return await hook.edit_message(
                int(message_id),
                content=payload.get("content"),
                embeds=_embeds(payload),
                allowed_mentions=discord.AllowedMentions.none(),
            )

        await self._guard(channel_id, change)

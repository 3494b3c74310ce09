"""Alert delivery to Slack channels: a new post, and edits of it as more sources come.

The payload is what ``bot.render.slack.render_slack`` returns: ``{"text": fallback,
"blocks": [...]}``. Two layers keep us inside Slack's limits: the SDK's rate-limit retry
handler waits out a 429 as long as ``Retry-After`` asks, and our own pacing keeps writes to
one channel about a second apart, which is what Slack allows for posting to a channel.

Slack answers ``channel_not_found``, ``not_in_channel`` and ``is_archived`` when retrying
cannot help; those become a permanent ``DeliveryError`` so the subscription is paused.
``message_not_found`` on an edit (someone deleted the alert) is ``MessageGone``: the update
is posted as a new message instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.platforms.pacing import ChannelPacer
from watchers.errors import DeliveryError, MessageGone

DEFAULT_API_BASE = "https://slack.com/api/"

PERMANENT_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
"""Slack error codes after which posting to the channel again cannot succeed."""

RATE_LIMIT_RETRIES = 2
"""How many 429 answers in a row the SDK waits out before the call fails."""


def make_web_client(token: str, api_base: str = DEFAULT_API_BASE) -> AsyncWebClient:
    """A Web API client for ``api_base`` that retries 429 answers after ``Retry-After``."""
    client = AsyncWebClient(token=token, base_url=api_base)
    # The default handlers only retry broken connections; rate limits are opt-in.
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    return client


class SlackDelivery:
    """Posts and edits alert messages in Slack channels."""

    def __init__(self, client: AsyncWebClient, *, pacer: ChannelPacer | None = None) -> None:
        self._client = client
        self._pacer = pacer if pacer is not None else ChannelPacer()

    async def post(self, channel_id: str, payload: Mapping[str, Any]) -> str:
        """Post a new message; return its ``ts``, the id later edits refer to."""
        response = await self._call(
            "chat.postMessage",
            channel_id,
            partial(
                self._client.chat_postMessage,
                channel=channel_id,
                text=_text(payload),
                blocks=payload.get("blocks"),
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return str(response["ts"])

    async def edit(self, channel_id: str, ts: str, payload: Mapping[str, Any]) -> None:
        """Replace the text and blocks of the message ``ts`` in place."""
        await self._call(
            "chat.update",
            channel_id,
            partial(
                self._client.chat_update,
                channel=channel_id,
                ts=ts,
                text=_text(payload),
                blocks=payload.get("blocks"),
            ),
        )

    async def _call(
        self, method: str, channel_id: str, request: Callable[[], Awaitable[AsyncSlackResponse]]
    ) -> AsyncSlackResponse:
        """Pace, then make the SDK call, turning its failures into ``DeliveryError``."""
        await self._pacer.wait(channel_id)
        try:
            return await request()
        except SlackApiError as e:
            code = str(e.response.get("error") or f"HTTP {e.response.status_code}")
            message = f"Slack {method} failed: {code}"
            if code == "message_not_found":
                raise MessageGone(channel_id, message) from e
            raise DeliveryError(channel_id, message, permanent=code in PERMANENT_ERRORS) from e
        except (aiohttp.ClientError, TimeoutError) as e:
            raise DeliveryError(
                channel_id, f"Slack {method} unreachable: {type(e).__name__}: {e}"
            ) from e


def _text(payload: Mapping[str, Any]) -> str:
    # Slack shows ``text`` in notifications and to screen readers; blocks alone would leave
    # them empty, so a payload without fallback text is a bug in the caller.
    text = payload.get("text")
    if not isinstance(text, str) or not text:
        raise ValueError("a Slack payload needs a non-empty 'text' fallback")
    return text

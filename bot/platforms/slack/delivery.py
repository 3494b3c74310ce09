"""Alert delivery to Slack channels: a new post, and edits of it as more sources come.

The payload is what ``bot.render.slack.render_slack`` returns: ``{"text": fallback,
"blocks": [...]}``. Two layers keep us inside Slack's limits: the SDK's rate-limit retry
handler waits out a 429 on a post or an edit as long as ``Retry-After`` asks, and our own
pacing keeps writes to one channel about a second apart, which is what Slack allows for
posting to a channel.

Slack answers ``channel_not_found``, ``not_in_channel`` and ``is_archived`` when retrying
cannot help; those become a permanent ``DeliveryError`` so the subscription is paused.
``message_not_found`` on an edit (someone deleted the alert) is ``MessageGone``: the update
is posted as a new message instead. Any other error Slack answers is ``Refused`` (Slack did
not do it), but for the few with which Slack says part of the call may have been done.

Each alert post carries message ``metadata`` naming the delivery: our ``EVENT_TYPE`` and a
key made of the alert's id and the channel (never of its revision, which a later try may
carry). A post tried before without an answer (a timeout, a reset connection, a killed
process) is looked for first in the channel's history (``find_posted``: from shortly before
the first try, one page); if Slack took it then, that message is the post. Slack allows
apps outside its Marketplace about one history call a minute: a look-up it rate-limits is
not waited out (every alert of the platform would queue behind it) but is ``CannotCheck``,
and this process asks no other look-up until ``Retry-After`` has passed (each worker process
keeps its own wait: another worker learns of the limit by asking once). Without the history
scopes (``channels:history``, ``groups:history``) the post is sent again and the log says
once why an alert may show twice. The SDK's own retry of a broken connection is kept for
every call but a post, which it would send again blind.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.chat.ports import CannotCheck, Refused
from bot.platforms.pacing import ChannelPacer
from watchers.errors import DeliveryError, MessageGone

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://slack.com/api/"

EVENT_TYPE = "partnership_watch_alert"
"""The ``event_type`` of the metadata our alert posts carry."""

LOOK_BACK = timedelta(minutes=5)
"""How long before the first try the history search starts: clocks here and at Slack differ."""

HISTORY_LIMIT = 100
HISTORY_PAGES = 1
"""The history search reads at most this many pages of this many messages. One page: Slack
allows apps outside its Marketplace about one ``conversations.history`` call a minute (and
15 messages a page), so a second page would wait out a rate limit while the channels' alerts
queue behind it; the search starts shortly before the first try, so one page covers it in
all but a busy channel."""

CANNOT_READ = frozenset(
    {"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type"}
)
"""Slack error codes of ``conversations.history`` that retrying cannot help."""

PERMANENT_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
"""Slack error codes after which posting to the channel again cannot succeed."""

MAYBE_DONE = frozenset({"internal_error", "fatal_error", "service_unavailable"})
"""Slack error codes that do not say the call was not done: Slack documents that part of
the work may have been done before the first two, and the third says no more. Every other
error it answers means it did nothing, and so does a 429."""

RATE_LIMIT_RETRIES = 2
"""How many 429 answers in a row the SDK waits out before a post or an edit fails."""

HISTORY = "conversations.history"

HISTORY_WAIT = 60.0
"""Seconds to leave the history alone after a 429 that gave no ``Retry-After``: Slack
allows apps outside its Marketplace about one call a minute."""


def make_web_client(
    token: str, api_base: str = DEFAULT_API_BASE, *, timeout: int = 30
) -> AsyncWebClient:
    """A Web API client for ``api_base`` that retries 429 answers after ``Retry-After``;
    a call without an answer in ``timeout`` seconds fails."""
    client = AsyncWebClient(token=token, base_url=api_base, timeout=timeout)
    # The SDK's default retries a broken connection, posts included; rate limits are opt-in.
    client.retry_handlers = [
        BrokenConnectionRetryHandler(),
        RateLimitRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
    ]
    return client


class RateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """The SDK's wait after a 429, except for a history look-up.

    Waiting out the history's rate limit (about a minute) inside the call would hold up
    every alert of the platform; the look-up fails at once and the alert waits in the
    outbox instead (``CannotCheck``).
    """

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if urlsplit(request.url).path.endswith("/" + HISTORY):
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


class BrokenConnectionRetryHandler(AsyncConnectionErrorRetryHandler):
    """The SDK's retry of a call whose connection broke, except for a new message.

    A post whose connection broke may have been taken; sending it again at once would show
    it twice. It fails instead, and the outbox tries it later, looking for it first.
    """

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if urlsplit(request.url).path.endswith("/chat.postMessage"):
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


def delivery_metadata(alert_id: str, revision: int) -> dict[str, Any]:
    """The metadata an alert's post carries; ``SlackDelivery`` adds the channel to its key."""
    return {"event_type": EVENT_TYPE, "event_payload": {"alert_id": alert_id, "revision": revision}}


def _stamped(channel_id: str, payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """The payload's metadata with the delivery key (alert id and channel), if it has any."""
    metadata = payload.get("metadata")
    if not isinstance(metadata, Mapping):
        return None
    event_payload = dict(metadata.get("event_payload") or {})
    event_payload["key"] = f"{event_payload.get('alert_id')}@{channel_id}"
    return {"event_type": metadata.get("event_type"), "event_payload": event_payload}


class SlackDelivery:
    """Posts and edits alert messages in Slack channels."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        pacer: ChannelPacer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._pacer = pacer if pacer is not None else ChannelPacer()
        self._clock = clock
        self._said_cannot_read: set[str] = set()
        self._history_free_at: float | None = None
        """When Slack lets us read a history again, after it rate-limited a look-up."""

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
                metadata=_stamped(channel_id, payload),
                unfurl_links=False,
                unfurl_media=False,
            ),
        )
        return str(response["ts"])

    async def find_posted(
        self, channel_id: str, payload: Mapping[str, Any], since: datetime
    ) -> str | None:
        """The ``ts`` of a message in the channel carrying this payload's delivery key,
        posted from shortly before ``since`` on; None when there is none, or none can be read.

        A failure that may pass (Slack down) raises ``DeliveryError``, and a rate limit
        ``CannotCheck``: the post waits rather than risk showing twice.
        """
        metadata = _stamped(channel_id, payload)
        if metadata is None:
            return None
        key = metadata["event_payload"]["key"]
        oldest = f"{(since - LOOK_BACK).timestamp():.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            response = await self._history(channel_id, oldest, cursor)
            if response is None:
                return None
            for message in response.get("messages") or []:
                found = message.get("metadata") or {}
                if (
                    found.get("event_type") == EVENT_TYPE
                    and (found.get("event_payload") or {}).get("key") == key
                ):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or cursor is None:
                return None
        log.warning(
            "Slack channel %s: a post tried before was not among the messages read since its "
            "first try (a busy channel); posting it (it may show twice)",
            channel_id,
        )
        return None

    async def _history(
        self, channel_id: str, oldest: str, cursor: str | None
    ) -> AsyncSlackResponse | None:
        """One page of the channel's history, newest first; None when it cannot be read."""
        now = self._clock()
        if self._history_free_at is not None and now < self._history_free_at:
            raise self._cannot_check(channel_id, self._history_free_at - now)
        try:
            return await self._client.conversations_history(
                channel=channel_id,
                oldest=oldest,
                inclusive=True,
                include_all_metadata=True,
                limit=HISTORY_LIMIT,
                cursor=cursor,
            )
        except SlackApiError as e:
            code = str(e.response.get("error") or f"HTTP {e.response.status_code}")
            if e.response.status_code == 429 or code == "ratelimited":
                wait = _retry_after(e.response.headers)
                self._history_free_at = self._clock() + wait
                raise self._cannot_check(channel_id, wait) from e
            if code not in CANNOT_READ:
                message = f"Slack conversations.history failed: {code}"
                raise DeliveryError(channel_id, message) from e
            self._say_cannot_read(code)
            return None
        except (aiohttp.ClientError, TimeoutError) as e:
            raise DeliveryError(
                channel_id, f"Slack conversations.history unreachable: {type(e).__name__}: {e}"
            ) from e

    @staticmethod
    def _cannot_check(channel_id: str, wait: float) -> CannotCheck:
        return CannotCheck(
            channel_id,
            "could not look for an earlier try in the channel's history: Slack rate limited "
            f"conversations.history for {wait:.0f}s",
            retry_after=timedelta(seconds=wait),
        )

    def _say_cannot_read(self, code: str) -> None:
        """Log once per reason why a post tried before is sent again unchecked."""
        if code in self._said_cannot_read:
            return
        self._said_cannot_read.add(code)
        log.warning(
            "Slack: cannot read a channel's history (%s), so a post whose answer was lost is "
            "sent again and may show twice; the app needs the scopes channels:history and "
            "groups:history (config/slack-manifest.yml) and to be in the channel",
            code,
        )

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
                metadata=_stamped(channel_id, payload),
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
            permanent = code in PERMANENT_ERRORS
            if e.response.status_code >= 500 or code in MAYBE_DONE:
                raise DeliveryError(channel_id, message, permanent=permanent) from e
            raise Refused(channel_id, message, permanent=permanent) from e
        except (aiohttp.ClientError, TimeoutError) as e:
            raise DeliveryError(
                channel_id, f"Slack {method} unreachable: {type(e).__name__}: {e}"
            ) from e


def _retry_after(headers: Mapping[str, Any]) -> float:
    """The seconds a 429's ``Retry-After`` header asks for (``HISTORY_WAIT`` without one)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            # The SDK keeps each header as a list of its values.
            first = value[0] if isinstance(value, list) and value else value
            try:
                return max(float(first), 1.0)
            except (TypeError, ValueError):
                break
    return HISTORY_WAIT


def _text(payload: Mapping[str, Any]) -> str:
    # Slack shows ``text`` in notifications and to screen readers; blocks alone would leave
    # them empty, so a payload without fallback text is a bug in the caller.
    text = payload.get("text")
    if not isinstance(text, str) or not text:
        raise ValueError("a Slack payload needs a non-empty 'text' fallback")
    return text

"""The ports between the chat layer and the platforms, and the registry of platforms.

Delivery (``bot.chat.deliver``) speaks to a ``Notifier``: post an alert, update it, post a
digest. Every platform is one ``PlatformNotifier``: its renderer turns the alert into the
platform's payload, and its ``Sender`` puts payloads in channels, one verb per action
(``post``, ``edit``); a platform that can read its channels back also gives a ``Finder``, so
that a post tried before without an answer is looked for before it is sent again. Two
failures say more than ``DeliveryError``: ``Refused`` (the platform answered and did not
take the message, so nothing of that try is in the channel) and ``CannotCheck`` (a post
tried before cannot be looked for now, so it is neither sent blind nor a failed try).
A ``Platform`` is what the wiring opens by kind; the registry maps each kind to the module
that holds it, imported only when the config or the environment asks for that platform,
so a run without Discord never imports discord.py.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.alert import Alert
from bot.render.digest import Digest
from watchers.errors import DeliveryError, MessageGone

if TYPE_CHECKING:
    from bot.chat.commands import CommandDeps
    from bot.config import Config

Payload = dict[str, Any]
"""A message as one platform takes it (Discord's JSON message, Slack's text and blocks)."""

log = logging.getLogger(__name__)


class Refused(DeliveryError):
    """The platform answered, and did not take the message: an invalid payload, a channel
    it will not post in, a rate limit outlasting our waits. Nothing of this try is in the
    channel, so its next try need not look for it first."""


class CannotCheck(DeliveryError):
    """A post tried before cannot be looked for now: the platform asks us to wait
    ``retry_after`` before asking it again. The post waits that long, still to be looked
    for; it is not sent blind, and not counted as a failed try."""

    def __init__(self, channel: str, message: str, *, retry_after: timedelta) -> None:
        super().__init__(channel, message)
        self.retry_after = retry_after


class Notifier(Protocol):
    """Puts alerts in a platform's channels.

    Each method raises ``DeliveryError`` when a channel cannot be reached; ``permanent``
    says to stop trying (the channel is gone or forbids us).
    """

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        """Post a new alert; returns a reference to the message, to edit it later.

        ``tried_at`` is when an earlier try of this post began whose answer never came: the
        message may be in the channel already, and a platform that can look makes sure.
        """
        ...

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        """Show an alert's later state by editing its message.

        Returns the reference of a message posted in place of one that was deleted, so the
        next update edits that one; else None. ``tried_at`` is when an earlier try of this
        update began whose answer never came: its post in place may be in the channel.
        """
        ...

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        """Post a digest of held alerts; ``tried_at`` as for ``post``."""
        ...


class Sender(Protocol):
    """Puts rendered payloads in one platform's channels."""

    async def post(self, channel: str, payload: Payload) -> str:
        """Send a new message; returns its reference (a message id, a Slack ``ts``)."""
        ...

    async def edit(self, channel: str, message_ref: str, payload: Payload) -> None:
        """Replace a message we sent; ``MessageGone`` when it was deleted."""
        ...


S = TypeVar("S", bound=Sender)

Finder = Callable[[str, Payload, datetime], Awaitable[str | None]]
"""Looks in a channel for a message already posted with this payload's delivery key since
a time; returns its reference, or None when it is not there (or cannot be looked for)."""


class PlatformNotifier(Generic[S]):
    """The Notifier of a platform: its renderers, and its sender."""

    def __init__(
        self,
        sender: S,
        *,
        render: Callable[[Alert], Payload],
        render_digest: Callable[[Digest], Payload],
        find_posted: Finder | None = None,
        answers_repeats: Callable[[str, Payload], bool] = lambda channel, payload: False,
        anew: Callable[[Payload, str], Payload] = lambda payload, deleted: payload,
    ) -> None:
        self.sender = sender
        self._render = render
        self._render_digest = render_digest
        self._find_posted = find_posted
        self._answers_repeats = answers_repeats
        """Whether the platform answers this payload, posted again in this channel, with the
        message the first try made, as it was then (Discord's enforced nonce)."""
        self._anew = anew
        """The payload of a message posted in place of the deleted message ``deleted``: a new
        message, not a retry of the first post (Discord would answer that one's nonce with
        it), but each retry of it the same."""

    async def post(self, channel: str, alert: Alert, *, tried_at: datetime | None = None) -> str:
        """Post the rendered alert; the message reference the sender returns.

        After a try with no answer, a message the platform took then is edited to show the
        alert as it is now, and is the post: the channel does not see the alert twice, nor
        an older state of it (the alert may have been revised since that try). Should that
        edit fail, the message is still the post, showing the older state until the alert's
        next update.
        """
        return await self._post_once(channel, self._render(alert), tried_at)

    async def _post_once(self, channel: str, payload: Payload, tried_at: datetime | None) -> str:
        """Post ``payload``, unless a try of it with no answer made it: then edit that."""
        if tried_at is not None and self._find_posted is not None:
            found = await self._find_posted(channel, payload, tried_at)
            if found is not None and await self._bring_up_to_date(channel, found, payload):
                return found
            # else deleted since: it is posted again below
        ref = await self.sender.post(channel, payload)
        if tried_at is None or not self._answers_repeats(channel, payload):
            return ref
        # The answer may be the message the earlier try made, showing the alert as it was.
        if await self._bring_up_to_date(channel, ref, payload):
            return ref
        return await self.sender.post(channel, self._anew(payload, ref))

    async def _bring_up_to_date(self, channel: str, ref: str, payload: Payload) -> bool:
        """Edit a message an earlier try made to show ``payload``; False if it was deleted.

        A failed edit does not undo the post: the message is in the channel, so it is the
        post, and it shows the state of its first try until the alert's next update edits
        it. Failing the post instead would keep the alert owed, and once the platform has
        forgotten the first try, its next try would show the alert twice.
        """
        try:
            await self._edit_posted(channel, ref, payload)
        except MessageGone:
            return False
        except DeliveryError as e:
            log.warning(
                "channel %s: message %s was posted, but could not be brought up to date: %s",
                channel,
                ref,
                e.message,
            )
        return True

    async def _edit_posted(self, channel: str, ref: str, payload: Payload) -> None:
        """Edit a message that is in the channel (a post of ours) to show ``payload``.

        A refused edit is not a refused post: an earlier try's post is still there, and the
        next try must still look for it rather than post again.
        """
        try:
            await self.sender.edit(channel, ref, payload)
        except Refused as e:
            raise DeliveryError(channel, e.message, permanent=e.permanent) from e

    async def update(
        self, channel: str, message_ref: str, alert: Alert, *, tried_at: datetime | None = None
    ) -> str | None:
        """Edit the posted alert; if it was deleted, post anew and return the new reference."""
        payload = self._render(alert)
        try:
            await self._edit_posted(channel, message_ref, payload)
        except MessageGone:
            # Someone deleted the alert; the update still deserves to be seen, once.
            return await self._post_once(channel, self._anew(payload, message_ref), tried_at)
        return None

    async def digest(
        self, channel: str, digest: Digest, *, tried_at: datetime | None = None
    ) -> None:
        """Post the rendered digest, once, as ``post`` posts an alert."""
        await self._post_once(channel, self._render_digest(digest), tried_at)


@dataclass(frozen=True)
class Opening:
    """What a platform is given when the chat layer opens it."""

    config: Config
    commands: CommandDeps
    environ: Mapping[str, str]
    stack: AsyncExitStack
    """Where the platform pushes what closes it; closed when the chat layer closes."""
    serve_commands: bool
    """Answer ``/watch`` (``run``); without it only alerts are sent (``poll --once``)."""


class Platform(Protocol):
    """A chat platform as the wiring opens it."""

    kind: str

    def not_started(self, config: Config, environ: Mapping[str, str]) -> str | None:
        """Why the platform is not started (no token, nothing to send with), or None.

        Reads the config and the environment only: no platform library is imported.
        """
        ...

    async def open(self, opening: Opening) -> Notifier:
        """Connect, answer ``/watch`` if asked, and return the notifier alerts go through."""
        ...


PLATFORMS: dict[str, str] = {
    "discord": "bot.platforms.discord",
    "slack": "bot.platforms.slack",
}
"""Each chat platform by kind, and the package whose ``PLATFORM`` implements it."""


def platform(kind: str) -> Platform:
    """The platform registered as ``kind`` (its package imports no platform library)."""
    found: Platform = importlib.import_module(PLATFORMS[kind]).PLATFORM
    return found

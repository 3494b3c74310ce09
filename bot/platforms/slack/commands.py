"""The ``/watch`` slash command in Slack: acknowledge, check permission, run, reply.

The command logic lives in ``bot.chat.commands`` and is shared with Discord; this layer
only works out who may change the channel's subscriptions, hands the command line to
``bot.platforms.slack.parse.dispatch`` and turns its reply into a Slack response
(ephemeral when only the caller is concerned, in the channel when its subscriptions
changed).

Slack gives a command three seconds to be acknowledged, and asking it who the caller is
(``users.info``) may take longer on a bad day: so the command is acknowledged at once,
with nothing to show, and the answer follows through the command's ``response_url``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.commands import Attachment, Caller, CommandDeps, Reply
from bot.chat.sample import sample_alert
from bot.platforms.slack.delivery import SlackDelivery
from bot.platforms.slack.parse import dispatch
from bot.platforms.slack.permissions import NEEDS, SlackPermissions
from bot.render.slack import render_slack
from watchers.errors import DeliveryError

log = logging.getLogger(__name__)

KIND = "slack"
"""The platform's kind, as subscriptions and channel settings are keyed."""

CHANGES = frozenset({"add", "remove", "mute", "level", "digest", "quiet", "notify", "test"})
"""Subcommands that change a channel's subscriptions; only these ask Slack who the caller is."""


@dataclass(frozen=True)
class WatchCommand:
    """What the ``/watch`` handler needs: the shared command deps, and Slack's permissions."""

    commands: CommandDeps
    permissions: SlackPermissions

    async def answer(
        self, command: Mapping[str, Any], *, bot_user_id: str | None = None
    ) -> dict[str, Any]:
        """The Slack response to one slash-command payload.

        ``bot_user_id`` is the app's own user, named in the hint to invite it.
        """
        response, _ = await self.answer_with_file(command, bot_user_id=bot_user_id)
        return response

    async def answer_with_file(
        self, command: Mapping[str, Any], *, bot_user_id: str | None = None
    ) -> tuple[dict[str, Any], Attachment | None]:
        """The Slack response to one slash-command payload, and the file to share with it."""
        text = str(command.get("text") or "")
        user = str(command.get("user_id") or "")
        channel = str(command.get("channel_id") or "")
        sub = subcommand(text)
        try:
            may = sub in CHANGES and await self.permissions.can_manage(user)
            caller = Caller(user_id=user, can_manage=may, needs=NEEDS)
            reply = dispatch(self.commands.context(KIND, channel, caller), text)
        except Exception:
            # The command boundary: whatever broke (the database, a bug), the caller gets an
            # answer instead of Slack's bare "dispatch_failed", and the log gets the trace.
            log.exception("Slack: /watch %s in %s failed", sub[:20] or "help", channel)
            reply = Reply(
                "Something went wrong on our side; the operator's log has the details.", True
            )
        response = slack_response(reply)
        if sub == "add" and not reply.ephemeral:
            response["text"] += "\n" + invite_hint(bot_user_id)
        return response, reply.attachment


async def share_file(client: AsyncWebClient, channel: str, attachment: Attachment) -> bool:
    """Share a reply's file (the history chart) in the channel; False, logged, if refused.

    Slack keeps no file private to one person of a channel, as it does an ephemeral message:
    the chart is shared with the channel, named as the answer to ``/watch history``.
    """
    try:
        await client.files_upload_v2(
            channel=channel,
            file=attachment.data,
            filename=attachment.filename,
            title=attachment.description,
            alt_txt=attachment.description,
            initial_comment=escape(f"{attachment.description} (from /watch history)"),
        )
    except (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError) as e:
        reason = e.response.get("error") if isinstance(e, SlackApiError) else repr(e)
        log.warning("Slack: the chart for %s was not shared: %s", channel, reason)
        return False
    return True


async def post_sample(
    watch: WatchCommand,
    client: AsyncWebClient,
    command: Mapping[str, Any],
    bot_user_id: str | None = None,
) -> dict[str, Any]:
    """``/watch test``: post the sample alert the way alerts are posted; the answer to give.

    Posting for real is the permission check: a channel the app was not invited to, or an
    archived one, answers with the reason, which the caller is told with what to do.
    """
    user = str(command.get("user_id") or "")
    channel = str(command.get("channel_id") or "")
    if not await watch.permissions.can_manage(user):
        return slack_response(Reply(f"Posting a sample alert here needs {NEEDS}.", True))
    payload = render_slack(sample_alert(watch.commands.clock.now()))
    payload["text"] = f"Sample alert (/watch test): {payload['text']}"
    try:
        await SlackDelivery(client).post(channel, payload)
    except DeliveryError as e:
        hint = f" {invite_hint(bot_user_id)}" if "not_in_channel" in e.message else ""
        text = f"Alerts cannot be posted here: {e.message}.{hint}"
        return slack_response(Reply(text, True))
    return slack_response(Reply("A sample alert was posted in this channel.", True))


def subcommand(text: str) -> str:
    """The subcommand a ``/watch`` line starts with, lower case; empty for none."""
    words = text.split()
    return words[0].lower() if words else ""


def invite_hint(bot_user_id: str | None) -> str:
    """Where alerts come from and how to let them in, said when a channel subscribes."""
    # Without chat:write.public the app posts only where it is a member, while a slash
    # command works in any channel: say so at the moment a channel subscribes.
    who = f"<@{bot_user_id}>" if bot_user_id else "@partnership-watch"
    return f"Alerts are posted by {who}. If it is not in this channel yet, add it: /invite {who}"


def slack_response(reply: Reply) -> dict[str, Any]:
    """A slash-command response for a reply: escaped text, shown to the caller or channel."""
    return {
        "response_type": "ephemeral" if reply.ephemeral else "in_channel",
        "text": escape(reply.text),
    }


def escape(text: str) -> str:
    """Text with the three characters Slack reserves for links and mentions escaped."""
    # "<" starts Slack's link and mention syntax (<!channel>, <@U123>, <url|label>): feed
    # text must never turn into one.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def register_watch_command(bolt: AsyncApp, watch: WatchCommand, *, name: str = "/watch") -> None:
    """Answer the ``/watch`` slash command on ``bolt`` with ``watch``."""

    async def on_watch(
        ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        sub = subcommand(str(command.get("text") or ""))
        if sub in CHANGES:
            # Acknowledged in the channel, Slack shows the command itself there, as it did
            # when the answer came at once: the channel sees who changed what.
            await ack(response_type="in_channel")
        else:
            await ack()
        attachment = None
        if sub == "test" and context.client is not None:
            response = await post_sample(watch, context.client, command, context.bot_user_id)
        else:
            response, attachment = await watch.answer_with_file(
                command, bot_user_id=context.bot_user_id
            )
        sub = sub[:20] or "help"
        try:
            sent = await respond(**response)
        except (aiohttp.ClientError, TimeoutError, ValueError) as e:
            # ValueError: a payload without a response_url, which Slack always sends.
            log.warning("Slack: the answer to /watch %s was not delivered: %r", sub, e)
            return
        if sent.status_code != 200:
            log.warning(
                "Slack: the answer to /watch %s was refused: HTTP %s", sub, sent.status_code
            )
        if attachment is not None and context.client is not None:
            await share_file(context.client, str(command.get("channel_id") or ""), attachment)

    bolt.command(name)(on_watch)

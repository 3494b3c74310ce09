"""Opening Slack: the app when serving ``/watch``, else only the Web API client."""

from __future__ import annotations

from bot.alert import Alert
from bot.chat.ports import Opening, Payload, PlatformNotifier
from bot.platforms.slack.app import SlackApp, SlackSecrets, make_delivery
from bot.platforms.slack.delivery import SlackDelivery, delivery_metadata
from bot.render.digest import Digest, render_digest_slack
from bot.render.slack import render_slack


async def open_slack(opening: Opening) -> PlatformNotifier[SlackDelivery]:
    """Check the tokens, connect (serving ``/watch`` under ``run``), return Slack's notifier."""
    secrets = SlackSecrets.from_env(opening.environ)
    assert secrets is not None  # SlackPlatform.not_started checked the bot token
    settings = opening.config.slack
    delivery: SlackDelivery
    if opening.serve_commands:
        app = SlackApp(settings, secrets)
        app.serve_watch(opening.commands)
        opening.stack.push_async_callback(app.close)  # also closes what a failed start opened
        await app.start()
        delivery = app.delivery()
    else:
        delivery = make_delivery(settings, secrets)
    return slack_notifier(delivery)


def slack_notifier(delivery: SlackDelivery) -> PlatformNotifier[SlackDelivery]:
    """Alerts rendered as Slack blocks, sent through the Web API; a post tried before
    without an answer is looked for in the channel first."""
    return PlatformNotifier(
        delivery,
        render=render_with_metadata,
        render_digest=digest_with_metadata,
        find_posted=delivery.find_posted,
    )


def digest_with_metadata(digest: Digest) -> Payload:
    """The digest's message, with metadata naming the digest when it has a key, by which a
    digest whose answer was lost is found again."""
    payload = render_digest_slack(digest)
    if not digest.key:
        return payload
    return {**payload, "metadata": delivery_metadata(digest.key, 0)}


def render_with_metadata(alert: Alert) -> Payload:
    """The alert's message, with metadata naming the alert (``SlackDelivery`` adds the
    channel), by which a post whose answer was lost is found again."""
    return {**render_slack(alert), "metadata": delivery_metadata(alert.alert_id, alert.revision)}

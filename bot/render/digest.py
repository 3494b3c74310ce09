"""A digest: the alerts a channel held back (quiet hours, daily digest), in one message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.alert import Alert
from bot.render import escape
from bot.render.discord import NO_MENTIONS
from bot.render.fit import fit, join_within
from bot.render.limits import DISCORD, SLACK

DIGEST_COLOUR = 0x34495E


@dataclass(frozen=True)
class Digest:
    """The alerts held for one channel, oldest first, and why they go out now."""

    reason: str
    alerts: tuple[Alert, ...]
    key: str = ""
    """Names this digest in its channel across its tries (``digest_key``), so that a try
    whose answer was lost can be found; "" for a digest that is never tried again."""

    @property
    def title(self) -> str:
        """``Digest: 3 alerts (quiet hours ended)``."""
        n = len(self.alerts)
        return f"Digest: {n} alert{'s' if n != 1 else ''} ({self.reason})"


def digest_key(first_tried: datetime) -> str:
    """The key of a channel's digest first tried at this time: each try of it uses the
    same, and the channel's next digest, tried later, another."""
    return f"digest-{round(first_tried.timestamp() * 1000)}"


def _line(alert: Alert) -> str:
    return f"{alert.title}: {alert.summary} [{alert.level.value}, {len(alert.sources)} sources]"


def _lines(digest: Digest, esc: Callable[[str], str], link: Callable[[str], str]) -> list[str]:
    """One line per held alert, escaped, then ``link`` to its first source when it has one."""
    lines = []
    for a in digest.alerts:
        text = esc(fit(_line(a), 300))
        source = a.primary_source()
        url = escape.safe_url(source.url if source else None)
        lines.append(f"• {text} {link(url)}" if url else f"• {text}")
    return lines


def render_digest_discord(digest: Digest) -> dict[str, Any]:
    """The digest as one Discord embed, one line per alert, linked to its first source."""
    lines = _lines(digest, escape.discord, lambda url: f"([source]({url}))")
    description = join_within(
        lines, DISCORD.description - 100, sep="\n", more=lambda n: f"… and {n} more"
    )
    embed = {
        "title": fit(digest.title, DISCORD.title),
        "description": description,
        "color": DIGEST_COLOUR,
    }
    return {
        "content": fit(digest.title, 300),
        "embeds": [embed],
        "allowed_mentions": dict(NO_MENTIONS),
    }


def render_digest_slack(digest: Digest) -> dict[str, Any]:
    """The digest as Block Kit: a header and a list of the alerts, within Slack's limits."""
    lines = _lines(digest, escape.slack, lambda url: f"<{url.replace('&', '&amp;')}|source>")
    body = join_within(lines, SLACK.text_object, sep="\n", more=lambda n: f"… and {n} more")
    title = escape.slack(digest.title, mrkdwn=False)
    return {
        "text": fit(title, 3000),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": fit(title, SLACK.header)}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body, "verbatim": True}},
        ],
    }

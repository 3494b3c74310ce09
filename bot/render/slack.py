"""Slack: Block Kit with a plain-text fallback, pinging nobody.

The payload is the ``text`` and ``blocks`` of ``chat.postMessage`` (and of ``chat.update``
for a syndicated change that later sources updated). The button opens the source; Slack
still sends an interaction for it, which the app acknowledges under ``action_id``
``open_source``.
"""

from __future__ import annotations

from typing import Any

from bot.alert import Alert
from bot.render import common, escape
from bot.render.fit import fit, join_within
from bot.render.limits import SLACK
from watchers.model import ChangeKind

EMOJI: dict[ChangeKind, str] = {
    ChangeKind.NEW: ":new:",
    ChangeKind.UPGRADE: ":arrow_up:",
    ChangeKind.DOWNGRADE: ":arrow_down:",
    ChangeKind.REWORDING: ":pencil2:",
    ChangeKind.ASYMMETRY: ":left_right_arrow:",
    ChangeKind.REAFFIRMED: ":repeat:",
}
OPEN_SOURCE_ACTION = "open_source"
FALLBACK_LIMIT = 3000
MAX_SOURCES_SHOWN = 5
MARKUP = common.Markup(escape=escape.slack, bold="*", strike="~", quote=">")


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack shows the text as we wrote it, without linking names or channels.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def sources_mrkdwn(alert: Alert, limit: int) -> str:
    """Up to five sources as links, then how many more."""
    items = []
    for s in alert.sources:
        title, label, url = common.source_parts(s, MARKUP)
        # Inside <url|title>, "&" stays an entity; "|" and ">" were percent-encoded.
        items.append(
            f"<{url.replace('&', '&amp;')}|{title}> ({label})" if url else f"{title} ({label})"
        )
    shown = items[:MAX_SOURCES_SHOWN]
    left = len(items) - len(shown)
    text = " · ".join(shown) + (f" · and {left} more" if left else "")
    if len(text) <= limit:
        return text
    return join_within(items, limit, sep=" · ", more=lambda n: f"and {n} more")


def render_slack(alert: Alert) -> dict[str, Any]:
    """The Slack message payload (``text`` fallback and ``blocks``) for an alert."""
    header = fit(escape.slack(common.titled(alert), mrkdwn=False), SLACK.header)

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": _plain(header)},
        {"type": "section", "text": _mrkdwn("\n".join(common.changed_lines(alert, MARKUP)))},
        {
            "type": "section",
            "text": _mrkdwn(common.quote_block(alert.quote, MARKUP, common.QUOTE_BUDGET)),
        },
    ]
    context = f"{EMOJI[alert.kind]} *Level:* {escape.slack(common.level_line(alert))}"
    if alert.speaker:
        context += f" · *Said by:* {escape.slack(alert.speaker.name)}"
    blocks.append({"type": "context", "elements": [_mrkdwn(context)]})
    if alert.sources:
        sources = sources_mrkdwn(alert, SLACK.text_object - 20)
        blocks.append({"type": "context", "elements": [_mrkdwn(f"*Sources:* {sources}")]})
    primary = alert.primary_source()
    if primary and (url := escape.safe_url(primary.url, SLACK.button_url)):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": _plain("Read the source"),
                        "url": url,
                        "action_id": OPEN_SOURCE_ACTION,
                    }
                ],
            }
        )
    fallback = fit(escape.slack(f"{alert.title}: {alert.summary}", mrkdwn=False), FALLBACK_LIMIT)
    if alert.pings:
        # The channel's own choice of whom to ping, ahead of the alert; feed text stays
        # escaped, so it never pings anyone.
        mentions = " ".join(
            f"<!subteam^{p.id}>" if p.kind == "group" else f"<@{p.id}>" for p in alert.pings
        )
        blocks.insert(0, {"type": "section", "text": _mrkdwn(mentions)})
        fallback = f"{mentions} {fallback}"
    return {"text": fallback, "blocks": blocks}

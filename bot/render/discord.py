"""Discord: one message with one embed, coloured by kind, that pings nobody.

The payload is the JSON body of "create message" and of "execute webhook" alike, so the
bot and webhook modes post the same thing; an update of a syndicated change is the same
payload sent as an edit.
"""

from __future__ import annotations

from typing import Any

from bot.alert import Alert, PingTarget
from bot.render import common, escape
from bot.render.fit import fit, join_within
from bot.render.limits import DISCORD
from watchers.model import ChangeKind

COLOURS: dict[ChangeKind, int] = {
    ChangeKind.NEW: 0x3498DB,  # blue
    ChangeKind.UPGRADE: 0x2ECC71,  # green
    ChangeKind.DOWNGRADE: 0xE74C3C,  # red
    ChangeKind.REWORDING: 0xF1C40F,  # amber
    ChangeKind.ASYMMETRY: 0x9B59B6,  # purple
    ChangeKind.REAFFIRMED: 0x95A5A6,  # grey
}

# Our own share of the limits. Kept well under Discord's so that the sum over one embed
# stays under its 6000-character total by construction: 256 + 3000 + 3 * 1024 + 64 < 6000.
DESCRIPTION_BUDGET = 3000
FOOTER = "partnership-watch"

NO_MENTIONS: dict[str, list[str]] = {"parse": []}
MARKUP = common.Markup(escape=escape.discord, bold="**", strike="~~", quote="> ")


def sources_markdown(alert: Alert, limit: int) -> str:
    """One line per source, a masked link when it has a safe URL, "and N more" when cut."""
    lines = []
    for s in alert.sources:
        title, label, url = common.source_parts(s, MARKUP)
        lines.append(f"[{title}]({url}) · {label}" if url else f"{title} · {label}")
    return join_within(lines, limit, sep="\n", more=lambda n: f"… and {n} more")


def render_discord(alert: Alert) -> dict[str, Any]:
    """The Discord message payload (``content``, ``embeds``, ``allowed_mentions``) for an alert."""
    title = escape.discord(common.titled(alert))
    head = "\n".join(common.changed_lines(alert, MARKUP))
    # The head is at most about 1900 characters (two descriptors of 300 raw characters,
    # escaped, and a diff of 600), which leaves the quote at least 1000.
    quote = common.quote_block(
        alert.quote, MARKUP, min(common.QUOTE_BUDGET, DESCRIPTION_BUDGET - len(head) - 2)
    )
    description = f"{head}\n\n{quote}"

    fields: list[dict[str, Any]] = [
        {"name": "Level", "value": common.level_line(alert), "inline": True},
    ]
    if alert.speaker:
        fields.append(
            {"name": "Said by", "value": escape.discord(alert.speaker.name), "inline": True}
        )
    if alert.sources:
        fields.append(
            {
                "name": f"Sources ({len(alert.sources)})",
                "value": sources_markdown(alert, DISCORD.field_value),
                "inline": False,
            }
        )
    embed: dict[str, Any] = {
        "title": fit(title, DISCORD.title),
        "description": description,
        "color": COLOURS[alert.kind],
        "fields": fields,
        "footer": {"text": f"{FOOTER} · {alert.alert_id}"},
        "timestamp": alert.detected_at.isoformat(),
    }
    primary = alert.primary_source()
    if primary and (url := escape.safe_url(primary.url, DISCORD.url)):
        embed["url"] = url
    content = fit(f"{escape.discord(alert.pair.label)}: {escape.discord(alert.summary)}", 300)
    allowed: dict[str, list[str]] = dict(NO_MENTIONS)
    if alert.pings:
        # Only the role or user the channel asked for may be pinged, named one by one:
        # "parse" stays empty, so no mention written anywhere else in the message pings.
        content = " ".join(_mention(p) for p in alert.pings) + " " + content
        for key, kind in (("roles", "role"), ("users", "user")):
            ids = [p.id for p in alert.pings if p.kind == kind]
            if ids:
                allowed[key] = ids
    return {"content": content, "embeds": [embed], "allowed_mentions": allowed}


def _mention(target: PingTarget) -> str:
    return f"<@&{target.id}>" if target.kind == "role" else f"<@{target.id}>"

"""Making feed text safe to show: nobody pinged, no markup of its own, no terminal tricks.

Feed text is anyone's text. Before it reaches a platform it is cleaned (control and
direction-override characters removed, whitespace folded to single spaces, so it can never
start a line of its own) and escaped for that platform. Our own markup is added after.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# C0 and C1 controls (ANSI escapes start with one), and the bidirectional overrides and
# isolates that can make text read differently from how it is stored.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")
ZWSP = "\u200b"


def clean(text: str) -> str:
    """``text`` without control characters, on one line, whitespace folded."""
    text = _SPACE.sub(" ", text)
    return _CONTROL.sub("", text).strip()


# --- Discord ---------------------------------------------------------------------------

# Discord reads a backslash before any of these as "show it as it is". Escaping "<" also
# breaks user, role and channel mentions (<@id>, <@&id>, <#id>), slash-command mentions and
# timestamps; "[" and "]" break masked links.
_DISCORD_MARKUP = re.compile(r"([\\*_~`|\[\]<>])")
# Only at the start of the text: headings, lists, subtext and block quotes.
_DISCORD_LINE_START = re.compile(r"^(#|-|\+|>|\d+\.)")
_BROADCAST = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)
# A scheme and "://": what Discord needs to make a bare URL a link.
_LINK_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?=//)")


def discord(text: str) -> str:
    """Feed text escaped for Discord markdown, with no way to mention anyone or link."""
    text = _DISCORD_MARKUP.sub(r"\\\1", clean(text))
    text = _DISCORD_LINE_START.sub(r"\\\1", text)
    # Discord links any bare "https://..." in an embed; feed text must not: a zero-width
    # space after the scheme leaves the address readable and unlinked. Our source links are
    # added as masked links after escaping.
    text = _LINK_SCHEME.sub(lambda m: m.group(1) + ZWSP + ":", text)
    # A zero-width space after "@" keeps @everyone and @here from being read as mentions
    # even where allowed_mentions is not honoured (message previews, copies).
    return _BROADCAST.sub(lambda m: "@" + ZWSP + m.group(1), text)


# --- Slack -----------------------------------------------------------------------------

# Slack's mrkdwn has no escape character for its formatting marks; the usual way is to put
# look-alike characters in their place.
_SLACK_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})


def slack(text: str, *, mrkdwn: bool = True) -> str:
    """Feed text escaped for a Slack text object: ``&<>`` as entities, no mentions.

    Escaping ``<`` and ``>`` is what stops ``<!channel>``, ``<!here>``, ``<@U…>`` and links.
    """
    text = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if mrkdwn:
        text = text.translate(_SLACK_LOOKALIKES)
    return _BROADCAST.sub(lambda m: "@" + ZWSP + m.group(1), text)


# --- Console ---------------------------------------------------------------------------


def console(text: str) -> str:
    """Feed text for a terminal: one line, no control characters (so no escape sequences)."""
    return clean(text)


# --- Links -----------------------------------------------------------------------------

# Characters kept as they are in a URL; everything else is percent-encoded, notably
# spaces, quotes, "<", ">", "|", parentheses (which would end a Slack or Discord link) and
# "@" (so no URL reads as a mention).
_URL_SAFE = "/:?#!$&*+,;=%~.-_"


def safe_url(url: str | None, limit: int = 2048) -> str | None:
    """An http(s) URL safe to put in a link or a button, or None when there is none."""
    if not url:
        return None
    url = _CONTROL.sub("", url).strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    # No user-info part: "https://@everyone@host" is a trick, not a news link.
    if parts.scheme.lower() not in ("http", "https") or not host or "@" in parts.netloc:
        return None
    rest = url[len(parts.scheme) + 3 + len(parts.netloc) :]
    encoded = (
        f"{parts.scheme.lower()}://{quote(parts.netloc, safe=':[].-')}{quote(rest, safe=_URL_SAFE)}"
    )
    return encoded if len(encoded) <= limit else None

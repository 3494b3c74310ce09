"""Parsing fetched bytes into entries with feedparser. No I/O here."""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from watchers.errors import ParseError
from watchers.model import Entry
from watchers.text import html_to_text


def parse_feed(feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
    """Entries of a feed body; ParseError when the body is not a feed at all."""
    try:
        # No sanitizing nor resolving of links inside the HTML: html_to_text keeps only the
        # text (scripts and styles dropped), so both would be work thrown away.
        parsed = feedparser.parse(
            body,
            response_headers=dict(headers),
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as e:  # feedparser's loose parser trips on some broken documents
        raise ParseError(feed, f"not a feed we can read ({type(e).__name__}: {e})") from e
    if not parsed.get("version") and not parsed.entries:
        media = _media_type(headers)
        if media in ("text/html", "application/xhtml+xml"):
            # an error or "checking your browser" page served with 200: say that, not why
            # the XML parser choked on it
            raise ParseError(feed, f"not a feed: the server sent a {media} page")
        reason = parsed.get("bozo_exception") or "no RSS or Atom document found"
        raise ParseError(feed, f"not a feed: {reason}")
    return [_entry(feed, raw) for raw in parsed.entries]


def _media_type(headers: Mapping[str, str]) -> str:
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return value.split(";")[0].strip().lower()


def _entry(feed: str, raw: Mapping[str, Any]) -> Entry:
    title = html_to_text(str(raw.get("title") or ""))
    summary = html_to_text(str(raw.get("summary") or ""))
    content = "\n\n".join(
        html_to_text(str(part.get("value") or "")) for part in raw.get("content") or []
    )
    url = raw.get("link") or None
    entry_id = raw.get("id") or url or _digest(title, summary)
    return Entry(
        feed=feed,
        entry_id=str(entry_id),
        url=str(url) if url else None,
        title=title,
        summary=summary,
        content=content,
        published=_time(raw.get("published_parsed") or raw.get("updated_parsed")),
    )


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    # feedparser gives a UTC struct_time; timegm reads it as UTC
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)


def _digest(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()

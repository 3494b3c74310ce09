"""Parsing fetched bytes into entries with feedparser. No I/O here."""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

import feedparser
from feedparser.datetimes import _parse_date
from feedparser.datetimes.rfc822 import _parse_date_rfc822
from feedparser.html import _cp1252
from feedparser.urls import _urljoin

from watchers.errors import ParseError
from watchers.model import Entry
from watchers.text import html_to_text


def parse_feed(feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
    """Entries of a feed body; ParseError when the body is not a feed at all."""
    if _looks_like_json(body, headers):
        return json_feed_entries(feed, body, headers)
    lean = lean_entries(feed, body, headers)
    return lean if lean is not None else feedparser_entries(feed, body, headers)


def _looks_like_json(body: bytes, headers: Mapping[str, str]) -> bool:
    media = _media_type(headers)
    return media in ("application/feed+json", "application/json") or body.lstrip(
        b"\xef\xbb\xbf \t\r\n"
    ).startswith(b"{")


def json_feed_entries(feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
    """Entries of a JSON Feed (https://jsonfeed.org, versions 1 and 1.1)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        raise ParseError(feed, f"not a feed: JSON that cannot be read ({e})") from e
    version = document.get("version") if isinstance(document, dict) else None
    items = document.get("items") if isinstance(document, dict) else None
    if not str(version).startswith("https://jsonfeed.org/version/") or not isinstance(items, list):
        raise ParseError(feed, "not a feed: a JSON document, but not a JSON Feed")
    base = next((v for k, v in headers.items() if k.lower() == "content-location"), "")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        url = _json_text(item, "url") or _json_text(item, "external_url")
        url = _urljoin(base, url) if url else ""
        title = html_to_text(_json_text(item, "title"))
        summary = html_to_text(_json_text(item, "summary"))
        html_content = _json_text(item, "content_html")
        content = html_to_text(html_content) if html_content else _json_text(item, "content_text")
        entry_id = _json_text(item, "id") or url or _digest(title, summary, content)
        published = _json_time(_json_text(item, "date_published")) or _json_time(
            _json_text(item, "date_modified")
        )
        entries.append(
            Entry(
                feed=feed,
                entry_id=entry_id,
                url=url or None,
                title=title,
                summary=summary,
                content=content.strip(),
                published=published,
            )
        )
    return entries


def _json_text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    # ids may be numbers; anything else that is not text is left out
    if isinstance(value, int | float) and not isinstance(value, bool) and key == "id":
        return str(value)
    return value if isinstance(value, str) else ""


def _json_time(value: str) -> datetime | None:
    """An RFC 3339 time, in UTC; None when missing or unreadable."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def lean_entries(feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry] | None:
    """Entries of a plain RSS 2.0 or Atom 1.0 document in UTF-8, or None for any other."""
    raw = _lean_entries(body, headers)
    return None if raw is None else [_entry(feed, r) for r in raw]


def feedparser_entries(feed: str, body: bytes, headers: Mapping[str, str]) -> list[Entry]:
    """Entries of any document feedparser reads; ParseError when it is not a feed."""
    return [_entry(feed, raw) for raw in _feedparser_raw(feed, body, headers)]


def _feedparser_raw(feed: str, body: bytes, headers: Mapping[str, str]) -> list[Mapping[str, Any]]:
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
    return list(parsed.entries)


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
        published=_time(raw.get("published_parsed") or _updated(raw)),
    )


def _updated(raw: Mapping[str, Any]) -> Any:
    # asked with get, feedparser answers a missing "updated_parsed" with "published_parsed",
    # and a warning; ``in`` asks plainly
    return raw["updated_parsed"] if "updated_parsed" in raw else None  # noqa: SIM401


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    # feedparser gives a UTC struct_time; timegm reads it as UTC
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (ValueError, OverflowError, OSError):  # a year datetime cannot hold ("-1")
        return None


def _digest(*parts: str) -> str:
    return "sha1:" + hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


# --- a lean reading of plain RSS 2.0 and Atom 1.0 ----------------------------------------------
#
# feedparser costs ~6 ms for a 10 KB feed, most of a cold poll's CPU. Most feeds are plain
# RSS 2.0 or Atom 1.0 in UTF-8; for those, ElementTree (expat, in C) and the few rules of
# feedparser that reach our fields give the same entries some twenty times faster. Anything
# else (a DOCTYPE, another encoding, RSS 1.0, xml:base, XHTML content, an element we do not
# know, a field given twice or holding markup, a document that is not well-formed) goes to
# feedparser whole. tests/test_parse.py checks both readings agree on the feed corpus.

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

# what an item's children become: the field, or None for elements that feed none of ours
_RSS_FIELDS: dict[str, str | None] = {
    "title": "title",
    "link": "link",
    "guid": "id",
    "description": "summary",
    _CONTENT_ENCODED: "content",
    "pubDate": "published",
    _DC + "date": "updated",
    "category": None,
    "author": None,
    "comments": None,
    "enclosure": None,
    _DC + "creator": None,
    _DC + "subject": None,
    _MEDIA + "thumbnail": None,
    _MEDIA + "content": None,
}
_ATOM_FIELDS: dict[str, str | None] = {
    _ATOM + "title": "title",
    _ATOM + "link": "link",
    _ATOM + "id": "id",
    _ATOM + "summary": "summary",
    _ATOM + "content": "content",
    _ATOM + "published": "published",
    _ATOM + "updated": "updated",
    _ATOM + "category": None,
    _ATOM + "author": None,
    _ATOM + "contributor": None,
    _ATOM + "rights": None,
    _MEDIA + "thumbnail": None,
    _MEDIA + "content": None,
}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)[\"']")
_UNSAFE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class _NotLean(Exception):
    """The document needs feedparser."""


def _lean_entries(body: bytes, headers: Mapping[str, str]) -> list[dict[str, Any]] | None:
    """Raw entries (feedparser's keys) of a plain RSS 2.0 or Atom 1.0 document, or None."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    charset = _CHARSET.search(content_type)
    if charset and charset.group(1).lower() not in ("utf-8", "utf8"):
        return None
    if not charset and content_type.lower().startswith("text/"):
        return None  # text/xml without a charset is read as ASCII by the RFC feedparser follows
    declared = _DECLARED.match(body)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    if _UNSAFE.search(body):
        return None
    try:
        root = ElementTree.fromstring(body)
        base = next((v for k, v in headers.items() if k.lower() == "content-location"), "")
        if root.tag == "rss" and root.get("version") == "2.0":
            return _rss_entries(root, base)
        if root.tag == _ATOM + "feed":
            return _atom_entries(root, base)
    except (ElementTree.ParseError, _NotLean, ValueError):
        pass
    return None


def _rss_entries(root: ElementTree.Element, base: str) -> list[dict[str, Any]]:
    channels = list(root)
    if len(channels) != 1 or channels[0].tag != "channel" or root.get(_XML_BASE):
        raise _NotLean
    channel = channels[0]
    if channel.get(_XML_BASE):
        raise _NotLean
    return [_entry_fields(item, _RSS_FIELDS, base) for item in channel if item.tag == "item"]


def _atom_entries(root: ElementTree.Element, base: str) -> list[dict[str, Any]]:
    if root.get(_XML_BASE):
        raise _NotLean
    return [_entry_fields(e, _ATOM_FIELDS, base) for e in root if e.tag == _ATOM + "entry"]


def _entry_fields(
    item: ElementTree.Element, fields: Mapping[str, str | None], base: str
) -> dict[str, Any]:
    """One entry's fields, by feedparser's rules for a document of plain elements."""
    if item.attrib:
        raise _NotLean
    seen: set[str] = set()
    raw: dict[str, Any] = {}
    for child in item:
        if child.tag not in fields or child.get(_XML_BASE):
            raise _NotLean
        field = fields[child.tag]
        if field is None:
            if child.tag in (_MEDIA + "content", _MEDIA + "thumbnail") and len(child):
                raise _NotLean  # media:title and the like feed feedparser's title
            continue
        if child.tag == _ATOM + "link":  # an entry has several, each for its own purpose
            _atom_link(child, raw, base)
            continue
        if field in seen or len(child):
            raise _NotLean
        seen.add(field)
        kind = child.get("type", "text")
        if kind not in ("text", "html", "text/plain", "text/html") or set(child.attrib) - {
            "type",
            "isPermaLink",
        }:
            raise _NotLean  # xhtml, base64 or out-of-line content
        value = (child.text or "").strip()
        if field == "id":
            permalink = child.get("isPermaLink", "true") == "true"
            if value and permalink:
                value = _resolved(base, value)
            raw["id"] = value = _fixed(value)
            if permalink:
                raw.setdefault("link", value)
        elif field == "link":
            raw["link"] = _link(_fixed(_resolved(base, value) if value else value))
        elif field in ("published", "updated"):
            raw[field + "_parsed"] = _date(_fixed(value)) if value else None
        elif field == "content":
            raw["content"] = [{"value": _fixed(value)}]
            raw.setdefault("summary", _fixed(value))
        else:
            raw[field] = _fixed(value)
    return raw


# An absolute http(s) URL that feedparser's joining gives back as it is, whatever the base:
# a lower-case scheme, a host, a path of plain characters, no query, fragment or parameters
# (which joining may drop when empty) and nothing it would strip or fold.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~%/-]*)?")


def _resolved(base: str, url: str) -> str:
    """``url`` resolved against ``base`` as feedparser does, without the work for a URL
    that is plainly absolute already."""
    return url if _PLAIN_URL.fullmatch(url) else _urljoin(base, url)


def _date(value: str) -> Any:
    """A date as feedparser reads it: the W3C form, RFC 822, then the rest it knows.

    A date that begins with a letter (a weekday: most feeds' RFC 822) cannot be the W3C
    form, which feedparser tries first, so RFC 822 is tried at once; the others follow
    when it fails, as they would."""
    if value[:1].isascii() and value[:1].isalpha():
        try:
            parsed = _parse_date_rfc822(value)
        except (KeyError, OverflowError, ValueError, AttributeError):
            parsed = None
        if parsed and len(parsed) == 9:
            return parsed
    return _parse_date(value)


def _atom_link(link: ElementTree.Element, raw: dict[str, Any], base: str) -> None:
    href = link.get("href")
    if href is None or len(link):
        raise _NotLean
    rel = link.get("rel", "alternate")
    kind = link.get("type", "application/atom+xml" if rel == "self" else "text/html")
    if rel == "alternate" and kind in _HTML_TYPES:
        raw["link"] = _resolved(base, href)


def _link(value: str) -> str:
    # feedparser's repair of links whose "&" was escaped twice
    if "&" not in value:
        return value
    value = value.replace("&amp;", "&")
    return re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)


def _fixed(value: str) -> str:
    """A value as feedparser leaves it: UTF-8 read as Latin-1 undone, cp1252 points mapped."""
    if value.isascii():  # neither touches ASCII, which most values are
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_cp1252)

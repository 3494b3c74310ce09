"""A store holding a short, known story of one pair, told in sentences of our own, and
the story read back from the JSON, CSV and chart that ``history`` gives."""

from __future__ import annotations

import csv
import io
import struct
from datetime import UTC, datetime
from typing import Any

from watchers.countries import default_countries
from watchers.extraction.canonical import canonical
from watchers.history import ChangePoint, DescriptorSpan
from watchers.model import Entry, Extraction, Mention, Pair, from_iso
from watchers.store import Store


def india_russia() -> Pair:
    """The India–Russia pair from the shipped country table."""
    countries = default_countries()
    india, russia = countries.lookup("India"), countries.lookup("Russia")
    assert india is not None and russia is not None
    return Pair.of(india, russia)


def day(month: int, dom: int, year: int = 2024) -> datetime:
    """Noon UTC of a day."""
    return datetime(year, month, dom, 12, 0, tzinfo=UTC)


def remember(
    store: Store,
    pair: Pair,
    descriptor: str,
    at: datetime,
    *,
    url: str,
    speaker: str | None = None,
    official: bool = False,
    feed: str = "World desk",
) -> None:
    """Store one mention of ``descriptor`` in an article published at ``at``."""
    sentence = f"The two governments spoke of a {descriptor} at their meeting."
    entry = Entry(feed, url, url, f"Talks on {at:%d %B}", sentence, published=at)
    extraction = Extraction(pair, descriptor, canonical(descriptor), sentence, speaker)
    store.record_mention(Mention(extraction, entry, official, at))


STORY = (
    # descriptor, month, day, speaker, official, url
    ("strategic partnership", 1, 10, None, False, "https://news.example/a1"),
    ("strategic partnership", 1, 10, "IND", True, "https://mea.example/s1"),
    ("close ties", 2, 1, None, False, "https://news.example/a2"),
    ("special and privileged strategic partnership", 3, 5, "RUS", True, "https://mid.example/1"),
    ("special and privileged strategic partnership", 3, 6, None, False, "https://news.example/a3"),
    ("special and privileged strategic partnership", 3, 6, None, False, "https://wire.example/b3"),
    ("strategic partnership", 5, 20, "IND", False, "https://news.example/a4"),
)
"""India speaks of a strategic partnership, Russia raises it to a special and privileged one,
India keeps its words: an upgrade, then the two sides' words differ."""


def store_with_story(store: Store) -> Pair:
    """Fill ``store`` with :data:`STORY`; returns the pair."""
    pair = india_russia()
    for descriptor, month, dom, speaker, official, url in STORY:
        remember(store, pair, descriptor, day(month, dom), url=url, speaker=speaker,
                 official=official)  # fmt: skip
    return pair


def spans_from_json(record: dict[str, Any]) -> list[DescriptorSpan]:
    """The descriptors of a story read back from its JSON form."""
    return [
        DescriptorSpan(
            descriptor=d["descriptor"],
            canonical=d["canonical"],
            first_seen=from_iso(d["first_seen"]),
            last_seen=from_iso(d["last_seen"]),
            tier=d["tier"],
            height=d["height"],
            mentions=int(d["mentions"]),
            sources=int(d["sources"]),
            official_sources=int(d["official_sources"]),
            speakers=tuple(d["speakers"]),
        )
        for d in record["descriptors"]
    ]


def changes_from_json(record: dict[str, Any]) -> list[ChangePoint]:
    """The change points of a story read back from its JSON form."""
    return [ChangePoint(**{**c, "at": from_iso(c["at"])}) for c in record["changes"]]


def spans_from_csv(text: str) -> list[DescriptorSpan]:
    """The descriptors read back from :func:`story_csv`'s output."""
    rows = [
        {
            **row,
            "tier": row["tier"] or None,
            "height": float(row["height"]) if row["height"] else None,
            "speakers": row["speakers"].split(),
        }
        for row in csv.DictReader(io.StringIO(text))
    ]
    return spans_from_json({"descriptors": rows})


def png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG image (a chart)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height

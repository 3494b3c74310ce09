"""Deciding what is a change. Pure: takes values (the pair's stored state, the mentions of
one entry, the time) and returns values; no clock, network or database inside."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from watchers.diff import word_diff
from watchers.model import Change, ChangeKind, Mention, Source
from watchers.store import PairState


@dataclass(frozen=True)
class Decision:
    """What was decided for one mention, and why, for logs and "why" in chat."""

    mention: Mention
    change: Change | None
    reason: str


def source_of(mention: Mention) -> Source:
    """The evidence of a mention, as shown with an alert."""
    e = mention.entry
    return Source(
        feed=e.feed, url=e.url, title=e.title, published=e.published, official=mention.official
    )


def _is_sub_run(small: str, big: str) -> bool:
    s, b = small.split(), big.split()
    return len(s) < len(b) and any(b[i : i + len(s)] == s for i in range(len(b) - len(s) + 1))


def representatives(mentions: Iterable[Mention], current: dict[str, str]) -> list[Mention]:
    """One mention per pair for one entry: what the entry says the pair's words are now.

    An article often repeats a formula in short ("privileged strategic partnership" in the
    headline for "particularly privileged strategic partnership" in the quote) and recalls the
    formula used before. So within one entry, a descriptor that is a shorter run of another is
    dropped, and the pair's current descriptor gives way to any other one. Of what remains,
    the longest wins. ``current`` maps pair keys to canonical descriptors.
    """
    by_pair: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_pair[m.pair.key].append(m)
    chosen: list[Mention] = []
    for key, group in by_pair.items():
        forms = {m.extraction.canonical for m in group}
        candidates = [
            m for m in group if not any(_is_sub_run(m.extraction.canonical, f) for f in forms)
        ]
        fresh = [m for m in candidates if m.extraction.canonical != current.get(key)]
        pool = fresh or candidates
        # max() keeps the first of equals, so the earlier mention in the text wins ties
        chosen.append(max(pool, key=lambda m: len(m.extraction.canonical.split())))
    return chosen


def decide(
    state: PairState | None,
    mention: Mention,
    *,
    watched: bool,
    baseline: bool,
    now: datetime,
) -> Decision:
    """Whether a mention changes its pair's descriptor, and the change to report if so."""
    x = mention.extraction
    if state is not None and state.canonical == x.canonical:
        return Decision(mention, None, "same descriptor as before")
    if baseline:
        return Decision(mention, None, "baseline: first poll of a new feed")
    if not watched:
        return Decision(mention, None, "pair not watched")
    before = state.descriptor if state else None
    change = Change(
        pair=x.pair,
        kind=ChangeKind.NEW if state is None else ChangeKind.REWORDING,
        before=before,
        after=x.descriptor,
        diff=word_diff(before, x.descriptor),
        quote=x.sentence,
        sources=(source_of(mention),),
        detected_at=now,
        speaker=x.speaker,
        span=x.span,
    )
    return Decision(mention, change, "first descriptor" if state is None else "descriptor changed")

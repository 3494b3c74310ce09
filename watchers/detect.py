"""Deciding what is a change. Pure: takes values (the pair's stored history, the mentions of
one entry, the time) and returns values; no clock, network or database inside.

The rules, in the order they apply to one mention of a pair:

1. generic wording ("close ties") never alerts and never replaces the pair's words;
2. backdated text (an old entry, or a sentence about an earlier time) is history;
3. the words of the pair's latest change, within the syndication window: another source
   for it (its sources grow and its level rises), even when an outlet used the old words
   in between;
4. the pair's current words again: reaffirmed (muted unless the rules ask for it after a
   silence), else perhaps an asymmetry;
5. a feed's first poll is its baseline, and pairs nobody watches alert nothing;
6. words the pair used lately (the flip-flop window) are not new again;
7. otherwise a change: new, upgrade, downgrade or rewording, by the lexicon's tiers.

Asymmetry: when a speaker's words differ from what the other side of the pair last said
(within the flip-flop window), and that difference was not reported already.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from watchers.backdate import recalled
from watchers.diff import word_diff
from watchers.extraction.canonical import canonical
from watchers.model import Change, ChangeKind, Country, Level, Mention, Source
from watchers.store import PairHistory, PairState, SpeakerState
from watchers.tiers import Lexicon, load_lexicon


class Outcome(StrEnum):
    """What became of one mention, as "why" tells it."""

    ALERTED = "alerted"
    UPDATED = "updated"
    SAME = "same words"
    BASELINE = "baseline"
    NOT_WATCHED = "not watched"
    FLIP_FLOP = "flip-flop"
    BACKDATED = "backdated"
    GENERIC = "generic wording"


@dataclass(frozen=True)
class Rules:
    """The tunable parts of the alert rules (the ``[alerts]`` section of the config)."""

    flipflop_descriptors: int = 3
    """How many of the pair's latest distinct descriptors count as "used lately"."""
    flipflop_days: float = 30
    """How far back "used lately" reaches."""
    syndication_hours: float = 48
    """How long after a change other outlets' reports of it attach to it."""
    backdate_days: float | None = None
    """When set, an entry published longer ago than this before it is read is old news.

    Off by default: feeds re-date items, and the dates and tense of the sentence (read
    against the entry's published time) already tell a recalled formula from a new one.
    """
    reaffirmed: bool = False
    """Alert when a pair's words are said again after a silence of ``flipflop_days``."""


DEFAULT_RULES = Rules()


@cache
def shipped_lexicon() -> Lexicon:
    """The lexicon shipped in ``config/tiers.toml`` (read once)."""
    return load_lexicon()


@dataclass(frozen=True)
class Decision:
    """What was decided for one mention, and why, for logs and "why" in chat."""

    mention: Mention
    change: Change | None
    reason: str
    outcome: Outcome = Outcome.ALERTED
    update: Change | None = None
    """A reported change that this mention corroborates, with the source attached."""
    remember: bool = True
    """Whether the mention's words become the pair's (and its speaker's) current words."""


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


def independent_outlets(sources: Iterable[Source]) -> int:
    """How many outlets stand behind these sources: one feed, one URL or one title is one.

    Wire copies carried by several feeds share a URL or a title and count once.
    """
    feeds: set[str] = set()
    urls: set[str] = set()
    titles: set[str] = set()
    count = 0
    for s in sources:
        title = " ".join(s.title.lower().split())
        if s.feed not in feeds and (not s.url or s.url not in urls) and title not in titles:
            count += 1
        feeds.add(s.feed)
        if s.url:
            urls.add(s.url)
        if title:
            titles.add(title)
    return count


def corroboration(sources: Iterable[Source]) -> Level:
    """Official when an official feed says it; multi-source from two outlets; else reported."""
    sources = tuple(sources)
    if any(s.official for s in sources):
        return Level.OFFICIAL
    return Level.MULTI_SOURCE if independent_outlets(sources) >= 2 else Level.REPORTED


def _same_words(a: str, a_canonical: str, mention: Mention) -> bool:
    x = mention.extraction
    return a_canonical == x.canonical or canonical(a) == canonical(x.descriptor)


def _phrase_at(mention: Mention) -> int | None:
    x = mention.extraction
    if x.span is not None:
        return x.span[0]
    at = x.sentence.lower().find(x.descriptor.lower())
    return at if at >= 0 else None


def _other_side(mention: Mention) -> Country | None:
    pair, speaker = mention.pair, mention.extraction.speaker
    if speaker == pair.first.code:
        return pair.second
    if speaker == pair.second.code:
        return pair.first
    return None


def _change(
    lexicon: Lexicon, mention: Mention, kind: ChangeKind, before: str | None, now: datetime
) -> Change:
    x = mention.extraction
    source = source_of(mention)
    return lexicon.annotate(
        Change(
            pair=x.pair,
            kind=kind,
            before=before,
            after=x.descriptor,
            diff=word_diff(before, x.descriptor),
            quote=x.sentence,
            sources=(source,),
            detected_at=now,
            speaker=x.speaker,
            span=x.span,
            level=corroboration((source,)),
        )
    )


def syndicated(
    latest: Change | None, mention: Mention, now: datetime, rules: Rules
) -> Change | None:
    """The pair's latest change with this mention's source attached, when it reports it too."""
    if latest is None or latest.change_id is None:
        return None
    if canonical(latest.after) != canonical(mention.extraction.descriptor):
        return None
    if now - latest.detected_at > timedelta(hours=rules.syndication_hours):
        return None
    source = source_of(mention)
    if any(s.feed == source.feed or (s.url and s.url == source.url) for s in latest.sources):
        return None
    sources = (*latest.sources, source)
    return replace(
        latest, sources=sources, level=corroboration(sources), revision=latest.revision + 1
    )


def _asymmetry(
    history: PairHistory, mention: Mention, now: datetime, rules: Rules, lexicon: Lexicon
) -> Change | None:
    """An asymmetry change when the speaker's words differ from the other side's, unreported."""
    x = mention.extraction
    other = _other_side(mention)
    theirs: SpeakerState | None = history.speaker(other.code) if other else None
    if theirs is None or now - theirs.last_seen > timedelta(days=rules.flipflop_days):
        return None
    if _same_words(theirs.descriptor, theirs.canonical, mention):
        return None
    mine, their = canonical(x.descriptor), canonical(theirs.descriptor)
    last = history.latest_asymmetry
    if last is not None:
        said = {canonical(last.after), canonical(last.before or "")}
        if said == {mine, their}:
            return None  # this difference was reported already, by either side
    return _change(lexicon, mention, ChangeKind.ASYMMETRY, theirs.descriptor, now)


def recently_used(
    history: PairHistory, mention: Mention, now: datetime, rules: Rules
) -> datetime | None:
    """When the pair last used these words, if within the flip-flop window; else None."""
    window = history.recent[: rules.flipflop_descriptors]
    for seen in window:
        recent = now - seen.last_seen <= timedelta(days=rules.flipflop_days)
        if recent and _same_words(seen.descriptor, seen.canonical, mention):
            return seen.last_seen
    return None


def decide(
    state: PairState | None,
    mention: Mention,
    *,
    watched: bool,
    baseline: bool,
    now: datetime,
    history: PairHistory | None = None,
    rules: Rules = DEFAULT_RULES,
    lexicon: Lexicon | None = None,
) -> Decision:
    """Whether a mention changes its pair's words, and the change (or update) to report."""
    x = mention.extraction
    history = history or PairHistory(current=state)
    state = state if state is not None else history.current
    lexicon = lexicon or shipped_lexicon()

    if lexicon.is_generic(x.descriptor):
        return Decision(
            mention,
            None,
            "generic wording never alerts on its own",
            Outcome.GENERIC,
            remember=False,
        )
    max_age = timedelta(days=rules.backdate_days) if rules.backdate_days is not None else None
    past = recalled(x.sentence, _phrase_at(mention), mention.entry.published, now, max_age=max_age)
    if past:
        return Decision(mention, None, f"backdated: {past}", Outcome.BACKDATED, remember=False)

    # Checked before the pair's current words: an outlet using the old formula in between
    # (a flip-flop) must not keep later reports, an official one say, off the change.
    update = syndicated(history.latest_change, mention, now, rules)
    if update is not None:
        return Decision(
            mention,
            None,
            f"another source for the {update.kind.value} of "
            f"{update.detected_at:%Y-%m-%d %H:%M} UTC, now {update.level.value}",
            Outcome.UPDATED,
            update=update,
        )
    live = watched and not baseline
    if state is not None and _same_words(state.descriptor, state.canonical, mention):
        silent = now - state.last_seen > timedelta(days=rules.flipflop_days)
        if live and rules.reaffirmed and silent:
            change = _change(lexicon, mention, ChangeKind.REAFFIRMED, state.descriptor, now)
            return Decision(mention, change, "reaffirmed after a silence")
        if live and (asym := _asymmetry(history, mention, now, rules, lexicon)):
            return Decision(mention, asym, "the two sides use different words")
        return Decision(mention, None, "same descriptor as before", Outcome.SAME)
    if baseline:
        return Decision(mention, None, "baseline: first poll of a new feed", Outcome.BASELINE)
    if not watched:
        return Decision(mention, None, "pair not watched", Outcome.NOT_WATCHED)
    used = recently_used(history, mention, now, rules)
    if used is not None:
        if asym := _asymmetry(history, mention, now, rules, lexicon):
            return Decision(mention, asym, "the two sides use different words")
        return Decision(
            mention,
            None,
            f"flip-flop: “{x.descriptor}” was used for this pair on {used:%Y-%m-%d}",
            Outcome.FLIP_FLOP,
        )
    before = state.descriptor if state else None
    kind = lexicon.classify(before, x.descriptor, x.speaker) or ChangeKind.NEW
    if kind is ChangeKind.REAFFIRMED:  # the lexicon's canonical form sees no difference
        return Decision(mention, None, "same descriptor as before", Outcome.SAME)
    change = _change(lexicon, mention, kind, before, now)
    reason = "first descriptor" if before is None else f"descriptor changed ({kind.value})"
    return Decision(mention, change, reason)

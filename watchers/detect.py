"""Deciding what is a change. Pure: takes values (the pair's stored history, the mentions of
one entry, the time, the lexicon) and returns values; no clock, network, file or database
inside.

Each pair has *established* words (said officially, by independent outlets, or standing
unchallenged for ``Rules.confirm_days``) and, at times, a *pending* report: new words from
one outlet alone. A pending report alerts (at level "reported") but leaves the established
words alone; later evidence confirms it (it becomes established) or, when the established
words were said again meanwhile, it lapses. New mentions are compared with the established
words, so one false report never becomes the "before" of the next real change.

The rules, in the order they apply to one mention of a pair:

1. a hypothetical ("could become strategic partners") and generic wording ("close ties")
   never alert and never replace the pair's words;
2. backdated text (an old entry, or a sentence about an earlier time) is history;
3. the words of the pair's latest change (or a shortened form of them), within the
   syndication window or while the change is pending: another source for it (its sources
   grow, its level rises, and a pending report becomes established);
4. the pair's established words again: reaffirmed (muted unless the rules ask for it after a
   silence), else perhaps an asymmetry; they also challenge a pending report;
5. a feed's first poll is its baseline, and pairs nobody watches alert nothing;
6. a shortened form of the established or pending words ("strategic partnership" for
   "special and privileged strategic partnership") is the same words, unless something says
   the change is meant: an official text, several outlets, or the language of lowering;
7. words the pair used lately (the flip-flop window) are not new again;
8. otherwise a change: new, upgrade, downgrade or rewording, by the lexicon's tiers; a
   rewording by one side that the other side's last words differ from is an asymmetry.

Asymmetry: when a speaker's words differ from what the other side of the pair last said
(within the flip-flop window), and that difference was not reported already.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from watchers.backdate import recalled
from watchers.diff import word_diff
from watchers.extraction.canonical import canonical
from watchers.model import (
    Change,
    ChangeKind,
    ChangeStatus,
    Country,
    Level,
    Mention,
    PairHistory,
    PairState,
    Source,
    SpeakerState,
)
from watchers.tiers import Lexicon


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
    HYPOTHETICAL = "hypothetical"
    SHORTENED = "shortened form"


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
    confirm_days: float = 7
    """How long a report from one outlet stands before it counts as established; when the
    established words were said again meanwhile, it lapses then instead."""


DEFAULT_RULES = Rules()


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
    """Whether the mention's words count as used lately by the pair (and its speaker)."""
    establish: str | None = None
    """Words that become (or stay) the pair's established words, if any."""
    settled: Change | None = None
    """A pending report that this decision confirms for good or lets lapse."""
    challenge: bool = False
    """The established words were said again against the pending report."""


def source_of(mention: Mention) -> Source:
    """The evidence of a mention, as shown with an alert."""
    e = mention.entry
    return Source(
        feed=e.feed, url=e.url, title=e.title, published=e.published, official=mention.official
    )


def _is_sub_run(small: str, big: str) -> bool:
    s, b = small.split(), big.split()
    return len(s) < len(b) and any(b[i : i + len(s)] == s for i in range(len(b) - len(s) + 1))


def shortened(small: str, big: str) -> bool:
    """Whether ``small`` is ``big`` with some words left out: a run of it, or some of its
    modifiers before the same head ("particularly privileged partnership" for "particularly
    privileged strategic partnership"). Both canonical."""
    s, b = small.split(), big.split()
    if not s or len(s) >= len(b):
        return False
    if _is_sub_run(small, big):
        return True
    words = iter(b)
    return s[-1] == b[-1] and all(w in words for w in s)


def _live(mention: Mention, now: datetime | None, rules: Rules, lexicon: Lexicon | None) -> bool:
    """Whether a mention speaks of the pair now: not supposed, generic or recalled."""
    x = mention.extraction
    if x.hypothetical or (lexicon is not None and lexicon.is_generic(x.descriptor)):
        return False
    return now is None or _recalled(mention, now, rules) is None


def representatives(
    mentions: Iterable[Mention],
    current: dict[str, str],
    *,
    now: datetime | None = None,
    rules: Rules = DEFAULT_RULES,
    lexicon: Lexicon | None = None,
) -> list[Mention]:
    """One mention per pair for one entry: what the entry says the pair's words are now.

    An article often repeats a formula in short ("privileged strategic partnership" in the
    headline for "particularly privileged strategic partnership" in the quote) and recalls the
    formula used before. So within one entry, a mention that recalls the past, supposes or
    says only generic words gives way to one that speaks of the pair now (given ``now``, and
    ``lexicon`` for generic words), whichever is longer; a descriptor that is a shorter run
    of another is dropped, and the pair's current descriptor gives way to any other one. Of
    what remains, the longest wins. ``current`` maps pair keys to canonical descriptors.
    """
    by_pair: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_pair[m.pair.key].append(m)
    chosen: list[Mention] = []
    for key, group in by_pair.items():
        group = [m for m in group if _live(m, now, rules, lexicon)] or group
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


def _status(level: Level) -> ChangeStatus:
    return ChangeStatus.PENDING if level is Level.REPORTED else ChangeStatus.ESTABLISHED


def _same_words(a: str, a_canonical: str, mention: Mention) -> bool:
    x = mention.extraction
    return a_canonical == x.canonical or canonical(a) == canonical(x.descriptor)


def _phrase_at(mention: Mention) -> int | None:
    x = mention.extraction
    if x.span is not None:
        return x.span[0]
    at = x.sentence.lower().find(x.descriptor.lower())
    return at if at >= 0 else None


def _recalled(mention: Mention, now: datetime, rules: Rules) -> str | None:
    max_age = timedelta(days=rules.backdate_days) if rules.backdate_days is not None else None
    x = mention.extraction
    return recalled(x.sentence, _phrase_at(mention), mention.entry.published, now, max_age=max_age)


def _other_side(mention: Mention) -> Country | None:
    pair, speaker = mention.pair, mention.extraction.speaker
    if speaker == pair.first.code:
        return pair.second
    if speaker == pair.second.code:
        return pair.first
    return None


def _change(
    lexicon: Lexicon,
    mention: Mention,
    kind: ChangeKind,
    before: str | None,
    now: datetime,
    sources: tuple[Source, ...] = (),
) -> Change:
    x = mention.extraction
    sources = (*sources, source_of(mention))
    level = corroboration(sources)
    return lexicon.annotate(
        Change(
            pair=x.pair,
            kind=kind,
            before=before,
            after=x.descriptor,
            diff=word_diff(before, x.descriptor),
            quote=x.sentence,
            sources=sources,
            detected_at=now,
            speaker=x.speaker,
            span=x.span,
            level=level,
            status=ChangeStatus.ESTABLISHED if kind is ChangeKind.ASYMMETRY else _status(level),
        )
    )


LOWERING = re.compile(
    r"\b(?:downgrad\w*|lower(?:ed|ing|s)\b|demot\w*|scal(?:ed|es|ing) back|"
    r"no longer|reduc(?:ed|es|ing)\b|cut back|step(?:ped|s)? down|relegat\w*)",
    re.IGNORECASE,
)
"""Words that say a tie was lowered on purpose, so that shorter words are a downgrade."""


def _same_entry(a: Source, entry_id: str, mention: Mention) -> bool:
    return a.feed == mention.entry.feed and entry_id == mention.entry.entry_id


def _outlets_saying(
    history: PairHistory, mention: Mention, now: datetime, rules: Rules
) -> tuple[Source, ...]:
    """Earlier sources that used the mention's very words lately (this entry aside)."""
    window = timedelta(hours=rules.syndication_hours)
    x = mention.extraction
    return tuple(
        h.source
        for h in reversed(history.heard)
        if h.canonical == x.canonical
        and now - h.seen_at <= window
        and not _same_entry(h.source, h.entry_id, mention)
    )


def deliberate(history: PairHistory, mention: Mention, now: datetime, rules: Rules) -> str | None:
    """What says shorter words were chosen on purpose, or None: an official text, several
    outlets using them, or the language of lowering in the sentence."""
    if mention.official:
        return "an official text"
    if LOWERING.search(mention.extraction.sentence):
        return "the language of lowering"
    outlets = independent_outlets(
        (*_outlets_saying(history, mention, now, rules), source_of(mention))
    )
    return f"{outlets} outlets" if outlets >= 2 else None


def _words(mention: Mention) -> str:
    """The mention's words in the form compared with stored words (both through canonical)."""
    return canonical(mention.extraction.descriptor)


def _shortens(words: str | None, mention: Mention) -> bool:
    return words is not None and shortened(_words(mention), canonical(words))


def _open(change: Change, now: datetime, rules: Rules) -> bool:
    """Whether later sources still attach to a change: within the syndication window, or
    while it is pending (a pending report waits for its evidence)."""
    if change.status is ChangeStatus.LAPSED:
        return False
    recent = now - change.detected_at <= timedelta(hours=rules.syndication_hours)
    return recent or change.status is ChangeStatus.PENDING


def syndicated(
    latest: Change | None,
    mention: Mention,
    now: datetime,
    rules: Rules,
    history: PairHistory | None = None,
) -> Change | None:
    """The pair's latest change with this mention's source attached, when it reports it too.

    A shortened form of the change's words (that is not also one of its old words) reports it
    too, unless something says the shorter words were meant (see ``deliberate``).
    """
    if latest is None or latest.change_id is None or not _open(latest, now, rules):
        return None
    if canonical(latest.after) != canonical(mention.extraction.descriptor):
        if not _shortens(latest.after, mention) or _shortens(latest.before, mention):
            return None
        if deliberate(history or PairHistory(), mention, now, rules):
            return None
    source = source_of(mention)
    if any(s.feed == source.feed or (s.url and s.url == source.url) for s in latest.sources):
        return None
    sources = (*latest.sources, source)
    level = corroboration(sources)
    status = latest.status
    if status is ChangeStatus.PENDING:
        status = _status(level)
    return replace(
        latest, sources=sources, level=level, revision=latest.revision + 1, status=status
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
    if shortened(mine, their) or shortened(their, mine):
        return None  # the same words, one side in short
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


def _challenges(pending: Change | None, mention: Mention) -> bool:
    """Whether the established words in ``mention`` speak against a pending report: they do
    unless the report's own outlet says them."""
    return pending is not None and not any(s.feed == mention.entry.feed for s in pending.sources)


def settle(history: PairHistory, now: datetime, rules: Rules) -> tuple[PairHistory, Change | None]:
    """The history once a pending report has stood ``confirm_days``: established when
    nothing challenged it, lapsed when the established words were said again meanwhile.
    Returns the history as it stands at ``now`` and the report that settled, if one did."""
    pending = history.pending
    if pending is None or now - pending.detected_at <= timedelta(days=rules.confirm_days):
        return history, None
    challenged = history.challenged_at
    if challenged is not None and challenged >= pending.detected_at:
        lapsed = replace(pending, status=ChangeStatus.LAPSED)
        return replace(history, latest_change=lapsed), lapsed
    confirmed = replace(pending, status=ChangeStatus.ESTABLISHED)
    state = PairState(
        pending.pair.key, pending.after, canonical(pending.after), pending.detected_at, now
    )
    return replace(history, current=state, latest_change=confirmed), confirmed


@dataclass(frozen=True)
class PairWords:
    """A pair's words as ``why`` and ``history`` tell them: established, and reported once."""

    established: str | None
    established_since: datetime | None
    reported: str | None = None
    """Words one outlet alone reported, awaiting evidence; None when there are none."""
    reported_at: datetime | None = None

    def describe(self) -> str:
        """One line for chat: the established words, and a pending report if there is one."""
        words = f"“{self.established}”" if self.established else "no established words yet"
        if self.established and self.established_since:
            words += f" (established, since {self.established_since:%Y-%m-%d})"
        if self.reported and self.reported_at:
            words += (
                f"; reported by one outlet on {self.reported_at:%Y-%m-%d}, not yet confirmed: "
                f"“{self.reported}”"
            )
        return words


def pair_words(history: PairHistory, now: datetime, rules: Rules = DEFAULT_RULES) -> PairWords:
    """The pair's established words and pending report as they stand at ``now``."""
    history, _ = settle(history, now, rules)
    state, pending = history.current, history.pending
    return PairWords(
        established=state.descriptor if state else None,
        established_since=state.first_seen if state else None,
        reported=pending.after if pending else None,
        reported_at=pending.detected_at if pending else None,
    )


def decide(
    state: PairState | None,
    mention: Mention,
    *,
    watched: bool,
    baseline: bool,
    now: datetime,
    lexicon: Lexicon,
    history: PairHistory | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Decision:
    """Whether a mention changes its pair's words, and the change (or update) to report.

    ``state`` is the pair's established words (``history.current`` when None).
    """
    history = history or PairHistory(current=state)
    if state is not None:
        history = replace(history, current=state)
    history, settled = settle(history, now, rules)
    decision = _decide(history, mention, watched, baseline, now, rules, lexicon)
    if settled is None:
        return decision
    if decision.settled is not None:
        return decision
    establish = decision.establish
    if establish is None and settled.status is ChangeStatus.ESTABLISHED:
        establish = settled.after
    return replace(decision, settled=settled, establish=establish)


def _decide(
    history: PairHistory,
    mention: Mention,
    watched: bool,
    baseline: bool,
    now: datetime,
    rules: Rules,
    lexicon: Lexicon,
) -> Decision:
    x = mention.extraction
    state, pending = history.current, history.pending

    if x.hypothetical:
        return Decision(
            mention,
            None,
            "a hypothetical is nobody's words for the pair",
            Outcome.HYPOTHETICAL,
            remember=False,
        )
    if lexicon.is_generic(x.descriptor):
        return Decision(
            mention,
            None,
            "generic wording never alerts on its own",
            Outcome.GENERIC,
            remember=False,
        )
    past = _recalled(mention, now, rules)
    if past:
        return Decision(mention, None, f"backdated: {past}", Outcome.BACKDATED, remember=False)

    # Checked before the pair's established words: an outlet using the old formula in between
    # (a flip-flop) must not keep later reports, an official one say, off the change.
    update = syndicated(history.latest_change, mention, now, rules, history)
    if update is None and history.latest_asymmetry is not None:
        said = history.latest_asymmetry
        if canonical(said.after) == _words(mention):
            update = syndicated(said, mention, now, rules, history)
    if update is not None:
        exact = canonical(update.after) == _words(mention)
        confirmed = pending is not None and update.status is ChangeStatus.ESTABLISHED
        how = "a shortened form of its words, " if not exact else ""
        return Decision(
            mention,
            None,
            f"another source for the {update.kind.value} of "
            f"{update.detected_at:%Y-%m-%d %H:%M} UTC, {how}now {update.level.value}"
            + (", its words now established" if confirmed else ""),
            Outcome.UPDATED,
            update=update,
            remember=exact,
            establish=update.after
            if update.status is ChangeStatus.ESTABLISHED and update.kind is not ChangeKind.ASYMMETRY
            else None,
        )
    live = watched and not baseline
    if state is not None and _same_words(state.descriptor, state.canonical, mention):
        challenge = _challenges(pending, mention)
        silent = now - state.last_seen > timedelta(days=rules.flipflop_days)
        if live and rules.reaffirmed and silent:
            change = _change(lexicon, mention, ChangeKind.REAFFIRMED, state.descriptor, now)
            change = replace(change, status=ChangeStatus.ESTABLISHED)
            return Decision(
                mention,
                change,
                "reaffirmed after a silence",
                establish=x.descriptor,
                challenge=challenge,
            )
        if live and (asym := _asymmetry(history, mention, now, rules, lexicon)):
            return Decision(
                mention,
                asym,
                "the two sides use different words",
                establish=x.descriptor,
                challenge=challenge,
            )
        reason = "same descriptor as before"
        if challenge:
            reason = "the established words again, against the report still unconfirmed"
        return Decision(
            mention, None, reason, Outcome.SAME, establish=x.descriptor, challenge=challenge
        )
    if pending is not None and canonical(pending.after) == _words(mention):
        return Decision(
            mention,
            None,
            f"the words reported on {pending.detected_at:%Y-%m-%d}, from an outlet already counted",
            Outcome.SAME,
        )
    if baseline:
        return Decision(
            mention,
            None,
            "baseline: first poll of a new feed",
            Outcome.BASELINE,
            establish=x.descriptor,
        )
    if not watched:
        return Decision(
            mention, None, "pair not watched", Outcome.NOT_WATCHED, establish=x.descriptor
        )
    before = state.descriptor if state else None
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
    sign = deliberate(history, mention, now, rules)
    for words, whose in ((before, "established"), (pending.after if pending else None, "reported")):
        if words is not None and _shortens(words, mention) and sign is None:
            # The established words in short are another source for them (and speak against
            # a pending report, as the full words would); they never become the pair's words.
            own = whose == "established"
            return Decision(
                mention,
                None,
                f"a shortened form of the {whose} words “{words}”, not a change",
                Outcome.SHORTENED,
                remember=False,
                establish=words if own else None,
                challenge=own and _challenges(pending, mention),
            )
    kind = lexicon.classify(before, x.descriptor, x.speaker) or ChangeKind.NEW
    if kind is ChangeKind.REAFFIRMED:  # the lexicon's canonical form sees no difference
        return Decision(mention, None, "same descriptor as before", Outcome.SAME)
    lapsed = replace(pending, status=ChangeStatus.LAPSED) if pending is not None else None
    if kind is ChangeKind.REWORDING and (asym := _asymmetry(history, mention, now, rules, lexicon)):
        # One side's new words against the other side's last ones: the pair's words stay.
        return Decision(mention, asym, "one side's words differ from the other side's")
    earlier = _outlets_saying(history, mention, now, rules) if sign else ()
    change = _change(lexicon, mention, kind, before, now, earlier)
    reason = "first descriptor" if before is None else f"descriptor changed ({kind.value})"
    if sign is not None and _shortens(before, mention):
        reason += f", shortened on purpose ({sign})"
    if change.status is ChangeStatus.PENDING:
        reason += ", reported by one outlet: the established words stay until it is confirmed"
    return Decision(
        mention,
        change,
        reason,
        establish=x.descriptor if change.status is ChangeStatus.ESTABLISHED else None,
        settled=lapsed,
    )

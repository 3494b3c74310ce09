"""The alert rules of one pair: what counts as a change, said once (pure deciding code)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes import pair
from tests.feeds import config_problems
from watchers.backdate import recalled
from watchers.detect import (
    Decision,
    Outcome,
    Rules,
    corroboration,
    decide,
    independent_outlets,
    pair_words,
)
from watchers.migrations import DatabaseLedger
from watchers.model import (
    Change,
    ChangeKind,
    ChangeStatus,
    Entry,
    Extraction,
    Heard,
    Level,
    Mention,
    Pair,
    PairHistory,
    PairState,
    SeenDescriptor,
    Source,
    SpeakerState,
)
from watchers.store import MIGRATIONS, Store
from watchers.tiers import load_lexicon

LEXICON = load_lexicon()

T0 = datetime(2023, 9, 10, 12, 0, tzinfo=UTC)
USVN = pair("USA", "VNM")
INRU = pair("IND", "RUS")


def mention(
    descriptor: str,
    *,
    at: datetime = T0,
    feed: str = "asia-desk",
    sentence: str | None = None,
    speaker: str | None = None,
    official: bool = False,
    published: datetime | None = None,
    p: Pair = USVN,
) -> Mention:
    sentence = sentence or f"On Sunday the leaders agreed a {descriptor} in Hanoi."
    x = Extraction(p, descriptor, descriptor.lower(), sentence, speaker=speaker)
    url = f"https://{feed}.example/{at:%H%M}"
    entry = Entry(feed, url, url, f"{feed} story", published=published or at)
    return Mention(x, entry, official=official, seen_at=at)


def history(
    current: str | None = None,
    *,
    recent: tuple[SeenDescriptor, ...] | None = None,
    latest_change: Change | None = None,
) -> PairHistory:
    if current is None:
        return PairHistory()
    state = PairState(USVN.key, current, current.lower(), T0, T0)
    seen = recent or (SeenDescriptor(current.lower(), current, T0),)
    return PairHistory(current=state, recent=seen, latest_change=latest_change)


def run(
    h: PairHistory,
    m: Mention,
    *,
    watched: bool = True,
    baseline: bool = False,
    rules: Rules | None = None,
) -> Decision:
    return decide(
        h.current,
        m,
        watched=watched,
        baseline=baseline,
        now=m.seen_at,
        history=h,
        rules=rules or Rules(),
        lexicon=LEXICON,
    )


# --- kinds, by the lexicon's tiers ------------------------------------------------------------


def test_first_words_are_new_and_tiers_decide_the_kind() -> None:
    d = run(history(), mention("comprehensive partnership"))
    assert d.change is not None and d.change.kind is ChangeKind.NEW
    assert d.change.tier_arrow == "new at comprehensive partnership"
    later = T0 + timedelta(days=40)
    d = run(
        history("comprehensive partnership"),
        mention("comprehensive strategic partnership", at=later),
    )
    assert d.change is not None and d.change.kind is ChangeKind.UPGRADE
    assert d.change.before_tier == "comprehensive partnership"
    assert d.change.after_tier == "comprehensive strategic partnership"
    assert d.change.level is Level.REPORTED
    # A shorter form alone is the same words (issue 10); said as a lowering, a downgrade.
    d = run(history("strategic partnership"), mention("partnership", at=later))
    assert d.change is None and d.outcome is Outcome.SHORTENED
    lowered = "On Sunday the two sides downgraded relations to a partnership."
    d = run(history("strategic partnership"), mention("partnership", at=later, sentence=lowered))
    assert d.change is not None and d.change.kind is ChangeKind.DOWNGRADE
    d = run(
        history("special and privileged strategic partnership"),
        mention("particularly privileged strategic partnership", at=later),
    )
    assert d.change is not None and d.change.kind is ChangeKind.REWORDING


def test_generic_wording_never_alerts_and_is_not_remembered() -> None:
    d = run(history(), mention("close ties"))
    assert d.change is None and d.outcome is Outcome.GENERIC and not d.remember
    d = run(history("strategic partnership"), mention("friendly relations"))
    assert d.change is None and d.outcome is Outcome.GENERIC


def test_same_words_again_are_reaffirmed_and_muted_by_default() -> None:
    later = T0 + timedelta(days=90)
    d = run(history("strategic partnership"), mention("Strategic Partnership", at=later))
    assert d.change is None and d.outcome is Outcome.SAME
    loud = Rules(reaffirmed=True)
    d = run(
        history("strategic partnership"), mention("strategic partnership", at=later), rules=loud
    )
    assert d.change is not None and d.change.kind is ChangeKind.REAFFIRMED
    # ...but only after a silence: a repeat the next day is not news even then.
    soon = T0 + timedelta(days=1)
    d = run(history("strategic partnership"), mention("strategic partnership", at=soon), rules=loud)
    assert d.change is None


def test_baseline_and_unwatched_pairs_are_remembered_without_alerts() -> None:
    d = run(history(), mention("strategic partnership"), baseline=True)
    assert d.change is None and d.outcome is Outcome.BASELINE and d.remember
    d = run(history(), mention("strategic partnership"), watched=False)
    assert d.change is None and d.outcome is Outcome.NOT_WATCHED and d.remember


# --- flip-flop --------------------------------------------------------------------------------


def _two_descriptors(days_ago: float) -> PairHistory:
    now_words = "comprehensive strategic partnership"
    old = T0 - timedelta(days=days_ago)
    return history(
        now_words,
        recent=(
            SeenDescriptor(now_words, now_words, T0),
            SeenDescriptor("comprehensive partnership", "comprehensive partnership", old),
        ),
    )


def test_words_used_lately_are_not_new_again() -> None:
    d = run(_two_descriptors(3), mention("comprehensive partnership", at=T0 + timedelta(hours=5)))
    assert d.change is None and d.outcome is Outcome.FLIP_FLOP
    assert "flip-flop" in d.reason and d.reason.endswith(f"{T0 - timedelta(days=3):%Y-%m-%d}")


def test_flip_flop_window_is_configurable_in_days_and_descriptors() -> None:
    # official: the shorter old words said by a ministry are a downgrade, not a short form
    m = mention("comprehensive partnership", at=T0 + timedelta(hours=5), official=True)
    d = run(_two_descriptors(45), m)  # older than the default 30 days
    assert d.change is not None and d.change.kind is ChangeKind.DOWNGRADE
    d = run(_two_descriptors(45), m, rules=Rules(flipflop_days=60))
    assert d.outcome is Outcome.FLIP_FLOP
    d = run(_two_descriptors(3), m, rules=Rules(flipflop_descriptors=1))
    assert d.change is not None  # only the current descriptor counts as "lately"


# --- syndication ------------------------------------------------------------------------------


def _reported(after: str = "comprehensive strategic partnership") -> Change:
    first = mention(after)
    old = T0 - timedelta(days=60)
    past = history(
        "comprehensive partnership",
        recent=(SeenDescriptor("comprehensive partnership", "comprehensive partnership", old),),
    )
    d = run(past, first)
    assert d.change is not None
    return replace(d.change, change_id="7")


def test_later_sources_attach_to_the_change_and_raise_its_level() -> None:
    change = _reported()
    h = history("comprehensive strategic partnership", latest_change=change)
    d = run(
        h,
        mention(
            "comprehensive strategic partnership", at=T0 + timedelta(minutes=30), feed="region-wire"
        ),
    )
    assert d.change is None and d.outcome is Outcome.UPDATED
    assert d.update is not None and d.update.change_id == "7" and d.update.revision == 1
    assert d.update.level is Level.MULTI_SOURCE and len(d.update.sources) == 2
    h2 = history("comprehensive strategic partnership", latest_change=d.update)
    d2 = run(
        h2,
        mention(
            "comprehensive strategic partnership",
            at=T0 + timedelta(hours=3),
            feed="mofa",
            official=True,
        ),
    )
    assert d2.update is not None and d2.update.level is Level.OFFICIAL and d2.update.revision == 2


def test_the_same_outlet_again_or_too_late_adds_nothing() -> None:
    # Once established, a change takes later sources within the syndication window only (a
    # pending report takes them until it settles: see test_pending_reports).
    change = replace(_reported(), status=ChangeStatus.ESTABLISHED)
    h = history("comprehensive strategic partnership", latest_change=change)
    again = run(h, mention("comprehensive strategic partnership", at=T0 + timedelta(hours=1)))
    assert again.update is None and again.outcome is Outcome.SAME
    late = T0 + timedelta(hours=49)
    d = run(h, mention("comprehensive strategic partnership", at=late, feed="region-wire"))
    assert d.update is None
    d = run(
        h,
        mention("comprehensive strategic partnership", at=late, feed="region-wire"),
        rules=Rules(syndication_hours=72),
    )
    assert d.update is not None


def test_a_report_of_the_change_after_a_flip_flop_still_attaches_to_it() -> None:
    # An upgrade is reported; an outlet then uses the old formula (a flip-flop, which makes
    # the old words current again); the ministry then confirms the upgrade.
    change = _reported()
    old, new = "comprehensive partnership", "comprehensive strategic partnership"
    flipped = PairHistory(
        current=PairState(USVN.key, old, old, T0 + timedelta(hours=1), T0 + timedelta(hours=1)),
        recent=(
            SeenDescriptor(old, old, T0 + timedelta(hours=1)),
            SeenDescriptor(new, new, T0),
        ),
        latest_change=change,
    )
    confirmed = mention(new, at=T0 + timedelta(hours=2), feed="mofa", official=True)
    d = run(flipped, confirmed)
    assert d.change is None and d.outcome is Outcome.UPDATED
    assert d.update is not None and d.update.change_id == "7"
    assert d.update.level is Level.OFFICIAL and d.remember


def test_wire_copies_count_as_one_outlet() -> None:
    a = Source("feed-a", "https://wire.example/1", "Leaders lift ties", T0)
    b = Source("feed-b", "https://wire.example/1", "Leaders lift ties", T0)
    c = Source("feed-c", "https://other.example/9", "LEADERS  lift ties", T0)
    d = Source("feed-d", "https://own.example/2", "Our own report", T0)
    assert independent_outlets([a, b, c]) == 1
    assert corroboration([a, b, c]) is Level.REPORTED
    assert corroboration([a, d]) is Level.MULTI_SOURCE
    assert corroboration([replace(a, official=True)]) is Level.OFFICIAL


# --- backdated text ---------------------------------------------------------------------------


def test_a_recalled_formula_is_history_not_a_change() -> None:
    m = mention(
        "strategic partnership",
        sentence="Back in 2016 the two sides agreed a strategic partnership, officials recalled.",
    )
    d = run(history(), m)
    assert d.change is None and d.outcome is Outcome.BACKDATED and not d.remember
    assert "2016" in d.reason


def test_an_old_entry_is_history_when_the_rules_ask_for_an_age_limit() -> None:
    m = mention("strategic partnership", published=T0 - timedelta(days=20))
    d = run(history(), m, rules=Rules(backdate_days=7))
    assert d.outcome is Outcome.BACKDATED and "published" in d.reason
    # Off by default: the sentence's own dates and tense decide.
    assert run(history(), m).outcome is Outcome.ALERTED


@pytest.mark.parametrize(
    ("sentence", "past"),
    [
        ("In 2010 the two sides agreed a special and privileged strategic partnership.", True),
        (
            "Ties, established in 1950, were today raised to a special and privileged "
            "strategic partnership.",
            False,
        ),
        (
            "Earlier this year the president called it a special and privileged strategic "
            "partnership.",
            True,
        ),
        ("They had described it as a special and privileged strategic partnership.", True),
        ("In January they spoke of a special and privileged strategic partnership.", True),
        (
            "In 2010 they agreed a partnership and on Monday a special and privileged strategic "
            "partnership.",
            False,
        ),
        ("Relations keep evolving under a special and privileged strategic partnership.", False),
        # the month before, said without its name, is as past as "in February"
        ("Last month they agreed a special and privileged strategic partnership.", True),
    ],
)
def test_dates_and_tense_in_the_sentence(sentence: str, past: bool) -> None:
    published = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    at = sentence.index("special and privileged")
    got = recalled(sentence, at, published, published, max_age=timedelta(days=7))
    assert (got is not None) is past, got


@pytest.mark.parametrize(
    "sentence",
    [
        "Some 2000 troops joined the drills as the two sides hailed their special and "
        "privileged strategic partnership.",
        "A congress of 1900 delegates cheered the special and privileged strategic partnership.",
        "Reinforced by 2000 more soldiers, the base anchors a special and privileged strategic "
        "partnership.",
        "Between 1800 and 2000 people marched in support of the special and privileged "
        "strategic partnership.",
        "The 2000 engineers sent to the dam stand for a special and privileged strategic "
        "partnership.",
    ],
)
def test_a_count_is_not_a_year(sentence: str) -> None:
    published = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    at = sentence.index("special and privileged")
    assert recalled(sentence, at, published, published) is None


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("In 2010 relations were raised to a special and privileged strategic partnership.", 2010),
        ("Since 2008 both have spoken of a special and privileged strategic partnership.", 2008),
        ("By 2016, the two had a special and privileged strategic partnership.", 2016),
        ("On March 4, 2010 they signed a special and privileged strategic partnership.", 2010),
        ("On 4 Sept. 2011 they signed a special and privileged strategic partnership.", 2011),
        ("In the 1990s the two built a special and privileged strategic partnership.", 1990),
        ("The 2010-11 talks produced a special and privileged strategic partnership.", 2010),
        ("In mid-2012 they agreed a special and privileged strategic partnership.", 2012),
        ("The summit of 2015 agreed a special and privileged strategic partnership.", 2015),
        ("From 2012 until 2019 it was a special and privileged strategic partnership.", 2019),
    ],
)
def test_a_year_the_text_names_as_one_is_history(sentence: str, year: int) -> None:
    published = datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    at = sentence.index("special and privileged")
    assert recalled(sentence, at, published, published) == f"the sentence is about {year}"


def test_a_change_beside_a_count_of_troops_is_alerted() -> None:
    m = mention(
        "comprehensive strategic partnership",
        sentence="With 2000 troops on parade, the leaders agreed a comprehensive strategic "
        "partnership.",
    )
    d = run(history("strategic partnership"), m)
    assert d.outcome is Outcome.ALERTED and d.change is not None, d.reason


# --- asymmetry --------------------------------------------------------------------------------


def _sides(russia: str, india: str) -> PairHistory:
    return PairHistory(
        current=PairState(INRU.key, russia, russia.lower(), T0, T0),
        recent=(
            SeenDescriptor(russia.lower(), russia, T0),
            SeenDescriptor(india.lower(), india, T0 - timedelta(days=2)),
        ),
        speakers=(
            SpeakerState(INRU.key, "RUS", russia, russia.lower(), T0, T0),
            SpeakerState(INRU.key, "IND", india, india.lower(), T0, T0 - timedelta(days=2)),
        ),
    )


def test_when_the_two_sides_use_different_words_that_is_an_asymmetry() -> None:
    h = _sides(
        "particularly privileged strategic partnership",
        "special and privileged strategic partnership",
    )
    m = mention(
        "special and privileged strategic partnership",
        speaker="IND",
        p=INRU,
        at=T0 + timedelta(hours=2),
    )
    d = run(h, m)
    assert d.change is not None and d.change.kind is ChangeKind.ASYMMETRY
    assert d.change.speaker == "IND"
    assert d.change.before == "particularly privileged strategic partnership"
    assert d.change.after == "special and privileged strategic partnership"
    # Said once: the same difference again, from either side, is not news.
    h2 = replace(h, latest_asymmetry=d.change)
    assert run(h2, m).change is None
    m_ru = mention(
        "particularly privileged strategic partnership",
        speaker="RUS",
        p=INRU,
        at=T0 + timedelta(hours=3),
    )
    assert run(h2, m_ru).change is None


def test_no_asymmetry_without_a_speaker_or_when_both_agree() -> None:
    same = "special and privileged strategic partnership"
    h = _sides(same, same)
    m = mention(same, speaker="IND", p=INRU, at=T0 + timedelta(hours=2))
    assert run(h, m).change is None
    h = _sides("particularly privileged strategic partnership", same)
    m = mention(same, p=INRU, at=T0 + timedelta(hours=2))
    assert run(h, m).change is None


# --- established words and reports by one outlet (issue 10) -------------------------------


def _pending(after: str = "ironclad alliance", at: datetime = T0) -> PairHistory:
    """A pair with established words and a report by one outlet, alerted at ``at``."""
    est = "comprehensive partnership"
    d = run(history(est), mention(after, at=at, feed="morning-post"))
    assert d.change is not None and d.change.status is ChangeStatus.PENDING
    return replace(
        history(est),
        latest_change=replace(d.change, change_id="3"),
        recent=(SeenDescriptor(after, after, at), SeenDescriptor(est, est, T0)),
    )


def test_a_report_by_one_outlet_alerts_but_leaves_the_established_words() -> None:
    d = run(history("comprehensive partnership"), mention("ironclad alliance", feed="post"))
    assert d.change is not None and d.change.level is Level.REPORTED
    assert d.change.status is ChangeStatus.PENDING and d.establish is None and d.remember
    official = mention("ironclad alliance", feed="mofa", official=True)
    d = run(history("comprehensive partnership"), official)
    assert d.change is not None and d.change.status is ChangeStatus.ESTABLISHED
    assert d.establish == "ironclad alliance"


def test_another_outlet_establishes_a_report_even_after_the_syndication_window() -> None:
    h = _pending()
    later = T0 + timedelta(days=4)
    d = run(h, mention("ironclad alliance", at=later, feed="daily-ledger"))
    assert d.outcome is Outcome.UPDATED and d.update is not None
    assert d.update.level is Level.MULTI_SOURCE and d.update.status is ChangeStatus.ESTABLISHED
    assert d.establish == "ironclad alliance"
    # the same outlet again is not more evidence
    d = run(h, mention("ironclad alliance", at=later, feed="morning-post"))
    assert d.update is None and d.change is None and d.establish is None


def test_the_next_change_is_compared_with_the_established_words_not_the_report() -> None:
    h = _pending()
    d = run(h, mention("comprehensive strategic partnership", at=T0 + timedelta(days=1)))
    assert d.change is not None and d.change.kind is ChangeKind.UPGRADE
    assert d.change.before == "comprehensive partnership"
    # the report it replaces lapses
    assert d.settled is not None and d.settled.status is ChangeStatus.LAPSED


def test_a_report_standing_a_while_is_established_unless_challenged_then_it_lapses() -> None:
    h = _pending()
    soon, late = T0 + timedelta(days=2), T0 + timedelta(days=8)
    # the established words said again by another outlet challenge the report...
    d = run(h, mention("comprehensive partnership", at=soon, feed="daily-ledger"))
    assert d.change is None and d.challenge and d.establish == "comprehensive partnership"
    # ...and so do they in short
    h_long = replace(
        h,
        current=PairState(
            USVN.key,
            "comprehensive strategic partnership",
            "comprehensive strategic partnership",
            T0,
            T0,
        ),
    )
    d = run(h_long, mention("strategic partnership", at=soon, feed="daily-ledger"))
    assert d.outcome is Outcome.SHORTENED and d.challenge
    d = run(h_long, mention("strategic partnership", at=soon, feed="morning-post"))
    assert d.outcome is Outcome.SHORTENED and not d.challenge  # the report's own outlet
    challenged = replace(h, challenged_at=soon)
    # ...so once it has stood confirm_days it lapses, and the established words stay
    d = run(challenged, mention("comprehensive partnership", at=late, feed="wire"))
    assert d.settled is not None and d.settled.status is ChangeStatus.LAPSED
    assert d.establish == "comprehensive partnership"
    # unchallenged, it is established then
    d = run(h, mention("comprehensive partnership", at=late, feed="wire"))
    assert d.settled is not None and d.settled.status is ChangeStatus.ESTABLISHED
    # and the old words are now a flip-flop, not the pair's words
    assert d.outcome is Outcome.FLIP_FLOP and d.establish == "ironclad alliance"
    d = run(h, mention("comprehensive partnership", at=late), rules=Rules(confirm_days=10))
    assert d.settled is None


def test_pair_words_tell_the_established_words_and_the_report() -> None:
    words = pair_words(_pending(), T0 + timedelta(days=1))
    assert words.established == "comprehensive partnership"
    assert words.reported == "ironclad alliance"
    line = words.describe()
    assert "“comprehensive partnership” (established" in line
    assert "not yet confirmed: “ironclad alliance”" in line
    assert pair_words(_pending(), T0 + timedelta(days=9)).reported is None


def test_a_shortened_form_is_the_same_words_unless_something_says_it_was_meant() -> None:
    full = "special and privileged strategic partnership"
    later = T0 + timedelta(days=40)
    for short in ("strategic partnership", "privileged strategic partnership",
                  "special partnership"):  # fmt: skip
        d = run(history(full), mention(short, at=later))
        assert d.change is None and d.outcome is Outcome.SHORTENED and not d.remember, short
        assert d.establish == full  # a source for the established words, which stay
    d = run(history(full), mention("strategic partnership", at=later, official=True))
    assert d.change is not None and d.change.kind is ChangeKind.DOWNGRADE
    lowered = "On Monday Moscow scaled back ties to a strategic partnership."
    d = run(history(full), mention("strategic partnership", at=later, sentence=lowered))
    assert d.change is not None and d.change.kind is ChangeKind.DOWNGRADE
    # several outlets: an earlier outlet's use of the same words counts with this one
    earlier = Source("post", "https://post.example/1", "Short", later - timedelta(hours=3))
    heard = (Heard("strategic partnership", "p1", earlier, later - timedelta(hours=3)),)
    d = run(replace(history(full), heard=heard), mention("strategic partnership", at=later))
    assert d.change is not None and d.change.level is Level.MULTI_SOURCE
    assert [s.feed for s in d.change.sources] == ["post", "asia-desk"]


def test_a_shortened_form_of_a_fresh_change_is_another_source_for_it() -> None:
    change = _reported("particularly privileged strategic partnership")
    h = replace(history("special and privileged strategic partnership"), latest_change=change)
    short = mention("particularly privileged partnership", at=T0 + timedelta(hours=2), feed="x")
    d = run(h, short)
    assert d.outcome is Outcome.UPDATED and d.update is not None
    assert d.update.level is Level.MULTI_SOURCE and not d.remember
    assert d.establish == "particularly privileged strategic partnership"


def test_a_hypothetical_never_alerts_nor_replaces_the_words() -> None:
    m = mention("alliance", sentence="They could become allies one day.")
    m = replace(m, extraction=replace(m.extraction, hypothetical=True))
    for h in (history(), history("comprehensive partnership"), _pending("alliance")):
        d = run(h, m)
        assert d.change is None and d.update is None and d.outcome is Outcome.HYPOTHETICAL
        assert not d.remember and d.establish is None


def test_one_side_first_using_other_words_is_an_asymmetry_at_once() -> None:
    same = "special and privileged strategic partnership"
    h = _sides(same, same)
    m = mention(
        "particularly privileged strategic partnership",
        speaker="RUS",
        p=INRU,
        at=T0 + timedelta(hours=2),
    )
    d = run(h, m)
    assert d.change is not None and d.change.kind is ChangeKind.ASYMMETRY
    assert d.change.before == same and d.establish is None
    # an upgrade said by one side is still an upgrade
    up = mention("ironclad alliance", speaker="RUS", p=INRU, at=T0 + timedelta(hours=2))
    d = run(h, up)
    assert d.change is not None and d.change.kind is ChangeKind.UPGRADE


# --- the store behind the rules ---------------------------------------------------------------


def test_store_migrates_an_existing_first_version_database(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript(f"BEGIN; {MIGRATIONS[0]}; PRAGMA user_version = 1; COMMIT;")
    connection.execute(
        """INSERT INTO changes (pair_key, kind, before, after, quote, speaker, level,
           detected_at) VALUES ('USA-VNM', 'new', NULL, 'comprehensive partnership', 'q', NULL,
           'reported', ?)""",
        (T0.isoformat(),),
    )
    connection.commit()
    connection.close()
    store = Store.open(path)
    version = DatabaseLedger(store.connection).version("history")
    assert version == len(MIGRATIONS) >= 2
    (old,) = store.changes_of(USVN)
    assert old.after == "comprehensive partnership" and old.revision == 0
    store.close()


def test_store_keeps_what_the_rules_need(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.sqlite3")
    first = mention("comprehensive partnership", speaker="VNM")
    store.set_pair_state(first, store.record_mention(first))
    store.remember_words(first)
    change = _reported()
    change_id = store.record_change(change)
    update = replace(
        change,
        change_id=str(change_id),
        revision=1,
        level=Level.OFFICIAL,
        sources=(*change.sources, Source("mofa", "https://gov.example/s", "Statement", T0, True)),
    )
    store.update_change(update, T0 + timedelta(hours=1))
    store.record_decision(USVN.key, T0, "updated", "another source", str(change_id))

    h = store.pair_history(USVN)
    assert h.current is not None and h.current.descriptor == "comprehensive partnership"
    assert [s.descriptor for s in h.recent] == ["comprehensive partnership"]
    speaker = h.speaker("VNM")
    assert speaker is not None and speaker.descriptor == "comprehensive partnership"
    latest = h.latest_change
    assert latest is not None and latest.change_id == str(change_id)
    assert latest.level is Level.OFFICIAL and latest.revision == 1 and len(latest.sources) == 2
    assert latest.tier_arrow == change.tier_arrow and latest.span == change.span
    assert store.last_decision(USVN.key) == ("updated", "another source", T0)
    store.close()


# --- the [alerts] section of the watchlist ----------------------------------------------------


def test_alert_rules_come_from_the_config(tmp_path: Path) -> None:
    from bot.config import load_config
    from tests.fakes import FakeCountries
    from watchers.tiers import default_path

    (tmp_path / "my-tiers.toml").write_bytes(default_path().read_bytes())
    path = tmp_path / "watchlist.toml"
    path.write_text(
        "[alerts]\nflipflop_descriptors = 5\nflipflop_days = 10\nsyndication_hours = 6\n"
        'backdate_days = 2\nreaffirmed = true\nconfirm_days = 3\nlexicon = "my-tiers.toml"\n',
        encoding="utf-8",
    )
    config = load_config(path, FakeCountries())
    assert config.alerts == Rules(5, 10, 6, 2, True, 3)
    assert config.lexicon_path == tmp_path / "my-tiers.toml"
    path.write_text(
        '[alerts]\nflipflop_descriptors = 0\nflipflop_days = "soon"\nreaffirmed = "yes"\n'
        "noise = 1\n",
        encoding="utf-8",
    )
    assert {p.key for p in config_problems(path)} == {
        "alerts.flipflop_descriptors",
        "alerts.flipflop_days",
        "alerts.reaffirmed",
        "alerts.noise",
    }

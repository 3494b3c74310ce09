"""The platform-neutral alert: quotes shortened around the phrase, ids, wording by kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.alert import Quote, alert_from_change, find_phrase, quote_around
from bot.render import escape
from bot.render.fit import fit, join_within
from watchers.diff import word_diff
from watchers.model import Change, ChangeKind, Country, Level, Pair, Source

IND = Country("IND", "India")
RUS = Country("RUS", "Russia")
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
SENTENCE = (
    "Speaking at the annual board meeting of a public diplomacy fund in Moscow on Monday, "
    "the minister said relations keep evolving under a \u201cparticularly privileged strategic "
    "partnership\u201d and that both capitals intend to hold a summit later this year."
)
PHRASE = "particularly privileged strategic partnership"


def change(**kw: object) -> Change:
    base: dict[str, object] = dict(
        pair=Pair.of(RUS, IND),
        kind=ChangeKind.REWORDING,
        before="special and privileged strategic partnership",
        after=PHRASE,
        diff=word_diff("special and privileged strategic partnership", PHRASE),
        quote=SENTENCE,
        sources=(Source("wire", "https://example.org/a", "Title", T0),),
        detected_at=T0,
        speaker="RUS",
    )
    base.update(kw)
    return Change(**base)  # type: ignore[arg-type]


def test_phrase_found_despite_quotes_case_and_dashes() -> None:
    assert find_phrase("a “No-Limits” Partnership was declared", "no limits partnership") == (3, 25)
    assert find_phrase("nothing here", PHRASE) is None
    start = SENTENCE.index("particularly")
    assert find_phrase(SENTENCE, PHRASE) == (start, start + len(PHRASE))


@pytest.mark.parametrize("limit", [60, 80, 120, 200])
def test_quote_shortened_around_the_phrase_at_word_boundaries(limit: int) -> None:
    q = quote_around(SENTENCE, None, PHRASE, limit)
    assert q.phrase == PHRASE
    assert len(q.text) <= limit
    words = set(SENTENCE.replace("\u201c", " ").replace("\u201d", " ").split())
    assert q.cut_before or q.cut_after
    for word in (q.lead + " " + q.tail).replace("\u201c", " ").replace("\u201d", " ").split():
        assert word in words, word
    start, end = q.phrase_span or (0, 0)
    assert q.text[start:end] == PHRASE


def test_short_quote_is_kept_whole() -> None:
    q = quote_around(SENTENCE, None, PHRASE, 1000)
    assert q.text == SENTENCE and not q.cut_before and not q.cut_after


def test_phrase_longer_than_the_limit_keeps_its_first_words() -> None:
    q = quote_around(SENTENCE, None, PHRASE, 30)
    assert len(q.text) <= 30
    assert q.phrase == "particularly privileged"
    assert q.cut_before and q.cut_after


def test_unknown_phrase_quotes_the_start_of_the_sentence() -> None:
    q = quote_around(SENTENCE, None, "ironclad alliance", 50)
    assert q.phrase == "" and q.phrase_span is None
    assert q.text.endswith("…") and len(q.text) <= 50
    assert SENTENCE.startswith(q.text[:-1])


def test_span_from_the_extractor_is_used_and_a_bad_one_ignored() -> None:
    start = SENTENCE.index("strategic partnership")
    q = quote_around(SENTENCE, (start, start + len("strategic partnership")), PHRASE, 1000)
    assert q.phrase == "strategic partnership"
    q = quote_around(SENTENCE, (5, 99999), PHRASE, 1000)
    assert q.phrase == PHRASE


def test_quote_whitespace_folded_into_one_line() -> None:
    q = quote_around("ties\n\n  are a\tstrategic partnership\nnow", None, "strategic partnership")
    assert q.text == "ties are a strategic partnership now"


def test_marked_keeps_spaces_around_the_phrase() -> None:
    q = Quote("ties are a ", "strategic partnership", " now", cut_before=True)
    assert q.marked(escape.discord, "**", "**") == "…ties are a **strategic partnership** now"


def test_alert_from_change() -> None:
    alert = alert_from_change(change())
    assert alert.speaker == RUS and alert.other_side == IND
    assert alert.pair.key == "IND-RUS"
    assert alert.title == "India–Russia: rewording"
    assert alert.quote.phrase == PHRASE
    assert alert.summary == (
        "“special and privileged strategic partnership” → "
        "“particularly privileged strategic partnership”"
    )


def test_summary_by_kind() -> None:
    assert "first descriptor" in alert_from_change(change(kind=ChangeKind.NEW, before=None)).summary
    assert alert_from_change(change(kind=ChangeKind.REAFFIRMED)).summary.endswith("again")
    asym = alert_from_change(change(kind=ChangeKind.ASYMMETRY)).summary
    assert asym.startswith("Russia says “particularly") and "India says “special" in asym


def test_alert_id_is_stable_and_tells_changes_apart() -> None:
    a = alert_from_change(change())
    assert a.alert_id == alert_from_change(change(detected_at=T0.replace(hour=11))).alert_id
    assert a.alert_id != alert_from_change(change(after="special privileged partnership")).alert_id
    assert alert_from_change(change(change_id="c-42")).alert_id == "c-42"


def test_speaker_outside_the_pair_is_shown_by_code() -> None:
    alert = alert_from_change(change(speaker="CHN"))
    assert alert.speaker == Country("CHN", "CHN") and alert.other_side is None


def test_later_sources_update_the_alert() -> None:
    first = change()
    alert = alert_from_change(first)
    official = Source("mfa", "https://gov.example.org/s", "Statement", T0, official=True)
    later = replace(first, sources=(*first.sources, official), level=Level.OFFICIAL, revision=1)
    updated = alert_from_change(later)
    assert updated.revision == 1 and updated.level is Level.OFFICIAL
    assert updated.alert_id == alert.alert_id
    assert updated.primary_source() == official


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("one two three four", 10, "one two…"),
        ("one two three four", 8, "one two…"),
        ("abcdefghijkl", 6, "abcde…"),
        ("abc\\*defgh", 5, "abc…"),  # never half of "\*"
        ("ab &amp; cd", 7, "ab…"),
        ("abc&amp;d", 6, "abc…"),  # never half of "&amp;"
    ],
)
def test_fit(text: str, limit: int, expected: str) -> None:
    assert fit(text, limit) == expected
    assert len(fit(text, limit)) <= limit


def test_join_within_keeps_whole_items_and_counts_the_rest() -> None:
    items = [f"item {i}" for i in range(10)]
    out = join_within(items, 30, sep=", ", more=lambda n: f"and {n} more")
    assert out == "item 0, item 1, and 8 more"
    assert join_within(items[:2], 30) == "item 0 item 1"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a b?x=<1>|2", "https://example.org/a%20b?x=%3C1%3E%7C2"),
        ("http://example.org/(x)", "http://example.org/%28x%29"),
        ("javascript:alert(1)", None),
        ("ftp://example.org/file", None),
        ("https:///nohost", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, safe: str | None) -> None:
    assert escape.safe_url(url) == safe

"""A text with no sentence end (hostile, or a table run together) is read in bounded pieces,
so its cost grows with its length only; what it says is still found."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import pytest

from watchers.countries import FormKind
from watchers.extraction import default_extractor
from watchers.extraction import extractor as extractor_module
from watchers.extraction.speakers import Turn, transcript_turns, turn_at
from watchers.extraction.text import MAX_SENTENCE, normalize, sentence_spans

FILLER = "officials toured the harbour, the market and the new rail depot "


def run_on(size: int) -> str:
    return (FILLER * (size // len(FILLER) + 1))[:size]


def test_a_line_with_no_sentence_end_is_cut_into_bounded_pieces_covering_it() -> None:
    text = run_on(200_000)
    spans = sentence_spans(normalize(text))
    assert len(spans) > 200_000 // MAX_SENTENCE
    assert all(0 < b - a <= MAX_SENTENCE for a, b in spans)
    # in order, nothing lost but the spaces between pieces
    assert all(b <= c for (_, b), (c, _) in itertools.pairwise(spans))
    covered = "".join(text[a:b] for a, b in spans)
    assert covered.replace(" ", "") == text.replace(" ", "")


def test_pieces_are_cut_at_a_clause_break_so_a_phrase_stays_whole() -> None:
    text = run_on(5_000)
    for _a, b in sentence_spans(normalize(text)):
        # each cut falls after a comma or before "and", never inside a word
        assert text[b - 1] == "," or text[b:].startswith(" and") or b == len(text.rstrip())


def test_ordinary_long_sentences_are_not_cut() -> None:
    sentence = "Chile and Peru, " + "after long talks on ports, fisheries and water, " * 20
    sentence += "signed a strategic partnership."
    assert len(sentence) < MAX_SENTENCE
    assert sentence_spans(normalize(sentence)) == [(0, len(sentence))]


def test_what_a_run_on_text_says_is_found_at_its_end() -> None:
    text = run_on(300_000) + ", while Chile and Peru hailed their strategic partnership"
    found = default_extractor().extract(text)
    assert {(x.pair.key, x.canonical) for x in found} == {
        ("CHL-PER", "strategic partnership")
    }


# -- a long transcript ---------------------------------------------------------------------


class CountedTurns(list[Turn]):
    """Turns that count how many of them a lookup reads."""

    reads = 0

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        CountedTurns.reads += 1
        return super().__getitem__(i)

    def __iter__(self) -> Iterator[Turn]:
        for turn in super().__iter__():
            CountedTurns.reads += 1
            yield turn


def press_conference(rounds: int) -> str:
    return "".join(
        "OKAFOR: Ghana is a steady partner of ours. Q: And Togo?\n" for _ in range(rounds)
    )


def test_finding_a_sentences_turn_reads_few_turns_of_a_long_transcript() -> None:
    text = press_conference(2_000)
    turns = transcript_turns(text)
    assert len(turns) == 4_000
    counted = CountedTurns(turns)
    CountedTurns.reads = 0
    last = text.rindex("Ghana")
    assert turn_at(counted, last) is turns[-2]
    assert CountedTurns.reads < 30  # a bisection, not a walk through 4,000 turns
    # and it still finds the right turn, or none, anywhere
    for offset in range(0, len(text), 97):
        walked = next((t for t in turns if t.label <= offset < t.end), None)
        assert turn_at(turns, offset) is walked


def test_a_speakers_words_are_read_once_for_all_the_sentences_of_the_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    real = extractor_module.office_holder

    def counted(words: str, found: Sequence[tuple[int, str | None, FormKind]]) -> str | None:
        calls.append(words)
        return real(words, found)

    monkeypatch.setattr(extractor_module, "office_holder", counted)
    text = "GHANA'S FOREIGN MINISTER: " + "Togo is our closest partner. " * 200
    found = default_extractor().extract(text)
    assert {(x.pair.key, x.canonical) for x in found} == {("GHA-TGO", "closest partnership")}
    assert len(calls) == 1

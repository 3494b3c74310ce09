"""A text with no sentence end (hostile, or a table run together) is read in bounded pieces,
so its cost grows with its length only; what it says is still found."""

from __future__ import annotations

import itertools

from watchers.extraction import default_extractor
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

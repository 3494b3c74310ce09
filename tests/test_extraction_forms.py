"""Forms of a label that spelling or sentence shape hide: a pair's compound written with
any of the hyphen characters, and attitudes said between two named states in slots of
change and treatment. Each rule has at least as many look-alike sentences that must give
nothing as sentences that must give a label."""

from __future__ import annotations

import pytest

from watchers.extraction.extractor import Extractor, default_extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return default_extractor()


def labels(extractor: Extractor, text: str) -> set[tuple[str, str]]:
    """(pair as "AAA-BBB", descriptor) for every label the text gives."""
    return {
        (f"{x.pair.first.code}-{x.pair.second.code}", x.descriptor) for x in extractor.extract(text)
    }


# --- a tie after the pair's compound, with any hyphen --------------------------------------

COMPOUND_TIES = [
    ("Chile\u2011Peru friendship strained by a fishing quarrel", ("CHL-PER", "friendship")),
    ("The Chile\u2010Peru friendship has lasted two centuries.", ("CHL-PER", "friendship")),
    ("The Norway\u2012Denmark brotherhood, forged in war, endures.", ("DNK-NOR", "brotherhood")),
    ("Kenya-Tanzania friendship remains the bedrock of the region.", ("KEN-TZA", "friendship")),
    ("Portugal\u2013Brazil friendship", ("BRA-PRT", "friendship")),
]

COMPOUND_TIES_NOT = [
    "The Chile\u2011Peru friendship match ended in a goalless draw.",
    "The Norway-Denmark Friendship Bridge was closed for repairs.",
    "The Kenya-Tanzania friendship society met in Arusha on Friday.",
    "A Chile-Peru friendship group of lawmakers toured the port.",
    "The Portugal\u2010Brazil friendship treaty was signed in 1825.",
    "The Norway-Denmark brotherhood of fishermen marched on the quay.",
    "Chile and Peru's friendship games drew 20,000 fans.",
]


@pytest.mark.parametrize(("text", "label"), COMPOUND_TIES)
def test_tie_after_compound_is_a_label(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", COMPOUND_TIES_NOT)
def test_tie_noun_modifying_another_is_no_label(extractor: Extractor, text: str) -> None:
    assert labels(extractor, text) == set()


def test_every_hyphen_joins_a_compound(extractor: Extractor) -> None:
    for dash in "-\u2010\u2011\u2012\u2013":
        text = f"The Chile{dash}Peru strategic partnership was renewed."
        assert ("CHL-PER", "strategic partnership") in labels(extractor, text), repr(dash)

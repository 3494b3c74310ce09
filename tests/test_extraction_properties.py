"""Extraction never raises, whatever the text, and what it returns is well formed."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from watchers.extraction import canonical, default_extractor

# Pieces that drive the text deep into the rules: states, heads, modifiers, cues.
PIECES = [
    "India",
    "Russia",
    "China's",
    "U.S.",
    "Indo-",
    "Sino-",
    "Russian",
    "the Kremlin",
    "Putin",
    "Lavrov said",
    "the kingdom",
    "the Gulf nation",
    "a country with which",
    "Their",
    "his",
    "UK-US",
    "SA-",
    "Seoul",
    ", who",
    "along with",
    ", both",
    ", two",
    "including",
    "has",
    "Facing",
    "at the Mercosur summit",
    "MUSCAT,",
    "S. KOREA",
    "EU",
    "ASEAN",
    "between",
    "with",
    "and",
    "not",
    "never",
    "our",
    "their",
    "the two countries",
    "strategic",
    "special and privileged",
    "all-weather",
    "partnership",
    "partners",
    "ties",
    "alliance",
    "ally",
    "level of mutual trust",
    "of coordination for a",
    "new era",
    "no limits",
    "unprecedented",
    "largest trading partner",
    '"',
    "“",
    "’s",
    ",",
    ".",
    "-",
    "–",
    "\n",
    "\n\n",
    "Treaty of",
    "Georgia",
    "Washington",
    "turkey",
    "Korea",
    "are one family",
    "we are cousins",
    "described the friendship as",
    "have sunk to their lowest point",
    "going through an excellent moment",
    "more natural partners than",
    "higher than the",
    "Will",
    "?",
    "in the making",
    "golden chapter of",
    "an unyielding",
    "reinforced",
    "in arms",
    "of convenience",
    "Pacific Alliance",
    "signed a",
]

text_with_pieces = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_unicode(text: str) -> None:
    for x in default_extractor().extract(text):
        assert x.pair.first.code < x.pair.second.code


@settings(max_examples=500, deadline=None)
@given(text_with_pieces, st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2100, 1, 1))))
def test_findings_are_well_formed(text: str, on: date | None) -> None:
    for x in default_extractor().extract(text, on=on):
        assert x.descriptor.strip() == x.descriptor and x.descriptor
        assert x.canonical == canonical(x.descriptor)
        assert x.sentence and x.sentence in text
        if x.span is not None:
            start, end = x.span
            assert " ".join(x.sentence[start:end].split()) == x.descriptor


def test_a_label_owned_by_their_before_a_compound_ending_the_text_is_read() -> None:
    # the compound is the last thing in the text: nothing follows it to look at
    found = default_extractor().extract("Their strong bond shaped UK-US")
    assert [(x.pair.key, x.canonical) for x in found] == [("GBR-USA", "strong bond")]

"""A speaker who supplies one side of the pair: transcript turns, "our", and copulas."""

from __future__ import annotations

from datetime import date

import pytest

from watchers.extraction import default_extractor
from watchers.extraction.extractor import office_holder
from watchers.extraction.speakers import transcript_turns, turn_at
from watchers.extraction.text import normalize

ON = date(2024, 6, 1)


def found(text: str) -> set[tuple[str, str]]:
    return {(x.pair.key, x.canonical) for x in default_extractor().extract(text, on=ON)}


# -- transcript turns ----------------------------------------------------------------------


def test_turns_split_at_labels_and_lines() -> None:
    text = "Q: Is Chile a friend? RUTO: Chile is our friend.\nLULA: We agree."
    turns = transcript_turns(text)
    assert [text[t.start : t.end] for t in turns] == [
        "Is Chile a friend? ",
        "Chile is our friend.",
        "We agree.",
    ]
    assert turns[0].name is None
    assert [text[a:b] for a, b in (t.name for t in turns[1:] if t.name)] == ["RUTO", "LULA"]
    # a sentence starting at its label is in that label's turn
    assert turn_at(turns, text.index("RUTO")) is turns[1]


def test_answer_named_after_it_by_a_dash() -> None:
    # the text as the extractor reads it: an em dash is a comma there
    text = normalize("Q: And Peru? A: Peru is a trusted partner. \u2014 Chile's foreign minister")
    turns = transcript_turns(text)
    name = turns[1].name
    assert name is not None
    assert text[name[0] : name[1]] == "Chile's foreign minister"


@pytest.mark.parametrize(
    "text",
    [
        "Kenya, Uganda: a new chapter",  # small letters: a headline, no label
        "Update: talks resume",
        "The minister said: we are ready",
    ],
)
def test_no_turns(text: str) -> None:
    assert transcript_turns(text) == []


@pytest.mark.parametrize(
    ("label", "found_in_it", "expected"),
    [
        ("ruto", [(0, "KEN", "leader")], "KEN"),
        ("kenya's foreign minister", [(0, "KEN", "name")], "KEN"),
        ("the kenyan ambassador", [(4, "KEN", "demonym")], "KEN"),
        # a bare state is a headline's subject, not a speaker
        ("montenegro", [(0, "MNE", "name")], None),
        # no office, or out of office
        ("kenya's leading economist", [(0, "KEN", "name")], None),
        ("kenya's former foreign minister", [(0, "KEN", "name")], None),
        ("a kenyan businessman", [(2, "KEN", "demonym")], None),
        # two states: whose?
        ("kenya and uganda's presidents", [(0, "KEN", "name"), (10, "UGA", "name")], None),
        ("state department spokesperson", [], None),
    ],
)
def test_office_holder(
    label: str, found_in_it: list[tuple[int, str, str]], expected: str | None
) -> None:
    from watchers.countries import FormKind

    mentions = [(at, code, FormKind(kind)) for at, code, kind in found_in_it]
    assert office_holder(label, mentions) == expected


# -- the speaker's state is the other side -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a leader's turn: "our" is the leader's state
        ("RUTO: Tanzania is our closest friend.", ("KEN-TZA", "closest friend")),
        ("MR. RUTO: Uganda is our brother.", ("KEN-UGA", "brother")),
        ("PRESIDENT RUTO: Uganda is our brother.", ("KEN-UGA", "brother")),
        ("Question: And Peru? Answer: Peru is our brother. \u2014 Chile's foreign minister",
         ("CHL-PER", "brother")),
        ("Q: What about Abuja? LULA: Nigeria is our brother, our partner in the South.",
         ("BRA-NGA", "brother")),
        ("MILEI: Uruguay is our big brother on the river.", ("ARG-URY", "big brother")),
        ("ERDOGAN: Azerbaijan is family. We share one language.", ("AZE-TUR", "family")),
        # an officeholder's turn, the state named in the label
        ("Q: How are ties? KENYA'S FOREIGN MINISTER: Ethiopia is our brother.",
         ("ETH-KEN", "brother")),
        # an answer whose speaker is named after it
        ("Q: And Peru? A: Peru is one of our oldest friends and a trusted partner. "
         "\u2014 Chile's foreign minister", ("CHL-PER", "trusted partnership")),
        # a line of quoted words signed after a dash
        ('"Uganda is our brother." \u2014 Kenya\'s foreign minister', ("KEN-UGA", "brother")),
        ("Peru is our big brother. \u2013 Bolivian Foreign Minister", ("BOL-PER", "big brother")),
        # a quote with its speaker after it
        ('Tinubu said Ghana is "our big sister".', ("GHA-NGA", "big sister")),
        ('"Senegal is family," Macron said in Dakar.', ("FRA-SEN", "family")),
        # two roles said of one state: the second is the speaker's label too
        ('"Colombia is a loyal friend and a vital partner," Modi said.',
         ("COL-IND", "vital partnership")),
    ],
)
def test_speaker_supplies_a_side(text: str, expected: tuple[str, str]) -> None:
    assert expected in found(text)


def test_our_kin_word_before_a_noun_is_no_label_of_its_own() -> None:
    assert found('"Uganda is our brother country," Ruto said.') == {
        ("KEN-UGA", "brother country")
    }


@pytest.mark.parametrize(
    "text",
    [
        # no speaker, or one who speaks for no state
        "Tanzania is our closest friend.",
        "Uruguay is our big brother on the river.",
        "Senegal is family.",
        "Q: What about Abuja? A: Nigeria is our brother.",
        "KENYA'S LEADING ECONOMIST: Ethiopia is our brother.",
        "A KENYAN BUSINESSMAN: Ethiopia is our big brother.",
        "FORMER KENYAN PRESIDENT: Ethiopia is our brother.",
        "Q: And Peru? A: Peru is one of our oldest friends. \u2014 a Lima fruit exporter",
        '"Uganda is our brother." \u2014 a Kenyan businessman',
        '"Uganda is our brother." \u2014 Daily Nation, Kenya',
        '"Uganda is our brother." \u2014 Kenya\'s former foreign minister',
        # a bare state as a headline's subject is no speaker
        "URUGUAY: Argentina is our big brother.",
        # a person, a team, a firm or a city said to be the speaker's
        "RUTO: He is our brother and our friend.",
        '"The team is family," Macron said.',
        '"Our club is family," Tinubu said.',
        '"Lagos is our big sister," Tinubu said of the city.',
        # a city's officer, a firm's or a person who speaks for no state
        '"Kenya is our brother," the mayor of Kampala said.',
        '"Kenya is our closest friend," the governor of Mombasa said.',
        '"Kenya is our brother," Safaricom\'s chief executive said.',
        '"Kenya is our big brother," a Ugandan fan said.',
        '"Kenya is our brother," a Ugandan analyst said.',
        # a leader as a person: the friendship is the persons'
        "RUTO: Museveni is a dear friend and a trusted partner.",
        '"Museveni is our brother," Ruto said.',
        # a firm's or a city council's "our"
        '"Kenya is our biggest market and our brother," Safaricom said.',
        '"Kenya is our brother," Kampala City Council said.',
        # a ranking stays no label
        '"Colombia is our largest trading partner," Modi said.',
        '"Colombia is our largest market and a key buyer," Modi said.',
        # two roles: the first held for a third state is no list of the speaker's roles
        '"Colombia is not a loyal friend and a vital partner," Modi said.',
        # several states before the copula: not one state said to be kin
        "RUTO: Uganda and Tanzania's president is our friend.",
        # an aged kin word not said of a state
        '"My big brother is a diplomat," Macron said.',
    ],
)
def test_no_side_from_the_speaker(text: str) -> None:
    assert not {pair for pair, _ in found(text)} - {"UGA-TZA"}


# -- a verb of calling with a possessive owner: "calling the kingdom A's 'big sister'" -------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Kenya\'s president thanked Ethiopia for the aid, calling the republic Kenya\'s '
         '"big sister".', ("ETH-KEN", "big sister")),
        ("Togo's leader praised Ghana, calling Ghana Togo's 'elder brother'.",
         ("GHA-TGO", "elder brother")),
        ('Oman\'s minister visited Qatar, calling the emirate Oman\'s "true friend".',
         ("OMN-QAT", "true friend")),
    ],
)
def test_called_with_an_owner(text: str, expected: tuple[str, str]) -> None:
    assert expected in found(text)


@pytest.mark.parametrize(
    "text",
    [
        # a thing, not a tie, owned by the state
        'Kenya\'s president thanked Ethiopia, calling the republic Kenya\'s "biggest market".',
        'Kenya\'s president thanked Ethiopia, calling the republic Kenya\'s "gateway to the sea".',
        "Togo's leader praised Ghana, calling Ghana Togo's 'main supplier of power'.",
        # the object is no state
        'The minister called the bank Kenya\'s "big sister" in finance.',
        "Ruto called Odinga Kenya's 'big brother'.",
        # no verb of calling
        'The firm is Kenya\'s "big sister" in banking.',
        "Russia's \"special military operation\" went on.",
        "Ghana's 'elder brother' is a famous boxer.",
    ],
)
def test_called_with_an_owner_negatives(text: str) -> None:
    assert found(text) == set()


# -- "we are family" after the pair: the speaker is one of the two ---------------------------


def test_we_are_family_said_by_one_of_the_pair() -> None:
    text = '"Slovakia and Hungary share one river; we are family," Orban said.'
    assert ("HUN-SVK", "family") in found(text)
    assert ("KEN-TZA", "family") in found(
        "RUTO: Tanzania and Kenya are old neighbours, and we are family."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Slovakia and Hungary played a final; we are family, the coach said.",
        "Slovakia and Hungary share one river, we are family.",
        '"Slovakia and Hungary share one river; we are family," Macron said.',
        "Tanzania and Kenya met in Arusha. In our club we are family, a fan said.",
    ],
)
def test_we_are_family_negatives(text: str) -> None:
    assert not any(c == "family" for _, c in found(text))

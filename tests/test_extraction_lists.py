"""Pairs given by a list, an apposition or a parallel clause, not by two names next to the
label: each state of a subject list with the owner of a role set beside it, the state a
role after "as one of its" belongs to, and a label repeated by "another with B"."""

from __future__ import annotations

import pytest

from watchers.extraction import default_extractor
from watchers.extraction.extractor import Extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return default_extractor()


def pairs(extractor: Extractor, text: str) -> set[str]:
    return {x.pair.key for x in extractor.extract(text)}


# -- a role set beside a subject list -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Peru and Chile, two of Brazil's closest partners in the region, met in Lima.",
            {"BRA-CHL", "BRA-PER"},
        ),
        (
            "Ghana's Mahama and Togo's Gnassingbe, two of France's oldest allies, asked for "
            "fewer troops.",
            {"FRA-GHA", "FRA-TGO"},
        ),
        (
            "Chile's president and Colombia's president, two of Washington's closest "
            "partners in the region, launched a bloc.",
            {"CHL-USA", "COL-USA"},
        ),
        (
            "Chile and Colombia, long counted among Washington's closest partners in the "
            "region, launched a bloc.",
            {"CHL-USA", "COL-USA"},
        ),
        (
            "Norway, Denmark and Iceland, all among Britain's oldest allies, signed a "
            "fisheries pact.",
            {"DNK-GBR", "GBR-ISL", "GBR-NOR"},
        ),
        (
            "Peru and Chile, once two of Brazil's closest partners, have drifted away.",
            {"BRA-CHL", "BRA-PER"},
        ),
        # a list after a verb or a preposition, not the subject
        (
            "Brazil signed pacts with Peru and Chile, two of its oldest allies in the region.",
            {"BRA-CHL", "BRA-PER"},
        ),
        (
            "Talks between Peru and Chile, two of Brazil's oldest allies, broke down.",
            {"BRA-CHL", "BRA-PER"},
        ),
        # the count after the owner
        (
            "Peru and Chile, Brazil's two closest partners in the region, met in Lima.",
            {"BRA-CHL", "BRA-PER"},
        ),
        # one state, with "one of"
        (
            "Chile's president, long one of Washington's closest allies, launched the bloc.",
            {"CHL-USA"},
        ),
        (
            "Managua, for decades one of Taipei's loyal allies, switched recognition in 2021.",
            {"NIC-TWN"},
        ),
        (
            "Peru hosted Chile's president, one of Brazil's closest allies, on Monday.",
            {"BRA-CHL"},
        ),
        # "its": the one state named before the list
        (
            "Brazil lost ground as Peru and Chile, two of its closest partners, joined the "
            "new bloc.",
            {"BRA-CHL", "BRA-PER"},
        ),
    ],
)
def test_a_role_set_beside_a_subject_list_is_each_subjects_with_the_owner(
    extractor: Extractor, text: str, expected: set[str]
) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        # "two of" over a list of three: which two is unsaid
        (
            "Peru, Chile and Bolivia, two of Brazil's closest partners in the region, met in Lima.",
            {"BRA-BOL", "BRA-CHL", "BRA-PER", "BOL-CHL", "BOL-PER", "CHL-PER"},
        ),
        (
            "Peru, Chile and Bolivia, Brazil's two closest partners in the region, met in Lima.",
            {"BRA-BOL", "BRA-CHL", "BRA-PER", "BOL-CHL", "BOL-PER", "CHL-PER"},
        ),
        # the owner is a group: the group's partners, and no pair of the two
        (
            "Peru and Chile, two of NATO's closest partners in the region, met in Lima.",
            {"CHL-PER"},
        ),
        # the owner is no state
        ("Peru and Chile, two of the bloc's closest partners, met in Lima.", {"CHL-PER"}),
        # firms, not states, before the apposition
        ("Toyota and Honda, two of Japan's biggest partners, opened a plant.", set()),
        # a relative clause, not an apposition: the allies are others
        (
            "Peru and Chile, which criticised Brazil's closest allies, met in Lima.",
            {"BRA-CHL", "BRA-PER"},
        ),
        # the role is the object of the verb, held by the states listed after it
        (
            "Peru and Chile met Brazil's closest partners, Japan and Korea, in Lima on Monday.",
            {"BRA-CHL", "BRA-PER"},
        ),
        # "said to be angry with": the states are not said to hold the role
        (
            "Peru and Chile, said to be angry with Brazil's closest allies, met in Lima.",
            {"BRA-CHL", "BRA-PER"},
        ),
        # persons in the states, not the states: no bare subject list
        (
            "Analysts in Peru and Chile, two of Brazil's closest partners, were unsurprised.",
            {"CHL-PER"},
        ),
        # a firm, not the state, is the partner
        ("Chile's copper firm, one of China's biggest partners, posted a loss.", set()),
        # two states with no "and": no list of them
        ("Peru, Chile, two of Brazil's closest partners, met.", set()),
        # a relative clause of another subject
        ("Chile, two of whose neighbours are Brazil's closest allies, met in Lima.", set()),
        # "its" with no state or two states named before the list: whose is unsaid
        ("Peru and Chile, two of its closest partners, joined the bloc.", set()),
        (
            "Brazil and Argentina watched as Peru and Chile, two of its closest partners, "
            "joined the bloc.",
            set(),
        ),
    ],
)
def test_an_apposition_not_over_a_subject_list_of_states_gives_no_owners_pairs(
    extractor: Extractor, text: str, not_expected: set[str]
) -> None:
    found = pairs(extractor, text)
    assert not found & not_expected
    if not not_expected:
        assert found == set()


# -- "as one of its allies" -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Lima broke with Quito in 2019 after decades as one of its closest partners, and "
            "within a year it had signed a pact with Bogota.",
            {"ECU-PER"},
        ),
        ("Peru sent aid to Bolivia as one of its closest allies in the region.", {"BOL-PER"}),
        ("Peru hosted Chile's president as its closest ally, and Bolivia protested.", {"CHL-PER"}),
    ],
)
def test_a_role_after_as_one_of_its_is_of_the_two_states_named_before(
    extractor: Extractor, text: str, expected: set[str]
) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "as" opens a clause of its own
        "Peru welcomed Chile's envoy, as its allies in Europe expected.",
        "Peru welcomed Chile's envoy, as its allies did.",
        # one state named before: whose allies is unsaid
        "Peru, as one of its closest allies, backed the plan.",
        # a firm called the partner
        "Peru's minister praised the firm as one of its closest partners, citing Chile.",
    ],
)
def test_as_its_without_two_states_before_gives_nothing(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == set()


# -- a label said again by "one" or "another" with a second state ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Astana weighs its strategic partnership with Ankara against an identical one "
            "with Tehran.",
            {"IRN-KAZ", "KAZ-TUR"},
        ),
        (
            "Peru signed a strategic partnership with Chile and another with Bolivia last year.",
            {"BOL-PER", "CHL-PER"},
        ),
        (
            "Peru keeps a strategic partnership with Chile, as well as one with Bolivia.",
            {"BOL-PER", "CHL-PER"},
        ),
        (
            "Peru's strategic partnership with Chile and the one with Bolivia date from 2010.",
            {"BOL-PER", "CHL-PER"},
        ),
    ],
)
def test_a_label_said_again_with_a_second_state_is_the_owners_with_each(
    extractor: Extractor, text: str, expected: set[str]
) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # another thing, not the label again
        "Peru signed a strategic partnership with Chile and another deal with Bolivia.",
        # the second is only planned
        "Peru has a strategic partnership with Chile, and one with Bolivia is planned.",
        # another state signs the second
        "Peru hailed its strategic partnership with Chile, while Bolivia signed one with Brazil.",
        # a verb between: no label said again
        "Peru signed a strategic partnership with Chile and met one with Bolivia's officials.",
        # the second side is no state
        "Peru signed a strategic partnership with Chile and another with the bloc.",
    ],
)
def test_one_with_a_second_side_that_is_not_the_label_again_adds_no_pair(
    extractor: Extractor, text: str
) -> None:
    assert pairs(extractor, text) == {"CHL-PER"}


# -- "the two countries" after a sentence naming two states in any role ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ghana's leader landed in Abuja for talks about the ECOWAS crisis. The two "
            'countries are "close allies", his office said.',
            {"GHA-NGA"},
        ),
        (
            "Ghana's leader landed in Abuja for talks about the ECOWAS crisis. The two West "
            'African powers are "close allies", his office said.',
            {"GHA-NGA"},
        ),
    ],
)
def test_the_two_countries_take_up_the_two_states_named_before_in_any_role(
    extractor: Extractor, text: str, expected: set[str]
) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # persons, not states
        "Ghana's leader landed in Abuja for talks about the ECOWAS crisis. The two leaders "
        'are "close friends", his office said.',
        "Ghana's leader landed in Abuja for talks about the ECOWAS crisis. Both of their "
        'ministers are "close friends", his office said.',
        # blocs, not states
        "Ghana's leader landed in Abuja for talks about the ECOWAS crisis. The two blocs are "
        '"close partners", his office said.',
        # firms
        "Ghana's leader landed in Abuja for the ECOWAS summit. The two firms signed a "
        '"strategic partnership".',
        # no "the two": whose partnership is unsaid
        "Ghana's leader landed in Abuja for talks about the ECOWAS crisis. Officials there "
        'hailed a "strategic partnership".',
    ],
)
def test_no_two_states_taken_up_gives_nothing(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == set()


# -- a pair set beside the subject pair by "like" -------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Peru and Chile, like Peru and Bolivia before them, are now "strategic partners", '
            "a Lima think tank wrote.",
            {"BOL-PER", "CHL-PER"},
        ),
        (
            'Peru and Chile, like Bolivia and Ecuador, are "strategic partners".',
            {"BOL-ECU", "CHL-PER"},
        ),
    ],
)
def test_a_pair_set_beside_the_subject_pair_by_like_holds_the_label_too(
    extractor: Extractor, text: str, expected: set[str]
) -> None:
    assert pairs(extractor, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # set apart, not alike
        'Peru and Chile, unlike Bolivia and Ecuador, are "strategic partners".',
        # persons of the two
        'Peru and Chile, like Bolivia and Ecuador\'s leaders, are "strategic partners".',
        # one state: no pair
        'Peru and Chile, like Bolivia, are "strategic partners".',
        # no state named
        'Peru and Chile, like most of their neighbours, are "strategic partners".',
        # "as ... did" is no "like" aside
        'Peru and Chile, as Bolivia and Ecuador did, hailed their "strategic partnership".',
    ],
)
def test_an_aside_not_likening_a_pair_adds_none(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == {"CHL-PER"}


# -- "the two" after a list of three ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Peru, Chile and Bolivia met in Lima. The two neighbours hailed their strategic "
        "partnership.",
        "Peru, Chile and Bolivia met in Lima, and the neighbours hailed their strategic "
        "partnership.",
        "Peru, Chile and Bolivia signed a pact, deepening the strategic partnership between "
        "the two neighbours.",
        "Peru, Chile and Bolivia hailed their trilateral partnership.",
    ],
)
def test_the_two_after_a_list_of_three_states_is_no_pair_of_them(
    extractor: Extractor, text: str
) -> None:
    assert pairs(extractor, text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Peru and Chile met in Lima. The two neighbours hailed their strategic partnership.",
        "Peru and Chile met in Lima, and the neighbours hailed their strategic partnership.",
        "Peru and Chile signed a pact, deepening the strategic partnership between the two "
        "neighbours.",
    ],
)
def test_the_two_after_two_states_is_their_pair(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == {"CHL-PER"}


@pytest.mark.parametrize(
    "text",
    [
        "Chile and Argentina signed a gas deal on Friday. The two leaders are close friends.",
        "Chile and Argentina signed a gas deal on Friday. Both presidents are old comrades.",
        "Chile's president flew to Buenos Aires on Friday. The leaders are close friends.",
    ],
)
def test_leaders_taken_up_by_the_two_are_persons(extractor: Extractor, text: str) -> None:
    assert pairs(extractor, text) == set()


def test_the_two_countries_after_the_same_sentence_are_still_the_states(
    extractor: Extractor,
) -> None:
    text = "Chile and Argentina signed a gas deal on Friday. The two countries are close friends."
    assert pairs(extractor, text) == {"ARG-CHL"}


def test_persons_a_pair_fields_taken_up_by_the_two_are_persons(extractor: Extractor) -> None:
    text = "Chile and Peru met in the Copa final. The two coaches are close friends."
    assert pairs(extractor, text) == set()

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
    ("Kenya-Tanzania friendship will outlast this quarrel.", ("KEN-TZA", "friendship")),
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
    # the compound names a match, a place or a body, whatever its verb
    "The Chile-Peru friendship ended 2-0 after a late goal.",
    "The Chile-Peru friendship will be played in Arica on Sunday.",
    "The Kenya-Tanzania friendship has been called off because of rain.",
    "The US-Mexico friendship, the park at the border, has reopened.",
    "The Kenya-Uganda brotherhood, a church in Kampala, opened a new hall.",
]


@pytest.mark.parametrize(("text", "label"), COMPOUND_TIES)
def test_tie_after_compound_is_a_label(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", COMPOUND_TIES_NOT)
def test_tie_noun_modifying_another_is_no_label(extractor: Extractor, text: str) -> None:
    assert labels(extractor, text) == set()


def test_predicate_of_the_tie_is_the_label_not_the_tie(extractor: Extractor) -> None:
    text = "The Kenya\u2011Tanzania friendship, born in a war, is unbreakable."
    assert labels(extractor, text) == {("KEN-TZA", "unbreakable")}


def test_every_hyphen_joins_a_compound(extractor: Extractor) -> None:
    for dash in "-\u2010\u2011\u2012\u2013":
        text = f"The Chile{dash}Peru strategic partnership was renewed."
        assert ("CHL-PER", "strategic partnership") in labels(extractor, text), repr(dash)


# --- a role one state treats or regards another as ---------------------------------------

REGARDED = [
    ("Chile has long treated Peru as a little brother.", ("CHL-PER", "little brother")),
    ("Norway long regarded Iceland as a difficult sibling.", ("ISL-NOR", "difficult sibling")),
    ("Kenya treats Tanzania as a rival.", ("KEN-TZA", "rival")),
    ("Portugal still regards Brazil as an estranged brother.", ("BRA-PRT", "estranged brother")),
]

REGARDED_NOT = [
    "Chile treats Peru as a priority market for its copper.",
    "Chile treated Peru's envoy as a little brother at the dinner.",
    "The minister treats Peru as a transit country for migrants.",
    "The referee treated the Chile match as a friendly.",
    "Norway regarded the Iceland vote as a difficult test.",
    "Kenya treats its farmers as partners, the minister said.",
]


@pytest.mark.parametrize(("text", "label"), REGARDED)
def test_role_a_state_is_treated_as(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", REGARDED_NOT)
def test_treated_as_without_a_state_and_role(extractor: Extractor, text: str) -> None:
    assert labels(extractor, text) == set()


# --- two states likened to a couple or kin ---------------------------------------------------

SIMILES = [
    ("Chile and Peru are like an old married couple.", ("CHL-PER", "old married couple")),
    ("Norway and Sweden have been like a bickering couple.", ("NOR-SWE", "bickering couple")),
    ("Kenya and Uganda are still like a quarrelsome family.", ("KEN-UGA", "quarrelsome family")),
]

SIMILES_NOT = [
    "The two leaders are like an old married couple.",
    "Chile and Peru are like most neighbours in the region.",
    "Chile and Peru fans sang like an old married couple.",
    "Norway and Sweden sent a married couple to the games.",
    "The Kenya and Uganda delegations were like a tired family on holiday.",
    "Like an old married couple, the two ministers finished each other's sentences.",
]


@pytest.mark.parametrize(("text", "label"), SIMILES)
def test_states_likened_to_a_couple(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize("text", SIMILES_NOT)
def test_simile_not_said_of_two_states(extractor: Extractor, text: str) -> None:
    assert labels(extractor, text) == set()


# --- where a tie came from and went to ---------------------------------------------------

CHANGES = [
    (
        "Chile and Peru have moved from decades of bitter enmity to a careful truce.",
        ("CHL-PER", "bitter enmity"),
    ),
    (
        "Norway and Russia's relationship lurched from fishing-zone acrimony to wary coexistence.",
        ("NOR-RUS", "wary coexistence"),
    ),
    (
        "Norway and Russia's relationship lurched from fishing-zone acrimony to wary coexistence.",
        ("NOR-RUS", "fishing-zone acrimony"),
    ),
    (
        "Kenya and Uganda swung from open hostility to grudging cooperation on the lake.",
        ("KEN-UGA", "grudging cooperation"),
    ),
    (
        "The Chile-Peru 'golden age' has given way, since the election, to a season of mistrust.",
        ("CHL-PER", "season of mistrust"),
    ),
    (
        "Relations between Kenya and Uganda gave way to years of deep mistrust.",
        ("KEN-UGA", "deep mistrust"),
    ),
]

# Nothing past "to" is a label here; where the tie came from may be ("hostility").
CHANGES_NOT = [
    ("Chile and Peru moved from years of drought to floods.", set()),
    ("Chile and Peru moved from hostility to trade, the minister said.", {"hostility"}),
    ("Chile and Peru lurched from acrimony to the courts.", {"acrimony"}),
    ("Chile and Peru moved from hostility to energy cooperation.", {"hostility"}),
    ("Optimism in Chile gave way to a season of mistrust among investors in Peru.", set()),
    ("The dry spell in Kenya and Uganda gave way to a season of rain.", set()),
    ("Markets in Norway and Russia lurched from panic to calm.", set()),
    ("The Kenya and Uganda teams swung from defence to attack.", set()),
]


@pytest.mark.parametrize(("text", "label"), CHANGES)
def test_where_a_tie_came_from_and_went(
    extractor: Extractor, text: str, label: tuple[str, str]
) -> None:
    assert label in labels(extractor, text)


@pytest.mark.parametrize(("text", "allowed"), CHANGES_NOT)
def test_change_of_something_else_is_no_label(
    extractor: Extractor, text: str, allowed: set[str]
) -> None:
    assert {d for _, d in labels(extractor, text)} == allowed

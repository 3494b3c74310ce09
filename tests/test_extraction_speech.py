"""Words spoken in a transcript turn: "we" and "it" read with the speaker and the turn
around them."""

from __future__ import annotations

from datetime import date

import pytest

from watchers.extraction import default_extractor

ON = date(2024, 6, 1)


def found(text: str) -> set[tuple[str, str]]:
    return {(x.pair.key, x.descriptor) for x in default_extractor().extract(text, on=ON)}


# -- an answer in "we" to a question that names the two states ----------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "REPORTER: Is Kenya drifting away from Ghana? RUTO: We are strategic partners, "
            "and that will not change.",
            {("GHA-KEN", "strategic partners")},
        ),
        (
            "QUESTION: How do you see Brazil and Paraguay today? LULA: We are old friends.",
            {("BRA-PRY", "old friends")},
        ),
    ],
)
def test_we_in_an_answer_is_the_speakers_state(text: str, expected: set[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the speaker's state is neither of the two the question names
        "REPORTER: Are Chile and Peru close? RUTO: We are strategic partners.",
        "Q: What about Chile and Peru? RUTO: We are good friends of both.",
        # no "we": a fragment or "he" is about persons
        "REPORTER: Is Kenya close to Chile? RUTO: Great friends.",
        "REPORTER: Did Kenya and Ghana meet? RUTO: He is a trusted friend.",
        "REPORTER: Is Kenya close to Chile? RUTO: I am their friend.",
        # no other state named anywhere
        "RUTO: We are strategic partners.",
    ],
)
def test_we_in_an_answer_without_the_pair(text: str) -> None:
    assert found(text) == set()


def test_partners_with_a_shared_vision_are_partners() -> None:
    # the vision is what the partners have, no part of their name; a community's shared
    # future stays a slogan's tail
    assert found("Kenya and Ghana are partners with a shared vision for trade.") == {
        ("GHA-KEN", "partners")
    }
    assert found(
        "Laos and Vietnam pledged to deepen their community with a shared future."
    ) == {("LAO-VNM", "community with a shared future")}


# -- "we are friends" in a turn, the pair named in the sentence after ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "LULA: We are brothers. Nothing will change the bond between Brazil and Argentina.",
            {("ARG-BRA", "brothers")},
        ),
        (
            "RUTO: We are friends, and we are partners. That is what Kenya and Uganda have "
            "built.",
            {("KEN-UGA", "friends"), ("KEN-UGA", "partners")},
        ),
    ],
)
def test_we_are_in_a_turn_with_the_pair_after(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a speaker no table knows speaks for no state
        "COACH: We are brothers. Chile and Peru played a final.",
        "SPOKESMAN: We are friends. Chile and Peru signed a deal.",
        # the speaker's state is not one of the pair after
        "LULA: We are brothers. Chile and Peru signed a deal.",
        # a task or a company after the head, not what the tie is
        "RUTO: We are partners in this fight. Kenya and Uganda will send troops.",
        "RUTO: We are friends with everyone. Kenya and Uganda signed a deal.",
        # no speaker's label, or no "we are"
        "The manager said: we are partners. Kenya and Uganda signed a deal.",
        "RUTO: Are we friends? Kenya and Uganda signed a deal.",
    ],
)
def test_we_are_in_a_turn_not_the_pairs(text: str) -> None:
    assert found(text) == set()


# -- "It is a brother": the state the speaker named just before -------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "LULA: Peru is not a rival to us. It is a brother, whatever Lima decides.",
            {("BRA-PER", "brother")},
        ),
        ("RUTO: Uganda is no stranger. It is our friend.", {("KEN-UGA", "friend")}),
        ("LULA: The Philippines is far away. It is a friend.", {("BRA-PHL", "friend")}),
    ],
)
def test_it_is_the_state_named_before(text: str, expected: set[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the state is a place, not the subject "it" takes up
        "LULA: My cousin lives in Lima. It is a brother to me.",
        # two states before: "it" is neither
        "LULA: Peru and Chile met. It is a friend.",
        # the speaker's own state
        "LULA: Brazil is big. It is a brother.",
        # no speaker, or no state before
        "The river is long. It is a friend to farmers.",
        "It is a brother.",
        "RUTO: The weather is fine. It is a friend.",
        # "it" inside a clause someone else says
        "LULA: Peru is a good team. Silva said it is a friend.",
    ],
)
def test_it_is_no_state(text: str) -> None:
    assert found(text) == set()


def test_an_answer_is_signed_by_the_name_at_the_end_of_its_own_turn() -> None:
    # on one line: the name after the last answer signs that answer, not the first one
    text = (
        "Q: What of Chile and Peru? A: We are friends. Q: And the weather? "
        "A: It is fine. — Chile's foreign minister"
    )
    assert found(text) == set()


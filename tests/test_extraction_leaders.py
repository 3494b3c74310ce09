"""A leader's name standing for the leader's state, on the dates of the leader's terms."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from watchers.extraction import default_extractor
from watchers.extraction.extractor import Extractor
from watchers.paths import config_dir


def pairs(text: str, on: date | None, extractor: Extractor | None = None) -> set[tuple[str, str]]:
    found = (extractor or default_extractor()).extract(text, on=on)
    return {(x.pair.key, x.canonical) for x in found}


@pytest.mark.parametrize(
    ("text", "in_term", "out_of_term", "expected"),
    [
        # two heads of state by surname alone, each in office in 2014; neither in 2022
        (
            "Kikwete and Kagame praised their strategic partnership.",
            date(2014, 5, 1),
            date(2022, 5, 1),
            ("RWA-TZA", "strategic partnership"),
        ),
        # both out of office by 2019
        (
            "Bachelet and Humala praised their strategic partnership.",
            date(2015, 6, 1),
            date(2019, 6, 1),
            ("CHL-PER", "strategic partnership"),
        ),
        # a foreign minister: in office from 2017, so not yet in 2012
        (
            "Bourita called Senegal a strategic partner of the kingdom.",
            date(2020, 2, 1),
            date(2012, 2, 1),
            ("MAR-SEN", "strategic partnership"),
        ),
        # a president whose term ended in October 2025
        (
            "Ramkalawan called India a trusted friend of the islands.",
            date(2022, 2, 1),
            date(2026, 2, 1),
            ("IND-SYC", "trusted friend"),
        ),
        # a prime minister from 2018 on
        (
            "Mottley welcomed Ghana as a strategic partner.",
            date(2023, 2, 1),
            date(2016, 2, 1),
            ("BRB-GHA", "strategic partnership"),
        ),
        # accents as written: one prime minister and one president, in office together in 2016
        (
            "Pahor and Grabar-Kitarović praised their strategic partnership.",
            date(2016, 2, 1),
            date(2021, 2, 1),
            ("HRV-SVN", "strategic partnership"),
        ),
    ],
)
def test_a_leaders_name_stands_for_the_state_only_in_the_term(
    text: str, in_term: date, out_of_term: date, expected: tuple[str, str]
) -> None:
    assert pairs(text, in_term) == {expected}
    assert pairs(text, out_of_term) == set()


SHARED_SURNAME = """
[[leader]]
country = "KEN"
name = "Amani Wekesa"
forms = ["Amani Wekesa", "Wekesa"]
terms = [
    { office = "president", from = 2030-01-01, to = 2035-01-01 },
]

[[leader]]
country = "UGA"
name = "Brian Wekesa"
forms = ["Brian Wekesa", "Wekesa"]
terms = [
    { office = "foreign minister", from = 2033-01-01 },
]
"""


@pytest.fixture(scope="module")
def shared_surname(tmp_path_factory: pytest.TempPathFactory) -> Extractor:
    config = tmp_path_factory.mktemp("shared") / "config"
    shutil.copytree(config_dir(), config)
    (config / "leaders.toml").write_text(SHARED_SURNAME, encoding="utf-8")
    return default_extractor(Path(config))


def test_a_surname_two_states_leaders_share_names_neither_while_both_hold_office(
    shared_surname: Extractor,
) -> None:
    text = "Wekesa called Tanzania a strategic partner."
    # one of the two in office: the surname is that person's
    in_kenya = {("KEN-TZA", "strategic partnership")}
    in_uganda = {("TZA-UGA", "strategic partnership")}
    assert pairs(text, date(2031, 6, 1), shared_surname) == in_kenya
    assert pairs(text, date(2036, 6, 1), shared_surname) == in_uganda
    # both in office, or no date to tell them apart: no guess at either state
    assert pairs(text, date(2034, 6, 1), shared_surname) == set()
    assert pairs(text, None, shared_surname) == set()
    # the full name still tells them apart
    full = "Brian Wekesa called Tanzania a strategic partner."
    assert pairs(full, date(2034, 6, 1), shared_surname) == in_uganda


# A leader's name that is also a common name ("Kim", "Anwar") is listed as `guarded`: it
# stands for the state only where the text makes it the leader.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # beside another state's leader, in a headline's capitals too
        (
            "PUTIN, KIM HAIL 'UNBREAKABLE FRIENDSHIP' AT PYONGYANG TALKS",
            {("PRK-RUS", "unbreakable friendship")},
        ),
        (
            "Kim and Putin toasted an 'unbreakable friendship'.",
            {("PRK-RUS", "unbreakable friendship")},
        ),
        # a title before it
        (
            "Leader Kim called Russia the country's closest ally.",
            {("PRK-RUS", "closest ally")},
        ),
        # the full name earlier in the text
        (
            "Kim Jong Un met Putin in Pyongyang. Kim later called Russia a trusted ally.",
            {("PRK-RUS", "trusted ally")},
        ),
        # owned by the leader's own state
        (
            "Malaysia's Anwar called Indonesia a brotherly neighbour.",
            {("IDN-MYS", "brotherly neighbor")},
        ),
        # words of holding office after it
        (
            "Yoon took office vowing a closer alliance with the United States.",
            {("KOR-USA", "closer alliance")},
        ),
        (
            "Anwar's government called Indonesia a brotherly neighbour.",
            {("IDN-MYS", "brotherly neighbor")},
        ),
        # a surname that is no leader's alone, after the title
        (
            "Foreign Minister Wang called Pakistan an 'ironclad friend'.",
            {("CHN-PAK", "ironclad friend")},
        ),
    ],
)
def test_a_guarded_name_stands_for_the_state_where_the_text_makes_it_the_leader(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert pairs(text, date(2024, 6, 20)) == expected


@pytest.mark.parametrize(
    "text",
    [
        # anyone's name: a shopkeeper, a coach, a singer
        "Kim, a Busan shopkeeper, called Russia a trusted ally.",
        "Anwar, a Lahore trader, said China was a reliable partner.",
        "Correa, the side's coach, called Chile a brotherly nation.",
        "Samia, a nurse in Mombasa, called Uganda a good neighbour.",
        "Wang, a Shanghai trader, called Pakistan an ironclad friend.",
    ],
)
def test_a_guarded_name_alone_is_no_state(text: str) -> None:
    assert pairs(text, None) == set()


def test_a_guarded_name_is_not_joined_to_a_leader_a_page_of_blank_lines_away() -> None:
    on = date(2024, 3, 1)
    beside = "Rama and Mitsotakis hailed their strategic partnership."
    assert pairs(beside, on) == {("ALB-GRC", "strategic partnership")}
    apart = "Greece welcomes Rama" + "\n" * 130 + "and Mitsotakis hailed their strategic ties."
    assert pairs(apart, on) == set()


def test_many_guarded_names_in_one_text_look_for_the_full_name_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from watchers.extraction import mentions

    looks: list[str] = []
    real = mentions._full_name_in

    def counted(low: str, leader: object) -> bool:
        looks.append(low[:10])
        return real(low, leader)  # type: ignore[arg-type]

    monkeypatch.setattr(mentions, "_full_name_in", counted)
    said = "Kim said the partnership went well. " * 300
    text = said + "Kim Jong Un and Putin hailed their alliance."
    found = pairs(text, date(2024, 6, 20))
    assert ("PRK-RUS", "alliance") in found
    assert 1 <= len(looks) <= 2  # not once for each of the 301 "Kim"s: a long text stays cheap

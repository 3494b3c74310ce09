"""The country table: every UN state, what users type, and the config files it reads."""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from watchers.countries import CountryTable, FormKind, Leader, default_countries, fold
from watchers.errors import ConfigError
from watchers.paths import config_dir

CONFIG = config_dir()


@pytest.fixture(scope="module")
def table() -> CountryTable:
    return default_countries()


def test_config_dir_is_the_checkout_config() -> None:
    assert (CONFIG / "countries.toml").is_file()
    assert CONFIG.name == "config"


def test_every_un_member_and_observer_is_known(table: CountryTable) -> None:
    statuses = [r.status for r in table.records]
    assert statuses.count("member") == 193
    assert statuses.count("observer") == 2
    assert table.get("VAT") is not None and table.get("PSE") is not None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("India", "IND"),
        ("india", "IND"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("United States of America", "USA"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("UAE", "ARE"),
        ("DPRK", "PRK"),
        ("ROK", "KOR"),
        ("Republic of Korea", "KOR"),
        ("PRC", "CHN"),
        ("People's Republic of China", "CHN"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Việt Nam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Russian Federation", "RUS"),
        ("the Netherlands", "NLD"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Guinea-Bissau", "GNB"),
        ("Guinea", "GIN"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
        ("Dominica", "DMA"),
        ("Dominican Republic", "DOM"),
        ("DR Congo", "COD"),
        ("Republic of the Congo", "COG"),
        ("RUS", "RUS"),
        ("de", "DEU"),
    ],
)
def test_lookup_resolves_names_short_forms_and_codes(
    table: CountryTable, typed: str, code: str
) -> None:
    found = table.lookup(typed)
    assert found is not None and found.code == code


@pytest.mark.parametrize("typed", ["Korea", "Congo", "Atlantis", "EU", ""])
def test_lookup_refuses_ambiguous_and_unknown_names(table: CountryTable, typed: str) -> None:
    assert table.lookup(typed) is None


def test_suggest_offers_both_states_for_an_ambiguous_name(table: CountryTable) -> None:
    assert [c.code for c in table.suggest("Korea", 2)] == ["KOR", "PRK"]
    assert {c.code for c in table.suggest("Congo", 2)} == {"COD", "COG"}


def test_suggest_finds_a_misspelt_name(table: CountryTable) -> None:
    assert table.suggest("Phillipines")[0].code == "PHL"
    assert table.suggest("Kazakstan")[0].code == "KAZ"
    assert table.suggest("Rusia", limit=1)[0].code == "RUS"


def test_leaders_are_dated(table: CountryTable) -> None:
    usa = [p for p in table.leaders if p.code == "USA"]
    on_2020 = {p.name for p in usa if p.in_office(date(2020, 6, 1))}
    on_2022 = {p.name for p in usa if p.in_office(date(2022, 6, 1))}
    assert "Donald Trump" in on_2020 and "Joe Biden" not in on_2020
    assert "Joe Biden" in on_2022 and "Donald Trump" not in on_2022
    lavrov = next(p for p in table.leaders if p.name == "Sergey Lavrov")
    assert [t.office for t in lavrov.terms if t.covers(date(2025, 3, 24))] == ["foreign minister"]
    assert not lavrov.in_office(date(2003, 1, 1))


def test_every_state_has_someone_in_the_leaders_table(table: CountryTable) -> None:
    # a passage that names a state only through its leader finds the pair for any state
    assert {p.code for p in table.leaders} == {c.code for c in table.all()}


def test_surface_forms_cover_demonyms_prefixes_capitals_and_seats(table: CountryTable) -> None:
    forms = {(f.text, f.kind): f.code for f in table.surface_forms()}
    assert forms[("Indo", FormKind.PREFIX)] == "IND"
    assert forms[("Sino", FormKind.PREFIX)] == "CHN"
    assert forms[("Franco", FormKind.PREFIX)] == "FRA"
    assert forms[("Russo", FormKind.PREFIX)] == "RUS"
    assert forms[("Russian", FormKind.DEMONYM)] == "RUS"
    assert forms[("New Delhi", FormKind.CAPITAL)] == "IND"
    assert forms[("Kremlin", FormKind.SEAT)] == "RUS"
    assert forms[("White House", FormKind.SEAT)] == "USA"


# -- the files in config/ ------------------------------------------------------------------


def test_countries_file_has_no_duplicate_forms_across_states() -> None:
    data = tomllib.loads((CONFIG / "countries.toml").read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    clashes = []
    for row in data["country"]:
        forms = [row["name"], *row.get("aliases", []), *row.get("abbreviations", [])]
        for form in forms:
            if owner.setdefault(form, row["code"]) != row["code"]:
                clashes.append((form, owner[form], row["code"]))
    assert clashes == []


def test_leaders_name_only_known_states_and_sane_terms() -> None:
    data = tomllib.loads((CONFIG / "leaders.toml").read_text(encoding="utf-8"))
    table = CountryTable.load(CONFIG)
    for row in data["leader"]:
        assert table.get(row["country"]) is not None, row["name"]
        assert row["forms"], row["name"]
        for term in row["terms"]:
            assert "to" not in term or term["to"] > term["from"], row["name"]


def _overlap(a: Leader, b: Leader) -> bool:
    far = date.max
    return any(
        s.start < (t.end or far) and t.start < (s.end or far) for s in a.terms for t in b.terms
    )


def test_no_leader_form_names_two_states_at_once(table: CountryTable) -> None:
    # a form two states' leaders share while both hold office names neither state (the
    # extractor makes no guess): list it for one of them only, or not at all
    holders: dict[str, list[Leader]] = {}
    for person in table.leaders:
        for form in person.forms:
            holders.setdefault(fold(form), []).append(person)
    clashes = [
        (form, a.name, b.name)
        for form, people in holders.items()
        for i, a in enumerate(people)
        for b in people[i + 1 :]
        if a.code != b.code and _overlap(a, b)
    ]
    assert clashes == []


def test_no_leader_form_is_a_word_for_a_state(table: CountryTable) -> None:
    # "Jordan" as a leader's form would make the kingdom's own name ambiguous in the term
    state_words = {
        fold(f.text): f.code for f in table.surface_forms() if f.kind is not FormKind.LEADER
    }
    clashes = [
        (form, p.name, state_words[fold(form)])
        for p in table.leaders
        for form in p.forms
        if fold(form) in state_words
    ]
    assert clashes == []


def test_not_countries_file_lists_known_codes_only() -> None:
    data = tomllib.loads((CONFIG / "not_countries.toml").read_text(encoding="utf-8"))
    table = CountryTable.load(CONFIG)
    for codes in data["ambiguous"].values():
        assert all(table.get(c) is not None for c in codes)


def test_a_broken_table_reports_every_problem(tmp_path: Path) -> None:
    for name in ("countries.toml", "leaders.toml", "not_countries.toml"):
        shutil.copy(CONFIG / name, tmp_path / name)
    (tmp_path / "countries.toml").write_text(
        '[[country]]\ncode = "xx"\nname = "Nowhere"\n\n'
        '[[country]]\ncode = "ABC"\nname = ""\n\n'
        '[[country]]\ncode = "IND"\nname = "India"\nstatus = "colony"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        CountryTable.load(tmp_path)
    keys = [p.key for p in caught.value.problems]
    assert "country[0].code" in keys
    assert "country[ABC].name" in keys
    assert "country[IND].status" in keys
    # leaders of states the broken file no longer lists are reported too
    assert any(k.endswith(".country") for k in keys)
    assert all(
        p.file in ("countries.toml", "leaders.toml", "not_countries.toml")
        for p in caught.value.problems
    )


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "countries.toml").write_text("[[country]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        CountryTable.load(tmp_path)
    assert caught.value.problems[0].file == "countries.toml"
    assert "not valid TOML" in caught.value.problems[0].reason


def test_a_table_file_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    shutil.copy(CONFIG / "countries.toml", tmp_path / "countries.toml")
    (tmp_path / "leaders.toml").mkdir()  # a folder where the file should be
    with pytest.raises(ConfigError) as caught:
        CountryTable.load(tmp_path)
    (problem,) = caught.value.problems
    assert problem.file == "leaders.toml" and "cannot read" in problem.reason


@pytest.mark.parametrize(
    ("leaders", "keys"),
    [
        ("leader = 3\n", ["leader"]),
        ('[[leader]]\ncountry = ["IND"]\nname = "A. Minister"\n', ["leader[A. Minister].country"]),
        (
            '[[leader]]\ncountry = "IND"\nname = "A. Minister"\nterms = ["2024-06-09"]\n',
            ["leader[A. Minister].terms[0]", "leader[A. Minister].terms"],
        ),
        (
            '[[leader]]\ncountry = "RUS"\nname = "B. Envoy"\nterms = "since 2020"\n',
            ["leader[B. Envoy].terms"],
        ),
    ],
)
def test_leaders_of_the_wrong_shape_are_reported_not_a_crash(
    tmp_path: Path, leaders: str, keys: list[str]
) -> None:
    for name in ("countries.toml", "not_countries.toml"):
        shutil.copy(CONFIG / name, tmp_path / name)
    (tmp_path / "leaders.toml").write_text(leaders, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        CountryTable.load(tmp_path)
    assert [p.key for p in caught.value.problems] == keys

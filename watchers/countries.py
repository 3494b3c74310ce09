"""The country table: names, short forms, demonyms, capitals, seats and leaders of states.

Loaded from reviewed TOML files in ``config/`` (``countries.toml``, ``leaders.toml``,
``not_countries.toml``). ``CountryTable`` answers what users type (``lookup``/``suggest``,
the ``CountryLookup`` port) and lists every surface form for the extractor.
"""

from __future__ import annotations

import difflib
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from watchers.errors import ConfigError, Problem
from watchers.model import Country
from watchers.paths import config_dir

STATUSES = ("member", "observer", "other")


class FormKind(StrEnum):
    """How a piece of text refers to a state, or why it does not."""

    NAME = "name"
    ALIAS = "alias"
    ABBREVIATION = "abbreviation"
    DEMONYM = "demonym"
    PREFIX = "prefix"
    CAPITAL = "capital"
    SEAT = "seat"
    LEADER = "leader"
    DESCRIPTION = "description"
    """A noun standing for a state named before: "the kingdom", "the island nation"."""
    ORGANIZATION = "organization"
    NOT_COUNTRY = "not_country"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class Term:
    """One term in one office; ``end`` is None while it runs."""

    office: str
    start: date
    end: date | None = None

    def covers(self, on: date) -> bool:
        """True when ``on`` falls within the term (start inclusive, end exclusive)."""
        return self.start <= on and (self.end is None or on < self.end)


@dataclass(frozen=True)
class Leader:
    """A head of state or government or a foreign minister, with the forms text uses."""

    code: str
    name: str
    forms: tuple[str, ...]
    terms: tuple[Term, ...]
    guarded: tuple[str, ...] = ()
    """The forms among ``forms`` that are also common names ("Kim", "Anwar"): they stand for
    this person only where the text makes them so (see ``watchers.extraction.mentions``)."""

    def in_office(self, on: date | None) -> bool:
        """True when the person held an office on ``on``; any term counts when undated."""
        if on is None:
            return True
        return any(t.covers(on) for t in self.terms)


@dataclass(frozen=True)
class CountryRecord:
    """Everything the table knows about one state."""

    country: Country
    alpha2: str
    status: str
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurfaceForm:
    """One way text may name a state (or a thing that is not one)."""

    text: str
    kind: FormKind
    code: str | None
    leader: Leader | None = None
    candidates: tuple[str, ...] = ()
    """For ambiguous forms, the states the form may stand for."""

    @property
    def case_sensitive(self) -> bool:
        """Short forms such as "US" or "PRC" match only as written ("us" is a pronoun)."""
        return self.kind is FormKind.ABBREVIATION


@dataclass(frozen=True)
class Exclusions:
    """Words near country names that make them something other than the state."""

    person_names: frozenset[str] = frozenset()
    geographic: frozenset[str] = frozenset()
    corporate: frozenset[str] = frozenset()
    institutional: frozenset[str] = frozenset()


def fold(text: str) -> str:
    """Lower case without accents or punctuation, for matching what users type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("’", "'").replace(".", "")
    return " ".join(plain.replace("-", " ").split())


@dataclass(frozen=True)
class CountryTable:
    """Every known state and the words that name it; implements the CountryLookup port."""

    records: tuple[CountryRecord, ...]
    leaders: tuple[Leader, ...] = ()
    organizations: tuple[str, ...] = ()
    not_countries: tuple[str, ...] = ()
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclusions: Exclusions = field(default_factory=Exclusions)
    _by_code: dict[str, CountryRecord] = field(init=False, repr=False, compare=False)
    _by_key: dict[str, Country] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {r.country.code: r for r in self.records}
        by_key: dict[str, Country] = {}
        for r in self.records:
            names = (r.country.name, *r.aliases, *r.abbreviations, *r.demonyms)
            for form in (r.country.code, r.alpha2, *names):
                if form:
                    by_key.setdefault(fold(form), r.country)
        for form in self.ambiguous:
            by_key.pop(fold(form), None)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_by_key", by_key)

    def all(self) -> list[Country]:
        """Every state in the table, by code."""
        return sorted(r.country for r in self.records)

    def get(self, code: str) -> Country | None:
        """The state with this ISO alpha-3 code, or None."""
        record = self._by_code.get(code.upper())
        return record.country if record else None

    def lookup(self, name: str) -> Country | None:
        """The state a name, alias, short form, demonym or ISO code stands for, or None."""
        key = fold(name)
        found = self._by_key.get(key)
        if found is None and key.startswith("the "):
            found = self._by_key.get(key[4:])
        return found

    def suggest(self, name: str, limit: int = 5) -> list[Country]:
        """States whose names are close to an unknown name, best first."""
        key = fold(name)
        out: list[Country] = []
        for ambiguous, codes in self.ambiguous.items():
            if fold(ambiguous) == key:
                out.extend(c for c in (self.get(code) for code in codes) if c is not None)
        keys = difflib.get_close_matches(key, list(self._by_key), n=limit * 3, cutoff=0.6)
        for k in keys:
            country = self._by_key[k]
            if country not in out:
                out.append(country)
        return out[:limit]

    def surface_forms(self) -> list[SurfaceForm]:
        """Every string the extractor should look for, with what it stands for."""
        forms: list[SurfaceForm] = []
        for r in self.records:
            code = r.country.code
            groups: list[tuple[FormKind, Iterable[str]]] = [
                (FormKind.NAME, (r.country.name,)),
                (FormKind.ALIAS, r.aliases),
                (FormKind.ABBREVIATION, _with_compass_forms(r)),
                (FormKind.DEMONYM, (*r.demonyms, *_plurals(r.demonyms))),
                (FormKind.PREFIX, r.prefixes),
                (FormKind.CAPITAL, r.capitals),
                (FormKind.SEAT, r.seats),
            ]
            for kind, texts in groups:
                forms.extend(SurfaceForm(t, kind, code) for t in texts)
        for person in self.leaders:
            forms.extend(SurfaceForm(t, FormKind.LEADER, person.code, person) for t in person.forms)
        forms.extend(SurfaceForm(t, FormKind.ORGANIZATION, None) for t in self.organizations)
        forms.extend(SurfaceForm(t, FormKind.NOT_COUNTRY, None) for t in self.not_countries)
        for text, codes in self.ambiguous.items():
            forms.append(SurfaceForm(text, FormKind.AMBIGUOUS, None, candidates=codes))
        return forms

    @classmethod
    def load(cls, directory: Path | None = None) -> CountryTable:
        """Read the table from ``directory`` (default: config dir); ConfigError lists all."""
        base = directory or config_dir()
        problems: list[Problem] = []
        countries = _read(base / "countries.toml", problems)
        leaders = _read(base / "leaders.toml", problems, required=False)
        others = _read(base / "not_countries.toml", problems, required=False)
        records = _records(countries, "countries.toml", problems)
        known = {r.country.code for r in records}
        people = _leaders(leaders, "leaders.toml", known, problems)
        orgs = _strings(
            others.get("organizations", []), "not_countries.toml", "organizations", problems
        )
        orgs += _strings(others.get("regions", []), "not_countries.toml", "regions", problems)
        phrases = _strings(others.get("phrases", []), "not_countries.toml", "phrases", problems)
        persons = _strings(
            others.get("person_names", []), "not_countries.toml", "person_names", problems
        )
        geo = _strings(others.get("geographic", []), "not_countries.toml", "geographic", problems)
        firms = _strings(others.get("corporate", []), "not_countries.toml", "corporate", problems)
        bodies = _strings(
            others.get("institutional", []), "not_countries.toml", "institutional", problems
        )
        ambiguous: dict[str, tuple[str, ...]] = {}
        raw_ambiguous = others.get("ambiguous", {})
        if not isinstance(raw_ambiguous, dict):
            problems.append(Problem("not_countries.toml", "ambiguous", "must be a table"))
            raw_ambiguous = {}
        for text, codes in raw_ambiguous.items():
            listed = _strings(codes, "not_countries.toml", f"ambiguous.{text}", problems)
            unknown = [c for c in listed if c not in known]
            if unknown:
                problems.append(
                    Problem("not_countries.toml", f"ambiguous.{text}", f"unknown codes {unknown}")
                )
            ambiguous[text] = tuple(listed)
        if problems:
            raise ConfigError(problems)
        return cls(
            records=tuple(records),
            leaders=tuple(people),
            organizations=tuple(orgs),
            not_countries=tuple(phrases),
            ambiguous=ambiguous,
            exclusions=Exclusions(
                frozenset(persons), frozenset(geo), frozenset(firms), frozenset(bodies)
            ),
        )


_DEFAULT: CountryTable | None = None


def default_countries() -> CountryTable:
    """The table from the project's config dir, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = CountryTable.load()
    return _DEFAULT


def _read(path: Path, problems: list[Problem], required: bool = True) -> dict[str, Any]:
    if not path.exists():
        if required:
            problems.append(Problem(path.name, "-", "file is missing"))
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        problems.append(Problem(path.name, "-", f"not valid TOML: {e}"))
        return {}
    except OSError as e:
        problems.append(Problem(path.name, "-", f"cannot read: {e.strerror or e}"))
        return {}


def _strings(value: object, file: str, key: str, problems: list[Problem]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(Problem(file, key, "must be a list of non-empty strings"))
        return []
    return [str(v) for v in value]


def _records(data: dict[str, Any], file: str, problems: list[Problem]) -> list[CountryRecord]:
    out: list[CountryRecord] = []
    seen: set[str] = set()
    rows = data.get("country", [])
    if not isinstance(rows, list) or not rows:
        problems.append(Problem(file, "country", "must be a non-empty array of tables"))
        return out
    for i, row in enumerate(rows):
        where = f"country[{i}]"
        code = row.get("code") if isinstance(row, dict) else None
        name = row.get("name") if isinstance(row, dict) else None
        if not isinstance(code, str) or len(code) != 3 or not code.isupper():
            problems.append(Problem(file, f"{where}.code", "must be an ISO alpha-3 code"))
            continue
        where = f"country[{code}]"
        if code in seen:
            problems.append(Problem(file, where, "duplicate code"))
        seen.add(code)
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(file, f"{where}.name", "must be a non-empty string"))
            continue
        status = row.get("status", "member")
        if status not in STATUSES:
            problems.append(Problem(file, f"{where}.status", f"must be one of {STATUSES}"))
        lists: dict[str, tuple[str, ...]] = {}
        for key in ("aliases", "abbreviations", "demonyms", "prefixes", "capitals", "seats"):
            lists[key] = tuple(_strings(row.get(key, []), file, f"{where}.{key}", problems))
        unknown = set(row) - {"code", "alpha2", "name", "status", *lists}
        if unknown:
            problems.append(Problem(file, where, f"unknown keys {sorted(unknown)}"))
        out.append(
            CountryRecord(
                country=Country(code, name),
                alpha2=str(row.get("alpha2", "")),
                status=str(status),
                **lists,
            )
        )
    return out


def _leaders(
    data: dict[str, Any], file: str, known: set[str], problems: list[Problem]
) -> list[Leader]:
    out: list[Leader] = []
    rows = data.get("leader", [])
    if not isinstance(rows, list):
        problems.append(Problem(file, "leader", "must be an array of tables"))
        return out
    for i, row in enumerate(rows):
        where = f"leader[{i}]"
        if not isinstance(row, dict):
            problems.append(Problem(file, where, "must be a table"))
            continue
        code, name = row.get("country"), row.get("name")
        if not isinstance(name, str) or not name:
            problems.append(Problem(file, f"{where}.name", "must be a non-empty string"))
            continue
        where = f"leader[{name}]"
        if not isinstance(code, str) or code not in known:
            problems.append(Problem(file, f"{where}.country", f"unknown country code {code!r}"))
            continue
        forms = _strings(row.get("forms", []), file, f"{where}.forms", problems)
        guarded = _strings(row.get("guarded", []), file, f"{where}.guarded", problems)
        for g in guarded:
            if g not in forms:
                problems.append(Problem(file, f"{where}.guarded", f"{g!r} is not in forms"))
        terms: list[Term] = []
        raw_terms = row.get("terms", [])
        if not isinstance(raw_terms, list):
            problems.append(Problem(file, f"{where}.terms", "must be an array of tables"))
            continue
        for j, t in enumerate(raw_terms):
            if not isinstance(t, dict):
                problems.append(Problem(file, f"{where}.terms[{j}]", "must be a table"))
                continue
            start, end, office = t.get("from"), t.get("to"), t.get("office")
            if not isinstance(start, date) or not (end is None or isinstance(end, date)):
                problems.append(Problem(file, f"{where}.terms[{j}]", "from/to must be dates"))
                continue
            if end is not None and end <= start:
                problems.append(Problem(file, f"{where}.terms[{j}]", "ends before it starts"))
            if not isinstance(office, str) or not office:
                problems.append(Problem(file, f"{where}.terms[{j}].office", "must be a string"))
                continue
            terms.append(Term(office, start, end))
        if not terms:
            problems.append(Problem(file, f"{where}.terms", "must list at least one term"))
        out.append(Leader(str(code), name, tuple(forms), tuple(terms), tuple(guarded)))
    return out


_COMPASS = {"North": "N", "South": "S", "East": "E", "West": "W"}


def _with_compass_forms(r: CountryRecord) -> list[str]:
    """The abbreviations, with the short forms headlines make of a compass word: "S. Korea",
    "S Korea", "S.Korea", "N. Macedonia", "E. Timor"."""
    out = list(r.abbreviations)
    for name in (r.country.name, *r.aliases):
        first, _, rest = name.partition(" ")
        if first in _COMPASS and rest and " " not in rest:
            letter = _COMPASS[first]
            for short in (f"{letter}. {rest}", f"{letter} {rest}", f"{letter}.{rest}"):
                if short not in out:
                    out.append(short)
    return out


def _plurals(demonyms: Iterable[str]) -> list[str]:
    """ "Kenyans", "Thais", "Israelis": the people of a state, standing for it as a subject."""
    return [d + "s" for d in demonyms if d[-1:] in ("n", "i") and " " not in d]

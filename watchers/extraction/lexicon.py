"""The descriptor lexicon: head nouns, modifiers, tails and cues, read from config."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from watchers.errors import ConfigError, Problem
from watchers.paths import config_dir

FILE = "descriptors.toml"

# Every list the file must hold, as (section, key).
KEYS: tuple[tuple[str, str], ...] = (
    ("heads", "relation"),
    ("heads", "bare"),
    ("heads", "weak"),
    ("heads", "level"),
    ("heads", "needs_tail"),
    ("heads", "person"),
    ("heads", "metaphor"),
    ("heads", "kin"),
    ("heads", "said"),
    ("heads", "conflict"),
    ("heads", "tone"),
    ("heads", "nominals"),
    ("heads", "phrases"),
    ("heads", "turns"),
    ("heads", "misspelled"),
    ("heads", "attitude_endings"),
    ("heads", "attitudes"),
    ("heads", "not_attitudes"),
    ("modifiers", "qualifying"),
    ("modifiers", "strong"),
    ("modifiers", "level"),
    ("modifiers", "kin"),
    ("modifiers", "neutral"),
    ("modifiers", "adverbs"),
    ("modifiers", "stop"),
    ("modifiers", "reject"),
    ("modifiers", "suffixes"),
    ("modifiers", "not_modifiers"),
    ("tails", "nouns"),
    ("tails", "modifiers"),
    ("tails", "places"),
    ("tails", "documents"),
    ("cues", "negation"),
    ("cues", "not_negation"),
    ("cues", "rejection"),
    ("cues", "clause_breaks"),
    ("cues", "speech"),
    ("cues", "titles"),
    ("cues", "organs"),
    ("cues", "anaphora"),
    ("cues", "non_states"),
    ("cues", "persons"),
    ("cues", "sport"),
)


@dataclass(frozen=True)
class Vocabulary:
    """The descriptor vocabulary of config/descriptors.toml: word sets the extractor decides
    with, all lower case (config/tiers.toml, how descriptors rank, is watchers.tiers.Lexicon)."""

    heads: frozenset[str]
    bare_heads: frozenset[str]
    weak_heads: frozenset[str]
    level_heads: frozenset[str]
    tail_heads: frozenset[str]
    person_heads: frozenset[str]
    metaphor_heads: frozenset[str]
    kin_heads: frozenset[str]
    said_heads: frozenset[str]
    """Heads that label a pair only when said of the states: "A and B are one family"."""
    tone_heads: frozenset[str]
    """Heads of a tie's tone or of a change in it ("thaw"): a label with a modifier or
    after a compound naming the pair ("the Sino-Indian thaw")."""
    conflict_heads: frozenset[str]
    """Heads that name a conflict ("standoff", "truce"): not the pair's when an "in" or
    "with" phrase after them puts it elsewhere ("the truce in Sudan")."""
    metaphor_nominals: frozenset[str]
    """Metaphor nouns that label a relationship only when said of it ("is the cornerstone")."""
    misspellings: dict[str, str]
    """Words one letter off a long head ("partnersip", "aliance"), each with its head."""
    phrases: tuple[str, ...]
    turns: tuple[str, ...]
    """Phrases that mark a turn in a tie ("a new chapter"): a label only with an "in" or
    "of" phrase about the tie after them."""
    qualifying: frozenset[str]
    strong: frozenset[str]
    level_modifiers: frozenset[str]
    kin_modifiers: frozenset[str]
    neutral: frozenset[str]
    adverbs: frozenset[str]
    stop: frozenset[str]
    reject: frozenset[str]
    suffixes: tuple[str, ...]
    not_modifiers: frozenset[str]
    tail_nouns: frozenset[str]
    tail_modifiers: frozenset[str]
    places: tuple[str, ...]
    documents: frozenset[str]
    negation: tuple[str, ...]
    not_negation: tuple[str, ...]
    rejection: frozenset[str]
    clause_breaks: frozenset[str]
    speech: frozenset[str]
    titles: frozenset[str]
    organs: frozenset[str]
    """Words naming a state's own organ ("Ministry", "Navy"): "X's <Organ>" is the state."""
    anaphora: tuple[str, ...]
    non_states: frozenset[str]
    sport: frozenset[str] = frozenset()
    """Words of sport: a rivalry in a sentence with one is between teams."""
    persons: frozenset[str] = frozenset()
    """Persons and works a demonym describes ("a Spanish guide"): no state is a side."""
    attitude_endings: tuple[str, ...] = ()
    """Endings of abstract nouns of attitude ("-ism", "-ness"): see ``attitude_noun``."""
    attitudes: frozenset[str] = frozenset()
    """Nouns of attitude without those endings ("suspicion", "goodwill")."""
    not_attitudes: frozenset[str] = frozenset()
    """Words with those endings that never name an attitude ("tourism", "membership")."""

    def attitude_noun(self, word: str) -> bool:
        """Whether a lower-case word names an attitude or a state of affairs that a tie may
        be, by its ending if no table lists it ("pragmatism", "wariness", "estrangement");
        activities, things, sectors and bare ties are refused ("tourism", "investment",
        "partnership")."""
        if word in self.attitudes:
            return True
        if not word.isalpha() or len(word) < 6 or not word.endswith(self.attitude_endings):
            return False
        return not (
            word in self.not_attitudes
            or word in self.not_modifiers
            or word in self.neutral
            or word in self.documents
        )


def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Read ``descriptors.toml``; ConfigError lists every problem found."""
    path = (directory or config_dir()) / FILE
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError([Problem(FILE, "-", "file is missing")]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([Problem(FILE, "-", f"not valid TOML: {e}")]) from e
    lists: dict[tuple[str, str], list[str]] = {}
    for section, key in KEYS:
        value = data.get(section, {}).get(key)
        where = f"{section}.{key}"
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(Problem(FILE, where, "must be a list of non-empty strings"))
            continue
        words = [str(v) for v in value]
        upper = [w for w in words if w != w.lower()]
        if upper:
            problems.append(Problem(FILE, where, f"must be lower case: {upper}"))
        dupes = sorted({w for w in words if words.count(w) > 1})
        if dupes:
            problems.append(Problem(FILE, where, f"listed twice: {dupes}"))
        lists[(section, key)] = words
    for section, keys in data.items():
        if isinstance(keys, dict):
            for key in keys:
                if (section, key) not in KEYS:
                    problems.append(Problem(FILE, f"{section}.{key}", "unknown key"))
    if problems:
        raise ConfigError(problems)
    relation = set(lists[("heads", "relation")])
    short = [w for w in lists[("heads", "misspelled")] if len(w) < _MISSPELLED_LENGTH]
    if short:
        problems.append(Problem(FILE, "heads.misspelled", f"shorter than 7 letters: {short}"))
    for key in (
        "bare", "weak", "level", "needs_tail", "person", "metaphor", "kin", "said", "conflict",
        "tone", "misspelled",
    ):
        missing = sorted(set(lists[("heads", key)]) - relation)
        if missing:
            problems.append(Problem(FILE, f"heads.{key}", f"not in heads.relation: {missing}"))
    if problems:
        raise ConfigError(problems)

    known = {w for words in lists.values() for w in words}

    def s(section: str, key: str) -> frozenset[str]:
        return frozenset(lists[(section, key)])

    return Vocabulary(
        heads=s("heads", "relation"),
        bare_heads=s("heads", "bare"),
        weak_heads=s("heads", "weak"),
        level_heads=s("heads", "level"),
        tail_heads=s("heads", "needs_tail"),
        person_heads=s("heads", "person"),
        metaphor_heads=s("heads", "metaphor"),
        kin_heads=s("heads", "kin"),
        said_heads=s("heads", "said"),
        tone_heads=s("heads", "tone"),
        conflict_heads=s("heads", "conflict"),
        metaphor_nominals=s("heads", "nominals"),
        misspellings=misspellings(lists[("heads", "misspelled")], known),
        phrases=tuple(lists[("heads", "phrases")]),
        turns=tuple(lists[("heads", "turns")]),
        qualifying=s("modifiers", "qualifying"),
        strong=s("modifiers", "strong"),
        level_modifiers=s("modifiers", "level"),
        kin_modifiers=s("modifiers", "kin"),
        neutral=s("modifiers", "neutral"),
        adverbs=s("modifiers", "adverbs"),
        stop=s("modifiers", "stop"),
        reject=s("modifiers", "reject"),
        suffixes=tuple(lists[("modifiers", "suffixes")]),
        not_modifiers=s("modifiers", "not_modifiers"),
        tail_nouns=s("tails", "nouns"),
        tail_modifiers=s("tails", "modifiers"),
        places=tuple(lists[("tails", "places")]),
        documents=s("tails", "documents"),
        negation=tuple(lists[("cues", "negation")]),
        not_negation=tuple(lists[("cues", "not_negation")]),
        rejection=s("cues", "rejection"),
        clause_breaks=s("cues", "clause_breaks"),
        speech=s("cues", "speech"),
        titles=s("cues", "titles"),
        organs=s("cues", "organs") | s("cues", "titles"),
        anaphora=tuple(lists[("cues", "anaphora")]),
        non_states=s("cues", "non_states"),
        sport=s("cues", "sport"),
        persons=s("cues", "persons"),
        attitude_endings=tuple(lists[("heads", "attitude_endings")]),
        attitudes=s("heads", "attitudes"),
        not_attitudes=s("heads", "not_attitudes"),
    )


# Only a long word is read as a misspelled head: a short one is too near other words.
_MISSPELLED_LENGTH = 7
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def misspellings(heads: list[str], known: set[str]) -> dict[str, str]:
    """Every word one letter off one of ``heads`` (a letter left out, added, changed, or two
    swapped), with that head; a word the tables list, a plural or singular of a head, or
    one as near to two heads is left out."""
    out: dict[str, str] = {}
    twice: set[str] = set()
    for head in heads:
        variants: set[str] = set()
        for k in range(len(head) + 1):
            before, after = head[:k], head[k:]
            variants.update(before + c + after for c in _LETTERS)  # a letter added
            if after:
                variants.add(before + after[1:])  # left out
                variants.update(before + c + after[1:] for c in _LETTERS)  # changed
            if len(after) > 1:
                variants.add(before + after[1] + after[0] + after[2:])  # swapped
        for word in variants:
            if word in out and out[word] != head:
                twice.add(word)
            out[word] = head
    forms = known | {w + "s" for w in known} | {w[:-1] for w in known if w.endswith("s")}
    return {w: h for w, h in out.items() if w not in forms and w not in twice}

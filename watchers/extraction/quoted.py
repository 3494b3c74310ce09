"""Quoted characterisations read by their frame, whatever their words.

A quote is taken for a label of the pair because of where it stands, not because the
tables know its words. The frames (the phrase finder's ``_quoted_complements`` asks these
functions once it has found the quote and what it is said of):

- a verb of calling or describing whose object is the pair, a relationship noun of the
  pair or one state ("Kim called the new relationship with Russia 'invincible'",
  "diplomats described the relationship as 'poisoned'"): even one word no table lists
  is the label there (after a bare copula it is a rating and stays none);
- a copula whose subject is the pair or its relationship ("relations were 'in the
  freezer'", "A and B are 'family, not just neighbours'");
- a verb of opening or speaking whose subject is the pair, with a quote naming a stage of
  the tie ("both spoke of a 'new dawn' in relations", "A and B opened a 'new page'").

Inside the quote the labeling rules apply: a negated part goes ("'a partner, no longer a
master'" gives "partner"), and so do the preposition and article of a predicate noun
phrase ("'in the freezer'" gives "freezer", "'at a low ebb'" gives "low ebb").

Every function here is pure: token words in, indexes or a yes/no out.
"""

from __future__ import annotations

from collections.abc import Sequence

# What opens a negated or played-down part after a comma or dash: "family, not just
# neighbours", "a twin, not a neighbour", "a partner, no longer a master".
_NEGATED_OPENERS = frozenset({"not", "never", "no", "rather", "instead"})
_SEPARATORS = frozenset({",", "—", "–", ";"})
# Prepositions of a predicate noun phrase whose noun is the label: "in the freezer",
# "at a low ebb", "on a new footing". ("without limits" keeps its preposition: the
# phrase itself says what the tie is.)
_PREDICATE_PREPOSITIONS = frozenset({"in", "at", "on"})
_ARTICLES = frozenset({"a", "an", "the"})
# Nouns of a route: "at a crossroads", "on the right track" say where the ties are
# heading, not what they are.
_ROUTE_NOUNS = frozenset(
    {"crossroads", "track", "path", "road", "way", "course", "juncture", "turning"}
)
# Verbs whose subject opens a stage of its tie: "opened a 'new page'", "entered 'a new
# era'", and verbs of speaking of one: "spoke of a 'new dawn'".
OPENING_VERBS = frozenset(
    {"open", "opens", "opened", "opening", "enter", "enters", "entered", "entering",
     "begin", "begins", "began", "beginning", "start", "starts", "started", "starting",
     "turn", "turns", "turned", "turning", "mark", "marks", "marked", "marking"}
)  # fmt: skip
SPEAKING_VERBS = frozenset(
    {"spoke", "speak", "speaks", "speaking", "talked", "talk", "talks", "talking"}
)
# Nouns of a stage in a tie's history: what a pair opens, enters or speaks of.
STAGE_NOUNS = frozenset(
    {"page", "chapter", "era", "phase", "stage", "dawn", "beginning", "start", "opening",
     "season", "spring", "springtime", "winter", "summer", "autumn", "honeymoon", "reset",
     "epoch", "age"}
)  # fmt: skip


def affirmed_end(lows: Sequence[str], a: int, b: int) -> int:
    """Where the affirmed part of a quote [a, b) ends: before a comma or dash that opens a
    negated part ("family, not just neighbours" ends after "family"), else ``b``."""
    for k in range(a + 1, b - 1):
        if lows[k] in _SEPARATORS and lows[k + 1] in _NEGATED_OPENERS:
            return k
    return b


def predicate_noun_start(lows: Sequence[str], a: int, b: int) -> int:
    """Where the label of a quoted predicate noun phrase starts: past "in the" of "in the
    freezer", past "at a" of "at a low ebb"; ``a`` when the quote opens otherwise (and
    when the noun phrase is long or goes on with "of": "at the level of technical
    contacts only" says how far contacts go, not what the tie is)."""
    if not (3 <= b - a <= 5 and lows[a] in _PREDICATE_PREPOSITIONS and lows[a + 1] in _ARTICLES):
        return a
    noun = lows[a + 2 : b]
    if "of" in noun or not _ROUTE_NOUNS.isdisjoint(noun):
        return a
    return a + 2


def ranked_in_place(
    lows: Sequence[str], cased: Sequence[str], a: int, b: int, heads: frozenset[str]
) -> bool:
    """Whether a quoted adjective is ranked in a named place ("'unique in Europe'",
    "'closest in the Gulf'"): how the tie compares, no label of its own ("'best in our
    history'" is one)."""
    if b - a < 3 or lows[a + 1] not in ("in", "among") or lows[a] in heads:
        return False
    k = a + 3 if lows[a + 2] == "the" else a + 2
    return k < b and cased[k][:1].isupper()


def names_stage(lows: Sequence[str], a: int, b: int) -> bool:
    """Whether the quote [a, b) is a short phrase ending in a noun of a stage ("new dawn",
    "a new chapter"): what a pair opens or speaks of."""
    return 0 < b - a <= 3 and lows[b - 1] in STAGE_NOUNS

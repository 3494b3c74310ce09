"""Quoted characterisations read by their frame, whatever their words.

A quote is taken for a label of the pair because of where it stands, not because the
tables know its words. The frames (the phrase finder's ``_quoted_complements`` asks these
functions once it has found the quote and what it is said of):

- a verb of calling or describing whose object is the pair, a relationship noun of the
  pair or one state ("Tokayev called the relationship with Uzbekistan 'invulnerable'",
  "diplomats described the relationship as 'poisoned'"): even one word no table lists
  is the label there (after a bare copula it is a rating and stays none, and a word
  that only compares, "'unparalleled'", is none either);
- a copula whose subject is the pair or its relationship ("relations were 'in the
  freezer'", "A and B are 'family, not just neighbours'");
- a verb of opening or speaking whose subject is the pair, with a quote naming a stage of
  the tie ("both spoke of a 'fresh dawn' in their ties", "A and B opened a 'new page'");
- a verb of becoming with "into" whose subject is the pair or its relationship ("the
  relationship has turned into an 'uneasy bargain'");
- a relationship noun followed by a quote of "without" or "beyond" and one noun ("a
  partnership 'without limits'").

Inside the quote the labeling rules apply: a negated part goes ("'a partner, no longer a
guardian'" gives "partner"), and so do the preposition and article of a predicate noun
phrase ("'in the freezer'" gives "freezer", "'at a low ebb'" gives "low ebb"); a list
whose items carry modifiers of their own is one label per item; a short tail of "of",
"in" or "among" stays, as a quoted slogan keeps its tail.

Every function here is pure: token words in, indexes or a yes/no out.
"""

from __future__ import annotations

from collections.abc import Sequence

# What opens a negated or played-down part after a comma or dash: "family, not just
# neighbours", "a cousin, not a neighbour", "a partner, no longer a guardian".
_NEGATED_OPENERS = frozenset({"not", "never", "no", "rather", "instead"})
_SEPARATORS = frozenset({",", "—", "–", ";"})
# Prepositions of a predicate noun phrase whose noun is the label: "in the freezer",
# "at a low ebb", "on a new footing". ("without limits" keeps its preposition: the
# phrase itself says what the tie is.)
PREDICATE_PREPOSITIONS = frozenset({"in", "at", "on"})
_ARTICLES = frozenset({"a", "an", "the"})
# Nouns of a route: "at a crossroads", "on the right track" say where the ties are
# heading, not what they are.
_ROUTE_NOUNS = frozenset(
    {"crossroads", "track", "path", "road", "way", "course", "juncture", "turning"}
)
# Verbs whose subject opens a stage of its tie: "opened a 'new page'", "entered 'a new
# era'", and verbs of speaking of one: "spoke of a 'fresh dawn'".
OPENING_VERBS = frozenset(
    {"open", "opens", "opened", "opening", "enter", "enters", "entered", "entering",
     "begin", "begins", "began", "beginning", "start", "starts", "started", "starting",
     "turn", "turns", "turned", "turning", "mark", "marks", "marked", "marking"}
)  # fmt: skip
SPEAKING_VERBS = frozenset(
    {"spoke", "speak", "speaks", "speaking", "talked", "talk", "talks", "talking"}
)
# Verbs of becoming before "into": "the relationship has turned into an 'uneasy bargain'".
BECOMING_VERBS = frozenset(
    {"turned", "turn", "turns", "grown", "grew", "grow", "developed", "develop", "evolved",
     "evolve", "matured", "transformed", "morphed", "settled", "slid", "slipped", "sunk",
     "sank", "descended", "fallen", "fell"}
)  # fmt: skip
# Nouns of a stage in a tie's history: what a pair opens, enters or speaks of ("stage"
# and "phase" name a step of a process, not the tie, as the turns table says).
STAGE_NOUNS = frozenset(
    {"page", "chapter", "era", "dawn", "beginning", "start", "opening", "season", "spring",
     "springtime", "winter", "summer", "autumn", "honeymoon", "reset", "epoch", "age"}
)  # fmt: skip


# Adjectives that only compare a tie with all others ("'unparalleled'"): a comparison,
# which the labeling rules leave unlabeled, not a word for what the tie is.
_WITHOUT_EQUAL = frozenset(
    {"unparalleled", "unmatched", "unrivalled", "unrivaled", "unequalled", "unequaled",
     "unsurpassed", "unprecedented", "incomparable", "matchless", "peerless"}
)  # fmt: skip


def compares_only(word: str) -> bool:
    """Whether a quoted word said alone only compares the tie with others."""
    return word in _WITHOUT_EQUAL


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
    when the noun phrase is long or goes on with "of": "at the level of working
    contacts only" says how far contacts go, not what the tie is)."""
    if not (3 <= b - a <= 5 and lows[a] in PREDICATE_PREPOSITIONS and lows[a + 1] in _ARTICLES):
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


def in_ties_after(lows: Sequence[str], k: int, ties: frozenset[str]) -> bool:
    """Whether "in" and the pair's ties follow from token ``k``: "in relations", "in
    Egyptian-Turkish ties", "in their relationship" (at most three words before the noun)."""
    if k >= len(lows) or lows[k] != "in":
        return False
    return any(w in ties for w in lows[k + 1 : k + 5])


def names_stage(lows: Sequence[str], a: int, b: int) -> bool:
    """Whether the quote [a, b) is a short phrase ending in a noun of a stage ("fresh dawn",
    "a new chapter"): what a pair opens or speaks of."""
    return 0 < b - a <= 3 and lows[b - 1] in STAGE_NOUNS


# Words that make a list item a clause, a comparison or a negation, not a noun phrase.
_NOT_IN_ITEMS = frozenset(
    {"than", "as", "like", "not", "no", "never", "by", "that", "which", "who", "whose",
     "is", "are", "was", "were", "be", "will", "would", "we", "they", "but", "or"}
)  # fmt: skip
_PREPOSITIONS = frozenset(
    {"of", "in", "for", "to", "with", "on", "at", "among", "across", "along", "between"}
)
_LEADING = frozenset({"a", "an", "the", "our", "its", "their"})
# Words no item opens with: a preposition ("'for good and for lean times'") or a number,
# as in a slogan that counts ("'one land, two flags and soon one currency'").
_ITEM_NOT_FIRST = _PREPOSITIONS | {"one", "two", "three", "soon"}
_MOST_ITEM_WORDS = 5


def list_items(lows: Sequence[str], a: int, b: int, heads: frozenset[str]) -> list[tuple[int, int]]:
    """The labels of a quoted list [a, b) whose items each carry modifiers of their own,
    one label per item as the labeling rules split such lists ("'younger brother and closest
    partner'", "'good friends in hardship and good partners in growth'"); none when
    the quote is no such list. Heads sharing one modifier chain stay one label
    ("'strategic partners and allies'"), and so do two of one head ("'big sister and
    little sister'"). The first item must hold a head noun the tables know, and no item
    may be a clause, a comparison or open with a preposition or a number ("'taller than
    the peaks and wider than the seas'", "'friendship for good and for lean times'",
    "'one nation, two states'")."""
    if "and" not in lows[a:b]:
        return []
    parts: list[tuple[int, int]] = []
    start = a
    for k in range(a, b + 1):
        if k == b or lows[k] in (",", "and"):
            if k > start:
                parts.append((start, k))
            start = k + 1
    parts = [(s + 1, e) if lows[s] in _LEADING else (s, e) for s, e in parts]
    # a serial list of three or more whose first item has modifiers of its own ("'closest
    # friend, ally and family'") splits also at an item of one head noun; two items so
    # ("'friend and ally'") share the modifiers, and bare nouns alone ("'partners,
    # neighbours and friends'") are one label
    serial = len(parts) >= 3 and "," in lows[a:b] and parts[0][1] - parts[0][0] >= 2
    fewest = 1 if serial else 2
    if len(parts) < 2 or any(not fewest <= e - s <= _MOST_ITEM_WORDS for s, e in parts):
        return []
    if any(e - s == 1 and lows[s] not in heads for s, e in parts):
        return []
    words = [lows[s:e] for s, e in parts]
    if any(not _NOT_IN_ITEMS.isdisjoint(w) or w[0] in _ITEM_NOT_FIRST for w in words):
        return []
    if any(_PREPOSITIONS.isdisjoint(w) for w in words) and not _PREPOSITIONS.isdisjoint(words[0]):
        return []  # "'brothers in calm and stormy days'": the list is the first item's tail
    if heads.isdisjoint(words[0]) or len({w[-1] for w in words}) < len(words):
        return []
    return parts


# Prepositions that open a quoted phrase saying how far a tie goes: "a partnership
# 'without limits'", "a friendship 'beyond borders'".
_LIMIT_PREPOSITIONS = frozenset({"without", "beyond"})


def limits_after_tie(
    lows: Sequence[str], q0: int, q1: int, ties: frozenset[str]
) -> tuple[int, int] | None:
    """The label [start, end) of a quote set right after a relationship noun that is
    "without" or "beyond" and one bare noun ("a partnership 'without limits'" gives
    "without limits"), or None (a longer phrase says how the verb acts: "lifted to a
    partnership 'without further delay'")."""
    if q0 < 1 or q0 + 1 >= q1 or lows[q0 - 1] not in ties:
        return None
    end = q1
    while end > q0 + 1 and lows[end - 1] in (",", ".", ";"):
        end -= 1
    if end - q0 != 3 or lows[q0 + 1] not in _LIMIT_PREPOSITIONS or not lows[q0 + 2].isalpha():
        return None
    return q0 + 1, end


# Prepositions whose phrase a quoted slogan keeps: "'friend in hard times'", "'sister
# nations of one language'", "'a true friend among giants'" (not a place, a sector, a
# duration or a purpose: "with", "for", "at", "across" and a capitalised name stay out).
_TAIL_PREPOSITIONS = frozenset({"of", "in", "among"})
_TAIL_STOPS = frozenset(
    {"that", "which", "who", "whose", "is", "are", "was", "were", "be", "will", "would",
     "we", "they", "not", "no", "than", "to", "but", "and", "or", "region", "world",
     "area", "field", "fields", "sector", "sectors", "years", "decades", "future", "this",
     "these", "fight", "against"}
)  # fmt: skip
_MOST_TAIL_WORDS = 5


def slogan_tail(
    lows: Sequence[str], cased: Sequence[str], start: int, end: int, sectors: frozenset[str]
) -> bool:
    """Whether tokens [start, end), left in a quote after its label, are a tail the
    quoted slogan keeps: "of", "in" or "among" and at most four plain words in small
    letters, no clause, no place, sector, task or occasion ("in the region", "in energy",
    "in the fight against piracy", "in this fight")."""
    if not 2 <= end - start <= _MOST_TAIL_WORDS or lows[start] not in _TAIL_PREPOSITIONS:
        return False
    for k in range(start + 1, end):
        w = lows[k]
        if not w.isalpha() or not cased[k].islower() or w in _TAIL_STOPS or w in sectors:
            return False
    return True


"""Descriptor phrases in one sentence: a head noun, its modifiers and a formal tail.

Works on tokens only; which states the phrase is about is decided in ``pairs``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from watchers.backdate import MONTHS
from watchers.extraction import quoted
from watchers.extraction.lexicon import Vocabulary
from watchers.extraction.text import QUOTES, Token, before_quotes

# Marks in the per-token country list: a state's mention is 1, an organisation's is ORG.
ORG = 2
_AGE = re.compile(r"\d+-(?:year|years|decade|decades|century)(?:-old|-long)?")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
# "a 36-year relationship": a count of years on a plain tie says how long it has lasted,
# not what it is; on a tie's tone ("a 2-year chill") it does, and so does a figure of
# speech in words ("a thousand-year friendship").
_PLAIN_TIES = frozenset(
    {
        "relationship", "relationships", "relations", "ties", "bond", "bonds",
        "friendship", "friendships", "partnership", "partnerships",
    }
)
_PERSONAL = frozenset({"his", "her", "my", "your"})
_ARTICLES = frozenset({"a", "an", "the"})
# "relations of comprehensive partnership": the label is what follows "of".
_NO_TAIL = frozenset({"relations", "relationship", "ties"})
# "X is/remains Y": a characterisation split from its noun. The heads that take it, the
# linking words, the adjectives that say how much a tie matters rather than what it is
# ("the relationship is important"), and the words that may follow the adjectives.
_PREDICATE_WORDS = """
relations relationship ties friendship partnership alliance bond bonds alliances partnerships
relationships friendships
"""
_LINKING_WORDS = """
is are was were remain remains remained has have had been become becomes became stay stays
seem seems still now always truly
"""
_NOT_PREDICATE_WORDS = """
important key crucial vital essential valuable major main primary only sole real true natural
high higher highest priority
"""
_AFTER_PREDICATE_WORDS = """
and but as in with for since despite after while because amid said says he she they
according than to at on over during before under ahead following throughout
"""
_CONSTITUTES = frozenset(
    {"constituted", "constitutes", "constitute", "represents", "represented", "represent"}
)
_DESCRIBED = frozenset(
    {"described", "called", "seen", "regarded", "termed", "dubbed", "hailed", "labelled",
     "labeled", "viewed", "considered", "characterised", "characterized", "touted",
     "portrayed", "presented", "branded", "praised", "celebrated", "lauded", "depicted",
     "describe", "describes", "call", "calls", "see", "sees", "regard", "regards", "hail",
     "hails", "tout", "touts", "portray", "portrays", "describing", "hailing"}
)  # fmt: skip


def _described_before(toks: list[Token], i: int, j: int) -> bool:
    """ "described [the] friendship [with Laos] as", "described Peru's partnership with
    Chile as": a describing verb just before the head ``i`` and "as" at ``j``."""
    if j >= len(toks) or toks[j].low != "as":
        return False
    k = i - 1
    while k >= 0 and i - k <= 4 and toks[k].low not in _DESCRIBED:
        w = toks[k].low
        if not (w.isalpha() or w.endswith("'s") or w == "'") or w in ("and", "as"):
            return False
        k -= 1
    return k >= 0 and toks[k].low in _DESCRIBED


def _coordinated_adjective(toks: list[Token], cased: list[str], k: int) -> bool:
    """A lower-case word at ``k`` that a determiner or copula leads (so it is no verb or
    object) and that is no plural, function word or head: "an uncommon and warm tie"."""
    w = toks[k].low
    if k < 1 or not w.isalpha() or cased[k] != w or len(w) < 4 or w.endswith("s"):
        return False
    if w in _FUNCTION_WORDS:
        return False
    before = toks[k - 1].low
    return before in _BEFORE_PARTICIPLE or before in QUOTES or before in _HAVING


def _called_words_before(toks: list[Token], cased: list[str], i: int) -> int | None:
    """The first of the lower-case words between "a" and the head at ``i`` when a verb of
    calling or describing stands right before the "a": "calls it a frank and demanding
    partnership", "described as an unusual alliance"; None otherwise."""
    k = i - 1
    while k > 0 and i - k <= 4 and (
        toks[k].low in ("and", ",")
        or (
            toks[k].low.isalpha()
            and cased[k] == toks[k].low
            and len(toks[k].low) > 3
            and toks[k].low not in _FUNCTION_WORDS
        )
    ):
        k -= 1
    first = k + 1
    if first >= i or toks[first].low in ("and", ","):
        return None
    k = before_quotes(toks, k)
    if k < 1 or toks[k].low not in ("a", "an"):
        return None
    k = before_quotes(toks, k - 1)
    if k >= 0 and toks[k].low in _CALLING:
        return first
    if k >= 1 and toks[k].low == "as" and toks[k - 1].low in _DESCRIBED:
        return first
    if k >= 1 and toks[k].low in _LINKING and _tie_subject_before(toks, k):
        return first  # "the Bolivia-Peru relationship is an awkward partnership"
    return None


def _words_before_article(toks: list[Token], cased: list[str], i: int) -> tuple[int, int]:
    """The first of up to three lower-case words right before the head at ``i`` ("little",
    "old married"), and the token before them, past an "a" or "an"."""
    k = i - 1
    while (
        k > 0
        and i - k <= 3
        and toks[k].low.isalpha()
        and cased[k] == toks[k].low
        and len(toks[k].low) > 2
        and toks[k].low not in _FUNCTION_WORDS
    ):
        k -= 1
    first = k + 1
    if k >= 0 and toks[k].low in ("a", "an"):
        k -= 1
    return first, k


# Roles one state may treat or regard another as, with words no table lists before them:
# "treats Peru as a little brother", "regards Chile as a difficult sibling".
_SIBLINGS = frozenset({"sibling", "siblings"})
_REGARDED_ROLES = frozenset(
    {"friend", "partner", "brother", "sister", "ally", "rival", "neighbour", "neighbor",
     "cousin", "sibling", "enemy", "adversary", "foe"}
)  # fmt: skip
# Verbs of treating a state as something: "has long treated Peru as a little brother".
_TREATING = frozenset({"treat", "treats", "treated", "treating"})


def _regarded_words_before(
    toks: list[Token], cased: list[str], country: list[int], i: int
) -> int | None:
    """ "Chile treats Peru as a little brother", "regards Peru as a difficult sibling":
    the first of the words between "a" and a role, when one state is the object of a verb
    of treating or regarding and "as" right before; None otherwise."""
    first, k = _words_before_article(toks, cased, i)
    if first >= i or k < 2 or toks[k].low != "as" or toks[k + 1].low not in ("a", "an"):
        return None
    j = k - 1
    if not country[j] or toks[j].low.endswith("'s"):
        return None  # "treats Peru's envoy as a friend": a person, not the state
    while j >= 0 and country[j]:
        j -= 1
    if j >= 0 and toks[j].low in ("the",):
        j -= 1
    return first if j >= 0 and toks[j].low in _TREATING | _DESCRIBED else None


def _simile_words_before(
    toks: list[Token], cased: list[str], country: list[int], i: int
) -> int | None:
    """ "Chile and Peru are like an old married couple", "remain like quarrelling
    siblings": the first of the words before a head the two states are likened to, after
    "like" and a copula with the states as subject; None otherwise."""
    first, k = _words_before_article(toks, cased, i)
    if first >= i or k < 2 or toks[k].low != "like":
        return None
    k -= 1
    while k > 0 and toks[k].low in ("just", "still", "now", "always", "really"):
        k -= 1
    if toks[k].low not in _COPULAS:
        return None
    k -= 1
    while k > 0 and toks[k].low in _AUXILIARIES:
        k -= 1
    return first if country[k] == 1 and _pair_named_before(toks, country, k + 1) else None


def _tie_subject_before(toks: list[Token], k: int) -> bool:
    """Whether the linking verbs ending at ``k`` follow a subject that is a relationship
    noun, with nothing but its own words between ("the Chile-Peru relationship is",
    "ties between Chile and Peru have become")."""
    while k >= 0 and toks[k].low in _LINKING:
        k -= 1
    for m in range(k, max(-1, k - 6), -1):
        w = toks[m].low
        if w in _RELATION_NOUNS:
            return True
        if not (w.isalpha() or "-" in w or w == "&"):
            return False
    return False


# Verbs of having a tie, after which a noun phrase starts: "share uncommon and warm ties".
# Verbs of seeking or pledging a tie: what the pair sets out to have.
_SEEKING = frozenset(
    {"pledged", "pledge", "pledges", "vowed", "vow", "vows", "promised", "promise",
     "promises", "seek", "seeks", "sought", "want", "wants", "wanted", "forge", "forges",
     "forged", "build", "builds", "built"}
)  # fmt: skip
_HAVING = frozenset(
    {"share", "shares", "shared", "enjoy", "enjoys", "enjoyed", "have", "has", "had",
     "maintain", "maintains", "maintained", "boast", "boasts", "cherish", "cherishes"}
)  # fmt: skip


def _negated_participle(low: str, cased: str) -> bool:
    """ "unbending", "unmatched": un- and a participle, an adjective before a noun (not
    "understanding" or "unified", where "un" is no prefix)."""
    return (
        len(low) > 7
        and low.startswith("un")
        and not low.startswith(("under", "uni"))
        and low.endswith(("ing", "ed"))
        and low.isalpha()
        and cased == low
        and low not in _UNNAMED
    )


# un- participles that hide a name rather than characterise: "an unnamed partner".
_UNNAMED = frozenset(
    {"unnamed", "unidentified", "unspecified", "undisclosed", "unconfirmed", "unverified",
     "unsigned", "unannounced", "unpublished", "unreported", "undated", "unlisted"}
)  # fmt: skip


def _in_this_century(toks: list[Token], k: int) -> bool:
    """ "in the 21st century" from ``k``: a time that names the label, unlike a place."""
    if k + 3 >= len(toks) or toks[k + 3].low != "century":
        return False
    words = tuple(t.low for t in toks[k : k + 4])
    return words in (("in", "the", "21st", "century"), ("in", "the", "twenty-first", "century"))


def _higher_than(toks: list[Token], cased: list[str], k: int) -> int | None:
    """End of "higher than the Himalayas", "sweeter than honey" (a comparative, "than" and
    a thing, never a state, a person or "ever") from ``k``, or None."""
    n = len(toks)
    if k + 2 >= n or toks[k + 1].low != "than":
        return None
    w = toks[k].low
    if not (w in _COMPARATIVES or (w.endswith("er") and w.isalpha() and len(w) > 4)):
        return None
    return _thing_compared(toks, k + 2, ("ever", "before", "usual", "expected", "many"))


def _as_old_as(toks: list[Token], k: int) -> int | None:
    """End of "as old as the Himalayas", "as deep as the ocean" (an equal comparison with a
    thing, never "ever", "before" or "usual") from ``k``, or None."""
    n = len(toks)
    if k + 3 >= n or toks[k].low != "as" or toks[k + 2].low != "as":
        return None
    if not toks[k + 1].low.isalpha() or toks[k + 1].low in _FUNCTION_WORDS:
        return None
    return _thing_compared(toks, k + 3, ("ever", "before", "usual", "expected", "possible"))


def _thing_compared(toks: list[Token], m: int, not_things: tuple[str, ...]) -> int | None:
    """End of the thing a comparison names from ``m`` ("the Himalayas", "honey", "any
    border": up to two content words after an optional "the" or "any"), or None when there
    is none or it is a word of time or degree (``not_things``; "than any other" compares
    the tie with other ties, "than at any time" with its past)."""
    n = len(toks)
    anything = m < n and toks[m].low == "any"
    if m < n and toks[m].low in ("the", "any"):
        m += 1
    first = m
    if anything and m < n and toks[m].low in _OTHERS_OR_TIMES:
        return None
    while m < n and m < first + 2 and toks[m].low.isalpha() and toks[m].low not in _FUNCTION_WORDS:
        m += 1
    if m == first or toks[first].low in not_things:
        return None
    return m


# What "than any" compares a tie with when it says only that the tie outlasts or outranks
# other ties, times or the people in power ("bigger than any government" says the tie
# outlives its leaders, not what it is).
_OTHERS_OR_TIMES = frozenset(
    {"other", "others", "time", "times", "point", "moment", "period", "government",
     "governments", "administration", "leader", "leaders", "president", "party", "politician",
     "politicians", "election"}
)  # fmt: skip


def _never_been(toks: list[Token], j: int) -> int | None:
    """End of "never been closer" (a comparative after "never been") from ``j``, or None."""
    if j + 2 >= len(toks) or (toks[j].low, toks[j + 1].low) != ("never", "been"):
        return None
    k = j + 2
    if toks[k].low in ("so", "more"):
        k += 1
    w = toks[k].low if k < len(toks) else ""
    if w in _COMPARATIVES or (w.endswith("er") and w.isalpha() and len(w) > 4) or (
        k > j + 2 and w.isalpha()
    ):
        return k + 1
    return None


# Verbs of passing through a time, and the nouns of time: "going through a good moment".
_THROUGH = frozenset({"through", "experiencing", "enjoying", "in", "entering", "entered"})
_PERIODS = frozenset(
    {"moment", "period", "phase", "stage", "time", "times", "era", "chapter", "patch",
     "juncture", "spell", "shape", "crisis"}
)  # fmt: skip
# Words of time that may follow a level: "reached an all-time high this year".
_WHEN = frozenset({"this", "last", "since", "today", "now", "recently", "again", "earlier"})
# Verbs of movement before a level: "have sunk to their lowest point", "reached a new high".
_MOVED = frozenset(
    {"sunk", "sank", "fallen", "fell", "dropped", "plunged", "slipped", "slumped", "risen",
     "rose", "climbed", "soared", "reached", "hit", "touched", "returned", "grown", "grew",
     # a headline's present: "Ties Plunge to Lowest Point"
     "sink", "sinks", "fall", "falls", "drop", "drops", "plunge", "plunges", "slip", "slips",
     "slump", "slumps", "rise", "rises", "climb", "climbs", "soar", "soars", "reach",
     "reaches", "hits", "touch", "touches"}
)  # fmt: skip


def _described_as(toks: list[Token], j: int) -> int | None:
    """After ", often described in Seoul as": the token after "as", or None."""
    for k in range(j, min(len(toks), j + 9)):
        w = toks[k].low
        if w == "as":
            if any(toks[m].low in _DESCRIBED for m in range(j, k)):
                return k + 1
            return None
        if w in (".", ";"):
            return None
    return None


_PRONOUN_SUBJECTS = frozenset({"he", "she", "they", "we", "officials"})
_AT_DETERMINERS = frozenset({"their", "its", "an", "a", "the", "our"})
_PREDICATE_HEADS = frozenset(_PREDICATE_WORDS.split())
_LINKING = frozenset(_LINKING_WORDS.split())
_NOT_PREDICATES = frozenset(_NOT_PREDICATE_WORDS.split())
_AFTER_PREDICATE = frozenset(_AFTER_PREDICATE_WORDS.split())
_TRADE_WORDS = frozenset({"economic", "trade", "investment", "free-trade", "commercial"})
_TIME_NOUNS = frozenset({"century", "times", "age", "era"})
_DOC_TITLES = frozenset({"treaty", "agreement", "convention", "pact", "accord"})
# what a label names when it comes right before one of these: a body that
# meets, not what the tie is ("the Strategic Partnership Council"; a treaty's title still
# names the level it sets)
_BODIES = frozenset(
    {"council", "councils", "committee", "commission", "board", "secretariat", "mechanism"}
)


def _names_a_body(toks: list[Token], head: int, end: int) -> bool:
    """ "the High-Level Strategic Cooperation Council": a head right before a body's noun
    is part of the body's name."""
    return end == head + 1 and end < len(toks) and toks[end].low in _BODIES


@dataclass(frozen=True, slots=True)
class Phrase:
    """A descriptor found in a sentence: token span [start, end) and its head."""

    start: int
    end: int
    head: int
    heads: tuple[str, ...]
    """The head nouns inside the phrase (two when heads are joined: "friend and partner")."""
    gap: tuple[int, int] | None = None
    """Tokens inside the span that are not the label's words: the pair written inside the
    phrase ("the strong [Franco-German] relationship")."""


# Endings of the English words for regions and bodies ("Pacific", "Eastern", "Atlantic",
# "Mediterranean", "Global"): a partnership so named is no pair's own.
_PLACE_NAME_ENDINGS = ("ic", "ern", "an", "al", "ian", "ean")


@dataclass
class _Run:
    start: int
    head: int = -1
    qualifying: bool = False
    strong: bool = False
    level: bool = False
    rejected: bool = False
    kin: bool = False
    gap: tuple[int, int] | None = None


class PhraseFinder:
    """Finds descriptor phrases in a token list, using the lexicon."""

    def __init__(self, lex: Vocabulary) -> None:
        self.lex = lex
        self._turns = frozenset(tuple(p.split()) for p in lex.turns)
        self._phrases = [tuple(p.split()) for p in lex.phrases] + sorted(self._turns)
        self._phrase_starts = frozenset(p[0] for p in self._phrases)
        self._not_predicates = lex.heads | _NOT_PREDICATES
        self._old_roles = lex.person_heads | _ALLIES  # what "old" qualifies ("old friends")
        # what two states may be likened to: "are like an old married couple"
        self._simile_heads = lex.metaphor_heads | lex.said_heads | _SIBLINGS
        # the words a phrase may start at, possessives included ("the friendship's"), as
        # one set: find asks of every token whether it is one
        self._start_words = lex.heads | frozenset(h + "'s" for h in lex.heads)
        self._negations = frozenset(w for w in lex.negation if " " not in w)
        # Every way a qualifying hyphenated word may end ("weather", "limits"): only after
        # one of these can two words written apart be that word ("all weather").
        self._hyphen_ends = frozenset(
            q.split("-", k)[k] for q in lex.qualifying for k in range(1, q.count("-") + 1)
        )

    def kind(self, low: str, cased: str) -> str | None:
        """How a word may act before a head: qual, neutral, adverb, reject or None."""
        lex = self.lex
        if low in lex.reject:
            return "reject"
        # (an ordinal starts with a digit: the regex is asked only then)
        ordinal = low[:1].isdigit() and _ORDINAL.fullmatch(low)
        if low in lex.stop or ordinal or low in self._negations:
            return None  # "hardly friends": a negation is no modifier
        if low in lex.qualifying:
            return "qual"
        if low in lex.neutral:
            return "neutral"
        if low in lex.adverbs:
            return "adverb"
        if low in lex.heads or low in lex.not_modifiers or not low.isascii():
            return None
        if "-" in low:
            if _AGE.fullmatch(low):
                return "qual"
            parts = low.split("-")
            if not lex.reject.isdisjoint(parts):
                return "reject"
            if len(parts) == 2 and parts[0] in lex.neutral and parts[1] in _HAVING_ENDS:
                return "neutral"  # "nuclear-armed neighbours", "oil-rich": what a state has
            if all(p.isalpha() for p in parts) and cased == low:
                return "qual"  # hyphenated adjectives: rock-solid, time-honoured
            return None
        if cased != low or len(low) < 5 or not low.isalpha():
            return None
        if low.endswith(lex.suffixes):
            return "qual"
        if low.endswith("ly"):
            return "adverb"
        return None

    def find(
        self, toks: list[Token], lows: list[str], cased: list[str], country: list[int]
    ) -> list[Phrase]:
        """Every qualifying descriptor phrase in the sentence (``lows``: each token's text)."""
        lex = self.lex
        out: list[Phrase] = []
        consumed: set[int] = set()
        n = len(toks)
        if _all_capitals(cased) or _title_case(cased):
            cased = lows  # "S. KOREA, US HAIL 'IRONCLAD' ALLIANCE": case tells nothing here
        # most sentences hold no quote: one set test before pairing quote marks
        quotes = [] if QUOTES.isdisjoint(lows) else _quote_pairs(toks)
        # only a head (or its possessive) or a hyphenated word ("quasi-ally") can start a
        # phrase
        start_words = self._start_words
        starts = [i for i, w in enumerate(lows) if w in start_words or "-" in w]
        misspelled = lex.misspellings
        if not misspelled.keys().isdisjoint(lows):
            # a head misspelled by one letter ("partnersip"): rare, one set test to skip
            starts = sorted(starts + [i for i, w in enumerate(lows) if w in misspelled])
        for i in starts:
            if i in consumed or country[i]:
                continue
            low = lows[i].removesuffix("'s")  # "the India-Israel friendship's potential"
            head = low
            typo = low in misspelled
            fused = False  # "good-neighbourliness": a qualifying modifier joined to the head
            if typo:
                head = misspelled[low]
            elif low not in lex.heads and "-" in low:
                prefix, head = low.rsplit("-", 1)
                fused = head in lex.heads and self.kind(prefix, prefix) == "qual"
                if not fused and (head not in lex.heads or head not in lex.bare_heads):
                    continue
            elif low not in lex.heads:
                continue
            run = self._left(toks, cased, country, i, quotes)
            if run.rejected:
                continue
            if head == "partnership" and run.start == i and not run.qualifying:
                named = self._renewed_name(toks, country, i)
                if named is not None:
                    run.start, run.qualifying = named, True  # "Renew Talanoa Partnership"
            run.qualifying = run.qualifying or fused
            if run.start + 1 == i and _verb_after_subject(toks, country, run.start):
                continue  # "Peru and Chile celebrated friendship day": a verb, no modifier
            if typo and not (run.qualifying and run.start < i):
                continue  # a misspelled head counts only after a qualifying modifier
            end, tail = self._tail(toks, cased, i, title=cased[i][:1].isupper())
            if end == i + 1 and not (
                head in lex.person_heads or head in lex.kin_heads or head in _ALLIES
            ):
                # "the best period in their history": a superlative's measure belongs to
                # the label ("the closest ally in the region" says where, and stops)
                end = _superlative_scope(toks, run.start, end) or end
            if quotes:
                # "a 'strategic partner of the first order'": what follows the head inside
                # the same quote belongs to the label
                quoted = self._quoted_rest(toks, cased, country, quotes, i, end, tail)
                if quoted is not None:
                    end, tail = quoted, True
                # the quote bounds the label: "'kindred nations' bound by history"
                end = min([end] + [q1 for q0, q1 in quotes if q0 < i < q1])
            heads = [head]
            # "closest friend and partner": a second bare head shares the modifiers.
            j = _skip_quotes(toks, end)
            if (
                j + 1 < n
                and toks[j].low in ("and", "plus")
                and toks[j + 1].low in lex.heads
                and toks[j + 1].low not in lex.weak_heads
                and not country[j + 1]
                # bare "brothers and comrades" are two labels, but for two filling a quote
                # as one: "Ghana and Togo are 'brothers and neighbours'"; "plus" joins two
                # into one always ("comrades plus brothers")
                and (
                    run.start < i
                    or tail
                    or toks[j].low == "plus"
                    or _two_fill_quote(toks, quotes, i, j + 2)
                    # "Peru is Chile's neighbour and friend": two roles the other state owns
                    or (j == i + 1 and _owned_roles(toks, country, i, lex.person_heads))
                )
            ):
                nxt = toks[j + 1].low
                after = j + 2
                if after >= n or toks[after].low not in lex.heads:
                    heads.append(nxt)
                    consumed.add(j + 1)
                    end = j + 2
            if head in _SINGLE_STATE and _noun_after(toks, cased, end):
                continue  # "a friendly country visit": the noun modifies the next one
            if head == "peoples" and _greets_peoples(lows[run.start : i + 1]):
                continue  # "brotherly peoples": the nations' people, greeted; not the tie
            if head in lex.kin_heads and _uncounted_hostile(toks, run.start, i):
                continue  # "warned hostile states against meddling": a category of states
            ours = None
            if end == i + 1 and not (end < n and lows[end] in lex.heads):
                # (not "our brother country": the noun after it is the head)
                ours = _ours_said_of_state(toks, country, run.start, i, head)
            if ours is not None and (run.start == i or ours < run.start):
                # '"Iraq is our brother"', "Chile is family": one state said to be the
                # speaker's kin or friend (the speaker's state is the other side)
                run.start = ours
            elif head in lex.said_heads:
                # "Laos and Cambodia are one family", "are like twins": only said of states
                if not (
                    _said_of_states(toks, country, i, run.start)
                    or (
                        _set_beside_pair(toks, country, run.start)
                        and _complement_ends(toks, cased, _skip_quotes(toks, end))
                    )
                    or _ends_role_list(toks, run.start, lex.heads)
                    or _after_the_two(toks, cased, run.start)
                ):
                    continue
            elif (
                run.start == i
                and head in lex.person_heads
                and (_said_of_states(toks, country, i) or we_are_in_turn(toks, cased, i))
            ):
                # "Chad and Niger were not only neighbours, but also brothers"; a bare
                # neighbour says where a state lies, and "partners on energy" names a
                # sector, neither what the tie is
                if head in _PLACE_ROLES or _sector_after(toks, end, lex.neutral):
                    continue
            elif run.start == i and head in lex.person_heads and _as_plural(toks, i):
                pass  # "as friends and partners, we stand together"
            elif head in lex.person_heads and self._from_label_to(toks, run.start):
                pass  # "went from bitter foes to friends": the second is a label too
            elif run.start == i and head in _CALLED_ROLES and _role_of_state(toks, country, i):
                pass  # "Chile was a friend of both Bolivia and Ecuador": a state's role
            elif (
                len(heads) == 2
                and end == i + 3
                and _owned_roles(toks, country, i, lex.person_heads)
            ):
                pass  # "Peru is Chile's neighbour and friend": both roles, one label
            elif (
                run.start == i
                and head in _CALLED_ROLES
                and _called_state(toks, country, i)
                and not (end < n and toks[end].low in lex.heads)  # "a brother country"
            ):
                # "Chile called Peru a friend": a verb of calling gives a state a role,
                # with what the two share ("a partner in development") when a clause ends
                # there
                close = end + 2
                if (
                    close <= n
                    and toks[end].low == "in"
                    and (close == n or not toks[close].low.isalpha())
                ):
                    if self._in_bare(toks, cased, end, close):
                        end = close
                    elif toks[end + 1].low in lex.neutral:
                        continue  # "called Peru a partner in trade": a trade role
                after = _skip_quotes(toks, end)
                if (
                    after < n
                    and toks[after].low.isalpha()
                    and toks[after].low not in _ROLE_ENDS
                    and not (len(heads) == 2 and after > end)  # "'a brother and partner' at"
                ):
                    continue  # "a partner in the fight against piracy": a task, not the tie
            elif head in lex.metaphor_heads and not run.qualifying:
                # "the Franco-German engine": the pair written right before it, or the
                # states said to be it ("Chile and Peru are the motor of the Pacific")
                if not (
                    run.gap
                    or _compound_before(toks, country, run.start)
                    or _said_of_states(toks, country, i, run.start)
                ):
                    continue
            elif head in lex.tone_heads and not run.qualifying and (
                run.gap or _compound_before(toks, country, run.start)
            ):
                pass  # "the Sino-Indian thaw": the pair written before a tie's tone
            elif (
                head in _COMPOUND_TIES
                and run.start == i
                and cased[i].islower()
                and _compound_before(toks, country, i)
                and _compound_tie_ends(toks, i + 1)
            ):
                pass  # "the Chile-Peru friendship has lasted": the pair's tie, unmodified
            elif head in lex.level_heads and not run.level:
                # "the highest degree of mutual trust": a level of what a tie is made of
                if not (run.qualifying and _LEVEL_OF.intersection(lows[i + 1 : end])):
                    continue
                if lows[i + 1 : i + 2] == ["of"] and lows[i + 2 : i + 3] in _A_TIE_NAMED:
                    continue  # "the excellent level of the strategic partnership": its own
            elif not self._qualifies(head, run, tail, heads) and not (
                # "their 'seamless cooperation'": a quote that a modified weak head fills
                # marks it as what the tie is called
                head in lex.weak_heads
                and run.qualifying
                and any(q0 < run.start and _label_fills(toks, q0, run.start, end, q1)
                        for q0, q1 in quotes)
                # ("'closer cooperation'", "'deeper coordination'": more of an activity)
                and not any(_comparative(t.low) for t in toks[run.start : i])
            ) and not (
                # "its unwavering solidarity with Cuba": a modified noun of attitude one
                # state holds toward another it names
                head in lex.weak_heads
                and run.qualifying
                and lex.attitude_noun(head)
                and _toward_state(toks, country, i + 1)
                and not any(_comparative(t.low) for t in toks[run.start : i])
                and not its_of_several(lows, country, run.start - 1)
            ):
                continue
            if not run.qualifying and self._proper_name(toks, cased, country, i):
                continue
            if self._inside_document_title(toks, cased, run.start) and not (
                run.start < i and _level_on(toks, run.start)
            ):
                continue
            if _names_a_body(toks, i, end):
                continue  # "the Strategic Partnership Council": a body's name, no label
            if end == i + 1 and run.qualifying and _in_this_century(toks, end):
                end += 4  # "a pivotal partnership in the 21st century"
            if _subject_of_others(toks, cased, country, run.start):
                continue
            if _compared_with_others(toks, cased, country, run.start, end):
                continue
            if self._trade_document(toks, run.start, end):
                continue
            if head in lex.conflict_heads and _conflict_elsewhere(toks, country, end):
                continue  # "welcomed the fragile truce in Sudan": someone else's conflict
            if _source_of_another(toks, run.start, out):
                continue
            consumed.update(range(i + 1, end))  # heads inside a tail ("model of friendship")
            out.append(Phrase(run.start, end, i, tuple(heads), run.gap))
        out.extend(self._fixed(toks, lows, cased, country, out))
        predicates = self._predicates(toks, lows, cased, country, out)
        if quotes:
            predicates += self._predicates_past_quotes(
                toks, lows, cased, country, quotes, out, predicates
            )
        out.extend(predicates)
        if out and "from" in lows:
            out.extend(self._other_end_of_change(toks, cased, country, out))
        out = _one_formula(toks, out)
        if quotes:
            out = self._one_quoted_label(toks, quotes, out)
            out.extend(self._quoted_complements(toks, cased, country, quotes, out))
            out = self._quoted_lists(toks, quotes, out)
            out = self._quoted_tails(toks, cased, quotes, out)
        out = [p for p in out if not _only_where(toks, p) and not _of_all_or_none(toks, p)]
        return _merge_relations_of(toks, out, lex)

    def _other_end_of_change(
        self, toks: list[Token], cased: list[str], country: list[int], found: list[Phrase]
    ) -> list[Phrase]:
        """ "moved from open hostility to a wary truce", "from a bitter dispute to a
        mature partnership": a change of a tie from one state to another names both, so
        the end that no table reads is a label beside the one found."""
        out: list[Phrase] = []
        n = len(toks)
        taken = {k for p in found for k in range(p.start, p.end)}
        for p in found:
            k = p.start - 1
            while k >= 0 and (toks[k].low in QUOTES or toks[k].low in _ARTICLES):
                k -= 1
            span: tuple[int, int] | None = None
            if k > 0 and toks[k].low in _CHANGE_TO:
                # the label is where the tie went: the state it left is after "from"
                for m in range(k - 1, max(-1, k - 11), -1):
                    if toks[m].low == "from":
                        span = self._state_of_tie(toks, cased, country, m + 1, k)
                        break
                    if toks[m].low in (",", ";", ":") or m in taken:
                        break
            else:
                # the label is where the tie was: the state it went to is after "to"
                if k < 0 or toks[k].low != "from":
                    continue
                for m in range(_skip_quotes(toks, p.end), min(n, p.end + 8)):
                    if toks[m].low in _CHANGE_TO:
                        span = self._state_of_tie(toks, cased, country, m + 1, n)
                        break
                    if toks[m].low in (",", ";", ":") or m in taken:
                        break
            if span and taken.isdisjoint(range(*span)):
                taken.update(range(*span))
                out.append(Phrase(span[0], span[1], span[1] - 1, (toks[span[1] - 1].low,)))
        return out

    def _state_of_tie(
        self, toks: list[Token], cased: list[str], country: list[int], a: int, b: int
    ) -> tuple[int, int] | None:
        """The words from ``a`` (before ``b``) naming a state of a tie: a head ("hostility"),
        or lower-case words ending in a noun ("cordial indifference", "a bitter dispute"),
        up to a preposition or a quote's end; None when anything else stands there."""
        while a < b and (toks[a].low in QUOTES or toks[a].low in _ARTICLES):
            a += 1
        k = a
        while (
            k < b
            and k - a < 4
            and (toks[k].low.isalpha() or "-" in toks[k].low)
            and cased[k][:1].islower()
            and not country[k]
            and toks[k].low not in _PREPOSITIONS
            and toks[k].low not in _AFTER_PREDICATE
        ):
            k += 1
        if k == a:
            return None
        rest = _skip_quotes(toks, k)
        if rest < b and toks[rest].low not in _PREPOSITIONS and toks[rest].low not in (",", "."):
            return None  # the words go on: no noun phrase of a tie's state
        last = toks[k - 1].low
        if k - a == 1 and last not in self.lex.heads:
            return None  # one word no table lists: "from scratch"
        if len(last) < 4 or last in self.lex.stop or self.kind(last, cased[k - 1]) is not None:
            return None  # "from bad to worse": no noun at its end
        return a, k

    def _from_label_to(self, toks: list[Token], start: int) -> bool:
        """ "A and B went from bitter foes to trusted partners": the phrase at ``start``
        follows "to", and a head stands between it and a "from" a few words before."""
        k = start - 1
        while k > 0 and (toks[k].low in QUOTES or toks[k].low in _ARTICLES):
            k -= 1
        if k < 2 or toks[k].low != "to":
            return False
        for m in range(k - 1, max(-1, k - 7), -1):
            w = toks[m].low
            if w == "from":
                return any(t.low in self.lex.heads for t in toks[m + 1 : k])
            if w in (",", ";", "."):
                return False
        return False

    def _quoted_rest(
        self,
        toks: list[Token],
        cased: list[str],
        country: list[int],
        quotes: list[tuple[int, int]],
        i: int,
        end: int,
        tail: bool,
    ) -> int | None:
        """End of a postmodifier that follows the head ``i`` (its phrase ends at ``end``)
        up to the closing quote: "a 'strategic partner of the first order'", "'an ally in
        every sense'", "'a relationship of respect, not subordination'" (up to the comma).
        None when the quote holds more than that: a clause, a state, another label."""
        close = next((q1 for q0, q1 in quotes if q0 < i < q1), None)
        if close is None or end >= close or close - end > _QUOTED_REST:
            return None
        first = toks[end].low
        if not (
            first in _POSTMODIFIER_STARTS
            or (first == "," and _comma_of(toks, end, close))
            or (first == "at" and _of_rank(toks, end + 1))  # "'an ally at the highest rank'"
            or _with_what_is_had(toks, end, close)  # "'sister nations with one future'"
        ):
            return None
        if (
            not (tail and first in ("for", "in"))
            and not _quality_after(toks, cased, end, close)
            and not (
                toks[i].low in self.lex.person_heads and self._in_bare(toks, cased, end, close)
            )
        ):
            return None  # (a formal tail goes on: "with a shared future for a fairer world")
        heads = self.lex.heads
        k = end
        while k < close:
            w = toks[k].low
            if w == "but" and toks[k - 1].low == "all":
                k += 1  # "'allies in all but treaty'": a hedge that keeps the label
                continue
            with_no = w == "no" and k == end + 1 and first == "with"  # "'with no rival'"
            if country[k] or (w in _CLAUSE_WORDS and not with_no):
                return None
            if w == "," and not _comma_of(toks, k, close):
                break  # "of respect, not subordination": the label ends at the comma
            if (
                w == "and"
                and any(t.low in heads for t in toks[k + 1 : k + 4])
                and not _last_of_list(toks, end, k, close, heads)
            ):
                return None  # "... and now our ally": a second label
            if k > end and _place_after(toks, cased, k, close):
                break  # "'an alliance of democracies in the eastern Mediterranean'"
            if (
                w == "in"
                and toks[k + 1].low in self.lex.neutral
                and toks[k + 1].low not in _SHARED_GOALS
            ):
                break  # "'a partnership for growth in energy'": a sector, a scope
            k += 1
        while k > end and toks[k - 1].low in (",", ".", ";", ":"):
            k -= 1
        return k if k > end else None

    def _quoted_tails(
        self,
        toks: list[Token],
        cased: list[str],
        quotes: list[tuple[int, int]],
        found: list[Phrase],
    ) -> list[Phrase]:
        """The one label found at the start of a quote, carried to the quote's end over a
        short tail of "of", "in" or "among" ("'a loyal friend in lean times'",
        "'sister nations of one language'"): a quoted slogan keeps its tail
        (``quoted.slogan_tail`` says which tails are one)."""
        lows = [t.low for t in toks]
        for q0, q1 in quotes:
            inside = [p for p in found if q0 < p.start and p.end <= q1]
            if len(inside) != 1:
                continue
            p = inside[0]
            a = q0 + 1
            while a < q1 and (lows[a] in _ARTICLES or lows[a] in ("our", "its", "their")):
                a += 1
            b = q1
            while b > a and lows[b - 1] in (",", ".", ";", ":", "!"):
                b -= 1
            if p.start != a or p.end >= b:
                continue
            if quoted.slogan_tail(lows, cased, p.end, b, self.lex.neutral):
                found = [q for q in found if q is not p]
                found.append(Phrase(p.start, b, p.head, p.heads, p.gap))
        return found

    def _quoted_lists(
        self, toks: list[Token], quotes: list[tuple[int, int]], found: list[Phrase]
    ) -> list[Phrase]:
        """The labels found inside a quote that is a list, replaced by one label per item
        as the labeling rules split it (``quoted.list_items``): "'closest friend, ally
        and family'" gives three, "'neighbours and cousins'" gives "cousins"."""
        lows = [t.low for t in toks]
        for q0, q1 in quotes:
            inside = [p for p in found if q0 < p.start and p.end <= q1]
            if not inside:
                continue
            a = q0 + 1
            while a < q1 and lows[a] in _COPULA_CUES:
                a += 1  # "'are neighbours and cousins'"
            b = q1
            while b > a and lows[b - 1] in (",", ".", ";", ":", "!"):
                b -= 1
            items = quoted.list_items(lows, a, b, self.lex.heads)
            if not items or _split_as(inside, items):
                continue  # the labels found already stand one per item
            found = [p for p in found if p not in inside]
            for s0, s1 in items:
                if _greets_peoples(lows[s0:s1]):
                    continue  # "'brother peoples and strategic partners'": the second
                known = tuple(w for w in lows[s0:s1] if w in self.lex.heads)
                at = max((k for k in range(s0, s1) if lows[k] in self.lex.heads), default=s1 - 1)
                found.append(Phrase(s0, s1, at, known or (lows[s1 - 1],)))
        return found

    def _item_phrases(self, toks: list[Token], parts: list[tuple[int, int]]) -> list[Phrase]:
        """A phrase for each list item [s0, s1) that holds a head noun, but for one played
        down beside the others ("'more than a neighbour, a sister nation'")."""
        out = []
        for s0, s1 in parts:
            if s1 - s0 > 2 and (toks[s0].low, toks[s0 + 1].low) in _PLAYED_DOWN:
                continue
            inside = [k for k in range(s0, s1) if toks[k].low in self.lex.heads]
            if inside:
                out.append(Phrase(s0, s1, inside[-1], tuple(toks[k].low for k in inside)))
        return out

    def _other_items(
        self, toks: list[Token], q0: int, q1: int, inside_found: list[Phrase]
    ) -> list[Phrase]:
        """The items of a quoted list of articled nouns ("'a neighbour, a friend and a
        true brother'") that no label found at its own head covers."""
        a = q0 + 1
        if a < q1 and toks[a].low in _ARTICLES:
            a += 1
        b = q1
        while b > a and toks[b - 1].low in (",", ".", ";", ":", "!"):
            b -= 1
        parts = [
            (s0, s1)
            for s0, s1 in _article_list(toks, a, b)
            if not any(p.start < s1 and s0 < p.end for p in inside_found)
        ]
        return self._item_phrases(toks, parts) if parts else []

    def _quoted_complements(
        self,
        toks: list[Token],
        cased: list[str],
        country: list[int],
        quotes: list[tuple[int, int]],
        found: list[Phrase],
    ) -> list[Phrase]:
        """A quoted noun phrase said of the pair, whatever its head: "A and B are 'two
        wings of one nation'", "calling the two neighbours 'frozen antagonists'", "describe
        each other as 'kindred nations'", "called the ties 'unbreakable'". The quote is the
        complement of a copula, "as" after a verb of describing, or a verb of calling; the
        subject or object is the pair, a relationship noun or a state (the frames and the
        rules inside the quote: ``quoted.py``)."""
        out: list[Phrase] = []
        lows = [t.low for t in toks]
        for q0, q1 in quotes:
            if q1 - q0 == 2 and any(
                lows[q0 + 1] in lows[p.start : p.head] and not p.start <= q0 < p.end
                for p in found
            ):
                # "a Kente Partnership, 'kente' meaning cloth": the quote explains a
                # word of a label found, and is no label of its own
                continue
            if (
                _count_slogan(toks, q0, q1)
                and (
                    _slogan_named(toks, q0, q1)
                    or self._said_of(toks, cased, country, q0, False) in ("pair", "apposition")
                )
                and not _third_joined(toks, country, q1 + 1)
            ):
                # "the 'one nation, two states' motto", "called A and B 'two states, one
                # nation'": a slogan that counts the two states as one is the label whole
                heads = tuple(t.low for t in toks[q0 + 1 : q1] if t.low in self.lex.heads)
                out.append(Phrase(q0 + 1, q1, q1 - 1, heads or (toks[q1 - 1].low,)))
                continue
            limits = quoted.limits_after_tie(lows, q0, q1, _RELATION_NOUNS)
            if limits is not None:
                # "a partnership 'without limits'": the quote says what the tie is
                out.append(Phrase(limits[0], limits[1], limits[1] - 1, (lows[limits[1] - 1],)))
                continue
            glossed = _glossed_by(toks, country, q0, q1, found, self.lex.heads)
            if glossed is not None:
                # "share a 'Shonali Adhyay', a golden chapter": the name the gloss explains
                out.append(Phrase(q0 + 1, q1, q1 - 1, glossed.heads))
                continue
            inside_found = [p for p in found if p.start <= q1 and q0 <= p.end]
            if inside_found:
                # a label inside is read at its own head; the other items of a list it ends
                # are labels too: "'a neighbour, a friend and an ally'"
                out.extend(self._other_items(toks, q0, q1, inside_found))
                continue
            a = q0 + 1
            inner_copula = a < q1 and toks[a].low in _COPULA_CUES
            while a < q1 and (toks[a].low in _COPULA_CUES or toks[a].low in _BETWEEN_COPULAS):
                a += 1  # "'are and will remain brothers'"
            simile = a + 2 < q1 and toks[a].low == "like" and toks[a + 1].low in _ONE_OF_A_KIND
            like = a
            if simile:
                a += 1  # "'like a marriage'": the image is read, and the label keeps "like"
            if a < q1 and toks[a].low in _ARTICLES:
                a += 1
            ours = a < q1 and toks[a].low == "our"
            if ours:
                a += 1  # "called Armenia 'our younger brother'": the speaker's state is the other
            if a + 2 < q1 and toks[a].low == "one" and toks[a + 1].low == "of":
                a += 2  # "describe the bond as 'one of brothers'": a bond of brothers
            b = _before_relative_clause(toks, a, q1, self.lex.heads)
            if simile and b < q1:
                continue  # "'like two brothers who quarrel'": the image goes on in a clause
            b = _before_place(toks, cased, a, b, self.lex.heads)
            while b > a and toks[b - 1].low in (",", ".", ";", ":", "!"):
                b -= 1
            # the labeling rules inside the quote: no negated part, no preposition of
            # a predicate noun phrase ("'family, not just neighbours'", "'in the freezer'")
            b = quoted.affirmed_end(lows, a, b)
            a = quoted.predicate_noun_start(lows, a, b)
            if (
                a + 1 < q1
                and toks[a + 1].low == "by"
                and (_participle(toks[a].low, cased[a]) or toks[a].low in ("bound", "built"))
            ):
                continue  # "were 'bound by the mountains'": a passive verb says what links them
            slogan = _higher_than(toks, cased, a) or _as_old_as(toks, a)
            called = _called_or_described(toks, q0)
            if slogan is None and not self._complement_words(toks, cased, country, a, b, called):
                continue  # ("'higher than the mountains, deeper than the oceans'" is one)
            # (punctuation inside the closing mark ends the phrase there: "a 'new page,'
            # citing the debt talks")
            if not _complement_ends(toks, cased, q1 + 1) and lows[q1 - 1] not in (",", ".", ";"):
                continue  # "are 'key members' of the group": the quote is part of a phrase
            if quoted.names_stage(lows, a, b):
                said_of = self._stage_of(toks, country, q0, q1)
            else:
                said_of = self._said_of(toks, cased, country, q0, inner_copula)
            if said_of is None or (ours and said_of != "state"):
                continue
            heads = tuple(t.low for t in toks[a:b] if t.low in self.lex.heads)
            after_head = next(
                (k + 1 for k in range(a, b - 1) if toks[k].low in self.lex.heads), None
            )
            if (
                after_head is not None
                and toks[after_head].low in _POSTMODIFIER_STARTS
                and not _quality_after(toks, cased, after_head, b)
                and not (
                    toks[after_head - 1].low in self.lex.person_heads
                    and self._in_bare(toks, cased, after_head, b)
                )
                and not (
                    # "'a model for South America'": what the tie is a model for is part
                    # of the label, as "model of" is
                    toks[after_head - 1].low in self.lex.tail_heads
                    and toks[after_head].low == "for"
                )
            ):
                continue  # "called B 'a partner in the fight against piracy'"
            if said_of == "pair as":
                if not heads and _KIN_WORDS.isdisjoint(t.low for t in toks[a:b]):
                    continue  # "joined as 'observers'": a part they play, no tie
                said_of = "pair"
            if said_of == "sought":
                # a tie sought is read as one had, when the quote names a tie's noun: "more
                # investment" is none, and "'closer cooperation'" asks for more of an activity
                if all(h in self.lex.weak_heads for h in heads) or any(
                    _comparative(t.low) for t in toks[a:b]
                ):
                    continue
                said_of = "had"
            ties = [h for h in heads if h not in self.lex.kin_heads]
            words = [t.low for t in toks[a:b]]
            if _greets_peoples(words):
                continue  # "'brotherly peoples'": the populations, quoted or not
            if said_of == "had" and not heads and _DESTINY.isdisjoint(words):
                continue  # "share 'universal values'", "have a 'special responsibility'"
            if said_of == "pair" and self._rating_after_copula(toks, cased, q0, a, b):
                continue  # "ties remain 'complicated'": how they stand, quoted or not
            if quoted.ranked_in_place(lows, cased, a, b, self.lex.heads):
                continue  # "ties are 'unique in Europe'": a ranking
            if said_of == "state" and not ties and toks[a].low not in self.lex.heads:
                # "calling Kampala 'our dependable linchpin'", "a 'key pillar'": a
                # metaphor noun of a tie given to a state, with its modifiers
                nominal = self._nominal(toks, cased, a)
                if nominal is not None and nominal[1] <= b:
                    at = next(
                        k
                        for k in range(nominal[0], nominal[1])
                        if toks[k].low in self.lex.metaphor_nominals
                    )
                    out.append(Phrase(nominal[0], nominal[1], at, (toks[at].low,)))
                    continue
            if (
                said_of in ("state", "apposition")
                and not ties
                and _KIN_WORDS.isdisjoint(words)
                and not (said_of == "apposition" and _unity_slogan(words))
            ):
                continue  # "called Kim 'talented'", "a 'rogue nation'": a person or a state
            parts = _article_list(toks, a, b)
            if parts:
                # "'a neighbour, a friend and a partner in development'": each its own
                out.extend(self._item_phrases(toks, parts))
                continue
            filled = all(t.low in (",", ".", ";", ":", "!") for t in toks[b:q1])
            if _two_bare_persons(toks, a, b, self.lex.person_heads) and (
                toks[q0 - 1].low == "of" or not filled
            ):
                # "are those of 'comrades and brothers'", "'neighbours and brothers who
                # quarrel'": two bare person nouns are two labels; filling a quote said of
                # the pair, "are 'brothers and neighbours'", "Benin and Niger, 'friends
                # and partners', ...", they are one
                out.append(Phrase(a, a + 1, a, (toks[a].low,)))
                out.append(Phrase(a + 2, b, a + 2, (toks[a + 2].low,)))
                continue
            out.append(Phrase(like if simile else a, b, b - 1, heads or (toks[b - 1].low,)))
        return out

    def _rating_after_copula(
        self, toks: list[Token], cased: list[str], q0: int, a: int, b: int
    ) -> bool:
        """Adjectives alone, quoted after a copula, that rate how the ties stand ("remain
        'complicated and passionate'", "is 'transactional'"): no label, as unquoted; a
        strong modifier or a hyphenated compound is one ("is 'ironclad'", "'rock-solid'")."""
        j = q0 - 1
        if j >= 0 and toks[j].low in _ARTICLES:
            return False  # "are a 'natural'": a noun phrase
        if j < 0 or not (toks[j].low in _COPULA_CUES or toks[j].low in _BETWEEN_COPULAS):
            return False
        for k in range(a, b):
            w = toks[k].low
            if w in ("and", ",", "but", "yet", "so", "very"):
                continue
            if w in self.lex.heads or "-" in w or w in self.lex.strong:
                return False
            if self.kind(w, cased[k]) not in ("qual", "neutral", "adverb"):
                return False
        return True

    def _in_bare(self, toks: list[Token], cased: list[str], end: int, close: int) -> bool:
        # "a partner in trade" is a trade role: a sector's noun is no quality of the tie;
        # a goal the two share is, after a head with no modifier of its own ("a partner
        # in development"; in "best friend in development" it is the scope of "best")
        bare = end < 2 or not toks[end - 2].low.isalpha() or toks[end - 2].low in _ARTICLES
        goals = _SHARED_GOALS if bare else frozenset()
        return _in_bare_nouns(toks, cased, end, close) and not any(
            toks[k].low in self.lex.neutral and toks[k].low not in goals
            for k in range(end, close)
        )

    def _complement_words(
        self,
        toks: list[Token],
        cased: list[str],
        country: list[int],
        a: int,
        b: int,
        called: bool = False,
    ) -> bool:
        """Whether tokens [a, b) read as a short noun or adjective phrase: no clause, no
        state, not opening with a preposition or pronoun. One word is a noun ("a
        'relic'") or an adjective the tables know ("'unbreakable'"); an adjective they do
        not know said alone is no label ("'unparalleled'") unless a verb of calling or
        describing sets it (``called``: "called the relationship 'invincible'")."""
        if b <= a or b - a > _QUOTED_COMPLEMENT:
            return False
        first = toks[a].low
        lex = self.lex
        has_head = any(t.low in lex.heads for t in toks[a:b])
        if not has_head and (first in lex.adverbs or first in self._not_predicates):
            return False  # "'far apart'", "'a priority'": how much, not what the tie is
        if not has_head and first.endswith("ing") and first not in lex.qualifying:
            return False  # "'moving forward'": what the tie does
        if b - a == 1 and called and (
            quoted.compares_only(toks[a].low) or toks[a].low in self.lex.neutral
        ):
            # "described the ties as 'unparalleled'": a comparison; "called the
            # partnership 'economic'": a sector, which alone is no label
            return False
        if b - a == 1 and not called:
            w = toks[a].low
            known = w in self.lex.qualifying or w in self.lex.heads or "-" in w
            if not known and (self.kind(w, cased[a]) or w.endswith(("ed", "ing", "ly"))):
                return False
        if toks[a].low in _FUNCTION_WORDS or toks[a].low in _PREPOSITIONS:
            return False
        for k in range(a, b):
            w = toks[k].low
            if country[k] or w in _CLAUSE_WORDS or w in QUOTES:
                return False
            if not (w[:1].isalpha() or w == ","):
                return False
        return True

    def _said_of(
        self, toks: list[Token], cased: list[str], country: list[int], q0: int, inner_copula: bool
    ) -> str | None:
        """What the quote opening at ``q0`` is said of: "pair" (the two states, their
        relationship or a word standing for them), "had" (what the pair has or shares),
        "sought" (what the pair pledges or seeks),
        "state" (one state), "apposition" (a phrase set beside the pair) or None."""
        j = q0 - 1
        if j >= 0 and toks[j].low in _ARTICLES:
            j -= 1
        if j >= 2 and toks[j].low == "of" and toks[j - 1].low in ("those", "one"):
            j -= 2  # "ties are those of 'comrades and brothers'"
        if j < 0:
            return None
        w = toks[j].low
        if country[j] == 1 and w.endswith("'s") and j >= 1 and toks[j - 1].low in _STAYING:
            # "Japan was Mongolia's 'third neighbour'", "Paraguay stays Taiwan's 'last
            # friend'": the role one state is to the other, whose possessive stands before
            k = j - 2
            while k >= 0 and toks[k].low in _BETWEEN_COPULAS:
                k -= 1
            return "state" if self._subject(toks, country, k) == "state" else None
        if _called_owned(toks, country, j):
            return "state"
        if w == "," and (toks[j + 1].low in _ARTICLES or j + 1 == q0):
            # an apposition to the pair: "Spain and Portugal, the 'Iberian brothers', ..."
            # ("the 'co-hosts'" is a role: the quote needs a noun of a tie or of kin)
            if toks[j - 1].low in _RELATION_NOUNS:
                return "pair"  # "Lima-Quito ties, 'the best in our history' in 2010, ..."
            return "apposition" if self._subject(toks, country, j - 1) == "pair" else None
        if w in _RELATION_NOUNS and self.kind(toks[q0 + 1].low, cased[q0 + 1]) == "qual":
            return "pair"  # a headline's "ties 'best in their history'"
        if w == "to" and j >= 2:
            # "take relations to 'Himalayan heights'", "elevated their ties to a '...'"
            raised = any(t.low in _RAISING for t in toks[max(0, j - 5) : j])
            tie = any(t.low in _RELATION_NOUNS for t in toks[max(0, j - 3) : j])
            generic = any(t.low in _NEW_LEVEL for t in toks[q0 + 1 : q0 + 5])
            return "pair" if raised and tie and not generic else None  # not "a new level"
        if w in _HAVING and self._subject(toks, country, j - 1) == "pair":
            return "had"  # "Kuwait and Oman share 'a single destiny'"
        if w in _SEEKING and (
            self._subject(toks, country, j - 1) == "pair"
            # "A and B celebrated the treaty's anniversary and pledged a '...'"
            or (toks[j - 1].low == "and" and _opens_with_pair(toks, country, j - 1))
        ):
            # "A and B pledged a 'partnership built on trust'": the tie they seek
            return "sought"
        if w == "into" and j >= 1 and toks[j - 1].low in quoted.BECOMING_VERBS:
            # "the relationship has turned into an 'uneasy bargain'": what the tie became
            k = j - 2
            while k >= 0 and toks[k].low in _BETWEEN_COPULAS:
                k -= 1
            return "pair" if self._subject(toks, country, k) == "pair" else None
        if w in quoted.PREDICATE_PREPOSITIONS and j >= 1 and toks[j - 1].low in _COPULA_CUES:
            # "relations were on 'pause'": a predicate noun with its preposition outside
            k = j - 2
            while k >= 0 and toks[k].low in _BETWEEN_COPULAS:
                k -= 1
            return self._subject(toks, country, k)
        if inner_copula or w in _COPULA_CUES:
            k = j if inner_copula else j - 1
            if inner_copula:
                k = q0 - 1
            while k >= 0 and toks[k].low in _BETWEEN_COPULAS:
                k -= 1
            return self._subject(toks, country, k)
        if w == "as":
            lo = max(0, j - 9)
            verb = next((k for k in range(j - 1, lo - 1, -1) if toks[k].low in _DESCRIBING), None)
            if verb is None and self._pair_acts_as(toks, country, j):
                return "pair as"  # "A and B restated their pledge as the 'engine of ...'"
        else:
            lo = max(0, j - 8)
            verb = next((k for k in range(j, lo - 1, -1) if toks[k].low in _CALLING), None)
            if verb is not None and toks[verb + 1].low in ("for", "on", "off", "up"):
                return None  # "calling for 'stronger coordination'": a demand
            if verb is not None and verb == j:
                # "what Islamabad called a 'brotherhood ...'": the object comes before
                if "what" in (t.low for t in toks[max(0, verb - 4) : verb]):
                    return "pair"
                return None
        if verb is None:
            return None
        end = j + 1 if w != "as" else j
        return self._object(toks[verb + 1 : end], cased[verb + 1 : end], country[verb + 1 : end])

    def _pair_acts_as(self, toks: list[Token], country: list[int], j: int) -> bool:
        """Whether the "as" at ``j`` follows the pair as subject and its verb, with at most
        a few plain words between ("A and B restated their pledge as", "A and B stand
        together as"): what the two act as is said of them."""
        for m in range(j - 2, max(-1, j - 6), -1):
            between = toks[m + 1 : j]
            if any(
                country[k] or not t.low.isalpha() or t.low in _CLAUSE_WORDS
                for k, t in enumerate(between, m + 1)
            ):
                return False
            if self._subject(toks, country, m) == "pair":
                return True
        return False

    def _stage_of(self, toks: list[Token], country: list[int], q0: int, q1: int) -> str | None:
        """What a quoted stage of a tie ("a 'new page'") is said of: "pair" when "in" the
        pair's ties follows it ("praised the 'new harvest season' in Kenyan-Tanzanian ties"),
        or when it is the object of a verb of opening, or of "of" after a verb of
        speaking, whose subject is the pair ("A and B opened a 'new page'", "both spoke
        of a 'fresh dawn'"); else None."""
        if quoted.in_ties_after([t.low for t in toks], q1 + 1, _RELATION_NOUNS):
            return "pair"
        j = q0 - 1
        if j >= 0 and toks[j].low in _ARTICLES:
            j -= 1
        if j >= 1 and toks[j].low == "of" and toks[j - 1].low in quoted.SPEAKING_VERBS:
            j -= 1
        elif j < 0 or toks[j].low not in quoted.OPENING_VERBS:
            return None
        if _forecast_before([t.low for t in toks], j):
            return None  # "would open a 'new chapter'": a forecast, as with the turns
        k = j - 1
        while k >= 0 and toks[k].low in _BETWEEN_COPULAS:
            k -= 1  # "would open", "had opened"
        if k >= 0 and toks[k].low == "both":
            return "pair"  # "and both spoke of": the two named before
        return "pair" if self._subject(toks, country, k) == "pair" else None

    def _subject(self, toks: list[Token], country: list[int], k: int) -> str | None:
        """What the subject ending at token ``k`` is: "pair", "state" or None."""
        k = _past_saying_aside(toks, k)  # "ties, the two parties say, are"
        if k >= 0 and toks[k].low == ",":
            # "Uruguay and Argentina, which share a river, are ...": past the aside
            k = next(
                (
                    m - 1
                    for m in range(k - 1, max(0, k - 30), -1)
                    if toks[m].low == "," and toks[m + 1].low in ("which", "who", "whose")
                ),
                -1,
            )
        if k < 0:
            return None
        w = toks[k].low
        if w in _RELATION_NOUNS or w in _PAIR_NOUNS:
            return "pair"
        if w == "they" and _opens_with_pair(toks, country, k):
            return "pair"  # "Chile and Peru met in Lima, saying they were 'one people'"
        if country[k] == 1:
            # "Egypt and Sudan are": the pair; "Moldova is": one state
            m = k
            while m > 0 and country[m - 1] == 1:
                m -= 1
            if m >= 2 and toks[m - 1].low in ("and", "&") and country[m - 2] == 1:
                return "pair"
            the_second = m >= 3 and toks[m - 1].low == "the" and toks[m - 2].low in ("and", "&")
            if the_second and country[m - 3] == 1:
                return "pair"  # "Bahrain and the UAE are"
            if m >= 2 and toks[m - 1].low == "with" and toks[m - 2].low in _RELATION_NOUNS:
                return "pair"  # "the bonds with Chile were": one side's tie with the other
            return "state"
        return None

    def _object(self, obj: list[Token], cased: list[str], marks: list[int]) -> str | None:
        """What the object of a verb of calling or describing is: "pair", "state" or None."""
        if not obj:
            return None
        words = [t.low for t in obj]
        # a relationship noun in lower case: "the Pacific Alliance" is a body's name
        plain = {c for c in cased if c.islower()}
        if not _RELATION_NOUNS.isdisjoint(plain) or not _PAIR_NOUNS.isdisjoint(plain):
            return "pair"
        if words[-2:] == ["each", "other"] or words[-1] in ("them", "themselves"):
            return "pair"
        states = sum(1 for i, m in enumerate(marks) if m == 1 and (i == 0 or marks[i - 1] != 1))
        if states >= 2 and "and" in words:
            return "pair"
        if states != 1 or len(words) > 4:
            return None
        last = max(i for i, m in enumerate(marks) if m)
        if any(w not in _POSSESSIVES for w in words[last + 1 :]):
            return None  # "called Greece's port 'a pillar of trade'": the port is called it
        return "state"

    def _one_quoted_label(
        self, toks: list[Token], quotes: list[tuple[int, int]], found: list[Phrase]
    ) -> list[Phrase]:
        """ "a 'close friend and neighbour'": two person labels joined by "and" that fill one
        quote, the second with no modifier of its own, are one label (with modifiers of its
        own, a determiner or a kin noun after "and" they stay two: "a close friend and
        trusted neighbour", "a friend nation and a strategic ally")."""
        lex = self.lex

        def fill_one_quote(p: Phrase, q: Phrase) -> bool:
            return any(
                q0 < p.start and _label_fills(toks, q0, p.start, q.end, q1) for q0, q1 in quotes
            )

        def one_label(p: Phrase, q: Phrase) -> bool:
            return (
                q.gap is None
                and all(h in lex.person_heads or h in _ROLES for h in p.heads + q.heads)
                and toks[p.start - 1].low in ("a", "an")  # one of them, in two roles
                and q.start == q.head  # the second shares the first's modifiers
                and fill_one_quote(p, q)
            )

        def one_title(p: Phrase, q: Phrase) -> bool:
            # a quoted formal title: "'strategic partnership of cooperation featuring
            # ever-lasting friendship for development'", its first part with its own tail
            return q.gap is None and p.end > p.head + 1 and fill_one_quote(p, q)

        found = _join_with_and(toks, found, one_label)
        return _join_with_and(toks, found, one_title, ("and", "featuring"))

    def _left(
        self,
        toks: list[Token],
        cased: list[str],
        country: list[int],
        i: int,
        quotes: list[tuple[int, int]],
    ) -> _Run:
        lex = self.lex
        run = _Run(i, i)
        low = toks[i].low
        if "-" in low and low not in lex.heads:
            prefix = low.rsplit("-", 1)[0]
            run.qualifying = True  # quasi-ally
            run.rejected = prefix in lex.reject
        j = i - 1
        has_mod = False
        if i >= 3 and toks[i - 1].low == "of" and toks[i - 2].low in _KIND_OF:
            # a slogan's "kind of" head: a 'one nation, two states' kind of bond
            named = self._quoted_name(toks, country, i - 3, _Run(i - 2, i - 2), quotes)
            if named is not None:
                run.start, has_mod, run.qualifying = named, True, True
                j = named - 1
        if low == "partnership" and cased[i] == "Partnership":
            named = self._formal_name(toks, cased, country, i)
            if named is not None:
                # "the Benin-Niger Kpaya Partnership": the pair's own partnership by name
                run.start, has_mod, run.qualifying = named, True, True
                j = named - 1
        while j >= 0:
            w = toks[j].low
            if w in QUOTES:
                named = self._quoted_name(toks, country, j, run, quotes)
                if named is not None:
                    run.start, has_mod, run.qualifying = named, True, True
                    j = named - 1
                    continue
                j -= 1
                continue
            if (
                w == "of"
                and run.start == j + 1
                and j >= 2
                and toks[j - 2].low == "the"
                and _SUPERLATIVE.fullmatch(toks[j - 1].low)
                and toks[j - 1].low not in lex.reject
                and low in lex.person_heads | lex.bare_heads | _NEIGHBOURS
            ):
                # "the best of neighbours", "the closest of allies"
                run.start, has_mod, run.qualifying = j - 1, True, True
                break
            if cased[j][:1].isupper() and run.start == j + 1 and j > 0:
                # "key Baltic Sea allies": a capitalised name between a modifier and the head
                c = j
                while c > 0 and c > j - 3 and cased[c][:1].isupper() and not country[c]:
                    c -= 1
                if (
                    c < j
                    and not country[c]
                    and self.kind(toks[c].low, cased[c]) == "qual"
                    and c > 0
                    and not cased[c][:1].isupper()
                ):
                    run.start, has_mod = c + 1, True
                    j = c
                    continue
            if country[j] == ORG and run.start == j + 1 and j + 1 < i + 1:
                run.start = j  # "a key NATO ally": the group names the kind of ally
                if low in lex.person_heads and j == i - 1:
                    run.qualifying = True  # "BRICS partners", "EU partners"
                j -= 1
                continue
            if country[j]:
                gap = self._inner_pair(toks, cased, country, j, run)
                if gap is None:
                    break
                run.gap, j = gap, gap[0] - 1
                continue
            pair = f"{toks[j - 1].low}-{w}" if j > 0 and w in self._hyphen_ends else ""
            if pair in lex.qualifying:  # "all weather", "no limits" written apart
                run.start, run.qualifying, has_mod = j - 1, True, True
                run.strong = run.strong or pair in lex.strong
                j -= 2
                continue
            k = self.kind(w, cased[j])
            if k is None and w in lex.weak_heads and j == i - 1:
                k = "neutral"  # "a security cooperation partner"
            if k is None and w == "old" and low in self._old_roles:
                k = "qual"  # "old friends", "an old and true ally": long-held, as a person's
            if j == i - 1 and low in lex.kin_heads and w in lex.kin_modifiers:
                run.start, run.kin, run.qualifying = j, True, True  # "a friend nation"
                break
            if k is None and _negated_participle(w, cased[j]):
                k = "qual"  # "an unbending alliance", "an unmatched partnership"
            if (
                k == "qual"
                and w in _COMPARATIVES
                and run.start == j + 1
                and j > 0
                and toks[j - 1].low == "no"
            ):
                run.start, has_mod, run.qualifying = j - 1, True, True  # "no better friend"
                break
            if k == "reject":
                run.rejected = True
                break
            if (
                k is None
                and run.start == j + 1
                and _participle(w, cased[j], ing=True)
                and j > 1
                and toks[j - 1].low in (",", "and")
                and self.kind(toks[j - 2].low, cased[j - 2]) == "qual"
            ):
                # "a durable, working alliance"
                run.start, has_mod, run.qualifying = j, True, True
                j -= 1
                continue
            if k is None and _participle(w, cased[j]) and run.gap and run.gap[0] == j + 1:
                # "the weakened Franco-German engine"
                run.start, has_mod, run.qualifying = j, True, True
                j -= 1
                continue
            if (
                k is None
                and run.start == j + 1
                and (j == i - 1 or run.qualifying)
                and j > 0
                and _participle(w, cased[j])
                and w not in _EVENT_PARTICIPLES
                and w not in _UNNAMED
                and (toks[j - 1].low in _BEFORE_PARTICIPLE or toks[j - 1].low in QUOTES)
                # "was 'brief' and welcomed fraternal relations": after a quote, "and" and
                # a word in -ed open a clause of their own
                and not (toks[j - 1].low in ("and", ",") and toks[j - 2].low in QUOTES)
            ):
                # "remain estranged neighbours", "their battered relationship", "a
                # reinforced exceptional partnership": a participle between a determiner or
                # copula and the head (or its modifiers) says what the tie is
                run.start, has_mod, run.qualifying = j, True, True
                j -= 1
                continue
            if k is None and _participle(w, cased[j]) and j > 0:
                # "exceptional reinforced partnership": a participle after a modifier
                before = self.kind(toks[j - 1].low, cased[j - 1])
                if before == "qual" and not country[j - 1]:
                    run.start, has_mod = j, True
                    j -= 1
                    continue
            if k == "qual" and run.start == j + 1 and _perfect_of_a_cause(toks, country, j):
                break  # "a row that has strained ties": a verb, the tie no label
            if k == "qual" and low in _PLAIN_TIES and w[:1].isdigit() and _AGE.fullmatch(w):
                k = "neutral"  # "a 36-year relationship": a duration, not a characterisation
            if k in ("qual", "neutral"):
                run.start, has_mod = j, True
                if k == "qual":
                    run.qualifying = True
                    run.strong = run.strong or w in lex.strong
                    run.kin = run.kin or w in lex.kin_modifiers
                    run.level = run.level or w in lex.level_modifiers
                j -= 1
                continue
            if k == "adverb" and not has_mod and w not in lex.adverbs:
                # an -ly word right before the noun is an adjective: "neighbourly relations"
                k = "qual"
                run.start, has_mod, run.qualifying = j, True, True
                j -= 1
                continue
            if k == "adverb" and has_mod:
                if w in _DEGREE:
                    run.qualifying = True  # "less formal", "more formal": a characterisation
                run.start = j
                run.level = run.level or w in lex.level_modifiers
                j -= 1
                continue
            if w in ("and", ",", "&", "/") and has_mod and j > 0:
                prev = before_quotes(toks, j - 1)
                if prev >= 0 and not country[prev]:
                    pk = self.kind(toks[prev].low, cased[prev])
                    if pk is None and toks[prev].low == "old" and low in self._old_roles:
                        pk = "qual"  # "an old and true ally"
                    if pk in ("qual", "neutral", "adverb", "reject"):
                        j -= 1
                        continue
                    if _participle(toks[prev].low, cased[prev]) and prev > 0:
                        # "a durable, working alliance", "deep, tested and special"
                        before = self.kind(toks[prev - 1].low, cased[prev - 1])
                        if before == "qual" or toks[prev - 1].low in (",", "and"):
                            run.start = prev
                            j = prev - 1
                            continue
                    if (
                        run.qualifying
                        and toks[prev].low not in lex.heads
                        and _coordinated_adjective(toks, cased, prev)
                    ):
                        # "an uncommon and warm tie": a word joined to the modifiers and led
                        # by a determiner is one of them
                        run.start = prev
                        j = prev - 1
                        continue
            break
        if run.start == i and not run.qualifying:
            # "which he calls a 'frank and demanding partnership'": words no table lists,
            # between "a" and the head, after a verb of calling, say what the tie is
            called = _called_words_before(toks, cased, i)
            if called is None and low in _REGARDED_ROLES:
                called = _regarded_words_before(toks, cased, country, i)
            if called is None and low in self._simile_heads:
                called = _simile_words_before(toks, cased, country, i)
            if called is not None:
                run.start, run.qualifying = called, True
        # A ranking frame or a person right before the run: "largest trading partner",
        # "his best friend".
        j = before_quotes(toks, run.start - 1)
        if j >= 0 and toks[j].low in _PERSONAL and low in lex.person_heads:
            run.rejected = True
        return run

    def _quoted_name(
        self,
        toks: list[Token],
        country: list[int],
        j: int,
        run: _Run,
        quotes: list[tuple[int, int]],
    ) -> int | None:
        """Start of a quoted name right before the head: the age-old "Roti Beti" tie (never
        the words between two quotes: 'its "X" deepened and formed a "community"')."""
        if run.start != j + 1 or run.start != run.head:
            return None
        k = j - 1
        while k >= 0 and k > j - 7 and toks[k].low not in QUOTES:
            w = toks[k].low
            heads = self.lex.heads - self.lex.kin_heads  # "states" may be a slogan's word
            if country[k] or not (w[:1].isalpha() or w == ",") or w in heads:
                return None  # a slogan may hold a comma: "one nation, two states"
            k -= 1
        if k < 0 or toks[k].low not in QUOTES or k == j - 1:
            return None
        if k > 0 and toks[k - 1].low in _MODALS_BEFORE_VERBS:
            return None  # "should 'improve and deepen' relations": the quote holds verbs
        if any(q1 == k or q0 == j for q0, q1 in quotes):
            return None  # a quote closing at k, or one opening at j: no name between
        return k

    def _inner_pair(
        self, toks: list[Token], cased: list[str], country: list[int], j: int, run: _Run
    ) -> tuple[int, int] | None:
        """The states written inside a phrase, between its modifiers and its head.

        "the time-tested India-Vietnam friendship", "the fragile Franco-German
        relationship": the states (ending at token ``j``, right before the run) are
        skipped when a modifier stands before them; the label is the modifiers and head.
        """
        if run.gap is not None or run.start != j + 1 or country[j] != 1:
            return None
        if toks[j].low.endswith(("'s", "'")):
            return None  # "Uganda's traditional allies": the owner, found by the pairs
        g = j
        while g > 0 and (
            country[g - 1] == 1 or (toks[g - 1].low in ("-", "/") and g > 1 and country[g - 2])
        ):
            g -= 1
        b = before_quotes(toks, g - 1)  # "the 'ironclad' ROK-U.S. alliance"
        if b < 0 or country[b]:
            return None
        kind = self.kind(toks[b].low, cased[b])
        if kind not in ("qual", "neutral"):
            # a participle there is a verb ("epitomised UK-US relations") unless a
            # determiner or an adverb comes before it ("the weakened Franco-German engine")
            if not _participle(toks[b].low, cased[b]) or b == 0:
                return None
            if toks[b - 1].low not in _ARTICLES and self.kind(toks[b - 1].low, cased[b - 1]) != (
                "adverb"
            ):
                return None
        return g, j + 1

    def _tail(self, toks: list[Token], cased: list[str], i: int, title: bool) -> tuple[int, bool]:
        """End of the phrase after the head, and whether a formal tail was taken."""
        n = len(toks)
        end = i + 1
        took = False
        slogan_end = -1
        while True:
            j = _skip_quotes(toks, end)
            if j >= n:
                break
            w = toks[j].low
            if w == "in" and end == j and _hedge_at(toks, j):
                # "an alliance in name only", "a cold war in all but name": the hedge plays
                # the label down and stays with it
                end = j + (3 if toks[j + 1].low == "name" else 4)
                break
            if w == "with":
                k = _skip_quotes(toks, j + 1)
                if k + 1 < n and toks[k].low == "no" and toks[k + 1].low == "limits":
                    end, took = k + 2, True
                    continue
                if k < n and toks[k].low == "no-limits":
                    end, took = k + 1, True
                    continue
                # "community with a shared future"; "partners with a shared vision" are
                # partners who have one, the vision no part of their name
                shared = self._tail_phrase(toks, j + 1)
                if shared is not None and toks[i].low not in self.lex.person_heads and any(
                    t.low in ("shared", "common") for t in toks[j + 1 : shared]
                ):
                    end, took = shared, True
                    continue
                break
            if w == "featuring" and toks[i].low == "partnership":
                # "a partnership featuring mutual respect and common development"
                stop = self._tail_list(toks, j + 1)
                if stop is None:
                    break
                end, took = stop, True
                continue
            if w == "of" and not took and _of_rank(toks, j + 1):
                end, took = j + 4, True  # "a strategic partnership of the highest level"
                continue
            if w == "of" and not took:
                kind = _of_a_kind(toks, cased, j + 1)
                if kind is not None:
                    end, took = kind, True  # "a partnership of a rare kind"
                    continue
            if w in ("of", "for") and toks[i].low not in _NO_TAIL:
                stop = self._tail_phrase(toks, j + 1)
                if stop is None and w == "of" and not took:
                    stop = _of_quality(toks, cased, j + 1)
                if stop is None:
                    break
                end, took = stop, True
                continue
            if w == "of" and end == i + 1 and i > 0 and self.kind(toks[i - 1].low, cased[i - 1]):
                # "special ties of friendship and cooperation": plain nouns of what the tie
                # is made of ("relations of strategic partnership" name a label instead)
                stop = self._tail_phrase(toks, j + 1)
                if stop is not None and all(
                    t.low in self.lex.tail_nouns or t.low == "and" for t in toks[j + 1 : stop]
                ):
                    end, took = stop, True
                    continue
                break
            if (
                w == "of"
                and end == i + 1
                and (
                    i == 0
                    or toks[i - 1].low in _ARTICLES
                    or toks[i - 1].low in _POSSESSIVES
                    or _compound_after_article(toks, i)
                )
                and j + 1 < n
                and toks[j + 1].low not in _ARTICLES
            ):
                # a bare "relationship of trust", "of mutual suspicion": what the tie is made
                # of names it ("the relationship of Peru and Chile" does not); a label after
                # "of" is found at its own head ("relations of strategic partnership")
                stop = self._tail_phrase(toks, j + 1)
                if stop is not None and not any(
                    self.kind(toks[k].low, cased[k]) == "qual" for k in range(j + 1, stop)
                ):
                    end, took = stop, True
                    continue
                break
            if w in (",", "and") and took and title:
                # "for Peace, Cooperation and Sustainable Development": a title's list
                stop = self._title_item(toks, cased, j + 1)
                if stop is not None:
                    end = stop
                    continue
            if w in (",", "and") and took:
                # "for growth, security and lasting prosperity": a list of what the
                # tie is for, closed by "and"
                stop = self._abstract_list(toks, cased, j)
                if stop is not None:
                    end = stop
                    continue
            if w == "and" and took:
                # "for a safer region and a cleaner ocean"
                stop = self._tail_phrase(toks, j + 1)
                if stop is None or toks[j + 1].low not in _ARTICLES:
                    break
                end = stop
                continue
            if end == i + 1 and not took:
                sealed = _sealed_in(toks, j)
                if sealed is not None:
                    end, took = sealed, True  # "friendship sealed in blood"
                    continue
            # "a friendship higher than the mountains, deeper than the oceans"
            if end == i + 1 or (end == slogan_end and w in (",", "and")):
                slogan = _higher_than(toks, cased, j if end == i + 1 else j + 1)
                if slogan is not None:
                    end = slogan_end = slogan
                    took = True
                    continue
            if w == "in" and j + 1 < n and toks[j + 1].low == "arms" and toks[i].low in _IN_ARMS:
                end, took = j + 2, True  # "brothers in arms", "brotherhood in arms"
                if (
                    end + 2 < n
                    and (toks[end].low, toks[end + 1].low) == ("and", "in")
                    and _plain_noun(toks, cased, end + 2)
                    and (end + 3 >= n or not toks[end + 3].low.isalpha())
                ):
                    end += 3  # "brothers in arms and in hope"
                continue
            if w == "entering" and _new_era(toks, j + 1):
                end, took = j + 4, True  # "... interaction entering a new era"
                continue
            if w == "in" and (took or title or self._formal_head(toks, cased, i)):
                k = j + 1
                if (
                    k + 2 < n
                    and toks[k].low in _ARTICLES
                    and (toks[k + 1].low, toks[k + 2].low) == ("new", "era")
                ):
                    end, took = k + 3, True
                    continue
                if title and took:
                    # "for Peace and Prosperity in Asia"; right after the head, "in the
                    # Indo-Pacific" is a scope, as in small letters
                    k2 = self._place(toks, cased, j + 1)
                    if k2 is not None:
                        end, took = k2, True
                        continue
            break
        return end, took

    def _tail_list(self, toks: list[Token], k: int) -> int | None:
        """End of tail phrases joined by "and" or commas from ``k`` ("mutual respect and
        common development"), or None if none starts there."""
        end = self._tail_phrase(toks, k)
        while end is not None and end + 1 < len(toks) and toks[end].low in ("and", ","):
            more = self._tail_phrase(toks, end + 1)
            if more is None:
                break
            end = more
        return end

    def _formal_head(self, toks: list[Token], cased: list[str], i: int) -> bool:
        """A modified "partnership" at ``i`` ("comprehensive strategic partnership"): a
        level's name, whose "in the new era" is part of it, not a scope."""
        return (
            toks[i].low == "partnership"
            and i > 0
            and self.kind(toks[i - 1].low, cased[i - 1]) == "qual"
        )

    def _title_item(self, toks: list[Token], cased: list[str], k: int) -> int | None:
        """End of the next capitalised item of a title's list ("and Sustainable
        Development"), each word a tail word; or None."""
        n = len(toks)
        if k < n and toks[k].low == "and":
            k += 1
        start = k
        lex = self.lex
        while k < n and k < start + 3 and cased[k][:1].isupper() and (
            toks[k].low in lex.tail_nouns
            or toks[k].low in lex.tail_modifiers
            or toks[k].low.endswith(_ABSTRACT)
        ):
            k += 1
        if k == start or not (
            toks[k - 1].low in lex.tail_nouns or toks[k - 1].low.endswith(_ABSTRACT)
        ):
            return None  # ("and Sustainability": an abstract noun closes it too)
        return k

    def _abstract_list(self, toks: list[Token], cased: list[str], j: int) -> int | None:
        """End of ", stability and sustainable development" from ``j`` (a comma or "and"
        after a tail): abstract nouns, each perhaps with one modifier, the last after
        "and"; None if the list does not close so."""
        n = len(toks)
        m = j
        while m + 1 < n and toks[m].low in (",", "and"):
            k = m + 1
            w = toks[k].low
            if k + 1 < n and (w in self.lex.tail_modifiers or w in self.lex.qualifying):
                k += 1  # "sustainable development"
            if k >= n or not self._abstract(toks, cased, k):
                return None
            if toks[m].low == "and":
                return k + 1
            m = k + 1
        return None

    def _tail_phrase(self, toks: list[Token], k: int) -> int | None:
        """End of "(a|the) (modifiers) noun (and noun)" after "of"/"for", or None."""
        lex = self.lex
        n = len(toks)
        if k < n and toks[k].low in _ARTICLES:
            k += 1
        mutual = modified = False
        while k < n and (
            toks[k].low in lex.tail_modifiers
            or (toks[k].low == "and" and k + 1 < n and toks[k + 1].low in lex.tail_modifiers)
        ):
            mutual = mutual or toks[k].low in ("mutual", "shared", "common")
            modified = True
            k += 1
        if k >= n:
            return None
        if toks[k].low not in lex.tail_nouns and not (mutual and toks[k].low.isalpha()):
            return None
        if toks[k].low in _TIME_NOUNS and not modified:
            return None  # "rivals for a century": how long, not a title's tail
        k += 1
        if k + 1 < n and toks[k].low == "and" and toks[k + 1].low in lex.tail_nouns:
            k += 2
        return k

    def _modified_tie_noun(self, toks: list[Token], cased: list[str], k: int) -> int | None:
        """End of "naked hostility", "deep mutual suspicion" from ``k`` (after "one of"):
        words in small letters the tables need not know, then a noun of a tie that names
        no person or state, ending the clause; None otherwise ("one of the closest")."""
        lex = self.lex
        n = len(toks)
        m = k
        while m < n and m - k < 3 and _plain_noun(toks, cased, m) and toks[m].low not in lex.heads:
            m += 1
        if m >= n or toks[m].low not in lex.heads:
            # a noun of attitude no table lists ends the phrase: "a wary pragmatism"
            m = next((q for q in range(m - 1, k - 1, -1) if lex.attitude_noun(toks[q].low)), m)
        if m == k or m >= n:
            return None
        head = toks[m].low
        # a noun of attitude no table lists is read by its ending: "a wary pragmatism"
        known = head in lex.heads or lex.attitude_noun(head)
        if not known or head in lex.person_heads or head in lex.kin_heads:
            return None
        if head.endswith("s") and not head.endswith("ness"):
            return None  # "one of many partnerships": a plural after "one of" ranks
        nxt = toks[m + 1].low if m + 1 < n else "."
        return m + 1 if not nxt.isalpha() or nxt in _AFTER_PREDICATE else None

    def _place(self, toks: list[Token], cased: list[str], k: int) -> int | None:
        """End of a title-case place after "in" ("in Asia and the World"), or None."""
        best: int | None = None
        pos = k
        for _ in range(2):
            matched: int | None = None
            for place in self.lex.places:
                words = place.split()
                end = pos + len(words)
                fits = end <= len(toks) and [t.low for t in toks[pos:end]] == words
                if fits and cased[end - 1][:1].isupper() and (matched is None or end > matched):
                    matched = end
            if matched is None:
                break
            best = matched
            if matched < len(toks) and toks[matched].low == "and":
                pos = matched + 1
            else:
                break
        return best

    def _formal_name(
        self, toks: list[Token], cased: list[str], country: list[int], i: int
    ) -> int | None:
        """Where the name of a pair's own partnership starts before the capitalised head
        at ``i``: one or two capitalised words no table knows ("Kente", "Kpaya"), owned
        by the pair: after "a", "their" or "its" ("signed a Kente Partnership"), after
        the pair's compound ("the Benin-Niger Kpaya Partnership") or with the pair
        after "between" ("the Tawantin Partnership between Chile and Peru"). A name
        after a bare "the" is a body's ("the Eastern Partnership"), and in a headline in
        title case every word is capitalised, so none is read there."""
        lex = self.lex
        c = i
        while c > 0 and i - c < 2:
            w, word = toks[c - 1].low, cased[c - 1]
            if country[c - 1] or not word[:1].isupper() or not w.isalpha():
                break
            if w in lex.stop or w in lex.heads or self.kind(w, w) is not None:
                break  # a word the tables know: "Strategic", "Enhanced"
            if w.endswith(_PLACE_NAME_ENDINGS):
                break  # a region's word: "a Pacific Partnership", "an Eastern Partnership"
            c -= 1
        if c == i or c == 0:
            return None
        before = toks[c - 1].low
        if before in ("a", "an", "their", "its"):
            return c
        if country[c - 1] == 1 and "-" in before:
            return c  # "the Benin-Niger Kpaya Partnership"
        n = len(toks)
        if before == "the" and i + 2 < n and toks[i + 1].low == "between" and country[i + 2] == 1:
            return c
        return None

    def _renewed_name(self, toks: list[Token], country: list[int], i: int) -> int | None:
        """Where the name of a partnership starts before the head at ``i`` when the two
        states that open the sentence renew, sign or affirm it: "Fiji, Samoa Renew Talanoa
        Partnership" (a headline, whose capitals tell nothing): one or two words no table
        knows (no sector's, no sport's), after such a verb; None otherwise."""
        c = i
        while c > 0 and i - c < 2:
            w = toks[c - 1].low
            if country[c - 1] or not w.isalpha() or w in _RENEWING:
                break
            if w in self.lex.stop or w in self.lex.heads or self.kind(w, w) is not None:
                return None  # a word the tables know: "energy", "new"
            if w.endswith(_PLACE_NAME_ENDINGS):
                return None  # a region's word: "Renew Pacific Partnership"
            if w in self.lex.sport:
                return None  # a game's: "Renew Rugby Partnership"
            c -= 1
        if c == i or c == 0 or toks[c - 1].low not in _RENEWING:
            return None
        if i + 1 < len(toks) and toks[i + 1].low in self.lex.documents:
            return None  # "Sign Volta Partnership Agreement": a document's name
        return c if _pair_before(toks, country, c - 1) else None

    def _proper_name(
        self, toks: list[Token], cased: list[str], country: list[int], i: int
    ) -> bool:
        """ "the Pacific Alliance", "the Eastern Partnership": a capitalised head after a
        capitalised word that is neither a state nor a modifier names a body, not a tie
        (unless the whole sentence is written in title case, as headlines are)."""
        j = i - 1
        if j < 1 or not cased[i][:1].isupper():
            return False
        if _named_of(toks, cased, country, i):
            # "their Alliance of Andean States": a capitalised "of" name after the head
            return not _title_case_sentence(cased)
        if cased[j] == "the":
            # "partners in the Alliance": a bare head capitalised mid-sentence is a name
            # ("the Entente Cordiale" goes on in capitals and is the tie's own)
            if i + 1 < len(cased) and cased[i + 1][:1].isupper():
                return False
        elif not cased[j][:1].isupper() or country[j]:
            return False
        w = toks[j].low
        lex = self.lex
        if w != "the" and (
            not w.isalpha() or w in lex.stop or w in lex.qualifying or w in lex.neutral
        ):
            return False
        return not _title_case_sentence(cased)

    def _qualifies(self, head: str, run: _Run, tail: bool, heads: list[str]) -> bool:
        lex = self.lex
        if head in lex.kin_heads:
            return run.kin
        if head in lex.level_heads:
            return run.level
        if head in lex.tail_heads:
            return tail
        if not lex.bare_heads.isdisjoint(heads):
            return True
        if head in lex.weak_heads:
            return run.strong
        return run.qualifying or tail

    def _trade_document(self, toks: list[Token], start: int, end: int) -> bool:
        """ "a Comprehensive Economic Partnership Agreement": a trade deal's name."""
        j = _skip_quotes(toks, end)
        if j >= len(toks) or toks[j].low not in self.lex.documents:
            return False
        return any(t.low in _TRADE_WORDS for t in toks[start:end])

    def _inside_document_title(self, toks: list[Token], cased: list[str], start: int) -> bool:
        """True inside "Treaty of Peace, Friendship and Cooperation" and the like."""
        j = start - 1
        steps = 0
        while j >= 1 and steps < 8:
            w = toks[j].low
            if w in ("of", "on") and toks[j - 1].low in _DOC_TITLES and cased[j - 1][:1].isupper():
                return True
            if not (cased[j][:1].isupper() or w in ("and", ",", "of", "the", "-")):
                return False
            j -= 1
            steps += 1
        return False

    def _predicates_past_quotes(
        self,
        toks: list[Token],
        lows: list[str],
        cased: list[str],
        country: list[int],
        quotes: list[tuple[int, int]],
        found: list[Phrase],
        predicates: list[Phrase],
    ) -> list[Phrase]:
        """The predicates the sentence holds when its quote marks are set aside: a quote
        marks whose words they are, not a new part of the sentence ("relations sank to an
        'unprecedented low'", "are in 'a deep crisis'", "are at a 'historic peak'")."""
        keep = [k for k, w in enumerate(lows) if w not in QUOTES]
        where = {k: m for m, k in enumerate(keep)}

        def inward(k: int) -> int:
            # the first kept token at or after ``k``
            while k < len(lows) and k not in where:
                k += 1
            return where.get(k, len(keep))

        moved = [
            Phrase(inward(p.start), inward(p.end), inward(p.head), p.heads)
            for p in found
            if p.gap is None
        ]
        plain = self._predicates(
            [toks[k] for k in keep],
            [lows[k] for k in keep],
            [cased[k] for k in keep],
            [country[k] for k in keep],
            moved,
        )
        out: list[Phrase] = []
        for p in plain:
            start, end, head = keep[p.start], keep[p.end - 1] + 1, keep[p.head]
            if any(q.start < end and start < q.end for q in predicates):
                continue  # read already with the quotes in place
            if any(
                q0 < start < q1 and (lows[q0 + 1] in _LINKING or lows[q0 + 1] in self._negations)
                for q0, q1 in quotes
            ):
                continue  # a quote of the verb too ("'never been stronger'") is left as it is
            out.append(Phrase(start, end, head, p.heads))
        return out

    def _predicates(
        self,
        toks: list[Token],
        lows: list[str],
        cased: list[str],
        country: list[int],
        found: list[Phrase],
    ) -> list[Phrase]:
        """ "Our friendship is unbreakable": the characterising words split from the noun."""
        lex = self.lex
        out: list[Phrase] = []
        if _PREDICATE_HEADS.isdisjoint(lows):
            return out
        taken = {k for p in found for k in range(p.start, p.end) if p.end - p.start > 1}
        # "the comprehensive strategic partnership was at its best": a label's own head
        # may carry a predicate too
        last_heads = {
            p.head
            for p in found
            if p.end == p.head + 1
            and p.end < len(toks)
            and (
                toks[p.end].low in _LINKING
                or toks[p.end].low in (",", "and")
                or _relative_linking(toks, _skip_quotes(toks, p.end))
            )
        }
        n = len(toks)
        for i in [i for i, w in enumerate(lows) if w in _PREDICATE_HEADS]:
            if (i in taken and i not in last_heads) or country[i]:
                continue
            t = toks[i]
            j = self._past_coordinated_heads(toks, i + 1)
            if j < n and toks[j].low in ("with", "between"):
                # "our alliance with Japan is ironclad": skip the partner named in between
                k = j + 1
                while k < n and k < j + 8 and (country[k] or toks[k].low in ("and", "the")):
                    k += 1
                if k > j + 1:
                    j = k
            if j + 1 < n and toks[j].low in _PRONOUN_SUBJECTS and toks[j + 1].low in lex.speech:
                j += 2  # "a bond she said is sealed in blood"
            elif _relative_linking(toks, _skip_quotes(toks, j)):
                j = _skip_quotes(toks, j) + 1  # "a relationship that is at its best"
            j = _past_aside_of_saying(toks, j, lex.speech)  # "ties, the Kremlin said, are"
            j = _past_aside_before_verb(toks, j)  # "the alliance, seventy years old, is"
            if j + 1 < n and toks[j].low == "," and _participle(toks[j + 1].low, cased[j + 1]):
                # "the friendship, built by ... and tended by ..., has grown into"
                commas = [k for k in range(j + 2, min(n, j + 40)) if toks[k].low == ","]
                # the clause may hold commas of its own ("founded by A, B and C, and
                # nurtured by ..."): it ends at the comma before the verb, else the first
                close = next(
                    (k for k in commas if k + 1 < n and toks[k + 1].low in _LINKING),
                    commas[0] if commas else None,
                )
                if close is not None:
                    j = close + 1
            called = self._called_adjectives(toks, cased, i) or self._called_nominal(
                toks, cased, i
            )
            if called is not None:
                out.append(Phrase(called[0], called[1], i, (t.low,)))
                continue
            marked = self._marked_by(toks, cased, j)
            if marked is not None:
                # the heads inside go last: a bare one found on its own is a repeat of this
                inside = tuple(w.low for w in toks[marked[0] : marked[1]] if w.low in lex.heads)
                out.append(Phrase(marked[0], marked[1], i, (t.low, *inside)))
                continue
            described = _described_as(toks, j)
            if described is None and toks[j - 1].low != "as" and _described_before(toks, i, j):
                described = j + 1  # "described the friendship with Laos as sealed in blood"
            moved = False
            if described is not None:
                j = described  # "the alliance, often described in Seoul as ironclad"
            else:
                linking = j
                j = _past_modal_be(toks, j)  # "must be one of 'mutual respect'"
                while j < n and (toks[j].low in _LINKING or toks[j].low in _CONSTITUTES):
                    j += 1
                if j < n and toks[j].low in _MOVED:
                    # "have sunk to their lowest point", "have hit 'an all-time low'"
                    j, moved = _skip_quotes(toks, j + 1), True
                    low_point = _new_low(toks, j)
                    if low_point is not None:
                        out.append(Phrase(low_point[0], low_point[1], i, (t.low,)))
                        continue
                turned = j + 1 < n and toks[j].low in _INTO_VERBS and toks[j + 1].low == "into"
                if j == linking and not turned:  # "ties cooled into": a verb, no copula
                    at = _skip_quotes(toks, j)
                    if at >= n or toks[at].low != "at":
                        continue
                    j = at  # a headline's "ties 'at an all-time high'"
                if _never_been(toks, j) is not None:
                    # "have never been closer": a bare comparison with the tie's past, no
                    # level or kind of tie, as a bare predicate adjective is none
                    continue
                period = self._through_period(toks, cased, j)
                if period is not None:
                    out.append(Phrase(period[0], period[1], i, (t.low,)))
                    continue
            # "is the cornerstone of security", "described ... as the bedrock of"
            nominal = self._nominal(toks, cased, j)
            if nominal is not None:
                out.append(Phrase(nominal[0], nominal[1], i, (t.low,)))
                continue
            j = _skip_quotes(toks, j)
            blood = _in_blood(toks, j)
            if blood is not None:
                out.append(Phrase(j, blood, i, (t.low,)))
                continue
            sealed = _sealed_in(toks, j) if i not in taken else None
            if sealed is not None and cased[sealed - 1][:1].isupper():
                sealed = None  # "sealed in Pyongyang": where it was made, not how
            if sealed is not None:  # (after a label, "was tested by tariffs" is an event)
                out.append(Phrase(j, sealed, i, (t.low,)))
                continue
            if j + 2 < n and toks[j].low in _INTO_VERBS and toks[j + 1].low == "into":
                # "relations have descended into naked hostility": what the tie became
                what = j + 3 if toks[j + 2].low in ("a", "an") else j + 2
                stop = self._modified_tie_noun(toks, cased, what)
                if stop is not None:
                    out.append(Phrase(what, stop, i, (t.low,)))
                    continue
            if j + 2 < n and toks[j].low == "one" and toks[j + 1].low == "of":
                # "relations were one of mutual distrust", "one of 'mutual respect'"
                what = _skip_quotes(toks, j + 2)
                stop = (
                    _quote_to_close(toks, j + 2)
                    or self._tail_phrase(toks, what)
                    or self._modified_tie_noun(toks, cased, what)
                )
                if stop is not None and stop - what > 1:
                    out.append(Phrase(what, stop, i, (t.low,)))
                continue
            best = (
                _best_they_have_been(toks, j)
                or self._in_shape(toks, cased, j)
                or self._in_crisis(toks, cased, j)
            )
            if best is not None:
                out.append(Phrase(best[0], best[1], i, (t.low,)))
                continue
            level = self._at_best(toks, cased, j, moved)
            if level is not None:
                out.append(Phrase(level[0], level[1], i, (t.low,)))
                continue
            start = j
            # "was 'as firm as a rock'": a comparison with "as" on both sides of the
            # adjective, read as the image after it is
            as_image = (
                j + 2 < n
                and toks[j].low == "as"
                and self.kind(toks[j + 1].low, cased[j + 1]) == "qual"
                and toks[j + 2].low == "as"
            )
            if as_image:
                j += 1
            while j < n and toks[j].low in lex.adverbs:
                j += 1
            words_end = j
            has_adjective = False
            apart: list[tuple[int, int]] = []  # "as 'special' and 'enduring'": two labels
            segment = start
            while j < n:
                w = toks[j].low
                if (
                    self.kind(w, cased[j]) == "qual"
                    and w not in self._not_predicates
                    and not (j == start and w.endswith("ing"))  # "is growing": a verb
                ):
                    has_adjective, j = True, j + 1
                    words_end = j
                elif w in ("and", ",") and has_adjective:
                    j += 1
                elif (
                    has_adjective
                    and w in QUOTES
                    and j + 2 < n
                    and toks[j + 1].low in ("and", ",")
                    and toks[j + 2].low in QUOTES
                ):
                    # each adjective in its own quote is a label of its own
                    apart.append((segment, words_end))
                    j = segment = j + 3
                else:
                    break
            if not has_adjective or any(k in taken for k in range(start, words_end)):
                continue
            nxt = toks[words_end].low if words_end < n else "."
            if nxt[:1].isalnum() and nxt not in _AFTER_PREDICATE:
                continue  # "relations are good partners" is found at its own head
            simile = _simile(toks, words_end)
            if simile is not None:
                words_end = simile  # "solid as a rock"
            elif as_image:
                continue  # "as strong as ever": a rating, no image
            elif described is None and not self._epithet(toks, start, words_end):
                continue  # "relations remain tense": how the ties stand, not their name
            if apart and segment < words_end:
                out.extend(Phrase(a, b, i, (t.low,)) for a, b in [*apart, (segment, words_end)])
                continue
            out.append(Phrase(start, words_end, i, (t.low,)))
            gapped = self._gapped_adjectives(toks, cased, country, words_end)
            if gapped is not None and (described is not None or self._epithet(toks, *gapped)):
                # "ties with A are ironclad, with B strained": B's own label
                out.append(Phrase(gapped[0], gapped[1], gapped[0], (t.low,)))
        return out

    def _in_crisis(self, toks: list[Token], cased: list[str], j: int) -> tuple[int, int] | None:
        """ "relations are in crisis", "plunged into its worst crisis in decades", "are
        emerging from 'the deepest crisis in a generation'": the tie said to be in a crisis
        (from token ``j``), with the crisis's modifiers and a "since" or "in decades" tail."""
        n = len(toks)
        k = j + 1 if j < n and toks[j].low in _CRISIS_VERBS else j
        if k + 1 >= n or toks[k].low not in _CRISIS_PREPOSITIONS:
            return None
        k = _skip_quotes(toks, k + 1)
        if k < n and toks[k].low in _CRISIS_DETERMINERS:
            k = _skip_quotes(toks, k + 1)
        start = k
        while k < n and self.kind(toks[k].low, cased[k]) in ("qual", "adverb", "neutral"):
            k += 1
        if k >= n or toks[k].low != "crisis":
            return None
        k += 1
        end = _since_when(toks, k) or _in_years(toks, k) or k
        nxt = toks[_skip_quotes(toks, end)].low if _skip_quotes(toks, end) < n else "."
        return (start, end) if not nxt[:1].isalnum() or nxt in _AFTER_PREDICATE else None

    def _in_shape(self, toks: list[Token], cased: list[str], j: int) -> tuple[int, int] | None:
        """ "ties are in excellent shape", "in good health": a condition the tie is in, with
        the adjectives the tables know, ending the clause (from token ``j``)."""
        n = len(toks)
        if j + 2 >= n or toks[j].low != "in":
            return None
        start = k = j + 1
        while k < n and self.kind(toks[k].low, cased[k]) in ("qual", "adverb"):
            k += 1
        if k == start or k >= n or toks[k].low not in _CONDITIONS:
            return None
        nxt = toks[k + 1].low if k + 1 < n else "."
        return (start, k + 1) if not nxt[:1].isalnum() or nxt in _AFTER_PREDICATE else None

    def _gapped_adjectives(
        self, toks: list[Token], cased: list[str], country: list[int], k: int
    ) -> tuple[int, int] | None:
        """ ", with B strained" after a predicate's adjectives end at ``k``: the adjectives
        that another partner, named after "with", gets with the verb left out."""
        n = len(toks)
        if k + 3 >= n or toks[k].low != "," or toks[k + 1].low != "with":
            return None
        m = k + 2
        if toks[m].low == "the":
            m += 1
        if m >= n or not country[m]:
            return None
        while m < n and country[m]:
            m += 1
        start = m
        while m < n and self.kind(toks[m].low, cased[m]) == "qual":
            m += 1
        nxt = toks[m].low if m < n else "."
        if m == start or (nxt[:1].isalnum() and nxt not in _AFTER_PREDICATE):
            return None
        return start, m

    def _epithet(self, toks: list[Token], start: int, end: int) -> bool:
        """Whether predicate adjectives name the tie ("ironclad", "unbreakable",
        "rock-solid"): a strong modifier, a word of standing ("unique", "exemplary") that no
        "in" or "among" ranks, or a hyphenated compound among them. A rating of how the ties
        stand ("tense", "excellent", "stable", "deeper") is no label."""
        after = _skip_quotes(toks, end)
        ranked = after < len(toks) and toks[after].low in ("in", "among")  # "unique in Europe"
        return any(
            toks[k].low in self.lex.strong
            or (toks[k].low in _STATUS_WORDS and not ranked)
            or "-" in toks[k].low.strip("-")
            for k in range(start, end)
        )

    def _called_adjectives(
        self, toks: list[Token], cased: list[str], i: int
    ) -> tuple[int, int] | None:
        """ "calling the alliance (between the two countries) unshakeable": adjectives the
        tables know, after a verb of calling whose object is the relationship noun at
        ``i``, ending the clause."""
        n = len(toks)
        k = i - 1
        if k < 1 or toks[k].low not in _OBJECT_DETERMINERS or toks[k - 1].low not in _CALLING:
            return None
        start = j = _past_pair_named(toks, cased, i + 1)
        while j < n and (
            (self.kind(toks[j].low, cased[j]) == "qual" and toks[j].low not in self._not_predicates)
            or (j > start and toks[j].low in ("and", ","))
        ):
            j += 1
        while j > start and toks[j - 1].low in ("and", ","):
            j -= 1
        nxt = toks[j].low if j < n else "."
        if j == start or (nxt[:1].isalnum() and nxt not in _AFTER_PREDICATE):
            return None
        return start, j

    def _called_nominal(
        self, toks: list[Token], cased: list[str], i: int
    ) -> tuple[int, int] | None:
        """ "called the alliance (between A and B) the cornerstone of peace and prosperity":
        a metaphor noun after a verb of calling whose object is the relationship noun at
        ``i``, with its modifiers and "of" tail (a scope after it stays out)."""
        if i < 2 or toks[i - 1].low not in _OBJECT_DETERMINERS or toks[i - 2].low not in _CALLING:
            return None
        return self._nominal(toks, cased, _past_pair_named(toks, cased, i + 1))

    def _past_coordinated_heads(self, toks: list[Token], j: int) -> int:
        """ "The friendship, solidarity and comprehensive cooperation between A and B are
        an asset": past the other heads coordinated with the subject's (up to four words
        each), so the predicate after them is found; ``j`` itself when none follows."""
        n = len(toks)
        k = j
        while k < n and toks[k].low in (",", "and"):
            m = k + 1
            while m < n and m <= k + 4 and toks[m].low not in self.lex.heads:
                if not toks[m].low.replace("-", "").isalpha() or toks[m].low == "and":
                    return k if k > j else j
                m += 1
            if m >= n or toks[m].low not in self.lex.heads:
                break
            k = m + 1
        return k

    def _marked_by(self, toks: list[Token], cased: list[str], j: int) -> tuple[int, int] | None:
        """ "..., marked by both kinship and rivalry": what marks the tie."""
        n = len(toks)
        for k in range(j, min(n, j + 12)):
            if toks[k].low in (".", ";"):
                return None
            if toks[k].low in _MARKED and k + 1 < n and toks[k + 1].low == "by":
                start = k + 2
                while start < n and toks[start].low in ("both", "a", "an", "the"):
                    start += 1
                end = start
                while end < n and end < start + 6 and (
                    toks[end].low.isalpha() or toks[end].low == ","
                ) and toks[end].low not in _AFTER_PREDICATE - {"and"}:
                    end += 1
                while end > start and toks[end - 1].low in (",", "and"):
                    end -= 1
                words = [t.low for t in toks[start:end]]
                if not self.lex.heads.isdisjoint(words):
                    return start, end
                return None
        return None

    def _nominal(self, toks: list[Token], cased: list[str], j: int) -> tuple[int, int] | None:
        """ "is the cornerstone of security", "has become a precious asset": a metaphor noun
        said of the relationship, with its modifiers and an "of" tail."""
        n = len(toks)
        opened = j
        j = _skip_quotes(toks, j)
        if j < n and toks[j].low in _ARTICLES:
            j += 1
        j = _skip_quotes(toks, j)
        quoted = any(toks[m].low in QUOTES for m in range(opened, j))
        start = k = j
        while k < n and self.kind(toks[k].low, cased[k]) in ("qual", "adverb"):
            k += 1
        if k >= n or toks[k].low not in self.lex.metaphor_nominals:
            return None
        k += 1
        if k + 1 < n and toks[k].low == "of":
            of_what = self._of_what(toks, cased, k + 1)  # "of stability", "of regional peace"
            if of_what is None and quoted:
                # in a quote, a short "of" phrase up to the closing quote: "the motor of Europe"
                close = next((m for m in range(k + 1, min(n, k + 6)) if toks[m].low in QUOTES), 0)
                if close and all(toks[m].low.isalpha() for m in range(k + 1, close)):
                    of_what = close
            k = of_what or k
        return start, k

    def _of_what(self, toks: list[Token], cased: list[str], k: int) -> int | None:
        """End of "(modifiers) noun (and noun)" after a metaphor noun's "of", or None:
        "of regional security", "of peace and stability"; never "of its policy"."""
        n = len(toks)
        first = k
        while k < n and self.kind(toks[k].low, cased[k]) in ("qual", "neutral"):
            k += 1
        if not _plain_noun(toks, cased, k):
            if k == first or not _plain_noun(toks, cased, k - 1):
                return None
            k -= 1  # the last of them is the noun: "of regional security"
        k += 1
        # "of peace, security and prosperity": a list of abstract nouns, closed by "and"
        m = k
        while m + 1 < n and toks[m].low == "," and self._abstract(toks, cased, m + 1):
            m += 2
        if m > k and m + 1 < n and toks[m].low == "and" and self._abstract(toks, cased, m + 1):
            return m + 2
        if k + 1 < n and toks[k].low == "and" and _plain_noun(toks, cased, k + 1):
            k += 2
        return k

    def _abstract(self, toks: list[Token], cased: list[str], k: int) -> bool:
        """An abstract noun at ``k``, of the kind a tie stands for: "security", "peace"."""
        w = toks[k].low
        return _plain_noun(toks, cased, k) and (w in self.lex.tail_nouns or w.endswith(_ABSTRACT))

    def _through_period(
        self, toks: list[Token], cased: list[str], j: int
    ) -> tuple[int, int] | None:
        """ "are going through an excellent moment", "are enjoying a golden period": the
        modifiers and the noun of time after a verb of passing through."""
        n = len(toks)
        if j < n and toks[j].low in ("going", "passing", "living"):
            j += 1
        if j >= n or toks[j].low not in _THROUGH:
            return None
        found = self._determined_adjective(toks, cased, j + 1)
        if found is None:
            return None
        start, k = found
        while k < n and self.kind(toks[k].low, cased[k]) in ("qual", "adverb"):
            k += 1
        if k >= n or toks[k].low not in _PERIODS:
            return None
        # "best shape since the treaty", "the best period in their history"
        return start, _superlative_scope(toks, start, k + 1) or _since_when(toks, k + 1) or k + 1

    def _determined_adjective(
        self, toks: list[Token], cased: list[str], j: int
    ) -> tuple[int, int] | None:
        """ "their (very) best", "an excellent": a determiner at ``j``, then adverbs and a
        modifier; the start after the determiner and the modifier's index, or None."""
        n = len(toks)
        if (
            j + 1 < n
            and toks[j].low in _HEADLINE_SUPERLATIVES
            and toks[j + 1].low in _LEVEL_NOUNS
        ):
            return j, j  # a headline leaves the determiner out: "ties at best level"
        if j + 1 >= n or toks[j].low not in _AT_DETERMINERS:
            return None
        start = k = j + 1
        while k < n and toks[k].low in self.lex.adverbs:
            k += 1
        if k >= n or self.kind(toks[k].low, cased[k]) != "qual":
            return None
        return start, k

    def _at_best(
        self, toks: list[Token], cased: list[str], j: int, moved: bool = False
    ) -> tuple[int, int] | None:
        """ "at their best ever", "at an all-time high", after a verb of movement "to their
        lowest point", "reached a historic high": the words after the determiner."""
        n = len(toks)
        inside = j < n and toks[j].low == "in"
        if moved and j < n and toks[j].low in _AT_DETERMINERS:
            j -= 1  # "reached their highest level": no preposition
        elif j >= n or (toks[j].low not in (("at", "to") if moved else ("at",)) and not inside):
            return None
        found = self._determined_adjective(toks, cased, _skip_quotes(toks, j + 1))
        if found is None:
            return None
        start, k = found
        if inside and not (
            superlative(toks[k].low) and k + 1 < n and toks[k + 1].low in _DEPTHS
        ):
            return None  # "in their best interest": only a ranked point of time or depth
        k += 1
        if k < n and toks[k].low.isalpha() and toks[k].low not in _AFTER_PREDICATE:
            k += 1  # "best moment", "all-time high"'s noun
        if k < n and toks[k].low in ("ever", "yet"):
            k += 1
        elif k + 1 < n and toks[k].low == "in":
            # "at its best in history", "the highest point in their history"
            m = k + 2 if toks[k + 1].low in ("their", "its", "our") else k + 1
            if m < n and toks[m].low in ("entire", "whole", "long"):
                m += 1  # "the highest point in their entire history"
            if m < n and toks[m].low == "history":
                k = m + 1
        k = _since_when(toks, k) or _in_years(toks, k) or k
        nxt = toks[k].low if k < n else "."
        ends = not nxt.isalpha() or nxt in _AFTER_PREDICATE or nxt in _WHEN
        return (start, k) if ends else None

    def _of_something_else(self, toks: list[Token], k: int) -> bool:
        """A fixed phrase's "of" or "in" phrase (from ``k``) that names no tie: "the
        golden age of football" is not the pair's, "a golden age of relations" is."""
        if k >= len(toks) or toks[k].low not in ("of", "in"):
            return False
        near = {t.low for t in toks[k + 1 : k + 5]}
        return near.isdisjoint(self.lex.heads) and near.isdisjoint(_TIE_WORDS)

    def _fixed(
        self,
        toks: list[Token],
        lows: list[str],
        cased: list[str],
        country: list[int],
        found: list[Phrase],
    ) -> list[Phrase]:
        """Fixed phrases ("golden age", "no limits") outside any phrase already found."""
        out: list[Phrase] = []
        if self._phrase_starts.isdisjoint(lows):
            return out
        taken = {k for p in found for k in range(p.start, p.end)}
        present = set(lows)
        for words in self._phrases:
            first = words[0]
            if first not in present:
                continue  # the common case: one look for its first word ("at", "no")
            size = len(words)
            for i in range(len(lows) - size + 1):
                if lows[i] != first or tuple(lows[i : i + size]) != words or any(
                    k in taken for k in range(i, i + size)
                ):
                    continue
                nxt = _skip_quotes(toks, i + size)
                if nxt < len(toks) and toks[nxt].low in self.lex.heads:
                    continue  # a modifier of the next head, found there
                if self._of_something_else(toks, nxt) and not _in_all_but_name(toks, nxt):
                    continue  # "the golden age of Chilean football"
                end = i + size
                if words in self._turns:
                    # "a new chapter in Peru-Chile ties", "a new era of friendship" (kept)
                    tie_end = self._turn_about_tie(toks, nxt)
                    if tie_end is None or _forecast_before(lows, i):
                        continue
                    if toks[nxt].low == "of":
                        end = tie_end
                if words in _SAID_OF_STATES and not any(country[:i]):
                    continue  # "the two leaders are joined at the hip": persons
                if words in _HISTORY_NAMES and cased[i][:1].isupper() and cased is not lows:
                    continue  # "since the Cold War": the period's name, not a label
                # the modifiers before it are the label's: "a diplomatic ice age", "a new
                # golden era"
                k = i
                while k > 0 and k - 1 not in taken and (
                    lows[k - 1] == "new" or self.kind(lows[k - 1], cased[k - 1]) in _FIXED_MODIFIERS
                ):
                    k -= 1
                out.append(Phrase(k, end, i + size - 1, (words[-1],)))
        return out

    def _turn_about_tie(self, toks: list[Token], k: int) -> int | None:
        """End of the "in" or "of" phrase from ``k`` that says a turn is in a tie: "in
        Franco-Spanish relations", "in ties", "of friendship"; None when there is none."""
        if k >= len(toks) or toks[k].low not in ("in", "of"):
            return None
        heads = self.lex.heads
        for j in range(k + 1, min(k + 7, len(toks))):
            w = toks[j].low
            if w in heads and w not in self.lex.kin_heads:
                return j + 1
            if not (w.isalpha() or "-" in w or w in QUOTES):
                return None  # the phrase ended with no tie in it
        return None


_FIXED_MODIFIERS = frozenset({"qual", "neutral"})
# Roles that "old" qualifies besides the person heads: "an old ally" ("the old alliance" is
# a former one).
_ALLIES = frozenset({"ally", "allies"})
# What ends a change of a tie from one state to another ("from hostility to a truce").
_CHANGE_TO = frozenset({"to", "into"})
# Modals that make a turn in a tie a forecast, not a turn made: "the visit will open a new
# chapter in relations".
_FORECAST = frozenset({"will", "would", "could", "may", "might", "shall"})


def _forecast_before(lows: list[str], i: int) -> bool:
    """Whether a modal stands within the four words before token ``i`` ("will open a")."""
    return not _FORECAST.isdisjoint(lows[max(0, i - 4) : i])
_KIND_OF = frozenset({"kind", "sort", "type"})
# Fixed phrases said of persons as well as of states: a label only with a state named
# before them in the sentence ("Seoul and Tokyo, joined at the hip, ...").
_SAID_OF_STATES = frozenset(
    {("joined", "at", "the", "hip"), ("lips", "and", "teeth"), ("at", "loggerheads")}
)
# Roles that say where a state lies: bare, no label ("Peru and Chile are neighbours").
_PLACE_ROLES = frozenset({"neighbour", "neighbours", "neighbor", "neighbors"})


def _two_fill_quote(toks: list[Token], quotes: list[tuple[int, int]], i: int, end: int) -> bool:
    """Whether the head at ``i`` and a second one ending at ``end`` fill a quote but for an
    article ("'a friend and partner'", "'partners and friends'"): one label for a state in
    two roles; not after "those of", where each noun is its own ("are those of 'comrades
    and brothers'")."""
    for q0, q1 in quotes:
        if q0 < i < q1:
            inside = q1 == end and all(t.low in _ARTICLES for t in toks[q0 + 1 : i])
            return inside and not (q0 >= 1 and toks[q0 - 1].low == "of")
    return False


def _only_where(toks: list[Token], p: Phrase) -> bool:
    """Whether a phrase is a bare place role, alone or with where the two lie: "'a
    neighbour, a friend and ...'", "'neighbours across the sea'"."""
    if toks[p.start].low not in _PLACE_ROLES:
        return False
    return p.end == p.start + 1 or toks[p.start + 1].low in _WHERE_WORDS


_WHERE_WORDS = frozenset({"across", "along", "on", "by", "over", "beside"})
# Whom a role is said to be held with when it is everyone's or no one's: "allies of no
# one", "a friend to all".
_ALL_OR_NONE = frozenset({"none", "nobody", "everyone", "everybody", "all", "anyone", "anybody"})


def _of_all_or_none(toks: list[Token], p: Phrase) -> bool:
    """Whether the role a phrase ends in is held with everyone or with no one ("friends of
    everyone", "an ally of no one", "an ally to none"): a stance, no pair's tie."""
    k = p.head + 1
    if k + 1 >= len(toks) or toks[k].low not in ("of", "to"):
        return False
    m = k + 1
    if toks[m].low == "no" and m + 1 < len(toks) and toks[m + 1].low == "one":
        m += 1
    elif toks[m].low not in _ALL_OR_NONE:
        return False
    nxt = toks[m + 1].low if m + 1 < len(toks) else "."
    return not nxt.isalpha() or nxt in ("and", "but")  # not "a friend of all Chileans"


def _sector_after(toks: list[Token], end: int, sectors: frozenset[str]) -> bool:
    """Whether "on" or "in" and a sector's word follow a role ending at ``end``:
    "partners on energy and migration", "partners in trade"."""
    return (
        end + 1 < len(toks) and toks[end].low in ("on", "in") and toks[end + 1].low in sectors
    )


def _relative_linking(toks: list[Token], j: int) -> bool:
    """Whether "that" or "which" and a linking verb stand at ``j``: "a relationship that
    is at its best", "ties which remain unbreakable"."""
    return (
        j + 1 < len(toks)
        and toks[j].low in ("that", "which")
        and toks[j + 1].low in _LINKING
    )


def _conflict_elsewhere(toks: list[Token], country: list[int], end: int) -> bool:
    """Whether an "in" or "with" phrase after a conflict's head (ending at ``end``) puts
    the conflict elsewhere: "the truce in Sudan", "a feud with the army"; "a standoff
    with Peru" is the pair's."""
    k = _skip_quotes(toks, end)
    if k + 1 >= len(toks):
        return False
    w = toks[k].low
    if w in ("in", "within", "among", "inside"):
        return True
    if w == "with":
        k += 2 if toks[k + 1].low == "the" and k + 2 < len(toks) else 1
        return not country[k]
    return False


def _in_bare_nouns(toks: list[Token], cased: list[str], end: int, close: int) -> bool:
    """ "'brothers in faith and in arms'", "'partners in responsibility'": after a person
    noun, "in" and a bare noun in small letters (no article, place or number), perhaps
    twice, filling the quote to ``close``: what the two are to each other, not a scope."""
    k = end
    while k + 1 < close and toks[k].low == "in":
        w = toks[k + 1].low
        if not (w.isalpha() and cased[k + 1].islower()) or w in _SCOPE_STARTS:
            return False
        if w in _ARTICLES or w in _POSSESSIVES:
            return False
        k += 2
        if k + 2 == close and toks[k].low == "and" and _bare_noun(toks[k + 1].low, cased[k + 1]):
            k += 2  # "'partners in peace and prosperity'": two nouns after one "in"
        elif k + 1 < close and toks[k].low == "and" and toks[k + 1].low == "in":
            k += 1
    return k == close and k > end


def _bare_noun(low: str, cased: str) -> bool:
    """A word in small letters that may be a bare noun: no article, possessive or scope."""
    return (
        low.isalpha()
        and cased.islower()
        and low not in _SCOPE_STARTS
        and low not in _ARTICLES
        and low not in _POSSESSIVES
    )


# Goals two states share, not sectors, though "development partnership" is one:
# "a partner in development" says what the two are to each other.
_SHARED_GOALS = frozenset({"development", "progress", "prosperity", "peace", "growth"})
# Determiners of a relationship noun that is the object of a verb of calling.
_OBJECT_DETERMINERS = frozenset({"the", "their", "its", "our", "this", "bilateral"})
# Words that name the pair after "between" or "with": "between the two countries".
_PAIR_WORDS = frozenset(
    {"the", "two", "both", "and", "countries", "nations", "states", "sides", "neighbours",
     "neighbors", "&"}
)  # fmt: skip


# What a tie is said to be in: "in excellent shape", "in good health".
_CONDITIONS = frozenset({"shape", "health", "condition", "form"})


def _in_blood(toks: list[Token], j: int) -> int | None:
    """End of "rooted in the blood of 1971", "written in the blood of our soldiers" from
    token ``j``: a tie made in blood, with the blood's "of" and one or two words."""
    n = len(toks)
    if j + 3 >= n or toks[j].low not in _SEALED | _ROOTED or toks[j + 1].low not in ("in", "with"):
        return None
    if toks[j + 2].low != "the" or toks[j + 3].low != "blood":
        return None
    k = j + 4
    if k + 1 < n and toks[k].low == "of":
        k += 2
        if k < n and toks[k - 1].low in _POSSESSIVES and toks[k].low.isalpha():
            k += 1
    return k


def _verb_after_subject(toks: list[Token], country: list[int], k: int) -> bool:
    """The word at ``k``, in -ed, follows a state or "they"/"we" with nothing between:
    a verb in the past ("Peru and Chile celebrated friendship"), not a modifier
    ("Chile's cherished friendship")."""
    w = toks[k].low
    if k < 1 or not w.endswith("ed") or not w.isalpha():
        return False
    before = toks[k - 1].low
    return (country[k - 1] == 1 and not before.endswith("'s")) or before in ("they", "we")


def _quote_to_close(toks: list[Token], k: int) -> int | None:
    """End of a short quote of plain words opening at ``k`` (the closing mark's index):
    "one of 'coordination without subordination'" is the whole slogan."""
    if k >= len(toks) or toks[k].low not in QUOTES:
        return None
    for m in range(k + 1, min(len(toks), k + 8)):
        if toks[m].low in QUOTES:
            inner = [t.low for t in toks[k + 1 : m]]
            plain = all(w.replace("-", "").isalpha() for w in inner)
            return m if len(inner) >= 2 and plain and _CLAUSE_WORDS.isdisjoint(inner) else None
    return None


def _past_modal_be(toks: list[Token], j: int) -> int:
    """Past "must be" or "should be" when "one of" follows: what the tie is to be made of
    ("relations must be one of 'coordination without subordination'")."""
    words = [t.low for t in toks[j : j + 4]]
    if len(words) == 4 and words[0] in _MODALS_OF_DUTY and words[1:] == ["be", "one", "of"]:
        return j + 2
    return j


_MODALS_OF_DUTY = frozenset({"must", "should", "ought", "will", "shall"})
# Words after which a quote opens on verbs, never on a name for a tie.
_MODALS_BEFORE_VERBS = _MODALS_OF_DUTY | {"would", "could", "can", "may", "might"}
_ASIDE_VERBS = frozenset({"is", "are", "was", "were", "remains", "remain", "remained"})


def _past_aside_before_verb(toks: list[Token], j: int) -> int:
    """Past a short aside set off by commas at ``j`` and followed by a linking verb ("the
    alliance, more than seventy years old, is ironclad"); ``j`` otherwise."""
    if j >= len(toks) or toks[j].low != ",":
        return j
    for k in range(j + 2, min(len(toks) - 1, j + 9)):
        w = toks[k].low
        if w in (";", ".") or w in QUOTES:
            return j
        if w == ",":
            return k + 1 if toks[k + 1].low in _ASIDE_VERBS or _turns_into(toks, k + 1) else j
    return j


# Verbs by which two states renew or affirm a tie of their own, in a headline's present:
# "Fiji, Samoa Renew Talanoa Partnership". Verbs of a start ("launch", "forge", "seal")
# are left out: what two states launch under a name is as often a firm's or a programme's.
_RENEWING = frozenset(
    {"renew", "renews", "reaffirm", "reaffirms", "upgrade", "upgrades", "sign", "signs",
     "deepen", "deepens", "elevate", "elevates", "celebrate", "celebrates", "revive",
     "revives", "strengthen", "strengthens"}
)  # fmt: skip


def _pair_before(toks: list[Token], country: list[int], v: int) -> bool:
    """Whether the sentence opens with two states and nothing else before the verb at
    ``v``, as headlines do: "Fiji, Samoa Renew", "Ghana and Togo Sign"."""
    mentions, k = 0, 0
    while k < v:
        if country[k] == 1:
            mentions += 1
            while k < v and country[k] == 1:
                k += 1
        elif toks[k].low in (",", "and", "&") and mentions == 1:
            k += 1
        else:
            return False
    return mentions == 2


# Words that open a new clause, where "its" looks back no further: "said", "that". Only
# verbs of saying that take a clause: "praised Peru for its" keeps Peru in the clause.
_ITS_CLAUSE_OPENERS = frozenset(
    {";", ":", "that", "which", "while", "whereas", "but", "said", "says", "say", "added",
     "adds", "stated", "noted", "stressed"}
)  # fmt: skip


def its_of_several(lows: list[str], country: list[int], k: int) -> bool:
    """Whether ``k`` is an "its" that two or more states named before it in its clause
    may stand for: "Cuba praised Venezuela for its solidarity with ..." (whose?)."""
    if k < 0 or lows[k] != "its":
        return False
    mentions = 0
    j = k - 1
    while j >= 0 and lows[j] not in _ITS_CLAUSE_OPENERS:
        if country[j] == 1 and (j == 0 or country[j - 1] != 1):
            mentions += 1
        j -= 1
    return mentions >= 2


def _toward_state(toks: list[Token], country: list[int], k: int) -> bool:
    """ "with Cuba", "toward the Philippines": a preposition of attitude at ``k`` and a
    state right after it."""
    if k + 1 >= len(toks) or toks[k].low not in ("with", "toward", "towards"):
        return False
    m = k + 2 if toks[k + 1].low == "the" else k + 1
    return m < len(toks) and country[m] == 1


def _turns_into(toks: list[Token], k: int) -> bool:
    """ "have thawed into", "soured into": a verb of a tie turning at ``k``, with "into"."""
    if k < len(toks) and toks[k].low in ("have", "has", "had"):
        k += 1
    return k + 1 < len(toks) and toks[k].low in _INTO_VERBS and toks[k + 1].low == "into"


def _past_aside_of_saying(toks: list[Token], j: int, speech: frozenset[str]) -> int:
    """Past an aside of saying that opens at the comma ``j`` ("ties, the Kremlin said,
    are ..."): up to six words ending in a verb of saying and a comma; ``j`` otherwise."""
    if j >= len(toks) or toks[j].low != ",":
        return j
    for k in range(j + 2, min(len(toks) - 1, j + 8)):
        w = toks[k].low
        if w in (",", ";", ".") or w in QUOTES:
            return j
        if w in speech and toks[k + 1].low == ",":
            return k + 2
    return j


def _uncounted_hostile(toks: list[Token], start: int, i: int) -> bool:
    """ "hostile states", "rival nations" with no "two" or "both" before: states of a kind,
    not the pair ("the two rival nations", "'two hostile states'" are the pair)."""
    if start + 1 != i or toks[start].low not in ("hostile", "rival"):
        return False
    return start < 1 or toks[start - 1].low not in ("two", "both")


def _glossed_by(
    toks: list[Token],
    country: list[int],
    q0: int,
    q1: int,
    found: list[Phrase],
    heads: frozenset[str],
) -> Phrase | None:
    """The label set right after the quote ``q0``-``q1`` as its gloss, between commas or
    ending the sentence ("a 'Shonali Adhyay', a golden chapter, ..."), when the quote holds
    a short name of plain words; else None."""
    words = toks[q0 + 1 : q1]
    if not 1 <= len(words) <= 5 or any(country[q0 + 1 : q1]):
        return None
    if not all(t.low.replace("-", "").isalpha() for t in words):
        return None
    if any(t.low in _POSSESSIVES or t.low in _FUNCTION_WORDS or t.low in heads for t in words):
        return None  # "'our friend', a strategic partner": no name, a label of its own
    k = q1 + 1
    if k >= len(toks) or toks[k].low != ",":
        return None
    k += 1
    if k < len(toks) and toks[k].low in _ARTICLES:
        k += 1
    gloss = next((p for p in found if p.start == k), None)
    if gloss is None or gloss.end >= len(toks):
        return gloss
    return gloss if toks[gloss.end].low in (",", ".", ";") else None


def _two_bare_persons(toks: list[Token], a: int, b: int, persons: frozenset[str]) -> bool:
    """Tokens [a, b) are two bare person nouns joined by "and": "comrades and brothers"."""
    return (
        b - a == 3
        and toks[a + 1].low == "and"
        and toks[a].low in persons
        and toks[a + 2].low in persons
    )


def _past_saying_aside(toks: list[Token], k: int) -> int:
    """From a comma at ``k`` that closes an aside of saying (", the two parties say,"),
    the token before the aside; ``k`` itself otherwise."""
    if k < 3 or toks[k].low != ",":
        return k
    if toks[k - 1].low not in ("say", "says", "said", "insist", "insists", "argue", "argues"):
        return k
    m = next((m for m in range(k - 2, max(0, k - 8), -1) if toks[m].low == ","), None)
    return m - 1 if m is not None and m > 0 else k


def _compound_after_article(toks: list[Token], i: int) -> bool:
    """ "the Hispano-Moroccan relationship of trust": a hyphenated compound between the
    article and the head, as the pair is written inside the phrase."""
    return i > 1 and "-" in toks[i - 1].low and toks[i - 2].low in _ARTICLES


def _best_they_have_been(toks: list[Token], j: int) -> tuple[int, int] | None:
    """ "relations are the best they have (ever) been (in decades)", "is second to none":
    a superlative said of the tie by a clause of its own, from token ``j``."""
    n = len(toks)
    j = _skip_quotes(toks, j)
    words = [t.low for t in toks[j : j + 3]]
    if words == ["second", "to", "none"]:
        return j, j + 3
    if j + 4 >= n or toks[j].low != "the" or toks[j + 1].low not in _BEST_WORDS:
        return None
    k = j + 2
    if toks[k].low not in ("they", "it") or toks[k + 1].low not in ("have", "has"):
        return None
    k += 2
    if k < n and toks[k].low == "ever":
        k += 1
    if k >= n or toks[k].low != "been":
        return None
    k += 1
    k = _since_when(toks, k) or _in_years(toks, k) or k
    return j + 1, k


_BEST_WORDS = frozenset(
    {"best", "worst", "strongest", "closest", "warmest", "coldest", "deepest", "lowest"}
)


def _hedge_at(toks: list[Token], k: int) -> bool:
    """ "in name only" or "in all but name" at ``k``."""
    return [t.low for t in toks[k : k + 3]] == ["in", "name", "only"] or _in_all_but_name(toks, k)


def _in_all_but_name(toks: list[Token], k: int) -> bool:
    """ "a cold war in all but name": a hedge that grants the phrase, not a scope."""
    return [t.low for t in toks[k : k + 4]] == ["in", "all", "but", "name"]


# Fixed phrases that, capitalised, name a period of history ("after the Cold War").
_HISTORY_NAMES = frozenset({("cold", "war")})

# "sealed in blood", "written with blood", "forged in battle": how a tie was made, said of it.
_SEALED_WORDS = """
sealed written forged cemented tempered tested proven bound steeled baptised baptized
"""
_SEALED = frozenset(_SEALED_WORDS.split())


def _sealed_in(toks: list[Token], j: int) -> int | None:
    """End of "sealed in blood" (a participle, in/with/by, one noun) from token ``j``."""
    if j + 2 >= len(toks) or toks[j].low not in _SEALED:
        return None
    if toks[j + 1].low not in ("in", "with", "by"):
        return None
    k = j + 2
    if toks[k].low in _ARTICLES:
        k += 1
    if k >= len(toks) or not toks[k].low.isalpha() or len(toks[k].low) < 3:
        return None
    k += 1
    nxt = toks[k].low if k < len(toks) else "."
    return k if not nxt.isalpha() or nxt in ("and", "that", "which", "since") else None


# "good as a rule", "stable as a whole": "as a" that says how the claim holds, no image.
_NOT_SIMILES = frozenset({"rule", "whole", "result", "matter", "consequence", "sign", "means"})


def _simile(toks: list[Token], k: int) -> int | None:
    """ "solid as a rock", "firm as a mountain": a comparison with one noun after the
    predicate's adjectives ending at ``k``, where it ends; none when the clause goes on."""
    n = len(toks)
    if k + 2 >= n or toks[k].low != "as" or toks[k + 1].low not in ("a", "an"):
        return None
    noun = toks[k + 2].low
    if not noun.isalpha() or noun in _SMALL_WORDS or noun in _NOT_SIMILES:
        return None
    nxt = toks[k + 3].low if k + 3 < n else "."
    if nxt[:1].isalnum() and nxt not in _AFTER_PREDICATE:
        return None
    return k + 3


_COMPARATIVES = frozenset({"better", "closer", "greater", "stronger", "truer", "firmer"})


def _comparative(w: str) -> bool:
    """ "closer", "deeper", "more": a word that asks for more of something."""
    return w in _COMPARATIVES or w in ("more", "deeper", "wider", "broader", "further")
_SUPERLATIVE = re.compile(r"best|closest|greatest|oldest|firmest|[a-z]+est")
_NEIGHBOURS = frozenset({"neighbours", "neighbors", "friends", "allies", "partners"})


# Words that make a fixed phrase's "of" phrase about a tie: "a golden age of bilateral ties".
_TIE_WORDS = frozenset({"bilateral", "diplomatic", "mutual"})
# What a level of a relationship is a level of: "the highest degree of mutual trust".
# What stands after "a level of" before a tie named on its own: "the excellent level of
# the strategic partnership" rates a label, the label is the tie's.
_A_TIE_NAMED = (["the"], ["their"], ["its"], ["our"], ["this"])
_LEVEL_OF = frozenset(
    {"trust", "confidence", "understanding", "friendship", "partnership", "solidarity"}
)
# What may stand before a participle that modifies a head: "an estranged neighbour".
_BEFORE_PARTICIPLE = frozenset(
    {"a", "an", "the", "their", "its", "our", "this", "that", "are", "remain", "remains",
     "were", "be", "been", "become", "became", "and", ","}
)  # fmt: skip
# Participles of what is done to a label, not what it is: "the signed partnership".
_EVENT_PARTICIPLES = frozenset(
    {"signed", "agreed", "announced", "planned", "proposed", "mentioned", "said", "named",
     "called", "so-called", "established", "launched", "upgraded", "elevated", "expanded",
     "renewed", "restored", "improved", "revived", "formed", "created", "discussed",
     "needed", "required", "expected", "based", "reported", "alleged", "rumoured",
     "rumored", "claimed", "desired", "intended", "envisaged", "envisioned", "sought",
     "touted", "vaunted", "stated", "declared", "described", "promised", "pledged",
     "continued", "increased", "reduced", "limited", "related", "associated", "concerned",
     "involved", "combined", "united", "shared", "aforementioned", "abovementioned",
     "cited", "quoted"}
)  # fmt: skip
# Heads that take "in arms": "brothers in arms", "comrades in arms", "brotherhood in arms".
_IN_ARMS = frozenset(
    {"brothers", "brother", "comrades", "comrade", "brotherhood", "comradeship", "allies",
     "partners", "sisters"}
)  # fmt: skip
# Words a title-case headline leaves in lower case.
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "as"}
)
_MARKED = frozenset({"characterized", "characterised", "marked", "defined"})
_DEGREE = frozenset({"less", "more", "very", "increasingly"})
_BEFORE_PREDICATE_NOUN = frozenset(
    {"also", "but", ",", "not", "just", "only", "merely", "always", "truly", "now", "still",
     "and", "real", "true", "like"}
)
_AUXILIARIES = frozenset({"have", "has", "had", "always", "long", "also", "still", "truly"})
_COPULAS = frozenset(
    {"are", "were", "remain", "remained", "became", "become", "been", "form", "formed"}
)
# Words between a copula and a singular head said of states: "are one big family".
_ONE_OF_A_KIND = frozenset(
    {"a", "an", "the", "one", "big", "single", "same", "united", "twin", "two"}
)


def _as_plural(toks: list[Token], i: int) -> bool:
    """ "as friends", "call each other brothers": a plural person noun right after "as" or
    "each other"."""
    if not toks[i].low.endswith("s") or i < 1:
        return False
    j = i - 1 if toks[i - 1].low != "as" else i - 2
    each_other = j > 0 and (toks[j - 1].low, toks[j].low) == ("each", "other")
    return toks[i - 1].low == "as" or each_other


def _after_the_two(toks: list[Token], cased: list[str], start: int) -> bool:
    """Whether the phrase at ``start`` names the pair after "the two" as a figure: quoted
    or past a capitalised word of a region or group ("the two Commonwealth 'cousins'",
    "the two Andean cousins"); plain "the two cousins" are persons, and so are two
    "of" someone ("the two cousins of the king")."""
    k = start - 1
    quoted = marked = False
    while k > 1 and (toks[k].low in QUOTES or cased[k][:1].isupper()):
        quoted = quoted or toks[k].low in QUOTES
        marked = marked or cased[k][:1].isupper()
        k -= 1
    if not (quoted or marked) or k < 1 or toks[k].low != "two" or toks[k - 1].low != "the":
        return False
    end = start + 1
    while end < len(toks) and toks[end].low in QUOTES:
        end += 1
    return end >= len(toks) or toks[end].low != "of"


def _ends_role_list(toks: list[Token], start: int, heads: frozenset[str]) -> bool:
    """Whether the phrase at ``start`` ends a list of roles after a comma and "and", the
    first with a modifier of its own: "our closest friend, ally and family"; the list's
    roles say the last is one too (bare nouns alone, "a friend, ally and family", are
    one label the phrase finder does not split)."""
    return (
        start >= 5
        and toks[start - 1].low == "and"
        and toks[start - 2].low in heads
        and toks[start - 3].low == ","
        and toks[start - 4].low in heads
        and toks[start - 5].low not in _LIST_DETERMINERS
        and toks[start - 5].low.isalpha()
    )


# Words before a list's first role that are no modifier of it.
_LIST_DETERMINERS = frozenset(
    {"a", "an", "the", "our", "its", "their", "his", "her", "my", "your", "and", "or", "as"}
)


def _said_of_states(toks: list[Token], country: list[int], i: int, start: int = -1) -> bool:
    """A head said of states as subject: "A and B are (also) brothers", a plural head or
    one with an article ("A and B are one family", "form a tandem"); the phrase starts at
    ``start`` (the head itself by default)."""
    start = i if start < 0 else start
    k = start - 1
    if k >= 0 and toks[k].low in _ONE_OF_A_KIND:
        while k >= 0 and toks[k].low in _ONE_OF_A_KIND:
            k -= 1  # "are one big family", "formed a tandem"
    elif not toks[i].low.endswith("s"):
        return False
    if k > 0 and toks[k].low in ("just", "only", "merely") and toks[k - 1].low == "not":
        return False  # "not only neighbours, but also brothers": the first is played down
    i = k + 1
    k = i - 1
    while k >= 0 and i - k <= 8 and (
        toks[k].low in _BEFORE_PREDICATE_NOUN or (toks[k].low.endswith("s") and k < i - 1)
    ):
        if toks[k].low in _COPULAS:
            break
        k -= 1
    if k <= 0 or toks[k].low not in _COPULAS:
        return False
    k -= 1
    while k > 0 and (toks[k].low in _AUXILIARIES or toks[k].low in QUOTES):
        k -= 1  # "have always been"
    # "A and B share one ocean, we are cousins": the pair named just before speaks
    return country[k] == 1 or (toks[k].low == "we" and _pair_named_before(toks, country, k))


# The most words of a transcript speaker's label: "SPOKESPERSON MAO NING:".
_LABEL_WORDS = 5


def we_are_in_turn(toks: list[Token], cased: list[str], i: int) -> bool:
    """A plural head right after "we are" in a sentence a speaker's label in capitals
    opens: "STARMER: We are partners". In a turn "we" is the speaker's state, and the
    pair is the speaker's with the one named around it (the extractor decides which).
    The head ends the clause: "we are partners in this fight" names a task."""
    if not toks[i].low.endswith("s") or i < 4 or [t.low for t in toks[i - 2 : i]] != ["we", "are"]:
        return False
    if i + 1 < len(toks) and (toks[i + 1].low.isalpha() and toks[i + 1].low != "and"):
        return False
    colon = next((c for c in range(1, min(i - 2, _LABEL_WORDS + 1)) if toks[c].low == ":"), None)
    if colon is None:
        return False
    return all(word.isupper() for word in cased[:colon])


def _called_owned(toks: list[Token], country: list[int], j: int) -> bool:
    """Token ``j`` is a state's possessive right after a verb of calling and its object,
    a state or a description of one: "calling the emirate Oman's 'big brother'", "called
    Ghana Togo's 'elder brother'". The role the object is to the owner."""
    if j < 2 or country[j] != 1 or not toks[j].low.endswith("'s"):
        return False
    k = j - 1
    if country[k] != 1:
        return False
    while k >= 0 and country[k] == 1:
        k -= 1
    if k >= 0 and toks[k].low == "the":
        k -= 1
    return k >= 0 and toks[k].low in _CALLING


# A singular copula before the speaker's word for one state: "Iraq is our brother".
_ONE_STATE_COPULAS = frozenset({"is", "remains", "was"})
# Words of age that make a kin noun an image of standing: "our big brother".
_KIN_AGE = frozenset({"big", "elder", "older", "younger", "little"})
_AGED_KIN = frozenset({"brother", "sister"})
# Kin nouns said of one state bare, with no "our": "New Zealand is family".
_BARE_KIN = frozenset({"family"})


def _ours_said_of_state(
    toks: list[Token], country: list[int], start: int, i: int, head: str
) -> int | None:
    """Where the label starts when a kin or friend noun is said of one state with "our"
    (or bare "family"), the state right before a singular copula: "Iraq is our brother",
    "Ghana is our big brother", "New Zealand is family". None otherwise: "he is our
    friend" is a person's, "Chile and Peru are our friends" is read as a list."""
    if head not in _AGED_KIN and head not in _BARE_KIN and head not in _SPEAKERS_ROLES:
        return None
    if start == i and it_is_role(toks, start):
        return start
    k = start - 1
    if head in _AGED_KIN and start == i and k >= 0 and toks[k].low in _KIN_AGE:
        start, k = k, k - 1  # "our big brother": the image keeps its word of age
    if head in _BARE_KIN and start == i and _we_are(toks, country, k):
        return start  # "A and B share a river; we are family": the pair named before
    if k >= 0 and toks[k].low == "our":
        k -= 1
    elif head not in _BARE_KIN:
        return None
    while k >= 0 and toks[k].low in QUOTES:
        k -= 1
    if k < 1 or toks[k].low not in _ONE_STATE_COPULAS:
        return None
    k -= 1
    if country[k] != 1:
        return None
    # one state, not the last of several joined ("Chile and Peru is ...")
    j = k
    while j >= 0 and country[j] == 1:
        j -= 1
    if j >= 0 and toks[j].low in ("and", "&", "'s"):
        return None
    return start


def _we_are(toks: list[Token], country: list[int], k: int) -> bool:
    """Tokens up to ``k`` end with "we are" after two states joined by "and" in the words
    before: "Chile and the Argentine Republic are neighbours; we are"."""
    if k < 1 or toks[k].low != "are" or toks[k - 1].low != "we":
        return False
    k -= 1
    return any(
        country[m] == 1
        and toks[m + 1].low in ("and", "&")
        and (country[m + 2] == 1 or (toks[m + 2].low == "the" and country[m + 3] == 1))
        for m in range(max(0, k - 12), k - 2)
    )


def it_is_role(toks: list[Token], start: int) -> bool:
    """ "It is a brother", "it is our friend": a role of the speaker's words said of "it"
    opening a clause, with "a" or "our"; whether "it" is a state the speaker named
    just before is the extractor's to decide."""
    if toks[start].low not in _SPEAKERS_ROLES:
        return False
    k = start - 1
    while k >= 0 and toks[k].low in QUOTES:
        k -= 1
    if k < 2 or toks[k].low not in ("a", "an", "our"):
        return False
    if toks[k - 1].low not in _ONE_STATE_COPULAS or toks[k - 2].low != "it":
        return False
    return k == 2 or not toks[k - 3].low.isalpha()


# The speaker's words for one state with "our" that name a tie: kin and friends, not
# ranks ("our largest partner" is read as today) nor places ("our neighbour").
_SPEAKERS_ROLES = frozenset(
    {"brother", "sister", "friend", "ally", "family", "cousin", "twin", "comrade"}
)


def _level_on(toks: list[Token], start: int) -> bool:
    """ "the Treaty on Comprehensive Strategic Partnership", "a Charter on Strategic
    Partnership": a document "on" a level names the level the states agreed on."""
    k = start - 1
    while k > 0 and (toks[k].low in QUOTES or toks[k].low == "the"):
        k -= 1
    return k >= 1 and toks[k].low == "on" and toks[k - 1].low in _DOC_TITLES


def _set_beside_pair(toks: list[Token], country: list[int], start: int) -> bool:
    """A phrase set beside two states as an apposition: "Kenya and Uganda, (the)
    'Siamese twins' of the lake, ...", "A and B, close cousins, ..."."""
    k = start - 1
    while k > 0 and (toks[k].low in QUOTES or toks[k].low in _ARTICLES):
        k -= 1
    if k < 3 or toks[k].low != "," or country[k - 1] != 1:
        return False
    m = k - 1  # the pair's first token: not a place after a preposition ("In A and B, ...")
    while m > 0 and (country[m - 1] == 1 or toks[m - 1].low in ("and", "&")):
        m -= 1
    if m > 0 and toks[m - 1].low in _PREPOSITIONS:
        return False
    return _pair_named_before(toks, country, k)


def _pair_named_before(toks: list[Token], country: list[int], k: int) -> bool:
    """Two states joined by "and" in the few words before token ``k``: "A and B"."""
    return any(
        country[m] == 1 and toks[m + 1].low in ("and", "&") and country[m + 2] == 1
        for m in range(max(0, k - 12), k - 2)
    )


def _compound_before(toks: list[Token], country: list[int], i: int) -> bool:
    """A compound of states ends right before token ``i``: "Franco-German", "U.S.-Japan"."""
    if i < 1 or country[i - 1] != 1:
        return False
    return "-" in toks[i - 1].low or (i > 2 and toks[i - 2].low == "-" and country[i - 3] == 1)


# Ties that a compound of the pair right before them makes a label with no modifier,
# when the noun phrase ends there ("the Chile-Peru friendship has lasted"); a noun after
# them makes them a modifier ("a Chile-Peru friendship match", "friendship treaty").
_COMPOUND_TIES = frozenset({"friendship", "friendships", "brotherhood"})
# Verbs a tie takes as the subject of its clause ("has lasted", "was tested", "survived"):
# those of an event, a place or a body do not make it the pair's ("the Chile-Peru
# friendship ended 2-0", "will be played in Arica", "opened a new hall").
_TIE_VERBS = frozenset(
    {"lasted", "lasts", "endured", "endures", "survived", "survives", "tested", "deepened",
     "deepens", "grown", "grew", "grows", "weathered", "withstood", "withstands", "soured",
     "cooled", "frayed", "strained", "blossomed", "flourished", "thrived", "faltered",
     "dates", "runs", "ran", "spans", "spanned", "matters", "mattered", "last", "endure",
     "survive", "outlast", "outlasted", "outlive", "outlived", "deepen", "grow", "weather",
     "withstand", "sour", "cool", "fray", "strain", "blossom", "flourish", "thrive", "falter",
     "matter", "span"}
)  # fmt: skip
# Words between such a tie and its verb: "has long survived", "will still endure".
_BEFORE_TIE_VERB = frozenset(
    {"has", "had", "have", "will", "would", "can", "could", "may", "might", "must",
     "should", "still", "now", "again", "long", "been", "be", "only", "always", "never"}
)  # fmt: skip


def _compound_tie_ends(toks: list[Token], k: int) -> bool:
    """The noun phrase ends before token ``k`` as the subject of a tie's verb ("tested",
    "has lasted"), perhaps past an aside ("the friendship, forged in war, has endured"), or
    the sentence or a quote ends there. Not before a linking verb, whose predicate is the
    label then ("remains a treasure", "is 'made of steel'"), nor an aside that names a
    thing ("the US-Mexico friendship, the park at the border, ...")."""
    n = len(toks)
    if k >= n:
        return True
    low = toks[k].low
    if low == ",":
        if k + 1 < n and toks[k + 1].low in ("a", "an", "the"):
            return False
        m = next((m for m in range(k + 1, min(n, k + 12)) if toks[m].low == ","), None)
        if m is None or m + 1 >= n:
            return True
        k = m + 1
    elif not low.isalnum():
        return True
    while k < n and toks[k].low in _BEFORE_TIE_VERB:
        k += 1
    return k < n and toks[k].low in _TIE_VERBS



# the second half of "nuclear-armed", "oil-rich", "gas-producing": a compound that says
# what each state has or makes, not what the tie between them is
_HAVING_ENDS = frozenset(
    {"armed", "rich", "poor", "producing", "exporting", "importing", "dependent", "powered",
     "capable", "starved", "hungry"}
)  # fmt: skip
# the words of the formula that greets two nations' people ("the brotherly peoples of A
# and B", "fraternal peoples"): it speaks of the populations, not of the tie between the
# states; "twin peoples" and "kindred peoples" say the two are alike or of one origin, as
# "twins" does, and stay labels
_GREETING_KIN = frozenset({"brotherly", "fraternal", "brother", "friendly", "sister", "sisterly"})


def _greets_peoples(words: list[str]) -> bool:
    """ "brotherly peoples", "fraternal peoples with one history": the formula for two
    nations' people, with whatever follows it."""
    if "peoples" not in words:
        return False
    at = words.index("peoples")
    return at >= 1 and all(w in _GREETING_KIN for w in words[:at])


# a perfect's auxiliary: "has strained", "had frozen"
_PERFECT = frozenset({"has", "have", "had"})
_PERFECT_FORMS = frozenset({"frozen", "broken", "shaken"})
# what the relative "that" or "which" may stand for when its clause says what a state has:
# "a country that has strained ties with B"
_STATE_ANTECEDENTS = frozenset(
    {"country", "countries", "nation", "nations", "state", "states", "government",
     "governments", "kingdom", "republic", "neighbour", "neighbor", "ally"}
)  # fmt: skip


def _perfect_of_a_cause(toks: list[Token], country: list[int], j: int) -> bool:
    """Whether the qualifying word at ``j`` is the verb of a perfect whose subject is what
    caused it: "a row that has strained ties", "a dispute which had frozen relations".
    "A country that has strained ties with B" has them: a state antecedent keeps the label.
    """
    w = toks[j].low
    if not (w.endswith("ed") or w in _PERFECT_FORMS) or j < 3:
        return False
    if toks[j - 1].low not in _PERFECT or toks[j - 2].low not in ("that", "which"):
        return False
    before = j - 3
    return not country[before] and toks[before].low not in _STATE_ANTECEDENTS


def _participle(low: str, cased: str, ing: bool = False) -> bool:
    ends = ("ed", "ing") if ing else ("ed",)
    return len(low) > 4 and low.endswith(ends) and low.isalpha() and cased[1:] == low[1:]


def _source_of_another(toks: list[Token], start: int, found: list[Phrase]) -> bool:
    """ "a partnership rooted in ancient historical ties": the roots are not the label."""
    for j in range(start - 1, max(0, start - 5), -1):
        w = toks[j].low
        if w == "in" and toks[j - 1].low in _ROOTED:
            return any(p.end >= j - 1 for p in found)
        if not w.isalpha() and w not in QUOTES:
            return False
    return False


_ROOTED = frozenset({"rooted", "grounded", "steeped", "anchored", "embedded"})


def _of_quality(toks: list[Token], cased: list[str], k: int) -> int | None:
    """End of "of convenience", "of upheaval": one abstract noun that ends the phrase
    ("an alliance of convenience", "an axis of upheaval"), or None."""
    if not _plain_noun(toks, cased, k):
        return None
    w = toks[k].low
    if not (w.endswith(_ABSTRACT) or w in _QUALITY_NOUNS):
        return None
    nxt = toks[k + 1].low if k + 1 < len(toks) else "."
    ends = nxt in _AFTER_PREDICATE or nxt in _LINKING or _participle(nxt, nxt) or nxt in (
        "built", "made", "born", "that", "which"
    )
    if nxt.isalpha() and not ends:
        return None  # "a partnership of opposition parties"
    return k + 1


_ABSTRACT = ("ence", "ance", "ity", "ness", "ism", "dom")
# formula nouns without those endings: "axis of upheaval", "partnership of equals"
_QUALITY_NOUNS = frozenset({"upheaval", "equals", "evil"})


def _plain_noun(toks: list[Token], cased: list[str], k: int) -> bool:
    """A lower-case word that may be a noun: not a determiner, preposition or pronoun."""
    if k >= len(toks):
        return False
    w = toks[k].low
    return w.isalpha() and cased[k] == w and w not in _FUNCTION_WORDS


_FUNCTION_WORDS = frozenset(
    {
        "a", "an", "the", "its", "their", "our", "his", "her", "my", "your", "this", "that",
        "these", "those", "and", "or", "but", "in", "on", "at", "for", "with", "by", "to",
        "from", "of", "as", "it", "they", "we", "which", "who", "what", "both", "all", "any",
        "each", "every", "some", "such", "not", "is", "are", "was", "were", "be", "been",
    }
)  # fmt: skip


def _subject_of_others(toks: list[Token], cased: list[str], country: list[int], start: int) -> bool:
    """ "Safaricom and Orange announced a strategic alliance" (before the two presidents):
    the subject of the verb that makes or holds the label names no state, only other
    bodies; the label is theirs, whoever witnessed it."""
    k = start - 1
    while k >= 0 and toks[k].low in _ARTICLES:
        k -= 1
    if k < 0 or toks[k].low not in _DEAL_VERBS:
        return False
    k -= 1
    while k >= 0 and (toks[k].low in _AUXILIARIES or toks[k].low.endswith("ly")):
        k -= 1  # "have long had", "recently signed"
    end = k + 1
    while k >= 0 and end - k <= 8 and toks[k].low not in (",", ";", ":", "(", ")", "-"):
        k -= 1
    subject = range(k + 1, end)
    if not subject or any(country[k + 1 : end]):
        return False
    if all(toks[m].low in QUOTES or toks[m].low in _PERSONAL_PRONOUNS for m in subject):
        return False  # '"We have no closer friend than Chile"': the speaker's state
    # a name inside the subject (not its first word, which a sentence capitalises anyway)
    return any(cased[m][:1].isupper() and toks[m].low.isalpha() for m in subject if m > k + 1) or (
        end - k > 1 and cased[k + 1][:1].isupper() and k + 1 > 0
    )


_PERSONAL_PRONOUNS = frozenset({"we", "i", "you", "they", "he", "she", "it"})


def _compared_with_others(
    toks: list[Token], cased: list[str], country: list[int], start: int, end: int
) -> bool:
    """ "more natural allies than Paris and London were": a comparison with other
    states or persons ranks the pair, it does not name its tie ("closer partners than
    ever" does)."""
    j = _skip_quotes(toks, end)
    if j >= len(toks) or toks[j].low != "than":
        return False
    words = [t.low for t in toks[start:end]]
    if words[0] == "no":
        return False  # "no better friend than Singapore": the partner, not another pair
    if not any(w in _DEGREE or w in _COMPARATIVES or w.endswith("er") for w in words):
        return False
    for k in range(j + 1, min(len(toks), j + 5)):
        if country[k] or cased[k][:1].isupper():
            return True
        if toks[k].low not in _BEFORE_OTHERS:
            return False
    return False


# Words between "than" and the others compared: "than were Trump and Merkel".
_BEFORE_OTHERS = frozenset(
    {"were", "was", "are", "is", "the", "those", "with", "between", "its", "their", "any",
     "other", "former", "previous"}
)  # fmt: skip
# Verbs that make or hold a label for their subject: "A and B signed a partnership".
_DEAL_VERBS = frozenset(
    {
        "signed", "sign", "signs", "formed", "form", "forms", "announced", "announce",
        "announces", "agreed", "launched", "launch", "launches", "struck", "strike", "inked",
        "sealed", "unveiled", "entered", "established", "forged", "forge", "have", "has",
        "had", "share", "shares", "shared", "built", "created", "expanded", "deepened",
        "renewed", "extended", "concluded", "agree",
    }
)  # fmt: skip


# How many tokens a quoted postmodifier may run after its phrase.
_QUOTED_REST = 10
# Words that open a postmodifier kept inside a quote: "of the first order", "in every
# sense", "for good times and bad", "based on common interests", "between equals".
_POSTMODIFIER_STARTS = frozenset({"of", "in", "for", "between", "based", "beyond", "without"})
# What "in" and "for" open when they say what a tie is, not where or what for: "in every
# sense", "in all weather", "in word and deed", "for good times and bad" (not "in the
# fight against piracy", "for the development of mining").
_IN_FOR_QUALITY = frozenset(
    {"every", "all", "each", "word", "deed", "deeds", "spirit", "good", "arms", "name"}
)  # fmt: skip
_POSSESSIVES = frozenset({"our", "their", "its", "his", "her", "my", "your"})
# Verbs of a tie turning into something: "have descended into naked hostility".
_INTO_VERBS = frozenset(
    {"descended", "descend", "slid", "slipped", "turned", "curdled", "sunk", "sank",
     "plunged", "fallen", "fell", "drifted", "lapsed", "degenerated", "deteriorated",
     "grown", "grew", "evolved", "matured", "blossomed", "developed", "settled",
     # a tie's temper changing: "ties thawed into a wary pragmatism"
     "thawed", "warmed", "cooled", "soured", "hardened", "mellowed", "collapsed",
     "calcified", "ossified", "morphed"}
)  # fmt: skip
# Words that make what follows a head inside a quote a clause, not a postmodifier.
_CLAUSE_WORDS = frozenset(
    {"that", "which", "who", "whose", "is", "are", "was", "were", "be", "will", "would",
     "has", "have", "had", "can", "must", "should", "we", "i", "you", "he", "she", "they",
     "it", "not", "never", "no", "than", "to", "but"}
)  # fmt: skip


# The longest quoted complement read as a label, in tokens.
_QUOTED_COMPLEMENT = 10
_COPULA_CUES = frozenset(
    {"is", "are", "was", "were", "remain", "remains", "remained", "become", "became", "been",
     "be"}
)  # fmt: skip
# Words between a subject and its copula, or inside "are and will remain".
_BETWEEN_COPULAS = frozenset(
    {"and", "will", "would", "have", "has", "had", "always", "also", "still", "now", "long",
     "truly", "really", "indeed", "been", "remain", "is", "are", "was", "were"}
)  # fmt: skip
_DESCRIBING = frozenset(
    {"described", "describe", "describes", "describing", "hailed", "hail", "hails", "hailing",
     "spoke", "speak", "speaks", "speaking", "spoken", "referred", "refer", "refers",
     "referring",
     "regard", "regards", "regarded", "see", "sees", "saw", "seen", "view", "views",
     "viewed", "reaffirmed", "reaffirm", "reaffirms", "reaffirming", "characterised",
     "characterized", "portrayed", "praised", "praising", "welcomed", "considered",
     "consider", "considers", "celebrated", "celebrating", "defined", "define", "defines"}
)  # fmt: skip
# Words that open a clause of their own between a verb of calling and a later object.
_CLAUSE_VERBS = frozenset({"said", "says", "which", "who", "that", "while", "but"})
# Adjectives that name a tie's standing among others, not how it stands now: "relations
# are 'exceptional and unique'" is a label where "relations are excellent" rates them.
_STATUS_WORDS = frozenset({"unique", "exceptional", "exemplary", "unparalleled"})
# Words after a bare role that end what the role says: "called Peru a friend and ...".
_ROLE_ENDS = frozenset(
    {"and", "but", "as", "while", "since", "after", "before", "during", "when", "on"}
)
# Roles a verb of calling gives a state with no modifier: "called Peru a friend", "regards
# Peru as a rival".
_CALLED_ROLES = frozenset(
    {"friend", "partner", "brother", "friends", "partners", "brothers", "rival", "rivals"}
)
CALLED_ROLES = _CALLED_ROLES


def _called_state(toks: list[Token], country: list[int], i: int) -> bool:
    """Whether the head at ``i`` is what a verb of calling names a state, right before it:
    "called Peru a friend", "calls Chile and Peru partners", "hailed Peru as a partner";
    not "called Peru's leader a friend", whose state only owns the person called."""
    j = before_quotes(toks, i - 1)
    if j >= 0 and toks[j].low in ("a", "an"):
        j = before_quotes(toks, j - 1)  # "called France 'a friend, but ...'"
    verbs = _CALLING
    if j >= 0 and toks[j].low == "as":
        j -= 1
        # "hailed Peru as a partner", "regards Chile as a friend", "treats Peru as a rival"
        verbs = _DESCRIBED | _TREATING
    if j < 0 or not country[j] or toks[j].low.endswith("'s"):
        return False
    while j >= 0 and (country[j] or toks[j].low in (",", "and")):
        j -= 1
    if j >= 0 and toks[j].low in verbs:
        return True
    if verbs is not _CALLING:
        return False
    # the verb said once for several: "called Chile an ally, and Peru a friend"
    if toks[j + 1].low not in (",", "and"):
        return False
    for k in range(j, max(-1, j - 10), -1):
        if toks[k].low in _CALLING:
            return True
        if toks[k].low in (";", ":", ".") or toks[k].low in _CLAUSE_VERBS:
            return False
    return False


def _role_of_state(toks: list[Token], country: list[int], i: int) -> bool:
    """Whether the head at ``i`` is a role one state is said to hold for another named
    after "of": "Chile was a friend of Bolivia", "remains a partner of both Peru and
    Ecuador"; not a person's ("the minister was a friend of Bolivia"). The other state
    may own the role instead: "Chile is Bolivia's friend"."""
    j = i - 1
    if j >= 2 and country[j] and toks[j].low.endswith("'s") and toks[j - 1].low in _LINKING:
        j -= 1
        while j >= 0 and toks[j].low in _LINKING:
            j -= 1
        if i + 1 < len(toks) and toks[i + 1].low in ("in", "on", "for", "against"):
            return False  # "Chile is Peru's partner in trade": a role in a sector or task
        return j >= 0 and bool(country[j]) and not toks[j].low.endswith("'s")
    if j < 1 or toks[j].low not in ("a", "an") or toks[j - 1].low not in _LINKING:
        return False
    j -= 2
    while j >= 0 and toks[j].low in _LINKING:
        j -= 1  # "has been", "is still"
    if j < 0 or not country[j] or toks[j].low.endswith("'s"):
        return False
    k = i + 1
    if k >= len(toks) or toks[k].low != "of":
        return False
    k += 1
    if k < len(toks) and toks[k].low in ("both", "the"):
        k += 1
    return k < len(toks) and bool(country[k])


def _owned_roles(toks: list[Token], country: list[int], i: int, persons: frozenset[str]) -> bool:
    """ "Peru is Chile's neighbour and friend": two bare roles joined by "and" right after
    the possessive of the state that owns them, one a role a state is called, with the
    other state the subject of a linking verb (as ``_role_of_state`` reads one role)."""
    n = len(toks)
    if i + 3 > n or toks[i + 1].low != "and":
        return False
    roles = (toks[i].low, toks[i + 2].low)
    if not all(r in persons or r in _PLACE_ROLES for r in roles) or _CALLED_ROLES.isdisjoint(
        roles
    ):
        return False
    if i + 3 < n and toks[i + 3].low.isalpha() and toks[i + 3].low not in _ROLE_ENDS:
        return False  # "Chile's friend and partner in trade": a role in a sector or task
    j = i - 1
    if j < 2 or not country[j] or not toks[j].low.endswith("'s") or toks[j - 1].low not in _LINKING:
        return False
    j -= 1
    while j >= 0 and toks[j].low in _LINKING:
        j -= 1
    return j >= 0 and bool(country[j]) and not toks[j].low.endswith("'s")


_CALLING = frozenset(
    {"called", "call", "calls", "calling", "dubbed", "dubs", "dubbing", "termed", "terms",
     "terming", "labelled", "labeled", "branded"}
)  # fmt: skip
CALLING_VERBS = _CALLING
# Words of a level that says only "more": "to a whole new level", "to the next level".
_NEW_LEVEL = frozenset({"new", "next", "level", "levels", "higher", "greater"})
# Verbs that lift a tie to a level: "take relations to new heights".
_RAISING = frozenset(
    {"take", "takes", "took", "taken", "taking", "raise", "raised", "raising", "elevate",
     "elevated", "elevating", "lift", "lifted", "bring", "brought", "upgrade", "upgraded",
     "upgrading", "elevates", "raises", "lifts"}
)  # fmt: skip
_RELATION_NOUNS = frozenset(
    {"relations", "relationship", "ties", "alliance", "partnership", "friendship", "bond",
     "bonds", "relationships"}
)  # fmt: skip
# Words that stand for the two states: "the two neighbours", "their countries" ("the two
# peoples" are the peoples: a slogan said of them is no label of the states).
_PAIR_NOUNS = frozenset(
    {"countries", "nations", "neighbours", "neighbors", "sides", "states"}
)  # fmt: skip
# Nouns of kin that make a quote said of one state a label for the pair: "a 'sister
# republic'"; without one it is about the state alone ("a 'pariah'", "a 'rogue nation'").
# Copulas before a state's possessive and the role it gives another ("was Mongolia's").
_STAYING = _COPULA_CUES | frozenset({"stays", "stay", "stayed"})
_KIN_WORDS = frozenset(
    {"family", "twin", "twins", "sister", "sisters", "brother", "brothers", "cousin",
     "cousins", "neighbour", "neighbor", "neighbours", "neighbors", "sibling", "siblings",
     "kinsmen", "kinsfolk", "parent", "stepparent"}
)  # fmt: skip
_RELATIVES = frozenset({"that", "which", "who", "whose", "whom"})
# What two states may have or share that is their tie, besides a head noun: "share 'a
# single destiny'" (not "share 'universal values'": a thing they hold alike).
_DESTINY = frozenset({"destiny", "fate"})


def _before_relative_clause(toks: list[Token], a: int, close: int, heads: frozenset[str]) -> int:
    """Where a quoted noun phrase ends: at a relative clause after its head ("'a
    friendship that no border can break'", "'brothers who quarrel'"), else at the quote's
    close."""
    for k in range(a + 1, close):
        if toks[k].low in _RELATIVES:
            return k if any(t.low in heads for t in toks[a:k]) else close
        if toks[k].low in _CLAUSE_PRONOUNS and toks[k - 1].low in heads:
            return k  # "'a friend we will not abandon'": a clause with no "that"
    return close


# Subjects that open a clause right after a head noun, with no "that" before them.
_CLAUSE_PRONOUNS = frozenset({"we", "i", "you", "they"})


_PLACE_PREPOSITIONS = frozenset({"in", "along", "across", "on"})


def _before_place(
    toks: list[Token], cased: list[str], a: int, b: int, heads: frozenset[str]
) -> int:
    """Where a quoted noun phrase ends before a place that scopes it ("'old friends along
    the Silk Road'", "'an alliance of democracies in the eastern Mediterranean'"): at the
    preposition, when a head stands before it and a capitalised name follows, or at
    "across" or "along" before "the" ("'cousins across the water'"); else ``b``."""
    for k in range(a + 1, b - 1):
        if toks[k].low not in _PLACE_PREPOSITIONS:
            continue
        if toks[k].low in _CROSSING and toks[k + 1].low == "the":
            return k  # "'our sister across the river'": where the two lie, whatever the noun
        if not any(t.low in heads for t in toks[a:k]):
            return b
        if _participle(toks[k - 1].low, cased[k - 1]) or toks[k - 1].low in _IRREGULAR_PAST:
            return b  # "'a friendship built on the Andes'": the verb's place, the label's own
        return k if _place_after(toks, cased, k, b) else b
    return b


# participles in -ed's stead before a place: "built on", "written in", "born in"
_IRREGULAR_PAST = frozenset({"built", "written", "born", "bound", "grown", "sworn", "woven"})


# what opens a list item that the next one goes past: "'more than a neighbour, a brother'",
# "'not just a partner, a friend'"; the label is the item said instead
_PLAYED_DOWN = frozenset(
    {("more", "than"), ("not", "just"), ("not", "only"), ("not", "merely"), ("not", "simply"),
     ("rather", "than"), ("no", "longer")}
)  # fmt: skip
# prepositions that, before "the", put the two on either side of or along a place
_CROSSING = frozenset({"across", "along"})


def _place_after(toks: list[Token], cased: list[str], k: int, b: int) -> bool:
    """Whether the preposition at ``k`` opens a place, a capitalised name before ``b``:
    "in the eastern Mediterranean", "along the Silk Road" (not "in our common history")."""
    if toks[k].low not in _PLACE_PREPOSITIONS:
        return False
    m = k + 1
    if m < b and toks[m].low == "the":
        m += 1
    while m < b and cased[m].islower() and cased[m].endswith(("ern", "al")):
        m += 1  # "the eastern Mediterranean", "the central Pacific"
    return m < b and cased[m][:1].isupper()


def _article_list(toks: list[Token], a: int, b: int) -> list[tuple[int, int]]:
    """The items of a list whose every later item opens with an article, in tokens
    [a, b): "a neighbour, a friend and a partner" gives three; none when it is no list."""
    parts: list[tuple[int, int]] = []
    start = a
    k = a + 1
    while k < b - 1:
        w = toks[k].low
        skip = 0
        if w == "," and toks[k + 1].low == "and":
            skip = 1
        if w in (",", "and") and k + skip + 1 < b and toks[k + skip + 1].low in ("a", "an"):
            parts.append((start, k))
            start = k + skip + 2
            k = start + 1
            continue
        k += 1
    if not parts:
        return []
    parts.append((start, b))
    return [(s0, s1) for s0, s1 in parts if s1 > s0]


# What joins the two counts of a slogan: "one nation, two states", "one nation in two
# states", "one people with two flags", "one family but two houses".
_COUNT_JOINS = frozenset({",", "in", "with", "but", "and"})
# Nouns that name a slogan, before it ("the principle of 'one nation, two states'", "the
# motto 'two states, one nation'") or after it ("the 'one nation, two states' slogan").
_SLOGAN_NOUNS = frozenset(
    {"slogan", "motto", "formula", "principle", "maxim", "doctrine", "mantra", "creed"}
)  # fmt: skip


def _opens_with_pair(toks: list[Token], country: list[int], end: int) -> bool:
    """Whether the sentence opens with two states joined by "and" ("Chile and Peru ...")
    and names no other party before ``end``: the pair a later "they" takes up."""
    k = 0
    while k < end and country[k] == 1:
        k += 1
    if k == 0 or k + 1 >= end or toks[k].low not in ("and", "&"):
        return False
    k += 1
    if toks[k].low == "the":
        k += 1
    if k >= end or country[k] != 1:
        return False
    while k < end and country[k] == 1:
        k += 1
    # a state after "in", "at" or "from" is where they met, not a third party ("in Lima")
    return not any(
        country[m] and not (country[m - 1] or toks[m - 1].low in ("in", "at", "from"))
        for m in range(k, end)
    )


def _count_slogan(toks: list[Token], q0: int, q1: int) -> bool:
    """Whether the quote (q0, q1) is a slogan that counts two states as one: "one nation,
    two states", "two states, one nation", "one nation in two states" (a count, a noun, a
    join, the other count, a noun; not "one of two partners")."""
    words = [t.low for t in toks[q0 + 1 : q1]]
    if len(words) != 5 or words[0] not in ("one", "two") or words[2] not in _COUNT_JOINS:
        return False
    other = "two" if words[0] == "one" else "one"
    return (
        words[3] == other
        and words[1].isalpha()
        and words[4].isalpha()
        and words[1] not in _PREPOSITIONS
        and words[4] not in _PREPOSITIONS
    )


def _third_joined(toks: list[Token], country: list[int], k: int) -> bool:
    """ "together with Turkey", "along with Turkey" from ``k``: a third state joins what
    was said of two, which makes it no pair's."""
    words = [t.low for t in toks[k : k + 2]]
    return words in (["together", "with"], ["along", "with"]) and any(country[k + 2 : k + 4])


def _slogan_named(toks: list[Token], q0: int, q1: int) -> bool:
    """A noun of a slogan right before the quote (q0, q1), perhaps with "of", or right
    after it."""
    k = q0 - 1
    if k >= 0 and toks[k].low == "of":
        k -= 1
    before = k >= 0 and toks[k].low in _SLOGAN_NOUNS
    after = q1 + 1 < len(toks) and toks[q1 + 1].low in _SLOGAN_NOUNS
    return before or after


def _unity_slogan(words: list[str]) -> bool:
    """A slogan that counts the two states as one: "one body", "two countries of one
    Nile", "two states, one nation" (not "one of the founders")."""
    if len(words) < 2 or words[0] not in ("one", "two") or words[1] == "of":
        return False
    return "one" in words


_PREPOSITIONS = frozenset(
    {"in", "on", "at", "to", "from", "by", "with", "for", "of", "under", "over", "into",
     "about", "after", "before", "against", "without", "between", "during", "like"}
)  # fmt: skip
# Singular nouns of a role one state plays for another: "a close friend and trusted
# neighbour" (the person heads hold the plurals).
_ROLES = frozenset({"neighbour", "neighbor", "ally"})
# Words after "in" or "between" that make a scope or the pair, not a quality.
_SCOPE_STARTS = frozenset({"the", "our", "their", "both", "its", "us", "them"})
_DURATIONS = frozenset(
    {"generation", "generations", "decade", "decades", "year", "years", "century",
     "centuries", "months", "ever", "now", "long", "life", "lifetime"}
)  # fmt: skip


# Words that close a "since ..." phrase: the clause or aside that follows it.
_SINCE_ENDS = frozenset(
    {"after", "as", "when", "amid", "because", "while", "despite", "but", "and", "said",
     "says", "with", "over", "following", "according", "analysts", "officials"}
)  # fmt: skip


def _since_when(toks: list[Token], k: int) -> int | None:
    """End of a "since ..." phrase at ``k`` that dates a level: "lowest point since the
    1962 war", "worst since independence"; None if ``k`` opens none."""
    n = len(toks)
    if k + 1 >= n or toks[k].low != "since":
        return None
    m = k + 1
    while m < n and m - k <= 6 and toks[m].low not in _SINCE_ENDS:
        if not (toks[m].low.isalnum() or "-" in toks[m].low):
            break
        if m > k + 1 and _when_said(toks, m):
            break  # "since the Second World War in February": when it was said
        m += 1
    if m - k > 6 or m == k + 1 or toks[m - 1].low in ("the", "a", "an", "in", "of"):
        return None  # too long to be a date, or nothing after "since"
    return m


_MONTHS_AND_DAYS = frozenset(MONTHS) | frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week",
     "month", "year"}
)  # fmt: skip


def _when_said(toks: list[Token], m: int) -> bool:
    """Whether the words at ``m`` say when something happened ("in February", "on
    Monday", "last week"), not what a "since" phrase dates from."""
    if m + 1 >= len(toks) or toks[m].low not in ("in", "on", "last", "this"):
        return False
    return toks[m + 1].low in _MONTHS_AND_DAYS


def _in_years(toks: list[Token], k: int) -> int | None:
    """End of "in decades", "in a decade", "in 40 years" at ``k`` after a level."""
    n = len(toks)
    if k + 1 >= n or toks[k].low != "in":
        return None
    m = k + 1
    if toks[m].low in _FEW or toks[m].low.isdigit():
        m += 1
    if m < n and toks[m].low in ("decade", "decades", "years", "generation", "generations",
                                  "century", "centuries"):
        return m + 1
    return None


# What may count the years after "in": "in a decade", "in two decades", "in many years".
_FEW = frozenset(
    {"a", "recent", "many", "several", "two", "three", "four", "five", "six", "seven",
     "eight", "nine", "ten", "twenty", "thirty", "forty", "fifty"}
)  # fmt: skip
# Words a superlative may end in that make no superlative: "honest", "interest".
_NOT_SUPERLATIVES = frozenset(
    {"honest", "modest", "earnest", "interest", "west", "forest", "protest", "harvest", "request",
     "contest"}
)  # fmt: skip
_OWNERS = frozenset({"the", "its", "their", "our", "his", "her", "recent", "modern"})
_HISTORY_KINDS = frozenset({"common", "shared", "long", "joint", "modern", "recent"})


def _past_pair_named(toks: list[Token], cased: list[str], j: int) -> int:
    """Past "between the two countries" or "with Peru" at ``j`` (up to five words of the
    pair after the preposition); ``j`` itself when no such words stand there."""
    n = len(toks)
    if j >= n or toks[j].low not in ("between", "with"):
        return j
    m = j + 1
    while m < n and m <= j + 5 and (toks[m].low in _PAIR_WORDS or cased[m][:1].isupper()):
        m += 1
    return m


def superlative(w: str) -> bool:
    """A superlative modifier: "best", "worst", "most", "greatest", "warmest"."""
    return w in ("best", "worst", "most", "least") or (
        len(w) > 4 and w.endswith("est") and w.isalpha() and w not in _NOT_SUPERLATIVES
    )


def _superlative_scope(toks: list[Token], start: int, k: int) -> int | None:
    """End of the time a superlative in [start, k) is measured over, from ``k``: "the best
    period in their history", "the warmest relations in three decades", "since
    independence", "ever"; None without a superlative or such a time. A place ("in the
    region", "in the world") says where, and stays out of the label."""
    for t in toks[start:k]:
        # every superlative ends in "st" ("best", "most", "least", "worst", "warmest")
        if t.low.endswith("st") and superlative(t.low):
            break
    else:
        return None
    n = len(toks)
    if k < n and toks[k].low == "ever":
        return k + 1
    found = _since_when(toks, k) or _in_years(toks, k)
    if found is not None or k + 2 >= n or toks[k].low != "in":
        return found
    m = k + 1
    if toks[m].low in _OWNERS:
        m += 1
    if m < n and toks[m].low in _HISTORY_KINDS:
        m += 1
    if m < n and toks[m].low == "history":
        return m + 1
    return None


# A tie in a crisis: "are in crisis", "plunged into", "going through", "emerging from".
_CRISIS_VERBS = frozenset({"going", "gone", "went", "emerging", "emerged", "entered", "entering"})
_CRISIS_PREPOSITIONS = frozenset({"in", "into", "through", "from"})
_CRISIS_DETERMINERS = frozenset({"a", "an", "the", "its", "their"})
# What a low or a high reached is called: "a new low", "a record high", "a dangerous low".
_LOW_MODIFIERS = frozenset(
    {"new", "fresh", "record", "historic", "dangerous", "perilous", "worrying", "alarming"}
)
# The nouns of a level a headline may name with no determiner: "ties at best level".
_LEVEL_NOUNS = frozenset({"level", "point", "stage", "ebb", "shape", "state"})
# Points and depths a tie may be "in" when ranked: "are in their darkest hour since 1962",
# "in their lowest ebb" (not "in their best interest").
_DEPTHS = frozenset({"hour", "hours", "point", "ebb", "level", "low", "nadir", "depths", "days"})
_HEADLINE_SUPERLATIVES = frozenset({"best", "worst", "lowest", "highest", "strongest", "closest"})


def _new_low(toks: list[Token], j: int) -> tuple[int, int] | None:
    """After a verb of movement from ``j``: "hit a new low", "hit a 'dangerous low'", "hit
    a low point", "hit rock bottom"."""
    n = len(toks)
    if j + 1 < n and toks[j].low == "to" and toks[j + 1].low in ("a", "an"):
        j += 1  # "fell to a record low"
    elif j + 1 < n and toks[j].low == "to" and toks[j + 1].low in _LOW_MODIFIERS:
        j += 1  # a headline leaves the article out: "Ties Sink to New Low"
    k = _skip_quotes(toks, j + 1) if j < n and toks[j].low in ("a", "an") else j
    if (
        k + 1 < n
        and toks[k].low in _LOW_MODIFIERS
        and toks[k + 1].low in ("low", "high", "peak", "nadir")
    ):
        return k, k + 3 if k + 2 < n and toks[k + 2].low == "point" else k + 2
    if k > j and k + 1 < n and toks[k].low in ("low", "high") and toks[k + 1].low == "point":
        return k, k + 2  # "hit a low point": the point is the level, as a low is
    if k == j and k + 1 < n and (toks[k].low, toks[k + 1].low) == ("rock", "bottom"):
        return k, k + 2
    if k == j and k < n and toks[k].low == "rock-bottom":
        return k, k + 1
    return None


def _all_capitals(cased: list[str]) -> bool:
    """A line written in capitals only, as some headlines are."""
    words = 0
    for c in cased:
        if c[:1].isalpha():
            if not c.isupper():
                return False  # most sentences stop at their first word
            words += 1
    return words >= 3


def _title_case(cased: list[str]) -> bool:
    """A headline in title case ("Ruto, Samia Vow 'Future-Oriented' Kenya-Tanzania
    Partnership"): every word but the small ones ("and", "of") starts with a capital,
    and there are four such words or more."""
    words = 0
    for c in cased:
        if c[:1].isalpha() and c.lower() not in _SMALL_WORDS:
            if not c[:1].isupper():
                return False
            words += 1
    return words >= 4


def _split_as(found: list[Phrase], items: list[tuple[int, int]]) -> bool:
    """Whether the labels found stand one in each item, none across two."""
    return all(
        sum(1 for s0, s1 in items if p.start < s1 and s0 < p.end) == 1 for p in found
    ) and all(any(p.start < s1 and s0 < p.end for p in found) for s0, s1 in items)


def _called_or_described(toks: list[Token], q0: int) -> bool:
    """Whether the quote opening at ``q0`` is set by a verb of calling ("called the ties
    'invincible'") or by "as" after a verb of describing ("described ... as 'poisoned'")."""
    j = q0 - 1
    if j >= 0 and toks[j].low in _ARTICLES:
        j -= 1
    if j < 0:
        return False
    if toks[j].low == "as":
        verbs = [k for k in range(j - 1, max(-1, j - 10), -1) if toks[k].low in _DESCRIBING]
    else:
        verbs = [k for k in range(j - 1, max(-1, j - 9), -1) if toks[k].low in _CALLING]
    # the verb's own object, no clause of its own between: not "called B a 'sister
    # country' and said ties were 'unique'"
    return bool(verbs) and all(
        t.low not in _COPULA_CUES and t.low not in QUOTES for t in toks[verbs[0] + 1 : j]
    )


# Conjunctions that open a clause of their own after a quote: "on 'pause' until Madrid
# apologised".
_CLAUSE_OPENERS = frozenset({"until", "unless", "though", "although", "when", "whereas"})


def _complement_ends(toks: list[Token], cased: list[str], k: int) -> bool:
    """Whether a quoted complement ends its phrase at the closing quote (token ``k`` is
    the one after it): punctuation, a word that opens a new part of the sentence, a
    relative pronoun or a conjunction ("'a love story' that began", "on 'pause' until"),
    a participle ("'kindred nations' bound by history", "'twins' sharing one river"),
    or "of" the pair or one side of it ("of both peoples", "'a twin' of his country", "'a
    big brother' of the island republic")."""
    if k >= len(toks) or not toks[k].low[:1].isalnum():
        return True
    w = toks[k].low
    if w in _RELATIVES or w in _CLAUSE_OPENERS:
        return True
    if w in _AFTER_PREDICATE or w in ("bound", "born", "built"):
        return True
    if _participle(w, cased[k], ing=True):
        return True  # "'kindred nations' bound by", "'twins' sharing one river"
    return w == "of" and _side_after_of(toks, k + 1)


# Nouns that stand for one side of the pair after "of": "of his country", "of the
# mountain kingdom".
_SIDE_NOUNS = frozenset(
    {"country", "nation", "kingdom", "republic", "state", "people", "island", "islands"}
)


def _side_after_of(toks: list[Token], k: int) -> bool:
    """Whether the words from ``k`` (after "of") name the pair or one of its sides: "both
    peoples", "our nations", "his country", "the mountain kingdom" (at most two words
    before a noun of a state), not "of the group" or "of the region"."""
    n = len(toks)
    if k >= n:
        return False
    if toks[k].low in ("both", "our", "their"):
        return True
    if toks[k].low not in ("his", "her", "its", "the", "this"):
        return False
    return any(t.low in _SIDE_NOUNS for t in toks[k + 1 : min(n, k + 4)])


def _quality_after(toks: list[Token], cased: list[str], end: int, close: int) -> bool:
    """Whether the preposition at ``end`` (a quote closing at ``close``) opens what a tie
    is ("of the first order", "in every sense", "between two equals"), not a scope, a
    duration or a purpose ("in the region", "for a generation", "in the fight against
    piracy", "of our universities", "between our two countries")."""
    first = toks[end].low
    nxt = toks[end + 1].low if end + 1 < close else ""
    if first in ("in", "between") and (
        nxt in _SCOPE_STARTS or nxt[:1].isdigit() or cased[end + 1][:1].isupper()
    ):
        return False
    if first == "for" and _DURATIONS.intersection(t.low for t in toks[end + 1 : end + 4]):
        return False
    if first in ("in", "for") and nxt not in _IN_FOR_QUALITY:
        return False
    return not (
        first == "of" and (nxt in _POSSESSIVES or (nxt == "the" and not _ranked(toks, end + 2)))
    )


# Nouns of a rank after "of the highest": "of the highest level", "of the first order".
_RANK_NOUNS = frozenset({"level", "order", "rank", "standard", "degree", "calibre", "caliber"})


def _of_rank(toks: list[Token], k: int) -> bool:
    """ "the highest level", "the first order" from ``k`` (after "of"), ending there."""
    if k + 2 >= len(toks) or toks[k].low != "the" or not _ranked(toks, k + 1):
        return False
    nxt = toks[k + 3].low if k + 3 < len(toks) else "."
    return toks[k + 2].low in _RANK_NOUNS and (not nxt.isalpha() or nxt in _AFTER_PREDICATE)


def _of_a_kind(toks: list[Token], cased: list[str], k: int) -> int | None:
    """End of "a special kind", "a new type", "a rare sort" from ``k`` (after "of"),
    ending the clause: what kind of tie it is; None otherwise."""
    n = len(toks)
    if k + 2 >= n or toks[k].low not in ("a", "an"):
        return None
    m = k + 1
    while m < n and m <= k + 2 and _plain_noun(toks, cased, m) and toks[m].low not in _KIND_OF:
        m += 1
    if m == k + 1 or m >= n or toks[m].low not in _KIND_OF:
        return None
    nxt = toks[m + 1].low if m + 1 < n else "."
    return m + 1 if not nxt.isalpha() or nxt in _AFTER_PREDICATE else None


def _ranked(toks: list[Token], k: int) -> bool:
    """A superlative or an ordinal at ``k``: "of the first order", "of the deepest kind"."""
    w = toks[k].low if k < len(toks) else ""
    return w in ("first", "highest", "finest") or (len(w) > 4 and w.endswith("est"))


def _with_what_is_had(toks: list[Token], k: int, close: int) -> bool:
    """ "with one future", "with no rival", "with a shared future" from ``k`` inside a
    quote closing at ``close``: what the two have, not whom a tie is with ("with the
    region")."""
    return k + 1 < close and toks[k].low == "with" and toks[k + 1].low in _HAD_STARTS


# What opens a thing had after "with" in a quote: "with one future", "with no rival".
_HAD_STARTS = frozenset({"one", "no", "a", "an", "shared", "common"})


def _last_of_list(
    toks: list[Token], end: int, k: int, close: int, heads: frozenset[str]
) -> bool:
    """Whether the "and" at ``k`` joins the last bare noun of an "of" list that fills the
    quote to ``close``: "'a bond of kinship and friendship'", where "friendship" is what
    the bond is made of, not a second label."""
    return (
        toks[end].low == "of"
        and k + 2 == close
        and toks[k + 1].low in heads
        and all(t.low.isalpha() and t.low not in _ARTICLES for t in toks[end + 1 : k])
    )


def _comma_of(toks: list[Token], k: int, close: int) -> bool:
    """ ", free of paternalism": a comma before an adjective and "of" inside the quote."""
    return k + 2 < close and toks[k + 1].low.isalpha() and toks[k + 2].low == "of"


def _label_fills(toks: list[Token], q0: int, start: int, end: int, q1: int) -> bool:
    """The label [start, end) fills the quote (q0, q1), but for an article before it and
    punctuation after it."""
    before = all(t.low in _ARTICLES for t in toks[q0 + 1 : start])
    after = all(t.low in (",", ".", ";", ":") for t in toks[end:q1])
    return before and after


def _quote_pairs(toks: list[Token]) -> list[tuple[int, int]]:
    """(opening, closing) token indices of the quotes of a sentence. A single quote opens
    when it sticks to the word after it only, and closes when it sticks to the word before
    it only ("the 'Pauk-Phaw' friendship"; "the leaders' retreat" opens nothing)."""
    out: list[tuple[int, int]] = []
    double: int | None = None
    single: int | None = None
    n = len(toks)
    for k, t in enumerate(toks):
        if t.low == '"':
            if double is None:
                double = k
            else:
                out.append((double, k))
                double = None
        elif t.low == "'":
            after = k + 1 < n and toks[k + 1].start == t.end and toks[k + 1].low[:1].isalnum()
            before = k > 0 and toks[k - 1].end == t.start and toks[k - 1].low[-1:].isalnum()
            if after and not before:
                single = k
            elif before and not after and single is not None:
                out.append((single, k))
                single = None
    return out


# Singular state nouns, which may modify the noun after them ("a friendly nation visit").
_SINGLE_STATE = frozenset({"country", "nation", "state", "republic"})


def _noun_after(toks: list[Token], cased: list[str], k: int) -> bool:
    """A lower-case word at ``k`` that goes on the noun phrase: "state [visit]"."""
    if k >= len(toks):
        return False
    w = toks[k].low
    return _plain_noun(toks, cased, k) and w not in _AFTER_PREDICATE and w not in _LINKING


def _new_era(toks: list[Token], k: int) -> bool:
    """ "a new era" (or "the new era") from token ``k``."""
    words = tuple(t.low for t in toks[k : k + 3])
    return words in (("a", "new", "era"), ("the", "new", "era"))


def _one_formula(toks: list[Token], found: list[Phrase]) -> list[Phrase]:
    """ "comprehensive partnership and strategic interaction for a new era": two labels
    joined by "and" under one formal tail are one formula."""

    def one_formula(p: Phrase, q: Phrase) -> bool:
        return (
            p.end == p.head + 1
            and q.end > q.head + 1
            and toks[q.head + 1].low in ("for", "entering", "in")
            and any(t.low == "era" for t in toks[q.head + 1 : q.end])
        )

    return _join_with_and(toks, found, one_formula)


def _join_with_and(
    toks: list[Token],
    found: list[Phrase],
    one: Callable[[Phrase, Phrase], bool],
    joiners: tuple[str, ...] = ("and",),
) -> list[Phrase]:
    """Two labels next to each other, the first ungapped and the two joined by "and" (or
    another of ``joiners``), become one where ``one`` says they are one label."""
    if len(found) < 2:
        return found
    ordered = sorted(found, key=lambda p: p.start)
    out: list[Phrase] = []
    k = 0
    while k < len(ordered):
        p = ordered[k]
        q = ordered[k + 1] if k + 1 < len(ordered) else None
        if (
            q is not None
            and p.gap is None
            and p.end < len(toks)
            and toks[p.end].low in joiners
            and q.start == p.end + 1
            and one(p, q)
        ):
            out.append(Phrase(p.start, q.end, q.head, p.heads + q.heads, q.gap))
            k += 2
            continue
        out.append(p)
        k += 1
    return out


def _skip_quotes(toks: list[Token], j: int) -> int:
    while j < len(toks) and toks[j].low in QUOTES:
        j += 1
    return j


def _merge_relations_of(toks: list[Token], phrases: list[Phrase], lex: Vocabulary) -> list[Phrase]:
    """ "relations of comprehensive partnership and strategic cooperation" is one label."""
    if len(phrases) < 2:
        return list(phrases)  # most sentences hold one label: nothing to merge
    phrases = sorted(phrases, key=lambda p: p.start)
    out: list[Phrase] = []
    i = 0
    while i < len(phrases):
        p = phrases[i]
        before = p.start - 1
        if (
            i + 1 < len(phrases)
            and before >= 1
            and toks[before].low == "of"
            and toks[before - 1].low in ("relations", "relationship", "ties")
            and p.end < len(toks)
            and toks[p.end].low == "and"
            and phrases[i + 1].start == p.end + 1
        ):
            q = phrases[i + 1]
            out.append(Phrase(p.start, q.end, p.head, p.heads + q.heads))
            i += 2
            continue
        out.append(p)
        i += 1
    return out


def _named_of(toks: list[Token], cased: list[str], country: list[int], i: int) -> bool:
    """ "the Alliance of Andean States": a capitalised head mid-sentence with "of" and
    capitalised words ending in a word for states after it names a body of states
    ("a Community of Shared Future" names a tie)."""
    k = i + 2
    if k >= len(toks) or toks[i + 1].low != "of":
        return False
    while k < len(toks) and k < i + 6 and cased[k][:1].isupper() and not country[k]:
        if toks[k].low in _BODY_MEMBERS:
            return True
        k += 1
    return False


_BODY_MEMBERS = frozenset({"states", "nations", "countries", "republics", "peoples"})


def _title_case_sentence(cased: list[str]) -> bool:
    """Whether almost every word is capitalised, as in a headline."""
    words = [c for c in cased if c[:1].isalpha() and c.lower() not in _SMALL_WORDS]
    in_lower_case = sum(1 for c in words if c[:1].islower())
    return in_lower_case * 8 <= len(words)

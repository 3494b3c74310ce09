"""Which two states a descriptor is about, and who said it.

The rules follow how a careful reader resolves a pair, strongest evidence first:
"between A and B"; "A's X with B" (and lists: "with Iran and North Korea" gives two
pairs); a compound ("China-Russia", "Indo-Russian"); "B's partner" with its subject; "A and
B" as subject; the only two states in the clause or sentence; then the passage: the
speaker ("our", "we"), and the pair named in the sentence before or after ("the two
countries", "bilateral").
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from watchers.backdate import MONTHS
from watchers.countries import FormKind
from watchers.extraction.lexicon import Vocabulary
from watchers.extraction.mentions import FUNCTION_CAPS, StateMention
from watchers.extraction.phrases import Phrase, it_is_role, we_are_in_turn
from watchers.extraction.text import QUOTES, Token, before_quotes

Codes = tuple[str, str]

_T = TypeVar("_T")


class _once(Generic[_T]):  # lower case: it is used as a decorator, like cached_property
    """A property worked out on first read and kept in the instance's dict, as
    functools.cached_property does, without the lock Python 3.11 takes on each first
    read: a sentence and its context are made and read by one call on one thread."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _once[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> _T | _once[_T]:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value

# Verbs of "A regards B as X" and "A granted X to B".
_REGARD_WORDS = """
regards regarded regard considers considered consider views viewed view sees saw see deems
deemed treats treated recognizes recognises recognized recognised counts counted calls
called call describes described describe terms termed names named hails hailed labels
labelled labeled dubs dubbed praises praised lauds lauded
thanked thanks calling describing hailing dubbing terming labelling labeling
"""
_GRANT_WORDS = """
granted grants grant accorded accords accord gave gives given extended extends offered
offers conferred confers awarded bestowed
"""
_ROLE_HEADS = frozenset({"ally", "allies", "neighbour", "neighbours", "neighbor", "neighbors"})
# FormKind members as plain module names for the loops over mentions: on Python 3.11
# reading a member off an enum class goes through the enum metaclass's __getattr__ hook.
_LEADER = FormKind.LEADER
_DEMONYM = FormKind.DEMONYM
_DESCRIPTION = FormKind.DESCRIPTION
_REGARD_VERBS = frozenset(_REGARD_WORDS.split())
REGARD_VERBS = _REGARD_VERBS
"""Verbs of "A regards B as X", "A called B X"."""
_GRANT_VERBS = frozenset(_GRANT_WORDS.split())
# Verbs of a state making others a role: "would make Chile and Bolivia its allies".
_MAKE_VERBS = frozenset({"make", "makes", "made", "making"})
# Words between the subject and a verb of making: "would now make".
_MODALS_BEFORE_MAKE = frozenset(
    {"would", "will", "could", "can", "should", "must", "to", "also", "now", "wants",
     "want", "wanted", "seeks", "sought", "vowed", "vows", "pledged", "pledges", "aims"}
)  # fmt: skip
# A state's own body as the subject of a verb: "his government would make ...".
_STATE_BODIES = frozenset({"government", "administration"})
_STATE_OWNERS = frozenset({"his", "her", "its", "our", "the"})
_QUOTES_COMMA = QUOTES | {","}
# What a state says or does, as the object of a verb of calling: the label is its own
_STANCE_NOUNS = frozenset(
    {
        "stance", "position", "policy", "policies", "attitude", "approach", "behaviour",
        "behavior", "conduct", "rhetoric", "remarks", "comments", "statement", "move",
        "moves", "decision", "actions", "demands", "claims",
    }
)
# Verbs of calling in -ing, used only to find firms being called something
_CALLING = frozenset({"calling", "describing", "naming", "dubbing", "labelling", "labeling"})
# "anyone's ally", "nobody's friend": a role with no particular holder
_NO_ONE_IN_PARTICULAR = frozenset(
    {"anyone", "anybody", "everyone", "everybody", "nobody", "no-one", "someone", "somebody"}
)
# "with whoever wins": a side still to be decided
_OPEN_SIDES = (["whoever"], ["whichever"], ["whatever"])
_INCLUDING = frozenset({"including", "such", "like", "notably", "namely", "among"})
_GROUP_NOUNS = frozenset({"countries", "nations", "states", "members", "neighbours", "neighbors"})
# What may stand between a state and "X's ally" that the state is: "Japan is", "Japan, ..."
_LINKING_WORDS = """
is are was were be been being has have had remain remains remained become becomes became as
also still now long always , a an the
"""
_LINKING = frozenset(_LINKING_WORDS.split())
_ASIDE = frozenset({"of", "course", "indeed", "clearly", "certainly"})
# Copulas between a state and what it is called, either number ("is", "are", "become"): the
# extractor's lists differ as each serves one construction.
_COPULA = frozenset({"is", "are", "was", "were", "remains", "remain", "been", "become", "becomes"})
_QUOTES_THE = QUOTES | {"the"}
# First words of a phrase that opens a sentence before its subject.
_OPENERS = frozenset(
    [
        "facing",
        "amid",
        "after",
        "before",
        "despite",
        "during",
        "following",
        "in",
        "on",
        "at",
        "with",
        "without",
        "under",
        "unlike",
        "like",
        "since",
        "as",
        "while",
        "when",
        "speaking",
        "meeting",
        "visiting",
        "beyond",
        "besides",
    ]
)
# Words after a closing comma that show no verb follows the aside ("A, B, and C").
_NOT_VERBS = frozenset({"and", "or", "but", "the", "a", "an", "which", "who", "whose", "while"})
_MONTHS = frozenset(MONTHS)
# Nouns that stand for a state named elsewhere: "the Kingdom's allies" is the state's.
_STATE_WORDS = frozenset(
    {"country", "nation", "state", "kingdom", "republic", "sultanate", "emirate", "government"}
)
_PLACE_BEFORE = frozenset({"in", "at", "from", "to", "near", "of", "outside", "inside"})
# What a leader leads: "Abe's government" is the state.
_GOVERNMENTS = frozenset({"government", "administration", "cabinet", "country", "nation"})
# Nouns of a gathering: a group named before one is where the states met.
_VENUES = frozenset(
    [
        "summit",
        "summits",
        "meeting",
        "meetings",
        "forum",
        "conference",
        "talks",
        "session",
        "sessions",
        "ministerial",
        "sidelines",
        "gathering",
        "event",
        "headquarters",
        "congress",
    ]
)
# "the alliance Japan has long kept with the US": verbs of a tie held with a state.
_HELD_VERBS = frozenset(
    {"had", "has", "have", "enjoyed", "enjoys", "enjoy", "maintained", "maintains", "kept",
     "keeps", "built", "builds", "shared", "shares", "forged", "developed", "sealed", "signed"}
)  # fmt: skip
# "India has several strategic partners including ...": the owner before "has".
_HAVE = frozenset({"has", "have", "had", "counts", "boasts", "maintains", "keeps"})
# Nouns of a tie that name its own sides: "A's ties with B", "relations between A and B".
_TIE_NOUNS = frozenset({"ties", "relations", "relationship", "bond", "bonds"})
# Words between a verb's object and the label it is called: "as a", "an".
_LABEL_OPENERS = QUOTES | {"as", "a", "an"}
# What may stand between a state and "B's allies" it is one of ("A remains one of").
_ONE_OF = frozenset({"and", "or", "one", "of", "among"})
_FEW = frozenset(
    {"other", "many", "several", "numerous", "some", "few", "a", "two", "three", "four", "five"}
)
# Words that count the states of a list before it: "with seven countries, including".
_COUNTS = frozenset(
    {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve", "dozen", "dozens", "several", "many", "more", "some", "numerous", ","}
) | frozenset(str(n) for n in range(2, 100))  # fmt: skip
_LIST_LEADS = frozenset(
    ["such", "states", "countries", "nations", "partners", "as", "like", "including", "other"]
)
# Words after which the states named are onlookers of a deal, not its sides: "witnessed by
# the two ministers", "in the presence of", "as officials looked on", "with ministers present".
_WITNESSED_BY = frozenset({"witnessed", "attended", "blessed", "overseen", "watched"})
_LOOKED_ON = frozenset({"looked", "look", "looks", "looking", "watched", "watching"})
_ONLOOKERS_OPEN = frozenset({"as", "while", "with"})
_ONLOOKER_WORDS = _WITNESSED_BY | _LOOKED_ON | {"presence", "present", "attendance"}

# Words opening an apposition that sets a role beside a subject list: "Peru and Chile,
# two of Brazil's allies,", "..., long counted among Brazil's closest partners,".
_APPOSITION_OPENERS = frozenset(
    {"two", "both", "all", "each", "one", "of", "among", "long", "once", "still", "now",
     "counted", "seen", "regarded", "considered", "ranked", "listed", "numbered", "as",
     "for", "decades", "years", "generations"}
)
_APPOSITION_OPENER_WORDS = 5
# What may close a scope phrase after a label ("allies in the region,"), and an
# apposition's, which may end the sentence ("..., two of its allies in the region.").
_SCOPE_ENDS = frozenset({",", "-"})
_APPOSITION_ENDS = _SCOPE_ENDS | {"."}


def pair_of(a: str, b: str) -> Codes:
    """Two codes in sorted order."""
    return (a, b) if a < b else (b, a)


@dataclass
class Sentence:
    """One sentence with its tokens, mentions and what the passage knows about it."""

    index: int
    start: int
    end: int
    toks: list[Token]
    cased: list[str]
    states: list[tuple[StateMention, int]]
    """State mentions that stand for the state here, with the token they fall in."""
    orgs: list[int]
    """Tokens where an organisation is named."""
    speaker: str | None = None
    has_speech: bool = False
    hint: Codes | None = None
    breaks: list[int] = field(default_factory=list)
    compounds: list[tuple[int, Codes]] = field(default_factory=list)
    coordinations: list[tuple[int, Codes]] = field(default_factory=list)
    lows: list[str] = field(default_factory=list)
    """The lower-cased text of each token (``toks[i].low``), for set operations."""
    mentions: list[StateMention] = field(default_factory=list)
    """Every mention found in the sentence, in any role: a place or an owner too."""
    refers_back: Callable[[Sentence], bool] | None = None
    """Tells ``cue``, when a rule first asks: most sentences name their pair and never do."""
    known_cue: bool | None = None

    @property
    def cue(self) -> bool:
        """The sentence refers back to a pair ("the two countries", "bilateral", "our")."""
        if self.known_cue is None:
            self.known_cue = self.refers_back is not None and self.refers_back(self)
        return self.known_cue

    @_once
    def covered(self) -> dict[int, str]:
        """The tokens inside a state's mention, each with the state's code."""
        out: dict[int, str] = {}
        for m, t in self.states:
            k = t
            while k < len(self.toks) and self.toks[k].start < m.end and m.code:
                out[k] = m.code
                k += 1
        return out

    @_once
    def asides(self) -> list[tuple[int, int]]:
        """Token ranges set off by commas right after a state that goes on as the subject:
        "Egypt and Saudi Arabia, both wary of Iran, celebrated", "Pakistan, which fought
        India, calls". The states inside are not the subject of what follows."""
        out: list[tuple[int, int]] = []
        if self.lows.count(",") < 2:
            return out
        covered = self.covered
        commas = [i for i, w in enumerate(self.lows) if w == ","]
        opening = _opening(self) - 1  # the comma closing "In Tokyo, ...": no aside opens there
        for a, b in itertools.pairwise(commas):
            if a == opening or (out and out[-1][1] == a):
                continue  # the comma closing an aside opens none: "A, visiting B, said C ..."
            # right after the subject: a state, or the first noun phrase holding one
            # ("Japan's prime minister, who visited Manila, called ...")
            subject = a - 1 in covered or (
                a == commas[0] and any(a - k in covered for k in range(2, 5))
            )
            # ", and Viet Nam and Singapore," goes on with the subject: no aside
            pairs_on = (
                self.lows[a + 1] == "and" and a + 2 in covered and "and" in self.lows[a + 3 : b]
            )
            if (
                subject
                and not pairs_on
                and a + 1 not in covered
                and 1 < b - a <= 16
                and b + 1 < len(self.toks)
            ):
                after = self.lows[b + 1]
                if self.cased[b + 1][:1].islower() and after not in _NOT_VERBS:
                    out.append((a + 1, b))
        return out

    def in_aside(self, t: int) -> bool:
        """Whether token ``t`` falls in one of the sentence's asides."""
        asides = self.asides
        return bool(asides) and any(a <= t < b for a, b in asides)

    def clause(self, start: int) -> tuple[int, int]:
        """Token bounds of the clause holding token ``start``."""
        lo, hi = 0, len(self.toks)
        for b in self.breaks:
            if b < start:
                lo = b + 1
            elif b >= start:
                hi = b
                break
        return lo, hi


class Context:
    """What the passage says around a sentence; each part is worked out only when asked."""

    def __init__(
        self,
        previous: Callable[[], Codes | None],
        following: Callable[[], Codes | None],
        speaker: Callable[[], str | None],
        topic: Callable[[], Codes | None],
        headline: Callable[[], Codes | None] = lambda: None,
        actor: Callable[[], str | None] = lambda: None,
        named_two: Callable[[], Codes | None] = lambda: None,
        one_before: Callable[[], str | None] = lambda: None,
    ) -> None:
        self._actor = actor
        self._one_before = one_before
        self._named_two = named_two
        self._previous = previous
        self._following = following
        self._topic = topic
        self._headline = headline
        self._speaker = speaker

    @classmethod
    def of(
        cls,
        previous: Codes | None = None,
        following: Codes | None = None,
        speaker: str | None = None,
        topic: Codes | None = None,
    ) -> Context:
        """A context of known values."""
        return cls(lambda: previous, lambda: following, lambda: speaker, lambda: topic)

    @_once
    def previous(self) -> Codes | None:
        """The pair named in the nearest sentence before."""
        return self._previous()

    @_once
    def following(self) -> Codes | None:
        """The pair named in the sentence after."""
        return self._following()

    @_once
    def topic(self) -> Codes | None:
        """The pair of the sentence just before, when it speaks of their relations."""
        return self._topic()

    @_once
    def headline(self) -> Codes | None:
        """The pair a headline on the text's first line names ("Kenya, Ethiopia sign pact")."""
        return self._headline()

    @_once
    def speaker(self) -> str | None:
        """Who spoke last in the passage."""
        return self._speaker()

    @_once
    def actor(self) -> str | None:
        """The state of the one person acting for a state in the sentence before ("Kenya's
        president hosted talks."), whom a "he" or "she" opening the sentence may be."""
        return self._actor()

    @_once
    def named_two(self) -> Codes | None:
        """The two states the nearest sentence before names in any role, a place or an
        owner of something too ("Ghana's president landed in Abuja."), when it names
        exactly two: what "the two countries" after it may take up."""
        return self._named_two()

    @_once
    def one_before(self) -> str | None:
        """The one state the sentence right before names, said by the same speaker and
        other than the speaker's own: what "it" opening the sentence may be ("LULA: Peru
        is no rival. It is a brother.")."""
        return self._one_before()

    def known_pairs(self) -> Iterator[Codes | None]:
        """The pairs named around the sentence: before, after, in the headline, in order.

        Each is worked out only when asked for: the headline needs every mention in the
        whole text, and the sentence after is read closely only if the one before named
        no pair that fits.
        """
        yield self.previous
        yield self.following
        yield self.headline


class PairResolver:
    """Resolves the pairs of one phrase in one sentence."""

    def __init__(self, lex: Vocabulary) -> None:
        self.lex = lex
        # nouns for a kind of partner ("G20 partners", "NATO allies"), joined once
        self._kind_heads = lex.person_heads | _ROLE_HEADS
        # heads a state's possessive may own: "Vietnam's strategic partner", "brother states"
        self._role_heads = lex.person_heads | lex.bare_heads | lex.kin_heads

    def resolve(self, p: Phrase, s: Sentence, ctx: Context) -> list[Codes]:
        """Zero, one or several pairs for the phrase; empty when it is not about two states."""
        if self._member_of_group(s, p) or _the_named_alliance(s, p):
            return []
        onlookers = _onlookers(s, p.end)
        if onlookers is not None:
            s = _without(s, onlookers)
            if len(_codes(m for m, _ in s.states)) < 2 and not s.cue:
                return []  # the deal's parties are firms or agencies, not the pair before
        pairs = self._resolve(p, s, ctx)
        if pairs and p.start == p.head and we_are_in_turn(s.toks, s.cased, p.head):
            # "STARMER: We are friends": "we" is the speaker's state, one side of the pair;
            # a speaker no table knows ("COACH: We are brothers.") speaks for no state
            pairs = [c for c in pairs if s.speaker in c]
        if pairs:
            along = self._along_with(s, p) + self._another_with(s, p, pairs)
            if len(pairs) == 1 and s.asides:
                along += _like_pair_before(s, p, pairs[0])
            if along:
                pairs += [c for c in along if c not in pairs]
        elif p.end < len(s.toks) and s.lows[p.end] in ("in", "include", "includes"):
            pairs = self._include_list(s, p)
        return pairs

    def _include_list(self, s: Sentence, p: Phrase) -> list[Codes]:
        """ "France's strategic partners in the Gulf include the UAE and Qatar": the states
        the verb lists hold the label with the state that owns it."""
        j = p.end
        if s.lows[j] == "in":  # a scope of a few words naming no state
            j = next((k for k in range(j + 1, min(len(s.toks), j + 5)) if s.lows[k] in _INCLUDE), j)
            if any(k in s.covered for k in range(p.end, j)):
                return []
        if j >= len(s.toks) or s.lows[j] not in _INCLUDE:
            return []
        k = p.start - 1
        if k < 0 or k not in s.covered or not _possessive_at(s, k):
            return []
        owner = s.covered[k]
        targets, blocked = self._list_after(s, j + 1)
        return [] if blocked else _cross([owner], [t for t in targets if t != owner])

    def _along_with(self, s: Sentence, p: Phrase) -> list[Codes]:
        """ "one of America's closest allies, along with Japan and Korea": the states listed
        after the label hold it too, with the state whose label it is (the possessor)."""
        toks = s.toks
        j = p.end
        if j < len(toks) and toks[j].low == "in":
            j = _past_scope(s, j)  # "its closest partners in the region, along with"
        j = _skip(toks, j, _QUOTES_COMMA)
        if j >= len(toks) or toks[j].low not in ("along", "together", "as", "alongside"):
            return []
        words = [t.low for t in toks[j : j + 2]]
        if words[:2] in (["along", "with"], ["together", "with"], ["as", "well"]):
            j += 3 if words[0] == "as" else 2  # "as well as"
        elif words[:1] == ["alongside"]:
            j += 1
        else:
            return []
        items, blocked = self._list_after(s, j)
        if blocked or not items or self._possessive_in_list(s, j):
            return []  # "along with Bolivia's envoy": a person, not a state holding the label
        k = _back_to_owner(s, p.start - 1, _is_rank)
        if _apostrophe_after_state(s, k):
            k -= 1  # "the United States' closest allies": its last word owns
        owner = None
        if k >= 0 and (_ends_possessive(toks[k]) or _apostrophe_after_state(s, k + 1)):
            owner = next((m.code for m, t in s.states if t <= k and toks[k].start < m.end), None)
        elif k >= 0 and toks[k].low in ("its", "their"):
            lo, _ = s.clause(p.start)
            owner = next((m.code for m, t in s.states if lo <= t < k), None)
        return _cross([owner], items) if owner else []

    def _another_with(self, s: Sentence, p: Phrase, pairs: list[Codes]) -> list[Codes]:
        """ "Mongolia balances a strategic partnership with Russia against an identical one
        with China", "a partnership with Peru and another with Chile": the label said again
        by "one" or "another" with a second state is the owner's with that state too."""
        toks, lows = s.toks, s.lows
        j = _skip(toks, p.end, QUOTES)
        if j >= len(toks) or lows[j] != "with" or "with" not in lows[j + 1 :]:
            return []  # most labels: two looks
        targets, blocked = self._list_after(s, j + 1)
        owners = {c for pair in pairs for c in pair if c not in targets}
        if blocked or not targets or len(owners) != 1:
            return []
        k = _end_of_list(s, j + 1)
        if k < len(toks) and lows[k] == ",":
            k += 1
        if lows[k : k + 3] == ["as", "well", "as"]:
            k += 3
        elif k < len(toks) and lows[k] in _PARALLEL_JOINS:
            k += 1
        else:
            return []
        if k < len(toks) and lows[k] in ("a", "an", "the"):
            k += 1
            while k < len(toks) and lows[k] not in _ANOTHER and k - 1 not in s.covered:
                k += 1  # "an identical one", "a similar one": a few words, no state
        if k + 1 >= len(toks) or lows[k] not in _ANOTHER or lows[k + 1] != "with":
            return []
        more, blocked = self._list_after(s, k + 2)
        end = _end_of_list(s, k + 2)
        if blocked or not more or (end < len(toks) and lows[end] in _PARALLEL_NOT_HELD):
            return []  # "and one with Chile is planned": the second is not held yet
        return _cross(list(owners), [c for c in more if c not in owners])

    def _possessive_in_list(self, s: Sentence, j: int) -> bool:
        """Whether a state in the list from token ``j`` is a possessive ("Bolivia's envoy")."""
        k = j
        covered = s.covered
        while k < len(s.toks) and (s.toks[k].low in ("and", ",", "the") or k in covered):
            if _ends_possessive(s.toks[k]):
                return True
            k += 1
        return k < len(s.toks) and _ends_possessive(s.toks[k])

    def _resolve(self, p: Phrase, s: Sentence, ctx: Context) -> list[Codes]:
        toks = s.toks
        if it_is_role(toks, p.start):
            # "It is a brother": "it" is the one state the speaker named just before, the
            # speaker's state the other side; without both, "it" is no state
            speaker, it = s.speaker, ctx.one_before
            return [pair_of(speaker, it)] if speaker and it else []
        lo, hi = s.clause(p.start)
        gapped = self._gapped_with(s, p, lo)
        if gapped is not None:
            return gapped
        if self._owned_by_other(s, p) or _titled(s, p) or _held_by_names(s, p, lo):
            return []
        if _programme_joined(s, p):
            return []
        if self._firms_called(s, p, lo):
            return []  # "calling the firms involved brothers in business": the firms'
        after = _skip(toks, p.end, _QUOTES_COMMA)
        # "between A and B"
        if after < len(toks) and toks[after].low == "between":
            return self._between(s, after + 1, ctx)
        # "a springtime in relations between A and B"
        if s.lows[after : after + 3 : 2] == ["in", "between"] and s.lows[after + 1] in _TIE_NOUNS:
            return self._between(s, after + 3, ctx)
        set_beside = self._role_beside_subjects(s, p, lo)
        if set_beside is not None:
            return set_beside
        as_its = _as_one_of_its(s, p, lo)
        if as_its is not None:
            return as_its
        regarded = self._regards(s, p, lo, ctx)
        if regarded is not None:
            return regarded
        ours = self._ours_of_one_state(s, p, lo, ctx)
        if ours is not None:
            return ours
        if _we_are_before(s, p) and (s.speaker or ctx.speaker) not in _codes(
            m for m, t in s.states if t < p.start
        ):
            return []  # "A and B played a final; we are family, the coach said": not a state's
        made = self._made_roles(s, p, lo)
        if made is not None:
            return made
        held = self._held_with(s, p)
        if held is not None:
            return held
        listed_its = self._its_after_list(s, p, lo)
        if listed_its is not None:
            return listed_its
        if _its_unnamed_allies(s, p, hi):
            return []  # "a threat to its allies": the allies are not named
        # "A's X with B", "relations with B ... under X"
        with_at = self._with_index(s, p, lo, hi)
        if with_at is not None and s.lows[with_at + 1 : with_at + 2] in _OPEN_SIDES:
            return []  # "good relations with whoever governs Peru": no side named yet
        if with_at is not None:
            targets, blocked = self._list_after(s, with_at + 1)
            if blocked:
                return []
            if targets:
                owners = self._owners(s, p, with_at, targets, ctx)
                return _cross(owners, targets)
            if _group_after(s, with_at + 1):
                return []  # "partnerships with many countries, Japan said": a group's
        two = self._the_two_of(s, p, ctx)
        if two is not None:
            return two
        inner = self._inner_owner(s, p)
        if inner is not None:
            return inner
        named = self._apposition(s, p)
        if named is not None:
            return named
        # "key partners for the United States", "a strategic partner of Ethiopia"
        role = self._role_of(s, p, lo, ctx)
        if role is not None:
            return role
        if s.orgs and any(lo <= o < hi and self._org_is_side(s, o, p, lo, hi) for o in s.orgs):
            return []  # a group is a side here ("ASEAN granted ... to Chile and Kenya")
        granted = self._granted(s, p, lo, hi)
        if granted is not None:
            return granted
        # "India-Russia Special and Privileged Strategic Partnership", "Russian-Indian relations"
        near: list[tuple[int, Codes]] = []
        if s.compounds:  # most sentences hold none: no list made for them
            near = [
                (t, c) for t, c in s.compounds if t < p.end and p.start - 4 <= _compound_end(s, t)
            ]
        if near:
            return _coordinated_compounds(s, p, *near[-1])
        role = self._possessive_role(s, p, ctx)
        if role is not None:
            return role
        if _examples_only(s):
            return []  # "Leaders of several countries, including India and Brazil, hailed ..."
        if self._pair_owns_other(s, p, lo):
            return []  # "Chile and Peru's football teams have a bitter rivalry": the teams'
        coords: list[tuple[int, Codes]] = []
        if s.coordinations:
            coords = [(t, c) for t, c in s.coordinations if lo <= t < p.start and not s.in_aside(t)]
        if coords:
            t, c = coords[-1]
            # the passage's speaker is worked out only for an "our" label
            speaker = (s.speaker or ctx.speaker) if self._first_person(s, p) else None
            if speaker and speaker not in c:
                # '"China and Turkey are our trusted friends," Pakistan's minister said'
                listed = [x for x in self._list_after(s, _list_start(s, t))[0] if x != speaker]
                return _cross([speaker], listed or list(c))
            # "India, Japan and Australia hailed their trilateral partnership": three or
            # more states hold it together, no pair of them
            if ends_longer_list(s, t):
                return []
            return _pairs_of_pairs(s, coords)
        inside = [c for t, c in s.compounds if lo <= t < hi]
        if inside and self._owned_elsewhere(s, p):
            return []  # "Their long friendship shaped Franco-German relations": whoever "their" is
        if inside:
            return [inside[0]]
        taken_up = _the_two_taken_up(s, p, lo)
        if taken_up is not None:
            return [taken_up]
        clause_codes = _codes(m for m, t in s.states if lo <= t < hi)
        if len(clause_codes) == 2:
            return [pair_of(*sorted(clause_codes))]
        codes = _codes(m for m, _ in s.states)
        if len(codes) == 2 and len(clause_codes) == 1 and _contrasted_after(s, p, clause_codes):
            return []  # "B was a close partner, but neither A nor ...": no side
        if len(codes) == 2:
            return [pair_of(*sorted(codes))]
        if len(codes) > 2:
            # "B said A remained a partner and ruled out switching to C": a state named in
            # a new predicate after the label is no side of it
            before = _codes(m for m, t in s.states if t < p.start)
            if len(before) == 2 and _new_predicate_after(s, p):
                return [pair_of(*sorted(before))]
        if len(codes) > 2 and _two_leaders(s):
            # "Putin told Xi that Russia values China's position on Ukraine, as the two
            # leaders reaffirmed their partnership": the two leaders' states
            leaders = _codes(m for m, _ in s.states if m.kind is _LEADER)
            if len(leaders) == 2:
                return [pair_of(*sorted(leaders))]
        if len(codes) > 2:
            # '"Russia is our time-tested partner," India's minister said in Washington':
            # the speaker's state and the one state said to be "our" partner before it
            speaker = s.speaker or ctx.speaker
            if speaker and (self._first_person(s, p) or self._role_said_of(s, p)):
                said_of = {m.code for m, t in s.states if lo <= t < p.start and m.code}
                said_of.discard(speaker)
                if len(said_of) == 1:
                    return [pair_of(speaker, said_of.pop())]
                # "China is our iron brother and Turkey our trusted friend": the state
                # right before, joined to the label by a copula or nothing
                said = self._said_right_before(s, p, lo)
                if said is not None and said != speaker:
                    return [pair_of(speaker, said)]
            return []
        if len(codes) == 1:
            (only,) = codes
            first_person = self._first_person(s, p)
            # "Kenya's minister flew to Addis Ababa. She called Ethiopia a brotherly
            # nation.": a person named before speaks for the other state of that pair
            cue = s.cue or _demonstrative(toks, p.start) or _pronoun_subject(s)
            for known in ctx.known_pairs():
                if known and only in known and (cue or (s.speaker or ctx.speaker) in known):
                    return [known]
            speaker = s.speaker or ctx.speaker
            if speaker and speaker != only and (first_person or self._role_said_of(s, p)):
                return [pair_of(only, speaker)]
            if ctx.previous and only not in ctx.previous and self._two_after_saying(s, p, lo):
                return [ctx.previous]  # "A and B met. C said the two remain enemies."
            return []
        if not self.lex.non_states.isdisjoint(s.lows[lo : p.start]):
            return []  # "the two carmakers praised their alliance": theirs, not the states'
        if s.cue or self._first_person(s, p):
            for known in ctx.known_pairs():
                if known:
                    return [known]
            if s.cue and _says_the_two(s, p.start) and ctx.named_two:
                # "Kenya's president landed in Abuja. The two capitals are close allies."
                return [ctx.named_two]
        if ctx.topic:
            return [ctx.topic]
        # a sentence naming no state, group or other name goes on about the pair named
        # just before ("Peru and Chile sign a pact. ... Officials hailed a time-tested
        # friendship."); "Toyota and Honda" or "the two carmakers" hold theirs
        return [ctx.previous] if ctx.previous and not s.orgs and not _names(s) else []

    def _its_after_list(self, s: Sentence, p: Phrase, lo: int) -> list[Codes] | None:
        """ "Peru signed pacts with Chile and Bolivia, its closest partners": a label set
        after the states with ", its" is what they are to the clause's subject, each of
        them with it, not to each other."""
        toks, covered = s.toks, s.covered
        j = before_quotes(toks, p.start - 1)
        if j < 2 or toks[j].low != "its" or toks[j - 1].low not in (",", "—", "–"):
            return None
        k = j - 2
        if k not in covered:
            return None
        # walk back over the list: "Chile, Peru and the Bolivia"
        while k > lo and (k - 1 in covered or s.lows[k - 1] in (",", "and", "the")):
            k -= 1
        while k < j and k not in covered:
            k += 1  # the list opens at a state, not at "and" or a comma
        targets, blocked = self._list_after(s, k)
        if blocked or not targets:
            return None
        subject = [
            m.code
            for m, t in s.states
            if lo <= t < k and m.code and m.code not in targets and not s.in_aside(t)
        ]
        if not subject:
            return None
        return _cross(subject[:1], targets)

    def _role_beside_subjects(self, s: Sentence, p: Phrase, lo: int) -> list[Codes] | None:
        """ "Peru and Chile, two of Brazil's closest partners in the region, met": a role
        owned by a state's possessive, set off by commas right after a list of states, is
        held by each state of the list with the owner ("Peru's president and Chile's
        premier, long counted among Brazil's allies," too; "Brazil lost ground as Peru and
        Chile, two of its closest partners, joined": "its" is the state named before the
        list). None when the label stands elsewhere; the list must be of states, their
        leaders or their officials."""
        if self._role_heads.isdisjoint(p.heads) or p.start < 5:
            return None  # most labels: one set test
        owner, owner_at = self._possessive_owner(s, p)
        if owner is None:
            return None
        comma = owner_at - 1
        while comma > lo and owner_at - comma <= _APPOSITION_OPENER_WORDS and (
            s.lows[comma] in _APPOSITION_OPENERS or s.lows[comma].endswith("ly")
        ):
            comma -= 1
        if comma <= lo or s.lows[comma] not in (",", "—", "–"):
            return None
        end = _past_scope(s, _skip(s.toks, p.end, QUOTES), _APPOSITION_ENDS)
        if end < len(s.toks) and s.lows[end] not in (s.lows[comma], "."):
            return None  # the aside must close: "A and B, two of C's allies, met"
        first, subjects = self._list_before(s, lo, comma)
        counted = s.lows[comma + 1 : p.start]  # "two of Brazil's", "Brazil's two"
        if not subjects or (len(subjects) == 1 and "one" not in counted):
            return None  # "Chile's president, long one of Brazil's allies," is one
        if len(subjects) > 1 and "and" not in s.lows[first:comma]:
            return None
        if owner == "its":
            # "its" is the one state named before the list; none or several: unsaid
            before = _codes(m for m, t in s.states if lo <= t < first)
            owner = before.pop() if len(before) == 1 else None
            if owner is None:
                return []
        if owner in subjects:
            return None
        if not owner:
            return []  # "Peru and Chile, two of NATO's partners,": the group's, no pair's
        if ("two" in counted or "both" in counted) and len(subjects) != 2:
            return None  # "A, B and C, two of D's allies": which two is unsaid
        return _cross([owner], subjects)

    def _possessive_owner(self, s: Sentence, p: Phrase) -> tuple[str | None, int]:
        """The state whose possessive stands right before the label ("Brazil's closest
        partners", "the Philippines' allies"), and the first token of its mention; an
        empty code for an organisation's ("NATO's allies", a label that may open with it),
        "its" for a state's left unnamed."""
        if p.start in s.orgs and _ends_possessive(s.toks[p.start]):
            return "", p.start
        k = _back_to_owner(s, p.start - 1, _rank_or_two)
        if _apostrophe_after_state(s, k):
            k -= 1
        elif k >= 0 and s.lows[k] == "its":
            return "its", k
        elif k < 0 or not _ends_possessive(s.toks[k]):
            return None, -1
        if k in s.orgs:
            return "", k
        for m, t in s.states:
            if m.code and t <= k and s.toks[k].start < m.end and m.kind is not _LEADER:
                return m.code, t
        return None, -1

    def _list_before(self, s: Sentence, lo: int, end: int) -> tuple[int, list[str]]:
        """The first token and the states of the list of states that ends right before
        token ``end``: "Peru and Chile", "Peru's president and Chile's foreign minister",
        "Peru, Chile and Bolivia", or one state ("Peru's president")."""
        covered, lows = s.covered, s.lows
        k = end
        while k > lo and end - k < 16:
            w = lows[k - 1]
            if not (
                k - 1 in covered
                or w in ("and", ",", "the")
                or w in self.lex.titles
                or (s.cased[k - 1][:1].isupper() and w not in FUNCTION_CAPS)
            ):
                break  # a person's name after the state's possessive is the list's
            k -= 1
        while k < end and k not in covered:
            k += 1  # the list opens at a state, not at "and", a comma or a capital
        codes: list[str] = []
        for t in range(k, end):
            code = covered.get(t)
            if code is not None and code not in codes:
                codes.append(code)
        return k, codes

    def _gapped_with(self, s: Sentence, p: Phrase, lo: int) -> list[Codes] | None:
        """ "Japan's ties with the Philippines are ironclad, with China strained": words
        set after ", with B", the verb left out, are the tie of B with the state whose
        tie the sentence began with (none when no state owns it: "relations between A and
        B are warm, with C frosty"). Such a phrase opens at its own first word."""
        if p.head != p.start or s.toks[p.head].low in self.lex.heads:
            return None  # every other phrase: one look
        toks, covered = s.toks, s.covered
        target = covered.get(p.start - 1)
        j = p.start - 1
        while j >= lo and j in covered:
            j -= 1
        if j >= lo and toks[j].low == "the":
            j -= 1
        if target is None or j - 1 < lo or toks[j].low != "with" or toks[j - 1].low != ",":
            return None
        if any(m.kind is _LEADER for m, t in s.states if lo <= t < p.start):
            return []  # "Ruto's ties with Museveni ..., with Kagame strained": the persons'
        for t in range(lo + 1, j - 1):
            if toks[t].low in self.lex.heads and t - 1 in covered and _ends_possessive(toks[t - 1]):
                owner = covered[t - 1]
                return [pair_of(owner, target)] if owner != target else []
        return []

    def _member_of_group(self, s: Sentence, p: Phrase) -> bool:
        """ "Turkey, a NATO ally, bought Russian missiles": one state called a member of a
        group ("a NATO ally", "an EU partner") is an ally of the group's members, not of
        another state the sentence names; "a NATO ally of the US" names its other side."""
        if self._kind_heads.isdisjoint(p.heads):
            return False  # most labels hold no such head: one set test
        heads = [h for h in p.heads if h in self._kind_heads]
        if heads[-1].endswith("s"):
            return False
        if not any(
            p.start <= o < p.head
            and self._org_modifies(s, o, p)
            and not s.lows[o].startswith("non-")  # "a non-NATO ally" is a title one state gives
            for o in s.orgs
        ):
            return False
        j = _skip(s.toks, p.end, QUOTES)
        if j < len(s.toks) and s.lows[j] == "to":
            return not _names_state_next(s, j + 1)  # "the last NATO ally to approve" is a verb
        return not (j < len(s.toks) and s.lows[j] in ("of", "for", "with"))

    def _held_with(self, s: Sentence, p: Phrase) -> list[Codes] | None:
        """ "the cold peace Israel has long had with Egypt": a clause right after the label
        names who holds it and with whom, whatever states the sentence named before."""
        toks = s.toks
        j = _skip(toks, p.end, QUOTES)
        if j not in s.covered:
            return None  # most labels are not followed by a state
        first = next((m for m, t in s.states if t == j and m.code), None)
        if first is None or first.code is None or first.kind is _LEADER:
            return None
        k = j + 1
        while k < len(toks) and toks[k].start < first.end:
            k += 1
        verb = None
        for n in range(k, min(len(toks), k + 4)):
            w = toks[n].low
            if w in _HELD_VERBS:
                verb = n
            elif not (w in _HAVE or w.endswith("ly") or w in ("long", "always", "since")):
                break
        if verb is None or verb + 1 >= len(toks) or toks[verb + 1].low != "with":
            return None
        targets, blocked = self._list_after(s, verb + 2)
        if blocked or not targets:
            return [] if blocked else None
        return _cross([first.code], targets) or None

    def _owned_by_other(self, s: Sentence, p: Phrase) -> bool:
        """A label whose possessor is no state: "the militia's principal ally", "Africa's
        reliable friend", "Samsung's strategic partner". Whoever is said to hold it, the
        other side is not a state. Only a role is held that way: "Central Asia's most
        hostile relationships" are ties in a region."""
        if self._kind_heads.isdisjoint(p.heads):
            return False
        j = before_quotes(s.toks, p.start - 1)
        while j >= 0 and _is_rank(s.lows[j]):
            j = before_quotes(s.toks, j - 1)
        if j < 0 or not _ends_possessive(s.toks[j]) or j in s.covered:
            return False
        word = s.lows[j].removesuffix("'s").removesuffix("'")
        if word in self.lex.non_states or word in _NO_ONE_IN_PARTICULAR:
            return True  # "becoming anyone's ally": no state is its other side
        return (
            s.cased[j][:1].isupper()
            and word.isalpha()
            and word not in FUNCTION_CAPS
            and word not in _MONTHS
            and word not in _STATE_WORDS
        )

    def _firms_called(self, s: Sentence, p: Phrase, lo: int) -> bool:
        """Whether the label is what a verb of calling, up to five words before it, calls
        firms or bodies: "calling the firms involved brothers", "called their companies
        natural partners"; a state among the words called keeps the label a tie."""
        lows = s.lows
        for k in range(p.start - 1, max(lo, p.start - 6) - 1, -1):
            if lows[k] in _REGARD_VERBS or lows[k] in _CALLING:
                called = lows[k + 1 : p.start]
                # "calling it the foundation of a partnership": the label is named apart
                return (
                    "of" not in called
                    and not self.lex.non_states.isdisjoint(called)
                    and not any(k < t < p.start for _, t in s.states)
                )
        return False

    def _regards(self, s: Sentence, p: Phrase, lo: int, ctx: Context) -> list[Codes] | None:
        """ "A regards B as X", "B, which A considers X": subject and object of the verb."""
        toks = s.toks
        gapped = self._gapped(s, p, lo)
        if gapped is not None:
            return gapped
        verb = self._regard_verb(s, p, lo)
        if verb is None:
            return None
        if s.lows[verb].endswith("ing"):
            if verb == 0 or s.lows[verb - 1] != ",":
                return None  # "days after calling ...": whose calling is left open
            if self._calls_person(s, verb):
                return []  # "describing the Ugandan president as a friend": a person's
        if (
            verb > 0
            and toks[verb - 1].low in self.lex.non_states
            and not s.cased[verb - 1][:1].isupper()  # "China's State Council hailed"
            and PAIR_COUNT.isdisjoint(s.lows[max(0, verb - 4) : verb - 1])
        ):
            # "Dutch firms view Kenya as a partner": not a state's word; "both foreign
            # ministries call" are the two states' own
            return []
        if _firm_officer_calls(s, verb):
            return []  # "Siemens' chief executive called China a partner": a firm's word
        if any(verb < t < p.end for t, _ in s.compounds):
            return None  # "called the U.S.-Japan alliance ...": the compound names the pair
        tie = self._called_tie(s, p, verb)
        if tie is not None:
            return tie
        if _called_group(s, verb, p.start):
            return []  # "called Pacific island nations large ocean countries": a group
        if any(verb < o < p.start for o in s.orgs):
            # "called the African Union and India partners": the group is a side, and the
            # state the caller stands for (a dateline's capital) is not
            return []
        if _called_stance(s, verb, p.start):
            return []  # "called Chile's stance on the river hostile": the stance's, no tie
        objects = [m.code for m, t in s.states if verb < t < p.start and m.code]
        subjects = [m.code for m, t in s.states if lo <= t < verb and m.code and not s.in_aside(t)]
        if not objects and verb >= 3 and toks[verb - 1].low in ("which", "whom"):
            # "Norway, which Canada sees as a quasi-ally": the verb's subject sits
            # between "which" and the verb, its object before the comma.
            return None
        if not objects:
            which = [k for k in range(lo, verb) if toks[k].low in ("which", "whom")]
            if which and "," in s.lows[which[-1] : verb]:
                which = []  # "A and B, which border C, hailed X": the verb is the main clause's
            if which and "," in s.lows[verb : p.start]:
                which = []  # "B, which A views warily, remains X": the clause closed first
            if which:
                w = which[-1]
                inner = [m.code for m, t in s.states if w < t < verb and m.code]
                outer = [m.code for m, t in s.states if lo <= t < w and m.code]
                if inner and outer and inner[-1] != outer[-1]:
                    return [pair_of(inner[-1], outer[-1])]
            return None
        if subjects and _other_side_after(s, p):
            return None  # "called Kenya a key partner of the US": the label names its side
        if objects and _its_with_state(s, p):
            # "Japan called the US strategy a pillar of its alliance with Australia": the
            # label names both its sides, the thing called is neither
            return None
        participle = _participle_subject(s, verb)
        if participle is not None and participle not in objects:
            # "A's leader would not drop B for C, calling B a friend": A calls
            subjects = [participle]
        if subjects:
            # "Mongolia calls Russia and China its eternal neighbours": one pair each
            targets, _ = self._list_after(s, verb + 1)
            return _cross([subjects[-1]], targets or objects[:1]) or None
        after = _skip(toks, p.end, QUOTES)
        if (
            after + 1 < len(toks)
            and toks[after].low == "and"
            and after + 1 in s.covered
            and not _other_side_after(s, p)
        ):
            return []  # "The senator called Japan an ally and Australia a friend": objects both
        if _names_before(s, lo, verb):
            return []  # "Hamas counts Iran as its closest ally": the subject is no state
        if verb == 1 and _pronoun_subject(s) and len(set(objects)) == 1:
            # "Kenya's president hosted talks. He called Ethiopia a brotherly nation.": the
            # person the sentence before names acts for the other side
            actor = ctx.actor
            if actor is not None and actor != objects[0] and ctx.previous is None:
                return [pair_of(actor, objects[0])]
        return None

    def _calls_person(self, s: Sentence, verb: int) -> bool:
        """Whether the object of a verb of calling is a state's officeholder, not the state:
        "describing the Ugandan president as a trusted friend"."""
        j = _skip(s.toks, verb + 1, frozenset({"the"}))
        if j not in s.covered:
            return False
        while j in s.covered:
            j += 1
        return j < len(s.toks) and s.lows[j] in self.lex.titles

    def _called_tie(self, s: Sentence, p: Phrase, verb: int) -> list[Codes] | None:
        """ "Seoul called the Philippines' ties with Japan a strategic partnership": when
        the verb's object is a tie that names its own sides ("A's ties with B", "relations
        between A and B"), the label is that tie's, not the caller's."""
        toks = s.toks
        j = _skip(toks, verb + 1, _QUOTES_THE)
        owner: str | None = None
        if j in s.covered and _possessive_at(s, j):
            owner = s.covered[j]
            while j in s.covered:
                j += 1
            j = _skip(toks, j, frozenset({"'s", "'"}))
        if j + 1 >= p.start or s.lows[j] not in _TIE_NOUNS:
            return None
        # the states the tie names, up to the label ("with Japan and Vietnam")
        named: list[str] = []
        end = j + 2
        while end < p.start and (end in s.covered or s.lows[end] in (",", "and", "the")):
            if end in s.covered and s.covered[end] not in named:
                named.append(s.covered[end])
            end += 1
        if any(s.lows[k] not in _LABEL_OPENERS for k in range(end, p.start)):
            return None  # the tie is not the thing called
        link = s.lows[j + 1]
        if link == "with" and owner is not None:
            return _cross([owner], named) or None
        if link == "between" and owner is None and len(named) == 2:
            return [pair_of(*named)]
        return None

    def _made_roles(self, s: Sentence, p: Phrase, lo: int) -> list[Codes] | None:
        """ "Peru would make Chile and Bolivia its 'preferred allies'", "said his government
        would make Chile and Bolivia 'preferred allies'": a state that makes others a role
        holds it with each of them. None when the verb's subject is no state or the
        state's own body ("The treaty made Chile and Bolivia allies": each other's)."""
        if _MAKE_VERBS.isdisjoint(s.lows[lo : p.start]) or self._role_heads.isdisjoint(p.heads):
            return None  # most labels follow no verb of making: one set test
        toks, covered = s.toks, s.covered
        j = before_quotes(toks, p.start - 1)
        if j >= 0 and toks[j].low in ("a", "an", "its", "their", "his", "her", "our"):
            j = before_quotes(toks, j - 1)
        objects: list[str] = []
        while j >= lo and (j in covered or (objects and toks[j].low in (",", "and", "the"))):
            if j in covered and covered[j] not in objects:
                objects.insert(0, covered[j])
            j -= 1
        if not objects or j < lo or toks[j].low not in _MAKE_VERBS:
            return None
        k = j - 1
        while k >= lo and toks[k].low in _MODALS_BEFORE_MAKE:
            k -= 1
        if k < lo:
            return None
        if k in covered:
            owner: str | None = covered[k]
        elif toks[k].low in _STATE_BODIES and k >= 1 and toks[k - 1].low in _STATE_OWNERS:
            # "his government": the one state the sentence names before, not made anything
            before = {m.code for m, t in s.states if t < k and m.code and m.code not in objects}
            owner = before.pop() if len(before) == 1 else None
        else:
            return None
        if owner is None or owner in objects:
            return None
        return _cross([owner], objects)

    def _two_after_saying(self, s: Sentence, p: Phrase, lo: int) -> bool:
        """ "Washington said the two remain enemies", "The two remain enemies, Washington
        said": "the two" (or "both", "the two nations") is the subject of what a verb of
        saying reports, and every state the sentence names is who speaks, before that verb
        or after a comma closing the report, not a side."""
        at = _the_two_at(s.lows, lo, p.start)
        if at is None:
            return False
        speech = self.lex.speech
        say = next((k for k in range(at - 1, lo - 1, -1) if s.lows[k] in speech), None)
        if say is not None:
            return all(t < say for _, t in s.states)
        # "The two remain enemies, Washington said": the speaker after a comma at the end
        comma = next((k for k in range(p.end, len(s.lows)) if s.lows[k] == ","), None)
        return (
            comma is not None
            and all(t > comma for _, t in s.states)
            and not speech.isdisjoint(s.lows[comma + 1 :])
        )

    def _regard_verb(self, s: Sentence, p: Phrase, lo: int) -> int | None:
        """The verb of calling or counting up to nine words before the label, where a
        state's name is one word and the commas and "and" of a list of states are none: so
        "Australia counts Japan, India and the United States among its closest partners"
        reaches "counts" as "Australia counts Japan among its closest partners" does."""
        if _REGARD_VERBS.isdisjoint(s.lows[lo : p.start]):
            return None  # most labels follow no such verb: one set test
        covered = s.covered
        words = 0
        k = p.start - 1
        while k >= lo and words < 9:
            if s.lows[k] in _REGARD_VERBS:
                return k
            in_name = k in covered and k + 1 in covered and covered[k + 1] == covered[k]
            joins = s.lows[k] in (",", "and", "the") and k - 1 in covered and k + 1 in covered
            if not (in_name or joins):
                words += 1
            k -= 1
        return None

    def _gapped(self, s: Sentence, p: Phrase, lo: int) -> list[Codes] | None:
        """ "A called B an 'eternal friend' and C a 'trusted partner'": one verb of calling
        names several in turn; the later objects ("and C", "and C and D its") hold the
        later labels with the verb's subject (or the state whose label it is: "C's")."""
        if "and" not in s.lows[max(lo, p.start - 12) : p.start]:
            return None  # most labels follow no "and": the common case costs one look
        toks = s.toks
        covered = s.covered
        if _other_side_after(s, p):
            return None  # "and Ethiopia a key partner of China": the other side is named
        j = before_quotes(toks, p.start - 1)
        owner: str | None = None
        if j >= 0 and toks[j].low in ("a", "an", "its", "their", "his", "her"):
            j = before_quotes(toks, j - 1)
        elif j >= 0 and j in covered and _ends_possessive(toks[j]):
            owner = covered[j]  # "and Brazil Chile's closest partner"
            j = self._mention_start(s, j) - 1
        if j >= 0 and toks[j].low == "as":
            j -= 1  # "hailed China as a friend and Russia as a partner"
        if j < 0 or j not in covered or _ends_possessive(toks[j]):
            return None
        # the objects: a list of states right before the label, led by the "and" that
        # joins it to the first object and its label
        objects: list[str] = []
        while j >= lo and j in covered:
            k = self._mention_start(s, j)
            objects.insert(0, covered[j])
            j = k - 1
            if j > lo and toks[j].low == "the":
                j -= 1  # "and the United States"
            if j - 2 >= lo and s.lows[j - 1 : j + 1] == [",", "and"] and j - 2 in covered:
                j -= 2  # a serial comma: "Australia, India, and Canada" is one list
            elif j - 1 >= lo and toks[j].low in (",", "and") and j - 1 in covered:
                j -= 1
        if j < lo or toks[j].low != "and" or j - 1 < lo or j - 1 in covered:
            return None
        verb = next((k for k in range(j - 1, lo - 1, -1) if toks[k].low in _REGARD_VERBS), None)
        if verb is None:
            # "the minister said China was an iron brother and Turkey a trusted friend":
            # a copula after the first object, the speaker's state the other side
            copula = next((k for k in range(j - 1, lo, -1) if toks[k].low in _COPULA), None)
            if copula is None or copula - 1 not in covered or not s.speaker or owner:
                return None
            if s.speaker in objects or covered[copula - 1] == s.speaker:
                return None
            return _cross([s.speaker], objects) or None
        if verb < j - 16:
            return None
        first = [c for t, c in covered.items() if verb < t < j]
        subjects = [
            m.code for m, t in s.states if lo <= t < verb and m.code and not s.in_aside(t)
        ]
        if not first:
            return None
        if not subjects and not owner:
            return []  # "The senator called Japan an ally and Australia a friend": no state's
        return _cross([owner or subjects[-1]], objects) or None

    def _mention_start(self, s: Sentence, j: int) -> int:
        """The first token of the state mention that token ``j`` falls in."""
        for m, t in s.states:
            if t <= j and toks_end(s, t, m) > j:
                return t
        return j

    def _the_two_of(self, s: Sentence, p: Phrase, ctx: Context) -> list[Codes] | None:
        """ "the two U.S. allies": each of the pair named around is an ally of the U.S."""
        toks = s.toks
        covered = s.covered
        g = p.start
        while g > 0 and g - 1 in covered:
            g -= 1
        if (
            g == p.start
            and p.gap is not None
            and p.start >= 2
            and toks[p.start - 1].low == "two"
            and toks[p.start - 2].low in ("the", "these", "those", ",")
        ):
            # "Egypt and Jordan, two key U.S. allies,": the state inside the label owns it
            inside = {covered[k] for k in range(p.gap[0], p.gap[1]) if k in covered}
            if len(inside) == 1:
                return self._held_of(s, inside.pop(), ctx)
        if g == p.start:
            # "the two NATO allies and historic rivals": the pair itself, named around
            back = p.start
            while (
                back > 0
                and p.start - back < 8
                and (
                    back - 1 in s.orgs
                    or toks[back - 1].low in self.lex.heads
                    or toks[back - 1].low in ("and", ",")
                    or toks[back - 1].low in QUOTES  # "the two Commonwealth 'cousins'"
                    or toks[back - 1].low in self.lex.qualifying
                    or toks[back - 1].low in self.lex.neutral
                )
            ):
                back -= 1
            if back < 2 or toks[back - 1].low != "two" or toks[back - 2].low != "the":
                return None
            known = s.hint or ctx.previous or ctx.following
            if known:
                holder = _standing_with(s, back - 2, known)
                if holder is not None:
                    return _cross([holder], list(known))
            return [known] if known else []
        if g < 2:
            return None
        # "the two U.S. allies"; "Egypt and Jordan, two U.S. allies,": an apposition
        if not (toks[g - 1].low == "two" and toks[g - 2].low in ("the", "these", "those", ",")):
            return None
        owners = {covered[k] for k in range(g, p.start)}
        if len(owners) != 1:
            return None
        (owner,) = owners
        return self._held_of(s, owner, ctx)

    def _held_of(self, s: Sentence, owner: str, ctx: Context) -> list[Codes]:
        """The pair named around "the two <owner's> allies", each with the owner."""
        known = s.hint if s.hint and owner not in s.hint else None
        if known is None:
            others = _codes(m for m, _ in s.states if m.code != owner)
            if len(others) == 2:
                known = pair_of(*sorted(others))
        if known is None and ctx.previous and owner not in ctx.previous:
            known = ctx.previous
        return _cross([owner], list(known)) if known else []

    def _inner_owner(self, s: Sentence, p: Phrase) -> list[Codes] | None:
        """ "the Kuwaitis, long-time US allies": one state inside the label owns the role; the
        state it is set beside (", " or "is") holds it."""
        if p.gap is None or not any(
            h in self.lex.person_heads or h in _ROLE_HEADS for h in p.heads
        ):
            return None
        inside = {m.code for m, t in s.states if p.gap[0] <= t < p.gap[1] and m.code}
        if len(inside) != 1:
            return None
        (owner,) = inside
        j = p.start - 1
        while j >= 0 and (s.toks[j].low in _LINKING or s.toks[j].low == "both"):
            j -= 1
        if j < 0 or j == p.start - 1:
            return None
        # the state whose mention ends right before the comma or the verb, and the one
        # coordinated with it ("Australia and Britain, both close U.S. allies,")
        for m, t in s.states:
            if m.code and m.code != owner and t <= j and s.toks[j].start < m.end:
                holders = [c for k, c in s.coordinations if m.code in c and k <= t]
                return _cross([owner], list(holders[-1]) if holders else [m.code])
        return None

    def _apposition(self, s: Sentence, p: Phrase) -> list[Codes] | None:
        """ "the US and key allies Israel and Qatar", "their ally Armenia": the states named
        right after a role noun are its holders; whose allies they are is the state before."""
        # "Turkey's 'brotherly nations', Azerbaijan and Qatar,": a group noun only with a list
        group = p.heads[-1] in _GROUP_NOUNS if p.heads else False
        if not group and self._kind_heads.isdisjoint(p.heads):
            return None
        toks = s.toks
        j = _skip(toks, p.end, QUOTES)
        listed = False
        if j + 1 < len(toks) and toks[j].low == "," and toks[j + 1].low in _INCLUDING:
            j, listed = j + 2, True  # "Russia's top-level partners, including China and Iran"
        elif j < len(toks) and toks[j].low in _INCLUDING:
            j, listed = j + 1, True
        elif _set_off_list(s, _past_scope(s, j)):
            # "China's closest partners, Pakistan and Cambodia, sent": set off by commas
            # (or dashes), after a scope phrase too ("allies in the region, Japan and ...")
            j = _past_scope(s, j)
            mark = toks[j].low
            targets, blocked = self._list_after(s, j + 1)
            k = j + 1
            while k < len(toks) and (k in s.covered or toks[k].low in ("and", ",", "the")):
                k += 1
            closed = k >= len(toks) or toks[k - 1].low == mark or toks[k].low in (".", ";", mark)
            if blocked or not targets or not closed:
                return None  # "Vietnam's partners, Japan said, ...": not a list of them
            j, listed = j + 1, True
        if group and not listed:
            return None
        if listed and j < len(toks) and toks[j].low == "as":
            j += 1  # "such as"
        if listed and j + 1 < len(toks) and toks[j].low == "the":
            j += 1  # "France's partners, the UAE and Qatar,"
        if j >= len(toks) or not any(t == j for _, t in s.states):
            return None
        targets, blocked = self._list_after(s, j)
        if blocked or not targets:
            return None
        owners = [m.code for m, t in s.states if t < p.start and m.code and m.code not in targets]
        if listed:
            # a list after "including" is of one owner's partners: its possessive stands
            # right before the phrase, or its subject before "has" ("India has partners")
            k = _back_to_owner(s, p.start - 1, _FEW.__contains__)
            if k > 0 and toks[k].low in _HAVE:
                k -= 1
            elif k >= 0 and k == p.start - 1 and k in s.covered and not s.in_aside(k):
                pass  # "Several U.S. allies, including Japan": the state before the noun
            elif not (k >= 0 and _ends_possessive(toks[k])):
                k = -1
            elif k > 0 and toks[k].low == "'":
                k -= 1  # "the Philippines' allies": the apostrophe stands apart
            owners = [
                m.code
                for m, t in s.states
                if m.code and k >= 0 and t <= k and toks[k].start < m.end
            ]
            if not owners and p.gap is not None:
                # "Two key U.S. allies, Japan and South Korea,": the state inside the label
                inside = {m.code for m, t in s.states if p.gap[0] <= t < p.gap[1] and m.code}
                owners = list(inside) if len(inside) == 1 else []
        if not owners and not listed and len(targets) == 2 and p.heads[-1].endswith("s"):
            # "NATO allies Estonia and Latvia pressed ...": the two named are the pair
            return [pair_of(*targets)] if not _ends_longer_list_after(s, j, targets) else []
        if not owners:
            return [] if listed else None  # "key partners like B": whose partners is unsaid
        return _cross(owners[-1:], targets)

    def _granted(self, s: Sentence, p: Phrase, lo: int, hi: int) -> list[Codes] | None:
        """ "A granted ... X to B": the granting state and the receiving one."""
        toks = s.toks
        j = _skip(toks, p.end, _QUOTES_COMMA)
        if j >= len(toks) or toks[j].low != "to":
            return None
        verb = next(
            (
                k
                for k in range(p.start - 1, max(lo, p.start - 10) - 1, -1)
                if toks[k].low in _GRANT_VERBS
            ),
            None,
        )
        if verb is None:
            return None
        targets, blocked = self._list_after(s, j + 1)
        if blocked or not targets:
            return [] if blocked else None
        givers = [
            m.code for m, t in s.states if lo <= t < verb and m.code and m.code not in targets
        ]
        if not givers:
            return None
        return _cross([givers[-1]], targets)

    def _role_of(self, s: Sentence, p: Phrase, lo: int, ctx: Context) -> list[Codes] | None:
        """ "A and B are key partners for C": each subject with the state after of/for/to."""
        if self._kind_heads.isdisjoint(p.heads):
            return None
        toks = s.toks
        j = _skip(toks, p.end, QUOTES)
        if j < len(toks) and toks[j].low == "and":
            j = self._past_next_role(toks, j + 1)  # "good friends and good partners of"
        if j >= len(toks) or toks[j].low not in ("of", "for", "to", "than"):
            return None
        if j + 2 < len(toks) and toks[j + 1].low == "both":
            j += 1  # "a friend of both Bolivia and Ecuador": each is a side
        targets, blocked = self._list_after(s, j + 1)
        if blocked:
            return []
        speaker = s.speaker or ctx.speaker
        his_country = s.lows[j + 1 : j + 3] in (["his", "country"], ["her", "country"])
        if not targets and speaker and his_country:
            targets = [speaker]  # "China remained a key partner for his country"
        elif not his_country and s.lows[j + 1 : j + 2] in (["his"], ["her"]):
            return []  # "an old friend of his Chinese counterpart": a person's friend
        if not targets:
            # "the closest partner for the Central Asian countries": a group, not a state
            if not _GROUP_NOUNS.isdisjoint(t.low for t in toks[j + 1 : j + 6]):
                return []
            k = j + 2 if s.lows[j + 1 : j + 2] == ["the"] else j + 1
            if toks[j].low == "of" and k < len(toks) and _region_named(s, k):
                return []  # "a steadfast friend of the Caribbean": its other side no state
            return None
        coords = [(t, c) for t, c in s.coordinations if lo <= t < p.start]
        named = _object_before(s, p)
        if named is not None:
            # "and Ethiopia a close friend of Somalia": the state the label is said of
            owners = [named] if named not in targets else []
        elif coords:
            t, codes = coords[-1]
            # "Chile, Peru and Bolivia are partners of China": the list the "and" ends
            owners = [c for c in _listed_before(s, t) + list(codes) if c not in targets]
        else:
            owners = [m.code for m, t in s.states if lo <= t < p.start and m.code]
            owners = [o for o in owners[-1:] if o not in targets]
        return _cross(owners, targets) or None

    def _past_next_role(self, toks: list[Token], k: int) -> int:
        """The token after a second role joined by "and" from ``k`` ("good partners" in
        "good friends and good partners of China"), which shares what follows it; ``k``
        when none stands there."""
        for m in range(k, min(len(toks), k + 5)):
            w = toks[m].low
            if w in self.lex.person_heads or w in _ROLE_HEADS:
                return _skip(toks, m + 1, QUOTES)
            if not (w.isalpha() or "-" in w or w in QUOTES):
                break
        return k

    def _org_is_side(self, s: Sentence, o: int, p: Phrase, lo: int, hi: int) -> bool:
        """Whether a group named in the clause may be a side of the phrase's tie.

        A group next to the phrase ("the EU's partnership", "partnership with ASEAN") or in
        a clause naming fewer than two states is a side; one named apart from the phrase,
        beside two states ("Serbia, a European Union candidate, keeps close relations with
        Russia", "at a Mercosur meeting"), is a venue or a frame.
        """
        if _org_is_venue(s, o):
            return False
        if p.start <= o < p.end and not p.start <= p.head < p.end:
            return False  # "their partnership is a pillar of ASEAN": what the tie holds up
        if _org_beside_state(s, o):
            return True  # "ASEAN and Australia agreed", "the ASEAN-India partnership"
        if self._org_modifies(s, o, p):
            return False
        if _frame_after(s, o, p):
            return False
        lead = " ".join(t.low for t in s.toks[max(0, o - 4) : o] if t.low != "the")
        if lead.endswith(("along with", "together with", "alongside", "as well as")):
            return False  # "Spain's oldest ally, along with NATO": beside the label, not a side
        if o + 1 < len(s.toks) and s.toks[o + 1].low in self._kind_heads:
            return False  # "friends and G20 partners": the group names a kind of partner
        if self._org_next_to(s, o, p):
            return True
        before = o - 1
        if before > 0 and s.toks[before].low == "the":
            before -= 1
        if (
            before >= p.end
            and s.toks[before].low in ("with", "between", "to")
            and o < p.end + 8
            and not any(s.cased[k][:1].islower() for k in range(p.end, before))
        ):
            # "a partnership (CSP) with ASEAN", "... with the African Union"; not a group
            # after a verb of a clause of its own ("and the two would apply to NATO")
            return True
        states = {m.code for m, t in s.states if lo <= t < hi and m.code}
        return len(states) < 2 and not s.cue  # "the two countries ... after X joined ASEAN"

    def _org_next_to(self, s: Sentence, o: int, p: Phrase) -> bool:
        """A group owning the label or its object: "the EU's partnership", "ASEAN's key
        partner", "a strategic partner of the African Union". A group merely near it is
        not ("welcomed Sweden into NATO as our ally", "act as brothers in ASEAN")."""
        lows = s.lows
        if o < p.start:
            k = o
            while k < p.start and not _ends_possessive(s.toks[k]) and s.cased[k][:1].isupper():
                k += 1  # the rest of the group's name
            if k < p.start and _ends_possessive(s.toks[k]):
                rest = lows[k + 1 : p.start]
                return all(w in QUOTES or _is_rank(w) or w in ("most", "closest") for w in rest)
            if k == p.start:
                return True  # the group's name runs into the label: "EU partnership"
            # the group as the subject of the verb before the label ("ASEAN accorded the
            # partnership status to ...") or its object ("called NATO an alliance"), not a
            # group after a preposition ("welcomed Sweden into NATO as our ally")
            b = o - 1 if o > 0 and lows[o - 1] != "the" else o - 2
            subject = (
                b < 0
                or lows[b] in (",", ";", ":", "and")
                or lows[b] in QUOTES
                or lows[b] in _REGARD_VERBS
            )
            owner = before_quotes(s.toks, p.start - 1)
            held = [
                t
                for _, t in s.states
                if k <= t < p.start and not (t <= owner and _possessive_at(s, t))
            ]
            return subject and p.start - k <= 4 and not held
        if o >= p.end:
            between = lows[p.end : o]
            return (
                len(between) <= 3
                and all(
                    w in QUOTES or w in ("of", "for", "to", "with", "and", "the") for w in between
                )
                and any(w in ("of", "for", "to", "with", "and") for w in between)
            )
        return True  # inside the label

    def _org_modifies(self, s: Sentence, o: int, p: Phrase) -> bool:
        """ "a key NATO ally": the group names the kind of ally, not a side."""
        return p.start <= o + 1 <= p.head and all(
            s.toks[k].low[:1].isalpha() for k in range(o + 1, p.head + 1)
        )

    def _between(self, s: Sentence, k: int, ctx: Context) -> list[Codes]:
        toks = s.toks
        words = " ".join(t.low for t in toks[k : k + 4])
        named = any(t in (k, k + 1) for _, t in s.states)
        if not named and (
            re.match(r"(?:the two|both|their|our|them|these two)\b", words)
            or self._the_group(s, k)
            or _region_two(s, k)
        ):
            known = s.hint or self._last_two(s, k) or ctx.previous or ctx.following
            return [known] if known else []
        targets, blocked = self._list_after(s, k)
        if blocked or len(targets) != 2:
            return []
        out = [pair_of(targets[0], targets[1])]
        # "alliances between Chile and Peru and between Bolivia and Peru"
        for m in range(k + 3, min(len(toks), k + 14)):
            if toks[m].low == "between" and toks[m - 1].low == "and":
                more, blocked = self._list_after(s, m + 1)
                if not blocked and len(more) == 2 and pair_of(*more) not in out:
                    out.append(pair_of(more[0], more[1]))
        return out

    def _the_group(self, s: Sentence, k: int) -> bool:
        """ "between the NATO allies", "between the neighbours", "between the Central Asian
        neighbours": the pair named around, as a plural of a kind of state, after a region's
        words if any."""
        lows = s.lows
        if k + 1 >= len(lows) or lows[k] != "the":
            return False
        j = k + 2 if k + 1 in s.orgs and k + 2 < len(lows) else k + 1
        if lows[j] in _GROUP_NOUNS or lows[j] in ("allies", "partners"):
            return True
        region = j
        while j < len(lows) and j < region + 3 and s.cased[j][:1].isupper():
            if j in s.covered:
                return False  # "between the Kenyan and Ugandan governments" names its own
            j += 1
        return region < j < len(lows) and lows[j] in _KIND_OF_STATES

    def _owned_elsewhere(self, s: Sentence, p: Phrase) -> bool:
        """A label owned by "their", "his" or "her" while the sentence's only pair is a
        compound after it, heading a relationship noun of its own ("UK-US relations"):
        the label is not said to be that pair's."""
        j = before_quotes(s.toks, p.start - 1)
        if j < 0 or s.lows[j] not in ("their", "his", "her"):
            return False
        heads = self.lex.heads
        for t, _ in s.compounds:
            k = t
            while k < len(s.toks) and (k in s.covered or s.lows[k] in ("-", "/")):
                k += 1
            if not (k < len(s.toks) and s.lows[k] in heads and t >= p.end):
                return False  # "Ghana-Togo relations are at their best": "their" is theirs
        return True

    def _last_two(self, s: Sentence, k: int) -> Codes | None:
        """ "Budapest points out that Kiev profits from Russia's gas ... the animosity between
        the two": in a sentence of three states or more, the two named in what is reported,
        after "that" or a verb of saying, when exactly two are named there."""
        if len({m.code for m, _ in s.states}) < 3:
            return None
        said = [j for j in range(k) if s.lows[j] == "that" or s.lows[j] in self.lex.speech]
        if not said:
            return None  # "Kenya's president flew to Tanzania after visiting Uganda": which two?
        reported = {m.code for m, t in s.states if said[0] < t < k and m.code}
        return pair_of(*sorted(reported)) if len(reported) == 2 else None

    def _with_index(self, s: Sentence, p: Phrase, lo: int, hi: int) -> int | None:
        """Token index of the "with" that names the partner of this phrase, if any."""
        toks = s.toks
        j = _skip(toks, p.end, QUOTES)
        if j < len(toks) and toks[j].low == "with":
            return j
        if "with" not in s.lows:
            return None  # one look: most sentences hold no other "with"
        if _own_other_side(s, j):
            return None  # "a partner for his country, as Lima deepened ties with Canberra"
        # a label inside an aside ("Kenya, a close ally of the US, hailed its partnership
        # with Ethiopia") takes no "with" from outside it
        lo, hi = next(((a, b) for a, b in s.asides if a <= p.start < b), (lo, hi))
        for k in range(lo, hi - 1):
            if (
                toks[k].low == "with"
                and k > 0
                and toks[k - 1].low in self.lex.heads
                and (k < p.start or k >= p.end)
            ):
                return k
        return None

    def list_after(self, s: Sentence, k: int) -> tuple[list[str], bool]:
        """States listed from token ``k``, and whether a non-state leads the list."""
        return self._list_after(s, k)

    def _list_after(self, s: Sentence, k: int) -> tuple[list[str], bool]:
        """States listed from token ``k`` ("Iran and North Korea"); blocked if a non-state leads."""
        toks = s.toks
        by_token: dict[int, StateMention] = {}
        for mention, t in s.states:
            by_token.setdefault(t, mention)
        j = k
        while j < len(toks) and (toks[j].low in _QUOTES_THE or toks[j].low in ("#", "@")):
            j += 1
        # "with such states as Cuba", "with countries like Peru"
        lead = j
        while lead < len(toks) and lead < j + 6:
            if toks[lead].low in _LIST_LEADS or toks[lead].low in _COUNTS:
                lead += 1
            elif (
                lead > j
                and lead + 1 < len(toks)
                and toks[lead + 1].low in _LIST_LEADS
                and s.cased[lead][:1].isupper()
                and lead not in s.covered
            ):
                lead += 1  # a region: "with many African states, including Kenya"
            else:
                break
        # "with seven countries, including Japan": a comma only before "including"
        listed = "," not in s.lows[j:lead] or s.lows[lead - 1] in _INCLUDING
        if (
            lead > j + 1
            and lead + 1 < len(toks)
            and toks[lead].low == "the"
            and (s.lows[lead - 1] in _INCLUDING or s.lows[lead - 2 : lead] == ["such", "as"])
        ):
            lead += 1  # "including the UAE", "such as the Philippines"
        if lead > j and listed and lead in {t for _, t in s.states}:
            j = lead
        if j in s.orgs:
            return [], True
        if j < len(toks) and toks[j].low in self.lex.non_states:
            return [], True
        out: list[str] = []
        while j < len(toks):
            m = by_token.get(j)
            if m is None or m.code is None:
                break
            if m.kind is _LEADER and not out and not _governs(s, j, m):
                return [], True  # "a special friendship with Lula": the person, not the state
            if m.code not in out:
                out.append(m.code)
            j += 1
            # skip the rest of a multi-token mention ("North Korea", "U.S.")
            while j < len(toks) and toks[j].start < m.end:
                j += 1
            while j < len(toks) and toks[j].low in ("'s", "'"):
                j += 1
            if j < len(toks) and toks[j].low in (",", "and", "&"):
                nxt = j + 1
                while nxt < len(toks) and toks[nxt].low in ("and", "the", "#", "@"):
                    nxt += 1
                if (
                    nxt in by_token
                    and self._list_item(s, by_token[nxt])
                    and not _takes_own_label(s, by_token[nxt])
                ):
                    j = nxt
                    continue
                if nxt in s.orgs:
                    return [], True
            break
        return out, False

    def _list_item(self, s: Sentence, m: StateMention) -> bool:
        """A further item of a list of partners: a name, not "Russian Foreign Minister"."""
        if m.kind in (_DEMONYM, _LEADER):
            return False
        j = next((k for k, t in enumerate(s.toks) if t.start >= m.end), len(s.toks))
        return j >= len(s.toks) or s.toks[j].low not in self.lex.titles

    def _owners(
        self, s: Sentence, p: Phrase, with_at: int, targets: list[str], ctx: Context
    ) -> list[str]:
        """Whose relationship it is: the possessor, the subject, or the speaker."""
        toks = s.toks
        anchor = min(p.start, with_at)
        j = _back_to_owner(s, anchor - 1, self.lex.heads.__contains__)
        # skip modifiers between a possessive and the head ("Russia's friendly ties")
        while (
            j >= 0 and toks[j].low not in ("its", "their", "our") and not _ends_possessive(toks[j])
        ):
            if toks[j].low in QUOTES or (
                toks[j].low.isalpha() and toks[j].low not in ("the", "a", "an")
            ):
                if j < anchor - 6:
                    break
                j -= 1
                continue
            break

        def speaker() -> str | None:
            return s.speaker or ctx.speaker

        if _apostrophe_after_state(s, j):
            j -= 1  # "the Philippines' ties": the name before the apostrophe owns
        if j >= 0:
            w = toks[j].low
            # the whole name owns, however many words: "South Korea's alliance"
            possessor = [s.covered[j]] if j in s.covered else []
            if possessor and possessor[0] not in targets:
                return [possessor[0]]
            if w == "our" and speaker() and speaker() not in targets:
                return [speaker() or ""]
            if w == "their":
                coords = [(t, c) for t, c in s.coordinations if t < anchor and not s.in_aside(t)]
                if coords:
                    t, c = coords[-1]
                    return [] if ends_longer_list(s, t) else list(c)
                if ctx.previous:
                    return list(ctx.previous)
            if w == "its":
                # "Facing China, India hailed its partnership with Japan": the subject, the
                # first state outside an opening phrase or an aside
                opening = _opening(s)
                subject = [
                    (m.code, t)
                    for m, t in s.states
                    if opening <= t < j and m.code and m.code not in targets and not s.in_aside(t)
                ]
                # "..., and Fiji spoke of its friendship with Tonga": the later clause's
                opened = [c for c, t in subject if _opens_clause(s, t)]
                if opened:
                    return opened[-1:]
                if subject:
                    return [subject[0][0]]
        relative = self._relative_subjects(s, anchor, targets)
        if relative:
            return relative
        # "Speaking in Beijing, Kenya's minister praised ... with Uganda": a state in the
        # opening phrase is where or when, not whose
        opening = _opening(s)
        before = [
            (m.code, t)
            for m, t in s.states
            if opening <= t < anchor
            and m.code
            and m.code not in targets
            and not s.in_aside(t)
            and not _leaders_compound(s, m, t)
        ]
        # "Trump met Kim in Hanoi, and Vietnam spoke of friendship with North Korea": the
        # subject of the clause that ", and" opens, not the first state of the sentence
        opened = [c for c, t in before if _opens_clause(s, t)]
        if opened:
            return opened[-1:]
        if before:
            first_code, first = before[0]
            listed, _ = self._list_after(s, first)
            listed = [c for c in listed if c not in targets]
            if len(listed) >= 2:
                return listed  # "Singapore, Indonesia and Malaysia were linked ... with the US"
            return [first_code]
        said_by = speaker()
        if said_by and said_by not in targets:
            return [said_by]
        after = [m.code for m, t in s.states if t > anchor and m.code and m.code not in targets]
        if len(set(after)) == 1:
            return [after[0]]
        return []

    def _relative_subjects(self, s: Sentence, anchor: int, targets: list[str]) -> list[str]:
        """ "Belarus, Pakistan and Venezuela, which enjoy X with China": the listed states."""
        toks = s.toks
        which = [k for k in range(max(0, anchor - 8), anchor) if toks[k].low in ("which", "who")]
        if not which:
            return []
        k = which[-1] - 1
        if k >= 0 and toks[k].low == ",":
            k -= 1
        by_end: dict[int, str] = {}
        for m, t in s.states:
            if m.code:
                last = t
                while last + 1 < len(toks) and toks[last + 1].start < m.end:
                    last += 1
                by_end[last] = m.code
        out: list[str] = []
        while k >= 0 and k in by_end:
            out.append(by_end[k])
            first = min(t for m, t in s.states if by_end.get(k) == m.code and t <= k)
            k = first - 1
            while k >= 0 and toks[k].low in (",", "and", "the"):
                k -= 1
        return [c for c in reversed(out) if c not in targets]

    def _possessive_role(self, s: Sentence, p: Phrase, ctx: Context) -> list[Codes] | None:
        """ "Vietnam's strategic partner", "a U.S. ally", "Turkey's brother states": the
        possessor and the subject."""
        if self._role_heads.isdisjoint(p.heads):
            return None
        toks = s.toks
        j = _back_to_owner(s, p.start - 1, _is_rank)
        if j < 0:
            return None
        owner: str | None = None
        owner_at = j  # the first token of the owner's mention ("U.S." is four)
        described = False  # "the country's allies": the owner is a state named before
        for m, t in s.states:
            if t == j or (toks[j].low in (".", "'s", "'") and t < j and m.end >= toks[j - 1].start):
                owner = m.code
                owner_at = t
                described = m.kind is _DESCRIPTION
        mine = j > 0 and toks[j - 1].low in ("his", "her", "their", "its")
        if owner is None and toks[j].low == "country's" and mine:
            owner = s.speaker or ctx.speaker
            leaders = [m.code for m, t in s.states if m.kind is _LEADER and t < j]
            if leaders:
                owner = leaders[-1]
        if owner is None:
            return None
        others = [m.code for m, t in s.states if m.code and m.code != owner]
        before = [(m.code, t) for m, t in s.states if t < j and m.code and m.code != owner]
        if owner_at >= 2 and s.lows[owner_at - 1] == "and" and owner_at - 2 not in s.covered:
            # "Japan is America's closest ally and Australia's strategic partner": the
            # second owner's label is the subject's too, not the first owner's
            lo, _ = s.clause(p.start)
            subject = [
                (c, t)
                for c, t in before
                if t >= lo and not _ends_possessive(toks[toks_end(s, t, _mention_at(s, t)) - 1])
            ]
            if subject:
                # the subject may be a list: "Tokyo and Washington are Seoul's allies and
                # Canberra's partners"
                listed = [c for c in self._list_after(s, subject[0][1])[0] if c != owner]
                return _cross([owner], listed or [subject[0][0]])
        if before:
            code, at = before[-1]
            last = at
            while last + 1 < j and s.toks[last + 1].start < next(
                m.end for m, t in s.states if t == at
            ):
                last += 1
            between = [w.low for w in s.toks[last + 1 : owner_at]]
            if _which_called(between):
                # "the United States and Israel, which he called his country's natural
                # allies": the states before "which", each with the owner
                coords = [t for t, c in s.coordinations if code in c and t <= at]
                start = _list_start(s, coords[-1]) if coords else at
                listed = [c for c in self._list_after(s, start)[0] if c != owner]
                return _cross([owner], listed or [code])
            if (
                any(h.endswith("s") for h in p.heads)
                and not described
                and not all(
                    w in _LINKING or w in QUOTES or w in _ONE_OF or w == "both" for w in between
                )
            ):
                return []  # "angered Ukraine and bewildered Hungary's allies"
            coordinated = [(t, c) for t, c in s.coordinations if code in c and owner not in c]
            if coordinated:
                # "Japan and Australia are", "New Zealand, Fiji and Samoa are among"
                t, c = coordinated[-1]
                listed = [x for x in self._list_after(s, _list_start(s, t))[0] if x != owner]
                return _cross([owner], listed if len(listed) > 2 else list(c))
            return [pair_of(owner, code)]
        lo, _ = s.clause(p.start)
        if _names_before(s, lo, j):
            return []  # "The Houthis are Iran's most loyal allies": a group holds the role
        after = [(m.code, t) for m, t in s.states if t > j and m.code and m.code != owner]
        if after and all(s.lows[t - 1] in _PLACE_BEFORE for _, t in after):
            return []  # "Iran's closest ally in Lebanon": a place, not who holds the role
        if len(set(others)) == 1:
            return [pair_of(owner, others[0])]
        return []

    def _role_said_of(self, s: Sentence, p: Phrase) -> bool:
        """ "Brazil is, naturally, a strategic partner" in a quote: the speaker's partner."""
        if self._kind_heads.isdisjoint(p.heads):
            return False
        ends = [t for m, t in s.states if t < p.start]
        if not ends:
            return False
        between = [t.low for t in s.toks[toks_end(s, ends[-1], _mention_at(s, ends[-1])) : p.start]]
        return (
            len(between) <= 7
            and not _COPULA.isdisjoint(between)
            and all(
                w in _LINKING or w in QUOTES or w in _ASIDE or w.endswith("ly") for w in between
            )
        ) or self._later_role_said_of(between)

    def _ours_of_one_state(
        self, s: Sentence, p: Phrase, lo: int, ctx: Context
    ) -> list[Codes] | None:
        """ "Iraq is our brother": one state, a singular copula and "our" before a kin or
        friend noun are that state and the speaker's, and nobody's when no official of a
        state speaks ("KENYA'S LEADING ECONOMIST: Iraq is our brother"), whatever other
        state the sentence names. None when the label is not so said, or said with no
        speaker of a sentence naming no other state (the pair before may hold it)."""
        if self._kind_heads.isdisjoint(p.heads):
            return None
        k = before_quotes(s.toks, p.start - 1)
        if k < 2 or s.lows[k] != "our":
            return None
        k = before_quotes(s.toks, k - 1)
        if k < 1 or s.lows[k] not in _ONE_STATE_COPULAS:
            return None
        subject = next(
            (m for m, t in s.states if lo <= t < k and toks_end(s, t, m) == k and m.code), None
        )
        if subject is None or subject.kind is _LEADER:
            return None
        first = next(t for m, t in s.states if m is subject)
        if first >= 1 and s.lows[first - 1] in ("and", "&", ","):
            return None  # "Chile and Peru is": a list read as today
        speaker = s.speaker or ctx.speaker
        if speaker == subject.code:
            return []
        if speaker:
            return [pair_of(speaker, subject.code or "")]
        # no speaker: another state the sentence names is not the "our" ("URUGUAY:
        # Argentina is our brother"); the state alone may still take up a pair before it
        return [] if any(m.code != subject.code for m, _ in s.states) else None

    def _later_role_said_of(self, between: list[str]) -> bool:
        """ "Brazil is a trusted friend and a vital partner", "is one of our closest
        friends and a trusted partner": the second of two roles said of the state by a
        copula, the words ``between`` the state and the label holding the first."""
        if not between or between[0] not in _COPULA or len(between) > 12:
            return False
        joins = [k for k, w in enumerate(between) if w in ("and", ",")]
        if not joins:
            return False
        k = joins[-1]
        first, rest = between[1:k], between[k + 1 :]
        if not first or first[-1] not in self._kind_heads:
            return False  # "is a close friend": the first item ends with a role
        if not all(w in _ARTICLES_OURS or w in QUOTES for w in rest):
            return False
        # the first item is one noun phrase: "one of our closest friends", "a close friend"
        words = [w for w in first if w not in QUOTES]
        if words[:2] == ["one", "of"]:
            words = words[2:]
        return all(w.isalpha() and w not in _NOT_IN_ROLE for w in words)

    def _said_right_before(self, s: Sentence, p: Phrase, lo: int) -> str | None:
        """The state named right before the label, with only a copula, "our" or an article
        between ("Turkey our trusted friend", "Turkey is our friend"); None otherwise."""
        before = [(m, t) for m, t in s.states if lo <= t < p.start and m.code]
        if not before:
            return None
        m, t = before[-1]
        between = s.lows[toks_end(s, t, m) : p.start]
        if len(between) > 4 or not all(
            w in _COPULA or w in QUOTES or w in ("our", "a", "an", "the") for w in between
        ):
            return None
        return m.code

    def _pair_owns_other(self, s: Sentence, p: Phrase, lo: int) -> bool:
        """Whether the subject before the label is something two states own ("New Zealand
        and Australia's netball sides", "Japan and Korea's chipmakers"), not the states."""
        for t, _ in s.coordinations:
            if not lo <= t < p.start:
                continue
            k = t
            while k < p.start and (k in s.covered or s.lows[k] in ("and", ",", "the")):
                k += 1
            if k == t or not _ends_possessive(s.toks[k - 1]):
                continue
            for w in s.lows[k : min(k + 3, p.start)]:
                if w in self.lex.non_states or w in self.lex.sport:
                    return True
        return False

    def _first_person(self, s: Sentence, p: Phrase) -> bool:
        j = before_quotes(s.toks, min(p.start, p.head) - 1)
        return j >= 0 and s.toks[j].low in ("our", "we", "us")


def _we_are_before(s: Sentence, p: Phrase) -> bool:
    """ "we are family": bare "family" said by "we" of the pair named before."""
    return p.heads == ("family",) and p.end - p.start == 1 and s.lows[p.start - 2 : p.start] == [
        "we",
        "are",
    ]


# A singular copula before "our" and the speaker's word for one state: "Iraq is our brother".
_ONE_STATE_COPULAS = frozenset({"is", "remains", "was"})
# Words before a second role said of a state: "and a trusted partner", "and our ally".
_ARTICLES_OURS = frozenset({"a", "an", "our", "the"})
# Words that make the first of two roles more than a noun phrase: a clause, a comparison,
# a denial, or a role held for someone named ("a friend of Chile").
_NOT_IN_ROLE = frozenset(
    {"of", "with", "for", "to", "by", "that", "which", "who", "but", "than", "from", "in",
     "on", "at", "not", "no", "never", "and", "or", "his", "her", "their", "its", "my"}
)


# Marks that end a role set after "as": "... as one of its allies, and", "... allies."
_ROLE_ENDS = frozenset({",", ".", ";", ":", "—", "–", "!", "?"})


# "a partnership with Peru and another with Chile": the words joining a label's "with B"
# to a second one, and those repeating the label.
_PARALLEL_JOINS = frozenset({"and", "against", "alongside", "besides", "plus"})
_ANOTHER = frozenset({"one", "another", "those", "ones"})
# Words after the second "with B" that leave it unheld: "and one with Chile is planned".
_PARALLEL_NOT_HELD = frozenset(
    {"is", "was", "would", "will", "could", "might", "may", "remains", "seems", "looks"}
)


def _end_of_list(s: Sentence, k: int) -> int:
    """The token right after the list of states from token ``k`` ("the US and Japan")."""
    covered, lows = s.covered, s.lows
    while k < len(lows):
        # a joining word goes on with the list only before a state: "and another with"
        next_state = k + 1 in covered or (
            k + 2 < len(lows) and lows[k + 1] == "the" and k + 2 in covered
        )
        if not (k in covered or lows[k] == "the" or (lows[k] in ("and", ",") and next_state)):
            break
        k += 1
    return k


def _says_the_two(s: Sentence, end: int) -> bool:
    """Whether the words before token ``end`` take up two states by "the two" or "both"
    ("the two capitals", "both countries", "the two West African powers"), not persons
    nor blocs ("the two leaders", "both blocs")."""
    k = _the_two_at(s.lows, 0, end)
    if k is not None and k + 1 < end and s.lows[k + 1] in _KIND_OF_STATES:
        return True
    return any(k < end for k in _region_words(s))


# Words that may close a "like A and B" aside: "like Japan and Peru before them".
_LIKE_ASIDE_ENDS = frozenset({"before", "them", "earlier", "did", "once", "already"})


def _like_pair_before(s: Sentence, p: Phrase, pair: Codes) -> list[Codes]:
    """ "Peru and Chile, like Peru and Bolivia before them, are now strategic partners":
    a pair set beside the subject pair in a "like" aside holds the label too. Only when
    the subject pair holds it, and the aside names the two states and nothing else."""
    for a, b in s.asides:
        if b >= p.start or s.lows[a] != "like":
            continue
        if not any(c == pair and t < a for t, c in s.coordinations):
            continue
        inside = [(t, c) for t, c in s.coordinations if a < t < b]
        if len(inside) != 1:
            continue
        t, other = inside[0]
        end = _end_of_list(s, t)
        if end > b or any(w not in _LIKE_ASIDE_ENDS for w in s.lows[end:b]):
            continue  # "like Bolivia and Ecuador's leaders": persons of theirs
        if s.lows[a + 1 : t] not in ([], ["the"]):
            continue
        return [other] if other != pair else []
    return []


def _rank_or_two(low: str) -> bool:
    """A rank or "two" between a possessive and its role: "Brazil's two closest allies"."""
    return low == "two" or _is_rank(low)


def _as_one_of_its(s: Sentence, p: Phrase, lo: int) -> list[Codes] | None:
    """ "Honduras cut its ties with Taipei after years as one of its staunch allies": a role after
    "as (one of) its" is what one of two states the clause names before it was to the
    other (a state is no ally of its own), whatever the sentence names after it. None
    when the clause names other than two states before it."""
    j = before_quotes(s.toks, p.start - 1)
    if j < 1 or s.lows[j] != "its":
        return None  # most labels: one look
    k = j - 1
    if s.lows[k - 2 : k + 1] == ["as", "one", "of"]:
        k -= 2
    if s.lows[k] != "as":
        return None
    end = _past_scope(s, _skip(s.toks, p.end, QUOTES))
    if end < len(s.toks) and s.lows[end] not in _ROLE_ENDS:
        return None  # "as its allies expected": "as" opens a clause of its own
    before = _codes(m for m, t in s.states if lo <= t < k)
    if len(before) != 2:
        return None
    return [pair_of(*sorted(before))]


def _coordinated_compounds(s: Sentence, p: Phrase, t: int, last: Codes) -> list[Codes]:
    """The compound at token ``t`` with those joined to it by "and" or commas before a
    plural head: "the Japan-U.S. and ROK-U.S. alliances" are two pairs' alliances, each
    pair holding the label; a singular head ("the Japan-U.S. and the ROK alliance") keeps
    the compound next to it."""
    out = [last]
    if not p.heads or not p.heads[-1].endswith("s"):
        return out
    starts = {k: c for k, c in s.compounds}
    covered = s.covered
    while t >= 2 and s.lows[t - 1] in ("and", ","):
        k = t - 2
        while k > 0 and k not in starts and (k in covered or s.lows[k] in _JOINS):
            k -= 1  # back over the compound's tokens to its first state
        if k not in starts or starts[k] in out:
            break
        out.append(starts[k])
        t = k
    return out[::-1]


_JOINS = frozenset({"-", "/", "–", "—"})


# Plural nouns for states that "the two" or "both" may refer back with, past a
# capitalised region word: "the two West African powers", "both Gulf monarchies".
_KIND_OF_STATES = frozenset(
    {
        "countries", "nations", "states", "powers", "neighbours", "neighbors", "allies",
        "partners", "governments", "democracies", "monarchies", "republics", "kingdoms",
        "economies", "capitals",
    }
)  # fmt: skip


def _contrasted_after(s: Sentence, p: Phrase, clause_codes: set[str]) -> bool:
    """Whether the one state outside the label's clause is named only after it, in a clause
    opened by "but" ("B was a partner, but neither A nor ..."): a contrast, not a side."""
    others = [t for m, t in s.states if m.code not in clause_codes]
    if not others or min(others) < p.end:
        return False
    return "but" in s.lows[p.end : min(others)]


_LIST_GOES_ON = re.compile(r"\s*(?:,|and\b|or\b|&|'|\()", re.IGNORECASE)


def opens_headline_list(norm: str, start: int, end: int) -> bool:
    """Two states opening a line with only a comma between them, as a headline writes "A
    and B": "Manila, Tokyo Forge Pact", "SEOUL, WASHINGTON UNVEIL ...". ``start`` is where
    the first begins and ``end`` where the second ends. Not a longer list ("Kenya, Uganda
    and Tanzania"), nor the second state owning what follows ("Ukraine, Russia's
    neighbour")."""
    if start > 0 and norm[start - 1] != "\n":
        return False
    if norm[end : end + 1] != " ":
        return False
    return _LIST_GOES_ON.match(norm, end) is None


def refers_to_two(s: Sentence) -> bool:
    """Whether the sentence refers back to two states by a region and a kind ("the two
    West African powers", "both Gulf monarchies", "the two Nordic nations")."""
    return bool(_region_words(s))


def _region_words(s: Sentence) -> set[int]:
    """The capitalised region words of "the two West African powers", "both Gulf
    monarchies": a place's adjective, not a name of someone holding the label."""
    lows, cased = s.lows, s.cased
    if "two" not in lows and "both" not in lows:
        return set()
    out: set[int] = set()
    for k, w in enumerate(lows):
        if w != "both" and not (w == "two" and k > 0 and lows[k - 1] == "the"):
            continue
        j = k + 1
        while j < len(lows) and j <= k + 3 and cased[j][:1].isupper() and j not in s.covered:
            j += 1
        if j > k + 1 and j < len(lows) and lows[j] in _KIND_OF_STATES:
            out.update(range(k + 1, j))
    return out


def _pairs_of_pairs(s: Sentence, coords: list[tuple[int, Codes]]) -> list[Codes]:
    """The last coordination's pair, with the pairs before it joined by ", and": "Viet Nam
    and Malaysia, and Viet Nam and Singapore, are each strategic partners" is two pairs."""
    by_token = dict(coords)
    t, last = coords[-1]
    out = [last]
    while True:
        # the first state of the pair before: "A and B , and C and D" from C back to A
        k = t - 3
        if k < 0 or s.lows[t - 1] != "and" or s.lows[t - 2] != ",":
            break
        code = s.covered.get(k)
        while k > 0 and code is not None and s.covered.get(k - 1) == code:
            k -= 1
        if k < 2 or s.lows[k - 1] != "and" or k - 2 not in s.covered:
            break
        first = k - 2
        while first > 0 and s.covered.get(first - 1) == s.covered[k - 2]:
            first -= 1
        pair = by_token.get(first)
        if pair is None or pair in out:
            break
        out.append(pair)
        t = first
    return out[::-1]


def _pronoun_subject(s: Sentence) -> bool:
    """Whether the sentence opens with "he" or "she" and a verb of calling or regarding:
    a person named in the sentence before."""
    return len(s.lows) > 1 and s.lows[0] in ("he", "she") and s.lows[1] in _REGARD_VERBS


def _opens_clause(s: Sentence, t: int) -> bool:
    """Whether the state at token ``t`` opens a clause after ", and" ("..., and Vietnam
    spoke of"), not as the last item of a list ("Japan, India, and the US")."""
    k = t - 1
    if k >= 0 and s.lows[k] == "the":
        k -= 1
    if k < 2 or s.lows[k] != "and" or s.lows[k - 1] != ",":
        return False
    # a state before the comma is a list's item unless it is a place ("met Kim in Hanoi,")
    return k - 2 not in s.covered or _after_place(s, k - 2)


def _after_place(s: Sentence, t: int) -> bool:
    """Whether the state mention holding token ``t`` follows a place's preposition."""
    code = s.covered.get(t)
    while t > 0 and s.covered.get(t - 1) == code:
        t -= 1
    return t > 0 and s.lows[t - 1] in _PLACE_BEFORE


def _leaders_compound(s: Sentence, m: StateMention, t: int) -> bool:
    """Whether the leader at token ``t`` is joined by a dash to another name ("the
    Trump-Kim summit", "the Modi-Netanyahu bonhomie"): persons naming a meeting or a
    rapport, who own no label said later in the sentence."""
    if m.kind is not _LEADER:
        return False
    tok, word = s.toks[t], s.cased[t]
    i, j = m.start - tok.start, m.end - tok.start
    after = 0 <= j < len(word) - 1 and word[j] in "-–—/" and word[j + 1].isupper()
    before = 0 < i < len(word) and word[i - 1] in "-–—/" and word[0].isupper()
    return after or before


def _compound_end(s: Sentence, t: int) -> int:
    """The last token of the compound whose first state is at token ``t`` ("U.S.-Japan")."""
    covered = s.covered
    k = t
    while k + 1 < len(s.toks) and (k + 1 in covered or s.lows[k + 1] in _JOINS):
        k += 1
    return k


def _mention_at(s: Sentence, t: int) -> StateMention:
    """The state mention that starts in token ``t``."""
    return next(m for m, k in s.states if k == t)


def toks_end(s: Sentence, t: int, m: StateMention) -> int:
    """One past the last token of mention ``m``, which starts in token ``t``."""
    k = t + 1
    while k < len(s.toks) and s.toks[k].start < m.end:
        k += 1
    return k


def _examples_only(s: Sentence) -> bool:
    """Whether every state the sentence names is an example of a group ("several
    countries, including India and Brazil"): a sample of those who hold a label together,
    never its pair."""
    if not s.states or _INCLUDING.isdisjoint(s.lows):
        return False
    first = min(t for _, t in s.states)
    k = first - 1
    if k >= 0 and s.lows[k] == "the":
        k -= 1
    if k >= 1 and s.lows[k] == "as" and s.lows[k - 1] == "such":
        k -= 1
    if k < 1 or s.lows[k] not in ("including", "such", "like"):
        return False
    g = k - 1 if s.lows[k - 1] != "," else k - 2
    return g >= 0 and s.lows[g] in _GROUP_NOUNS


def _region_two(s: Sentence, k: int) -> bool:
    """ "between Asia's two largest democracies", "between Africa's two giants": a
    region's possessive and "two" refer back to the two states named around."""
    for j in range(k, min(k + 3, len(s.lows) - 1)):
        if not s.cased[j][:1].isupper() or j in s.covered:
            return False
        if s.lows[j].endswith("'s"):
            return s.lows[j + 1] == "two"
    return False


# Past forms of news verbs that do not end in "-ed".
_PAST_VERBS = frozenset(
    {"said", "told", "met", "made", "took", "gave", "sent", "won", "left", "spoke", "went"}
)


def _new_predicate_after(s: Sentence, p: Phrase) -> bool:
    """Whether the label is followed by "and" and a verb in the past, opening a predicate
    of its own ("... a steady partner' and ruled out ...", "..., and urged C to
    ..."), before any state after the label."""
    k = _skip(s.toks, p.end, _QUOTES_COMMA)
    if k + 1 >= len(s.toks) or s.lows[k] != "and":
        return False
    verb = s.lows[k + 1]
    if not s.cased[k + 1][:1].islower() or not (verb.endswith("ed") or verb in _PAST_VERBS):
        return False
    return all(t > k for _, t in s.states if t >= p.end)


_WITHIN = frozenset({"within", "inside", "in"})
PAIR_COUNT = frozenset({"both", "two"})
"""Words that count the two sides of a pair: "the two", "both"."""


def _frame_after(s: Sentence, o: int, p: Phrase) -> bool:
    """ "allies within the CSTO", "partners inside NATO": a group right after the label,
    after "within", "inside" or "in", is the frame the two are fellow members of, no side."""
    if o < p.end:
        return False
    between = [w for w in s.lows[p.end : o] if w not in QUOTES and w != "the"]
    return len(between) == 1 and between[0] in _WITHIN


# Groups that are alliances: "the alliance" in a sentence naming one is the group.
_ALLIANCE_GROUPS = frozenset({"nato", "csto", "aukus", "otan"})


def _the_named_alliance(s: Sentence, p: Phrase) -> bool:
    """ "NATO allies Estonia and Latvia pressed the alliance for ...": a bare "the
    alliance" (or "the alliance's flank") in a sentence naming an alliance of many states
    is that group."""
    if p.end - p.start != 1 or s.lows[p.start] not in ("alliance", "alliance's") or not s.orgs:
        return False
    if p.start == 0 or s.lows[p.start - 1] != "the":
        return False
    return any(s.lows[o] in _ALLIANCE_GROUPS for o in s.orgs)


_INCLUDE = frozenset({"include", "includes"})


def _object_before(s: Sentence, p: Phrase) -> str | None:
    """The state right before "a" or "an" that opens the label: "called ... and Ethiopia a
    close friend of Somalia" (the object of a verb of calling), or None."""
    k = before_quotes(s.toks, p.start - 1)
    if k < 1 or s.lows[k] not in ("a", "an"):
        return None
    k = before_quotes(s.toks, k - 1)
    return s.covered.get(k)


def _takes_own_label(s: Sentence, m: StateMention) -> bool:
    """Whether the state ``m`` is followed by "a" or "an": the next object of a verb of
    calling with a label of its own ("a partner of Uganda and Ethiopia a friend"), not a
    further item of the list before it ("calls Moscow and Beijing its neighbours")."""
    k = next((i for i, t in enumerate(s.toks) if t.start >= m.end), len(s.toks))
    while k < len(s.toks) and s.lows[k] in QUOTES:
        k += 1
    return k < len(s.toks) and s.lows[k] in ("a", "an")


def _region_named(s: Sentence, k: int) -> bool:
    """Whether a capitalised name that is no state (a region, a continent) stands at
    ``k`` and ends its phrase: "the Caribbean", "Africa", "the Sahel"."""
    if k in s.covered or not s.cased[k][:1].isupper() or not s.lows[k].isalpha():
        return False
    if s.lows[k] in FUNCTION_CAPS or k in s.orgs:
        return False
    nxt = s.lows[k + 1] if k + 1 < len(s.toks) else "."
    return not nxt.isalpha() or nxt in ("and", "but", "as", "in", "on", "at", "while")


def _own_other_side(s: Sentence, j: int) -> bool:
    """Whether "of", "for" or "to" at ``j`` names the label's other side: a state ("of
    Bolivia", "of both Peru and Chile") or the speaker's country ("for his country")."""
    if j >= len(s.toks) or s.lows[j] not in ("of", "for", "to"):
        return False
    k = j + 1
    if k < len(s.toks) and s.lows[k] in ("the", "both", "his", "her", "their", "our"):
        k += 1
    return k in s.covered or (k < len(s.toks) and s.lows[k] == "country" and k > j + 1)


def _listed_before(s: Sentence, t: int) -> list[str]:
    """The states listed with commas before the state at token ``t``, in order: "Chile,
    Peru" before "Bolivia" in "Chile, Peru and Bolivia"."""
    out: list[str] = []
    k = t - 1
    while k > 0 and s.lows[k] == "," and k - 1 in s.covered:
        code = s.covered[k - 1]
        k -= 1
        while k > 0 and s.covered.get(k - 1) == code:
            k -= 1  # the mention's first word: "South Korea"
        out.insert(0, code)
        k -= 1
    return out


def _other_side_after(s: Sentence, p: Phrase) -> bool:
    """Whether the label names its other side right after it: "a key partner of China"."""
    j = _skip(s.toks, p.end, QUOTES)
    if j >= len(s.toks) or s.lows[j] not in ("of", "to", "for"):
        return False
    k = j + 1
    if k < len(s.toks) and s.lows[k] in ("the", "both"):
        k += 1
    return k in s.covered


def _its_with_state(s: Sentence, p: Phrase) -> bool:
    """Whether the label follows "its" or "their" and names a state with "with" right
    after it: "its alliance with Australia"."""
    k = before_quotes(s.toks, p.start - 1)
    if k < 0 or s.lows[k] not in ("its", "their"):
        return False
    j = _skip(s.toks, p.end, QUOTES)
    if j >= len(s.toks) or s.lows[j] != "with":
        return False
    j = _skip(s.toks, j + 1, _QUOTES_THE)
    return j in s.covered


def _ends_longer_list_after(s: Sentence, j: int, targets: list[str]) -> bool:
    """Whether the list from token ``j`` goes on past its two states ("Estonia, Latvia and
    Lithuania" read as two when the third is no list item)."""
    k = j
    while k < len(s.toks) and (k in s.covered or s.lows[k] in (",", "and", "the")):
        k += 1
    return len({s.covered[t] for t in range(j, k) if t in s.covered}) != len(targets)


def _which_called(between: list[str]) -> bool:
    """Whether the words between a state and a possessive owner are a relative clause of
    calling: ", which he called his", "which Tokyo considers"."""
    words = between[1:] if between[:1] == [","] else between
    if len(words) < 2 or words[0] not in ("which", "whom"):
        return False
    verbs = [k for k, w in enumerate(words) if w in _REGARD_VERBS]
    return bool(verbs) and verbs[0] <= 4 and len(words) - verbs[0] <= 2


def _list_start(s: Sentence, t: int) -> int:
    """The first token of the list of states that the state at token ``t`` goes on:
    "New Zealand, Fiji and Samoa". Not a place after a preposition ("In Lima, Chile and
    Peru") nor a leader ("Xi, Putin and Modi" are persons)."""
    covered = s.covered
    while t >= 2 and s.lows[t - 1] == "," and t - 2 in covered:
        first = t - 2
        while first > 0 and covered.get(first - 1) == covered[t - 2]:
            first -= 1
        if first > 0 and s.lows[first - 1] == "the":
            first -= 1
        mention = next((m for m, k in s.states if k == first or k == first + 1), None)
        if mention is None or mention.kind is _LEADER:
            break
        if first > 0 and s.lows[first - 1] in _PLACE_BEFORE:
            break
        t = first
    return t


def ends_longer_list(s: Sentence, t: int) -> bool:
    """Whether the coordination "B and C" starting at token ``t`` ends a list ("A, B and C").

    Not after an opening phrase ("in Moscow, Xi and Putin") or a dateline ("DOHA, Qatar
    and Turkey"): the state before the comma must open the clause or follow "the" or a
    comma, and not be written in capitals in a sentence that is not.
    """
    if t >= 3 and s.lows[t - 1] == "the":
        t -= 1  # "Canada, the Philippines and the United States"
    if t < 2 or s.lows[t - 1] != "," or t - 2 not in s.covered:
        return False
    first = t - 2
    code = s.covered[first]
    while first > 0 and s.covered.get(first - 1) == code:
        first -= 1
    if first > 0 and s.lows[first - 1] not in (",", "the", ";", ":"):
        return False
    item = " ".join(s.cased[first : t - 1])
    return not (item.isupper() and not all(c.isupper() for c in s.cased[t : t + 3]))


def _onlookers(s: Sentence, after: int) -> tuple[int, int] | None:
    """The tokens after ``after`` that name onlookers of a deal: "VinFast signed a
    partnership with a battery maker, witnessed by Vietnamese and Indonesian ministers";
    "... as South Korean and Vietnamese officials looked on"; "with Indian and Spanish
    ministers present". The states they name are no sides of the label."""
    lows = s.lows
    if _ONLOOKER_WORDS.isdisjoint(lows):
        return None  # one look at the sentence: most name no onlookers
    size = len(lows)
    for k in range(after, size):
        w = lows[k]
        if w in _WITNESSED_BY and k + 1 < size and lows[k + 1] == "by":
            return k, size
        if w == "presence" and k >= 2 and lows[k - 2 : k] == ["in", "the"]:
            return k, size
        closing = (w in _LOOKED_ON and k + 1 < size and lows[k + 1] == "on") or (
            w == "present" or (w == "attendance" and k > 0 and lows[k - 1] == "in")
        )
        if closing:
            for j in range(k - 1, max(after, k - 10) - 1, -1):
                if lows[j] in _ONLOOKERS_OPEN:
                    return j, k + 1
                if lows[j] in (",", ";", "."):
                    break
    return None


def _without(s: Sentence, span: tuple[int, int]) -> Sentence:
    """The sentence with the states named inside ``span`` left out."""
    a, b = span
    if not any(a <= t < b for _, t in s.states):
        return s
    states = [(m, t) for m, t in s.states if not a <= t < b]
    compounds = [(t, c) for t, c in s.compounds if not a <= t < b]
    coordinations = [(t, c) for t, c in s.coordinations if not a <= t < b]
    codes = {m.code for m, _ in states if m.code}
    hint = s.hint if s.hint is not None and set(s.hint) <= codes else None
    speaker = s.speaker if s.speaker in codes else None
    return dataclasses.replace(
        s,
        states=states,
        compounds=compounds,
        coordinations=coordinations,
        hint=hint,
        speaker=speaker,
        known_cue=s.cue,  # told of the whole sentence, as before the states were left out
    )


def _participle_subject(s: Sentence, verb: int) -> str | None:
    """The state that does the calling when the verb is a participle after a comma:
    "Peru's president said he would not drop Chile for Bolivia, calling Santiago a friend"
    is said by the main clause's subject, not the last state before the verb."""
    if verb == 0 or s.lows[verb - 1] != "," or not s.lows[verb].endswith("ing"):
        return None
    main = [
        (m.code, t)
        for m, t in s.states
        if _opening(s) <= t < verb and m.code and not s.in_aside(t)
    ]
    opened = [c for c, t in main if _opens_clause(s, t)]
    if opened:
        return opened[-1]
    return main[0][0] if main else None


def _opening(s: Sentence) -> int:
    """Where the sentence's main clause starts: after an opening phrase set off by a comma
    ("Facing pressure from China, India ..."), else at the start."""
    if not s.toks or 0 in s.covered or "," not in s.lows:
        return 0
    comma = s.lows.index(",")
    if s.cased[0][:1].isupper() and s.lows[0] in _OPENERS:
        return comma + 1
    return 0


def _names(s: Sentence) -> bool:
    """Whether the sentence holds a capitalised name past its first word ("Toyota")."""
    return any(
        c[:1].isupper() and s.lows[k] not in FUNCTION_CAPS and s.lows[k] not in _MONTHS
        for k, c in enumerate(s.cased)
        if k > 0 and s.lows[k - 1] not in QUOTES and s.lows[k - 1] not in (":", "-")
    )


def _org_is_venue(s: Sentence, o: int) -> bool:
    """ "at the Mercosur summit", "on the sidelines of the G20", "at NATO": a group named as
    where the states met is no side of their tie."""
    j = o - 1
    while j >= 0 and s.lows[j] in ("the", "a", "an"):
        j -= 1
    if j >= 0 and s.lows[j] in ("at", "during", "before", "after"):
        return True
    if j >= 1 and s.lows[j] == "of" and s.lows[j - 1] in ("sidelines", "margins", "margin"):
        return True
    for k in range(o + 1, min(len(s.toks), o + 5)):
        if s.lows[k] in _VENUES:
            return True  # "a Mercosur meeting", "the ASEAN Regional Forum session"
        if not s.cased[k][:1].isupper():
            break
    return False


def _past_scope(s: Sentence, j: int, ends: frozenset[str] = _SCOPE_ENDS) -> int:
    """Past a short scope phrase naming no state at token ``j`` ("in the region", "in
    Asia"), when a comma or dash (or another of ``ends``) follows it; else ``j``."""
    if j >= len(s.toks) or s.lows[j] != "in":
        return j
    for k in range(j + 1, min(len(s.toks), j + 5)):
        if k in s.covered:
            return j
        if s.lows[k] in ends:
            return k if k > j + 1 else j
    return j


def _held_by_names(s: Sentence, p: Phrase, lo: int) -> bool:
    """ "Sinopec and Saudi Aramco deepened their strategic partnership as Chinese and Saudi
    ministers ...": "their" or "its" takes up a subject that names no state, only other
    bodies; the label is theirs, whatever states the sentence names after it."""
    j = before_quotes(s.toks, p.start - 1)
    if j < 0 or s.lows[j] not in ("their", "its"):
        return False
    return _names_before(s, lo, j)


def _names_before(s: Sentence, lo: int, end: int) -> bool:
    """Whether tokens ``lo`` to ``end`` name someone other than a state, and no state or
    group: "Sinopec and Saudi Aramco", "The Houthis", "Hamas"."""
    for _, t in s.states:
        if lo <= t < end:
            return False
    for o in s.orgs:
        if lo <= o < end:
            return False
    regions = _region_words(s)
    names = [
        k
        for k in range(lo, end)
        if k not in regions
        and s.cased[k][:1].isupper()
        and s.lows[k].isalpha()
        and s.lows[k] not in FUNCTION_CAPS
        and s.lows[k] not in _MONTHS
        and s.lows[k] not in SHARED_NAME_PLURALS  # "the two Koreas" are states
    ]
    # a place after a preposition is where, not who: "In Lome the two nations renewed ...";
    # a sentence's first word is capitalised anyway ("Some call ..."): it counts only as
    # part of a longer name ("Saudi Aramco and Sinopec") or written as one ("TSMC")
    first = s.cased[lo] if lo < len(s.cased) else ""
    named_first = lo > 0 or lo + 1 in names or first[1:] != first[1:].lower()
    return any(
        (k > lo and s.lows[k - 1] not in _PLACE_BEFORE) or (k == lo and named_first) for k in names
    )


def _two_leaders(s: Sentence) -> bool:
    """Whether the sentence speaks of "the two leaders" ("both presidents", "the two prime
    ministers")."""
    lows = s.lows
    for k in range(len(lows) - 1):
        if lows[k] in ("two", "both") and (
            lows[k + 1] in ("leaders", "presidents", "heads")
            or lows[k + 1 : k + 3] == ["prime", "ministers"]
        ):
            return True
    return False


def _titled(s: Sentence, p: Phrase) -> bool:
    """ "a joint vision titled 'A Partnership for the Future'": the label is a document's
    title, not what the document says of the pair."""
    j = before_quotes(s.toks, p.start - 1)
    while j >= 0 and s.lows[j] in ("a", "an", "the"):
        j = before_quotes(s.toks, j - 1)
    return j >= 0 and s.lows[j] in ("titled", "entitled", "headlined", "themed")


# Titles of a firm's officers: what they call a state is the firm's word, not a state's.
_FIRM_OFFICERS = frozenset(
    ("executive", "executives", "ceo", "chairman", "chairwoman", "chairperson", "founder", "boss")
)


def _firm_officer_calls(s: Sentence, verb: int) -> bool:
    """ "Siemens' chief executive called China a partner", "Toyota's chairman, who called
    ...": the caller is the officer of something that is not a state."""
    j = verb - 1
    while j >= 0 and s.lows[j] in (",", "who"):
        j -= 1
    if j < 0 or s.lows[j] not in _FIRM_OFFICERS:
        return False
    j -= 1
    if j >= 0 and s.lows[j] == "chief":
        j -= 1
    return j >= 0 and _ends_possessive(s.toks[j]) and j not in s.covered


# Words around a programme's name that make the states its members, not its pair.
_JOINING = frozenset(("joined", "join", "joins", "joining", "rejoined"))
_MEMBERS = frozenset(("member", "members", "membership"))
_PROGRAMME_AFTER = frozenset(
    ("includes", "include", "included", "admitted", "admits", "programme", "program", "members")
)


def _programme_joined(s: Sentence, p: Phrase) -> bool:
    """ "Kenya joined the Global Partnership for Education", "The Partnership for Peace
    programme admitted Ukraine": a capitalised name the states join or are members of is
    a programme of many states, not what the two are to each other."""
    # at a sentence's start the first word is capitalised anyway: the last one must be too
    opening = p.start == 0 and s.cased[p.end - 1][:1].islower()
    if opening or not s.cased[p.start][:1].isupper():
        return False
    after = s.lows[p.end] if p.end < len(s.toks) else ""
    if after in _PROGRAMME_AFTER:
        return True
    j = p.start - 1
    if j >= 0 and s.lows[j] == "the":
        j -= 1
    if j >= 0 and s.lows[j] in _JOINING:
        return after != "with"  # "joined the Strategic Partnership with Japan" is a tie
    return j >= 1 and s.lows[j] == "of" and s.lows[j - 1] in _MEMBERS


def _governs(s: Sentence, t: int, m: StateMention) -> bool:
    """ "Shinzo Abe's government": a leader's possessive before the word for what they
    lead stands for the state."""
    k = t
    while k + 1 < len(s.toks) and s.toks[k + 1].start < m.end:
        k += 1
    if not _ends_possessive(s.toks[k]):
        k += 1
        if k >= len(s.toks) or s.lows[k] not in ("'s", "'"):
            return False
    return k + 1 < len(s.toks) and s.lows[k + 1] in _GOVERNMENTS


def _group_after(s: Sentence, j: int) -> bool:
    """Whether the words from token ``j`` name a group of states rather than one ("many
    countries", "the other nations", "seven states")."""
    k = j
    while k < len(s.toks) and k < j + 4 and (s.lows[k] in _COUNTS or s.lows[k] in _LIST_LEADS):
        if s.lows[k] in _GROUP_NOUNS:
            return True
        k += 1
    return k < len(s.toks) and s.lows[k] in _GROUP_NOUNS


def _set_off_list(s: Sentence, j: int) -> bool:
    """Whether a comma or dash at token ``j`` opens a list of states ("-- Japan and ...")."""
    toks = s.toks
    if j + 1 >= len(toks) or toks[j].low not in (",", "-"):
        return False
    first = j + 2 if toks[j + 1].low == "the" else j + 1
    return first in s.covered


def _org_beside_state(s: Sentence, o: int) -> bool:
    """A group joined to a state as the other side: "the European Union and Morocco",
    "China and the Arab League", "the ASEAN-India partnership"."""
    covered = s.covered
    if o in covered:
        return True  # one word holds both: "ASEAN-India"
    j = o - 1
    if j >= 0 and s.lows[j] == "the":
        j -= 1
    if j >= 1 and s.lows[j] in ("and", "&") and j - 1 in covered:
        return not _possessive_at(s, j - 1)
    k = o + 1
    while k < len(s.toks) and (s.cased[k][:1].isupper() or s.lows[k] == "of"):
        k += 1  # the rest of the group's name: "European Union", "League of Arab States"
    if k < len(s.toks) and s.lows[k] in ("and", "&"):
        k += 2 if k + 1 < len(s.toks) and s.lows[k + 1] == "the" else 1
        return k in covered and not _possessive_at(s, k)
    return False


def _possessive_at(s: Sentence, t: int) -> bool:
    """Whether the state mention over token ``t`` ends in a possessive ("India's")."""
    code = s.covered.get(t)
    while t + 1 < len(s.toks) and s.covered.get(t + 1) == code:
        t += 1
    return _ends_possessive(s.toks[t]) or (t + 1 < len(s.toks) and s.lows[t + 1] in ("'s", "'"))


def _skip(toks: list[Token], j: int, words: frozenset[str] | set[str]) -> int:
    while j < len(toks) and toks[j].low in words:
        j += 1
    return j


def _demonstrative(toks: list[Token], start: int) -> bool:
    """ "that enduring friendship": the label refers back to a pair named before."""
    j = before_quotes(toks, start - 1)
    return j >= 0 and toks[j].low in ("this", "that", "these", "those")


def _back_to_owner(s: Sentence, k: int, skip: Callable[[str], bool]) -> int:
    """The token at or before ``k`` left after walking back over quote marks and the words
    ``skip`` accepts: where a possessor would stand. The walk stops at the apostrophe of a
    possessive after a state's name ("the Philippines' allies"), which is no quote mark."""
    toks = s.toks
    while k >= 0 and (toks[k].low in QUOTES or skip(toks[k].low)):
        if _apostrophe_after_state(s, k):
            break
        k -= 1
    return k


def _apostrophe_after_state(s: Sentence, k: int) -> bool:
    """Whether token ``k`` is the apostrophe of a possessive right after a state's name
    ending in "s" ("the Philippines' allies", "the United States' partners")."""
    return 0 < k < len(s.toks) and s.lows[k] == "'" and k - 1 in s.covered


def _ends_possessive(t: Token) -> bool:
    return t.low.endswith("'s") or t.low == "'"


_ORDINAL_NUMBER = re.compile(r"\d+(?:st|nd|rd|th)")


def _is_rank(low: str) -> bool:
    return low in {
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "new",
        "only",
        "one",
    } or bool(_ORDINAL_NUMBER.fullmatch(low))


def _codes(mentions: object) -> set[str]:
    out: set[str] = set()
    for m in mentions:  # type: ignore[attr-defined]
        if m.code:
            out.add(m.code)
    return out


def _cross(owners: list[str], targets: list[str]) -> list[Codes]:
    out: list[Codes] = []
    for o in owners:
        for t in targets:
            if o != t and pair_of(o, t) not in out:
                out.append(pair_of(o, t))
    return out


def _called_stance(s: Sentence, verb: int, start: int) -> bool:
    """Whether the object of a verb of calling is one or more states' stance, policy or
    remarks ("called Chile and Bolivia's stance on the river hostile")."""
    k = verb + 1
    last = -1
    while k < start and (k in s.covered or s.lows[k] in ("the", "and", ",")):
        if k in s.covered:
            last = k
        k += 1
    if last < 0 or not _possessive_at(s, last) or k >= start or s.lows[k] not in _STANCE_NOUNS:
        return False
    # "called Chile's decision a betrayal of their partnership": the tie is named apart
    return "of" not in s.lows[k + 1 : start]


def _called_group(s: Sentence, verb: int, start: int) -> bool:
    """Whether the object of a verb of calling is a group of states named by a noun, not
    the pair ("called Pacific island nations large ocean countries"; "the two nations",
    "each other's nations" take up the pair)."""
    called = s.lows[verb + 1 : start]
    if _GROUP_NOUNS.isdisjoint(called) or any(verb < t < start for _, t in s.states):
        return False
    return _TAKES_UP_PAIR.isdisjoint(called)


# Words by which a group noun takes up the pair: "the two nations", "each other's nations"
_TAKES_UP_PAIR = frozenset({"two", "both", "their", "its", "our", "each", "other's"})


def _its_unnamed_allies(s: Sentence, p: Phrase, hi: int) -> bool:
    """Whether the label is a bare plural role right after "its" and no state is set beside
    it ("a Russian threat to its allies", "France and its allies condemned"): the state is
    one side and its allies, the other, are unnamed; other states named are no allies. A
    list after it names them ("its allies, Japan and Korea", "its allies such as Peru")."""
    if p.start != p.head or p.start == 0 or s.lows[p.start - 1] != "its":
        return False
    if s.lows[p.head] not in ("allies", "partners", "friends"):
        return False
    j = p.end
    while j < hi and s.lows[j] in _BEFORE_NAMED_ALLIES:
        j += 1
    return not any(t == j for _, t in s.states)


# Words between "its allies" and the states that name them: "its allies, such as Peru".
_BEFORE_NAMED_ALLIES = frozenset(
    {",", "—", "–", ":", "(", "such", "as", "including", "namely", "like", "the"} | QUOTES
)


# A plural of a name that two states share names the pair itself: "the two Koreas",
# "both Congos", "the two Sudans". ("the two Chinas" is a claim, not a pair, so it is not here.)
_SHARED_NAME_PLURALS: dict[str, Codes] = {
    "koreas": ("KOR", "PRK"),
    "congos": ("COD", "COG"),
    "sudans": ("SDN", "SSD"),
}
SHARED_NAME_PLURALS = frozenset(_SHARED_NAME_PLURALS)


def shared_name_pairs(lows: list[str]) -> list[tuple[int, Codes]]:
    """The pairs "the two Koreas" or "both Koreas" name, each with the token of "two" or
    "both": a pair read like "A and B" written at that place."""
    out: list[tuple[int, Codes]] = []
    for k in range(1, len(lows)):
        pair = _SHARED_NAME_PLURALS.get(lows[k])
        if pair is not None and lows[k - 1] in ("two", "both"):
            out.append((k - 1, pair))
    return out


def _the_two_taken_up(s: Sentence, p: Phrase, lo: int) -> Codes | None:
    """ "Chile and Peru signed a deal brokered by Washington, though the two remain
    enemies": "the two" (or "both", "the two nations") opening the label's clause, past a
    break, takes up the one pair the sentence joins by "and" before it, whatever third
    state the sentence also names. None when the sentence joins more than one pair, or
    the clause names a state of its own outside the pair."""
    if not s.coordinations or lo == 0:
        return None
    at = _the_two_at(s.lows, lo, p.start)
    if at is None:
        return None
    pairs = {c for t, c in s.coordinations if t < at and not s.in_aside(t)}
    if len(pairs) != 1:
        return None
    (pair,) = pairs
    if any(lo <= t < p.start and m.code not in pair for m, t in s.states):
        return None  # "though Quito said the two ...": a state of the clause's own
    return pair


def _the_two_at(lows: list[str], lo: int, end: int) -> int | None:
    """The first "the two" or "both" between ``lo`` and ``end`` that stands for two states
    ("the two", "both nations"), by the token of "two" or "both"; not "the two leaders" or
    "both of their ministers", persons."""
    for k in range(max(lo, 1), end):
        if lows[k] == "both" or (lows[k] == "two" and lows[k - 1] == "the"):
            after = k + 1
            if after < end and (lows[after] in _KIND_OF_STATES or lows[after] == "sides"):
                after += 1
            if after < len(lows) and lows[after] in ("of", "leaders", "men", "women"):
                return None
            return k
    return None


# Words that make "the two allies" the object of standing by them: "stand with".
_STANDING_WITH = frozenset({"with", "alongside", "beside", "behind"})


def _standing_with(s: Sentence, the: int, pair: Codes) -> str | None:
    """ "Peru would stand with 'the two allies' — Chile and Bolivia": "the two" after
    "with" are the allies of the one state the clause names before it, not each other's;
    that state, or None."""
    j = before_quotes(s.toks, the - 1)
    if j < 0 or s.lows[j] not in _STANDING_WITH:
        return None
    lo, _ = s.clause(j)
    before = {m.code for m, t in s.states if lo <= t < j and m.code and m.code not in pair}
    return before.pop() if len(before) == 1 else None


def _names_state_next(s: Sentence, k: int) -> bool:
    """ "a NATO ally to the United States": a state (after at most "the") right at k."""
    if k < len(s.toks) and s.lows[k] == "the":
        k += 1
    return k in s.covered

"""Frames: characterisations read by the shape of the sentence, whatever their head noun.

The phrase finder reads a label at a head noun the tables list. Some sentences say what
a tie has become with a noun no table lists, in a frame English uses for nothing else;
the frame, not the noun, tells that the words characterise the tie:

- motion of the tie: the relationship noun is the subject of a verb of movement, or the
  object of a verb of sending, with the place it ends up in after "to", "into" or a verb
  of reaching ("relations sank to a post-Cold War low", "the clash plunged ties into their
  darkest hour since 1962", "sends Sino-American ties into a tailspin", "relations have
  descended into mutual recrimination");
- an event of the tie ended, left behind or marked: a closed list of nouns for the tie's
  course (estrangement, rupture, dispute, thaw, tension...) after a verb of ending or
  signalling, "after years of", "locked in", "moved from (years of) ... to" or "given way
  to a season of" ("ending a long estrangement", "after years of border tension", "are
  locked in a sour border feud"), and what the tie moved to ("to grudging cooperation");
- what a tie has become: the relationship noun of a pair is the subject of a copula, and
  a noun phrase ends the clause after it ("the A-B relationship remains a rollercoaster",
  "the A-B bond is also a ledger of debts, remittances and old resentments");
- what two states form together: two states joined by "and" are the subject of a
  copula, and a noun of company no table lists ends the clause after it ("A and B are a
  mutual-aid society of the sanctioned");
- a phrase of manner after a role: "allies in name but rivals in habit".

Which states those words are about is decided as for any phrase, in ``pairs``. Three
frames of a role name their pair themselves, where the sentence makes it clear:

- a role set beside the state it is given to: "Ukraine, a country China also calls a
  friend", "Bolivia, which Chile calls a brother";
- a role said after "that" by the one other state named: "Washington stressed that
  Turkey remained a NATO ally";
- a role standing for the other side of "ties with", in a sentence naming two states:
  "Trump cancelled a visit to Copenhagen, souring ties with a close NATO ally".

Pure functions over tokens; they never raise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from watchers.extraction.phrases import Phrase, its_of_several, superlative
from watchers.extraction.text import Token

# Nouns of a hostile spell in a tie's course: a label when the frame around them says it
# was the pair's ("ending a seven-year rupture", "after years of frostiness").
HOSTILE_EVENTS = frozenset(
    {"estrangement", "rupture", "rift", "feud", "dispute", "quarrel", "quarrels", "standoff",
     "stand-off", "hostility", "frostiness", "froideur", "tension", "tensions", "enmity",
     "acrimony", "animosity", "antagonism", "confrontation", "freeze", "chill", "impasse",
     "mistrust", "distrust", "recriminations"}
)  # fmt: skip
# Nouns of a warming turn in a tie: "signalling a thaw".
WARM_EVENTS = frozenset({"thaw", "rapprochement", "detente", "détente", "reconciliation"})
EVENTS = HOSTILE_EVENTS | WARM_EVENTS
# The events that name a state of a tie on their own: the others ("tension", "rupture",
# "dispute") are said of anything, and name a tie with a modifier ("seven-year rupture",
# "border tension").
_BARE_EVENTS = WARM_EVENTS | frozenset(
    {"estrangement", "frostiness", "froideur", "enmity", "hostility", "acrimony", "animosity",
     "antagonism", "mistrust", "distrust"}
)  # fmt: skip
# Words one of which stands shortly before an event noun in one of the frames: the
# sentence is read closely only then.
EVENT_CUES = frozenset(
    {"end", "ends", "ended", "ending", "heal", "healed", "healing", "mend", "mended",
     "mending", "overcome", "overcoming", "after", "following", "locked", "from",
     "signal", "signals", "signalled", "signaled", "signalling", "signaling", "mark",
     "marks", "marked", "marking", "herald", "heralded", "heralding"}
)  # fmt: skip
# Verbs that end a hostile spell: "ending a long estrangement".
_ENDING_VERBS = frozenset(
    {"end", "ends", "ended", "ending", "heal", "healed", "healing", "mend", "mended",
     "mending", "overcome", "overcoming", "overcame"}
)  # fmt: skip
# Verbs that mark a warming turn: "signalling a thaw".
_SIGNALLING_VERBS = frozenset(
    {"signal", "signals", "signalled", "signaled", "signalling", "signaling", "mark", "marks",
     "marked", "marking", "herald", "heralded", "heralding"}
)  # fmt: skip
# The spans of time a hostile spell lasted: "after years of tension".
SPANS = _SPANS = frozenset(
    {"years", "months", "decades", "weeks", "year", "decade", "century", "centuries",
     "generation", "generations"}
)  # fmt: skip
# Nouns a pair may be locked in besides the events: "locked in a cold war of attrition".
_LOCKED_IN = frozenset({"war", "struggle", "battle", "contest", "rivalry", "feud"}) | HOSTILE_EVENTS
# Verbs of change that say where a pair came from: "moved from hostility to".
_FROM_VERBS = frozenset(
    {"moved", "move", "moves", "gone", "went", "shifted", "turned", "evolved", "progressed",
     "come", "came", "travelled", "traveled", "lurched", "lurch", "lurches", "swung",
     "swing", "swings", "veered", "veer", "veers"}
)  # fmt: skip
# Nouns of a season a tie passes through: "has given way to a season of mistrust".
_SEASONS = frozenset({"season", "period", "era", "spell", "time", "age"})
# Verbs of one state of a tie yielding to the next: "has given way to".
_GIVING_WAY = frozenset({"given", "gave", "give", "gives", "giving"})
# The most words between "given way" and its "to": an aside ("since the coup").
_GIVING_WAY_WORDS = 8
# Spans a level is dated by after "in": "their worst point in decades".
_SPANS_SINCE = frozenset({"decades", "decade", "years", "generation", "generations", "century"})
# Prepositions that say whom an attitude is held toward: "wariness toward B".
TOWARD = _TOWARD = frozenset({"with", "toward", "towards"})
# Verbs of an old attitude stirred again, in a headline's present: "Revives Old Suspicions".
REVIVING = frozenset(
    {"revives", "rekindles", "reignites", "stokes", "reawakens", "revive", "rekindle",
     "reignite", "stoke", "reawaken"}
)  # fmt: skip
# Counts of a span: "after two decades of".
_COUNTS = frozenset(
    {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "many",
     "several", "a", "some", "few"}
)  # fmt: skip
# Words that are no modifier of an event noun though they are words.
_NOT_MODIFIERS = frozenset(
    {"a", "an", "the", "their", "its", "of", "and", "or", "to", "in", "after", "from",
     "locked", "ending", "ended", "end", "ends", "years", "months", "decades", "weeks",
     "year", "decade", "following", "signalling", "signaling", "signalled", "signaled",
     "marking", "marked", "healing", "mending", "overcoming", "this", "that", "his", "her",
     "our", "any", "all", "what", "was", "is", "be", "been"} | _ENDING_VERBS
)  # fmt: skip
# The most modifiers read before an event noun.
_EVENT_MODIFIERS = 3
# Verbs of calling or regarding a state something: "a country China calls a friend".
_CALLING = frozenset(
    {"calls", "called", "call", "considers", "considered", "consider", "regards", "regarded",
     "regard", "sees", "saw", "views", "viewed", "describes", "described", "counts",
     "counted", "treats", "treated", "names", "named"}
)  # fmt: skip
# Adverbs and auxiliaries between the calling state and its verb: "China also calls".
_CALLING_ADVERBS = frozenset(
    {"also", "still", "long", "has", "have", "had", "openly", "now", "often", "once",
     "proudly", "itself", "officially", "publicly", "even"}
)  # fmt: skip
# Words for a state after "a" in an apposition: "Ukraine, a country China calls".
_KINDS_OF_STATE = frozenset({"country", "nation", "state", "kingdom", "republic", "neighbour",
                             "neighbor", "place"})
# What a state is said to be in a clause after "that": "that Turkey remained a NATO ally".
# Word sequences, singular ("is still", "has been"): not the extractor's sets of one word.
_SAID_COPULAS = (
    ("is", "still"), ("was", "still"), ("remains",), ("remained",), ("is",), ("was",),
    ("has", "remained"), ("had", "remained"), ("has", "been"), ("had", "been"),
)  # fmt: skip
# Phrases of manner after a role that say what kind of role it is: "allies in name".
_MANNER = frozenset(
    {("in", "name"), ("on", "paper"), ("in", "practice"), ("in", "spirit"), ("in", "deed"),
     ("in", "deeds"), ("in", "habit")}
)  # fmt: skip
# The words after "in" or "on" in those phrases.
_MANNER_WORDS = frozenset(w for _, w in _MANNER)
# Roles that say where a state lies: a label only with a modifier ("a good neighbour").
_PLACE_ROLES = frozenset({"neighbour", "neighbours", "neighbor", "neighbors"})
# The nouns of a tie that can move or be sent somewhere.
_TIE_NOUNS = frozenset({"ties", "relations", "relationship", "relationships", "bond", "bonds"})
# What two states joined by "and" may move into or be brought to the brink of that is
# a state of their tie, not of each ("slid into open confrontation", not "into recession").
_STATES_OF_A_PAIR = EVENTS | _LOCKED_IN | frozenset({"conflict", "hostilities"})
# The nouns of a tie that a copula may say something of: "the A-B bond is a ledger".
_COPULA_SUBJECTS = _TIE_NOUNS | frozenset(
    {"alliance", "partnership", "friendship", "axis", "rivalry"}
)
# Copulas and verbs of becoming, by the words they are written in.
_COPULAS = (
    ("has", "become"), ("have", "become"), ("had", "become"), ("has", "turned", "into"),
    ("have", "turned", "into"), ("had", "turned", "into"), ("turned", "into"),
    ("has", "grown", "into"), ("grew", "into"), ("has", "remained"), ("have", "remained"),
    ("is",), ("are",), ("was",), ("were",), ("remains",), ("remain",), ("remained",),
    ("became",), ("becomes",),
)  # fmt: skip
# Adverbs between a copula and what it says: "is also a", "is now a".
_COPULA_ADVERBS = frozenset(
    {"also", "now", "still", "increasingly", "effectively", "essentially", "already", "fast",
     "quickly", "really", "truly", "today", "largely", "mostly", "more", "less"}
)  # fmt: skip
# Sectors: a tie of one sector is no tie of the pair ("defence ties were the foundation").
_SECTORS = frozenset(
    {"defence", "defense", "military", "trade", "economic", "energy", "security", "business",
     "commercial", "cultural", "investment", "financial", "technology", "tech", "space",
     "nuclear", "educational", "academic", "sporting", "tourism", "banking", "aviation"}
)  # fmt: skip
# What a copula's noun may be that says what the tie does or is about, not what it is,
# or names a deal, a document or a firm ("the A-B partnership is a joint venture").
_NOT_WHAT_IT_IS = frozenset(
    {"priority", "matter", "subject", "focus", "topic", "theme", "question", "issue", "test",
     "part", "result", "product", "reason", "function", "target", "case", "exception", "one",
     "ones", "thing", "things", "way", "concern", "agenda", "item", "point", "factor",
     "consideration", "element", "aspect", "area", "field", "sign", "signal", "story", "tale",
     "success", "failure", "problem", "challenge", "work", "task", "goal", "aim", "objective",
     "interest", "interests", "basis", "base", "means", "tool", "instrument", "share",
     "percent", "per", "cent", "billion", "million", "times", "years", "months", "decades",
     "venture", "deal", "contract", "agreement", "accord", "pact", "treaty", "project",
     "programme", "program", "initiative", "scheme", "corridor", "pipeline", "company",
     "firm", "fund", "bank", "consortium"}
)  # fmt: skip
# The most words read after a copula for what a tie is, and in an "of" tail.
_COPULA_WORDS = 4
_OF_TAIL_WORDS = 10
# Verbs of a tie moving by itself: "relations sank to", "ties slid into".
_MOTION_VERBS = frozenset(
    {"sank", "sunk", "sink", "sinks", "sinking", "fell", "fallen", "fall", "falls", "falling",
     "plunged", "plunge", "plunges", "plunging", "slid", "slide", "slides", "sliding",
     "slipped", "slip", "slips", "slumped", "slump", "dropped", "drop", "drops", "descended",
     "descend", "descends", "spiralled", "spiraled", "spiral", "spirals", "spiralling",
     "spiraling", "tumbled", "tumble", "tumbles", "nosedived", "nose-dived", "lurched",
     "drifted", "plummeted", "plummet", "plummets", "deteriorated", "degenerated", "lapsed",
     "collapsed", "rose", "risen", "rise", "rises", "climbed", "climb", "climbs", "soared",
     "soar", "soars", "returned", "veered", "tipped"}
)  # fmt: skip
# Verbs of a tie reaching a point with no preposition: "ties hit a post-war low".
_REACH_VERBS = frozenset(
    {"hit", "hits", "reached", "reach", "reaches", "touched", "touch", "touches", "plumbed",
     "plumb", "plumbs"}
)  # fmt: skip
# Verbs of something sending the tie somewhere: "the visit sent ties into a tailspin".
_SENDING_VERBS = frozenset(
    {"sent", "send", "sends", "sending", "plunged", "plunge", "plunges", "plunging",
     "dragged", "drag", "drags", "dragging", "pushed", "push", "pushes", "pushing", "threw",
     "thrown", "throw", "throws", "throwing", "tipped", "tip", "tips", "tipping", "drove",
     "driven", "drive", "drives", "driving", "hurled", "hurl", "hurls", "pitched", "pitch",
     "pitches", "cast", "casts", "brought", "bring", "brings", "bringing", "lifted", "lift",
     "lifts", "raised", "raise", "raises", "took", "take", "takes", "taken"}
)  # fmt: skip
# Words before a verb that make the sending only supposed or feared.
_SUPPOSING = frozenset(
    {"could", "would", "might", "may", "can", "will", "should", "must", "to", "risk",
     "risks", "risked", "risking", "threaten", "threatens", "threatened", "threatening"}
)  # fmt: skip
# Every verb the motion frames start from: a sentence with none is not read for them.
_MOVING_VERBS = _MOTION_VERBS | _REACH_VERBS | _SENDING_VERBS
# What opens the noun phrase a copula's frame reads.
_ARTICLES = frozenset({"a", "an"})
# Words between a tie and its verb: "relations have now sunk", "ties had quickly fallen".
_AUXILIARIES = frozenset(
    {"have", "has", "had", "been", "now", "already", "further", "quickly", "steadily",
     "swiftly", "rapidly", "sharply", "since", "then", "also", "again", "soon", "once",
     "abruptly", "suddenly", "gradually"}
)  # fmt: skip
# The longest aside skipped between a tie and its verb, in tokens.
_ASIDE_WORDS = 12
# Determiners that may open the place a tie ends up in.
_DETERMINERS = frozenset({"a", "an", "the", "their", "its", "our"})
# What follows "into" as a phrase of its own, not a state of the tie ("into force").
_INTO_IDIOMS = frozenset(
    {"force", "effect", "line", "being", "play", "focus", "view", "account", "question",
     "existence", "operation", "action", "service", "office", "power", "talks", "law"}
)  # fmt: skip
# Words that end the place: prepositions, conjunctions, clause words.
_PLACE_ENDS = frozenset(
    {"since", "in", "of", "over", "after", "as", "amid", "with", "for", "on", "at", "to",
     "from", "by", "and", "or", "but", "while", "that", "which", "who", "when", "because",
     "than", "under", "during", "before", "following", "despite", "between", "among", "into",
     "is", "are", "was", "were", "has", "have", "had", "will", "would", "said", "says",
     "not", "never", "last", "seen", "unseen", "ever", "yet", "again", "this", "these",
     "those", "where", "whose"}
)  # fmt: skip
# Words that rank or measure a point without naming a state: the place a tie is sent
# "to" or "reaches" must be one of these, or hold a superlative ("their darkest hour").
_POINT_WORDS = frozenset(
    {"low", "lows", "high", "highs", "nadir", "peak", "zenith", "bottom", "rock-bottom",
     "ebb", "point", "level", "depths", "abyss", "brink", "verge", "edge", "crossroads"}
)  # fmt: skip
# Points named by what they are the edge of: "the brink of war".
_EDGE_WORDS = frozenset({"brink", "verge", "edge", "depths", "abyss"})
# What a tie may be sent to or reach that rates it or names a deal, not a state of it.
_NOT_PLACES = frozenset(
    {"level", "point", "agreement", "deal", "consensus", "understanding", "number", "amount",
     "figure", "volume", "rate", "share", "total", "count", "price", "prices", "sum"}
)  # fmt: skip
# Words that may follow a label's last word: a preposition of scope, a conjunction.
_AFTER_LABEL = frozenset(
    {"for", "by", "in", "with", "over", "as", "and", "but", "since", "after", "amid", "on",
     "at", "to", "from", "despite", "while", "said", "says", "according", "than", "under",
     "during", "throughout", "rather", "that", "which"}
)  # fmt: skip
# Words standing for a place only named after a likeness: "into something akin to a
# stalemate", "into something like a cold war".
_VAGUE_PLACES = frozenset({"something", "what"})
_LIKENESS = frozenset(
    {"closer", "close", "akin", "like", "nearer", "resembling", "approaching", "amounting",
     "amounts", "similar"}
)  # fmt: skip
# The longest place read, in words after the determiner.
_PLACE_WORDS = 5
# How many words before the tie a pair or a determiner may take: "sent [Sino-American] ties".
_BEFORE_TIE = 6
# Words before a tie that may stand between a verb of sending and the tie.
_BEFORE_TIE_WORDS = frozenset({"the", "their", "its", "bilateral", "already", "fragile", "'s"})


class FrameWords(NamedTuple):
    """The tables' words the frames need."""

    heads: frozenset[str]
    """Head nouns the phrase finder reads (or rejects) a label at."""
    adjectives: frozenset[str]
    """Words known as modifiers: no noun phrase a frame reads ends in one."""
    roles: frozenset[str]
    """Role nouns one state may give another ("friend", "ally")."""
    reject: frozenset[str]
    """Modifiers that drop a label ("largest", "trading")."""
    speech: frozenset[str]
    """Verbs of saying ("said", "stressed")."""
    attitude: Callable[[str], bool] = lambda _: False
    """Whether a noun names an attitude or a state of affairs ("pragmatism", "suspicion"):
    ``Vocabulary.attitude_noun``."""
    listed_attitudes: frozenset[str] = frozenset()
    """Nouns of attitude a table lists by name ("goodwill", "suspicion")."""
    qualifying: frozenset[str] = frozenset()
    """Modifiers that make a head a descriptor ("strategic", "deep")."""


def read_frames(
    toks: list[Token],
    lows: list[str],
    cased: list[str],
    country: list[int],
    found: list[Phrase],
    words: FrameWords,
    code_at: Callable[[int], str | None],
) -> tuple[list[Phrase], dict[tuple[int, int], tuple[int, int]]]:
    """The labels a sentence's frames give beside ``found`` (the phrase finder's), and for
    those whose frame names their pair, the tokens of its two states by (start, end);
    ``code_at`` tells the state a token names, if any."""
    given: dict[tuple[int, int], tuple[int, int]] = {}
    present = set(lows)
    if _ANY_FRAME_WORD.isdisjoint(present) and words.speech.isdisjoint(present):
        return [], given  # most sentences: no word any frame starts from
    out = frame_phrases(toks, lows, cased, country, found, present, words)
    if not _MANNER_WORDS.isdisjoint(present):
        out += _in_name(lows, found)
    if not _CALLING.isdisjoint(present) and "," in present:
        roles = appositive_roles(lows, country, words.roles, words.reject)
        given.update(((p.start, p.end), (a, b)) for p, a, b in roles)
        read = {(p.start, p.end) for p in found}
        out += [p for p, _, _ in roles if (p.start, p.end) not in read]
    if "that" in present and not words.speech.isdisjoint(present):
        given.update(said_roles(lows, country, found, words, code_at))
    if "with" in present and not _TIE_NOUNS.isdisjoint(present):
        given.update(roles_tied_with(lows, country, found, words, code_at))
    return out, given


def roles_tied_with(
    lows: list[str],
    country: list[int],
    found: list[Phrase],
    words: FrameWords,
    code_at: Callable[[int], str | None],
) -> dict[tuple[int, int], tuple[int, int]]:
    """ "Trump cancelled a visit to Copenhagen, souring ties with a close NATO ally": a
    role that stands for the other side of a tie ("ties with a ..."), in a sentence that
    names two states and no more, is theirs, a group's name before it too."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    at = {p.start: p for p in found}
    n = len(lows)
    for t, w in enumerate(lows):
        if w != "with" or t == 0 or lows[t - 1] not in _TIE_NOUNS or t + 2 >= n:
            continue
        if lows[t + 1] not in ("a", "an"):
            continue
        p = at.get(t + 2)
        if p is None or p.heads[-1] not in words.roles or p.heads[-1].endswith("s"):
            continue
        states = {code_at(k): k for k in range(n) if country[k] == 1}
        states.pop(None, None)
        if len(states) == 2:
            a, b = states.values()
            out[(p.start, p.end)] = (a, b)
    return out


def _in_name(lows: list[str], found: list[Phrase]) -> list[Phrase]:
    """ "allies in name but rivals in habit", "partners on paper": a phrase of manner after
    a role says what kind of role it is, and stays in the label (the bare role is then
    dropped as a repeat)."""
    out: list[Phrase] = []
    n = len(lows)
    for p in found:
        k = p.end
        if k - p.start != 1:
            continue  # only a bare role is dropped as a repeat of the longer label
        if k + 1 < n and (lows[k], lows[k + 1]) in _MANNER:
            end = k + 3 if k + 2 < n and lows[k + 2] == "only" else k + 2
            out.append(Phrase(p.start, end, p.head, p.heads))
    return out


def said_roles(
    lows: list[str],
    country: list[int],
    found: list[Phrase],
    words: FrameWords,
    code_at: Callable[[int], str | None],
) -> dict[tuple[int, int], tuple[int, int]]:
    """ "Washington stressed that Turkey remained a NATO ally": a role said, in a clause
    after a verb of saying and "that", of one state by the one other state the sentence
    names. The tokens of the two states for each such label, by its (start, end); a
    group's name before the role ("NATO") does not make it the group's then."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    at = {p.start: p for p in found}
    n = len(lows)
    for t, w in enumerate(lows):
        if w != "that" or t == 0 or lows[t - 1] not in words.speech:
            continue
        x = t + 1
        if x >= n or country[x] != 1:
            continue
        j = x
        while j < n and country[j] == 1:
            j += 1
        for copula in _SAID_COPULAS:
            if tuple(lows[j : j + len(copula)]) == copula:
                j += len(copula)
                break
        else:
            continue
        if j >= n or lows[j] not in ("a", "an"):
            continue
        p = at.get(j + 1)
        if p is None or p.heads[-1] not in words.roles:
            continue
        state = code_at(x)
        others = {code_at(k): k for k in range(n) if country[k] == 1 and code_at(k) != state}
        others.pop(None, None)
        if state is not None and len(others) == 1:
            out[(p.start, p.end)] = (x, next(iter(others.values())))
    return out


def frame_phrases(
    toks: list[Token],
    lows: list[str],
    cased: list[str],
    country: list[int],
    found: list[Phrase],
    present: set[str],
    words: FrameWords,
) -> list[Phrase]:
    """Labels the motion, event and copula frames give that ``found`` (the phrase
    finder's) does not hold; ``present`` is the set of the sentence's words.

    A head the tables list (``words.heads``) is the phrase finder's to read or reject,
    but for the nouns of a tie's course; no noun phrase ends in one of
    ``words.adjectives``."""
    out: list[Phrase] = []
    if _FRAME_WORDS.isdisjoint(present):
        return out  # most sentences: no word any frame starts from
    known_heads, adjectives = words.heads, words.adjectives
    moving = not _MOVING_VERBS.isdisjoint(present)
    copular = not _COPULA_SUBJECTS.isdisjoint(present) and not _ARTICLES.isdisjoint(present)
    eventful = (
        not EVENTS.isdisjoint(present)
        or "war" in present
        or ("of" in present and not _SPANS.isdisjoint(present))
    )
    taken = {k for p in found for k in range(p.start, p.end)}
    for first, after, noun in _subjects(lows, country) if moving else ():
        place = _moved_to(toks, cased, country, after) or _sent_to(
            toks, cased, country, first, after
        )
        if place is None:
            continue
        start, end, head = place
        if any(k in taken for k in range(start, end)):
            continue  # the phrase finder read it already
        if lows[head] in known_heads and lows[head] not in EVENTS:
            continue  # a head the tables list is the phrase finder's to read or reject
        if not noun and lows[end - 1] not in _STATES_OF_A_PAIR:
            continue  # "A and B slid into recession": the states', not their tie's
        # the head is the tie's noun, as for any predicate said of it: a bare mention of
        # the tie is then not taken for a repeat of this label
        out.append(Phrase(start, end, first, (noun or "relations",)))
    company = not COMPANY_NOUNS.isdisjoint(present) and not _ARTICLES.isdisjoint(present)
    for _first, after, noun in _subjects(lows, country) if company else ():
        if noun:
            continue  # a tie noun's copula is read below
        formed = _copula_complement(toks, lows, cased, country, after, adjectives)
        if formed is None or lows[formed[2]] not in COMPANY_NOUNS:
            continue
        if formed[1] - formed[0] < 2:
            continue  # "are a society in decline": a bare noun says nothing of the pair
        if lows[formed[2]] in known_heads:
            continue  # a head the tables list is the phrase finder's to read or reject
        if not any(k in taken for k in range(formed[0], formed[1])):
            out.append(Phrase(formed[0], formed[1], formed[2], (lows[formed[2]],)))
    for i, w in enumerate(lows) if copular else ():
        if w not in _COPULA_SUBJECTS or country[i]:
            continue
        became = _became(toks, lows, cased, country, i, adjectives) or _set_aside(
            toks, lows, cased, country, i, adjectives
        )
        if became is None:
            continue
        if lows[became[2]] in known_heads and lows[became[2]] not in EVENTS:
            # a head the tables list is the phrase finder's to read; a noun of the tie's
            # course is read here too, as when the tie moves ("ties had become a standoff")
            continue
        if not any(k in taken for k in range(became[0], became[1])):
            out.append(Phrase(became[0], became[1], i, (w,)))
    if not REVIVING.isdisjoint(present):
        for start, end, head in _revived(lows, country, words):
            if not any(k in taken for k in range(start, end)):
                out.append(Phrase(start, end, head, (lows[head],)))
    if not _TOWARD.isdisjoint(present):
        for start, end, head in _attitudes_toward(lows, country, words):
            if not any(k in taken for k in range(start, end)):
                out.append(Phrase(start, end, head, (lows[head],)))
    if eventful:
        # a bare head the phrase finder read ("feud") gives way to the fuller event
        # ("sour border feud"): the extractor drops a bare repeat of a fuller label
        bare = {p.head for p in found if p.end - p.start == 1}
        for start, end, head in _events(lows, country, words.attitude, words.listed_attitudes):
            if not any(k in taken and k not in bare for k in range(start, end)):
                out.append(Phrase(start, end, head, (lows[head],)))
    return out


# Nouns for a company that two states joined by "and" may be said to form together, no
# table lists and no other frame reads: "A and B are a mutual-aid society of the
# sanctioned". A closed class: "A and B are a source of oil" says what each is to others.
COMPANY_NOUNS = frozenset(
    {"society", "club", "fellowship", "brotherhood", "sisterhood", "household", "league",
     "circle", "pairing", "twosome"}
)  # fmt: skip
# Words opening an aside after a comma, which ends an "of" tail's list.
_APPOSITION_OPENERS = frozenset({"a", "an", "the", "one", "said", "says", "according"})
# Every word a frame starts from: one look tells a sentence that holds none.
_FRAME_WORDS = (
    _MOVING_VERBS
    | _COPULA_SUBJECTS
    | EVENTS
    | {"war"}
    | COMPANY_NOUNS
    | _SPANS
    | _TOWARD
    | REVIVING
)
# The same with the words the role frames start from (verbs of saying aside).
_ANY_FRAME_WORD = _FRAME_WORDS | _CALLING | _MANNER_WORDS


def appositive_roles(
    lows: list[str], country: list[int], roles: frozenset[str], reject: frozenset[str]
) -> list[tuple[Phrase, int, int]]:
    """Roles set beside the state they are given to, by the state that gives them:
    "Ukraine, a country China also calls a friend", "Bolivia, which Chile calls a
    brother". Each label with the tokens of the two states; ``roles`` are the role nouns
    ("friend", "ally"), ``reject`` the modifiers that drop a label ("largest")."""
    out: list[tuple[Phrase, int, int]] = []
    n = len(lows)
    for c, w in enumerate(lows):
        if w != "," or c == 0 or country[c - 1] != 1:
            continue
        j = c + 1
        if j < n and lows[j] in ("a", "an", "the"):
            j += 1
            if j < n and lows[j] in _KINDS_OF_STATE:
                j += 1
            else:
                continue
        elif j < n and lows[j] in ("which", "whom"):
            j += 1
        else:
            continue
        if j >= n or country[j] != 1:
            continue
        giver = j
        while j < n and country[j] == 1:
            j += 1
        while j < n and lows[j] in _CALLING_ADVERBS:
            j += 1
        if j >= n or lows[j] not in _CALLING:
            continue
        j += 1
        if j < n and lows[j] == "as":
            j += 1
        if j >= n or lows[j] not in ("a", "an"):
            continue  # "calls his friend", "the largest partner": a person's, a rank
        start = k = j + 1
        while k < n and k - start < _COPULA_WORDS and lows[k] not in roles and _word(lows[k]):
            k += 1
        if k >= n or lows[k] not in roles or not reject.isdisjoint(lows[start:k]):
            continue
        if k == start and lows[k] in _PLACE_ROLES:
            continue  # a bare "neighbour" says where a state is, not what it is to another
        if k + 1 < n and _word(lows[k + 1]) and lows[k + 1] not in _AFTER_LABEL:
            continue  # "as a rival bidder": the role word is a noun's modifier
        out.append((Phrase(start, k + 1, k, (lows[k],)), c - 1, giver))
    return out


def _became(
    toks: list[Token],
    lows: list[str],
    cased: list[str],
    country: list[int],
    i: int,
    adjectives: frozenset[str],
) -> tuple[int, int, int] | None:
    """ "the A-B relationship remains a rollercoaster", "the alliance with B has become a
    hollow shell": a noun phrase ending the clause after a copula whose subject is the tie
    at ``i``, as (start, end, head)."""
    if i > 0 and lows[i - 1] in _SECTORS:
        return None  # "defence ties": a sector's tie
    paired = (i > 0 and country[i - 1] == 1) or _past_pair(lows, country, i + 1) > i + 1
    if not paired:
        return None  # the tie of a pair written with it: "their" may be two leaders
    j = _past_aside(lows, _past_pair(lows, country, i + 1))
    j = _past_aside(lows, j)  # ", long a matter of water and borders,"
    return _copula_complement(toks, lows, cased, country, j, adjectives)


# Adverbs of time that open an aside saying what a tie is or was: ", long a love-hate
# affair,", ", once a partnership of equals,".
_ASIDE_ADVERBS = frozenset({"once", "long", "still", "now", "often", "always", "lately"})


def _set_aside(
    toks: list[Token],
    lows: list[str],
    cased: list[str],
    country: list[int],
    i: int,
    adjectives: frozenset[str],
) -> tuple[int, int, int] | None:
    """ "relations between A and B, long a love-hate affair, could improve": a noun phrase
    after an adverb of time and "a", set off by commas after the tie at ``i`` (and the
    pair named with it), as (start, end, head). The adverb keeps out an aside of another
    kind ("ties with B, a priority for the EU,")."""
    if i > 0 and lows[i - 1] in _SECTORS:
        return None
    j = _pair_end(lows, country, i + 1)
    if not ((i > 0 and country[i - 1] == 1) or j > i + 1):
        return None  # the tie of a pair written with it
    n = len(lows)
    if j + 2 >= n or lows[j] != "," or lows[j + 1] not in _ASIDE_ADVERBS:
        return None
    k = j + 2
    if k >= n or lows[k] not in ("a", "an"):
        return None
    start = k + 1
    m = _noun_run(lows, cased, country, start, participles_end=True)
    if m is None or m >= n:
        return None
    head = m - 1
    if not _names_what_it_is(lows[head], adjectives):
        return None
    # the aside ends at a comma, or at the participle
    if lows[m] != "," and not (lows[m].endswith("ed") and lows[m].isalpha()):
        return None
    return start, m, head


def _copula_complement(
    toks: list[Token],
    lows: list[str],
    cased: list[str],
    country: list[int],
    j: int,
    adjectives: frozenset[str],
) -> tuple[int, int, int] | None:
    """The noun phrase after "a" that a copula at ``j`` says its subject is, ending the
    clause ("remains a rollercoaster", "are a mutual-aid society of the sanctioned"), as
    (start, end, head)."""
    n = len(toks)
    for words in _COPULAS:
        if tuple(lows[j : j + len(words)]) == words:
            j += len(words)
            break
    else:
        return None
    while j < n and lows[j] in _COPULA_ADVERBS:
        j += 1
    if j >= n or lows[j] not in ("a", "an"):
        return None  # "the relationship is the subject of": only "a" names what it is
    start = j + 1
    k = _noun_run(lows, cased, country, start, participles_end=False)
    if k is None:
        return None
    head = k - 1
    if not _names_what_it_is(lows[head], adjectives):
        return None
    end = k
    if k + 1 < n and lows[k] == "of":
        tail = _of_tail(lows, country, k)
        if tail is None:
            return None  # "a part of A-B relations": the tail names the tie itself
        end = tail
    nxt = lows[end] if end < n else "."
    if nxt[:1].isalnum() and nxt not in _AFTER_LABEL:
        return None  # the clause goes on: "is a country that", "is a way to"
    return start, end, head


def _noun_run(
    lows: list[str], cased: list[str], country: list[int], start: int, *, participles_end: bool
) -> int | None:
    """One past the words of the noun phrase that opens at ``start`` after "a" (a few at
    most, up to a place, a state, a mark or "not"), or None when there are none or they are
    a name ("is a Kremlin project", "once a Soviet project"). ``participles_end``: a past
    participle after the first word ends it too ("a love-hate affair shaped by")."""
    n = len(lows)
    k = start
    while k < n and k - start < _COPULA_WORDS:
        w = lows[k]
        if w in _PLACE_ENDS or country[k] or not _word(w) or w == "not":
            break
        if cased[k][:1].isupper() and not _capitals(cased):
            return None  # a name
        if k > start and participles_end and w.endswith("ed") and "-" not in w:
            break
        if k > start and _participle_going_on(lows, k):
            break  # "a partnership waiting to happen": the participle's clause goes on
        k += 1
    return None if k == start else k


def _names_what_it_is(head: str, adjectives: frozenset[str]) -> bool:
    """Whether a noun phrase's last word can say what a tie is: not a word of another
    kind, an adjective or an adverb."""
    return not (head in _NOT_WHAT_IT_IS or head in adjectives or head.endswith("ly"))


def _participle_going_on(lows: list[str], k: int) -> bool:
    """Whether the word at ``k``, after a noun, is a participle in -ing that opens a clause
    of its own ("waiting to happen", "looking to the future", "spanning centuries"); a
    noun in -ing ends the phrase or takes a preposition of scope ("a new beginning for")."""
    w = lows[k]
    if not (w.endswith("ing") and w.isalpha() and len(w) > 5):
        return False
    nxt = lows[k + 1] if k + 1 < len(lows) else "."
    return nxt[:1].isalnum() and (nxt == "to" or nxt not in _AFTER_LABEL)


def _of_tail(lows: list[str], country: list[int], k: int) -> int | None:
    """The end of an "of" tail from ``k``: "of debts, remittances and old resentments",
    "of the sanctioned"; None when it names a tie or a state ("of A-B relations")."""
    n = len(lows)
    m = k + 1
    while m < n and m - k <= _OF_TAIL_WORDS:
        w = lows[m]
        if country[m] or w in _COPULA_SUBJECTS:
            return None
        if w == "," and m + 1 < n and lows[m + 1] in _APPOSITION_OPENERS:
            break  # "of the sanctioned, a columnist argued": an aside, not an item
        if w in (",", "and") and m + 1 < n and _word(lows[m + 1]):
            m += 1
            continue
        if not _word(w) or (w in _PLACE_ENDS and w != "and"):
            break
        m += 1
    return m if m > k + 1 else k


def _events(
    lows: list[str],
    country: list[int],
    attitude: Callable[[str], bool],
    listed: frozenset[str],
) -> list[tuple[int, int, int]]:
    """Event nouns of a tie in a frame that makes them the pair's, as (start, end, head):
    "ending a long estrangement", "signalling a thaw", "after years of border tension",
    "locked in a sour border feud", "moved from hostility to"; and any noun of attitude
    (``attitude``, ``listed``) after a span and before the pair it is between: "decades of
    mistrust between A and B", "A ended decades of mistrust with B"."""
    out: list[tuple[int, int, int]] = []
    n = len(lows)
    for i, w in enumerate(lows):
        spanned = _spanned_attitude(lows, country, i, attitude, listed)
        if w not in EVENTS and w not in _LOCKED_IN and not spanned:
            continue
        start = _modifiers_before(lows, country, i)
        k = start - 1
        if k >= 0 and lows[k] in ("a", "an", "the", "their", "its"):
            k -= 1
        if k < 0:
            continue
        before = lows[k]
        if spanned and before == "of" and k >= 1 and lows[k - 1] in _SPANS:
            framed = True  # the pair named after it makes the spell theirs
        elif (w in HOSTILE_EVENTS and before in _ENDING_VERBS) or (
            w in WARM_EVENTS and before in _SIGNALLING_VERBS
        ):
            framed = True
        elif w in HOSTILE_EVENTS and before == "of" and k >= 1 and lows[k - 1] in _SPANS:
            framed = _after_span(lows, k - 1) or (
                # "moved from years of hostility to"
                _from_span(lows, k - 1) and i + 1 < n and lows[i + 1] == "to"
            )
        elif w in _LOCKED_IN and before == "in" and k >= 1 and lows[k - 1] == "locked":
            framed = True
        elif w in HOSTILE_EVENTS and before == "from" and k >= 1 and lows[k - 1] in _FROM_VERBS:
            framed = i + 1 < n and lows[i + 1] == "to"
        elif w in HOSTILE_EVENTS and before == "of" and _given_way_to(lows, k - 1):
            framed = True  # "has given way to a season of mistrust"
            if lows[k - 1] in _SEASONS:
                start = k - 1  # the season is the label's: "season of mistrust"
        else:
            framed = False
        if not framed or _elsewhere(lows, country, i + 1):
            continue
        end = i + 1
        if w == "war" and end + 1 < n and lows[end] == "of" and lows[end + 1].isalpha():
            end += 2  # "a cold war of attrition"
        if start == i and w not in _BARE_EVENTS and (w in EVENTS or not spanned):
            continue  # bare "years of tension": a word for any strain, no name for a tie
        if not _SECTORS.isdisjoint(lows[start:i]):
            continue  # "a bitter trade dispute": a sector's, not the tie's
        out.append((start, end, i))
        if before == "from" or (before == "of" and lows[i + 1 : i + 2] == ["to"]):
            # "lurched from acrimony to grudging cooperation": where the tie went
            went = _changed_to(lows, country, i + 2, attitude)
            if went is not None:
                out.append(went)
    return out


# Nouns a tie may change to that no table lists as a label bare: "to grudging cooperation".
_CHANGED_TO = frozenset({"cooperation", "co-operation", "coexistence", "engagement"})
# The most modifiers read before the noun a tie changed to.
_CHANGED_TO_MODIFIERS = 2


def _changed_to(
    lows: list[str], country: list[int], j: int, attitude: Callable[[str], bool]
) -> tuple[int, int, int] | None:
    """After "from hostility to": a noun of a tie's course or of attitude with one or two
    modifiers, ending a phrase, as (start, end, head): "to grudging cooperation", "to a
    wary detente"; None for a bare or unlisted noun ("to trade", "to the courts")."""
    n = len(lows)
    if j < n and lows[j] in ("a", "an"):
        j += 1
    for m in range(j + 1, min(n, j + _CHANGED_TO_MODIFIERS + 1)):
        words = lows[j:m]
        if any(country[x] or not _word(lows[x]) or lows[x] in _NOT_MODIFIERS for x in range(j, m)):
            return None
        if not _SECTORS.isdisjoint(words):
            return None
        w = lows[m]
        if w not in EVENTS and w not in _CHANGED_TO and not attitude(w):
            continue
        after = lows[m + 1] if m + 1 < n else "."
        if after.isalpha() and after not in _AFTER_LABEL and after != "against":
            return None
        return (j, m + 1, m)
    return None


# Words that say an attitude stirred again is an old one: "old suspicions".
_OLD = frozenset({"old", "ancient", "lingering", "dormant", "buried", "long-held", "historic"})
# The most words between the pair opening a headline and its verb: "Row Over Lake Kyoga".
_HEADLINE_SUBJECT = 5


def _revived(
    lows: list[str], country: list[int], words: FrameWords
) -> list[tuple[int, int, int]]:
    """ "Kenya, Uganda Row Over Lake Kyoga Stokes Old Suspicions": a sentence that opens
    with two states, a short subject of their own after them, a verb of stirring again and
    a noun of attitude ending the sentence, with old or qualifying modifiers only, as
    (start, end, head). The noun is one the table lists, or one said to be old ("Reignites
    Lingering Resentment"); "Revives Optimism", "Revives Investor Confidence", "Revives
    Talk of Tariffs" give nothing."""
    n = len(lows)
    k, mentions = 0, 0
    while k < n and (country[k] == 1 or (mentions == 1 and lows[k] in (",", "and"))):
        if country[k] == 1 and (k == 0 or not country[k - 1]):
            mentions += 1
        k += 1
    if mentions != 2:
        return []
    for v in range(k, min(n, k + _HEADLINE_SUBJECT + 1)):
        if country[v]:
            return []  # a third state in the subject
        if lows[v] not in REVIVING:
            continue
        m = v + 1
        while m < n and (lows[m] in _OLD or lows[m] in words.qualifying):
            m += 1
        if m >= n or not words.attitude(lows[m]):
            return []
        if lows[m] not in words.listed_attitudes and _OLD.isdisjoint(lows[v + 1 : m]):
            return []  # "Win Stokes Patriotism": a mood of the day, not an old attitude
        after = lows[m + 1] if m + 1 < n else "."
        if after.isalpha() and after not in _AFTER_LABEL:
            return []
        return [(v + 1, m + 1, m)]
    return []


# Possessive determiners that may stand for the state holding an attitude: "its".
_HOLDERS = frozenset({"its", "their", "our"})
# Words that end the modifiers read back from a noun of attitude: the holder is no modifier.
_NOT_ATTITUDE_MODIFIERS = _NOT_MODIFIERS | _HOLDERS


def _attitudes_toward(
    lows: list[str], country: list[int], words: FrameWords
) -> list[tuple[int, int, int]]:
    """ "Chile's deep-seated wariness toward Peru", "its lingering resentment with Lima": a
    noun of attitude no table lists, held by a state (its possessive, or "its") toward a
    state named right after it, as (start, end, head). Without a modifier only the nouns
    of attitude listed as such are read ("Chile's goodwill toward Peru"), as an ending alone
    ("Chile's interoperability with Peru") says less."""
    out: list[tuple[int, int, int]] = []
    n = len(lows)
    for i in range(1, n - 2):
        w = lows[i]
        if lows[i + 1] not in _TOWARD or w in words.heads or not words.attitude(w):
            continue
        m = i + 3 if lows[i + 2] == "the" else i + 2
        if m >= n or country[m] != 1 or lows[_mention_end(country, m) - 1].endswith("'s"):
            continue  # "toward Peru's migrants": the state owns what it is held toward
        start = _modifiers_before(lows, country, i, _NOT_ATTITUDE_MODIFIERS)
        if not _SECTORS.isdisjoint(lows[start:i]):
            continue  # "Chile's military wariness": a sector's
        k = start - 1
        held = lows[k] in _HOLDERS or (country[k] == 1 and lows[k].endswith("'s"))
        if its_of_several(lows, country, k):
            continue  # "Chile thanked Peru for its ...": either state's
        if not held or (start == i and w not in words.listed_attitudes):
            continue
        out.append((start, i + 1, i))
    return out


def _mention_end(country: list[int], m: int) -> int:
    """One past the tokens of the state mention starting at ``m``."""
    while m < len(country) and country[m]:
        m += 1
    return m


def _spanned_attitude(
    lows: list[str],
    country: list[int],
    i: int,
    attitude: Callable[[str], bool],
    listed: frozenset[str],
) -> bool:
    """Whether the word at ``i`` is a noun of attitude with "between" or "with" and a
    state right after it, shortly after a span and "of" ("decades of deep suspicion
    between A and B"): a slot only a tie's state fills.

    "Between" names both sides. "With" names one: the other must be a state named before
    the span, and the noun one the table lists (``listed``), as an attitude read by its
    ending alone may be anyone's ("after years of optimism with Brazil, investors ...")."""
    n = len(lows)
    w = lows[i]
    if i + 2 >= n or lows[i + 1] not in ("between", "with") or not attitude(w):
        return False
    if _pair_end(lows, country, i + 1) == i + 1:
        return False  # "with the rebels": no state named
    k = _modifiers_before(lows, country, i) - 1
    if not (k >= 1 and lows[k] == "of" and lows[k - 1] in _SPANS):
        return False
    if lows[i + 1] == "between":
        return True
    return w in listed and any(country[: k - 1])


def _modifiers_before(
    lows: list[str], country: list[int], i: int, stops: frozenset[str] = _NOT_MODIFIERS
) -> int:
    """Where the words modifying the noun at ``i`` start: "seven-year", "sour border"; at
    most ``_EVENT_MODIFIERS`` of them, none a state's or one of ``stops``."""
    k = i
    while (
        k > 0
        and i - k < _EVENT_MODIFIERS
        and not country[k - 1]
        and _word(lows[k - 1])
        and lows[k - 1] not in stops
    ):
        k -= 1
    return k


def _from_span(lows: list[str], k: int) -> bool:
    """ "moved from years of", "lurched from two decades of": a span of time at ``k``
    after "from" and a verb of change."""
    if k < 2 or lows[k] not in _SPANS:
        return False
    m = k - 1
    if lows[m].isdigit() or lows[m] in _COUNTS:
        m -= 1
    return m >= 1 and lows[m] == "from" and lows[m - 1] in _FROM_VERBS


def _given_way_to(lows: list[str], k: int) -> bool:
    """ "has given way to a season of", "gave way, after the coup, to years of": a season
    or span at ``k`` after "to" and the verb "give way"."""
    if k < 3 or (lows[k] not in _SEASONS and lows[k] not in _SPANS):
        return False
    m = k - 1
    if lows[m] in ("a", "an") or lows[m].isdigit() or lows[m] in _COUNTS:
        m -= 1
    if lows[m] != "to":
        return False
    for j in range(m - 1, max(0, m - _GIVING_WAY_WORDS) - 1, -1):
        if lows[j] in (".", ";", ":"):
            return False
        if lows[j] == "way" and j >= 1 and lows[j - 1] in _GIVING_WAY:
            return True
    return False


def _after_span(lows: list[str], k: int) -> bool:
    """ "after years of", "following two decades of": a span of time after the word."""
    m = k - 1
    if m >= 0 and (lows[m].isdigit() or lows[m] in _COUNTS):
        m -= 1
    if m >= 0 and lows[m] == "half":
        m -= 1  # "after half a century of"
    return m >= 0 and lows[m] in ("after", "following", "ending", "ended", "end")


def _elsewhere(lows: list[str], country: list[int], j: int) -> bool:
    """A phrase after the noun that puts the spell elsewhere: "tension in the region",
    "a feud between the army and the rebels"."""
    n = len(lows)
    if j >= n:
        return False
    w = lows[j]
    if w in ("in", "within", "inside", "among"):
        return True
    if w in ("between", "with"):
        return j + 1 >= n or not (
            country[j + 1] or (lows[j + 1] == "the" and j + 2 < n and country[j + 2])
        )
    return False


def _subjects(lows: list[str], country: list[int]) -> list[tuple[int, int, str]]:
    """What may move: a tie noun ("relations") or two states joined by "and" ("Venezuela
    and Guyana"), as (first token, token after it, the noun or "" for the states)."""
    out: list[tuple[int, int, str]] = []
    if _TIE_NOUNS.isdisjoint(lows) and ("and" not in lows or country.count(1) < 2):
        return out  # most sentences: neither a tie noun nor two states joined
    n = len(lows)
    for i, w in enumerate(lows):
        if w in _TIE_NOUNS and not country[i]:
            out.append((i, _past_pair(lows, country, i + 1), w))
        elif country[i] == 1 and (i + 1 >= n or country[i + 1] != 1):
            # the last token of a state joined to another before it: "A and (the) B"
            k = i
            while k > 0 and country[k - 1] == 1:
                k -= 1
            m = k - 2 if k >= 2 and lows[k - 1] == "the" else k - 1
            if m >= 1 and lows[m] in ("and", "&") and country[m - 1] == 1:
                first = m - 1
                while first > 0 and country[first - 1] == 1:
                    first -= 1
                out.append((first, _past_aside(lows, i + 1), ""))
    return out


def _moved_to(
    toks: list[Token], cased: list[str], country: list[int], j: int
) -> tuple[int, int, int] | None:
    """ "relations (between A and B) sank to a post-Cold War low", "ties hit rock bottom",
    "A and B slid into open confrontation": the subject ending before ``j`` is that of a
    verb of movement or of reaching."""
    n = len(toks)
    while j < n and toks[j].low in _AUXILIARIES:
        j += 1
    if j >= n:
        return None
    verb = toks[j].low
    if verb in _REACH_VERBS:
        return _place(toks, cased, country, j + 1, "reach")
    if verb in _MOTION_VERBS and j + 1 < n and toks[j + 1].low in ("to", "into"):
        return _place(toks, cased, country, j + 2, toks[j + 1].low)
    return None


def _sent_to(
    toks: list[Token], cased: list[str], country: list[int], first: int, j: int
) -> tuple[int, int, int] | None:
    """ "sends Sino-American ties into a tailspin", "plunged ties into their darkest hour",
    "bringing A and B to the brink of war": the tie (or pair) from ``first`` is the
    object of a verb of sending, with where it went after it, from ``j``."""
    k = first - 1
    while k >= 0 and first - k <= _BEFORE_TIE and _before_tie(toks[k].low, country[k]):
        k -= 1
    if k < 0 or toks[k].low not in _SENDING_VERBS:
        return None
    if any(toks[m].low in _SUPPOSING for m in range(max(0, k - 2), k)):
        return None  # "could plunge ties into a crisis", "threatens to send": not done
    if j + 1 >= len(toks) or toks[j].low not in ("to", "into"):
        return None
    # a ranked point is read only right after the tie and its pair: past an aside
    # ("ties, strained since May, to their worst point") the point may be a bare rating
    sent = toks[j - 1].low != ","
    return _place(toks, cased, country, j + 1, toks[j].low, sent=sent)


def _before_tie(w: str, mark: int) -> bool:
    """Whether a word may stand between a verb of sending and the tie it sends: a state,
    a determiner, the pair named by a noun of its sides ("the two countries'") or a
    hyphenated modifier ("once-close")."""
    return bool(mark) or w in _BEFORE_TIE_WORDS or w in _PAIR_SIDES or w in _SIDE_WORDS or (
        "-" in w and w.replace("-", "").isalpha()
    )


# Words of the pair named by a noun of its sides before the tie: "the two countries'".
_SIDE_WORDS = frozenset({"two", "both", "'"})


def _past_pair(lows: list[str], country: list[int], j: int) -> int:
    """After the tie: past "between A and B" or "with B", where the pair is named, or
    "between the two countries", which names it by a noun of its sides, and past an aside
    after it."""
    return _past_aside(lows, _pair_end(lows, country, j))


def _pair_end(lows: list[str], country: list[int], j: int) -> int:
    """After the tie: past the pair named after it ("between A and B", "with B",
    "between the two countries"); ``j`` when none is."""
    n = len(lows)
    if j < n and lows[j] in ("between", "with"):
        k = j + 1
        while k < n and k < j + 10 and (country[k] or lows[k] in ("and", "the", "'s")):
            k += 1
        while k > j + 1 and not country[k - 1]:
            k -= 1  # "between A and B and to mark": the "and" after the pair is not of it
        if k > j + 1:
            j = k
        elif lows[j] == "between" and lows[j + 1 : j + 3] == ["the", "two"]:
            k = j + 3
            if k < n and lows[k] in _PAIR_SIDES:
                j = k + 1
    return j


# Nouns that name the two sides of a pair: "between the two countries".
_PAIR_SIDES = frozenset(
    {"countries", "nations", "neighbours", "neighbors", "states", "sides", "capitals",
     "kingdoms", "governments"}
)  # fmt: skip


def _past_aside(lows: list[str], j: int) -> int:
    """Past an aside set off by commas before the verb: "relations, once described as a
    brotherhood, have descended into"."""
    n = len(lows)
    if j >= n or lows[j] != ",":
        return j
    for k in range(j + 1, min(n, j + _ASIDE_WORDS)):
        if lows[k] == ",":
            return k + 1
        if lows[k] in (";", ".", ":"):
            break
    return j


def _place(
    toks: list[Token],
    cased: list[str],
    country: list[int],
    j: int,
    how: str,
    *,
    sent: bool = False,
) -> tuple[int, int, int] | None:
    """The place a tie ends up in, from ``j``: (start, end, head) of "post-Cold War low",
    "darkest hour since 1962", "tailspin"; None when the words are no such place.
    ``sent``: the tie is the object of a verb of sending, which the phrase finder does
    not read, so a ranked point is read here ("pushed ties to their worst point")."""
    n = len(toks)
    if j >= n:
        return None
    if toks[j].low in _VAGUE_PLACES:
        # "slid into something akin to a stalemate": the thing named after the likeness
        k = j + 1
        if k < n and toks[k].low in _LIKENESS:
            k += 1
        if k < n and toks[k].low == "to":
            k += 1
        if k == j + 1 or k >= n or toks[k].low not in _DETERMINERS:
            return None  # "into something new": no place named
        return _place(toks, cased, country, k, "into")
    determined = toks[j].low in _DETERMINERS
    if determined:
        j += 1
    elif how == "to":
        return None  # "ties grew to include": a verb, no place
    start = k = j
    headline = _capitals(cased)
    while k < n and k - start < _PLACE_WORDS:
        w = toks[k].low
        if w in _PLACE_ENDS or country[k] or not _word(w):
            break
        if k > start and w.endswith("ed") and "-" not in w:
            break  # "a low last reached in 1980", "a crisis triggered by": a clause
        if cased[k][:1].isupper() and not headline and not _inside_compound(toks, cased, k):
            break  # a name: "ties sank to Beijing's liking" is no place
        k += 1
    if k == start:
        return None
    head = k - 1
    words = [t.low for t in toks[start:k]]
    if how == "into" and words[-1] in _INTO_IDIOMS:
        return None
    ranked_point = sent and words[-1] in ("point", "level") and any(map(superlative, words))
    if words[-1] in _NOT_PLACES and not ranked_point:
        return None  # "their worst point", "a new level": a rating the phrase finder reads
    if how in ("to", "reach") and not (any(w in _POINT_WORDS or superlative(w) for w in words)):
        return None  # "ties reached a deal": only a point or a rank is where a tie stands
    if words[-1] in _EDGE_WORDS and k + 1 < n and toks[k].low == "of":
        # "to the brink of open war": the edge is the edge of something
        m = k + 1
        while m < n and m < k + 4 and _word(toks[m].low) and toks[m].low not in _PLACE_ENDS:
            m += 1
        if m > k + 1:
            return start, m, m - 1
    if k < n and toks[k].low == "of":
        return None  # "their lowest number of flights": a measure of something else
    end = _scope(toks, k)
    return start, end, head


def _scope(toks: list[Token], k: int) -> int:
    """The end of a measure the label keeps: "since 1962", "since the Cold War", "in their
    entire history"; ``k`` when none follows."""
    n = len(toks)
    if k + 1 < n and toks[k].low == "since":
        m = k + 1
        if toks[m].low.isdigit():
            return m + 1
        if toks[m].low == "the" and m + 1 < n:
            m += 1
            while m < n and m < k + 5 and _word(toks[m].low) and toks[m].low not in _PLACE_ENDS:
                m += 1
            return m
        return k
    if k + 1 < n and toks[k].low == "in":
        m = k + 1
        while (
            m < n
            and m < k + 4
            and toks[m].low
            in ("their", "its", "our", "entire", "whole", "long", "modern", "recent", "recorded")
        ):
            m += 1
        if m < n and toks[m].low == "history":
            return m + 1
        # "in decades", "in two decades", "in a generation", "in forty years": how long
        # since it was so (a bare "in years" says no more than "lately")
        counted = m < n and (toks[m].low in _COUNTS or toks[m].low.isdigit())
        if counted:
            m += 1
        if m < n and toks[m].low in _SPANS_SINCE and (counted or toks[m].low != "years"):
            return m + 1
    return k


def _word(w: str) -> bool:
    """A word of letters, hyphens allowed ("post-cold", "seven-year")."""
    return w.replace("-", "").isalpha()


def _inside_compound(toks: list[Token], cased: list[str], k: int) -> bool:
    """ "a post-Cold War low": a capital inside a hyphenated compound or right after it."""
    return "-" in cased[k] or (
        k > 0
        and "-" in cased[k - 1]
        and cased[k - 1][-1:].isalpha()
        and any(c.isupper() for c in cased[k - 1])
    )


def _capitals(cased: list[str]) -> bool:
    """A headline in capitals or title case: a capital tells nothing there."""
    letters = [c for c in cased if c[:1].isalpha()]
    if not letters:
        return False
    capitals = sum(1 for c in letters if c[:1].isupper())
    return capitals * 4 >= len(letters) * 3

"""Whether a sentence only supposes a descriptor: "could become strategic partners".

A supposed label is nobody's words for the pair yet, so the extractor marks it
(``Extraction.hypothetical``) and the decider never lets it replace the pair's words. The
test reads the structure of the clause before the descriptor, never the descriptor itself:

- a modal before the verb that governs it: "may one day be allies", "could form an alliance"
  ("should" urges: "the two should build a partnership" is live);
- a supposing modifier before the head: "a possible alliance", "a proposed partnership";
- talks about it: "talks on a possible alliance", "negotiations towards a partnership";
- an intention to make it: "plans to forge a partnership", "would like to become partners",
  "has no intention of joining an alliance";
- talk of it: "revived talk of a new alliance";
- a condition: "if the two were allies", "if A and B ever formed an alliance";
- a sentence that pictures it: "Imagine if A and B buried their rivalry", "What if ...";
- an open question: "whether A and B become allies", "asked whether A would remain B's ally";
- an indefinite subject of "would", "could" or "might": "a formal alliance ... would".

A verb that works on a relationship the pair already has keeps it live: "could deepen their
strategic partnership", "plans to strengthen the alliance".
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

# "should" urges rather than supposes: "the two should build a relationship of trust" is
# the speaker's word for the tie, as an agreed or pledged level is
_MODALS = frozenset({"could", "may", "might", "would", "can"})
# verbs that bring a relationship into being, or name one as a state the pair would be in
_MAKING = frozenset(
    {
        "become", "be", "form", "seek", "forge", "build", "establish", "sign", "create",
        "upgrade", "elevate", "raise", "conclude", "launch", "set", "enter", "lead", "pave",
        "result", "turn", "grow", "evolve", "blossom", "mature", "ripen", "join", "consider",
    }
)  # fmt: skip
# words that may stand between a modal and its verb: "may one day be", "could soon become"
_BETWEEN_MODAL_AND_VERB = frozenset(
    {
        "one", "day", "some", "soon", "eventually", "also", "even", "well", "yet", "still",
        "someday", "ultimately", "then", "together", "jointly", "finally", "formally",
        "officially", "quickly", "further", "in", "future", "the", "now", "have", "one-day",
    }
)  # fmt: skip
_SUPPOSING = frozenset(
    {"possible", "potential", "proposed", "prospective", "future", "eventual", "planned",
     "hypothetical", "would-be"}
)  # fmt: skip
_TALKS = frozenset({"talks", "discussions", "negotiations", "talk", "negotiation", "discussion"})
_ABOUT = frozenset({"on", "about", "toward", "towards", "over", "for", "of"})
_INTENDING = frozenset(
    {
        "plan", "plans", "planned", "planning", "aim", "aims", "aimed", "aiming", "hope",
        "hopes", "hoped", "hoping", "seek", "seeks", "sought", "seeking", "want", "wants",
        "wanted", "wish", "wishes", "wished", "like", "intend", "intends", "intended",
        "looking", "look", "looks", "bid", "push", "pushing", "pushes", "eager", "keen",
        "ready", "willing", "proposed", "proposes", "propose", "intention", "intentions",
    }
)  # fmt: skip
# verbs that work on a relationship the pair already has: its words are live
_KEEPING = frozenset(
    {
        "deepen", "deepening", "strengthen", "strengthening", "further", "furthering",
        "advance", "advancing", "expand", "expanding", "enhance", "enhancing", "consolidate",
        "consolidating", "boost", "boosting", "bolster", "bolstering", "reinforce",
        "reinforcing", "maintain", "maintaining", "remain", "continue", "continuing",
        "sustain", "preserve", "develop", "developing", "revive", "reviving", "renew",
        "celebrate", "celebrating", "mark", "marking", "honour", "honor", "uphold",
    }
)  # fmt: skip
# a word before "may" that makes it the month: "in May", "since May", "last May"
_MONTH_BEFORE = frozenset(
    {"in", "since", "of", "last", "early", "mid", "late", "until", "by", "from", "this", "next"}
)
_DETERMINERS = frozenset({"a", "an", "the", "their", "its", "his", "her", "our", "this", "that"})
_OWNERS = frozenset({"their", "its", "our", "his", "her"})
_NEAR = 10  # words before the descriptor that are read
# "are heading for", "moving towards": on the way to a label, not yet in it
_TOWARDS = frozenset({"to", "toward", "towards"})
_HEADING = {
    **dict.fromkeys(("heading", "headed", "moving", "move", "moves", "edging", "inching"),
                    _TOWARDS | {"for"}),
    **dict.fromkeys(("path", "road", "course", "steps", "step"), _TOWARDS),
}  # fmt: skip
# "the prospect of a partnership": a noun that holds the label as a possibility
_PROSPECT = frozenset(
    {"prospect", "prospects", "possibility", "possibilities", "idea", "option", "chance",
     "chances", "feasibility", "likelihood"}
)  # fmt: skip
# verbs that open a yes-no question: "Will A and B become partners?"
_QUESTION_VERBS = frozenset(
    {"will", "would", "could", "can", "should", "shall", "might", "may", "is", "are", "was",
     "were", "do", "does", "did", "has", "have"}
)  # fmt: skip
_TO_COME = frozenset(
    {("in", "the", "making"), ("on", "the", "cards"), ("in", "the", "offing"),
     ("on", "the", "horizon"), ("in", "the", "works"), ("on", "the", "table"),
     ("off", "the", "table")}
)  # fmt: skip

# Every word at which the look back in supposed() may answer yes: a rule added to that
# loop adds its words here, or it is never reached.
_LOOK_BACK_WORDS = _MODALS | _TALKS | _INTENDING | frozenset(_HEADING) | _PROSPECT


def supposed(lows: Sequence[str], start: int, head: int, clause_start: int) -> bool:
    """Whether the descriptor starting at token ``start``, headed at ``head``, is supposed."""
    # one look for the common sentence that holds no word any rule below answers yes at
    if _NEEDED_WORDS.isdisjoint(lows):
        return False
    # a modifier of the head, not a word after it: "a shared future" is no supposition
    if not _SUPPOSING.isdisjoint(lows[start:head]):
        return True
    if _asked(lows, start, head) or _in_the_making(lows, head):
        return True
    if start > 0 and lows[start - 1] in ("a", "an") and _subject_of_modal(lows, start, head):
        return True
    if _inverted_condition(lows, start) or _imagined(lows, start):
        return True
    if _ought_but_is_not(lows, start):
        return True
    if clause_start >= 2 and lows[clause_start - 1] == "yet" and lows[clause_start - 2] in _MODALS:
        clause_start -= 2  # "could yet become": an adverb here, not a clause's "yet"
    lo = max(clause_start, start - _NEAR)
    # the condition may be set off by commas: "if, as some hope, the two were allies"
    if _conditional(lows, lo, start):
        return True
    for k in range(start - 1, lo - 1, -1):
        if lows[k] in (",", ":", "(", ")", "."):
            relative = lows[k] == "," and k + 1 < start and lows[k + 1] in ("which", "that")
            if relative and _supposed_antecedent(lows, k):
                return True  # "talks on a possible pact, which X hailed as a partnership"
            lo = k + 1
            break
    near = list(lows[lo:start])
    n = len(near)
    if _whether(near):
        return True
    # a supposing modifier before the head, past the determiners: "a possible alliance"
    k = n - 1
    while k >= 0 and near[k] in _DETERMINERS:
        k -= 1
    if k >= 0 and near[k] in _SUPPOSING:
        return True
    # the look back below answers yes only at one of these words; most clauses hold none
    if _LOOK_BACK_WORDS.isdisjoint(near):
        return False
    # "could deepen their strategic partnership": a word keeping the label ends the look
    # back, so only the words after the last such word are read
    keeping = max((i for i, w in enumerate(near) if w in _KEEPING), default=0)
    for i in range(n - 1, keeping - 1, -1):
        w = near[i]
        if w in _MODALS and (_modal_makes(near, i) or _modal_speaks(near, i)):
            return True
        if w in _MODALS and _modal_lets(near, i):
            return True
        about = _talks_about(near, i) if w in _TALKS else None
        if about is not None:
            between = near[about + 1 :]
            # "talks on their alliance" are about one the pair has
            owned = not _OWNERS.isdisjoint(between)
            if not owned and not any(b.endswith("ing") for b in between):
                return True
        if w in _INTENDING and _intends_to_make(near, i):
            return True
        if w in _HEADING and i + 1 < n and near[i + 1] in _HEADING[w]:
            return True  # "are heading for a strategic partnership", "the path to"
        if w in _PROSPECT and i + 1 < n and near[i + 1] in ("of", "for"):
            between = near[i + 2 :]
            if all(b in _DETERMINERS for b in between):
                return True  # "discussed the prospect of a partnership"
    return False


def _whether(near: Sequence[str]) -> bool:
    """ "Whether A and B become allies depends on ...", "asked whether A would remain B's
    closest ally": a label put as an open question, the complement of a verb after
    "whether"; one that is the subject after "whether" ("whether the alliance will
    survive") is one the pair has."""
    if "whether" not in near:
        return False
    k = len(near) - 1 - near[::-1].index("whether")
    after = near[k + 1 :]
    if not _ANSWERING.isdisjoint(after):
        return False  # "asked whether X is worried and said B is a partner": the question ended
    return not _WHETHER_VERBS.isdisjoint(after)


# verbs of answering after "whether" end the question: what follows is said, not asked
_ANSWERING = frozenset(
    {"said", "says", "replied", "replies", "answered", "answers", "added", "adds", "told",
     "tells", "stressed", "stresses", "insisted", "insists", "noted", "notes"}
)  # fmt: skip

# verbs after "whether" that put the label to the pair: "whether A and B become allies"
_WHETHER_VERBS = _MODALS | frozenset(
    {"become", "becomes", "remain", "remains", "stay", "stays", "be", "is", "are", "form",
     "forms", "sign", "signs", "seek", "seeks", "join", "joins", "want", "wants"}
)  # fmt: skip


def _asked(lows: Sequence[str], start: int, head: int) -> bool:
    """A yes-no question that puts the label to the pair ("Will A and B become allies?",
    "Are A and B natural partners?"); one about a label they have, its subject right
    after the verb ("Is the A-B partnership fading?"), is not."""
    if "?" not in lows or "?" not in lows[head + 1 :]:
        return False
    first = _first_word(lows, start, (":", ".", "!", "?"))
    if first >= start or lows[first] not in _QUESTION_VERBS:
        return False
    between = lows[first + 1 : start]
    return not all(w in _DETERMINERS or "-" in w for w in between)


def _in_the_making(lows: Sequence[str], head: int) -> bool:
    """ "an alliance in the making", "a partnership on the cards": one to come."""
    k = head + 1
    if k + 2 >= len(lows):
        return False
    if lows[k] in _POSTMODIFIER_OPENS:
        k = _past_postmodifier(lows, k)  # "an alliance against the virus was never on the cards"
    while k < len(lows) and lows[k] in _BEFORE_TO_COME:
        k += 1  # "an alliance is now on the cards"
    return tuple(lows[k : k + 3]) in _TO_COME


_BEFORE_TO_COME = frozenset(
    {"is", "are", "was", "were", "now", "firmly", "already", "never", "not", "still", "ever"}
)
_POSTMODIFIER_OPENS = frozenset({"between", "with", "against", "of", "for", "among"})


def _past_postmodifier(lows: Sequence[str], k: int) -> int:
    """Past a short phrase after the head, opening at ``k`` ("between A and B", "against
    the virus"), when a linking verb ends it within five words; else ``k``."""
    for j in range(k + 1, min(len(lows), k + 6)):
        if lows[j] in ("is", "are", "was", "were"):
            return j
        if not lows[j].isalpha():
            return k
    return k


# a conditional modal for which an indefinite label is the subject: "a formal alliance
# between A and B would add little"; "will" and "can" say what is, so they stay out
_CONDITIONAL_MODALS = frozenset({"would", "could", "might"})
# what may stand between such a label and its modal: the pair, named after a preposition
_SUBJECT_TAIL = 6


def _subject_of_modal(lows: Sequence[str], start: int, head: int) -> bool:
    """ "A formal alliance between A and B would add little", "An alliance with B could
    cost ...": an indefinite label opening its clause, whose verb is a conditional modal,
    is only supposed. A definite one ("the alliance would survive") is the pair's."""
    if _CONDITIONAL_MODALS.isdisjoint(lows[head + 1 : head + 2 + _SUBJECT_TAIL]):
        return False  # one look: most labels have none of these after them
    first = _first_word(lows, start, (".", "!", "?", ";", ":", ","))
    if first != start - 1 or lows[first] not in ("a", "an"):
        return False
    for k in range(head + 1, min(len(lows), head + 2 + _SUBJECT_TAIL)):
        if lows[k] in _CONDITIONAL_MODALS:
            return True
        if not lows[k].isalpha() or lows[k] in _CLAUSE_BREAKS:
            return False
    return False


# words that end the label's subject before any modal: a relative clause or a verb's object
_CLAUSE_BREAKS = frozenset({"that", "which", "who", "is", "are", "was", "were", "has", "have"})


def _modal_makes(near: Sequence[str], i: int) -> bool:
    """A modal at ``near[i]`` whose verb makes the descriptor: "could soon become"."""
    if near[i] == "may" and i > 0 and near[i - 1] in _MONTH_BEFORE:
        return False
    j = i + 1
    while j < len(near) and j - i <= 3 and near[j] not in _MAKING:
        if near[j] not in _BETWEEN_MODAL_AND_VERB and not near[j].endswith("ly"):
            return False
        j += 1
    return j < len(near) and near[j] in _MAKING and len(near) - j - 1 <= 4


# verbs of naming after a conditional modal: "before anyone could speak of friendly
# relations" pictures words nobody uses yet ("can speak of" says they are in use)
_SPEAKING = frozenset({"speak", "talk"})


def _modal_speaks(near: Sequence[str], i: int) -> bool:
    """ "could speak of a partnership", "would talk of allies": a conditional modal, its
    verb of naming and "of" right before the descriptor's words."""
    if near[i] not in _CONDITIONAL_MODALS:
        return False
    j = i + 1
    while j < len(near) and j - i <= 3 and near[j] in _BETWEEN_MODAL_AND_VERB:
        j += 1
    return j + 1 < len(near) and near[j] in _SPEAKING and near[j + 1] in ("of", "about")


# verbs after a modal that let their object do something: "a deal would allow A and B to
# become partners" supposes the label as surely as "A and B could become partners"
_LETTING = frozenset({"allow", "enable", "help", "let", "permit"})
_LETTING_OBJECT = 5  # words the object of such a verb may take: "Kyrgyzstan and Tajikistan"


def _modal_lets(near: Sequence[str], i: int) -> bool:
    """A modal at ``near[i]`` whose verb lets its object make the descriptor: "would allow
    A and B to become partners", "could help the two build an alliance"."""
    j = i + 1
    while j < len(near) and j - i <= 3 and near[j] in _BETWEEN_MODAL_AND_VERB:
        j += 1
    if j >= len(near) or near[j] not in _LETTING:
        return False
    for k in range(j + 1, min(len(near), j + 2 + _LETTING_OBJECT)):
        if near[k] in _MAKING:
            return len(near) - k - 1 <= 4
        if near[k] in (",", ";", ".") or near[k] in _MODALS:
            return False
    return False


_CONDITIONS = frozenset({"if", "unless", "whether"})
# verbs that, set in a condition, make the label only pictured: "if the two were allies",
# "if A and B ever formed an alliance"
_CONDITION_VERBS = frozenset(
    {"were", "formed", "form", "became", "become", "forged", "forge", "built", "build",
     "established", "establish", "created", "create", "entered", "enter"}
)  # fmt: skip


def _conditional(lows: Sequence[str], lo: int, start: int) -> bool:
    """ "if the two were allies", "if A and B ever formed an alliance": a condition the
    clause sets before the descriptor."""
    if _CONDITIONS.isdisjoint(lows[lo:start]):
        return False  # one look: most clauses set none
    for k in range(start - 1, lo - 1, -1):
        if lows[k] in ("if", "unless", "whether"):
            return not _CONDITION_VERBS.isdisjoint(lows[k + 1 : start])
    return False


# "Imagine if A and B ...", "What if ...", "Suppose A and B ...": the sentence pictures
# a state of things, it reports none ("Picture:" opens a photo's caption, so not that word)
_IMAGINING = frozenset({"imagine", "suppose", "supposing"})


def _imagined(lows: Sequence[str], start: int) -> bool:
    """ "Imagine if A and B buried their rivalry", "What if the two were allies?": a
    sentence that opens by picturing what it says."""
    if "if" not in lows[:start] and _IMAGINING.isdisjoint(lows[:start]):
        return False  # one look: most sentences hold neither
    first = _first_word(lows, start, (".", "!", "?", ";"))
    if first + 1 >= start:
        return False
    opening = (lows[first], lows[first + 1])
    return opening[0] in _IMAGINING or opening == ("what", "if")


_INVERTING = frozenset({"were", "should", "had"})


def _inverted_condition(lows: Sequence[str], start: int) -> bool:
    """ "Were A and B ever to become allies, ...", "Should A and B become partners, ...": a
    condition with its verb put first, in a sentence that asks nothing."""
    if _INVERTING.isdisjoint(lows[:start]):
        return False  # one look: most sentences hold none of these words
    first = _first_word(lows, start, (".", "!", "?", ";"))
    if first >= start or lows[first] not in _INVERTING:
        return False
    # "Were A and B allies?" asks; "Should A and B become partners, ..." supposes
    return "?" not in lows[first:]


def _first_word(lows: Sequence[str], start: int, stops: tuple[str, ...]) -> int:
    """Where the first word before ``start`` stands, counting from the last of ``stops``
    before it (or the sentence's start) and past any opening quote; ``start`` if none."""
    first = 0
    for k in range(start - 1, -1, -1):
        if lows[k] in stops:
            first = k + 1
            break
    while first < start and not lows[first].isalnum():
        first += 1  # an opening quote
    return first


def _supposed_antecedent(lows: Sequence[str], comma: int) -> bool:
    """Whether the words before ``comma``, which a relative clause takes up, only suppose
    what they name: "talks on a possible normalisation between A and B, which ..."."""
    before = lows[max(0, comma - 8) : comma]
    for i, w in enumerate(before):
        if w in (",", ";", ":", "."):
            continue
        if w in _SUPPOSING:
            return True
        if w in _TALKS and i + 1 < len(before) and before[i + 1] in _ABOUT:
            return True
    return False


# "talks between A and B on ...": what may stand between the talks and what they are about
_TALKS_BETWEEN = 6
# what talks on a label may name before it: "talks on an upgrade to a partnership"
_UPGRADE = frozenset({"upgrade", "upgrading", "elevation", "elevating", "raising", "move"})


def _talks_about(near: Sequence[str], i: int) -> int | None:
    """Where the word saying what the talks at ``near[i]`` are about stands ("talks on a
    possible alliance", "talks between A and B on a partnership"), when the label follows
    it within a few words; else None."""
    n = len(near)
    j = i + 1
    if j < n and near[j] == "between":
        while j < n and j - i <= _TALKS_BETWEEN and near[j] not in _ABOUT:
            j += 1
    if j >= n or near[j] not in _ABOUT:
        return None
    if near[j] == "of" and (near[i] != "talk" or tuple(near[max(0, i - 2) : i]) == ("all", "the")):
        return None  # "talk of a new alliance" supposes it; "for all the talk of" grants it
    rest = near[j + 1 :]
    # "on an upgrade to a": the words of the upgrade do not count against the reach
    reach = 3 + sum(2 for w in rest if w in _UPGRADE)
    return j if len(rest) <= reach else None


def _intends_to_make(near: Sequence[str], i: int) -> bool:
    """ "plans to forge", "wants Ethiopia to become": an intention at ``near[i]`` whose "to"
    (after an object of up to three words) comes before a verb that makes the label."""
    n = len(near)
    if i + 2 < n and near[i + 1] == "of" and near[i + 2].endswith("ing"):
        # "no intention of joining", "plans of forming": the verb's -ing form
        stem = near[i + 2][:-3]
        return stem in _MAKING or stem + "e" in _MAKING
    for j in range(i + 1, min(n - 1, i + 5)):
        if near[j] == "to":
            return near[j + 1] in _MAKING
        if near[j] in (",", ";", ".") or near[j] in _MODALS:
            return False
    return False


_OUGHT = frozenset({"should", "ought"})
_CONTRASTS = frozenset({"but", "yet"})


def _ought_but_is_not(lows: Sequence[str], start: int) -> bool:
    """ "A and B should be natural allies, but ... keeps getting in the way": what the pair
    ought to be, set against what gets in its way, is what they are not. Without the
    contrast "should be" urges and the label is live ("should be good friends")."""
    k = start - 1
    while k >= 0 and lows[k] in _DETERMINERS:
        k -= 1
    if k < 1 or lows[k] != "be":
        return False
    urged = lows[k - 1] in _OUGHT or (k >= 2 and lows[k - 1] == "to" and lows[k - 2] == "ought")
    if not urged:
        return False
    rest = lows[start:]
    return any(w == "," and nxt in _CONTRASTS for w, nxt in pairwise(rest))


# Every word without which supposed() answers no: each of its rules that may answer yes
# needs one of these in the sentence (here, after every table it reads). A rule added to
# supposed() adds its words here.
_NEEDED_WORDS = (
    _SUPPOSING  # "a possible alliance", "a possible pact, which"
    | _TALKS  # "talks on a partnership, which"
    | _LOOK_BACK_WORDS
    | frozenset({"?"})  # a yes-no question
    | frozenset(words[-1] for words in _TO_COME)  # "in the making"
    | _CONDITIONAL_MODALS  # "a formal alliance ... would"
    | _INVERTING  # "Were A and B ever to"
    | _IMAGINING  # "Imagine if"
    | _CONDITIONS  # "if", "unless", "whether"
    | _OUGHT  # "should be allies, but"
)

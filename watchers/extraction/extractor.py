"""The extractor: text in, (pair, descriptor) findings out. Pure, and never raises on text."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import partial
from pathlib import Path

from watchers.countries import CountryTable, FormKind, default_countries
from watchers.extraction import quoted
from watchers.extraction.canonical import canonical
from watchers.extraction.frames import (
    COMPANY_NOUNS,
    EVENT_CUES,
    EVENTS,
    HOSTILE_EVENTS,
    REVIVING,
    SPANS,
    TOWARD,
    FrameWords,
    read_frames,
)
from watchers.extraction.lexicon import Vocabulary, load_vocabulary
from watchers.extraction.mentions import (
    STATE_NOUNS,
    MentionFinder,
    StateMention,
    described_states,
)
from watchers.extraction.pairs import (
    PAIR_COUNT,
    REGARD_VERBS,
    SHARED_NAME_PLURALS,
    Codes,
    Context,
    PairResolver,
    Sentence,
    ends_longer_list,
    opens_headline_list,
    pair_of,
    refers_to_two,
    shared_name_pairs,
    toks_end,
)
from watchers.extraction.phrases import CALLED_ROLES, CALLING_VERBS, ORG, Phrase, PhraseFinder
from watchers.extraction.speakers import Turn, line_attribution, transcript_turns, turn_at
from watchers.extraction.supposed import supposed
from watchers.extraction.text import (
    QUOTES,
    Keywords,
    Token,
    before_quotes,
    drop_invisible,
    line_spans,
    lower,
    normalize,
    prepare_splitter,
    sentence_spans,
    tokens,
)
from watchers.model import Extraction, Pair

_JOIN = re.compile(r"\s*[-/]\s*")
_AND = re.compile(r"(?:'s)?\s*,?\s*(?:and|&)\s+(?:the\s+)?")
# Double quotes always; single quotes unless inside a word ("people's").
_QUOTE_CHARS = re.compile(
    '["\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a]'
    "|(?<!\\w)['\u2018\u2019\u201a\u201b`\u00b4]|['\u2018\u2019\u201a\u201b`\u00b4](?!\\w)"
)
# Any of those marks at all: a label holding none (most) is not run through the pattern
# above, which tries three branches at every character.
_ANY_QUOTE_CHAR = re.compile(
    "[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a'\u2018\u2019\u201a\u201b`\u00b4]"
)
# How many sentences back "the two countries" may reach.
_CONTEXT_WINDOW = 3
# The longest first line read as a headline naming the text's pair.
_HEADLINE_CHARS = 200
# How many sentences back a pronoun ("he said") or "our" may find its speaker.
_SPEAKER_WINDOW = 5
_PRONOUNS = frozenset({"he", "she", "they", "it"})
_YOU_AND_ME = frozenset({"you", "i", "me"})
_FIRST_PERSON_PLURAL = frozenset({"we", "our", "us"})
# The most tokens of a transcript speaker's label and its colon.
_LABEL_TOKENS = 7
_STATE_NOUNS = frozenset({"countries", "nations", "states", "country", "nation"})
_PLACE_WORDS = frozenset({"in", "at", "from", "to", "near", "outside", "inside"})
# Kinds of mention that a following noun may turn into a qualifier ("Chinese companies").
_QUALIFIED_KINDS = frozenset(
    {FormKind.DEMONYM, FormKind.NAME, FormKind.ALIAS, FormKind.CAPITAL, FormKind.ABBREVIATION}
)
_LIST_WORDS = frozenset({"and", ",", "the", "&"})
_PLACE_PREPOSITIONS = frozenset({"in", "from", "of", "at"})
_NOT_BEFORE_SPEAKER = _PLACE_WORDS | {"and", "&", ","}
# Verbs of one person meeting or addressing another: a name a state's possessive sets
# before or after one is a person acting for the state, not a firm it owns.
# Pronouns that only a person takes up.
_PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him"})
_MEETING_VERBS = frozenset(
    {"told", "tells", "met", "meets", "received", "receives", "hosted", "hosts", "welcomed",
     "welcomes", "thanked", "thanks", "phoned", "assured", "assures", "urged", "urges"}
)  # fmt: skip
# Small words inside a person's name ("Van der Bellen", "bin Salman", "da Silva").
_NAME_PARTICLES = frozenset({"van", "der", "von", "de", "da", "dos", "di", "bin", "al", "el"})
# Kinds of mention whose possessive may own a company or a club ("Germany's Siemens").
_OWNER_KINDS = frozenset(
    {FormKind.NAME, FormKind.ALIAS, FormKind.ABBREVIATION, FormKind.CAPITAL, FormKind.SEAT}
)
# The tokens a description of a state may end in ("the kingdom", "the country's").
_STATE_NOUN_WORDS = frozenset(
    word for noun in STATE_NOUNS for word in (noun, noun + "'s", noun + "'", noun.split("-")[-1])
)
_CONTESTS = frozenset(
    {"rivalry", "rivals", "rival", "feud", "enmity", "animosity", "foes", "foe", "enemies",
     "enemy", "adversaries", "adversary", "competitors", "competitor", "frenemies", "frenemy"}
)  # fmt: skip
# "the highest degree of mutual trust": a level of what a relationship is made of
_LEVEL_OF_TRUST = re.compile(
    r" of (?:[\w-]+ ){0,2}(?:trust|confidence|understanding|friendship|partnership|solidarity)\b"
)
# Ties that two persons can have: "Modi and Albanese share a close friendship".
_PERSONAL_HEADS = frozenset(
    {"friendship", "relationship", "bond", "rapport", "chemistry", "bonhomie"}
)
_HAVING = frozenset(
    {"share", "shares", "shared", "have", "has", "had", "enjoy", "enjoys", "enjoyed",
     "developed", "struck", "strike", "built", "forged", "formed", "cultivated"}
)  # fmt: skip
# What follows "a friendly" used as a noun (a match): "in a friendly at Wembley".
_AFTER_A_MATCH = frozenset({"at", "in", "against", "on", "with", ".", ",", ";", "between"})
# A final score: "the 7-1", "a 2-0 win".
_SCORE = re.compile(r"\d{1,2}-\d{1,2}")
# Words right before a label that only liken the tie to it: "something closer to an
# alliance", "akin to an alliance", "verging on a rivalry".
_HEDGES = frozenset(
    {
        ("closer", "to"),
        ("akin", "to"),
        ("tantamount", "to"),
        ("verging", "on"),
        ("bordering", "on"),
        ("something", "like"),
        ("nothing", "like"),
        ("nowhere", "near"),
    }
)
# "ended a decade-long estrangement": ending a hostile state says the pair was in it
_END_VERBS = frozenset({"end", "ended", "ending", "ends"})
_HOSTILE_HEADS = (
    frozenset({"estrangement", "feud", "rivalry", "enmity", "hostility", "animosity", "antagonism"})
    | HOSTILE_EVENTS
)
# Modifiers of a hostile or cold tone: ending "frosty relations" says the pair had them.
_HOSTILE_TONES = frozenset(
    {"frosty", "strained", "tense", "cold", "icy", "chilly", "bitter", "hostile",
     "troubled", "fraught", "rocky", "acrimonious", "antagonistic", "adversarial"}
)  # fmt: skip
# "is not, and will never be, a partner": what may stand between the aside and the label
_ASIDE_ARTICLES = frozenset({"a", "an", "the", "its", "their"})
_ASIDE_ENDS = frozenset({"be", "been", "become"})
# The copulas of states said to be something together: "Chile and Peru are, remained ...".
# Each list below adds the words of its own construction to these.
_PLURAL_COPULAS = frozenset({"are", "were", "remain", "remained"})
# A head said of states: "are one family", "form a tandem" ("is" for one state said to be
# the speaker's: '"Chile is family," the minister said').
_SAID_COPULAS = _PLURAL_COPULAS | {"became", "been", "form", "formed", "is", "remains"}
_QUOTE_CUE_WORDS = """
are were is was remain remains remained as called calling calls call dubbed countries nations
neighbours neighbors them other ties relations relationship alliance to have has had share
shares shared enjoy enjoys enjoyed
"""
_QUOTE_CUES = (
    *(
        f"{cue}{article} {mark}"
        for cue in _QUOTE_CUE_WORDS.split()
        for article in ("", " a", " an", " the")
        for mark in ('"', "'")
    ),
    ', the "',
    ", the '",
    '"are ',
    '"were ',
    "'are ",
    "'were ",
    # a stage of the tie the pair opens or speaks of: "opened a 'new page'", "spoke of a
    # 'fresh dawn'" (quoted.py says which stages)
    *(
        f"{verb}{article} {mark}"
        for verb in (
            *quoted.OPENING_VERBS,
            *(f"{speak} of" for speak in quoted.SPEAKING_VERBS),
        )
        for article in (" a", " an", " the")
        for mark in ('"', "'")
    ),
)
# A quoted slogan that counts two states as one: "'one nation, two states'", "'two
# states, one nation'", "'one nation in two states'" (phrases.py reads it).
_COUNT_SLOGAN = re.compile(
    r"""['"](?:one [a-z]+(?:,| in| with| but| and) two|two [a-z]+(?:,| in| with| but| and) one)"""
    r""" [a-z]+['"]"""
)
_QUOTE_MARKS = re.compile("[\"']")
_OBJECT_WORDS = frozenset({"to", "with", "and", "from", "met", "meet", "meets", "hosted", "told"})

# FormKind members as plain module names, for the comparisons made for every mention: on
# Python 3.11 reading a member off an enum class (FormKind.LEADER) goes through the enum
# metaclass's __getattr__ hook and costs about as much as a function call.
_LEADER = FormKind.LEADER
_DEMONYM = FormKind.DEMONYM


# Verbs that open a clause of their own after "and": a negation before it is the other's
# (the singular too: "... but Peru is").
_LINKING_VERBS = _PLURAL_COPULAS | {"remains", "is", "was"}
# What follows a turn in a tie ("a new chapter in ties", "a 'new page' in relations").
_TURN_AFTER = (" in ", " of ", "' in ", "' of ", '" in ', '" of ')


class _HeadFinder:
    """Finds head nouns worth a close reading, with one Aho-Corasick pass.

    Heads that need something next to them are let through only when it is there: a
    strong modifier before "cooperation" or "trust", "unprecedented" before "level", "of"
    or "with" after "model" or "community". Everyday uses ("cooperation on climate", "the
    level of the river") then cost nothing more.
    """

    def __init__(self, lex: Vocabulary) -> None:
        entries: list[tuple[str, str]] = []
        # a fixed phrase is looked for whole, so that "peace" or "period" alone costs nothing
        words = lex.heads | set(lex.phrases) | set(lex.turns)
        for w in words:
            if w in lex.turns:
                need = "turn"  # "a new chapter in ties": an "in" or "of" phrase after it
            elif w in lex.weak_heads:
                need = "weak"
            elif w in lex.kin_heads:
                need = "kin"
            elif w in lex.metaphor_heads:
                need = "compound"
            elif w in lex.said_heads:
                need = "said"
            elif w in lex.level_heads:
                need = "level"
            elif w in lex.tail_heads:
                need = "tail"
            else:
                need = ""
            entries.append((w, need))
        # a metaphor noun of a tie in a quote given to a state ("called Kenya 'a key
        # pillar'"): checked for a quote mark shortly before it
        entries.extend((w, "quoted") for w in lex.metaphor_nominals if w not in lex.heads)
        # a head misspelled by one letter; the phrase finder asks for a modifier before it
        entries.extend((w, "") for w in lex.misspellings)
        # a quote opening after a copula, "as", a verb of calling or a word for the pair:
        # the sentence may say what the pair is in words no table lists ("A and B are
        # 'two wings of one nation'"); the phrase finder decides
        entries.extend((cue, "quote") for cue in _QUOTE_CUES)
        # a quote after a possessive that a verb of calling sets before it ("calling the
        # emirate Oman's 'big brother'"): checked for the verb shortly before it
        entries.extend((cue, "owned") for cue in ("'s '", "'s \""))
        # a quote set beside two states as an apposition ("Egypt and Sudan, 'two countries
        # of one Nile', pledged"); checked for an "and" before it, as a quote after a
        # comma is common
        entries.extend((cue, "apposition") for cue in (", '", ', "'))
        # a quote that counts two states as one ("'one nation, two states'"), wherever it
        # stands: checked for the whole slogan's shape
        entries.extend((cue, "count") for cue in ("'one ", '"one ', "'two ", '"two '))
        # a noun of a tie's course after a word of a frame that makes it the pair's
        # ("ending a seven-year rupture"): frames.py reads it
        entries.extend((w, "event") for w in EVENTS if w not in lex.heads)
        # a span of time and "of" before a noun of attitude no table lists, with the pair
        # after it ("decades of quiet pragmatism between A and B"): frames.py reads it
        entries.extend((f"{w} of ", "span") for w in SPANS)
        # a headline's "A, B Spat Revives Old Suspicions": frames.py reads the verb's object
        entries.extend((f" {w} ", "revive") for w in REVIVING)
        # a noun of attitude no table lists, held toward a state ("Chile's deep-seated
        # wariness toward Peru"): its ending or its name, then the preposition
        entries.extend(
            (f"{w} {p} ", "toward")
            for w in (*lex.attitude_endings, *lex.attitudes)
            for p in TOWARD
            if w not in lex.heads
        )
        # a company two states are said to form ("A and B are a mutual-aid society of the
        # sanctioned"): checked for a copula before it; frames.py reads it
        entries.extend((w, "said") for w in COMPANY_NOUNS if w not in lex.heads)
        self.words = Keywords(entries)
        self.heads = lex.heads
        # weak heads that name an attitude ("solidarity"), held "with" or "toward" a state
        self.weak_attitudes = frozenset(w for w in lex.weak_heads if lex.attitude_noun(w))
        self.attitude = lex.attitude_noun
        self.event_cue = _WordsBefore(EVENT_CUES)
        self.strong = _WordsBefore(lex.strong | lex.level_modifiers)
        self.level = _WordsBefore(lex.level_modifiers)
        self.kin = _WordsBefore(lex.kin_modifiers)
        # a head said of states needs a copula before it: "are one family", "form a tandem"
        self.copula = _WordsBefore(_SAID_COPULAS)
        self.calling = _WordsBefore(CALLING_VERBS)

    def positions(self, low: str) -> list[int]:
        """Start offsets of head nouns standing as whole words, in order."""
        out: list[int] = []
        size = len(low)
        needs = self.words.values
        for index, start, end in self.words.hits(low):
            need = needs[index]
            last = end - 1
            if need == "apposition":
                if " and " in low[max(0, start - 40) : start]:
                    out.append(start)
                continue
            if need == "count":
                if _COUNT_SLOGAN.match(low, start):
                    out.append(start)
                continue
            if need == "owned":
                if self.calling.search(low, max(0, start - 50), start):
                    out.append(start)
                continue
            if need == "revive":
                out.append(start + 1)  # the verb, after its space
                continue
            if need == "toward":
                # an ending inside a word: only a noun of attitude no table lists is read
                word_end = low.index(" ", start)
                word_start = word_end
                while word_start > 0 and low[word_start - 1].isalpha():
                    word_start -= 1
                word = low[word_start:word_end]
                if word not in self.heads and self.attitude(word):
                    out.append(word_start)
                continue
            if start > 0 and low[start - 1].isalnum():
                continue
            if need == "quote":
                out.append(start)
                continue
            if need == "span":
                after = low[end : end + 60]
                if " between " in after or " with " in after:
                    out.append(start)
                continue
            if last + 1 < size and low[last + 1].isalnum():
                continue
            if (
                need == "weak"
                and not self.strong.search(low, max(0, start - 60), start)
                and not low.startswith(("'", '"'), last + 1)  # "their 'seamless cooperation'"
                # "its unwavering solidarity with Cuba": the phrase finder decides
                and not (
                    low[start:end] in self.weak_attitudes
                    and low.startswith((" with ", " toward ", " towards "), last + 1)
                )
            ):
                continue
            if (
                need == "level"
                and not self.level.search(low, max(0, start - 40), start)
                and not _LEVEL_OF_TRUST.match(low, last + 1)
            ):
                continue
            if need == "tail" and not low.startswith((" of ", " with "), last + 1):
                continue
            if need == "turn" and not low.startswith(_TURN_AFTER, last + 1):
                continue
            if need == "event" and not self.event_cue.search(low, max(0, start - 50), start):
                continue
            if need == "kin" and not self.kin.search(low, max(0, start - 30), start):
                continue
            if need == "quoted" and not _QUOTE_MARKS.search(low, max(0, start - 30), start):
                continue
            before = max(0, start - 40)
            # a head said of states needs a copula, or a comma setting it beside them, or
            # "the two" naming them by it ("the two Commonwealth 'cousins'")
            beside = need == "said" and (
                ", " in low[before:start] or "the two " in low[before:start]
            )
            if need == "compound" and "-" not in low[before:start]:
                need = "said"  # or the states said to be it: "are the motor of"
            if need == "said" and not beside and not self.copula.search(low, before, start):
                continue
            out.append(start)
        out.sort()
        return out


class _WordsBefore:
    """Whether a stretch of lower-cased text holds one of some words as a whole word.

    The regex alternation that decides it tries every word at every place; the stretches
    looked at (the few words before a head noun) mostly hold none of the words even inside
    another word ("the United States"), which one Aho-Corasick look tells first.
    """

    def __init__(self, words: frozenset[str]) -> None:
        self.any = Keywords((w, None) for w in words)
        self.pattern = _alternation(words)

    def search(self, low: str, start: int, end: int) -> bool:
        """True when ``low[start:end]`` holds one of the words as a whole word."""
        if not self.any.found_in(low[start:end]):
            return False
        return self.pattern.search(low, start, end) is not None


class _WordsFinder:
    """Whether a stretch of lower-cased text holds one of some phrases as whole words.

    The test a regex alternation with look-arounds makes (no word character, quote or
    hyphen just before; no word character or hyphen just after, within the stretch),
    in one Aho-Corasick pass rather than trying every phrase at every position.
    """

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = Keywords((w, None) for w in words)
        self.empty = not words

    def holds(self, low: str, start: int, end: int) -> bool:
        """True when ``low[start:end]`` holds one of the phrases as whole words."""
        if self.empty:
            return False
        # the stretch is searched as a slice of its own: searched in place, the whole
        # text would be read for each sentence
        for _, first, after in self.words.hits(low[start:end]):
            first += start
            last = after + start - 1
            if first > 0 and (low[first - 1].isalnum() or low[first - 1] in "_'-"):
                continue
            if last + 1 < end and (low[last + 1].isalnum() or low[last + 1] in "_-"):
                continue
            return True
        return False


def _alternation(words: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in ordered)
    # an apostrophe inside a word ("o'strong") is part of it; an opening quote is not:
    # "Benin and Niger, 'fraternal nations'" has its modifier right after the quote
    return re.compile(rf"(?<![\w-])(?<!\w')(?:{body})(?![\w-])")


class Extractor:
    """Finds every descriptor for every pair of states in a text (the Extractor port)."""

    def __init__(self, countries: CountryTable, lexicon: Vocabulary) -> None:
        self.countries = countries
        self.lex = lexicon
        self.mentions = MentionFinder(countries)
        self.phrases = PhraseFinder(lexicon)
        self.pairs = PairResolver(lexicon)
        self._heads = _HeadFinder(lexicon)
        prepare_splitter()
        # every leader's forms by first word, in or out of office: "Germany's Merkel" is a
        # person in any year, never a company Germany owns
        people: dict[str, list[str]] = {}
        surnames: dict[str, set[str]] = {}
        for person in countries.leaders:
            for form in person.forms:
                key = lower(normalize(form))
                people.setdefault(key.split()[0], []).append(key)
                # "Bolivia's Arce": a leader's last name after the possessive of the
                # leader's own state
                surnames.setdefault(key.split()[-1], set()).add(person.code)
        self._people = {k: tuple(v) for k, v in people.items()}
        self._surnames = {k: frozenset(v) for k, v in surnames.items()}
        self._cue = _WordsFinder(lexicon.anaphora)
        # the heads naming a role that more states may take ("3 more countries")
        self._roles = lexicon.person_heads | lexicon.bare_heads
        self._frame = FrameWords(
            heads=lexicon.heads,
            adjectives=lexicon.qualifying | lexicon.neutral | lexicon.adverbs | lexicon.stop,
            roles=self._roles | CALLED_ROLES,  # "Peru, which Chile regards as a rival"
            reject=lexicon.reject,
            speech=lexicon.speech,
            attitude=lexicon.attitude_noun,
            listed_attitudes=lexicon.attitudes,
            qualifying=lexicon.qualifying,
        )
        negations = tuple(w for w in lexicon.negation if " " not in w and "'" not in w)
        self._negation_words = frozenset(negations)
        self._negation_but_no = self._negation_words - {"no"}
        # One look for every negating phrase, each padded so it matches whole words only
        # (" no longer "). A regex alternation of them tried every branch at every place.
        self._negation_phrase = Keywords(
            (f" {w} ", None) for w in lexicon.negation if w not in negations
        )
        # the words such a phrase starts with: it is found whole only after one of them
        self._negation_firsts = frozenset(
            w.split()[0] for w in lexicon.negation if w not in negations
        )
        # Whether any of the phrases that only look like negations ("not only") is in a
        # stretch of text: one look, so the common stretch skips the replacing loop.
        self._not_negation = Keywords((w, None) for w in lexicon.not_negation)
        # What _negated needs in a sentence before it may answer yes: a negating word or a
        # negating phrase's first word inside some token (the words it reads are tokens,
        # or pieces of tokens once "not only" and the like are taken out), or a word of
        # hedging, denial or rejection.
        self._negation_pieces = Keywords(
            (w, None) for w in self._negation_words | self._negation_firsts
        )
        self._negation_cues = (
            frozenset(first for first, _ in _HEDGES) | _DISMISSING | lexicon.rejection
        )

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        """Every descriptor for every pair in ``text``; ``on`` dates leaders' terms."""
        if isinstance(on, datetime):
            on = on.date()  # a timestamp is welcome too: terms are dates
        return self._extract(text, on)

    def _extract(self, text: str, on: date | None) -> list[Extraction]:
        if not isinstance(text, str) or not text.strip():
            return []
        norm = normalize(text)
        low = lower(norm)
        heads = self._heads.positions(low)
        if not heads:
            return []
        spans = self._spans_near(norm, heads)
        passage = _Passage(self, norm, low, on, spans)
        out: list[Extraction] = []
        seen: set[tuple[Codes, str, bool]] = set()
        refers_back = self._refers_back(low)
        for i, (a, b) in enumerate(spans):
            k = bisect.bisect_left(heads, a)
            if k >= len(heads) or heads[k] >= b:
                continue
            s = passage.sentence(i)
            # only a sentence whose phrases get resolved may ask whether it refers back
            s.refers_back = refers_back
            country = self._country_tokens(s)
            ctx = passage.context(i)
            resolved: list[tuple[Phrase, list[Codes]]] = []
            found = self.phrases.find(s.toks, s.lows, s.cased, country)
            # labels read by the frame they stand in, some with the pair the frame names
            framed, given = read_frames(
                s.toks, s.lows, s.cased, country, found, self._frame, partial(_state_at, s)
            )
            found += framed
            may_negate = self._may_negate(s)
            for p in found:
                if may_negate and self._negated(s, p):
                    continue
                if self._about_persons(s, p) or self._sport(s, p):
                    continue
                if _among_group(s.lows, p.start, p.end) or _forum_meets(s, p, self.lex.neutral):
                    continue
                if _of_many_states(s, p.end):
                    continue
                between = given.get((p.start, p.end))
                if between is not None:
                    codes = self._pair_at(s, *between)
                else:
                    codes = self.pairs.resolve(p, s, ctx)
                if codes:
                    codes = _with_third_state(s, p, codes)
                if codes:
                    codes = codes + self._more_like(passage, i, s, p, codes)
                    resolved.append((p, codes))
            for p, codes in _drop_repeats(resolved):
                words = self._words(text, s, p)
                if not words:
                    continue
                key_text = canonical(words)
                hypothetical = supposed(s.lows, p.start, p.head, s.clause(p.start)[0])
                # who spoke: named in the sentence, or by "he said" / a quote the
                # passage attributes (see _Passage.sentence)
                said_by = s.speaker
                for c1, c2 in codes:
                    ca, cb = self.countries.get(c1), self.countries.get(c2)
                    if ca is None or cb is None or c1 == c2:
                        continue
                    # a live mention after a supposed one of the same words still counts
                    key = (pair_of(c1, c2), key_text, hypothetical)
                    if key in seen:
                        continue
                    seen.add(key)
                    start = s.toks[p.start].start
                    end = s.toks[p.end - 1].end
                    span: tuple[int, int] | None = (start - s.start, end - s.start)
                    if " ".join(drop_invisible(text[start:end]).split()) != words:
                        span = None
                    out.append(
                        Extraction(
                            pair=Pair.of(ca, cb),
                            descriptor=words,
                            canonical=key_text,
                            sentence=text[s.start : s.end],
                            speaker=said_by,
                            span=span,
                            hypothetical=hypothetical,
                        )
                    )
        return out

    def _pair_at(self, s: Sentence, a: int, b: int) -> list[Codes]:
        """The pair of the two states whose mentions hold tokens ``a`` and ``b``."""
        first, second = _state_at(s, a), _state_at(s, b)
        if first is None or second is None or first == second:
            return []
        return [pair_of(first, second)]

    def _refers_back(self, low: str) -> Callable[[Sentence], bool]:
        """Whether a sentence of the text ``low`` refers back to a pair: a cue ("the two
        countries", "bilateral", "our") or two states named by a region and a kind."""
        return lambda s: self._cue.holds(low, s.start, s.end) or refers_to_two(s)

    # -- sentences -------------------------------------------------------------------------

    def _spans_near(self, norm: str, heads: list[int]) -> list[tuple[int, int]]:
        """Sentences that hold a head noun, with the few around them that give context.

        Most sentences of a news article hold no relationship noun; only these are read
        closely, which keeps extraction fast.
        """
        lines = line_spans(norm)
        starts = [a for a, _ in lines]
        keep: set[int] = set()
        for h in heads:
            k = bisect.bisect_right(starts, h) - 1
            keep.update((k - 1, k))
        near_lines = [lines[k] for k in sorted(keep) if 0 <= k < len(lines)]
        spans = sentence_spans(norm, near_lines)
        starts = [a for a, _ in spans]
        keep = set()
        for h in heads:
            k = bisect.bisect_right(starts, h) - 1
            # a few after: a quote may close a sentence or two later and be attributed after it
            keep.update(range(k - _CONTEXT_WINDOW, k + 5))
        return [spans[k] for k in sorted(keep) if 0 <= k < len(spans)]

    def _build(
        self,
        norm: str,
        low: str,
        on: date | None,
        a: int,
        b: int,
        named: Callable[[], frozenset[str]] | None = None,
        earlier: Callable[[], list[str]] | None = None,
    ) -> Sentence:
        """One sentence, read closely: mentions, tokens, clauses, structures, speaker.

        ``named`` gives the states the text names (for forms that name several), and
        ``earlier`` those the sentences before name (for "the kingdom")."""
        found = self.mentions.find(norm, low, on, [(a, b)], named)
        toks, lows, cased, tok_starts = tokens(norm, low, a, b)
        # each mention with the token it starts in
        located: list[tuple[StateMention, int]] = []
        # where a leader, seat or other state form starts: "Russia's Lavrov" is Russia
        state_starts: set[int] = set()
        org_starts: set[int] = set()
        for m in found:
            located.append((m, max(0, bisect.bisect_right(tok_starts, m.start) - 1)))
            if m.code is not None:
                state_starts.add(m.start)
            else:
                org_starts.add(m.start)
        states: list[tuple[StateMention, int]] = []
        orgs: list[int] = []
        organs: list[int] = []  # "China's Foreign Ministry": the state speaking through an organ
        for m, ti in located:
            if m.code is None:
                orgs.append(ti)
                continue
            acting = None  # most mentions are no possessive: no call to tell it
            if norm[m.end : m.end + 1] == "'":
                acting = self._owns_name(
                    norm, toks, tok_starts, lows, cased, m, state_starts, org_starts
                )
            if acting is None:
                if self._stands_for_state(toks, lows, cased, m, ti):
                    states.append((m, ti))
                else:
                    # "Kenya and Uganda's national airlines": the states joined to an
                    # owner of firms own them with it
                    _drop_joined_before(states, lows, ti)
            elif acting:
                states.append((m, ti))
                organs.append(ti)
        if orgs and self._org_acts(found, lows, tok_starts):
            states = _without_venues(states, lows)
        if "amid" in lows:
            states = _without_circumstances(states, lows)
        if earlier is not None and not _STATE_NOUN_WORDS.isdisjoint(lows):
            plain = [m for m, _ in states]
            for m in described_states(norm, low, a, b, found, plain, earlier):
                states.append((m, max(0, bisect.bisect_right(tok_starts, m.start) - 1)))
            states.sort(key=lambda st: st[0].start)
        s = Sentence(0, a, b, toks, cased, states, orgs, lows=lows, mentions=found)
        # most sentences hold no clause break: one set test instead of a look at each token
        breaks = self.lex.clause_breaks
        if not breaks.isdisjoint(lows):
            s.breaks = [i for i, w in enumerate(lows) if w in breaks]
        self._structures(norm, s)
        s.speaker, s.has_speech = self._speaker(s, located, organs)
        return s

    def _org_acts(self, found: list[StateMention], lows: list[str], starts: list[int]) -> bool:
        """Whether an organisation is named for itself, not as a label's modifier ("BRICS
        partners"): the word after it is no head noun."""
        for m in found:
            if m.code is None:
                k = bisect.bisect_left(starts, m.end)
                if k >= len(lows) or lows[k] not in self.lex.heads:
                    return True
        return False

    def _owns_name(
        self,
        norm: str,
        toks: list[Token],
        tok_starts: list[int],
        lows: list[str],
        cased: list[str],
        m: StateMention,
        state_starts: set[int],
        org_starts: set[int],
    ) -> bool | None:
        """What a state's possessive before a capitalised name makes of the state.

        False for a state that owns the named thing ("Germany's Siemens", "Britain's
        Barclays"); True for the state acting through a leader or seat ("Russia's Lavrov")
        or a name that holds an office, organ or armed force ("China's Foreign Ministry",
        "Vietnam's General Secretary"); None when no such name follows.
        """
        if m.kind not in _OWNER_KINDS:
            return None
        end = m.end
        if norm.startswith("'s ", end):
            at = end + 3
        elif norm.startswith("' ", end) and norm[end - 1 : end] in "sS":
            at = end + 2  # "the United States' Exxon"
        else:
            return None
        if not norm[at : at + 1].isupper():
            return None
        if at in state_starts:
            return True
        if at in org_starts:
            return None  # "Albania's EU talks", "Sweden's NATO bid": the state's own bid
        k = bisect.bisect_left(tok_starts, at)
        if k >= len(toks):
            return None
        for form in self._people.get(lows[k], ()):
            after = at + len(form)
            if lower(norm[at:after]) == form and not norm[after : after + 1].isalnum():
                return True
        if m.code in self._surnames.get(lows[k], ()) and not (
            k + 1 < len(toks) and cased[k + 1][:1].isupper()
        ):
            return True  # "Bolivia's Arce described ...": the state's own leader, by surname
        organs = self.lex.organs
        heads = self.lex.heads
        # the capitalised name, "of" inside it allowed ("Ministry of Foreign Affairs")
        j = k
        for j in range(k, min(len(toks), k + 6)):
            w = lows[j]
            if w in heads:
                break
            if not cased[j][:1].isupper() and w != "of" and w not in _NAME_PARTICLES:
                break
            if w in organs or w.split("-")[-1] in organs or toks[j].start in state_starts:
                return True
        # "Peru's Ana Torres said her country ...": a firm is "it", never "he" or "she"
        if not _PERSON_PRONOUNS.isdisjoint(lows[j + 1 : j + 5]):
            return True
        # persons meeting persons: "Austria's Van der Bellen told Slovenia's Pirc Musar";
        # a firm is seldom told or met by another state's named one
        before = bisect.bisect_left(tok_starts, m.start) - 1
        if before > 0 and lows[before] == "the":
            before -= 1
        if before >= 0 and lows[before] in _MEETING_VERBS:
            return True
        if j + 1 >= len(toks) or lows[j] not in _MEETING_VERBS:
            return False
        n = j + 2 if lows[j + 1] == "the" and j + 2 < len(toks) else j + 1
        # "met South Africa's", "told the Netherlands'"
        named = toks[j + 1].start in state_starts or toks[n].start in state_starts
        return named and any(w.endswith(("'s", "'")) for w in lows[n : n + 3])

    def _stands_for_state(
        self, toks: list[Token], lows: list[str], cased: list[str], m: StateMention, ti: int
    ) -> bool:
        """False for "Chinese companies", "universities in Kenya and Ghana"."""
        if m.kind not in _QUALIFIED_KINDS:
            return True
        non_states = self.lex.non_states
        # "universities in Kenya and Ghana": walk back over the list to what it qualifies
        k = ti - 1
        while k >= 0 and (lows[k] in _LIST_WORDS or cased[k][:1].isupper()):
            k -= 1
        if k >= 1 and lows[k] in _PLACE_PREPOSITIONS and lows[k - 1] in non_states:
            return False
        if k >= 1 and lows[k] == "of" and lows[k - 1] in self.lex.persons:
            # "the fans of Ghana and Senegal" are persons; "students from Peru" may speak
            # of their states' tie ("say the two countries are close friends")
            return False
        j = ti + 1
        size = len(toks)
        while j < size and toks[j].start < m.end:
            j += 1
        heads = self.lex.heads
        persons = self.lex.persons if m.kind is FormKind.DEMONYM else frozenset()
        for w in lows[j : j + 4]:
            if w in non_states or w in persons:
                return False
            if w == "state":
                continue  # "Turkey's state lender": a state-owned company
            if w in heads or not w.isalpha():
                return True
        return True

    def _structures(self, norm: str, s: Sentence) -> None:
        """Compounds ("China-Russia"), coordinations ("India and Japan") and the sentence's pair."""
        states = s.states
        # "the Modi-Netanyahu bonhomie" is the persons', yet names the pair a later "the two
        # countries" refers to
        persons: Codes | None = None
        chained, last = False, -1  # the previous two states were joined: "US-Japan-Philippines"
        for (m1, t1), (m2, _t2) in itertools.pairwise(states):
            if not m1.code or not m2.code or m1.code == m2.code:
                chained = False
                continue
            gap = norm[m1.end : m2.start]
            # looked at once, and only with a hyphen or slash in it: most gaps are no join
            joined = ("-" in gap or "/" in gap) and _JOIN.fullmatch(gap) is not None
            if joined and chained:
                # three states joined name a trilateral, no pair of them
                s.compounds = [(t, c) for t, c in s.compounds if t != last]
                chained = True
                continue
            chained, last = joined, t1
            if joined and m1.kind is not _LEADER:
                s.compounds.append((t1, pair_of(m1.code, m2.code)))
            elif joined and m2.kind is _LEADER:
                persons = persons or pair_of(m1.code, m2.code)
            elif (("and" in gap or "&" in gap) and _AND.fullmatch(gap)) or (
                gap == ", " and opens_headline_list(norm, m1.start, m2.end)
            ):
                s.coordinations.append((t1, pair_of(m1.code, m2.code)))
        if not SHARED_NAME_PLURALS.isdisjoint(s.lows):
            # "the two Koreas" names its pair as "South Korea and North Korea" would
            s.coordinations = sorted(s.coordinations + shared_name_pairs(s.lows))
        codes: set[str] = set()
        for m, _ in states:
            if m.code:
                codes.add(m.code)
        if s.compounds:
            s.hint = s.compounds[0][1]
        elif s.coordinations:
            # "Peru, Chile and Bolivia met.": no pair of the three for "the two" after it
            t, pair = s.coordinations[0]
            s.hint = None if ends_longer_list(s, t) else pair
        elif len(codes) == 2:
            a, b = sorted(codes)
            s.hint = (a, b)
        else:
            s.hint = persons

    def _speaker(
        self, s: Sentence, located: list[tuple[StateMention, int]], organs: list[int]
    ) -> tuple[str | None, bool]:
        """The state of whoever the sentence says spoke, and whether it reports speech."""
        speech = self.lex.speech
        if speech.isdisjoint(s.lows):
            return None, False
        candidates: list[tuple[int, str]] = []
        for m, ti in located:
            if m.code is None:
                continue
            if m.kind is _LEADER:
                candidates.append((ti, m.code))
                continue
            j = ti
            while j < len(s.toks) and s.toks[j].start < m.end:
                j += 1
            nxt = s.toks[j].low if j < len(s.toks) else ""
            if nxt in self.lex.titles or ti in organs or self._title_after(s, j):
                # "Russian Foreign Minister", "India's envoy", "India's external affairs
                # minister"
                candidates.append((ti, m.code))
            elif (
                nxt in self.lex.speech
                and m.kind is not _DEMONYM
                and (ti == 0 or s.lows[ti - 1] not in _NOT_BEFORE_SPEAKER)
                and not _local_speaker(s.lows, ti)
            ):
                # "the Kremlin said"; not "in Hanoi said", nor "Pakistan and China said",
                # where both speak
                candidates.append((ti, m.code))
        if not candidates:
            return None, True
        verbs = [i for i, w in enumerate(s.lows) if w in speech]
        # Prefer who speaks over who is spoken to ("in a letter to President Murmu").
        speaking = [c for c in candidates if not self._addressed(s, c[0])] or candidates
        best = min(speaking, key=lambda c: min(abs(c[0] - v) for v in verbs))
        if self._joint(s, best, candidates, verbs):
            return None, True
        return best[1], True

    def _title_after(self, s: Sentence, j: int) -> bool:
        """A title within three words after a state's possessive: "India's external affairs
        minister", "Japan's chief cabinet secretary"."""
        if j == 0 or not s.lows[j - 1].endswith(("'s", "'")):
            return False
        for k in range(j, min(j + 3, len(s.toks))):
            if s.lows[k] in self.lex.titles:
                return True
            if not s.lows[k].isalpha():
                return False
        return False

    def _joint(
        self,
        s: Sentence,
        best: tuple[int, str],
        candidates: list[tuple[int, str]],
        verbs: list[int],
    ) -> bool:
        """ "Ramaphosa and Lula reaffirmed": two states speak together, neither alone.

        The mention keeps one speaker's state, and a joint word is not one side's word.
        """
        codes = {code for _, code in candidates}
        verb = min(verbs, key=lambda v: abs(v - best[0]))
        for t, pair in s.coordinations:
            if best[1] in pair and set(pair) <= codes and t < verb and best[0] < verb:
                between = s.lows[t:verb]
                return self.lex.speech.isdisjoint(between[:-1] if between else between)
        return False

    def _addressed(self, s: Sentence, ti: int) -> bool:
        """True when the mention at ``ti`` is an object: "to/with/and President X"."""
        j = ti - 1
        while j >= 0 and j >= ti - 5:
            t = s.toks[j]
            if t.low in _OBJECT_WORDS:
                return True
            if not (t.low in self.lex.titles or s.cased[j][:1].isupper() or t.low == "."):
                return False
            j -= 1
        return False

    def _pronoun_speaks(self, s: Sentence) -> bool:
        lows = s.lows
        speech = self.lex.speech
        # one set test for the common sentence with no pronoun before its last word
        if not _PRONOUNS.isdisjoint(lows[:-1]):
            for i in range(len(lows) - 1):
                if lows[i] in _PRONOUNS and (i == 0 or lows[i + 1] in speech):
                    return True
        return bool(lows) and lows[-1] in speech

    def _country_tokens(self, s: Sentence) -> list[int]:
        """Per token: 1 inside a state's mention, 2 an organisation's, else 0."""
        marks = [0] * len(s.toks)
        for m, ti in s.states:
            j = ti
            while j < len(s.toks) and s.toks[j].start < m.end:
                marks[j] = 1
                j += 1
        for ti in s.orgs:
            marks[ti] = ORG
        return marks

    def _more_like(
        self, passage: _Passage, i: int, s: Sentence, p: Phrase, codes: list[Codes]
    ) -> list[Codes]:
        """ "X will become a strategic partner of Y. ... 3 more countries, including A and B":
        the states listed in the next sentence take the same role with Y."""
        if len(codes) != 1 or self._roles.isdisjoint(p.heads):
            return []
        j = p.end
        if j + 1 >= len(s.toks) or s.lows[j] not in ("of", "for"):
            return []
        k = j + 1 if s.lows[j + 1] != "the" else j + 2
        target = next((m.code for m, t in s.states if t == k and m.code in codes[0]), None)
        if target is None or i + 1 >= len(passage.spans) or not passage.adjacent(i, i + 1):
            return []
        nxt = passage.sentence(i + 1)
        lows = nxt.lows
        for a in range(len(lows) - 3):
            if lows[a] in ("more", "other") and lows[a + 1] in _STATE_NOUNS | {"partners"}:
                b = a + 2
                if b < len(lows) and lows[b] == ",":
                    b += 1
                if b < len(lows) and lows[b] in ("including", "such", "namely", "like"):
                    b += 2 if lows[b] == "such" else 1
                    listed, blocked = self.pairs.list_after(nxt, b)
                    if blocked:
                        return []
                    return [pair_of(c, target) for c in listed if c != target]
        return []

    # -- filters ---------------------------------------------------------------------------

    def _may_negate(self, s: Sentence) -> bool:
        """Whether _negated may say yes of some phrase of the sentence: one look for the
        sentence, which most phrases' sentences fail."""
        if not self._negation_cues.isdisjoint(s.lows):
            return True
        return self._negation_pieces.found_in(" ".join(s.lows))

    def _negated(self, s: Sentence, p: Phrase) -> bool:
        """A negation or rejection in the phrase's clause: "not an alliance", "rejected"."""
        toks = s.toks
        lo, _ = s.clause(p.start)
        words: list[str] = []  # the up to 8 words before the phrase, collected backwards
        for j in range(p.start - 1, lo - 1, -1):
            w = toks[j].low
            if w == "," or len(words) >= 8:
                break
            if w in ("and", "but") and not _LINKING_VERBS.isdisjoint(words):
                break  # "it was not a treaty and the two remain enemies": a clause of its own
            if w[0].isalnum():
                words.append(w)
        words.reverse()
        text = " ".join(words)
        if self._not_negation.found_in(text):
            for ok in self.lex.not_negation:
                if ok in text:
                    text = text.replace(ok, " ")
        near = text.split()
        # a negating phrase is looked for only when a word it may start with is there
        phrase = not self._negation_firsts.isdisjoint(near) and self._negation_phrase.found_in(
            f" {text} "
        )
        hit = not self._negation_words.isdisjoint(near) or phrase
        if hit and not phrase and _ends_hostility(self._negation_words, near, p, s.lows):
            hit = False
        if hit:
            # a lone "no" far back qualifies something else; "no longer" is a negation
            if "no" in near and self._negation_but_no.isdisjoint(near) and not phrase:
                hit = "no" in near[-3:]
            if hit:
                return True
        if self._negated_across_aside(s, p, lo) or _hedged(s.lows, p.start, lo):
            return True
        if _denied_claim(s.lows, p.start, lo):
            return True
        return not self.lex.rejection.isdisjoint(s.lows[p.end :])

    def _negated_across_aside(self, s: Sentence, p: Phrase, lo: int) -> bool:
        """ "Peru is not, and will never be, an ally of Chile": a negation before or inside
        an aside that ends in "be" right before the label reaches past the aside's commas."""
        lows = s.lows
        j = p.start - 1
        while j > lo and (lows[j] in _ASIDE_ARTICLES or lows[j] in QUOTES):
            j -= 1
        if j - 2 < lo or lows[j] != "," or lows[j - 1] not in _ASIDE_ENDS:
            return False
        k = j - 2
        while k > lo and lows[k] != "," and j - k <= 8:
            k -= 1
        if lows[k] != ",":
            return False
        around = lows[max(lo, k - 3) : j]
        return not self._negation_words.isdisjoint(around)

    def _sport(self, s: Sentence, p: Phrase) -> bool:
        """A rivalry in a sentence about sport is between teams: "India vs Pakistan", "in a
        friendly at Wembley", "ten years after the 7-1"."""
        if _CONTESTS.isdisjoint(p.heads) and "rival" not in s.lows[p.start : p.end]:
            return False
        if not self.lex.sport.isdisjoint(s.lows):
            return True
        lows = s.lows
        for k, w in enumerate(lows):
            if w == "friendly" and 0 < k < len(lows) - 1 and lows[k - 1] in ("a", "the"):
                if lows[k + 1] in _AFTER_A_MATCH:
                    return True  # "a friendly at Wembley": the noun, a match
            elif w == "friendly" and k == p.end:
                # "a bitter rivalry friendly": the noun after the label, a match
                if k + 1 == len(lows) or lows[k + 1] in _AFTER_A_MATCH:
                    return True
            elif _SCORE.fullmatch(w):
                return True
        return False

    def _about_persons(self, s: Sentence, p: Phrase) -> bool:
        """Ties between leaders as persons: "a true friend", said to "you", by leaders only."""
        lo, _ = s.clause(p.start)
        if self._held_by_persons(s, p, lo) or _held_by_peoples(s.lows, p.end):
            return True
        if _of_a_people(s, p.end):
            return True
        leaders_inside = False  # some state named inside the label, and all by a leader
        for m, t in s.states:
            if p.start <= t < p.end:
                leaders_inside = m.kind is _LEADER
                if not leaders_inside:
                    break
        if leaders_inside:
            return True  # "the close Ruto-Ramaphosa friendship": the leaders' own
        j = before_quotes(s.toks, p.start - 1)
        if j >= 0 and s.lows[j] == "his":
            return True  # "his warm friendship": a person's, whatever the head
        if "personal" in s.lows[p.start : p.head]:
            return True  # "great personal chemistry", "a personal friendship": the persons'
        if "mine" in s.lows[p.head : p.end + 2]:
            return True  # "a close friend of mine": one person's word for another
        if self._leaders_share(s, p, lo) or self._beside_leaders(s, p):
            return True
        if self.lex.person_heads.isdisjoint(p.heads):
            # "Milei calls Trump his friend and ideological ally": an ally of a person too
            # and "calls Draghi 'a pillar of strength'": a metaphor noun given to a person
            given = "ally" in p.heads or not self.lex.metaphor_nominals.isdisjoint(p.heads)
            return given and self._said_of_leader(s, p)
        if not _YOU_AND_ME.isdisjoint(s.lows[lo : p.start]):
            return True
        if _leaders_by_title(s, p, lo) or self._persons_are(s, p, lo):
            return True
        if self._said_of_leader(s, p):
            return True
        if "lost" in s.lows[max(lo, p.start - 3) : p.start]:
            return True  # "Chile has lost a dear friend": a condolence for a person
        after = p.end
        while after < len(s.toks) and s.toks[after].low in QUOTES:
            after += 1
        if any(t == after and m.kind is _LEADER for m, t in s.states):
            return True  # "phones 'Dear Friend' Orban"
        if after < len(s.toks) and s.cased[after][:1].isupper():
            # a leader in or out of office: "Dear Friend" is a title for the person
            name = s.lows[after]
            forms = self._people.get(name, ())
            if any(form == name or form.startswith(name + " ") for form in forms):
                return True
        if not _STATE_NOUNS.isdisjoint(s.lows) or not SHARED_NAME_PLURALS.isdisjoint(s.lows):
            return False  # "their nations will go on acting as global partners", "the two Koreas"
        # a transcript's speaker label names who speaks, and "we" then is the speaker's
        # state ("KAMIKAWA: We are strategic partners"); "TRUMP: Great friends." says
        # nothing of states
        named = s.states
        if not _FIRST_PERSON_PLURAL.isdisjoint(s.lows[lo : p.start]):
            named = [(m, t) for m, t in s.states if not _speaker_label(s, m, t)]
        return bool(named) and all(
            m.kind is _LEADER or self._names_person(s, m, t) for m, t in named
        )

    def _persons_are(self, s: Sentence, p: Phrase, lo: int) -> bool:
        """ "Our farmers and their buyers are old friends": a role whose subject, before a
        linking verb, names persons or firms and no state is theirs."""
        lows = s.lows
        j = _before_role(lows, lo, p.start)
        if j <= lo or lows[j] not in _LINKING_VERBS:
            return False
        subject = lows[lo:j]
        named = any(lo <= t < j for _, t in s.states)
        if named or not _STATE_NOUNS.isdisjoint(subject) or not _PAIR_WORDS.isdisjoint(subject):
            return False
        lex = self.lex
        return any(w in lex.persons or w in lex.non_states for w in subject)

    def _beside_leaders(self, s: Sentence, p: Phrase) -> bool:
        """ "Macron and Scholz, 'the odd couple', ...": a label set beside two leaders
        named as persons is theirs."""
        j = p.start - 1
        while j >= 0 and (s.lows[j] in QUOTES or s.lows[j] in ("a", "an", "the")):
            j -= 1
        if j < 2 or s.lows[j] != ",":
            return False
        lo = max(0, j - 8)
        before = [m for m, t in s.states if lo <= t < j]
        return (
            len(before) == 2
            and "and" in s.lows[lo:j]
            and all(m.kind is _LEADER for m in before)
        )

    def _leaders_share(self, s: Sentence, p: Phrase, lo: int) -> bool:
        """ "Modi and Albanese share a close friendship": two leaders named as persons, and
        nothing else, have a personal tie ("struck up a warm rapport")."""
        if _PERSONAL_HEADS.isdisjoint(p.heads) or not _STATE_NOUNS.isdisjoint(s.lows):
            return False
        j = p.start - 1
        while j >= lo and (s.lows[j] in ("a", "an", "their", "up") or s.lows[j] in QUOTES):
            j -= 1
        if j < lo or s.lows[j] not in _HAVING:
            return False
        before = [(m, t) for m, t in s.states if lo <= t < j]
        if len({m.code for m, _ in before}) != 2:
            return False
        return all(
            m.kind is _LEADER or self._names_person(s, m, t) for m, t in before
        ) and any(code for _, code in s.coordinations)

    def _said_of_leader(self, s: Sentence, p: Phrase) -> bool:
        """A role said of a leader as a person: "Vucic called Orban 'a true friend'"; "'We
        are great friends,' Trump said of Kim". The leader is the object of the verb."""
        lows = s.lows
        leaders = {t for m, t in s.states if m.kind is _LEADER}
        if not leaders:
            return False
        for k, w in enumerate(lows):
            if w in REGARD_VERBS and k < p.start:
                j = k + 1
            elif w in self.lex.speech and k + 1 < len(lows) and lows[k + 1] == "of":
                j = k + 2
            else:
                continue
            person = next((m for m, t in s.states if t == j and m.kind is _DEMONYM), None)
            if person is not None and self._names_person(s, person, j):
                return True  # "called Hungarian Prime Minister Viktor Orban": a person
            while j < len(lows) and lows[j] in self.lex.titles and s.cased[j][:1].isupper():
                j += 1  # "called President Orban"
            if j in leaders and not self._possessive_mention(s, j):
                return True
            owner = self._after_possessive_state(s, j)
            while owner < len(lows) and lows[owner] in self.lex.titles:
                owner += 1  # "called Hungary's Prime Minister Orban"
            if owner in leaders and not self._possessive_mention(s, owner):
                return True  # "called Hungary's Orban 'a brother'": the state's leader
        return False

    def _after_possessive_state(self, s: Sentence, t: int) -> int:
        """The token after a state named in the possessive at ``t`` ("Hungary's"), or -1."""
        m = next((m for m, k in s.states if k == t and m.kind is not _LEADER), None)
        if m is None or not self._possessive_mention(s, t):
            return -1
        j = t
        while j + 1 < len(s.toks) and s.toks[j + 1].start < m.end:
            j += 1
        return j + 1 if s.lows[j].endswith(("'s", "'")) else j + 2

    def _possessive_mention(self, s: Sentence, t: int) -> bool:
        """Whether the mention starting at token ``t`` ends in a possessive ("Orban's")."""
        m = next(m for m, k in s.states if k == t)
        j = t
        while j + 1 < len(s.toks) and s.toks[j + 1].start < m.end:
            j += 1
        if s.lows[j].endswith(("'s", "'")):
            return True
        if j + 1 >= len(s.toks) or s.toks[j + 1].start != s.toks[j].end:
            return False
        after = s.lows[j + 1]
        # "Reyes' ally" is a possessive; "Petro 'a friend'" opens a quote
        return after == "'s" or (after == "'" and s.lows[j].endswith("s"))

    def _held_by_persons(self, s: Sentence, p: Phrase, lo: int) -> bool:
        """ "Abe and Modi, who had a warm relationship": "who" takes up leaders as persons,
        unless the clause names a state after it ("Lula, who hailed the ties with China")."""
        if "who" not in s.lows:
            return False
        who = next(
            (k for k in range(p.start - 1, max(lo, p.start - 10) - 1, -1) if s.lows[k] == "who"),
            None,
        )
        if who is None or who < 2 or s.lows[who - 1] != ",":
            return False
        if "," in s.lows[who : p.start]:
            return False  # "Modi and Albanese, who met in Sydney, hailed": the clause closed
        if any(t > who for _, t in s.states):
            return False
        before = [m for m, t in s.states if t < who - 1 and s.toks[who - 2].start < m.end]
        return bool(before) and all(
            m.kind is _LEADER or self._names_person(s, m, t) for m, t in s.states if t < who
        )

    def _names_person(self, s: Sentence, m: StateMention, t: int) -> bool:
        """ "German Chancellor Olaf Scholz": a state before a title and a name is the person's."""
        j = t
        while j < len(s.toks) and s.toks[j].start < m.end:
            j += 1
        k = j
        while k < len(s.toks) and s.lows[k] in self.lex.titles:
            k += 1
        return j < k < len(s.toks) and s.cased[k][:1].isupper()

    def _words(self, text: str, s: Sentence, p: Phrase) -> str:
        start = s.toks[p.start].start
        end = s.toks[p.end - 1].end
        if p.gap is not None:
            # the states named inside the phrase are not the label's words
            g0, g1 = p.gap
            raw = text[start : s.toks[g0].start] + " " + text[s.toks[g1 - 1].end : end]
        else:
            raw = text[start:end]
        for possessive in ("'s", "\u2019s"):
            raw = raw.removesuffix(possessive)  # "the friendship's potential"
        # a soft hyphen or zero-width space inside a word is no part of the label
        words = drop_invisible(raw)
        if _ANY_QUOTE_CHAR.search(words):
            words = _QUOTE_CHARS.sub(" ", words)
        return " ".join(words.split()).strip(" ,;:-")


def _state_at(s: Sentence, k: int) -> str | None:
    """The code of the state whose mention holds token ``k``, if any."""
    return next((m.code for m, t in s.states if t <= k and s.toks[k].start < m.end), None)


def _drop_repeats(
    resolved: list[tuple[Phrase, list[Codes]]],
) -> list[tuple[Phrase, list[Codes]]]:
    """ "the 45-year alliance ... the alliance": a bare repeat of a fuller label is dropped."""
    out = []
    for p, codes in resolved:
        bare = p.end - p.start == 1
        fuller = bare and any(
            q is not p
            and q.heads[-1] == p.heads[-1]
            and q.end - q.start > 1
            # a predicate said of the head is no fuller form of it; one holding it is
            and (q.start <= q.head < q.end or q.start <= p.start < q.end)
            and set(c) & set(codes)
            for q, c in resolved
        )
        if not (bare and fuller):
            out.append((p, codes))
    return out


class _Passage:
    """The sentences of one text near head nouns, each read closely only when needed."""

    def __init__(
        self,
        extractor: Extractor,
        norm: str,
        low: str,
        on: date | None,
        spans: list[tuple[int, int]],
    ) -> None:
        self.x = extractor
        self.norm = norm
        self.low = low
        self.on = on
        self.spans = spans
        self._built: dict[int, Sentence] = {}
        self._quotes: list[int] | None = None
        self._named: frozenset[str] | None = None
        self._all: list[StateMention] | None = None
        self._first_line: list[StateMention] | None = None
        self._turns: list[Turn] | None = None
        self._speakers: dict[tuple[int, int], str | None] = {}

    def named(self) -> frozenset[str]:
        """The states the whole text names by a form that stands for one state only.

        Asked for only when a sentence holds a form that names several ("Korea"), so the
        common text pays nothing for it.
        """
        if self._named is None:
            found = self._mentions()
            ambiguous = self.x.mentions.ambiguities
            # "DR Congo ... while Congo": a name holding the short form is no evidence
            # for it, a writer may set the two apart; "Kinshasa" or "Seoul" are
            self._named = frozenset(
                m.code
                for m in found
                if m.code
                and m.is_state
                and not any(w in ambiguous for w in re.findall(r"\w+", self.low[m.start : m.end]))
            )
        return self._named

    def sentence(self, i: int) -> Sentence:
        """Sentence ``i``, built once; a pronoun or a quote takes its speaker from around it."""
        s = self._built.get(i)
        if s is None:
            a, b = self.spans[i]
            s = self.x._build(
                self.norm, self.low, self.on, a, b, self.named, lambda: self.named_before(i)
            )
            s.index = i
            self._built[i] = s
            if s.speaker is None:
                s.speaker = self.turn_speaker(a)
            if s.speaker is None and self._quote_open_at(b):
                s.speaker = self._closing_speaker(i)
            if s.speaker is None and s.has_speech and self.x._pronoun_speaks(s):
                s.speaker = self.speaker_before(i) or self.actor_before(i)
        return s

    def turn_speaker(self, start: int) -> str | None:
        """The state of the speaker whose transcript turn holds offset ``start``:
        "CARNEY: ...", "A: ... — Mongolia's foreign minister"."""
        if self._turns is None:
            self._turns = transcript_turns(self.norm)
        turn = turn_at(self._turns, start) if self._turns else None
        # outside a turn, a line of words may be signed after a dash: '"..." — Kenya's
        # foreign minister'
        name = turn.name if turn is not None else line_attribution(self.norm, start)
        if name is None:
            return None
        # a turn holds many sentences: its speaker's words are read once
        if name not in self._speakers:
            a, b = name
            found = self.x.mentions.find(self.norm, self.low, self.on, [(a, b)])
            self._speakers[name] = office_holder(
                self.low[a:b], [(m.start - a, m.code, m.kind) for m in found]
            )
        return self._speakers[name]

    def context(self, i: int) -> Context:
        """What the sentences around sentence ``i`` say."""
        return Context(
            lambda: self.previous(i),
            lambda: self.sentence(i + 1).hint if i + 1 < len(self.spans) else None,
            lambda: self.sentence(i).speaker or self.speaker_before(i),
            lambda: self.topic(i),
            lambda: self.headline(self.spans[i][0]),
            lambda: self.actor_before(i),
            lambda: self.two_named_before(i),
            lambda: self.one_before(i),
        )

    def headline(self, before: int) -> Codes | None:
        """The pair of two states that a short first line of the text names, when the text
        names no other state before offset ``before`` ("Kenya, Ethiopia sign pact")."""
        end = self.norm.find("\n")
        if not 0 < end <= _HEADLINE_CHARS:
            return None
        # The first line must name the two states and no organisation: it is read first
        # (once for the text), and most first lines fail, so the whole text is read seldom.
        if self._first_line is None:
            self._first_line = self._mentions_before(end)
        on_first_line = [m for m in self._first_line if m.start < before]
        first = {m.code for m in on_first_line}
        if len(first) != 2 or None in first:
            return None
        if before <= end:
            found = on_first_line
        else:
            found = [m for m in self._mentions() if m.start < before]
        codes = sorted({m.code for m in found if m.code})
        if len(codes) != 2 or any(m.code is None for m in found if m.start < end):
            return None
        if {m.code for m in found if m.start < end} != set(codes):
            return None  # the first line names one of them, or none
        return (codes[0], codes[1])

    def _mentions_before(self, limit: int) -> list[StateMention]:
        """The mentions of the whole text that start before offset ``limit``.

        Only the text up to ``limit`` is searched, with a margin past it: a mention starting
        before ``limit`` may end after it, and whether a compound's first part counts
        ("Sino-" in "Sino-Indian") depends on the mention right after it. Two mentions'
        length past ``limit`` holds both, so the mentions found are the whole text's.
        """
        if self._all is not None:
            return [m for m in self._all if m.start < limit]
        if limit <= 0:
            return []
        reach = min(len(self.norm), limit + 2 * self.x.mentions.longest + 2)
        found = self.x.mentions.find(self.norm, self.low, self.on, [(0, reach)])
        return [m for m in found if m.start < limit]

    def _mentions(self) -> list[StateMention]:
        """Every mention in the whole text, found once, when first asked for."""
        if self._all is None:
            self._all = [m for m in self.x.mentions.find(self.norm, self.low, self.on)]
        return self._all

    def previous(self, i: int) -> Codes | None:
        for k in range(i - 1, max(-1, i - 1 - _CONTEXT_WINDOW), -1):
            if not self._adjacent(k, k + 1):
                break
            hint = self.sentence(k).hint
            if hint:
                return hint
        return None

    def named_before(self, i: int) -> list[str]:
        """The states the nearest sentence before ``i`` that names any names, in order."""
        for k in range(i - 1, max(-1, i - 1 - _CONTEXT_WINDOW), -1):
            if not self._adjacent(k, k + 1):
                break
            codes = [m.code for m, _ in self.sentence(k).states if m.code]
            if codes:
                return codes
        return []

    def two_named_before(self, i: int) -> Codes | None:
        """The two states the nearest sentence before ``i`` that names any names in any
        role (a place, an owner of a thing), when it names exactly two."""
        for k in range(i - 1, max(-1, i - 1 - _CONTEXT_WINDOW), -1):
            if not self._adjacent(k, k + 1):
                break
            s = self.sentence(k)
            # a demonym left out of the sentence's states is a thing's ("a French jet")
            codes = {m.code for m, _ in s.states if m.code} | {
                m.code for m in s.mentions if m.code and m.kind is not _DEMONYM
            }
            if codes:
                return pair_of(*sorted(codes)) if len(codes) == 2 else None
        return None

    def one_before(self, i: int) -> str | None:
        """The one state the sentence right before ``i`` names, when the same speaker said
        both and it is not the speaker's own ("LULA: Peru is no rival. It is ...")."""
        if i == 0 or not self._adjacent(i - 1, i):
            return None
        speaker = self.sentence(i).speaker
        prev = self.sentence(i - 1)
        if speaker is None or prev.speaker != speaker:
            return None
        codes = {m.code for m, t in prev.states if m.code and not _speaker_label(prev, m, t)}
        if len(codes) != 1 or speaker in codes:
            return None
        # "it" takes up the subject: the state that opens the sentence's words, not a
        # place named later ("My cousin lives in Lima.")
        first = prev.lows.index(":") + 1 if ":" in prev.lows[:_LABEL_TOKENS] else 0
        if first < len(prev.lows) and prev.lows[first] == "the":
            first += 1
        if not any(t == first for _, t in prev.states):
            return None
        return codes.pop()

    def topic(self, i: int) -> Codes | None:
        if i == 0 or not self._adjacent(i - 1, i):
            return None
        prev = self.sentence(i - 1)
        if prev.hint is None:
            return None
        heads = self.x.lex.heads
        return prev.hint if any(t.low in heads for t in prev.toks) else None

    def actor_before(self, i: int) -> str | None:
        """The state of the one person the sentence right before names acting for a state:
        a leader, or a state's officeholder ("Kenya's president", "the Kenyan minister")."""
        if i == 0 or not self._adjacent(i - 1, i):
            return None
        prev = self.sentence(i - 1)
        if prev.speaker:
            return prev.speaker
        titles = self.x.lex.titles
        codes: set[str] = set()
        for m, t in prev.states:
            k = toks_end(prev, t, m)
            titled = k < len(prev.toks) and prev.lows[k] in titles
            if m.code and (m.kind is _LEADER or titled):
                codes.add(m.code)
        return codes.pop() if len(codes) == 1 else None

    def speaker_before(self, i: int) -> str | None:
        for k in range(i - 1, max(-1, i - 1 - _SPEAKER_WINDOW), -1):
            if not self._adjacent(k, k + 1):
                break
            if self.sentence(k).speaker:
                return self.sentence(k).speaker
        return None

    def adjacent(self, k: int, nxt: int) -> bool:
        """No text skipped between two kept sentences (other than blank space)."""
        return self._adjacent(k, nxt)

    def _adjacent(self, k: int, nxt: int) -> bool:
        """No text skipped between two kept sentences (other than blank space)."""
        if k < 0 or nxt >= len(self.spans):
            return False
        gap = self.norm[self.spans[k][1] : self.spans[nxt][0]]
        return not gap.strip()

    def _quote_open_at(self, end: int) -> bool:
        # the quote marks' offsets, found once: counting from the start for each sentence
        # would make a long text's cost grow with the square of its length
        if self._quotes is None:
            # str.find skips to each mark at once; a regex would read every character
            self._quotes = []
            at = self.norm.find('"')
            while at >= 0:
                self._quotes.append(at)
                at = self.norm.find('"', at + 1)
        return bisect.bisect_left(self._quotes, end) % 2 == 1

    def _closing_speaker(self, i: int) -> str | None:
        """A quote over several sentences is said by whoever the sentence closing it names."""
        for k in range(i + 1, min(len(self.spans), i + 4)):
            if not self._adjacent(k - 1, k):
                return None
            if not self._quote_open_at(self.spans[k][1]):
                closing = self.sentence(k)
                if closing.has_speech:
                    return closing.speaker
                # "...?" Erdogan asked.": the attribution split off as a sentence of its own
                if k + 1 < len(self.spans) and self._adjacent(k, k + 1):
                    after = self.sentence(k + 1)
                    return after.speaker if after.has_speech else None
                return None
        return None


# Who speaks for a city or its people, not for a state: "the mayor of Kampala said".
_LOCAL_OFFICES = frozenset(
    {"mayor", "governor", "city", "people", "residents", "bishop", "archbishop",
     "university", "council", "municipality", "citizens"}
)  # fmt: skip


def _speaker_label(s: Sentence, m: StateMention, t: int) -> bool:
    """The mention at ``t`` is a transcript turn's label: it ends right before the colon
    that opens the sentence's words, with only capitals before it ("KAMIKAWA: ...",
    "SPOKESPERSON MAO NING: ...")."""
    j = t
    while j < len(s.toks) and s.toks[j].start < m.end:
        j += 1
    if j >= len(s.toks) or s.lows[j] != ":":
        return False
    return all(word == word.upper() for word in s.cased[:j])


def _local_speaker(lows: list[str], ti: int) -> bool:
    """Whether the name at token ``ti`` is a city's or its people's after "of": "the
    mayor of Kampala said" speaks for no state."""
    return ti >= 2 and lows[ti - 1] == "of" and lows[ti - 2] in _LOCAL_OFFICES


# The offices whose holder speaks for a state when a transcript names them as speaker
# ("Jordan's foreign minister:"); "Kenya's leading economist" speaks for no state.
_OFFICES = frozenset(
    {"president", "minister", "premier", "chancellor", "ambassador", "envoy", "diplomat",
     "spokesperson", "spokesman", "spokeswoman", "king", "queen", "emir", "prince",
     "sultan", "monarch", "secretary", "pm", "fm", "taoiseach"}
)
_NOT_IN_OFFICE = frozenset({"former", "ex", "late", "opposition", "retired"})


def office_holder(
    label: str, found: Sequence[tuple[int, str | None, FormKind]]
) -> str | None:
    """The state whose leader or officeholder the words ``label`` name (lower case), given
    the mentions found in them (offset, code, kind): "ALBANESE", "Jordan's foreign
    minister", "the Kenyan president"; None for a bare state ("MONTENEGRO"), a person
    out of office, or words naming two states."""
    codes = {code for _, code, _ in found}
    if len(codes) != 1 or None in codes:
        return None
    words = re.findall(r"[a-z]+", label.replace("'s", " ").replace("’s", " "))
    if not _NOT_IN_OFFICE.isdisjoint(words):
        return None
    (code,) = codes
    if any(kind is _LEADER for _, _, kind in found):
        return code
    return code if not _OFFICES.isdisjoint(words) else None


_DEFAULT: Extractor | None = None


def default_extractor(config: Path | None = None) -> Extractor:
    """An extractor over the project's config (cached when ``config`` is not given)."""
    global _DEFAULT
    if config is not None:
        return Extractor(CountryTable.load(config), load_vocabulary(config))
    if _DEFAULT is None:
        _DEFAULT = Extractor(default_countries(), load_vocabulary())
    return _DEFAULT


def _without_venues(
    located: list[tuple[StateMention, int]], lows: list[str]
) -> list[tuple[StateMention, int]]:
    """In a sentence that names an organisation, a capital right after "in" or "at" is
    where things happen ("the SCO welcomed Belarus at the summit in Astana"), not a side:
    the organisation acts there, not the state."""
    return [
        (m, ti)
        for m, ti in located
        if not (m.kind is FormKind.CAPITAL and ti > 0 and lows[ti - 1] in ("in", "at"))
    ]


def _without_circumstances(
    states: list[tuple[StateMention, int]], lows: list[str]
) -> list[tuple[StateMention, int]]:
    """A state that names what things happen amid ("amid the Sudan war", "AMID UKRAINE
    WAR") is no side of anything the sentence says."""
    return [
        (m, ti)
        for m, ti in states
        if not (
            (ti > 0 and lows[ti - 1] == "amid")
            or (ti > 1 and lows[ti - 1] == "the" and lows[ti - 2] == "amid")
        )
    ]


def _ends_hostility(
    negations: frozenset[str], near: list[str], p: Phrase, lows: list[str]
) -> bool:
    """ "Egypt and Turkey ended a decade-long estrangement", "vowed to end years of frosty
    relations": the only negating word is a verb of ending and the label is a hostile
    state, by its head or its tone, which the pair was in until then."""
    hostile = _HOSTILE_HEADS.issuperset(p.heads) or not _HOSTILE_TONES.isdisjoint(
        lows[p.start : p.head]
    )
    return hostile and negations.intersection(near) <= _END_VERBS


# verbs of a body that meets: "the ... Partnership held its third meeting"
_FORUM_VERBS = frozenset({"held", "holds", "hold", "met", "meets", "convened", "convenes"})


def _forum_meets(s: Sentence, p: Phrase, sectors: frozenset[str]) -> bool:
    """ "The Canada-Chile Strategic Investment Partnership held its third meeting": a
    label in title case naming a sector, the subject of "held its ...", is the
    name of a forum or programme, not the pair's word for their tie ("the A-B Enhanced
    Strategic Partnership held a session" names no sector and stays)."""
    lows, cased, end = s.lows, s.cased, p.end
    if end + 1 >= len(lows) or lows[end] not in _FORUM_VERBS:
        return False
    if lows[end + 1] not in ("its", "a", "an", "the", "talks", "their"):
        return False
    if sectors.isdisjoint(lows[p.start : end]):
        return False
    words = [w for w in cased[p.start : end] if w[:1].isalpha()]
    return all(w[:1].isupper() or w in ("and", "of", "for") for w in words)


_CLAUSE_ENDS = frozenset({".", ",", ";", ":", "!", "?"})


def _among_group(lows: list[str], start: int, end: int) -> bool:
    """ "a display of resolve among the staunch allies": a label that closes its clause after
    "among the" names a group the sentence speaks of, not the two states named in it;
    "among the two allies" and "among the closest allies of Japan" are the pair's."""
    if start < 2 or lows[start - 1] != "the" or lows[start - 2] != "among":
        return False
    if not PAIR_COUNT.isdisjoint(lows[start:end]):
        return False
    return end >= len(lows) or lows[end] in _CLAUSE_ENDS


# roles a state holds toward another named after "of": "the two allies of Washington"
_ROLES_OF = frozenset({"ally", "allies", "partner", "partners", "friend", "friends"})


def _with_third_state(s: Sentence, p: Phrase, codes: list[Codes]) -> list[Codes]:
    """ "The two allies of Washington, Japan and South Korea, sent observers": a role held
    toward a state named after "of" is held toward that state, so a pair without it is
    dropped."""
    if _ROLES_OF.isdisjoint(p.heads):
        return codes  # one look: most labels name no such role
    k = p.end
    while k < len(s.lows) and s.lows[k] in QUOTES:
        k += 1
    if k + 1 >= len(s.lows) or s.lows[k] != "of":
        return codes
    k += 2 if s.lows[k + 1] == "the" else 1
    third = _state_at(s, k) if k < len(s.lows) else None
    if third is None:
        return codes
    return [c for c in codes if third in c]


# plural nouns for members of a group of states: "an alliance of coffee-growing states"
_MEMBER_NOUNS = frozenset(
    {"states", "countries", "nations", "producers", "exporters", "importers", "economies",
     "democracies", "members", "governments"}
)  # fmt: skip
# words before the members that make them the pair: "an alliance of the two states",
# "the friendship of our nations"
_PAIR_OWNERS = PAIR_COUNT | frozenset({"our", "their", "these", "those", "its"})


def _of_many_states(s: Sentence, end: int) -> bool:
    """ "an alliance of coffee-growing states, led by A and B": a label whose "of" names a
    group of states by a plural noun is the group's, however the sentence names its
    members; "an alliance of the two states" and "the friendship of our nations" are the
    pair's, and "an ally of the United States" names a state."""
    lows = s.lows
    if end + 1 >= len(lows) or lows[end] != "of":
        return False  # one look: most labels are followed by no "of"
    for k in range(end + 1, min(len(lows), end + 5)):
        w = lows[k]
        if k in s.covered:
            return False  # a state's name: "of the United States"
        if w in _MEMBER_NOUNS:
            return True
        if w in _PAIR_OWNERS or not w.replace("-", "").isalpha():
            return False
    return False


# words that tie a label to whom it holds between: "friendship between the two peoples",
# "ties uniting the peoples of the region" (not "of": "an asset of the two peoples" is what
# the tie is to them)
_HOLDING_LINKS = frozenset({"between", "binding", "uniting", "linking", "among"})
# words that name the states themselves: "between our two peoples and nations" is theirs
_NAMING_STATES = frozenset({"countries", "nations", "states", "governments"})


def _held_by_peoples(lows: list[str], end: int) -> bool:
    """ "the lasting friendship between the two neighbouring peoples": a label held by the
    peoples is a slogan about the populations, not the states' word for their tie; "our
    two peoples and nations" names the states too."""
    if end >= len(lows) or lows[end] not in _HOLDING_LINKS or "peoples" not in lows[end : end + 6]:
        return False  # one look: most labels are followed by no such phrase
    k = lows.index("peoples", end)
    if any(w in _NAMING_STATES or not w.isalpha() for w in lows[end + 1 : k]):
        return False
    joined = k + 2 < len(lows) and lows[k + 1] in ("and", "or")
    return not (joined and lows[k + 2] in _NAMING_STATES)


# words of a subject that make it the states or their tie: "we", "our two peoples"
_PAIR_WORDS = frozenset({"we", "they", "both", "two", "peoples", "people", "relations", "ties"})
# plural nouns for persons who lead a state: "the Kenyan and Ugandan presidents"
_LEADERS_PLURAL = frozenset(
    {"presidents", "leaders", "ministers", "premiers", "chancellors", "kings", "monarchs",
     "emirs", "rulers", "heads", "generals", "envoys", "ambassadors", "diplomats"}
)  # fmt: skip
# Persons a pair's states field, named by "the two" or "both": "the two coaches are close
# friends" after a match between the states is the persons' tie.
_PERSONS_PLURAL = _LEADERS_PLURAL | {
    "coaches", "captains", "players", "athletes", "men", "women", "couples", "families",
    "students", "executives", "scientists", "artists", "writers", "authors", "fans",
}  # fmt: skip
# What stands between plural leaders and their role: "are old comrades", "have been".
_BEING = _PLURAL_COPULAS | {"became", "been", "have", "had"}


def _before_role(lows: list[str], lo: int, start: int) -> int:
    """The token before a role that starts at ``start``, past its quote marks and article
    ('are "a close friend"' gives "are"); ``lo - 1`` when nothing stands there."""
    j = start - 1
    while j >= lo and (lows[j] in QUOTES or lows[j] in ("a", "an")):
        j -= 1
    return j


def _leaders_by_title(s: Sentence, p: Phrase, lo: int) -> bool:
    """ "The Kenyan and Ugandan presidents are old comrades", "the two leaders (coaches)
    are close friends": a person's role whose subject is leaders, named by a plural title
    after the states, or persons after "the", "two" or "both", is theirs."""
    lows = s.lows
    j = _before_role(lows, lo, p.start)
    if j < lo or lows[j] not in _BEING:
        return False
    while j > lo and lows[j - 1] in _BEING:
        j -= 1  # "have been"
    k = j - 1
    if k < lo or lows[k] not in _PERSONS_PLURAL:
        return False
    leaders = lows[k] in _LEADERS_PLURAL
    if lows[k] == "ministers" and k - 1 >= lo and lows[k - 1] in ("prime", "foreign"):
        k -= 1
    if k - 1 >= lo and lows[k - 1] in ("the", "two", "both"):
        return True  # "the two leaders are close friends": the persons', whoever they lead
    return leaders and _state_at(s, k - 1) is not None


def _of_a_people(s: Sentence, end: int) -> bool:
    """ "true friends of the Kurdish people": a role held toward a people, named by its
    demonym, is said of the population, not of its state."""
    lows = s.lows
    k = end
    while k < len(lows) and lows[k] in QUOTES:
        k += 1
    if k + 3 >= len(lows) or lows[k] != "of" or lows[k + 1] != "the":
        return False  # one look: most labels are followed by no such phrase
    return k + 2 in s.covered and lows[k + 3] == "people"


_DENYING = frozenset({"denied", "denies", "deny", "denying"})
# verbs that set a claim aside when they take a noun of claiming: "rejected claims that A
# and B were allies", "dismissed reports that"; alone ("rejected a deal") they deny nothing
_DISMISSING = frozenset(
    {"rejected", "rejects", "reject", "rejecting", "dismissed", "dismisses", "dismiss",
     "dismissing", "refuted", "refutes", "refute", "denied", "denies", "deny", "denying"}
)  # fmt: skip
_CLAIMS = frozenset(
    {"claims", "claim", "reports", "report", "suggestions", "suggestion", "speculation",
     "allegations", "allegation", "talk", "rumours", "rumors", "assertions", "notion", "idea"}
)  # fmt: skip


def _denied_claim(lows: list[str], start: int, lo: int) -> bool:
    """ "Peru denied that a visit by Chilean warships meant any alliance": a denial
    reaches through the claim it takes with "that", however long, up to a comma or a
    verb of its own ("denied that it had cancelled the summit and hailed ...")."""
    if _DISMISSING.isdisjoint(lows[lo:start]):
        return False  # the common case, looked at in one set test
    for j in range(start - 2, lo - 1, -1):
        if lows[j] == "," or (lows[j] == "and" and lows[j + 1].endswith("ed")):
            return False
        # "denied on Friday that": a short time phrase may stand before "that"
        if lows[j] in _DENYING and "that" in lows[j + 1 : min(j + 5, start)]:
            return True
        if _dismissed_claim(lows, j, start):
            return True
    return False


def _dismissed_claim(lows: list[str], j: int, start: int) -> bool:
    """ "rejected claims that", "dismissed the idea that": a verb at ``j`` setting aside a
    claim it names, whose "that" clause holds the label."""
    if lows[j] not in _DISMISSING:
        return False
    k = j + 1
    if k < start and lows[k] in ("the", "any", "all", "media", "press", "western"):
        k += 1
    return k + 1 < start and lows[k] in _CLAIMS and lows[k + 1] == "that"


def _drop_joined_before(states: list[tuple[StateMention, int]], lows: list[str], ti: int) -> None:
    """Drop the states listed right before a possessive at ``ti`` that owns no tie."""
    if not lows[ti].endswith(("'s", "'")):
        return
    k = ti
    while states and k >= 2 and lows[k - 1] in ("and", ",") and states[-1][1] == k - 2:
        k = states.pop()[1]


def _hedged(lows: list[str], start: int, lo: int) -> bool:
    """ "has grown into something closer to an alliance": the label is only likened to."""
    j = start - 1
    if j >= lo and lows[j] in ("a", "an", "the"):
        j -= 1
    return j - 1 >= lo and (lows[j - 1], lows[j]) in _HEDGES


__all__ = ["QUOTES", "Extractor", "default_extractor"]


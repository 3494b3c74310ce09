"""Finding states in text: names, short forms, demonyms, capitals, seats and leaders.

One Aho-Corasick pass over the lower-cased text finds every candidate; then the rules
that a careful reader applies decide which candidates stand for a state: word
boundaries, case ("turkey", "china" and "us" are words), the longest match ("Guinea-Bissau"
over "Guinea", "New Mexico" over "Mexico"), places ("the Indian Ocean"), people ("George
Washington", "Hunter Biden") and the entry's date for leaders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from watchers.countries import CountryTable, FormKind, Leader, SurfaceForm
from watchers.extraction.text import Keywords, lower, normalize

STATE_KINDS = frozenset(
    {
        FormKind.NAME,
        FormKind.ALIAS,
        FormKind.ABBREVIATION,
        FormKind.DEMONYM,
        FormKind.PREFIX,
        FormKind.CAPITAL,
        FormKind.SEAT,
        FormKind.LEADER,
        FormKind.DESCRIPTION,
    }
)
# Head nouns of a description that stands for a state named before it: "the kingdom",
# "the Gulf emirate", "the island nation", "the Saudi kingdom". A closed class.
STATE_NOUNS = (
    "country",
    "nation",
    "kingdom",
    "republic",
    "emirate",
    "sultanate",
    "principality",
    "city-state",
    "archipelago",
)
_STATE_NOUN = re.compile("|".join(STATE_NOUNS))
_DESCRIPTION = re.compile(
    r"\b(the|an?) ((?:[^\W\d][\w'.-]* ){0,2})(?:" + "|".join(STATE_NOUNS) + r")(?![\w-])"
)
_WITH_WHICH = (" with which", " with whom")
# Words before such a noun that make it something other than the state named before:
# "the same country", "the host nation", "the two nations" (plural: not matched at all).
_NOT_DESCRIBING = frozenset(
    [
        "same",
        "other",
        "another",
        "host",
        "whole",
        "entire",
        "first",
        "second",
        "third",
        "only",
        "last",
        "next",
        "each",
        "every",
        "home",
        "one",
        "said",
        "neighbouring",
        "neighboring",
        "member",
        "our",
        "your",
        "their",
        "his",
        "her",
        "its",
        "this",
        "that",
        "of",
        "and",
        "or",
        "in",
        "to",
        "for",
        "with",
        "by",
        "from",
        "a",
        "an",
        "the",
    ]
)

# Capitalised words that may stand before a name without making it part of a longer name.
FUNCTION_CAPS = frozenset(
    [
        "the",
        "in",
        "at",
        "on",
        "for",
        "from",
        "to",
        "with",
        "and",
        "but",
        "or",
        "as",
        "by",
        "of",
        "that",
        "when",
        "while",
        "after",
        "before",
        "since",
        "both",
        "between",
        "meanwhile",
        "however",
        "yet",
        "if",
        "although",
        "though",
        "today",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "president",
        "prime",
        "minister",
        "pm",
        "fm",
        "mr",
        "mrs",
        "ms",
        "dr",
        "king",
        "queen",
        "chancellor",
        "premier",
        "emir",
        "prince",
        "crown",
        "secretary",
        "foreign",
        "general",
        "vice",
        "leader",
        "chairman",
        "sheikh",
        "ayatollah",
        "comrade",
        "senator",
        "state",
        "counterpart",
        "former",
        "then",
        "new",
        "said",
        "says",
        "told",
        "according",
        "also",
        "where",
        "why",
        "how",
        "what",
        "who",
        "whom",
        "whose",
        "which",
        "this",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "we",
        "he",
        "she",
        "they",
        "it",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "did",
        "does",
        "do",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "should",
        "must",
        "not",
        "no",
        "so",
        "than",
        "because",
        "during",
        "under",
        "over",
        "against",
        "about",
        "into",
        "onto",
        "upon",
        "via",
        "per",
        "like",
        "unlike",
        "near",
        "amid",
        "among",
        "across",
        "through",
        "including",
    ]
)
# Neighbouring words on the same line only: a headline is not part of the next line's names.
_PREV_WORD = re.compile(r"([^\W\d_][\w.']*)[^\S\n]+$")
_NEXT_WORD = re.compile(r"[^\S\n]+([^\W\d_][\w]*)")
_PLACE_KINDS = frozenset(
    {FormKind.NAME, FormKind.ALIAS, FormKind.ABBREVIATION, FormKind.DEMONYM, FormKind.CAPITAL}
)
_SEA_OF = re.compile(r"\b(?:Sea|Gulf|Bay|Strait|Straits) of\s+$")


class Ambiguity(NamedTuple):
    """What a form naming several states may stand for, once the passage is known."""

    candidates: tuple[str, ...]
    usual: str | None
    """The state whose own form it also is ("Indo" is India's), taken unless the passage
    names another candidate and not this one."""
    kind: FormKind
    """The kind of form it is once resolved: a prefix, a demonym, an abbreviation or a name."""


class StateMention:
    """A piece of text that stands for a state (or an organisation, when ``code`` is None).

    A class with slots rather than a named tuple, as ``Token`` is: the rules read a
    mention's fields hundreds of times an article.
    """

    __slots__ = ("code", "end", "kind", "leader", "start")

    def __init__(
        self, start: int, end: int, kind: FormKind, code: str | None, leader: Leader | None = None
    ) -> None:
        self.start = start
        self.end = end
        self.kind = kind
        self.code = code
        self.leader = leader

    def __repr__(self) -> str:
        return f"StateMention({self.start}, {self.end}, {self.kind!r}, {self.code!r})"

    @property
    def is_state(self) -> bool:
        return self.code is not None and self.kind in STATE_KINDS


# FormKind members as plain module names, for the comparisons made for every mention: on
# Python 3.11 reading a member off an enum class (FormKind.LEADER) goes through the enum
# metaclass's __getattr__ hook and costs about as much as a function call.
_AMBIGUOUS = FormKind.AMBIGUOUS
_NOT_COUNTRY = FormKind.NOT_COUNTRY
_PREFIX = FormKind.PREFIX
_LEADER = FormKind.LEADER


# What the form finder gives for a key: each form with the exact spelling it needs (or
# None), and the one form that only needs a capital letter when the key has no other.
_Found = tuple[tuple[tuple[SurfaceForm, str | None], ...], SurfaceForm | None]


class MentionFinder:
    """Finds mentions of states and organisations in a text, given a country table."""

    def __init__(self, table: CountryTable) -> None:
        self.table = table
        self.person_names = frozenset(table.exclusions.person_names)
        self.geographic = frozenset(table.exclusions.geographic)
        self.corporate = frozenset(table.exclusions.corporate)
        self.institutional = frozenset(table.exclusions.institutional)
        grouped: dict[str, list[SurfaceForm]] = {}
        for form in table.surface_forms():
            key = lower(normalize(form.text))
            grouped.setdefault(key, []).append(form)
        self.ambiguities: dict[str, Ambiguity] = {}
        entries: list[tuple[str, _Found]] = []
        for key, forms in grouped.items():
            ambiguous = [f for f in forms if f.kind is _AMBIGUOUS]
            if ambiguous:
                # one form that the passage resolves, in place of each state's own form
                self.ambiguities[key] = _ambiguity(ambiguous[0], forms)
                forms = ambiguous[:1]
                grouped[key] = forms
            # each form with the exact spelling it needs, when it is case-sensitive
            exact = tuple(normalize(f.text) if _case_sensitive(f) else None for f in forms)
            # Most keys stand for one form that only needs a capital letter: that form is
            # kept apart so the common case skips the general choice in _pick.
            only = forms[0]
            plain = only if len(forms) == 1 and exact[0] is None and not only.leader else None
            entries.append((key, (tuple(zip(forms, exact, strict=True)), plain)))
        self._forms = Keywords(entries, compact=True)
        # the most characters one mention spans: how far a search must read past a point
        # to see every mention that starts before it
        self.longest = max(len(key) for key in grouped)
        self._full_named: tuple[str, dict[str, bool]] = ("", {})
        """The last text asked about and, by leader, whether it names them in full."""

    def find(
        self,
        norm: str,
        low: str,
        on: date | None = None,
        windows: list[tuple[int, int]] | None = None,
        named: Callable[[], frozenset[str]] | None = None,
    ) -> list[StateMention]:
        """Every accepted mention in the text (or in the sorted ``windows``), in order.

        ``named`` gives the states the whole passage names unambiguously; a form that
        names several states ("Korea", "SA") stands for the one of them it names, and
        without ``named`` for none.
        """
        candidates: list[tuple[int, int, SurfaceForm]] = []  # (start, -end, form)
        size = len(low)
        # each window is searched as a slice of its own: searched in place, the whole text
        # would be read for each window, and a long text read sentence by sentence would
        # cost the square of its length; offsets are moved into the whole text here
        pieces = [(0, low)]
        if windows is not None:
            pieces = []
            for a, b in windows:
                pieces.append((a, low[a:b]))
        values = self._forms.values
        for offset, piece in pieces:
            for index, start, end in self._forms.hits(piece):
                forms, plain = values[index]
                start += offset
                end += offset
                if start > 0 and low[start - 1].isalnum():
                    continue
                if end < size and low[end].isalnum():
                    continue
                if plain is not None:
                    first = norm[start]
                    if first.isupper() or not first.isalpha() or _the_name(norm, start, plain):
                        candidates.append((start, -end, plain))
                    continue
                form = self._pick(norm, start, end, forms, on)
                if form is not None:
                    candidates.append((start, -end, form))
        if not candidates:
            return []
        # the longest at each start first; a start and end are one keyword, so the forms
        # themselves are never compared
        candidates.sort()
        chosen: list[tuple[int, int, SurfaceForm]] = []
        last_end = -1
        for start, after, form in candidates:
            end = -after
            if start >= last_end:
                chosen.append((start, end, form))
                last_end = end
        out: list[StateMention] = []
        # whether each guarded leader's full name is in the text, asked once per leader and
        # text (this is called for each sentence of a text): a text of many "Kim"s would
        # otherwise be searched whole again for each one. One tuple, replaced whole, so
        # that threads sharing the finder never read another text's answers.
        cache = self._full_named
        if cache[0] is not low:
            cache = (low, {})
            self._full_named = cache
        full_named = cache[1]
        for i, (start, end, form) in enumerate(chosen):
            if form.kind is _AMBIGUOUS:
                form = self._resolve(norm, low, start, end, chosen, i, named)
                if form is None:
                    continue
            if form.kind is _NOT_COUNTRY:
                continue
            if form.kind is _PREFIX and not (
                _joins_next(norm, end, chosen, i) or _joins_previous(norm, start, out)
            ):
                continue
            if form.kind in STATE_KINDS and not self._is_state(norm, start, end, form):
                continue
            leader = form.leader
            if (
                leader is not None
                and form.text in leader.guarded
                and not _named_as_leader(norm, low, start, end, leader, chosen, i, full_named)
            ):
                continue
            out.append(StateMention(start, end, form.kind, form.code, form.leader))
        return out

    def _pick(
        self,
        norm: str,
        start: int,
        end: int,
        forms: tuple[tuple[SurfaceForm, str | None], ...],
        on: date | None,
    ) -> SurfaceForm | None:
        first = norm[start]
        capitalised = first.isupper() or not first.isalpha()
        fitting: list[SurfaceForm] = []
        for form, exact in forms:
            if exact is not None:
                if norm[start:end] != exact and not _capitals_line(norm, start, end, exact):
                    continue
            elif not capitalised and not _the_name(norm, start, form):
                continue  # "turkey", "china": the bird and the porcelain
            if form.kind is _LEADER and form.leader and not form.leader.in_office(on):
                continue
            fitting.append(form)
        if not fitting:
            return None
        codes = {f.code for f in fitting}
        if len(codes) > 1:
            return SurfaceForm(norm[start:end], _AMBIGUOUS, None)
        return fitting[0]

    def _resolve(
        self,
        norm: str,
        low: str,
        start: int,
        end: int,
        chosen: list[tuple[int, int, SurfaceForm]],
        i: int,
        named: Callable[[], frozenset[str]] | None,
    ) -> SurfaceForm | None:
        """The state an ambiguous form stands for in this passage, as a form of that state.

        "Korea-Japan" after "Seoul" is South Korea, "SA-China" beside Ramaphosa is South
        Africa, "Indo-" is India unless the passage names Indonesia and not India. The
        other side of a compound is no evidence: "Indo-Indonesian" is India's.
        """
        amb = self.ambiguities.get(low[start:end])
        if amb is None or named is None:
            return None
        partners = set()
        if i + 1 < len(chosen) and norm[end : end + 1] == "-" and chosen[i + 1][0] == end + 1:
            partners.add(chosen[i + 1][2].code)
        if i > 0 and chosen[i - 1][1] == start - 1 and norm[start - 1] == "-":
            partners.add(chosen[i - 1][2].code)
        named_codes = named()
        hits = [c for c in amb.candidates if c in named_codes and c not in partners]
        if len(hits) == 1 and (amb.usual is None or amb.usual not in named_codes):
            code: str | None = hits[0]
        else:
            code = amb.usual
        if code is None:
            return None
        return SurfaceForm(norm[start:end], amb.kind, code)

    def _opens_body_name(self, norm: str, end: int) -> bool:
        """ "Qatar Investment Authority", "Japan Aerospace Exploration Agency": a state's
        name opening a capitalised name that ends in a body's head word names that body."""
        at = end
        for _ in range(_BODY_NAME_WORDS):
            if norm[at : at + 1] != " " or not norm[at + 1 : at + 2].isupper():
                return False
            word = _next_word(norm, at)
            if not word or word.lower() in FUNCTION_CAPS:
                return False  # "Ties With Hanoi After White House Office Visit": a headline's
            if word in self.institutional:
                return True
            at = norm.index(word, at) + len(word)
        return False

    def _is_state(self, norm: str, start: int, end: int, form: SurfaceForm) -> bool:
        # The neighbouring words are looked at only when a rule needs them: most mentions
        # are followed by a lower-case word and need no look at all.
        capital_next = norm[end + 1 : end + 2].isupper() and norm[end : end + 1] == " "
        if start >= 4 and norm[start - 1] == "-" and norm[start - 4 : start - 1].lower() == "non":
            return False  # "the first non-American": anyone but the state
        if form.kind in _PLACE_KINDS:
            following = _next_word(norm, end) if capital_next else ""
            if following in self.geographic:
                return False  # the Indian Ocean, the Korean Peninsula
            if following in self.corporate:
                return False  # U.S. Steel, Japan Airlines, China Daily
            if following and self._opens_body_name(norm, end):
                return False  # the Qatar Investment Authority, a fund, not the state
            if norm[max(0, start - 3) : start] == "of " and _SEA_OF.search(
                norm, max(0, start - 12), start
            ):
                return False  # the Sea of Japan, the Gulf of Mexico
        if form.text in self.person_names or (
            form.kind is _LEADER and " " not in form.text
        ):
            prev = _PREV_WORD.search(norm, max(0, start - 40), start)
            prev_word = prev.group(1) if prev and prev.end() == start else ""
            next_word = _next_word(norm, end) if capital_next else ""
            # Part of a longer proper name: George Washington, Jordan Peterson, Hunter Biden.
            if _starts_longer_name(prev_word):
                return False
            if form.kind is not _LEADER and _capitalised_word(next_word):
                # in a line of capitals ("SEOUL, WASHINGTON UNVEIL ...") a capital is the
                # line's, not a longer name's; a paper's name still is one
                if not (next_word.isupper() and norm[start:end].isupper()):
                    return False
                if next_word.title() in self.corporate:
                    return False
        return True


def descriptions(low: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Nouns in ``low[start:end]`` that stand for a state named before them: the start of
    the first word after "the", the start of the noun, and its end.

    The span leaves "the" out ("Gulf kingdom" in "the Gulf kingdom"), so that "between
    Bahrain and the Gulf kingdom" lists it like a name. An indefinite one counts only
    before "with which" ("a nation with which the republic keeps a close partnership").
    """
    out: list[tuple[int, int, int]] = []
    if _STATE_NOUN.search(low, start, end) is None:
        return out  # most sentences hold none: one quick look instead of one at each "the"
    for found in _DESCRIPTION.finditer(low, start, end):
        if found.group(1) != "the" and not low.startswith(_WITH_WHICH, found.end()):
            continue
        if _NOT_DESCRIBING.isdisjoint(found.group(2).split()):
            out.append((found.start(2), found.end(2), found.end()))
    return out


_BESIDE = re.compile(r"(?:'s)?\s*,?\s*(?:and|&|or|with)?\s*the\s+")


def described_states(
    norm: str,
    low: str,
    start: int,
    end: int,
    found: list[StateMention],
    states: list[StateMention],
    earlier: Callable[[], list[str]],
) -> list[StateMention]:
    """The states that descriptions in ``low[start:end]`` stand for ("the kingdom").

    A description holding a state's name is that state ("the Saudi kingdom"). Otherwise it
    is the first state named before it, in its sentence or else in the nearest earlier
    sentence naming one (the subject is named first, and a description mostly takes up
    the subject), passing over the states it is set beside ("Bahrain and the kingdom")
    and those named after it (the other side: "the kingdom ... an ally of Rabat").
    ``found`` is every mention in the sentence, ``states`` those standing for a state.
    """
    out: list[StateMention] = []
    for ds, noun, de in descriptions(low, start, end):
        overlapping = [m for m in found if m.start < de and m.end > ds]
        if any(m.code is None or m.start < ds or m.end > noun for m in overlapping):
            continue  # part of a name ("the Republic of Korea") or a group's ("NATO country")
        code = overlapping[0].code if overlapping else None
        if (
            code is None
            and norm[noun].isupper()
            and any(w[:1].isupper() for w in norm[ds:noun].split())
        ):
            continue  # an epithet of some state: "the Islamic Republic", "the Hermit Kingdom"
        if code is None:
            # "between the sultanate and the kingdom": a description beside another is
            # the other side, so it passes over the state the first one stands for
            beside = {
                m.code for m in (*states, *out) if m.end <= ds and _BESIDE.fullmatch(low, m.end, ds)
            }
            passed = beside | {m.code for m in states if m.start >= de}
            before = [m.code for m in states if m.end <= ds and m.code]
            code = next((c for c in before if c not in passed), None)
            if code is None:
                code = next((c for c in earlier() if c not in passed), None)
        if code is not None:
            out.append(StateMention(ds, de, FormKind.DESCRIPTION, code))
    return out


def _ambiguity(form: SurfaceForm, forms: list[SurfaceForm]) -> Ambiguity:
    own = [f for f in forms if f.kind in STATE_KINDS and f.code]
    usual = own[0].code if len({f.code for f in own}) == 1 else None
    if own:
        kind = own[0].kind
    elif form.text.isupper():
        kind = FormKind.ABBREVIATION
    elif form.text.endswith(("an", "ans", "ese")):
        kind = FormKind.DEMONYM  # "Korean", "Congolese"
    else:
        kind = FormKind.NAME
    return Ambiguity(form.candidates, usual, kind)


_BODY_NAME_WORDS = 4  # capitalised words after the state's name read for a body's head


def _next_word(norm: str, end: int) -> str:
    found = _NEXT_WORD.match(norm, end, min(len(norm), end + 40))
    return found.group(1) if found else ""


def _capitals_line(norm: str, start: int, end: int, exact: str) -> bool:
    """ "S. KOREA, US REAFFIRM ALLIANCE": a short form written with small letters ("S. Korea",
    "RoK") matches in capitals when the words around it are in capitals too."""
    text = norm[start:end]
    if text != exact.upper() or exact.upper() == exact:
        return False
    around = norm[max(0, start - 30) : start] + norm[end : end + 30]
    return not any(ch.islower() for ch in around) and any(ch.isupper() for ch in around)


def _case_sensitive(form: SurfaceForm) -> bool:
    if form.kind is FormKind.ABBREVIATION:
        return True
    # "SA" and "NATO" as written: "sa" and "Nato" may be other words
    organisation = form.kind in (FormKind.ORGANIZATION, FormKind.AMBIGUOUS)
    return organisation and form.text.upper() == form.text


def _starts_longer_name(word: str) -> bool:
    """Whether the word just before a surname makes it another person's name.

    A capitalised word does ("Hunter Biden"), and so does an initial ("H. Biden"); a title
    does not ("Mr. Putin"), nor a word that ends the previous sentence ("in Moscow. Putin").
    """
    if word.endswith("."):
        core = word.rstrip(".")
        return len(core) == 1 and core.isupper()
    return _capitalised_word(word) and not word.endswith("'s")


def _the_name(norm: str, start: int, form: SurfaceForm) -> bool:
    """Whether a form the table writes with a small "the" ("the Emirates") is written so,
    its capital on the next word."""
    return (
        form.text.startswith("the ")
        and norm.startswith("the ", start)
        and norm[start + 4 : start + 5].isupper()
    )


def _capitalised_word(word: str) -> bool:
    return bool(word) and word[0].isupper() and word.lower() not in FUNCTION_CAPS


def _joins_next(norm: str, end: int, chosen: list[tuple[int, int, SurfaceForm]], i: int) -> bool:
    """A compound prefix (Indo-, Sino-) counts only when a state follows the hyphen."""
    if i + 1 >= len(chosen) or end >= len(norm) or norm[end] != "-":
        return False
    start, _, form = chosen[i + 1]
    return start == end + 1 and form.kind in STATE_KINDS


def _joins_previous(norm: str, start: int, found: list[StateMention]) -> bool:
    """A compound's short form after the hyphen ("Indo-Bangla", "Sino-Lanka") counts when
    the mention found right before the hyphen is a state's."""
    if not found or start == 0 or norm[start - 1] != "-":
        return False
    before = found[-1]
    return before.end == start - 1 and before.code is not None


# Words right before a name that make it a leader's: "leader Kim", "Prime Minister Anwar".
_LEADER_TITLES = frozenset(
    [
        "president",
        "leader",
        "chairman",
        "premier",
        "minister",
        "chancellor",
        "king",
        "emir",
        "sultan",
        "pm",
        "comrade",
        "marshal",
    ]
)
# Words after a name that make it an officeholder's: "Yoon took office", "Anwar's
# government", "Samia was sworn in".
_IN_OFFICE_AFTER = re.compile(
    r"(?:'s? (?:government|administration|cabinet|presidency|premiership)\b"
    r"| (?:took|takes|taking) office\b| (?:was|is|been) (?:sworn in|elected|re-elected)\b)"
)
# What joins two leaders named together: "Putin and Kim", "PUTIN, KIM", "the Trump-Kim summit".
# The spaces around the joining word are few: a name a page of blank lines away is not
# named beside this one (and the headline test's bounded search relies on that reach).
_LEADERS_JOIN = re.compile(r"(?:\s{0,2}(?:,|&|and|AND)\s{1,2}|-|/)")


def _named_as_leader(
    norm: str,
    low: str,
    start: int,
    end: int,
    leader: Leader,
    chosen: list[tuple[int, int, SurfaceForm]],
    i: int,
    full_named: dict[str, bool],
) -> bool:
    """Whether a form that is also a common name ("Kim", "Anwar") is the leader here.

    It is when the text makes it so: the leader's full name elsewhere in the text ("Kim Jong
    Un ... Kim said"), a title right before ("leader Kim"), the leader's own state owning it
    ("Malaysia's Anwar"), or another state's leader named beside it ("Putin and Kim",
    "PUTIN, KIM VOW"). Alone ("Kim said", "a Kim Ye-jin film") it is anyone's name.
    ``full_named`` keeps, by leader, whether the text names them in full.
    """
    key = f"{leader.code} {leader.name}"
    if key not in full_named:
        full_named[key] = _full_name_in(low, leader)
    if full_named[key]:
        return True
    prev = _PREV_WORD.search(norm, max(0, start - 40), start)
    if prev is not None and prev.end() == start:
        word = prev.group(1).lower()
        if word in _LEADER_TITLES:
            return True
    if _IN_OFFICE_AFTER.match(low, end):
        return True
    if i > 0:
        _, b_end, before = chosen[i - 1]
        gap = norm[b_end:start]
        if before.code == leader.code and gap in ("'s ", "' ") and before.kind in STATE_KINDS:
            return True
        if _beside_leader(before, leader, gap):
            return True
    if i + 1 < len(chosen):
        a_start, _, after_form = chosen[i + 1]
        if _beside_leader(after_form, leader, norm[end:a_start]):
            return True
    return False


def _full_name_in(low: str, leader: Leader) -> bool:
    """Whether ``low`` names the leader by a form that is not guarded, as a whole word."""
    for other in leader.forms:
        if other in leader.guarded:
            continue
        key = lower(normalize(other))
        at = low.find(key)
        while at >= 0:
            after = at + len(key)
            if (at == 0 or not low[at - 1].isalnum()) and not low[after : after + 1].isalnum():
                return True
            at = low.find(key, at + 1)
    return False


def _beside_leader(other: SurfaceForm, leader: Leader, gap: str) -> bool:
    """Another state's leader joined to this one's name by "and", a comma or a dash."""
    return (
        other.kind is _LEADER
        and other.code is not None
        and other.code != leader.code
        and _LEADERS_JOIN.fullmatch(gap) is not None
    )

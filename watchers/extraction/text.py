"""Text plumbing for extraction: same-length normalisation, sentences and tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Generic, NamedTuple, TypeVar

import ahocorasick_rs
import nupunkt

# One-to-one replacements, so offsets in the normalised text are offsets in the original.
_SAME_LENGTH = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        # an em dash sets a phrase apart ("partner\u2014the highest rank"); it never joins
        # a compound the way a hyphen or an en dash does ("UK\u2013US")
        "\u2014": ",",
        "\u2015": ",",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2039": '"',
        "\u203a": '"',
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\u3000": " ",
        "\t": " ",
        "\r": "\n",
        "\u2028": "\n",
        "\u2029": "\n",
        "\u0085": "\n",
    }
)
# The characters _SAME_LENGTH changes, each with what it becomes.
_SAME_LENGTH_BY_CHAR: dict[str, str] = {chr(c): str(to) for c, to in _SAME_LENGTH.items()}
_SAME_LENGTH_ASCII = tuple(c for c in _SAME_LENGTH_BY_CHAR if c.isascii())

# Characters that show nothing but may sit inside a word: soft hyphen, zero-width space,
# zero-width non-joiner and joiner, word joiner, and a byte-order mark left in the text.
# A word holding them ("part\u00adnership") is still one word.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RUN = "[" + INVISIBLE + "]"
_ANY_INVISIBLE = re.compile(_INVISIBLE_RUN)
_DROP_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE))
# A word with invisible characters between its letters.
_WORD_WITH_INVISIBLE = re.compile(
    r"[^\W_]+(?:(?:" + _INVISIBLE_RUN + "*['-]" + _INVISIBLE_RUN + "*|" + _INVISIBLE_RUN
    + r"+)[^\W_]+)*"
)

# nupunkt's default model. Its span_tokenize gives the sentences' own spans; the
# nupunkt.sent_spans shortcut stretches them to meet and copies each sentence's text,
# work we undo by stripping the spaces again.
_SPLITTER = nupunkt.load("default")


def prepare_splitter() -> None:
    """Have the splitter compile its patterns now, with the tables.

    It compiles them on first use, which costs as much as reading a few dozen articles:
    left to the first text with an abbreviation or initials, that text pays for it.
    """
    list(_SPLITTER.span_tokenize("The U.S. delegation left. Talks ended."))

QUOTES = frozenset({'"', "'"})
# The longest stretch read as one sentence. Reading a sentence costs more than its length
# (each phrase looks across it), so a text with no sentence end (hostile, or a table run
# together) is cut into pieces of at most this many characters, at a clause break when one
# is near: the cost of a text then grows with its length only. Real sentences, even of
# treaties, are far shorter.
MAX_SENTENCE = 1500
_CUT_AT = re.compile(r"[;:,]\s|\s(?:and|but|while|whereas)\s")
_LINES = re.compile(r"[^\n]+")
_INNER_END = re.compile(r"[.!?][\"')\]]*\s+\S")
_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*|[^\w\s]")
# A token with what runs before it: a token starts at any character but a space or "_",
# so the text between two tokens is always such a run.
_GAP_AND_TOKEN = re.compile(r"([\s_]*)(" + _TOKEN.pattern + ")")
# The same for ASCII text, with ASCII classes, which the regex engine reads faster: on
# ASCII, Unicode's \s holds \x1c-\x1f too, and \w is [a-zA-Z0-9_] either way. Its
# repeats are possessive: no run of them could give back a character the next part takes,
# so the engine keeps no backtracking state for them.
_GAP_AND_TOKEN_ASCII = re.compile(
    r"([\s\x1c-\x1f_]*+)([a-zA-Z0-9]++(?:['-][a-zA-Z0-9]++)*+|[^\w\s\x1c-\x1f])", re.ASCII
)
# The same where invisible characters are about: after normalize() they stand at a word's
# end (or alone beside it) and belong to the gap or to the word before, never a token.
_GAP_AND_TOKEN_INVISIBLE = re.compile(
    r"([\s_" + INVISIBLE + r"]*)([^\W_]+(?:['-][^\W_]+)*" + _INVISIBLE_RUN
    + r"*|[^\w\s" + INVISIBLE + "])"
)


class Token:
    """A word or punctuation mark: lower-cased text and its offsets in the whole text.

    A class with slots rather than a named tuple: the rules read a token's fields a
    thousand times an article, and a named tuple's field is a descriptor each read goes
    through, where a slot is read directly.
    """

    __slots__ = ("end", "low", "start")

    def __init__(self, low: str, start: int, end: int) -> None:
        self.low = low
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        return f"Token({self.low!r}, {self.start}, {self.end})"


def normalize(text: str) -> str:
    """Dashes, quotes and odd spaces made plain, keeping every offset."""
    if text.isascii():
        # Few of the table's characters are ASCII (a tab, a backquote ...) and most texts
        # hold none of them: a fast search for each costs less than translating.
        for char in _SAME_LENGTH_ASCII:
            if char in text:
                return text.translate(_SAME_LENGTH)  # CPython translates ASCII text fast
        return text
    # On other text str.translate looks up every character in the table, and one that is
    # not there raises and clears a KeyError: about 1.5 ms for 4 KB of news with a single
    # curly quote. A look for each character the table changes (no replacement is itself
    # one of them, so the order does not matter) costs a few microseconds.
    for char, plain in _SAME_LENGTH_BY_CHAR.items():
        if char in text:
            text = text.replace(char, plain)
    if _ANY_INVISIBLE.search(text):
        text = _WORD_WITH_INVISIBLE.sub(_invisible_to_word_end, text)
    return text


def _invisible_to_word_end(m: re.Match[str]) -> str:
    """A word with its invisible characters moved behind its letters: the word keeps its
    place and length, and its letters read as one ("partnership\u00ad"), so that names
    and head nouns match in it like anywhere else."""
    word = m.group()
    letters = word.translate(_DROP_INVISIBLE)
    if len(letters) == len(word):
        return word
    return letters + "".join(c for c in word if c in INVISIBLE)


def drop_invisible(text: str) -> str:
    """``text`` without the invisible characters (soft hyphens, zero-width spaces, ...)."""
    if text.isascii():
        return text
    return text.translate(_DROP_INVISIBLE)


def lower(text: str) -> str:
    """Lower case that keeps the length (a few characters grow when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# The longest line in capitals read as a headline, and the initials ("U.S.", "U.K.") that
# end no sentence in one.
_HEADLINE = 200
_ENDS_IN_INITIALS = re.compile(r"(?:\b[A-Z]\.){2,}$")
# A compound whose last part is initials ("Japan-U.S.") modifies the noun after it and
# ends no sentence: "the Japan-U.S. Alliance and ..." is one sentence.
_ENDS_IN_COMPOUND_INITIALS = re.compile(r"\w-(?:[A-Z]\.){2,}$")


def line_spans(norm: str) -> list[tuple[int, int]]:
    """Offsets of the non-empty lines (paragraphs, headlines) of a text."""
    return [m.span() for m in _LINES.finditer(norm) if not m.group().isspace()]


def sentence_spans(norm: str, lines: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Sentence offsets: each line is split by nupunkt; lines never join."""
    spans: list[tuple[int, int]] = []
    for base, line_end in line_spans(norm) if lines is None else lines:
        chunk = norm[base:line_end]
        # in a headline in capitals the splitter takes any word after "U.S." for a new
        # sentence: such cuts are undone below ("ROK-U.S. ALLIANCE" is one sentence)
        headline = len(chunk) <= _HEADLINE and chunk.isupper()
        if not _INNER_END.search(chunk):
            # no sentence end inside the line: one sentence, no need to ask the splitter
            s, e = 0, len(chunk)
            while s < e and chunk[s].isspace():
                s += 1
            while e > s and chunk[e - 1].isspace():
                e -= 1
            if e > s:
                spans.extend(_pieces(norm, base + s, base + e))
            continue
        plain = _plain_parts(chunk)
        if plain is not None:
            # already trimmed and joined as below: no need to look at them again
            for s, e in plain:
                if e - s <= MAX_SENTENCE:
                    spans.append((base + s, base + e))
                else:
                    spans.extend(_pieces(norm, base + s, base + e))
            continue
        try:
            parts = list(_SPLITTER.span_tokenize(chunk))
        except Exception:  # the splitter is a library; one odd line must not stop extraction
            parts = [(0, len(chunk))]
        kept: list[tuple[int, int]] = []
        for s, e in parts:
            while s < e and chunk[s].isspace():
                s += 1
            while e > s and chunk[e - 1].isspace():
                e -= 1
            if e <= s:
                continue
            if kept and (
                chunk[s].islower()
                or (headline and _ENDS_IN_INITIALS.search(chunk, kept[-1][0], kept[-1][1]))
                or _ENDS_IN_COMPOUND_INITIALS.search(chunk, kept[-1][0], kept[-1][1])
            ):
                # a sentence does not start in lower case: "the U.S. | alliance" is one;
                # nor after a compound's initials: "the Japan-U.S. | Alliance"
                kept[-1] = (kept[-1][0], e)
            else:
                kept.append((s, e))
        for s, e in kept:
            spans.extend(_pieces(norm, base + s, base + e))
    return spans


# A plain sentence end: a word of two letters or more, a period, one space and a word
# starting with a letter or digit with no sentence-ending mark in it. The splitter decides
# such an end from those two words alone. It ends a sentence there unless its model lists
# the first word as an abbreviation ("reports", "week", "gen") or as the first word of a
# collocation: such a line is cut here without asking it. For those listed words the
# splitter's own answer for the two words is asked once, on a short probe, and kept.
_NEXT_WORD = r"[^\W_][^\s.?!\u2026]*(?!\S)"
# A period, one space and the next word: a plain end, if the word before it is one.
_PLAIN_END = re.compile(r"\. (" + _NEXT_WORD + ")")
_NOT_PLAIN = frozenset(_SPLITTER.parameters.abbrev_types) | frozenset(
    first for first, _ in _SPLITTER.parameters.collocations
)


_ABBREVIATION_ENDS: dict[tuple[str, str], bool] = {}
_ABBREVIATION_ENDS_MAX = 20_000


def _breaks_after(word: str, after: str) -> bool:
    """Whether the splitter ends a sentence at ``word. after``, ``word`` being one its
    model lists: its answer on a probe holding only those two words."""
    key = (word, after)
    found = _ABBREVIATION_ENDS.get(key)
    if found is None:
        cut = len(word) + 4  # where ``after`` starts in the probe
        found = any(s == cut for s, _ in _SPLITTER.span_tokenize(f"x {word}. {after} x"))
        if len(_ABBREVIATION_ENDS) >= _ABBREVIATION_ENDS_MAX:
            _ABBREVIATION_ENDS.clear()
        _ABBREVIATION_ENDS[key] = found
    return found


def _plain_parts(chunk: str) -> list[tuple[int, int]] | None:
    """The splitter's sentences of a line whose every sentence-ending mark (but one at
    its very end) is a plain end; None for any other line, which the splitter reads.
    A plain end the splitter does not break at is no end: its decision is made from
    the two words alone, like any other plain end's.

    Each sentence but the last ends just after its period and the next starts at the
    word after the space, as the splitter's own spans do; a sentence then starts with a
    letter or digit, so none is realigned over closing quotes. The sentences come as
    sentence_spans keeps them: without the line's blank space at either end, and with
    one whose first word is in lower case joined to the one before.
    """
    body = chunk.rstrip()
    body_end = len(body)
    lead = len(chunk) - len(chunk.lstrip())
    # the mark that ends the line, and the closing quotes after it ('partnership."'),
    # end its last sentence whatever the splitter makes of it
    closed = len(body.rstrip("\"')]")) - 1
    # every other mark (a period, "?", "!" or an ellipsis) must be a period ending a word,
    # with one space and a next word after it; the rarer marks are counted only when a
    # quick look finds one in the line
    marks = chunk.count(".", 0, closed)
    for mark in ("?", "!", "\u2026"):
        if mark in chunk:
            marks += chunk.count(mark, 0, closed)
    parts: list[tuple[int, int]] = []
    last = lead
    at = 0
    for _ in range(marks):
        # the plain ends one by one: a search call costs less than finditer's iterator
        end = _PLAIN_END.search(chunk, at)
        if end is None:
            return None  # an initial, an ellipsis, "U.S." or a question is for the splitter
        at = end.end()
        period = end.start()
        if period >= closed:
            return None  # a mark before the line's end that is no plain end
        space = chunk.rfind(" ", 0, period)
        if space < lead:
            return None  # the first word of a line may be read as a list number ("iv.")
        word = chunk[space + 1 : period]
        after = end.group(1)
        if len(word) < 2 or not word.isalpha():
            return None
        if after[0].islower():
            continue  # a sentence does not start in lower case (see sentence_spans)
        if word.lower() in _NOT_PLAIN and not _breaks_after(word, after):
            continue  # "the reports. Critics": no end for the splitter, none here
        parts.append((last, period + 1))
        last = period + 2
    parts.append((last, body_end))
    return parts


def _pieces(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence as it is, or cut into pieces of at most MAX_SENTENCE characters."""
    if end - start <= MAX_SENTENCE:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        # the last clause break in the second half of the piece, else the last space
        cut = 0
        for m in _CUT_AT.finditer(norm, start + MAX_SENTENCE // 2, limit):
            cut = m.start() + 1
        if not cut:
            space = norm.rfind(" ", start + MAX_SENTENCE // 2, limit)
            cut = space if space > start else limit
        piece_end = cut
        while piece_end > start and norm[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > start:
            out.append((start, piece_end))
        start = cut
        while start < end and norm[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out


class Tokens(NamedTuple):
    """A stretch's tokens, with their lower-cased texts, original-case texts and starts."""

    toks: list[Token]
    lows: list[str]
    cased: list[str]
    starts: list[int]


def tokens(norm: str, low: str, start: int, end: int) -> Tokens:
    """Tokens of ``low[start:end]`` with offsets into the whole text, and the lists of
    their texts (lower case and as written in ``norm``) and starts."""
    toks: list[Token] = []
    lows: list[str] = []
    cased: list[str] = []
    starts: list[int] = []
    # findall gives strings only, where finditer builds a match object per token (most of
    # the cost); each token's offset follows from the lengths of what came before it
    at = start
    # a run of spaces or "_" at the end holds no token, and the search would start over
    # at each of its characters: it is left out
    while end > start and (low[end - 1] == "_" or low[end - 1].isspace()):
        end -= 1
    # str.isascii answers from a flag CPython keeps, without reading the text
    pattern = _GAP_AND_TOKEN_ASCII
    text, first, last = low, start, end
    if not low.isascii():
        # a text with one curly quote or accent is not ASCII, yet most of its sentences
        # are: such a sentence is read on its own, by the ASCII pattern (the pattern
        # looks at nothing outside the sentence, and each offset is counted from start)
        text, first, last = low[start:end], 0, end - start
        if not text.isascii():
            if _ANY_INVISIBLE.search(text):
                return _tokens_with_invisible(norm, low, start, end)
            pattern = _GAP_AND_TOKEN
    # each token made by object.__new__ and its three slots set here: calling Token() runs
    # its __init__ as a Python call of its own, about a third more work for the hundred
    # tokens of a sentence
    make = object.__new__
    for gap, word in pattern.findall(text, first, last):
        at += len(gap)
        after = at + len(word)
        token = make(Token)
        token.low = word
        token.start = at
        token.end = after
        toks.append(token)
        lows.append(word)
        cased.append(norm[at:after])
        starts.append(at)
        at = after
    # tuple.__new__ skips the named tuple's argument handling: one is made for each sentence
    return tuple.__new__(Tokens, (toks, lows, cased, starts))


def _tokens_with_invisible(norm: str, low: str, start: int, end: int) -> Tokens:
    """tokens() for a stretch holding invisible characters: a token's offsets cover the
    whole word as written, its texts leave them out."""
    toks: list[Token] = []
    lows: list[str] = []
    cased: list[str] = []
    starts: list[int] = []
    at = start
    for gap, word in _GAP_AND_TOKEN_INVISIBLE.findall(low, start, end):
        at += len(gap)
        after = at + len(word)
        plain = word.translate(_DROP_INVISIBLE)
        toks.append(Token(plain, at, after))
        lows.append(plain)
        cased.append(norm[at:after].translate(_DROP_INVISIBLE))
        starts.append(at)
        at = after
    # tuple.__new__ skips the named tuple's argument handling: one is made for each sentence
    return tuple.__new__(Tokens, (toks, lows, cased, starts))


def before_quotes(toks: list[Token], j: int) -> int:
    """The index of the last token at or before ``j`` that is no quote mark (-1 if none):
    the word a quoted label follows ("his 'best friend'")."""
    while j >= 0 and toks[j].low in QUOTES:
        j -= 1
    return j


V = TypeVar("V")


class Keywords(Generic[V]):
    """A fixed set of keywords, each with a value, found all at once in a text.

    One Aho-Corasick pass, compiled to a DFA by the Rust library, reports every
    occurrence, overlapping ones included ("partner" inside "partnership"); the rules
    that decide which occurrences count are the caller's. A keyword given twice keeps its
    last value. ASCII text (most news) is searched as bytes, which costs less than the
    same search of a str; in ASCII a byte's offset is its character's.
    """

    def __init__(self, entries: Iterable[tuple[str, V]], *, compact: bool = False) -> None:
        by_text: dict[str, V] = {}
        for text, value in entries:
            by_text[text] = value
        self.values: list[V] = list(by_text.values())
        self._compact = compact
        self._build(list(by_text))

    def _build(self, texts: list[str]) -> None:
        # A DFA is the fastest search but grows with the keywords times the letters: the
        # country and leader forms (some 4,000 keys) took about 30 MB of it in each process,
        # where a contiguous NFA takes under 1 MB and searches them about a fifth slower
        # (some 0.01 ms an article).
        implementation = (
            ahocorasick_rs.Implementation.ContiguousNFA
            if self._compact
            else ahocorasick_rs.Implementation.DFA
        )
        self._texts = texts
        self._automaton = ahocorasick_rs.AhoCorasick(
            texts, matchkind=ahocorasick_rs.MatchKind.Standard, implementation=implementation
        )
        self._bytes = ahocorasick_rs.BytesAhoCorasick(
            [t.encode() for t in texts],
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=implementation,
        )

    # The Rust automata cannot be pickled; the reading processes get the keywords and build
    # their own (``watchers.reading.InProcesses`` sends the extractor to each).
    def __getstate__(self) -> tuple[list[str], list[V], bool]:
        return self._texts, self.values, self._compact

    def __setstate__(self, state: tuple[list[str], list[V], bool]) -> None:
        texts, self.values, self._compact = state
        self._build(texts)

    def hits(self, text: str) -> list[tuple[int, int, int]]:
        """(index into ``values``, start, end) of every occurrence in ``text``."""
        if text.isascii():
            return self._bytes.find_matches_as_indexes(text.encode(), overlapping=True)
        return self._automaton.find_matches_as_indexes(text, overlapping=True)

    def found_in(self, text: str) -> bool:
        """Whether any of the keywords occurs in ``text``."""
        if text.isascii():
            return bool(self._bytes.find_matches_as_indexes(text.encode()))
        return bool(self._automaton.find_matches_as_indexes(text))

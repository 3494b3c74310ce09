"""The extractor: text in, (pair, descriptor) findings out. Pure, and never raises on text."""

from __future__ import annotations

import bisect
import itertools
import re
from datetime import date
from pathlib import Path

from watchers.countries import CountryTable, FormKind, default_countries
from watchers.extraction.canonical import canonical
from watchers.extraction.lexicon import Lexicon, load_lexicon
from watchers.extraction.mentions import Mention, MentionFinder
from watchers.extraction.pairs import Codes, Context, PairResolver, Sentence, pair_of
from watchers.extraction.phrases import Phrase, PhraseFinder
from watchers.extraction.text import QUOTES, Token, lower, normalize, sentence_spans, tokens
from watchers.model import Extraction, Pair

_JOIN = re.compile(r"\s*[-/]\s*")
_AND = re.compile(r"(?:'s)?\s*,?\s*(?:and|&)\s+(?:the\s+)?")
# Double quotes always; single quotes unless inside a word ("people's").
_QUOTE_CHARS = re.compile(
    '["\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a]'
    "|(?<!\\w)['\u2018\u2019\u201a\u201b`\u00b4]|['\u2018\u2019\u201a\u201b`\u00b4](?!\\w)"
)
# How many sentences back "the two countries" may reach.
_CONTEXT_WINDOW = 3
_PRONOUNS = frozenset({"he", "she", "they", "it"})
_STATE_NOUNS = frozenset({"countries", "nations", "states", "country", "nation"})
_OBJECT_WORDS = frozenset({"to", "with", "and", "from", "met", "meet", "meets", "hosted", "told"})


def _alternation(words: tuple[str, ...] | frozenset[str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w'-])(?:{body})(?![\w-])")


class Extractor:
    """Finds every descriptor for every pair of states in a text (the Extractor port)."""

    def __init__(self, countries: CountryTable, lexicon: Lexicon) -> None:
        self.countries = countries
        self.lex = lexicon
        self.mentions = MentionFinder(countries)
        self.phrases = PhraseFinder(lexicon)
        self.pairs = PairResolver(lexicon)
        self._heads = _alternation(lexicon.heads | {p.split()[-1] for p in lexicon.phrases})
        self._cue = _alternation(lexicon.anaphora)
        negations = tuple(w for w in lexicon.negation if " " not in w and "'" not in w)
        self._negation_words = frozenset(negations)
        self._negation_phrases = tuple(w for w in lexicon.negation if w not in negations)

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        """Every descriptor for every pair in ``text``; ``on`` dates leaders' terms."""
        try:
            return self._extract(text, on)
        except RecursionError:  # pragma: no cover - defensive; the rules do not recurse
            return []

    def _extract(self, text: str, on: date | None) -> list[Extraction]:
        if not isinstance(text, str) or not text.strip():
            return []
        norm = normalize(text)
        low = lower(norm)
        if not self._heads.search(low):
            return []
        found = self.mentions.find(norm, low, on)
        if not any(m.is_state for m in found):
            return []
        sentences = self._sentences(norm, low, found)
        _quoted_speakers(norm, sentences)
        out: list[Extraction] = []
        seen: set[tuple[Codes, str]] = set()
        speaker: str | None = None
        for i, s in enumerate(sentences):
            if s.speaker:
                speaker = s.speaker
            elif s.has_speech and self._pronoun_speaks(s):
                s.speaker = speaker
            sent_low = low[s.start : s.end]
            if not self._heads.search(sent_low):
                continue
            country = self._country_tokens(s)
            ctx = Context(
                self._previous(sentences, i),
                _following(sentences, i),
                speaker,
                self._topic(sentences, i),
            )
            resolved: list[tuple[Phrase, list[Codes]]] = []
            for p in self.phrases.find(s.toks, s.cased, country):
                if self._negated(s, p) or self._about_persons(s, p):
                    continue
                codes = self.pairs.resolve(p, s, ctx)
                if codes:
                    resolved.append((p, codes))
            for p, codes in _drop_repeats(resolved):
                words = self._words(text, s, p)
                if not words:
                    continue
                key_text = canonical(words)
                said_by = s.speaker or (
                    speaker if s.has_speech or '"' in norm[s.start : s.end] else None
                )
                for a, b in codes:
                    ca, cb = self.countries.get(a), self.countries.get(b)
                    if ca is None or cb is None or a == b:
                        continue
                    key = (pair_of(a, b), key_text)
                    if key in seen:
                        continue
                    seen.add(key)
                    start = s.toks[p.start].start
                    end = s.toks[p.end - 1].end
                    span: tuple[int, int] | None = (start - s.start, end - s.start)
                    if " ".join(text[start:end].split()) != words:
                        span = None
                    out.append(
                        Extraction(
                            pair=Pair.of(ca, cb),
                            descriptor=words,
                            canonical=key_text,
                            sentence=text[s.start : s.end],
                            speaker=said_by,
                            span=span,
                        )
                    )
        return out

    # -- sentences -------------------------------------------------------------------------

    def _sentences(self, norm: str, low: str, found: list[Mention]) -> list[Sentence]:
        starts = [m.start for m in found]
        out: list[Sentence] = []
        for index, (a, b) in enumerate(sentence_spans(norm)):
            toks = tokens(low, a, b)
            if not toks:
                continue
            cased = [norm[t.start : t.end] for t in toks]
            tok_starts = [t.start for t in toks]
            lo = bisect.bisect_left(starts, a)
            hi = bisect.bisect_left(starts, b)
            states: list[tuple[Mention, int]] = []
            orgs: list[int] = []
            for m in found[lo:hi]:
                ti = max(0, bisect.bisect_right(tok_starts, m.start) - 1)
                if m.code is None:
                    orgs.append(ti)
                elif self._stands_for_state(toks, cased, m, ti):
                    states.append((m, ti))
            s = Sentence(index, a, b, toks, cased, states, orgs)
            s.breaks = [i for i, t in enumerate(toks) if t.low in self.lex.clause_breaks]
            self._structures(norm, s)
            s.speaker, s.has_speech = self._speaker(s, found[lo:hi], tok_starts)
            s.cue = bool(self._cue.search(low, a, b))
            out.append(s)
        return out

    def _stands_for_state(self, toks: list[Token], cased: list[str], m: Mention, ti: int) -> bool:
        """False for "Chinese companies", "universities in Kenya and Ghana"."""
        if m.kind not in (FormKind.DEMONYM, FormKind.NAME, FormKind.ALIAS, FormKind.CAPITAL):
            return True
        # "universities in Kenya and Ghana": walk back over the list to what it qualifies
        k = ti - 1
        while k >= 0 and (toks[k].low in ("and", ",", "the", "&") or cased[k][:1].isupper()):
            k -= 1
        if (
            k >= 1
            and toks[k].low in ("in", "from", "of", "at")
            and toks[k - 1].low in self.lex.non_states
        ):
            return False
        j = ti + 1
        while j < len(toks) and toks[j].start < m.end:
            j += 1
        for k in range(j, min(len(toks), j + 4)):
            w = toks[k].low
            if w in self.lex.non_states:
                return False
            if w in self.lex.heads or not w.isalpha():
                return True
        return True

    def _structures(self, norm: str, s: Sentence) -> None:
        """Compounds ("China-Russia"), coordinations ("India and Japan") and the sentence's pair."""
        states = s.states
        for (m1, t1), (m2, _t2) in itertools.pairwise(states):
            if not m1.code or not m2.code or m1.code == m2.code:
                continue
            gap = norm[m1.end : m2.start]
            if m1.kind is not FormKind.LEADER and _JOIN.fullmatch(gap):
                s.compounds.append((t1, pair_of(m1.code, m2.code)))
            elif _AND.fullmatch(gap):
                s.coordinations.append((t1, pair_of(m1.code, m2.code)))
        codes = {m.code for m, _ in states if m.code}
        if s.compounds:
            s.hint = s.compounds[0][1]
        elif s.coordinations:
            s.hint = s.coordinations[0][1]
        elif len(codes) == 2:
            a, b = sorted(codes)
            s.hint = (a, b)

    def _speaker(
        self, s: Sentence, found: list[Mention], tok_starts: list[int]
    ) -> tuple[str | None, bool]:
        """The state of whoever the sentence says spoke, and whether it reports speech."""
        verbs = [i for i, t in enumerate(s.toks) if t.low in self.lex.speech]
        if not verbs:
            return None, False
        candidates: list[tuple[int, str]] = []
        for m in found:
            if m.code is None:
                continue
            ti = max(0, bisect.bisect_right(tok_starts, m.start) - 1)
            if m.kind is FormKind.LEADER:
                candidates.append((ti, m.code))
                continue
            j = ti
            while j < len(s.toks) and s.toks[j].start < m.end:
                j += 1
            if j < len(s.toks) and s.toks[j].low in self.lex.titles:
                candidates.append((ti, m.code))
        if not candidates:
            return None, True
        # Prefer who speaks over who is spoken to ("in a letter to President Murmu").
        speaking = [c for c in candidates if not self._addressed(s, c[0])] or candidates
        best = min(speaking, key=lambda c: min(abs(c[0] - v) for v in verbs))
        return best[1], True

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
        for i, t in enumerate(s.toks[:-1]):
            if t.low in _PRONOUNS and s.toks[i + 1].low in self.lex.speech:
                return True
            if t.low in _PRONOUNS and i == 0:
                return True
        return bool(s.toks) and s.toks[-1].low in self.lex.speech

    def _country_tokens(self, s: Sentence) -> list[bool]:
        marks = [False] * len(s.toks)
        for m, ti in s.states:
            j = ti
            while j < len(s.toks) and s.toks[j].start < m.end:
                marks[j] = True
                j += 1
        for ti in s.orgs:
            marks[ti] = True
        return marks

    # -- filters ---------------------------------------------------------------------------

    def _negated(self, s: Sentence, p: Phrase) -> bool:
        """A negation or rejection in the phrase's clause: "not an alliance", "rejected"."""
        toks = s.toks
        lo, _ = s.clause(p.start)
        words: list[str] = []
        for j in range(p.start - 1, lo - 1, -1):
            w = toks[j].low
            if w == "," or len(words) >= 8:
                break
            if w[0].isalnum():
                words.insert(0, w)
        text = " ".join(words)
        for ok in self.lex.not_negation:
            text = text.replace(ok, " ")
        hit = any(w in self._negation_words for w in text.split()) or any(
            f" {ph} " in f" {text} " for ph in self._negation_phrases
        )
        if hit:
            near = text.split()
            if "no" in near and not any(w in self._negation_words - {"no"} for w in near):
                hit = "no" in near[-3:]
            if hit:
                return True
        return any(t.low in self.lex.rejection for t in toks[p.end :])

    def _about_persons(self, s: Sentence, p: Phrase) -> bool:
        """Ties between leaders as persons: "a true friend", said to "you", by leaders only."""
        if not any(h in self.lex.person_heads for h in p.heads):
            return False
        lo, _ = s.clause(p.start)
        if any(t.low in ("you", "i", "me") for t in s.toks[lo : p.start]):
            return True
        if any(t.low in _STATE_NOUNS for t in s.toks):
            return False  # "their countries will continue to serve as global partners"
        return bool(s.states) and all(m.kind is FormKind.LEADER for m, _ in s.states)

    def _words(self, text: str, s: Sentence, p: Phrase) -> str:
        start = s.toks[p.start].start
        end = s.toks[p.end - 1].end
        words = _QUOTE_CHARS.sub(" ", text[start:end])
        return " ".join(words.split()).strip(" ,;:-")

    def _topic(self, sentences: list[Sentence], i: int) -> Codes | None:
        """The previous sentence's pair when it speaks of their relations."""
        if i == 0 or sentences[i - 1].hint is None:
            return None
        heads = self.lex.heads
        return sentences[i - 1].hint if any(t.low in heads for t in sentences[i - 1].toks) else None

    def _previous(self, sentences: list[Sentence], i: int) -> Codes | None:
        for k in range(i - 1, max(-1, i - 1 - _CONTEXT_WINDOW), -1):
            if sentences[k].hint:
                return sentences[k].hint
        return None


def _drop_repeats(
    resolved: list[tuple[Phrase, list[Codes]]],
) -> list[tuple[Phrase, list[Codes]]]:
    """ "the 70-year alliance ... the alliance": a bare repeat of a fuller label is dropped."""
    out = []
    for p, codes in resolved:
        bare = p.end - p.start == 1
        fuller = any(
            q is not p
            and q.heads[-1] == p.heads[-1]
            and q.end - q.start > 1
            and set(c) & set(codes)
            for q, c in resolved
        )
        if not (bare and fuller):
            out.append((p, codes))
    return out


def _quoted_speakers(norm: str, sentences: list[Sentence]) -> None:
    """A quote over several sentences is said by whoever the sentence closing it names."""
    open_at_end: list[bool] = []
    inside = False
    for s in sentences:
        inside = (norm.count('"', s.start, s.end) % 2 == 1) != inside
        open_at_end.append(inside)
    for i, s in enumerate(sentences):
        if s.speaker or not open_at_end[i]:
            continue
        for k in range(i + 1, min(len(sentences), i + 4)):
            if not open_at_end[k]:
                if sentences[k].speaker and sentences[k].has_speech:
                    s.speaker = sentences[k].speaker
                break


def _following(sentences: list[Sentence], i: int) -> Codes | None:
    if i + 1 < len(sentences):
        return sentences[i + 1].hint
    return None


_DEFAULT: Extractor | None = None


def default_extractor(config: Path | None = None) -> Extractor:
    """An extractor over the project's config (cached when ``config`` is not given)."""
    global _DEFAULT
    if config is not None:
        return Extractor(CountryTable.load(config), load_lexicon(config))
    if _DEFAULT is None:
        _DEFAULT = Extractor(default_countries(), load_lexicon())
    return _DEFAULT


__all__ = ["QUOTES", "Extractor", "default_extractor"]

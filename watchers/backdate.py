"""Telling a recalled formula from today's words, by the dates and tense a sentence gives.

"In 2010 the two sides agreed a special and privileged strategic partnership" is history:
it must not be reported as today's change. Pure: a sentence, the entry's published time
and the time it was read in; no clock inside.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

# A four-digit number is read as a year only where the text says it is one (see _is_year):
# "2000 troops" and "a congress of 1900 delegates" are counts, not history.
_NUMBER = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?![\d]|[.,]\d)")
_ABBREVIATED_MONTHS = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_MONTH_NAME = r"(?:(?i:" + "|".join(MONTHS) + r")|(?:" + _ABBREVIATED_MONTHS + r")\.?)"
# What comes just before a year: a preposition, an article, "year", a month with or
# without its day ("March 4, 2010", "4 March 2010"), then maybe "early", "late", "mid-".
_YEAR_BEFORE = re.compile(
    r"(?:\b(?i:in|since|by|from|until|till|through|during|before|after|of|around|circa"
    r"|between|year|the|a)"
    r"|\b" + _MONTH_NAME + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH_NAME + r",?)"
    r"\s+(?:(?i:early|late)\s+|(?i:mid)-?\s*)?$"
)
# "the 1990s", "the 1990's"; "2010-11", "2010–2011", "2010/11"
_DECADE_AFTER = re.compile(r"['’]?s\b")
_SPAN_AFTER = re.compile(r"[-–/]\d{2}(?:\d{2})?\b")
# What comes after a count: maybe the other end of a range ("2000 to 3000"), maybe "more",
# then the word counted.
_COUNTED = re.compile(
    r"(?:\s*(?:-|–|to|and|or)\s*\d[\d,]*)?\s+(?:(?:more|additional|extra|fewer|other)\s+)?"
    r"([a-z]+)\b"
)
_COUNTED_WORDS = frozenset({
    "people", "men", "women", "children", "personnel", "staff", "police", "cattle", "feet",
    "km", "kg", "mw", "gw",
})  # fmt: skip
# Plural words that open a clause after a year in news of diplomacy ("In 2010 relations
# were raised ..."), and words ending in s that are not plural nouns.
_NOT_COUNTED = frozenset({
    "relations", "ties", "talks", "leaders", "officials", "ministers", "diplomats",
    "countries", "nations", "sides", "governments", "states", "parties", "partners", "allies",
    "neighbours", "neighbors", "presidents",
    "as", "has", "was", "is", "its", "his", "this", "thus", "does", "goes", "perhaps", "always",
    "besides", "whereas", "towards", "afterwards", "unless", "nevertheless",
})  # fmt: skip
_MONTH = re.compile(
    r"\b(?:in|since|from|until|during)\s+(" + "|".join(MONTHS) + r")\b", re.IGNORECASE
)
# Words that place the act before the time of writing.
_PAST = re.compile(
    r"\b(?:last year|last month|years? ago|decades? ago|months? ago|earlier this year"
    r"|previously|formerly|at the time|back then|in the past|used to|once (?:called|described)"
    r"|had (?:\w+ly )?(?:been|agreed|described|called|termed|signed|upgraded|elevated"
    r"|established|declared|referred|named|raised|lifted|forged))\b",
    re.IGNORECASE,
)
# Words that place it now.
_NOW = re.compile(
    r"\b(?:today|tonight|this week|now|newly|on (?:monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)|yesterday)\b",
    re.IGNORECASE,
)


def _cues(sentence: str, reference: datetime) -> list[tuple[int, str | None]]:
    """Time cues by position: a reason for a past cue, None for a cue of now."""
    cues: list[tuple[int, str | None]] = []
    for m in _NUMBER.finditer(sentence):
        if not _is_year(sentence, m.start(), m.end()):
            continue
        year = int(m.group(1))
        if year < reference.year:
            cues.append((m.start(), f"the sentence is about {year}"))
        elif year == reference.year:
            cues.append((m.start(), None))
    for m in _MONTH.finditer(sentence):
        if MONTHS.index(m.group(1).lower()) + 1 < reference.month:
            cues.append((m.start(), f"the sentence is about {m.group(1).capitalize()}"))
    cues.extend(
        (m.start(), f"the sentence speaks of the past (“{m.group(0)}”)")
        for m in _PAST.finditer(sentence)
    )
    cues.extend((m.start(), None) for m in _NOW.finditer(sentence))
    return sorted(cues, key=lambda c: c[0])


def _is_year(sentence: str, start: int, end: int) -> bool:
    """Whether the number at ``start:end`` is a year by what surrounds it, not a count."""
    if _DECADE_AFTER.match(sentence, end):
        return True
    span = _SPAN_AFTER.match(sentence, end)
    if not span and not _YEAR_BEFORE.search(sentence[max(0, start - 40) : start]):
        return False
    counted = _COUNTED.match(sentence, span.end() if span else end)
    return counted is None or not _counted_noun(counted.group(1))


def _counted_noun(word: str) -> bool:
    if word in _COUNTED_WORDS:
        return True
    plural = word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 2
    return plural and word not in _NOT_COUNTED


def recalled(
    sentence: str,
    phrase_at: int | None,
    published: datetime | None,
    read_at: datetime,
    *,
    max_age: timedelta | None = None,
) -> str | None:
    """Why this sentence reports an earlier time rather than now, or None when it is current.

    An entry published more than ``max_age`` (when given) before it was read is old news.
    Otherwise the time cue nearest before the phrase decides (else the nearest after it):
    an earlier year, an earlier month of the same year, "last year", the past perfect
    ("had agreed") recall the past; "today", "on Monday", the current year speak of now.
    No cue: now.
    """
    if max_age is not None and published is not None and read_at - published > max_age:
        return f"published {published:%Y-%m-%d}, more than {max_age.days} days before it was read"
    cues = _cues(sentence, published or read_at)
    at = len(sentence) if phrase_at is None else phrase_at
    before = [c for c in cues if c[0] <= at]
    after = [c for c in cues if c[0] > at]
    nearest = before[-1] if before else after[0] if after else None
    return nearest[1] if nearest else None

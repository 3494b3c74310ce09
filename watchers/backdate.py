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

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
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
    for m in _YEAR.finditer(sentence):
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

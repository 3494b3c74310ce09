"""Who speaks in a transcript: the turns of a text laid out as "NAME: words".

An interview or a press conference is often printed as turns, each opened by its
speaker's name in capitals ("CARNEY: Mexico is ...") or by "Q:" and "A:", an answer's
speaker then named after it ("A: ... — Mongolia's foreign minister"). In a turn, "we" and
"our" are the speaker's state, as in a quote followed by "she said".

These functions find the turns and the words that name each speaker; which state the
words name (a leader, "Jordan's foreign minister") the extractor decides with its tables.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

# A speaker's label: up to five words in capitals before a colon, at the start of a line
# or right after a sentence ends ("... in the region? CARNEY: ..."). Small letters make it
# no label: "Update: ...", "Kenya, Uganda: a new partnership". Matched at the end of the
# text before each ": ", which is rare, so the whole text is never scanned by a pattern.
_LABEL_BEFORE = re.compile(
    r"(?:^|\n|[.?!\"']\s{1,2})(?P<name>[^\W\d_][\w'.\-]*(?:\s[^\W\d_][\w'.\-]*){0,4})$"
)
_LABEL_REACH = 60

# An answer's speaker named after it by a dash, at the end of its line: "... doubled. —
# Mongolia's foreign minister". The text is normalised: an em dash is a comma there, an
# en dash a hyphen.
_ATTRIBUTION = re.compile(r"[.?!\"']\s*(?:,|-{1,2})\s*(?P<name>[^,.?!\"\n]{3,80}?)\s*$")

_ATTRIBUTION_REACH = 100

# The labels of a questioner and of an answer whose speaker is named after it.
_QUESTION_LABELS = frozenset({"Q", "QUESTION", "REPORTER", "INTERVIEWER", "MODERATOR"})
_ANSWER_LABELS = frozenset({"A", "ANSWER"})


class Turn(NamedTuple):
    """One speaker's turn: its label at ``label``, its words [start, end), its speaker
    named by the span ``name`` (None for a question, or an answer whose speaker goes
    unnamed)."""

    label: int
    start: int
    end: int
    name: tuple[int, int] | None


def transcript_turns(norm: str) -> list[Turn]:
    """The turns of ``norm``, in order; none for a text that is no transcript.

    A turn runs from its label to the next label or the end of the line. A label that is
    no speaker's ("Q:") still ends the turn before it.
    """
    if ":" not in norm:
        return []
    turns: list[Turn] = []
    answers: list[int] = []  # the turns whose speaker is named after their words
    colon = norm.find(": ")
    while colon > 0:
        m = _LABEL_BEFORE.search(norm, max(0, colon - _LABEL_REACH), colon)
        if m is not None and _is_label(m.group("name")):
            label = m.group("name")
            start = colon + 2
            line_end = norm.find("\n", start)
            if line_end < 0:
                line_end = len(norm)
            if turns and turns[-1].end > m.start("name"):
                last = turns[-1]
                turns[-1] = last._replace(end=m.start("name"))
            word = label.strip(".").upper()
            name: tuple[int, int] | None = m.span("name")
            if word in _QUESTION_LABELS:
                name = None
            elif word in _ANSWER_LABELS:
                name = None
                answers.append(len(turns))
            turns.append(Turn(m.start("name"), start, line_end, name))
        colon = norm.find(": ", colon + 2)
    # an answer's speaker is named at the end of its own turn, which the next label may
    # cut short: looked for there once every turn's end is known, in its last characters
    for i in answers:
        turn = turns[i]
        reach = max(turn.start, turn.end - _ATTRIBUTION_REACH)
        turns[i] = turn._replace(name=_attribution(norm, reach, turn.end))
    return turns


def _is_label(words: str) -> bool:
    """Capitals make words a speaker's label ("CARNEY", "MR. CARNEY"); "Question" and
    "Answer" are labels as written too."""
    return words == words.upper() or words.upper() in _QUESTION_LABELS | _ANSWER_LABELS


def _attribution(norm: str, start: int, end: int) -> tuple[int, int] | None:
    """The span naming the speaker at the end of the line [start, end), if any."""
    m = _ATTRIBUTION.search(norm, start, end)
    if m is None:
        return None
    return m.span("name")


def line_attribution(norm: str, start: int) -> tuple[int, int] | None:
    """The span naming the speaker after a dash at the end of the line that holds offset
    ``start``, if any: '"Uganda is our brother." — Kenya's foreign minister'."""
    line_end = norm.find("\n", start)
    if line_end < 0:
        line_end = len(norm)
    last = line_end - 1
    while last > start and norm[last] == " ":
        last -= 1
    if not norm[last].isalpha():
        return None  # most lines end with a sentence's stop or a quote mark: no name
    line_start = norm.rfind("\n", 0, start) + 1
    return _attribution(norm, max(line_start, line_end - _ATTRIBUTION_REACH), line_end)


def turn_at(turns: list[Turn], start: int) -> Turn | None:
    """The turn that holds offset ``start`` (a sentence's first character, which may be
    the label's own: "CARNEY: Mexico is ...").

    The turns are in order and never overlap, so the only candidate is the last one
    labelled at or before ``start``: found by bisection, as a long transcript is asked
    once for each of its sentences."""
    i = bisect.bisect_right(turns, start, key=lambda turn: turn.label)
    if i == 0:
        return None
    turn = turns[i - 1]
    return turn if start < turn.end else None

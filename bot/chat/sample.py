"""The sample alert ``/watch test`` posts, so that a channel sees what its alerts look like.

It is told in our own words, plainly marked as a sample, with no link and no source that
could be taken for news.
"""

from __future__ import annotations

from datetime import datetime

from bot.alert import Alert, alert_from_change
from watchers.diff import word_diff
from watchers.model import Change, ChangeKind, Country, Level, Pair, Source

BEFORE = "special and privileged strategic partnership"
AFTER = "particularly privileged strategic partnership"
SENTENCE = (
    "This is a sample alert from /watch test: a minister spoke of a particularly privileged "
    "strategic partnership."
)


def sample_alert(now: datetime) -> Alert:
    """A rewording of India–Russia's words, as an alert would show it, marked as a sample."""
    start = SENTENCE.index(AFTER)
    change = Change(
        pair=Pair.of(Country("IND", "India"), Country("RUS", "Russia")),
        kind=ChangeKind.REWORDING,
        before=BEFORE,
        after=AFTER,
        diff=tuple(word_diff(BEFORE, AFTER)),
        quote=SENTENCE,
        sources=(Source("partnership-watch (sample)", None, "Sample alert: /watch test", now),),
        detected_at=now,
        span=(start, start + len(AFTER)),
        level=Level.REPORTED,
        before_tier="special tier",
        after_tier="special tier",
        tier_arrow="special tier (same tier)",
        change_id="sample",
    )
    return alert_from_change(change)

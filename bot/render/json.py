"""JSON: the alert as plain data, for ``--format json`` and for other programs to read."""

from __future__ import annotations

from typing import Any

from bot.alert import Alert
from watchers.model import to_iso


def alert_to_json(alert: Alert) -> dict[str, Any]:
    """The alert as a JSON-ready dict; text is raw, consumers escape it for their medium."""
    return {
        "id": alert.alert_id,
        "revision": alert.revision,
        "pair": list(alert.pair.codes),
        "countries": [alert.pair.first.name, alert.pair.second.name],
        "kind": alert.kind.value,
        "before": alert.before,
        "after": alert.after,
        "before_tier": alert.before_tier,
        "after_tier": alert.after_tier,
        "tier_arrow": alert.tier_arrow,
        "diff": [{"op": w.op, "word": w.word} for w in alert.diff],
        "quote": alert.quote.text,
        "quote_phrase": list(span) if (span := alert.quote.phrase_span) else None,
        "speaker": alert.speaker.code if alert.speaker else None,
        "speaker_name": alert.speaker.name if alert.speaker else None,
        "sources": [
            {
                "url": s.url,
                "title": s.title,
                "feed": s.feed,
                "published": to_iso(s.published),
                "official": s.official,
            }
            for s in alert.sources
        ],
        "level": alert.level.value,
        "detected_at": to_iso(alert.detected_at),
    }

"""An extractor of marked text, so that replay scenarios test the alert rules, not extraction.

The text marks each mention where it stands: ``{USA-VNM: comprehensive partnership}`` for a
mention of the pair, ``{IND-RUS@RUS: ...}`` when Russia says it, and ``{USA-VNM?: ...}`` for
words the sentence only supposes (a hypothetical). The extraction's sentence is the real
sentence around the mark, marks replaced by their words, so the backdating rule reads real
dates and tenses.
"""

from __future__ import annotations

import re
from datetime import date

from tests.fakes import country
from watchers.extraction.canonical import canonical
from watchers.model import Extraction, Pair

MARK = re.compile(r"\{([A-Z]{3})-([A-Z]{3})(?:@([A-Z]{3}))?(\?)?: ([^}]+)\}")


def plain(text: str) -> str:
    """The text with its marks replaced by their words."""
    return MARK.sub(lambda m: m.group(5), text)


class SentenceMarkers:
    """Extracts what the text marks, with the real sentence around it."""

    def extract(self, text: str, *, on: date | None = None) -> list[Extraction]:
        """Every marked mention, in the order of the text."""
        out = []
        for raw in re.split(r"(?<=[.!?])\s+|\n{2,}", text):
            for m in MARK.finditer(raw):
                before = plain(raw[: m.start()])
                words = m.group(5)
                out.append(
                    Extraction(
                        pair=Pair.of(country(m.group(1)), country(m.group(2))),
                        descriptor=words,
                        canonical=canonical(words),
                        sentence=plain(raw),
                        speaker=m.group(3),
                        span=(len(before), len(before) + len(words)),
                        hypothetical=m.group(4) == "?",
                    )
                )
        return out

"""The canonical form of a descriptor, for comparing what was said."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from watchers.extraction.text import normalize

_WORD = re.compile(r"[^\W_]+")
_ARTICLES = frozenset({"a", "an", "the"})
# Spelling and number variants that say the same thing.
_SAME = {
    "partner": "partnership",
    "partners": "partnership",
    "partnerships": "partnership",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "defence": "defense",
    "honour": "honor",
    "honoured": "honored",
    "favourable": "favorable",
    "programme": "program",
    "&": "and",
}


# News repeats the same few hundred descriptors all day, and every extraction, tier
# lookup and history comparison asks for this form: remember the recent ones.
@lru_cache(maxsize=4096)
def canonical(descriptor: str) -> str:
    """Lower case, no quotes, hyphens as spaces, no leading article, partners as partnership."""
    text = normalize(unicodedata.normalize("NFKC", descriptor)).lower().replace("&", " and ")
    text = text.replace("co-operation", "cooperation").replace("co-ordination", "coordination")
    words = _WORD.findall(text.replace("'", ""))
    while words and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(_SAME.get(w, w) for w in words)

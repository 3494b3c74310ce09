"""Word-level diff of two descriptors, for showing what changed."""

from __future__ import annotations

import difflib

from watchers.model import DiffWord


def word_diff(before: str | None, after: str) -> tuple[DiffWord, ...]:
    """Words of ``after`` marked kept/added, interleaved with the words of ``before`` removed.

    Removed words come before the added words that replace them, the way people read
    "special and -> particularly".
    """
    old = (before or "").split()
    new = after.split()
    out: list[DiffWord] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(DiffWord("=", w) for w in new[j1:j2])
            continue
        out.extend(DiffWord("-", w) for w in old[i1:i2])
        out.extend(DiffWord("+", w) for w in new[j1:j2])
    return tuple(out)

"""Small helpers for what the command line prints: counted nouns, a closed stdout."""

from __future__ import annotations

import os
import sys


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """``1 feed``, ``2 feeds``: the count with its noun in agreement."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count} {word}"


def discard_stdout() -> None:
    """Send the rest of stdout to devnull once its reader has gone (``| head``).

    The reader stopping early is not an error of ours; without this the interpreter's
    last flush would print a BrokenPipeError on the way out.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)

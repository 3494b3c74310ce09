"""Reading a whole ``/watch`` command line, as Slack hands it over, into a shared command.

Slack sends the text typed after ``/watch`` as one string: this splits it into words
(keeping "double quoted" names whole), finds where the first country name ends and the
second begins, and calls the command in ``bot.chat.commands``. Discord parses options
itself and needs none of this. No I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.chat import commands
from bot.chat.commands import CommandContext, Reply, private, shown
from watchers.ports import CountryLookup

_TOKEN = re.compile(r"\"([^\"]*)\"|“([^”]*)”|(\S+)")


def tokenize(text: str) -> list[str]:
    """Split a command line on spaces, keeping "double quoted" names whole."""
    return [next(g for g in m.groups() if g is not None) for m in _TOKEN.finditer(text)]


def split_pair(countries: CountryLookup, words: Sequence[str]) -> tuple[str, str] | None:
    """Two country names from words like ``United States Viet Nam``; None if no two could be.

    Every split point is tried; the first where both halves are countries wins, else the
    first where the left half is one (so the reply can name the right half as unknown).
    """
    # Trying every split of a flood of words takes time that grows with its cube.
    if not 2 <= len(words) <= 2 * commands.MAX_NAME_WORDS:
        return None
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    for left, right in splits:
        if countries.lookup(left) and countries.lookup(right):
            return left, right
    for left, right in splits:
        if countries.lookup(left):
            return left, right
    return splits[0]


def dispatch(ctx: CommandContext, text: str) -> Reply:
    """Run a whole ``/watch`` command line, e.g. ``mute "United States" Vietnam 2d``."""
    words = tokenize(text)
    if not words or words[0].lower() == "help":
        return commands.help_reply()
    sub, rest = words[0].lower(), words[1:]
    if sub == "list":
        return commands.list_pairs(ctx)
    if sub == "digest":
        return commands.digest(ctx, *rest) if 1 <= len(rest) <= 3 else commands.usage(sub)
    if sub == "quiet":
        return _quiet_line(ctx, rest)
    if sub == "notify":
        return commands.notify(ctx, rest)
    pair_commands: dict[str, Callable[[CommandContext, str, str], Reply]] = {
        "add": commands.add,
        "remove": commands.remove,
        "history": commands.history,
        "why": commands.why,
    }
    if sub in pair_commands:
        names = split_pair(ctx.countries, rest)
        return pair_commands[sub](ctx, *names) if names else commands.usage(sub)
    if sub in {"mute", "level"}:
        names = split_pair(ctx.countries, rest[:-1]) if rest else None
        if names is None:
            return commands.usage(sub)
        if sub == "mute":
            return commands.mute(ctx, names[0], names[1], rest[-1])
        return commands.level(ctx, names[0], names[1], rest[-1])
    return private(f"There is no /watch {shown(sub)}.\n\n{commands.HELP}")


def _quiet_line(ctx: CommandContext, words: Sequence[str]) -> Reply:
    """``quiet 22:00-07:00 Europe/Paris``: the span may be spaced out, the zone comes last."""
    if not 1 <= len(words) <= 4:
        return commands.usage("quiet")
    # Times are digits and colons; a last word with letters in it is the zone ("off" aside).
    if len(words) > 1 and re.search(r"[^\W\d_]", words[-1]):
        return commands.quiet(ctx, " ".join(words[:-1]), words[-1])
    return commands.quiet(ctx, " ".join(words))

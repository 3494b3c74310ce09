"""The ``/watch`` commands, shared by Discord and Slack.

Each command is a plain function of a :class:`Context` (the stores, the country table,
the clock, the channel and who is asking) and its arguments as typed by the user; it
returns a :class:`Reply`. The platform layers only parse, work out whether the caller may
change the channel's subscriptions, call these functions and send the reply.

Replies are plain text (no platform markup) and never repeat raw user input: a name we
could not resolve is shown cleaned (see ``_shown``), so a command cannot make the bot ping
anyone. Replies that only concern the caller (reads, refusals, mistakes, help) are
ephemeral; changes to the channel are shown to everyone in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot import durations
from bot.subscriptions import Origin, Subscription, SubscriptionStore
from watchers.model import Change, Level, Pair
from watchers.ports import Clock, CountryLookup

MAX_PAIRS_PER_CHANNEL = 100
HISTORY_LIMIT = 5
MAX_MUTE = timedelta(days=365)
MAX_NAME_WORDS = 8
"""Words in the longest country name: United Kingdom of Great Britain and Northern Ireland."""
_LONGEST_SECONDS = timedelta.max.days * 86400

LEVEL_MEANING = {
    Level.REPORTED: "one outlet",
    Level.MULTI_SOURCE: "two or more independent outlets",
    Level.OFFICIAL: "an official source",
}

_LEVEL_WORDS = {
    "reported": Level.REPORTED,
    "multi-source": Level.MULTI_SOURCE,
    "multisource": Level.MULTI_SOURCE,
    "multi": Level.MULTI_SOURCE,
    "official": Level.OFFICIAL,
}


HELP = """/watch follows how governments describe their ties, pair by pair, in this channel.
/watch add <country> <country>: watch a pair here (names, aliases or ISO codes)
/watch remove <country> <country>: stop watching a pair here
/watch list: the pairs this channel watches, with level, mute and current wording
/watch history <country> <country>: the pair's recent changes
/watch mute <country> <country> <duration>: silence a pair here for 30m, 2h, 3d, 1w (or "off")
/watch level <country> <country> <reported|multi-source|official>: alert once this corroborated
/watch why <country> <country>: the last decision for this pair here, and its reason
/watch digest on|off: one daily digest instead of immediate alerts
Reading needs no permission; changing this channel's pairs does.
Pairs set in the config file are changed there."""


class PastChange(Protocol):
    """A recorded change as ``/watch history`` shows it (``Change`` and the store's rows fit)."""

    @property
    def kind(self) -> str: ...
    @property
    def before(self) -> str | None: ...
    @property
    def after(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def detected_at(self) -> datetime: ...


class PairHistory(Protocol):
    """What the commands read from the history store."""

    def current(self, pair_key: str) -> str | None:
        """The descriptor the pair has now, or None before any was seen."""
        ...

    def recent_changes(self, pair_key: str, limit: int) -> Sequence[PastChange]:
        """The pair's latest changes, newest first, at most ``limit``."""
        ...

    def last_decision(self, pair_key: str, platform: str, channel: str) -> tuple[str, str] | None:
        """The last routing decision for this pair and channel as (decision, reason)."""
        ...


@dataclass(frozen=True)
class Reply:
    """What the bot answers: the text, and whether only the caller sees it."""

    text: str
    ephemeral: bool


@dataclass(frozen=True)
class Caller:
    """Who runs the command and whether they may change the channel's subscriptions."""

    user_id: str
    can_manage: bool
    needs: str = "permission to manage this channel"
    """What changing subscriptions requires on this platform, for the refusal message."""


@dataclass(frozen=True)
class Context:
    """Everything a command needs: stores, countries, clock, where and by whom."""

    store: SubscriptionStore
    countries: CountryLookup
    history: PairHistory
    clock: Clock
    platform: str
    channel: str
    caller: Caller


def _private(text: str) -> Reply:
    return Reply(text, ephemeral=True)


def _public(text: str) -> Reply:
    return Reply(text, ephemeral=False)


def _shown(raw: str) -> str:
    """User input made safe to echo: letters, digits and a little punctuation, shortened."""
    kept = re.sub(r"[^\w .,'’()-]", "", raw, flags=re.UNICODE).strip()
    return kept[:40] + ("…" if len(kept) > 40 else "")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _quoted(descriptor: str | None) -> str:
    return f"“{descriptor}”" if descriptor else "no descriptor seen yet"


def _refusal(ctx: Context) -> Reply:
    return _private(f"Changing the pairs this channel watches needs {ctx.caller.needs}.")


def _unknown(ctx: Context, raw: str) -> Reply:
    suggestions = ctx.countries.suggest(raw, limit=5)
    name = _shown(raw) or "that"
    if suggestions:
        names = ", ".join(c.name for c in suggestions)
        return _private(f"I don't know a country called “{name}”. Did you mean: {names}?")
    return _private(
        f"I don't know a country called “{name}”. Use its English name, a common alias "
        "or its ISO code (e.g. India, IND)."
    )


def resolve_pair(ctx: Context, a: str, b: str) -> Pair | Reply:
    """The pair two typed names stand for, or the reply that explains why there is none."""
    first = ctx.countries.lookup(a.strip())
    if first is None:
        return _unknown(ctx, a)
    second = ctx.countries.lookup(b.strip())
    if second is None:
        return _unknown(ctx, b)
    if first.code == second.code:
        return _private(f"A pair needs two different countries; both names mean {first.name}.")
    return Pair.of(first, second)


def _pair_to_change(ctx: Context, a: str, b: str) -> Pair | Reply:
    """The pair whose subscription the caller changes, or the reply refusing them or the names."""
    if not ctx.caller.can_manage:
        return _refusal(ctx)
    return resolve_pair(ctx, a, b)


def pair_label(countries: CountryLookup, pair_key: str) -> str:
    """Readable name of a stored pair key, e.g. ``India–Russia``, the key if unknown."""
    codes = pair_key.split("-")
    names: list[str] = []
    for code in codes:
        country = countries.lookup(code)
        names.append(country.name if country else code)
    return "–".join(names)


def parse_duration(text: str) -> timedelta | None:
    """``30m``, ``2h``, ``3d``, ``1w`` or combinations like ``1d12h``; None if not one."""
    try:
        seconds = durations.parse_duration(text)
    except ValueError:
        return None
    # Anyone may type "99999999999w"; past what timedelta holds, it is simply "forever".
    return timedelta(seconds=min(seconds, _LONGEST_SECONDS))


def parse_level(text: str) -> Level | None:
    """A corroboration level as typed: reported, multi-source (or multisource), official."""
    return _LEVEL_WORDS.get(text.strip().lower())


def _describe(sub: Subscription, ctx: Context, now: datetime) -> str:
    parts = [
        f"{pair_label(ctx.countries, sub.pair_key)}: {_quoted(ctx.history.current(sub.pair_key))}",
        f"level {sub.min_level.value}",
    ]
    if sub.muted(now) and sub.muted_until is not None:
        parts.append(f"muted until {_when(sub.muted_until)}")
    if sub.paused_reason:
        parts.append(f"paused: {sub.paused_reason}")
    if sub.source is Origin.CONFIG:
        parts.append("set in the config file")
    return "• " + " · ".join(parts)


def add(ctx: Context, a: str, b: str) -> Reply:
    """Subscribe the channel to a pair."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    existing = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    others = ""
    if existing is None:
        count = len(ctx.store.for_channel(ctx.platform, ctx.channel))
        if count >= MAX_PAIRS_PER_CHANNEL:
            return _private(
                f"This channel already watches {count} pairs, the most one channel may; "
                "remove one first."
            )
    elif not existing.paused:
        where = " (set in the config file)" if existing.source is Origin.CONFIG else ""
        return _private(f"This channel already watches {pair.label}{where}.")
    else:
        # Delivery paused the whole channel; what fixed it for this pair fixed it for all.
        resumed = ctx.store.resume_channel(ctx.platform, ctx.channel) - 1
        if resumed > 0:
            others = f" and {resumed} other paused pair{'s' if resumed > 1 else ''}"
    sub = ctx.store.add(
        ctx.platform, ctx.channel, pair.key, now=ctx.clock.now(), created_by=ctx.caller.user_id
    )
    current = _quoted(ctx.history.current(pair.key))
    verb = "watches again" if existing is not None else "now watches"
    return _public(
        f"This channel {verb} {pair.label}{others} (alerts from level {sub.min_level.value}). "
        f"Current wording: {current}."
    )


def remove(ctx: Context, a: str, b: str) -> Reply:
    """Unsubscribe the channel from a pair made in chat."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    existing = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    if existing is None:
        return _private(f"This channel does not watch {pair.label}.")
    if existing.source is Origin.CONFIG:
        return _private(
            f"{pair.label} is watched here because the config file says so; "
            "it can only be removed there."
        )
    ctx.store.remove(ctx.platform, ctx.channel, pair.key)
    return _public(f"This channel no longer watches {pair.label}.")


def list_pairs(ctx: Context) -> Reply:
    """The channel's pairs with their level, mute, pause, origin and current wording."""
    subs = ctx.store.for_channel(ctx.platform, ctx.channel)
    if not subs:
        return _private(
            "This channel watches no pairs yet. Add one with /watch add <country> <country>."
        )
    now = ctx.clock.now()
    digest = "on" if ctx.store.digest(ctx.platform, ctx.channel) else "off"
    noun = "pair" if len(subs) == 1 else "pairs"
    lines = [f"This channel watches {len(subs)} {noun} (daily digest {digest}):"]
    lines += [_describe(s, ctx, now) for s in subs]
    return _private("\n".join(lines))


def history(ctx: Context, a: str, b: str) -> Reply:
    """The pair's current wording and recent changes."""
    pair = resolve_pair(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    lines = [f"{pair.label} now: {_quoted(ctx.history.current(pair.key))}."]
    changes = ctx.history.recent_changes(pair.key, HISTORY_LIMIT)
    if not changes:
        lines.append("No changes recorded yet.")
    else:
        lines.append("Recent changes:")
        for change in changes:
            before = f"“{change.before}” → " if change.before else ""
            # A full Change names its outlets; the store's history rows do not (yet).
            outlets = change.sources if isinstance(change, Change) else ()
            where = f" ({outlets[0].feed})" if outlets else ""
            lines.append(
                f"• {change.detected_at:%Y-%m-%d} {change.kind}: "
                f"{before}“{change.after}”, level {change.level}{where}"
            )
    return _private("\n".join(lines))


def mute(ctx: Context, a: str, b: str, duration: str) -> Reply:
    """Silence a pair in this channel for a while, or lift the mute with ``off``."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    existing = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    if existing is None:
        return _private(f"This channel does not watch {pair.label}, so there is nothing to mute.")
    if duration.strip().lower() in {"off", "0", "none", "unmute"}:
        ctx.store.mute(ctx.platform, ctx.channel, pair.key, None)
        return _public(f"{pair.label} is no longer muted in this channel.")
    length = parse_duration(duration)
    if length is None:
        return _private(
            f"“{_shown(duration)}” is not a duration. Use minutes, hours, days or weeks: "
            "30m, 2h, 3d, 1w, or off."
        )
    length = min(length, MAX_MUTE)
    until = ctx.clock.now() + length
    ctx.store.mute(ctx.platform, ctx.channel, pair.key, until)
    return _public(f"{pair.label} is muted in this channel until {_when(until)}.")


def level(ctx: Context, a: str, b: str, value: str) -> Reply:
    """Set how corroborated a change must be before it alerts this channel."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    wanted = parse_level(value)
    if wanted is None:
        return _private(
            f"“{_shown(value)}” is not a level. Choose reported, multi-source or official."
        )
    existing = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    if existing is None:
        return _private(f"This channel does not watch {pair.label}; add it first.")
    if existing.source is Origin.CONFIG:
        return _private(
            f"{pair.label} is watched here because the config file says so; its level is set there."
        )
    ctx.store.set_level(ctx.platform, ctx.channel, pair.key, wanted)
    return _public(
        f"{pair.label} now alerts this channel once a change is {wanted.value} "
        f"({LEVEL_MEANING[wanted]})."
    )


def why(ctx: Context, a: str, b: str) -> Reply:
    """The last decision taken for this pair and channel, and the reason."""
    pair = resolve_pair(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    sub = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    decision = ctx.history.last_decision(pair.key, ctx.platform, ctx.channel)
    lines: list[str] = []
    if decision is None:
        lines.append(f"No change of {pair.label} has been weighed for this channel yet.")
    else:
        verdict, reason = decision
        lines.append(f"Last decision for {pair.label} here: {verdict}, {reason}.")
    if sub is None:
        lines.append(f"This channel does not watch {pair.label}.")
    else:
        now = ctx.clock.now()
        lines.append(f"Now: {_describe(sub, ctx, now).removeprefix('• ')}.")
    return _private("\n".join(lines))


def digest(ctx: Context, value: str) -> Reply:
    """Switch the channel's daily digest on or off."""
    if not ctx.caller.can_manage:
        return _refusal(ctx)
    choice = value.strip().lower()
    if choice not in {"on", "off"}:
        return _private("Say /watch digest on or /watch digest off.")
    on = choice == "on"
    ctx.store.set_digest(ctx.platform, ctx.channel, on)
    if on:
        return _public(
            "Daily digest on: this channel gets one summary a day instead of each alert."
        )
    return _public("Daily digest off: this channel gets each alert as it happens.")


def help_reply() -> Reply:
    """The list of subcommands."""
    return _private(HELP)


# Text front end, for platforms that hand us the whole command line (Slack).

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
    if not 2 <= len(words) <= 2 * MAX_NAME_WORDS:
        return None
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    for left, right in splits:
        if countries.lookup(left) and countries.lookup(right):
            return left, right
    for left, right in splits:
        if countries.lookup(left):
            return left, right
    return splits[0]


def _usage(sub: str) -> Reply:
    forms = {
        "add": "/watch add <country> <country>",
        "remove": "/watch remove <country> <country>",
        "history": "/watch history <country> <country>",
        "why": "/watch why <country> <country>",
        "mute": "/watch mute <country> <country> <duration>",
        "level": "/watch level <country> <country> <reported|multi-source|official>",
        "digest": "/watch digest on|off",
    }
    return _private(f"Usage: {forms[sub]}")


def dispatch(ctx: Context, text: str) -> Reply:
    """Run a whole ``/watch`` command line, e.g. ``mute "United States" Vietnam 2d``."""
    words = tokenize(text)
    if not words or words[0].lower() == "help":
        return help_reply()
    sub, rest = words[0].lower(), words[1:]
    if sub == "list":
        return list_pairs(ctx)
    if sub == "digest":
        return digest(ctx, rest[0]) if len(rest) == 1 else _usage(sub)
    pair_commands: dict[str, Callable[[Context, str, str], Reply]] = {
        "add": add,
        "remove": remove,
        "history": history,
        "why": why,
    }
    if sub in pair_commands:
        names = split_pair(ctx.countries, rest)
        return pair_commands[sub](ctx, *names) if names else _usage(sub)
    if sub in {"mute", "level"}:
        names = split_pair(ctx.countries, rest[:-1]) if rest else None
        if names is None:
            return _usage(sub)
        if sub == "mute":
            return mute(ctx, names[0], names[1], rest[-1])
        return level(ctx, names[0], names[1], rest[-1])
    return _private(f"There is no /watch {_shown(sub)}.\n\n{HELP}")

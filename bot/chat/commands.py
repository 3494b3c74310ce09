"""The ``/watch`` commands, shared by Discord and Slack.

Each command is a plain function of a :class:`CommandContext` (the stores, the country table,
the clock, the channel and who is asking) and its arguments as typed by the user; it
returns a :class:`Reply`. The platform layers only parse, work out whether the caller may
change the channel's subscriptions, call these functions and send the reply. What they
share (:class:`CommandDeps`) is built once, and each run's context comes from it.

Replies are plain text (no platform markup) and never repeat raw user input: a name we
could not resolve is shown cleaned (see ``shown``), so a command cannot make the bot ping
anyone. Replies that only concern the caller (reads, refusals, mistakes, help) are
ephemeral; changes to the channel are shown to everyone in it.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import Protocol

from bot import durations
from bot.chat import pings as ping_rules
from bot.chat.decide import QuietHours, parse_clock
from bot.chat.pings import PingStore
from bot.chat.store import ChatStore, Origin, Subscription
from watchers.model import Change, ChangeStatus, Level, Pair
from watchers.ports import Clock, CountryLookup

MAX_PAIRS_PER_CHANNEL = 100
HISTORY_LIMIT = 5
HISTORY_DESCRIPTORS = 8
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
/watch list: this channel's pairs (level, mute, current wording), digest and quiet hours
/watch history <country> <country>: the pair's recent changes
/watch mute <country> <country> <duration>: silence a pair here for 30m, 2h, 3d, 1w (or "off")
/watch level <country> <country> <reported|multi-source|official>: alert once this corroborated
/watch why <country> <country>: the last decision for this pair here, and its reason
/watch digest on [HH:MM] [time zone]: one daily digest instead of each alert (08:00 UTC unless told)
/watch digest off: each alert as it happens
/watch quiet HH:MM-HH:MM [time zone]: alerts in those hours wait, and come as a digest when they end
/watch quiet off: no quiet hours
/watch notify <@role or @user> <kinds>: ping them for these kinds (e.g. downgrade upgrade)
/watch notify off, or /watch notify <@role or @user> off: stop pinging (off by default)
/watch test: post a sample alert here, to check that alerts can be posted
Time zones are IANA names such as Europe/Paris or Asia/Kolkata; UTC when left out.
Reading needs no permission; changing this channel's pairs or hours does.
Pairs set in the config file are changed there."""

OFF_WORDS = frozenset({"off", "0", "none", "unmute"})


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


class HistoryReader(Protocol):
    """What the commands read of a pair's history: its words, its changes, its decisions."""

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
class Attachment:
    """A file sent with a reply: the history chart as a PNG."""

    filename: str
    data: bytes
    description: str


class PairStories(Protocol):
    """A pair's story for ``/watch history``: its descriptors over time, and its chart (see
    ``bot.chat.stories``)."""

    def lines(self, pair: Pair, limit: int) -> list[str]:
        """The descriptors the pair has had, one plain line each, at most ``limit``, latest."""
        ...

    def chart(self, pair: Pair) -> Attachment | None:
        """The pair's chart, or None when there is nothing to draw or no way to draw it."""
        ...


@dataclass(frozen=True)
class Reply:
    """What the bot answers: the text, whether only the caller sees it, and a file if any."""

    text: str
    ephemeral: bool
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Caller:
    """Who runs the command and whether they may change the channel's subscriptions."""

    user_id: str
    can_manage: bool
    needs: str = "permission to manage this channel"
    """What changing subscriptions requires on this platform, for the refusal message."""


@dataclass(frozen=True)
class CommandDeps:
    """What every platform's ``/watch`` handlers share, built once when the chat layer opens."""

    store: ChatStore
    countries: CountryLookup
    history: HistoryReader
    clock: Clock
    stories: PairStories | None = None
    """The descriptors and chart of ``/watch history`` (the chart needs ``[charts]``)."""
    pings: PingStore | None = None
    """Who the channels' alerts ping (``/watch notify``)."""

    def context(self, platform: str, channel: str, caller: Caller) -> CommandContext:
        """The context of one command run in ``channel`` by ``caller``."""
        return CommandContext(**vars(self), platform=platform, channel=channel, caller=caller)


@dataclass(frozen=True, kw_only=True)
class CommandContext(CommandDeps):
    """Everything one command needs: what every command shares, and where and by whom."""

    platform: str
    channel: str
    caller: Caller


def private(text: str) -> Reply:
    """A reply only the caller sees."""
    return Reply(text, ephemeral=True)


def _public(text: str) -> Reply:
    return Reply(text, ephemeral=False)


def shown(raw: str) -> str:
    """User input made safe to echo: letters, digits and a little punctuation, shortened."""
    kept = re.sub(r"[^\w .,:/'’()-]", "", raw, flags=re.UNICODE).strip()
    return kept[:40] + ("…" if len(kept) > 40 else "")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _clock(at: time) -> str:
    return at.strftime("%H:%M")


def _span(quiet: QuietHours) -> str:
    return f"{_clock(quiet.start)}–{_clock(quiet.end)} {quiet.zone}"


def _quoted(descriptor: str | None) -> str:
    return f"“{descriptor}”" if descriptor else "no descriptor seen yet"


def _refusal(ctx: CommandContext) -> Reply:
    return private(f"Changing this channel's pairs or hours needs {ctx.caller.needs}.")


def _unknown(ctx: CommandContext, raw: str) -> Reply:
    suggestions = ctx.countries.suggest(raw, limit=5)
    name = shown(raw) or "that"
    if suggestions:
        names = ", ".join(c.name for c in suggestions)
        return private(f"I don't know a country called “{name}”. Did you mean: {names}?")
    return private(
        f"I don't know a country called “{name}”. Use its English name, a common alias "
        "or its ISO code (e.g. India, IND)."
    )


def resolve_pair(ctx: CommandContext, a: str, b: str) -> Pair | Reply:
    """The pair two typed names stand for, or the reply that explains why there is none."""
    first = ctx.countries.lookup(a.strip())
    if first is None:
        return _unknown(ctx, a)
    second = ctx.countries.lookup(b.strip())
    if second is None:
        return _unknown(ctx, b)
    if first.code == second.code:
        return private(f"A pair needs two different countries; both names mean {first.name}.")
    return Pair.of(first, second)


def _pair_to_change(ctx: CommandContext, a: str, b: str) -> Pair | Reply:
    """The pair whose subscription the caller changes, or the reply refusing them or the names."""
    if not ctx.caller.can_manage:
        return _refusal(ctx)
    return resolve_pair(ctx, a, b)


def _chat_subscription(
    ctx: CommandContext, pair: Pair, *, missing: str, in_config: str
) -> Subscription | Reply:
    """The channel's subscription to ``pair``, when chat may change it; else the reply saying
    why not: the channel does not watch the pair (``missing`` ends that sentence), or the
    config file made the subscription (``in_config`` says what only the file can do)."""
    existing = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    if existing is None:
        return private(f"This channel does not watch {pair.label}{missing}")
    if existing.source is Origin.CONFIG:
        return private(f"{pair.label} is watched here because the config file says so; {in_config}")
    return existing


def pair_label(countries: CountryLookup, pair_key: str) -> str:
    """Readable name of a stored pair key, e.g. ``India–Russia``, the key if unknown."""
    codes = pair_key.split("-")
    names: list[str] = []
    for code in codes:
        country = countries.lookup(code)
        names.append(country.name if country else code)
    return "–".join(names)


def mute_length(text: str) -> timedelta | None:
    """How long ``/watch mute`` lasts: ``30m``, ``2h``, ``1d12h``; None if not a duration."""
    try:
        seconds = durations.parse_duration(text)
    except ValueError:
        return None
    # Anyone may type "99999999999w"; past what timedelta holds, it is simply "forever".
    return timedelta(seconds=min(seconds, _LONGEST_SECONDS))


@cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones() | {"UTC"}}


def parse_zone(text: str) -> str | None:
    """The IANA time zone a name stands for, in any case (``europe/paris``); None if none."""
    return _zones().get(text.strip().casefold())


def find_zones(typed: str, limit: int = 25) -> list[str]:
    """Time zones for a partly typed name: those containing it (cities first), then close ones."""
    key = typed.strip().casefold()
    if not key:
        return []
    names = sorted(_zones().values())
    containing = [n for n in names if key in n.casefold()]
    containing.sort(key=lambda n: not n.casefold().rsplit("/", 1)[-1].startswith(key))
    close = difflib.get_close_matches(key, list(_zones()), n=limit, cutoff=0.7)
    found = dict.fromkeys(containing + [_zones()[c] for c in close])
    return list(found)[:limit]


def _zone(typed: str | None) -> str | Reply:
    """The zone named, UTC when none is, or the reply saying the name is unknown."""
    if typed is None or not typed.strip():
        return "UTC"
    zone = parse_zone(typed)
    if zone is not None:
        return zone
    close = find_zones(typed, limit=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return private(
        f"I don't know a time zone called “{shown(typed)}”.{hint} "
        "Use an IANA name such as Europe/Paris, Asia/Kolkata or UTC."
    )


def parse_level(text: str) -> Level | None:
    """A corroboration level as typed: reported, multi-source (or multisource), official."""
    return _LEVEL_WORDS.get(text.strip().lower())


def _describe(sub: Subscription, ctx: CommandContext, now: datetime) -> str:
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


def add(ctx: CommandContext, a: str, b: str) -> Reply:
    """Subscribe the channel to a pair."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    existing = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    others = ""
    if existing is None:
        count = len(ctx.store.for_channel(ctx.platform, ctx.channel))
        if count >= MAX_PAIRS_PER_CHANNEL:
            return private(
                f"This channel already watches {count} pairs, the most one channel may; "
                "remove one first."
            )
    elif not existing.paused:
        where = " (set in the config file)" if existing.source is Origin.CONFIG else ""
        return private(f"This channel already watches {pair.label}{where}.")
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


def remove(ctx: CommandContext, a: str, b: str) -> Reply:
    """Unsubscribe the channel from a pair made in chat."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    existing = _chat_subscription(ctx, pair, missing=".", in_config="it can only be removed there.")
    if isinstance(existing, Reply):
        return existing
    ctx.store.remove(ctx.platform, ctx.channel, pair.key)
    return _public(f"This channel no longer watches {pair.label}.")


def list_pairs(ctx: CommandContext) -> Reply:
    """The channel's pairs with their level, mute, pause, origin and current wording."""
    subs = ctx.store.for_channel(ctx.platform, ctx.channel)
    if not subs:
        return private(
            f"This channel watches no pairs yet ({_hours(ctx)}). "
            "Add one with /watch add <country> <country>."
        )
    now = ctx.clock.now()
    noun = "pair" if len(subs) == 1 else "pairs"
    lines = [f"This channel watches {len(subs)} {noun} ({_hours(ctx)}):"]
    lines += [_describe(s, ctx, now) for s in subs]
    lines += _pings(ctx)
    return private("\n".join(lines))


def _pings(ctx: CommandContext) -> list[str]:
    """Who the channel's alerts ping, one line, for ``list``; nothing when nobody."""
    if ctx.pings is None:
        return []
    targets = ctx.pings.for_channel(ctx.platform, ctx.channel)
    if not targets:
        return []
    said = "; ".join(
        f"{ping_rules.target_label(target, ctx.platform)} for {', '.join(kinds)}"
        for target, kinds in targets
    )
    return [f"Alerts here ping {said}."]


def history(ctx: CommandContext, a: str, b: str) -> Reply:
    """The pair's current wording, recent changes and descriptors, with its chart when drawn."""
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
            # a report by one outlet not yet confirmed, or one that lapsed (issue 10)
            status = getattr(change, "status", ChangeStatus.ESTABLISHED)
            shown = "" if status is ChangeStatus.ESTABLISHED else f", {status.value}"
            lines.append(
                f"• {change.detected_at:%Y-%m-%d} {change.kind}: "
                f"{before}“{change.after}”, level {change.level}{shown}{where}"
            )
    chart = None
    if ctx.stories is not None:
        told = ctx.stories.lines(pair, HISTORY_DESCRIPTORS)
        if told:
            lines.append("Descriptors on record:")
            lines.extend(f"• {line}" for line in told)
        chart = ctx.stories.chart(pair)
    return Reply("\n".join(lines), ephemeral=True, attachment=chart)


def mute(ctx: CommandContext, a: str, b: str, duration: str) -> Reply:
    """Silence a pair in this channel for a while, or lift the mute with ``off``."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    existing = ctx.store.get(ctx.platform, ctx.channel, pair.key)
    if existing is None:
        return private(f"This channel does not watch {pair.label}, so there is nothing to mute.")
    if duration.strip().lower() in OFF_WORDS:
        ctx.store.mute(ctx.platform, ctx.channel, pair.key, None)
        return _public(f"{pair.label} is no longer muted in this channel.")
    length = mute_length(duration)
    if length is None:
        return private(
            f"“{shown(duration)}” is not a duration. Use minutes, hours, days or weeks: "
            "30m, 2h, 3d, 1w, or off."
        )
    length = min(length, MAX_MUTE)
    until = ctx.clock.now() + length
    ctx.store.mute(ctx.platform, ctx.channel, pair.key, until)
    return _public(f"{pair.label} is muted in this channel until {_when(until)}.")


def level(ctx: CommandContext, a: str, b: str, value: str) -> Reply:
    """Set how corroborated a change must be before it alerts this channel."""
    pair = _pair_to_change(ctx, a, b)
    if isinstance(pair, Reply):
        return pair
    wanted = parse_level(value)
    if wanted is None:
        return private(
            f"“{shown(value)}” is not a level. Choose reported, multi-source or official."
        )
    existing = _chat_subscription(
        ctx, pair, missing="; add it first.", in_config="its level is set there."
    )
    if isinstance(existing, Reply):
        return existing
    ctx.store.set_level(ctx.platform, ctx.channel, pair.key, wanted)
    return _public(
        f"{pair.label} now alerts this channel once a change is {wanted.value} "
        f"({LEVEL_MEANING[wanted]})."
    )


def why(ctx: CommandContext, a: str, b: str) -> Reply:
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
    return private("\n".join(lines))


def _hours(ctx: CommandContext) -> str:
    """The channel's digest and quiet hours in a few words, for ``list``."""
    schedule = ctx.store.schedule(ctx.platform, ctx.channel)
    if ctx.store.digest(ctx.platform, ctx.channel):
        digest = f"daily digest on, at {_clock(schedule.digest_at)} {schedule.digest_zone}"
    else:
        digest = "daily digest off"
    quiet = f"quiet hours {_span(schedule.quiet)}" if schedule.quiet else "no quiet hours"
    return f"{digest}; {quiet}"


def digest(
    ctx: CommandContext, value: str, at: str | None = None, zone: str | None = None
) -> Reply:
    """Switch the channel's daily digest on (at a time of day, in a zone) or off."""
    if not ctx.caller.can_manage:
        return _refusal(ctx)
    if "digest" in ctx.store.config_sets(ctx.platform, ctx.channel):
        return private(_SET_IN_CONFIG.format("daily digest"))
    choice = value.strip().lower()
    if choice not in {"on", "off"} or (choice == "off" and (at or zone)):
        return usage("digest")
    if choice == "off":
        ctx.store.set_digest(ctx.platform, ctx.channel, False)
        return _public("Daily digest off: this channel gets each alert as it happens.")
    if at is None and zone:
        return private("Give the time with the zone, e.g. /watch digest on 08:00 Asia/Kolkata.")
    if at is not None:
        try:
            when = parse_clock(at)
        except ValueError:
            return private(
                f"“{shown(at)}” is not a time of day. Say it as HH:MM, "
                "e.g. /watch digest on 08:00 Europe/Paris."
            )
        named = _zone(zone)
        if isinstance(named, Reply):
            return named
        ctx.store.set_digest_time(ctx.platform, ctx.channel, when, named)
    ctx.store.set_digest(ctx.platform, ctx.channel, True)
    schedule = ctx.store.schedule(ctx.platform, ctx.channel)
    return _public(
        "Daily digest on: this channel gets one summary a day, at "
        f"{_clock(schedule.digest_at)} {schedule.digest_zone}, instead of each alert."
    )


_SET_IN_CONFIG = "This channel's {} are set in the config file; change them there."


def quiet(ctx: CommandContext, span: str, zone: str | None = None) -> Reply:
    """Set the channel's quiet hours (alerts wait, then come as a digest), or ``off``."""
    if not ctx.caller.can_manage:
        return _refusal(ctx)
    if "quiet" in ctx.store.config_sets(ctx.platform, ctx.channel):
        return private(_SET_IN_CONFIG.format("quiet hours"))
    digest_on = ctx.store.digest(ctx.platform, ctx.channel)
    if span.strip().lower() in OFF_WORDS:
        if zone:
            return usage("quiet")
        ctx.store.set_quiet_hours(ctx.platform, ctx.channel, None)
        if digest_on:
            return _public("Quiet hours off; the daily digest still gathers this channel's alerts.")
        return _public("Quiet hours off: this channel gets each alert as it happens.")
    named = _zone(zone)
    if isinstance(named, Reply):
        return named
    try:
        hours = QuietHours.parse(span, named)
    except ValueError:
        return private(
            f"“{shown(span)}” is not a span of quiet hours. Give its start and end as HH:MM, "
            "e.g. /watch quiet 22:00-07:00 Europe/Paris, or say /watch quiet off."
        )
    ctx.store.set_quiet_hours(ctx.platform, ctx.channel, hours)
    text = (
        f"Quiet hours {_span(hours)}: alerts that come in then wait, and go out together "
        "as a digest when the quiet hours end."
    )
    if digest_on:
        text += " While the daily digest is on, it gathers every alert anyway."
    return _public(text)


def notify(ctx: CommandContext, words: Sequence[str]) -> Reply:
    """Ping a role, group or user for some kinds of change in this channel, or stop."""
    if not ctx.caller.can_manage:
        return _refusal(ctx)
    if ctx.pings is None:
        return private("Pings are not offered here.")
    if not words:
        return usage("notify")
    if len(words) == 1 and words[0].lower() in OFF_WORDS:
        if not ctx.pings.clear(ctx.platform, ctx.channel):
            return private("This channel's alerts ping nobody.")
        return _public("This channel's alerts ping nobody now.")
    target = ping_rules.parse_target(ctx.platform, words[0])
    if target is None:
        what = "a role or a user" if ctx.platform == "discord" else "a user group or a user"
        return private(f"“{shown(words[0])}” is not {what}: mention one, e.g. @analysts.")
    who = ping_rules.target_label(target, ctx.platform)
    if len(words) == 2 and words[1].lower() in OFF_WORDS:
        if ctx.pings.clear(ctx.platform, ctx.channel, target):
            return _public(f"This channel's alerts no longer ping {who}.")
        return private(f"This channel's alerts do not ping {who}.")
    kinds = ping_rules.parse_kinds(words[1:])
    if not kinds:
        return private(
            "Name the kinds of change that should ping: new, upgrade, downgrade, rewording, "
            "asymmetry, reaffirmed, or all; e.g. /watch notify @analysts downgrade."
        )
    ctx.pings.set(
        ctx.platform, ctx.channel, target, kinds, now=ctx.clock.now(), by=ctx.caller.user_id
    )
    named = ", ".join(k.value for k in kinds)
    return _public(f"Alerts in this channel now ping {who} for: {named}.")


def usage(sub: str) -> Reply:
    """How a subcommand is typed, for a line that did not fit it."""
    forms = {
        "add": "/watch add <country> <country>",
        "remove": "/watch remove <country> <country>",
        "history": "/watch history <country> <country>",
        "why": "/watch why <country> <country>",
        "mute": "/watch mute <country> <country> <duration>",
        "level": "/watch level <country> <country> <reported|multi-source|official>",
        "digest": "/watch digest on [HH:MM] [time zone], or /watch digest off",
        "quiet": "/watch quiet HH:MM-HH:MM [time zone], or /watch quiet off",
        "notify": "/watch notify <@role or @user> <kinds>, or /watch notify off",
    }
    return private(f"Usage: {forms[sub]}")


def help_reply() -> Reply:
    """The list of subcommands."""
    return private(HELP)

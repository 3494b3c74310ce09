"""Reading and validating the watchlist config (TOML). No business logic here.

Every problem is collected and reported at once, each naming the file, the key and what is
wrong; unknown keys are errors so that a typo never passes silently. Secrets never live in
this file: tokens and webhook URLs come from the environment.

Each section's keys are written once, in the schemas below, with how each is checked; a key
left out takes the default of the value it fills (``FeedSpec``, ``FetchLimits``,
``FullTextLimits``, ``Rules``, the settings here), so no default is written twice. The
descriptor lexicon the config names (or the shipped one) is read here too, once, and its
problems are listed with the config's.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.chat.decide import QuietHours, parse_clock
from bot.chat.ports import PLATFORMS as CHAT_PLATFORMS
from bot.durations import parse_duration
from watchers.detect import Rules
from watchers.errors import ConfigError, Problem
from watchers.fetch import FetchLimits
from watchers.fulltext import FullTextLimits
from watchers.model import Level, Pair
from watchers.ports import CountryLookup
from watchers.tiers import Lexicon, load_lexicon, shipped_lexicon
from watchers.watcher import FeedSpec

# Upper bounds that keep every duration a date can hold: "forever" typed as a huge number
# would otherwise pass here and fail every poll.
LONGEST_POLL = 365 * 86400
HUNDRED_YEARS_DAYS = 36500

ENV_CONFIG = "PARTNERSHIP_WATCH_CONFIG"
DEFAULT_CONFIG = Path("config/watchlist.toml")
PLATFORMS = tuple(CHAT_PLATFORMS)
"""Where a subscription can point: the chat platforms, by kind."""


@dataclass(frozen=True)
class SubscriptionSpec:
    """A channel's subscription written in the config file."""

    platform: str
    channel: str
    pairs: tuple[Pair, ...]
    level: Level = Level.REPORTED
    webhook_env: str | None = None
    """Discord only: the environment variable holding this channel's webhook URL."""
    hours: ConfigHours | None = None
    """The channel's quiet hours and daily digest, when the file sets them."""


@dataclass(frozen=True)
class ConfigHours:
    """A channel's quiet hours and daily digest as a ``[[subscriptions]]`` table sets them.

    What the table names is the file's to set (chat commands then refuse to change it); what
    it leaves out stays the channel's to set from chat.
    """

    quiet: QuietHours | None = None
    """The quiet hours; None for none (when ``sets_quiet``)."""
    sets_quiet: bool = False
    digest_at: time | None = None
    """When the daily digest goes out; None for no digest (when ``sets_digest``)."""
    sets_digest: bool = False
    zone: str = "UTC"


@dataclass(frozen=True)
class DiscordSettings:
    """The ``[discord]`` section."""

    api_base: str | None = None
    manage_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlackSettings:
    """The ``[slack]`` section."""

    api_base: str | None = None
    mode: str = "socket"
    port: int = 3000
    bind: str = "0.0.0.0"
    """HTTP mode: the address the request server listens on (``127.0.0.1`` behind a proxy)."""
    admin_users: tuple[str, ...] = ()
    admin_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetricsSettings:
    """The ``[metrics]`` section: where ``run`` serves ``/metrics`` and ``/healthz``."""

    bind: tuple[str, int] | None = None
    """(host, port), or None: no metrics server (the default)."""


@dataclass(frozen=True)
class Config:
    """The whole validated config."""

    path: Path
    feeds: tuple[FeedSpec, ...]
    pairs: tuple[Pair, ...]
    subscriptions: tuple[SubscriptionSpec, ...] = ()
    store_path: Path = Path("data/partnership-watch.sqlite3")
    store_url: str | None = None
    """``[store] url``: a PostgreSQL database instead of the SQLite file."""
    fetch: FetchLimits = field(default_factory=FetchLimits)
    fulltext: FullTextLimits = field(default_factory=FullTextLimits)
    """Limits on reading article pages for feeds marked ``fulltext``."""
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    alerts: Rules = field(default_factory=Rules)
    """The ``[alerts]`` section: flip-flop window, syndication, backdating, reaffirmed."""
    lexicon_path: Path | None = None
    """``[alerts] lexicon``: a descriptor lexicon of the user's own instead of the shipped one."""
    lexicon: Lexicon = field(default_factory=shipped_lexicon)
    """The descriptor lexicon read from ``lexicon_path`` (the shipped one when None)."""

    @property
    def store_location(self) -> str:
        """Where the store is: the PostgreSQL URL if one is set, else the SQLite file."""
        return self.store_url if self.store_url is not None else str(self.store_path)

    def watched_keys(self) -> frozenset[str]:
        """Keys of every pair watched by the watchlist or a config subscription."""
        keys = {p.key for p in self.pairs}
        keys.update(p.key for s in self.subscriptions for p in s.pairs)
        return frozenset(keys)


def config_path(cli_path: str | None) -> Path:
    """Which config file to use: ``--config``, else $PARTNERSHIP_WATCH_CONFIG, else the default."""
    if cli_path:
        return Path(cli_path)
    if os.environ.get(ENV_CONFIG):
        return Path(os.environ[ENV_CONFIG])
    return DEFAULT_CONFIG


def load_config(path: Path, countries: CountryLookup) -> Config:
    """Read and validate a config file and its lexicon; ConfigError lists every problem."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError([Problem(str(path), "-", "file not found")]) from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([Problem(str(path), "-", f"cannot read: {e}")]) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([Problem(str(path), "-", f"not valid TOML: {e}")]) from e
    return _Reader(path, countries).config(raw)


_BAD = object()
"""What a check returns for a value it reported as a problem."""

Check = Callable[["_Reader", str, Any], Any]
"""Reads one value at a key: the value to use, or ``_BAD`` once the problem is reported."""


def _kind(kind: type, name: str) -> Check:
    def check(reader: _Reader, key: str, value: Any) -> Any:
        # bool is an int in Python; a port of `true` is still wrong
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return reader.bad(key, f"must be {name}, got {value!r}")
        return value

    return check


_text = _kind(str, "a string")
_flag = _kind(bool, "true or false")
_whole = _kind(int, "a whole number")


def _positive(most: float | None = None, *, whole: bool = False) -> Check:
    def check(reader: _Reader, key: str, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return reader.bad(key, f"must be a positive number, got {value!r}")
        if most is not None and value > most:
            return reader.bad(key, f"must be at most {most:g}, got {value!r}")
        return int(value) if whole else float(value)

    return check


def _duration(reader: _Reader, key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return reader.bad(key, f'must be a duration such as "15m", got {value!r}')
    try:
        seconds = parse_duration(value)
    except ValueError as e:
        return reader.bad(key, str(e))
    if seconds < 60:
        return reader.bad(
            key, f"polling more often than once a minute is unkind to publishers, got {value!r}"
        )
    if seconds > LONGEST_POLL:
        return reader.bad(key, f"must be at most a year (365d), got {value!r}")
    return seconds


def _url(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    if not value.startswith(("http://", "https://")):
        return reader.bad(key, f"must be an http(s) URL, got {value!r}")
    return value


def _postgres_url(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres"):
        return reader.bad(key, f"must be a postgresql:// URL, got {parts.scheme!r}")
    if parts.password is not None or "password=" in parts.query:
        # secrets come only from the environment: libpq reads PGPASSWORD or ~/.pgpass
        return reader.bad(key, "must not hold a password; set PGPASSWORD (or use ~/.pgpass)")
    return value


def _strings(reader: _Reader, key: str, value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return reader.bad(key, "must be an array of strings")
    return tuple(value)


def _level(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    try:
        return Level(value)
    except ValueError:
        choices = ", ".join(lv.value for lv in Level)
        return reader.bad(key, f"must be one of {choices}, got {value!r}")


def _platform(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    if value == "console":
        # The terminal shows every change already, whatever is subscribed.
        return reader.bad(
            key,
            "console is not a chat platform: poll and run print every change to the terminal "
            f"already; subscribe a channel of {' or '.join(PLATFORMS)}",
        )
    if value not in PLATFORMS:
        return reader.bad(key, f"must be one of {', '.join(PLATFORMS)}, got {value!r}")
    return value


def _slack_mode(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    if value not in ("socket", "http"):
        return reader.bad(key, f'must be "socket" or "http", got {value!r}')
    return value


def _port(reader: _Reader, key: str, value: Any) -> Any:
    if _whole(reader, key, value) is _BAD:
        return _BAD
    if not 0 < value < 65536:
        return reader.bad(key, f"must be a TCP port, got {value}")
    return value


def _at_least_one(reader: _Reader, key: str, value: Any) -> Any:
    if _whole(reader, key, value) is _BAD:
        return _BAD
    if value < 1:
        return reader.bad(key, f"must be at least 1, got {value}")
    return value


def _zone(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return reader.bad(key, f"is not a known IANA time zone, got {value!r}")
    return value


def _span_or_off(reader: _Reader, key: str, value: Any) -> Any:
    """Quiet hours as ``"22:00-07:00"`` (read in the table's time zone later), or ``"off"``."""
    if _text(reader, key, value) is _BAD:
        return _BAD
    if value.strip().lower() == "off":
        return None
    try:
        return QuietHours.parse(value)
    except ValueError:
        return reader.bad(key, f'must look like "22:00-07:00", or "off"; got {value!r}')


def _clock_or_off(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    if value.strip().lower() == "off":
        return None
    try:
        return parse_clock(value)
    except ValueError:
        return reader.bad(key, f'must be a time of day like "09:00", or "off"; got {value!r}')


def _processes(reader: _Reader, key: str, value: Any) -> Any:
    if _whole(reader, key, value) is _BAD:
        return _BAD
    if not 0 <= value <= 64:
        return reader.bad(key, f"must be from 0 (none: read in threads) to 64, got {value}")
    return value


def _bind(reader: _Reader, key: str, value: Any) -> Any:
    if _text(reader, key, value) is _BAD:
        return _BAD
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        return reader.bad(key, f'must be "host:port", like "127.0.0.1:9108"; got {value!r}')
    return (host.strip("[]"), int(port))


def _any(reader: _Reader, key: str, value: Any) -> Any:
    return value  # checked by the section's own reader


# The keys of each section, once, with how each is checked.
TOP_KEYS: dict[str, Check] = dict.fromkeys(
    (
        "defaults", "store", "feeds", "watch", "subscriptions", "discord", "slack", "alerts",
        "metrics",
    ),
    _any,
)  # fmt: skip
DEFAULTS_KEYS: dict[str, Check] = {
    "poll_interval": _duration,
    "baseline": _flag,
    "connect_timeout": _positive(),
    "read_timeout": _positive(),
    "deadline": _positive(),
    "max_bytes": _positive(whole=True),
    "max_redirects": _positive(whole=True),
    "polls_at_once": _positive(whole=True, most=1000),
    "fetches_at_once": _positive(whole=True, most=1000),
    "bytes_ahead": _positive(whole=True),
    "polls_per_host": _positive(whole=True, most=100),
    "reading_processes": _processes,
    "fulltext": _flag,
    "fulltext_max_bytes": _positive(whole=True),
    "fulltext_deadline": _positive(),
}
STORE_KEYS: dict[str, Check] = {"path": _text, "url": _postgres_url}
FEED_KEYS: dict[str, Check] = {
    "name": _text,
    "url": _url,
    "poll_interval": _duration,
    "official": _flag,
    "baseline": _flag,
    "fulltext": _flag,
}
WATCH_KEYS: dict[str, Check] = {"pairs": _any}
SUBSCRIPTION_KEYS: dict[str, Check] = {
    "platform": _platform,
    "channel": _text,
    "pairs": _any,
    "level": _level,
    "webhook_env": _text,
    "quiet": _span_or_off,
    "digest": _clock_or_off,
    "timezone": _zone,
}
DISCORD_KEYS: dict[str, Check] = {"api_base": _url, "manage_roles": _strings}
SLACK_KEYS: dict[str, Check] = {
    "api_base": _url,
    "mode": _slack_mode,
    "port": _port,
    "bind": _text,
    "admin_users": _strings,
    "admin_groups": _strings,
}
METRICS_KEYS: dict[str, Check] = {"bind": _bind}
ALERTS_KEYS: dict[str, Check] = {
    "flipflop_descriptors": _at_least_one,
    "flipflop_days": _positive(most=HUNDRED_YEARS_DAYS),
    "syndication_hours": _positive(most=HUNDRED_YEARS_DAYS * 24),
    "backdate_days": _positive(most=HUNDRED_YEARS_DAYS),
    "reaffirmed": _flag,
    "confirm_days": _positive(most=HUNDRED_YEARS_DAYS),
    "lexicon": _text,
}

# Config keys that fill a field of another name.
_FETCH = {
    k: k
    for k in (
        "connect_timeout", "read_timeout", "deadline", "max_bytes", "max_redirects",
        "polls_at_once", "fetches_at_once", "bytes_ahead", "polls_per_host",
        "reading_processes",
    )
}  # fmt: skip
_FULLTEXT = {"fulltext_max_bytes": "max_bytes", "fulltext_deadline": "deadline"}
_FEED_DEFAULTS = {"poll_interval": "poll_interval", "baseline": "baseline", "fulltext": "fulltext"}


def _hours(values: Mapping[str, Any]) -> ConfigHours | None:
    """The quiet hours and digest a subscription table sets, in its ``timezone`` (UTC)."""
    if not {"quiet", "digest", "timezone"} & values.keys():
        return None
    zone = values.get("timezone", ConfigHours.zone)  # the dataclass holds the default
    quiet = values.get("quiet")
    return ConfigHours(
        quiet=QuietHours(quiet.start, quiet.end, zone) if quiet is not None else None,
        sets_quiet="quiet" in values,
        digest_at=values.get("digest"),
        sets_digest="digest" in values,
        zone=zone,
    )


def _fields(values: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """The given ``values`` under the field names they fill; absent ones keep defaults."""
    return {field_name: values[key] for key, field_name in names.items() if key in values}


class _Reader:
    """Walks the parsed TOML, building values and collecting problems."""

    def __init__(self, path: Path, countries: CountryLookup) -> None:
        self.path = path
        self.countries = countries
        self.problems: list[Problem] = []

    def problem(self, key: str, reason: str) -> None:
        self.problems.append(Problem(str(self.path), key, reason))

    def bad(self, key: str, reason: str) -> Any:
        """Report a problem at ``key``; the value is left out."""
        self.problem(key, reason)
        return _BAD

    def section(
        self,
        raw: Any,
        key: str,
        schema: Mapping[str, Check],
        *,
        required: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        """The checked values of one table, by key; None when it is not a table."""
        if not isinstance(raw, dict):
            self.problem(key, "must be a table")
            return None
        for name in raw:
            if name not in schema:
                where = f"{key}.{name}" if key else name
                expected = ", ".join(sorted(schema))
                self.problem(where, f"unknown key (expected one of: {expected})")
        values = {}
        for name, check in schema.items():
            where = f"{key}.{name}" if key else name
            if name not in raw:
                if name in required:
                    self.problem(where, "is required")
                continue
            value = check(self, where, raw[name])
            if value is not _BAD:
                values[name] = value
        return values

    def config(self, raw: dict[str, Any]) -> Config:
        top = self.section(raw, "", TOP_KEYS) or {}
        defaults = self.section(top.get("defaults", {}), "defaults", DEFAULTS_KEYS) or {}
        store = self.section(top.get("store", {}), "store", STORE_KEYS) or {}
        feeds = self.feeds(top.get("feeds", []), _fields(defaults, _FEED_DEFAULTS))
        watch = self.section(top.get("watch", {}), "watch", WATCH_KEYS) or {}
        pairs = self.pairs(watch.get("pairs", []), "watch.pairs")
        subscriptions = self.subscriptions(top.get("subscriptions", []))
        discord = self.section(top.get("discord", {}), "discord", DISCORD_KEYS) or {}
        slack = self.section(top.get("slack", {}), "slack", SLACK_KEYS) or {}
        alerts = self.section(top.get("alerts", {}), "alerts", ALERTS_KEYS) or {}
        metrics = self.section(top.get("metrics", {}), "metrics", METRICS_KEYS) or {}
        # A relative lexicon path is read from the config file's folder.
        lexicon_path = self.path.parent / alerts.pop("lexicon") if "lexicon" in alerts else None
        lexicon = self.lexicon(lexicon_path)
        if "url" in store and "path" in store:
            self.problem("store.url", "give either path (SQLite) or url (PostgreSQL), not both")
        if self.problems:
            raise ConfigError(self.problems)
        assert lexicon is not None  # a lexicon that failed to load is a problem above
        optional: dict[str, Any] = {"store_path": Path(store["path"])} if "path" in store else {}
        if "url" in store:
            optional["store_url"] = store["url"]
        return Config(
            path=self.path,
            feeds=feeds,
            pairs=pairs,
            subscriptions=subscriptions,
            fetch=FetchLimits(**_fields(defaults, _FETCH)),
            fulltext=FullTextLimits(**_fields(defaults, _FULLTEXT)),
            discord=DiscordSettings(**discord),
            slack=SlackSettings(**slack),
            metrics=MetricsSettings(**metrics),
            alerts=Rules(**alerts),
            lexicon_path=lexicon_path,
            lexicon=lexicon,
            **optional,
        )

    def lexicon(self, path: Path | None) -> Lexicon | None:
        """The lexicon at ``path`` (the shipped one when None); its problems join ours."""
        try:
            return load_lexicon(path)
        except ConfigError as e:
            self.problems.extend(e.problems)
            return None

    # sections that are lists

    def feeds(self, raw: Any, defaults: dict[str, Any]) -> tuple[FeedSpec, ...]:
        if not isinstance(raw, list):
            self.problem("feeds", "must be an array of tables ([[feeds]])")
            return ()
        out: list[FeedSpec] = []
        names: set[str] = set()

        def unique_name(reader: _Reader, key: str, value: Any) -> Any:
            if _text(reader, key, value) is _BAD:
                return _BAD
            if value in names:
                return reader.bad(key, f"duplicate feed name {value!r}")
            names.add(value)
            return value

        schema = FEED_KEYS | {"name": unique_name}
        for i, item in enumerate(raw):
            values = self.section(item, f"feeds[{i}]", schema, required=("name", "url"))
            if values is not None and "name" in values and "url" in values:
                out.append(FeedSpec(**(defaults | values)))
        return tuple(out)

    def pairs(self, raw: Any, key: str) -> tuple[Pair, ...]:
        if not isinstance(raw, list):
            self.problem(key, 'must be an array of pairs like [["India", "Russia"]]')
            return ()
        out: list[Pair] = []
        for i, item in enumerate(raw):
            where = f"{key}[{i}]"
            if not (
                isinstance(item, list) and len(item) == 2 and all(isinstance(n, str) for n in item)
            ):
                self.problem(where, 'must be two country names, like ["India", "Russia"]')
                continue
            found = []
            for name in item:
                country = self.countries.lookup(name)
                if country is None:
                    hints = ", ".join(c.name for c in self.countries.suggest(name, 3))
                    self.problem(
                        where,
                        f"unknown country {name!r}"
                        + (f" (did you mean {hints}?)" if hints else ""),
                    )
                else:
                    found.append(country)
            if len(found) == 2:
                if found[0].code == found[1].code:
                    self.problem(
                        where, f"a pair needs two different countries, got {item[0]!r} twice"
                    )
                else:
                    out.append(Pair.of(found[0], found[1]))
        return tuple(out)

    def subscriptions(self, raw: Any) -> tuple[SubscriptionSpec, ...]:
        if not isinstance(raw, list):
            self.problem("subscriptions", "must be an array of tables ([[subscriptions]])")
            return ()
        out = []
        for i, item in enumerate(raw):
            key = f"subscriptions[{i}]"
            values = self.section(item, key, SUBSCRIPTION_KEYS, required=("platform", "channel"))
            if values is None:
                continue
            platform, channel = values.get("platform"), values.get("channel")
            pairs = self.pairs(values.get("pairs", []), f"{key}.pairs")
            webhook_env = values.get("webhook_env")
            if webhook_env is not None and platform != "discord":
                self.problem(f"{key}.webhook_env", "only Discord channels take a webhook")
            numeric = channel is not None and channel.isascii() and channel.isdigit()
            if platform == "discord" and webhook_env is None and channel and not numeric:
                self.problem(
                    f"{key}.channel",
                    "a Discord channel is named by its numeric id (Developer Mode, then Copy "
                    f"Channel ID), unless webhook_env names its webhook; got {channel!r}",
                )
            if webhook_env is not None and "://" in webhook_env:
                self.problem(
                    f"{key}.webhook_env",
                    "names an environment variable holding the webhook URL; "
                    "never put the URL itself here",
                )
            if platform and channel:
                level = values.get("level", SubscriptionSpec.level)
                hours = _hours(values)
                out.append(SubscriptionSpec(platform, channel, pairs, level, webhook_env, hours))
        hours_of: dict[tuple[str, str], ConfigHours] = {}
        for i, spec in enumerate(out):
            where = (spec.platform, spec.channel)
            if spec.hours is None:
                continue
            if hours_of.setdefault(where, spec.hours) != spec.hours:
                self.problem(
                    f"subscriptions[{i}]",
                    f"sets other quiet hours or digest for {spec.platform} channel "
                    f"{spec.channel!r} than an earlier table; set them once per channel",
                )
        return tuple(out)

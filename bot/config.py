"""Reading and validating the watchlist config (TOML). No business logic here.

Every problem is collected and reported at once, each naming the file, the key and what is
wrong; unknown keys are errors so that a typo never passes silently. Secrets never live in
this file: tokens and webhook URLs come from the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.chat.ports import PLATFORMS as CHAT_PLATFORMS
from bot.durations import parse_duration
from watchers.detect import Rules
from watchers.errors import ConfigError, Problem
from watchers.fetch import FetchLimits
from watchers.fulltext import FullTextLimits
from watchers.model import Level, Pair
from watchers.ports import CountryLookup
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
    admin_users: tuple[str, ...] = ()
    admin_groups: tuple[str, ...] = ()


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
    alerts: Rules = field(default_factory=Rules)
    """The ``[alerts]`` section: flip-flop window, syndication, backdating, reaffirmed."""
    lexicon_path: Path | None = None
    """``[alerts] lexicon``: a descriptor lexicon of the user's own instead of the shipped one."""

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
    """Read and validate a config file; ConfigError lists every problem found."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError([Problem(str(path), "-", "file not found")]) from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError([Problem(str(path), "-", f"cannot read: {e}")]) from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([Problem(str(path), "-", f"not valid TOML: {e}")]) from e
    return _Reader(path, countries).config(raw)


class _Reader:
    """Walks the parsed TOML, building values and collecting problems."""

    def __init__(self, path: Path, countries: CountryLookup) -> None:
        self.path = path
        self.countries = countries
        self.problems: list[Problem] = []

    def problem(self, key: str, reason: str) -> None:
        self.problems.append(Problem(str(self.path), key, reason))

    def config(self, raw: dict[str, Any]) -> Config:
        self.only(
            raw,
            "",
            {"defaults", "store", "feeds", "watch", "subscriptions", "discord", "slack", "alerts"},
        )
        defaults = self.table(raw, "defaults")
        self.only(
            defaults,
            "defaults",
            {
                "poll_interval",
                "baseline",
                "connect_timeout",
                "read_timeout",
                "deadline",
                "max_bytes",
                "max_redirects",
                "fulltext",
                "fulltext_max_bytes",
                "fulltext_deadline",
            },
        )
        interval = self.duration(defaults, "defaults.poll_interval", "30m")
        baseline = self.value(defaults, "defaults.baseline", bool, True)
        fetch = FetchLimits(
            connect_timeout=self.number(defaults, "defaults.connect_timeout", 10.0),
            read_timeout=self.number(defaults, "defaults.read_timeout", 20.0),
            deadline=self.number(defaults, "defaults.deadline", 60.0),
            max_bytes=int(self.number(defaults, "defaults.max_bytes", 5_000_000)),
            max_redirects=int(self.number(defaults, "defaults.max_redirects", 5)),
        )
        fulltext = self.value(defaults, "defaults.fulltext", bool, False)
        fulltext_limits = FullTextLimits(
            max_bytes=int(self.number(defaults, "defaults.fulltext_max_bytes", 2_000_000)),
            deadline=self.number(defaults, "defaults.fulltext_deadline", 20.0),
        )
        store = self.table(raw, "store")
        self.only(store, "store", {"path", "url"})
        store_path = Path(self.value(store, "store.path", str, "data/partnership-watch.sqlite3"))
        store_url = self.store_url(store)

        feeds = self.feeds(raw.get("feeds", []), interval, baseline, fulltext)
        watch = self.table(raw, "watch")
        self.only(watch, "watch", {"pairs"})
        pairs = self.pairs(watch.get("pairs", []), "watch.pairs")
        subscriptions = self.subscriptions(raw.get("subscriptions", []))
        discord = self.discord(self.table(raw, "discord"))
        slack = self.slack(self.table(raw, "slack"))
        alerts, lexicon = self.alerts(self.table(raw, "alerts"))
        if self.problems:
            raise ConfigError(self.problems)
        return Config(
            path=self.path,
            feeds=feeds,
            pairs=pairs,
            subscriptions=subscriptions,
            store_path=store_path,
            store_url=store_url,
            fetch=fetch,
            fulltext=fulltext_limits,
            discord=discord,
            slack=slack,
            alerts=alerts,
            lexicon_path=lexicon,
        )

    # sections

    def feeds(
        self, raw: Any, interval: float, baseline: bool, fulltext: bool
    ) -> tuple[FeedSpec, ...]:
        if not isinstance(raw, list):
            self.problem("feeds", "must be an array of tables ([[feeds]])")
            return ()
        out, names = [], set()
        for i, item in enumerate(raw):
            key = f"feeds[{i}]"
            if not isinstance(item, dict):
                self.problem(key, "must be a table")
                continue
            self.only(
                item, key, {"name", "url", "poll_interval", "official", "baseline", "fulltext"}
            )
            name = self.value(item, f"{key}.name", str, None, required=True)
            url = self.value(item, f"{key}.url", str, None, required=True)
            if name is not None and name in names:
                self.problem(f"{key}.name", f"duplicate feed name {name!r}")
            if url is not None and not url.startswith(("http://", "https://")):
                self.problem(f"{key}.url", f"must be an http(s) URL, got {url!r}")
            if name is None or url is None:
                continue
            names.add(name)
            out.append(
                FeedSpec(
                    name=name,
                    url=url,
                    official=self.value(item, f"{key}.official", bool, False),
                    poll_interval=self.duration(item, f"{key}.poll_interval", None) or interval,
                    baseline=self.value(item, f"{key}.baseline", bool, baseline),
                    fulltext=self.value(item, f"{key}.fulltext", bool, fulltext),
                )
            )
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
            if not isinstance(item, dict):
                self.problem(key, "must be a table")
                continue
            self.only(item, key, {"platform", "channel", "pairs", "level", "webhook_env"})
            platform = self.value(item, f"{key}.platform", str, None, required=True)
            if platform == "console":
                # The terminal shows every change already, whatever is subscribed.
                self.problem(
                    f"{key}.platform",
                    "console is not a chat platform: poll and run print every change to the "
                    f"terminal already; subscribe a channel of {' or '.join(PLATFORMS)}",
                )
            elif platform is not None and platform not in PLATFORMS:
                self.problem(
                    f"{key}.platform", f"must be one of {', '.join(PLATFORMS)}, got {platform!r}"
                )
            channel = self.value(item, f"{key}.channel", str, None, required=True)
            pairs = self.pairs(item.get("pairs", []), f"{key}.pairs")
            level = self.choice(item, f"{key}.level", Level, Level.REPORTED)
            webhook_env = self.value(item, f"{key}.webhook_env", str, None)
            if webhook_env is not None and platform != "discord":
                self.problem(f"{key}.webhook_env", "only Discord channels take a webhook")
            numeric = bool(channel) and channel.isascii() and channel.isdigit()
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
                out.append(SubscriptionSpec(platform, channel, pairs, level, webhook_env))
        return tuple(out)

    def discord(self, raw: dict[str, Any]) -> DiscordSettings:
        self.only(raw, "discord", {"api_base", "manage_roles"})
        return DiscordSettings(
            api_base=self.url(raw, "discord.api_base"),
            manage_roles=self.strings(raw, "discord.manage_roles"),
        )

    def slack(self, raw: dict[str, Any]) -> SlackSettings:
        self.only(raw, "slack", {"api_base", "mode", "port", "admin_users", "admin_groups"})
        mode = self.value(raw, "slack.mode", str, "socket")
        if mode not in ("socket", "http"):
            self.problem("slack.mode", f'must be "socket" or "http", got {mode!r}')
        port = self.value(raw, "slack.port", int, 3000)
        if not 0 < port < 65536:
            self.problem("slack.port", f"must be a TCP port, got {port}")
        return SlackSettings(
            api_base=self.url(raw, "slack.api_base"),
            mode=mode,
            port=port,
            admin_users=self.strings(raw, "slack.admin_users"),
            admin_groups=self.strings(raw, "slack.admin_groups"),
        )

    def alerts(self, raw: dict[str, Any]) -> tuple[Rules, Path | None]:
        keys = {
            "flipflop_descriptors",
            "flipflop_days",
            "syndication_hours",
            "backdate_days",
            "reaffirmed",
            "lexicon",
        }
        self.only(raw, "alerts", keys)
        d = Rules()
        descriptors = self.value(raw, "alerts.flipflop_descriptors", int, d.flipflop_descriptors)
        if descriptors < 1:
            self.problem("alerts.flipflop_descriptors", f"must be at least 1, got {descriptors}")
        days, hours = HUNDRED_YEARS_DAYS, HUNDRED_YEARS_DAYS * 24
        rules = Rules(
            flipflop_descriptors=max(descriptors, 1),
            flipflop_days=self.number(raw, "alerts.flipflop_days", d.flipflop_days, most=days),
            syndication_hours=self.number(
                raw, "alerts.syndication_hours", d.syndication_hours, most=hours
            ),
            backdate_days=(
                self.number(raw, "alerts.backdate_days", 1.0, most=days)
                if "backdate_days" in raw
                else None
            ),
            reaffirmed=self.value(raw, "alerts.reaffirmed", bool, d.reaffirmed),
        )
        lexicon = self.value(raw, "alerts.lexicon", str, None)
        # A relative lexicon path is read from the config file's folder.
        return rules, (self.path.parent / lexicon) if lexicon else None

    def store_url(self, store: dict[str, Any]) -> str | None:
        url = self.value(store, "store.url", str, None)
        if url is None:
            return None
        if "path" in store:
            self.problem("store.url", "give either path (SQLite) or url (PostgreSQL), not both")
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgres"):
            self.problem("store.url", f"must be a postgresql:// URL, got {parts.scheme!r}")
            return None
        if parts.password is not None or "password=" in parts.query:
            # secrets come only from the environment: libpq reads PGPASSWORD or ~/.pgpass
            self.problem(
                "store.url", "must not hold a password; set PGPASSWORD (or use ~/.pgpass)"
            )
            return None
        return str(url)

    # typed values

    def only(self, table: dict[str, Any], key: str, allowed: set[str]) -> None:
        for name in table:
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                self.problem(where, f"unknown key (expected one of: {', '.join(sorted(allowed))})")

    def table(self, raw: dict[str, Any], key: str) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, "must be a table")
            return {}
        return value

    def value(
        self, table: dict[str, Any], key: str, kind: type, default: Any, *, required: bool = False
    ) -> Any:
        name = key.rsplit(".", 1)[-1]
        if name not in table:
            if required:
                self.problem(key, "is required")
            return default
        value = table[name]
        # bool is an int in Python; a port of `true` is still wrong
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(key, f"must be {_kind_name(kind)}, got {value!r}")
            return default
        return value

    def number(
        self, table: dict[str, Any], key: str, default: float, *, most: float | None = None
    ) -> float:
        name = key.rsplit(".", 1)[-1]
        value = table.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.problem(key, f"must be a positive number, got {value!r}")
            return default
        if most is not None and value > most:
            self.problem(key, f"must be at most {most:g}, got {value!r}")
            return default
        return float(value)

    def duration(self, table: dict[str, Any], key: str, default: str | None) -> float:
        name = key.rsplit(".", 1)[-1]
        value = table.get(name, default)
        if value is None:
            return 0.0
        if not isinstance(value, str):
            self.problem(key, f'must be a duration such as "15m", got {value!r}')
            return parse_duration(default) if default else 0.0
        try:
            seconds = parse_duration(value)
        except ValueError as e:
            self.problem(key, str(e))
            return parse_duration(default) if default else 0.0
        if seconds < 60:
            self.problem(
                key, f"polling more often than once a minute is unkind to publishers, got {value!r}"
            )
        if seconds > LONGEST_POLL:
            self.problem(key, f"must be at most a year (365d), got {value!r}")
            return parse_duration(default) if default else 0.0
        return seconds

    def choice(
        self, table: dict[str, Any], key: str, enum: Callable[[str], Level], default: Level
    ) -> Level:
        value = self.value(table, key, str, None)
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            self.problem(
                key, f"must be one of {', '.join(lv.value for lv in Level)}, got {value!r}"
            )
            return default

    def strings(self, table: dict[str, Any], key: str) -> tuple[str, ...]:
        value = table.get(key.rsplit(".", 1)[-1], [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be an array of strings")
            return ()
        return tuple(value)

    def url(self, table: dict[str, Any], key: str) -> str | None:
        value: str | None = self.value(table, key, str, None)
        if value is not None and not value.startswith(("http://", "https://")):
            self.problem(key, f"must be an http(s) URL, got {value!r}")
            return None
        return value


def _kind_name(kind: type) -> str:
    return {str: "a string", bool: "true or false", int: "a whole number"}.get(kind, kind.__name__)

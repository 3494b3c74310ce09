"""The exception tree of partnership-watch.

    PartnershipWatchError
    ├── ConfigError        a config or data file is wrong; carries every problem found
    │   └── TokenRefused   a chat platform refused the token set in the environment
    ├── InputError         a file named on the command line cannot be read
    ├── FeedError          one feed could not be used this cycle (the others go on)
    │   ├── FetchError     network, HTTP status, timeout, size cap
    │   └── ParseError     the body is not a feed we can read
    ├── StoreError         a store cannot be opened, migrated or written
    │   └── DatabaseError  the database refused a statement or went away
    ├── HistoryError       history, export or import cannot be done as asked (no store yet,
    │                      an export that cannot be written)
    ├── ChartError         a chart cannot be drawn or written
    │   └── ChartsUnavailable  the ``[charts]`` extra (matplotlib) is not installed
    ├── PlatformUnreachable  a chat platform's API did not answer at start
    └── DeliveryError      a message could not reach one chat channel
        │                  (``permanent``: the channel is gone or forbids us; stop trying)
        └── MessageGone    the message to edit was deleted; the channel is fine

The command line exits 2 for a ``ConfigError`` (a refused token included, whichever
command met it) and for an ``InputError`` (bad usage), and 1 for any other of these.
Library errors are wrapped with ``raise ... from e`` so the cause stays visible in logs
while users see one clear line.
"""

from __future__ import annotations

from dataclasses import dataclass


class PartnershipWatchError(Exception):
    """Base class of every error this project raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config or data file: where, and why."""

    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}"


class ConfigError(PartnershipWatchError):
    """A config or data file is invalid; ``problems`` lists everything found at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FeedError(PartnershipWatchError):
    """One feed failed this cycle; carries the feed's name."""

    def __init__(self, feed: str, message: str) -> None:
        self.feed = feed
        self.message = message
        super().__init__(f"feed {feed!r}: {message}")


class FetchError(FeedError):
    """The feed could not be fetched (network, status, timeout, size)."""


class ParseError(FeedError):
    """The fetched body is not a feed."""


class TokenRefused(ConfigError):
    """A chat platform refused a token; the problem names the environment variable."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__([Problem("environment", variable, reason)])


class InputError(PartnershipWatchError):
    """An input file named on the command line cannot be read."""


class StoreError(PartnershipWatchError):
    """A store cannot be opened, migrated or written."""


class DatabaseError(StoreError):
    """The database refused a statement or went away (SQLite or PostgreSQL alike)."""


class HistoryError(PartnershipWatchError):
    """A history, export or import cannot be done as asked."""


class ChartError(PartnershipWatchError):
    """A chart cannot be drawn or written."""


class ChartsUnavailable(ChartError):
    """matplotlib is not installed: ``pip install 'partnership-watch[charts]'``."""


class PlatformUnreachable(PartnershipWatchError):
    """A chat platform's API could not be reached (or answered nonsense) when starting."""


class DeliveryError(PartnershipWatchError):
    """A message could not be delivered to one channel.

    ``permanent`` is true when retrying cannot help (channel deleted, archived, or the bot
    may not post there): the subscription is paused and the problem reported once.
    """

    def __init__(self, channel: str, message: str, *, permanent: bool = False) -> None:
        self.channel = channel
        self.message = message
        self.permanent = permanent
        super().__init__(f"channel {channel!r}: {message}")


class MessageGone(DeliveryError):
    """The message to edit was deleted; the channel itself is fine (post a new one)."""

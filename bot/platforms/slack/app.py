"""The Slack app: slack-bolt's async app in Socket Mode (default) or HTTP mode.

Socket Mode needs no public URL: the app opens a WebSocket to Slack with an app-level token
(``SLACK_APP_TOKEN``). HTTP mode is for hosted installs: Slack posts to our endpoint, and
bolt's request verification answers 401 to a bad signature or a timestamp more than five
minutes old (``SLACK_SIGNING_SECRET``). Both use the bot token (``SLACK_BOT_TOKEN``) for the
Web API, at ``[slack] api_base``.

``SlackApp.start`` and ``SlackApp.close`` run inside an event loop that already runs other
tasks (the scheduler, Discord): neither blocks nor owns the loop.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError

from bot.chat.commands import CommandDeps
from bot.config import SlackSettings
from bot.listener import Listener
from bot.platforms.pacing import ChannelPacer
from bot.platforms.slack.commands import WatchCommand, register_watch_command
from bot.platforms.slack.delivery import DEFAULT_API_BASE, SlackDelivery, make_web_client
from bot.platforms.slack.permissions import SlackPermissions
from watchers.errors import (
    ConfigError,
    PartnershipWatchError,
    PlatformUnreachable,
    Problem,
    TokenRefused,
)

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
"""HTTP mode: the largest request body read. Slack's own requests are a few kilobytes; a
larger one is answered 413 without being read."""


class _NoRequestContent(logging.Filter):
    """Keeps request content out of bolt's log lines.

    bolt logs the whole body of a request it refuses (a bad signature) or does not handle,
    at INFO and WARNING: anyone who can reach the port could fill the disk, and a replayed
    request's ``response_url`` would land in the log. The line says what happened instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "Invalid request signature" in message:
            record.msg = "refused a request without a valid Slack signature (content not logged)"
            record.args = ()
        elif "body" in message or "response_url" in message or len(message) > 300:
            head = re.split(r"[({\n]", message, maxsplit=1)[0].strip()[:120]
            record.msg, record.args = "%s (request content not logged)", (head,)
        return True


# bolt's middleware loggers copy the filters of the logger the app is given.
_BOLT_LOG = logging.getLogger("bot.platforms.slack.bolt")
_BOLT_LOG.addFilter(_NoRequestContent())

ENV = "environment"
"""The ``file`` named in problems with secrets, which come only from the environment."""

AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)


@dataclass(frozen=True)
class SlackSecrets:
    """Tokens from the environment; ``repr`` never shows them."""

    bot_token: str = field(repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackSecrets | None:
        """The Slack secrets, or None when ``SLACK_BOT_TOKEN`` is unset (Slack stays off)."""
        bot_token = env.get("SLACK_BOT_TOKEN", "").strip()
        if not bot_token:
            return None
        return cls(
            bot_token=bot_token,
            app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip() or None,
        )

    def check_bot_token(self) -> None:
        """Raise ConfigError if ``SLACK_BOT_TOKEN`` is not a bot token."""
        if problem := self._bot_token_problem():
            raise ConfigError([problem])

    def _bot_token_problem(self) -> Problem | None:
        if self.bot_token.startswith("xoxb-"):
            return None
        return Problem(ENV, "SLACK_BOT_TOKEN", "must be a bot token (it starts with xoxb-)")

    def check(self, mode: str) -> None:
        """Raise ConfigError naming every variable that ``mode`` needs and lacks."""
        problems: list[Problem] = []
        if problem := self._bot_token_problem():
            problems.append(problem)
        if mode == "socket":
            if self.app_token is None:
                problems.append(
                    Problem(
                        ENV,
                        "SLACK_APP_TOKEN",
                        "is needed in Socket Mode: an app-level token with connections:write",
                    )
                )
            elif not self.app_token.startswith("xapp-"):
                problems.append(
                    Problem(
                        ENV, "SLACK_APP_TOKEN", "must be an app-level token (it starts with xapp-)"
                    )
                )
        if mode == "http" and self.signing_secret is None:
            problems.append(
                Problem(
                    ENV,
                    "SLACK_SIGNING_SECRET",
                    'is needed when [slack] mode = "http", to verify requests from Slack',
                )
            )
        if problems:
            raise ConfigError(problems)


class SlackApp:
    """The bolt app and its connection to Slack, for one workspace."""

    def __init__(
        self,
        settings: SlackSettings,
        secrets: SlackSecrets,
        *,
        host: str | None = None,
        path: str = "/slack/events",
        process_before_response: bool = False,
    ) -> None:
        secrets.check(settings.mode)
        self.settings = settings
        self.api_base = settings.api_base or DEFAULT_API_BASE
        self.host = host or settings.bind
        self.path = path
        self._secrets = secrets
        self.client = make_web_client(secrets.bot_token, self.api_base)
        self.bolt = AsyncApp(
            name="partnership-watch",
            client=self.client,
            # Socket Mode requests come over our own authenticated socket and are not signed;
            # bolt skips verification for them. An empty secret makes every HTTP request fail.
            signing_secret=secrets.signing_secret or "",
            process_before_response=process_before_response,
            logger=_BOLT_LOG,
        )
        # Link buttons (an alert's source) still send a click to the app; answering it keeps
        # Slack from showing a warning next to the button.
        self.bolt.action(re.compile(".*"))(_acknowledge)
        self.bot_user_id: str | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.listener = Listener()
        """HTTP mode's server of Slack's requests."""

    @property
    def port(self) -> int | None:
        """HTTP mode: the port actually listened on (useful with port 0), else None."""
        return self.listener.port

    def serve_watch(self, commands: CommandDeps) -> None:
        """Answer ``/watch``; managers are admins, owners and ``[slack] admin_users/groups``."""
        permissions = SlackPermissions(
            self.client,
            admin_users=self.settings.admin_users,
            admin_groups=self.settings.admin_groups,
        )
        register_watch_command(self.bolt, WatchCommand(commands, permissions))

    def delivery(self, pacer: ChannelPacer | None = None) -> SlackDelivery:
        """A sender of alerts sharing this app's Web API client."""
        return SlackDelivery(self.client, pacer=pacer)

    async def start(self) -> None:
        """Check the tokens with Slack, then connect (Socket Mode) or listen (HTTP mode)."""
        await self._check_bot_token()
        if self.settings.mode == "socket":
            await self._start_socket_mode()
        else:
            await self._start_http()

    async def close(self) -> None:
        """Disconnect or stop listening; safe to call twice or before ``start``."""
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
        await self.listener.close()

    async def _check_bot_token(self) -> None:
        try:
            result = await self.client.auth_test()
        except SlackApiError as e:
            raise _refused(e, "SLACK_BOT_TOKEN") from e
        except (aiohttp.ClientError, TimeoutError) as e:
            raise _unreachable(self.api_base, e) from e
        self.bot_user_id = str(result.get("user_id") or "") or None
        log.info("Slack: signed in as %s to team %s", result.get("user"), result.get("team"))

    async def _start_socket_mode(self) -> None:
        app_token = self._secrets.app_token
        assert app_token is not None  # secrets.check ensured it
        # The SDK's Socket Mode client retries a refused app token forever, logging each time;
        # asking for a socket URL once first turns a bad token into one clear error at start.
        try:
            await self.client.apps_connections_open(app_token=app_token)
        except SlackApiError as e:
            raise _refused(e, "SLACK_APP_TOKEN") from e
        except (aiohttp.ClientError, TimeoutError) as e:
            raise _unreachable(self.api_base, e) from e
        self._socket = AsyncSocketModeHandler(
            self.bolt, app_token=app_token, web_client=self.client
        )
        await self._socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
        log.info("Slack: connected in Socket Mode")

    async def _start_http(self) -> None:
        server = self.bolt.server(path=self.path, port=self.settings.port)
        # bolt's own application reads bodies up to aiohttp's 1 MiB default; ours stops at
        # what a Slack request can be.
        web_app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        web_app.add_routes([web.post(self.path, server.handle_post_requests)])
        await self.listener.start(web_app, self.host, self.settings.port, access_log=True)
        log.info(
            "Slack: listening for requests on %s:%s%s",
            self.host,
            self.port,
            self.path,
        )


def make_delivery(
    settings: SlackSettings, secrets: SlackSecrets, *, pacer: ChannelPacer | None = None
) -> SlackDelivery:
    """A sender of alerts without the app, for a one-off poll: only the bot token is needed."""
    secrets.check_bot_token()
    client = make_web_client(secrets.bot_token, settings.api_base or DEFAULT_API_BASE)
    return SlackDelivery(client, pacer=pacer)


async def _acknowledge(ack: AsyncAck) -> None:
    """Acknowledge an interaction that needs nothing else (a click on a link button)."""
    await ack()


def _refused(e: SlackApiError, variable: str) -> PartnershipWatchError:
    code = str(e.response.get("error") or f"HTTP {e.response.status_code}")
    if code in AUTH_ERRORS:
        return TokenRefused(variable, f"Slack refused this token ({code})")
    return PlatformUnreachable(f"Slack answered {code} while checking {variable}")


def _unreachable(api_base: str, e: Exception) -> PlatformUnreachable:
    return PlatformUnreachable(f"Slack API at {api_base} unreachable: {type(e).__name__}: {e}")

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.slack.delivery import DEFAULT_API_BASE, make_web_client
from watchers.errors import ConfigError, PartnershipWatchError, Problem

log = logging.getLogger(__name__)

ENV = "environment"
"""The ``file`` named in problems with secrets, which come only from the environment."""

AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)

Mode = Literal["socket", "http"]


@dataclass(frozen=True)
class SlackSettings:
    """The ``[slack]`` table: how to reach Slack, and who may change subscriptions."""

    mode: Mode = "socket"
    api_base: str = DEFAULT_API_BASE
    host: str = "0.0.0.0"
    """HTTP mode: the address to listen on."""
    port: int = 3000
    """HTTP mode: the port to listen on (0 picks a free one)."""
    path: str = "/slack/events"
    """HTTP mode: the request URL path configured for the slash command."""
    manager_users: tuple[str, ...] = ()
    """User ids (``U...``) who may change subscriptions besides workspace admins and owners."""
    manager_groups: tuple[str, ...] = ()
    """User group ids (``S...``) whose members may change subscriptions."""

    @classmethod
    def from_table(cls, table: Mapping[str, Any], file: str) -> SlackSettings:
        """Settings from a parsed ``[slack]`` table; every problem is reported at once."""
        problems: list[Problem] = []

        def key(name: str) -> str:
            return f"slack.{name}"

        known = {"mode", "api_base", "host", "port", "path", "manager_users", "manager_groups"}
        for name in sorted(set(table) - known):
            problems.append(
                Problem(file, key(name), f"unknown key; expected one of {sorted(known)}")
            )

        mode = table.get("mode", "socket")
        if mode not in ("socket", "http"):
            problems.append(Problem(file, key("mode"), f'must be "socket" or "http", not {mode!r}'))
        api_base = table.get("api_base", DEFAULT_API_BASE)
        if not isinstance(api_base, str) or not api_base.startswith(("https://", "http://")):
            problems.append(Problem(file, key("api_base"), "must be an http(s) URL"))
        host = table.get("host", "0.0.0.0")
        if not isinstance(host, str) or not host:
            problems.append(Problem(file, key("host"), "must be a host name or address"))
        port = table.get("port", 3000)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            problems.append(Problem(file, key("port"), "must be a whole number from 0 to 65535"))
        path = table.get("path", "/slack/events")
        if not isinstance(path, str) or not path.startswith("/"):
            problems.append(Problem(file, key("path"), 'must start with "/"'))
        users = _ids(table.get("manager_users", []), "U", "W")
        if users is None:
            problems.append(
                Problem(file, key("manager_users"), 'must be a list of user ids like "U012AB3CD"')
            )
        groups = _ids(table.get("manager_groups", []), "S")
        if groups is None:
            problems.append(
                Problem(file, key("manager_groups"), 'must be a list of group ids like "S0614TZR7"')
            )
        if problems:
            raise ConfigError(problems)
        return cls(
            mode=mode,
            api_base=api_base,
            host=host,
            port=port,
            path=path,
            manager_users=users or (),
            manager_groups=groups or (),
        )


def _ids(value: Any, *prefixes: str) -> tuple[str, ...] | None:
    # Ids, not names: names change and are not unique, and users.info answers by id.
    if not isinstance(value, list):
        return None
    if not all(isinstance(v, str) and v.startswith(prefixes) and v.isalnum() for v in value):
        return None
    return tuple(value)


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

    def check(self, mode: Mode) -> None:
        """Raise ConfigError naming every variable that ``mode`` needs and lacks."""
        problems: list[Problem] = []
        if not self.bot_token.startswith("xoxb-"):
            problems.append(
                Problem(ENV, "SLACK_BOT_TOKEN", "must be a bot token (it starts with xoxb-)")
            )
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
        process_before_response: bool = False,
    ) -> None:
        secrets.check(settings.mode)
        self.settings = settings
        self._secrets = secrets
        self.client = make_web_client(secrets.bot_token, settings.api_base)
        self.bolt = AsyncApp(
            name="partnership-watch",
            client=self.client,
            # Socket Mode requests come over our own authenticated socket and are not signed;
            # bolt skips verification for them. An empty secret makes every HTTP request fail.
            signing_secret=secrets.signing_secret or "",
            process_before_response=process_before_response,
        )
        self.bot_user_id: str | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int | None:
        """HTTP mode: the port actually listened on (useful with port 0), else None."""
        if self._runner is None or not self._runner.addresses:
            return None
        port: int = self._runner.addresses[0][1]
        return port

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
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _check_bot_token(self) -> None:
        try:
            result = await self.client.auth_test()
        except SlackApiError as e:
            raise _refused(e, "SLACK_BOT_TOKEN") from e
        except (aiohttp.ClientError, TimeoutError) as e:
            raise _unreachable(self.settings.api_base, e) from e
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
            raise _unreachable(self.settings.api_base, e) from e
        self._socket = AsyncSocketModeHandler(
            self.bolt, app_token=app_token, web_client=self.client
        )
        await self._socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
        log.info("Slack: connected in Socket Mode")

    async def _start_http(self) -> None:
        runner = web.AppRunner(self.bolt.web_app(path=self.settings.path, port=self.settings.port))
        await runner.setup()
        try:
            await web.TCPSite(runner, self.settings.host, self.settings.port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info(
            "Slack: listening for requests on %s:%s%s",
            self.settings.host,
            self.port,
            self.settings.path,
        )


def _refused(e: SlackApiError, variable: str) -> PartnershipWatchError:
    code = str(e.response.get("error") or f"HTTP {e.response.status_code}")
    if code in AUTH_ERRORS:
        return ConfigError([Problem(ENV, variable, f"Slack refused this token ({code})")])
    return PartnershipWatchError(f"Slack answered {code} while checking {variable}")


def _unreachable(api_base: str, e: Exception) -> PartnershipWatchError:
    return PartnershipWatchError(f"Slack API at {api_base} unreachable: {type(e).__name__}: {e}")

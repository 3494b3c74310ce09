"""An aiohttp application listening on one address: the metrics server and Slack's HTTP mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web


class Listener:
    """Serves one aiohttp application on ``host:port`` until closed."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        """The host and port listened on, or None when not listening."""
        if self._runner is None or not self._runner.addresses:
            return None
        host, port = self._runner.addresses[0][:2]
        return str(host), int(port)

    @property
    def port(self) -> int | None:
        """The port listened on (useful with port 0), or None when not listening."""
        return None if self.address is None else self.address[1]

    async def start(self, app: web.Application, host: str, port: int, *, access_log: bool) -> None:
        """Listen on ``host:port``; an address that cannot be bound raises ``OSError``."""
        # Imported here: a run without metrics or chat platforms never loads aiohttp.
        from aiohttp import web

        runner = web.AppRunner(app) if access_log else web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner

    async def close(self) -> None:
        """Stop listening; safe to call twice or before ``start``."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

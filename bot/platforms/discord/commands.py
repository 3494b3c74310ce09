"""The ``/watch`` slash-command group for Discord.

Each handler stays thin: it reads the options Discord parsed, works out whether the caller
may change this channel's subscriptions (Manage Channels, or a role named in the config),
calls the shared logic in :mod:`bot.chat.commands` and sends its reply. Replies never ping:
every response goes out with no allowed mentions.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import aiohttp
import discord
from discord import app_commands

from bot.chat import commands as shared
from bot.chat.commands import Caller, CommandContext, CommandDeps, Reply
from bot.chat.sample import sample_alert
from bot.render.discord import render_discord
from watchers.model import Country

log = logging.getLogger(__name__)

KIND = "discord"
"""The platform's kind, as subscriptions and channel settings are keyed."""
CONTENT_LIMIT = 2000
AUTOCOMPLETE_LIMIT = 25

LEVEL_CHOICES = [
    app_commands.Choice(name="reported (one outlet)", value="reported"),
    app_commands.Choice(name="multi-source (two or more outlets)", value="multi-source"),
    app_commands.Choice(name="official (an official source)", value="official"),
]
DIGEST_CHOICES = [
    app_commands.Choice(name="on", value="on"),
    app_commands.Choice(name="off", value="off"),
]


def may_manage(interaction: discord.Interaction, manage_roles: Sequence[str]) -> bool:
    """True if the caller has Manage Channels here or one of the manager roles."""
    if interaction.permissions.manage_channels:
        return True
    member = interaction.user
    if not isinstance(member, discord.Member) or not manage_roles:
        return False
    wanted = {r.casefold() for r in manage_roles}
    # Role names need the guild in the cache (the guilds intent); ids work always.
    return any(r.name.casefold() in wanted or str(r.id) in wanted for r in member.roles)


def manage_requirement(manage_roles: Sequence[str]) -> str:
    """How the refusal message names what is needed."""
    if not manage_roles:
        return "the Manage Channels permission"
    roles = " or ".join(f"“{r}”" for r in manage_roles)
    noun = "role" if len(manage_roles) == 1 else "roles"
    return f"the Manage Channels permission or the {roles} {noun}"


ALERT_PERMISSIONS = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)
"""What the bot needs in a channel to post alerts there (attribute, name in Discord's UI)."""


def missing_permissions(permissions: discord.Permissions) -> list[str]:
    """The permissions the bot lacks to post alerts, by the names Discord shows."""
    return [name for attr, name in ALERT_PERMISSIONS if not getattr(permissions, attr)]


async def send_sample(interaction: discord.Interaction, context: CommandContext) -> None:
    """``/watch test``: the sample alert in the channel, once the bot's permissions are checked.

    The sample is the interaction's answer, which Discord shows whatever the bot's rights;
    so what alerts need (View Channel, Send Messages, Embed Links) is checked first, and
    what is missing is named instead.
    """
    none = discord.AllowedMentions.none()
    if not context.caller.can_manage:
        refusal = f"Posting a sample alert here needs {context.caller.needs}."
        await interaction.response.send_message(refusal, ephemeral=True, allowed_mentions=none)
        return
    missing = missing_permissions(interaction.app_permissions)
    if missing:
        text = (
            f"Alerts cannot be posted here: the bot lacks {', '.join(missing)} in this "
            "channel. Give it those permissions (channel settings, Permissions) and try again."
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=none)
        return
    payload = render_discord(sample_alert(context.clock.now()))
    await interaction.response.send_message(
        f"Sample alert (/watch test): {payload['content']}",
        embeds=[discord.Embed.from_dict(e) for e in payload["embeds"]],
        allowed_mentions=none,
    )


def split_message(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """Cut text into messages of at most ``limit`` characters, between lines when possible."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines():
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current or not chunks:
        chunks.append(current)
    return chunks


async def send_reply(interaction: discord.Interaction, reply: Reply) -> None:
    """Answer the interaction, continuing in follow-ups when the text is too long.

    A reply's attachment (the history chart) is uploaded with the first message.
    """
    none = discord.AllowedMentions.none()
    first, *rest = split_message(reply.text)
    files = []
    if reply.attachment is not None:
        a = reply.attachment
        files.append(
            discord.File(io.BytesIO(a.data), filename=a.filename, description=a.description)
        )
    await interaction.response.send_message(
        first, ephemeral=reply.ephemeral, allowed_mentions=none, files=files
    )
    for chunk in rest:
        await interaction.followup.send(chunk, ephemeral=reply.ephemeral, allowed_mentions=none)


def country_choices(
    deps: CommandDeps, channel: str | None, current: str
) -> list[app_commands.Choice[str]]:
    """Autocomplete: the exact match and close names, or this channel's countries if empty."""
    found: list[Country] = []
    typed = current.strip()
    if typed:
        exact = deps.countries.lookup(typed)
        if exact is not None:
            found.append(exact)
        found.extend(deps.countries.suggest(typed, limit=AUTOCOMPLETE_LIMIT))
    elif channel is not None:
        for sub in deps.store.for_channel(KIND, channel):
            for code in sub.pair_key.split("-"):
                country = deps.countries.lookup(code)
                if country is not None:
                    found.append(country)
    unique = list(dict.fromkeys(found))
    return [app_commands.Choice(name=c.name, value=c.name) for c in unique[:AUTOCOMPLETE_LIMIT]]


def zone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete: time zones whose name contains what was typed, UTC when nothing was."""
    zones = shared.find_zones(current, limit=AUTOCOMPLETE_LIMIT) if current.strip() else ["UTC"]
    return [app_commands.Choice(name=z, value=z) for z in zones]


_FIRST = "A country: name, alias or ISO code"
_SECOND = "The other country"
_ZONE = "An IANA time zone such as Europe/Paris (UTC if left out)"


@app_commands.guild_only()
class WatchCommands(app_commands.Group):
    """``/watch add|remove|list|history|mute|level|why|digest|quiet|help``."""

    def __init__(self, deps: CommandDeps | None, manage_roles: Sequence[str] = ()) -> None:
        """``deps`` is None only for a group built to be registered, never to answer.

        ``manage_roles``: role names or ids whose members may change subscriptions without
        Manage Channels.
        """
        super().__init__(name="watch", description="Follow how governments describe their ties")
        self.deps = deps
        self.manage_roles = tuple(manage_roles)

    def _context(self, interaction: discord.Interaction) -> CommandContext:
        if self.deps is None:
            raise RuntimeError("/watch was built for registration only")
        caller = Caller(
            user_id=str(interaction.user.id),
            can_manage=may_manage(interaction, self.manage_roles),
            needs=manage_requirement(self.manage_roles),
        )
        return self.deps.context(KIND, str(interaction.channel_id), caller)

    async def _countries(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if self.deps is None:
            return []
        channel = None if interaction.channel_id is None else str(interaction.channel_id)
        return country_choices(self.deps, channel, current)

    async def _zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return zone_choices(current)

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        name = interaction.command.qualified_name if interaction.command else self.name
        log.error("/%s failed", name, exc_info=error)
        if interaction.response.is_done():
            return
        try:
            await interaction.response.send_message(
                "Something went wrong on our side; it has been logged.", ephemeral=True
            )
        except (discord.HTTPException, aiohttp.ClientError, OSError) as e:
            # Most often the interaction expired while the command ran, which is why the
            # reply failed in the first place: the error is logged above, once. Raised from
            # here, the command tree's task would log it again.
            log.debug("/%s: the apology was not delivered either: %s", name, e)

    @app_commands.command(name="add", description="Watch a country pair in this channel")
    @app_commands.describe(first=_FIRST, second=_SECOND)
    async def add(self, interaction: discord.Interaction, first: str, second: str) -> None:
        await send_reply(interaction, shared.add(self._context(interaction), first, second))

    @app_commands.command(name="remove", description="Stop watching a pair in this channel")
    @app_commands.describe(first=_FIRST, second=_SECOND)
    async def remove(self, interaction: discord.Interaction, first: str, second: str) -> None:
        await send_reply(interaction, shared.remove(self._context(interaction), first, second))

    @app_commands.command(name="list", description="The pairs this channel watches")
    async def list_(self, interaction: discord.Interaction) -> None:
        await send_reply(interaction, shared.list_pairs(self._context(interaction)))

    @app_commands.command(name="history", description="A pair's current wording and changes")
    @app_commands.describe(first=_FIRST, second=_SECOND)
    async def history(self, interaction: discord.Interaction, first: str, second: str) -> None:
        await send_reply(interaction, shared.history(self._context(interaction), first, second))

    @app_commands.command(name="mute", description="Silence a pair here for a while")
    @app_commands.describe(
        first=_FIRST, second=_SECOND, duration="30m, 2h, 3d, 1w, or off to unmute"
    )
    async def mute(
        self, interaction: discord.Interaction, first: str, second: str, duration: str
    ) -> None:
        reply = shared.mute(self._context(interaction), first, second, duration)
        await send_reply(interaction, reply)

    @app_commands.command(name="level", description="Alert only once a change is this well sourced")
    @app_commands.describe(first=_FIRST, second=_SECOND, level="Lowest corroboration that alerts")
    @app_commands.choices(level=LEVEL_CHOICES)
    async def level(
        self,
        interaction: discord.Interaction,
        first: str,
        second: str,
        level: app_commands.Choice[str],
    ) -> None:
        reply = shared.level(self._context(interaction), first, second, level.value)
        await send_reply(interaction, reply)

    @app_commands.command(name="why", description="The last decision for a pair here, and why")
    @app_commands.describe(first=_FIRST, second=_SECOND)
    async def why(self, interaction: discord.Interaction, first: str, second: str) -> None:
        await send_reply(interaction, shared.why(self._context(interaction), first, second))

    @app_commands.command(name="digest", description="One daily digest instead of each alert")
    @app_commands.describe(
        state="on or off", time="When it goes out, HH:MM (08:00 unless told)", zone=_ZONE
    )
    @app_commands.choices(state=DIGEST_CHOICES)
    async def digest(
        self,
        interaction: discord.Interaction,
        state: app_commands.Choice[str],
        time: str | None = None,
        zone: str | None = None,
    ) -> None:
        reply = shared.digest(self._context(interaction), state.value, time, zone)
        await send_reply(interaction, reply)

    @app_commands.command(name="quiet", description="Hours in which alerts wait for a digest")
    @app_commands.describe(hours="HH:MM-HH:MM, e.g. 22:00-07:00, or off", zone=_ZONE)
    async def quiet(
        self, interaction: discord.Interaction, hours: str, zone: str | None = None
    ) -> None:
        await send_reply(interaction, shared.quiet(self._context(interaction), hours, zone))

    @app_commands.command(name="notify", description="Ping a role or user for some kinds of change")
    @app_commands.describe(
        target="@role or @user, or off to stop every ping here",
        kinds="e.g. downgrade upgrade (or all), or off to stop pinging this target",
    )
    async def notify(
        self, interaction: discord.Interaction, target: str, kinds: str | None = None
    ) -> None:
        words = [target, *(kinds or "").split()]
        await send_reply(interaction, shared.notify(self._context(interaction), words))

    @app_commands.command(name="test", description="Post a sample alert here")
    async def test(self, interaction: discord.Interaction) -> None:
        await send_sample(interaction, self._context(interaction))

    @app_commands.command(name="help", description="What /watch can do")
    async def help(self, interaction: discord.Interaction) -> None:
        await send_reply(interaction, shared.help_reply())

    for _command in (add, remove, history, mute, level, why):
        _command.autocomplete("first")(_countries)
        _command.autocomplete("second")(_countries)
    digest.autocomplete("zone")(_zones)
    quiet.autocomplete("zone")(_zones)
    del _command

"""The platform adapters around ``bot.chat.ports``: ``discord``, ``slack`` (each imported
only when configured), the terminal (``console``), and the per-channel pacing they share."""

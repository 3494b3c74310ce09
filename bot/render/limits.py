"""Platform limits as data, which the renderers apply (and the tests check payloads against).

Counts are in characters (code points), the way both platforms count them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DiscordLimits:
    """What one Discord message may carry."""

    content: int = 2000
    embeds: int = 10
    title: int = 256
    description: int = 4096
    fields: int = 25
    field_name: int = 256
    field_value: int = 1024
    footer: int = 2048
    author: int = 256
    total: int = 6000
    """Sum over every embed of title, description, field names and values, footer, author."""
    url: int = 2048


@dataclass(frozen=True)
class SlackLimits:
    """What one Slack message may carry."""

    text: int = 40000
    """Top-level ``text``; Slack truncates beyond, and advises keeping it far shorter."""
    blocks: int = 50
    text_object: int = 3000
    header: int = 150
    context_elements: int = 10
    section_fields: int = 10
    section_field: int = 2000
    button_text: int = 75
    button_url: int = 3000
    action_id: int = 255


DISCORD = DiscordLimits()
SLACK = SlackLimits()

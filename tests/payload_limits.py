"""Every way a rendered payload can break its platform's limits, as the tests check it.

The renderers keep within ``bot.render.limits``; these checks read a finished payload back
against the same data, so a renderer that forgets a limit fails a test, not a post.
"""

from __future__ import annotations

from typing import Any

from bot.render.limits import DISCORD, SLACK, DiscordLimits, SlackLimits


def _embed_total(embed: dict[str, Any]) -> int:
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    for f in embed.get("fields", []):
        total += len(f.get("name", "")) + len(f.get("value", ""))
    return total


def discord_problems(payload: dict[str, Any], limits: DiscordLimits = DISCORD) -> list[str]:
    """Every way ``payload`` breaks Discord's limits; empty when it is fine to send."""
    out: list[str] = []
    if len(payload.get("content", "")) > limits.content:
        out.append(f"content has {len(payload['content'])} > {limits.content} characters")
    embeds = payload.get("embeds", [])
    if len(embeds) > limits.embeds:
        out.append(f"{len(embeds)} > {limits.embeds} embeds")
    total = 0
    for i, e in enumerate(embeds):
        checks = [
            ("title", len(e.get("title", "")), limits.title),
            ("description", len(e.get("description", "")), limits.description),
            ("footer", len(e.get("footer", {}).get("text", "")), limits.footer),
            ("author", len(e.get("author", {}).get("name", "")), limits.author),
            ("url", len(e.get("url", "")), limits.url),
            ("fields", len(e.get("fields", [])), limits.fields),
        ]
        for f in e.get("fields", []):
            checks.append(("field name", len(f.get("name", "")), limits.field_name))
            checks.append(("field value", len(f.get("value", "")), limits.field_value))
            if not f.get("name") or not f.get("value"):
                out.append(f"embed {i}: a field has an empty name or value")
        out.extend(f"embed {i}: {what} {n} > {cap}" for what, n, cap in checks if n > cap)
        total += _embed_total(e)
    if total > limits.total:
        out.append(f"embeds total {total} > {limits.total} characters")
    if payload.get("allowed_mentions") != {"parse": []}:
        out.append('allowed_mentions must be {"parse": []}')
    return out


def _slack_text(obj: dict[str, Any], cap: int, where: str, out: list[str]) -> None:
    text = obj.get("text", "")
    if not text:
        out.append(f"{where}: empty text")
    if len(text) > cap:
        out.append(f"{where}: text {len(text)} > {cap}")


def slack_problems(payload: dict[str, Any], limits: SlackLimits = SLACK) -> list[str]:
    """Every way ``payload`` breaks Slack's limits; empty when it is fine to send."""
    out: list[str] = []
    if not payload.get("text"):
        out.append("no top-level text fallback")
    elif len(payload["text"]) > limits.text:
        out.append(f"text {len(payload['text'])} > {limits.text}")
    blocks = payload.get("blocks", [])
    if len(blocks) > limits.blocks:
        out.append(f"{len(blocks)} > {limits.blocks} blocks")
    for i, b in enumerate(blocks):
        where = f"block {i} ({b.get('type')})"
        kind = b.get("type")
        if kind == "header":
            _slack_text(b["text"], limits.header, where, out)
        elif kind == "section":
            if "text" in b:
                _slack_text(b["text"], limits.text_object, where, out)
            fields = b.get("fields", [])
            if len(fields) > limits.section_fields:
                out.append(f"{where}: {len(fields)} > {limits.section_fields} fields")
            for f in fields:
                _slack_text(f, limits.section_field, where, out)
        elif kind == "context":
            elements = b.get("elements", [])
            if len(elements) > limits.context_elements:
                out.append(f"{where}: {len(elements)} > {limits.context_elements} elements")
            for el in elements:
                _slack_text(el, limits.text_object, where, out)
        elif kind == "actions":
            for el in b.get("elements", []):
                _slack_text(el["text"], limits.button_text, where, out)
                if len(el.get("url", "")) > limits.button_url:
                    out.append(f"{where}: button url longer than {limits.button_url}")
                if len(el.get("action_id", "")) > limits.action_id:
                    out.append(f"{where}: action_id longer than {limits.action_id}")
    return out

"""Slack: the bolt app (Socket Mode or HTTP), the /watch command, and alert delivery."""

"""Who may change a Slack channel's subscriptions.

Workspace admins and owners may, and so may the users and members of the user groups named
in ``[slack] admin_users`` and ``admin_groups``. Anyone may read. When Slack cannot tell us
(an API error), the answer is no: a refusal is easy to retry, a wrong grant is not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

NEEDS = (
    "a workspace admin or owner, or someone named in the bot's config "
    "([slack] admin_users or admin_groups)"
)
"""What changing subscriptions requires, as the refusal message says it."""


class SlackPermissions:
    """Answers whether a user may change subscriptions, asking Slack as little as possible."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        admin_users: Iterable[str] = (),
        admin_groups: Iterable[str] = (),
    ) -> None:
        self._client = client
        self._users = frozenset(admin_users)
        self._groups = tuple(admin_groups)

    async def can_manage(self, user_id: str) -> bool:
        """True if ``user_id`` may add, remove, mute or otherwise change subscriptions."""
        if user_id in self._users:
            return True
        if await self._is_workspace_admin(user_id):
            return True
        for group in self._groups:
            if user_id in await self._members(group):
                return True
        return False

    async def _is_workspace_admin(self, user_id: str) -> bool:
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as e:
            log.warning("Slack: users.info for %s failed: %s", user_id, e.response.get("error"))
            return False
        except (aiohttp.ClientError, TimeoutError) as e:
            log.warning("Slack: users.info for %s failed: %s", user_id, type(e).__name__)
            return False
        user = response.get("user")
        if not isinstance(user, dict):
            return False  # an answer that is not a user grants nothing
        return any(user.get(flag) is True for flag in ("is_admin", "is_owner", "is_primary_owner"))

    async def _members(self, group: str) -> frozenset[str]:
        try:
            response = await self._client.usergroups_users_list(usergroup=group)
        except SlackApiError as e:
            log.warning(
                "Slack: usergroups.users.list for %s failed: %s", group, e.response.get("error")
            )
            return frozenset()
        except (aiohttp.ClientError, TimeoutError) as e:
            log.warning("Slack: usergroups.users.list for %s failed: %s", group, type(e).__name__)
            return frozenset()
        users = response.get("users")
        return frozenset(users) if isinstance(users, list) else frozenset()

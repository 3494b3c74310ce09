"""Who may change subscriptions in Slack, asked of the fake Slack Web API."""

from __future__ import annotations

import pytest

from bot.platforms.slack.delivery import make_web_client
from bot.platforms.slack.permissions import SlackPermissions
from tests.fake_slack import BOT_TOKEN, FakeSlack

ANALYSTS = "S0ANALYSTS"


@pytest.fixture
def slack_api(slack_api: FakeSlack) -> FakeSlack:
    """The shared fake, with what this file's tests expect in it."""
    slack_api.add_user("U0ADMIN", admin=True)
    slack_api.add_user("U0OWNER", owner=True)
    slack_api.add_user("U0ALICE")
    slack_api.add_user("U0BOB")
    slack_api.add_usergroup(ANALYSTS, ["U0BOB"])
    return slack_api


def permissions(slack_api: FakeSlack, **kwargs: tuple[str, ...]) -> SlackPermissions:
    return SlackPermissions(make_web_client(BOT_TOKEN, slack_api.api_base), **kwargs)


@pytest.mark.parametrize(
    ("user", "allowed"), [("U0ADMIN", True), ("U0OWNER", True), ("U0ALICE", False)]
)
async def test_workspace_admins_and_owners_may_manage(
    slack_api: FakeSlack, user: str, allowed: bool
) -> None:
    assert await permissions(slack_api).can_manage(user) is allowed


async def test_a_user_named_in_the_config_may_manage_without_asking_slack(
    slack_api: FakeSlack,
) -> None:
    assert await permissions(slack_api, admin_users=("U0ALICE",)).can_manage("U0ALICE") is True
    assert slack_api.calls == []


async def test_members_of_a_named_group_may_manage(slack_api: FakeSlack) -> None:
    check = permissions(slack_api, admin_groups=(ANALYSTS,))

    assert await check.can_manage("U0BOB") is True
    assert await check.can_manage("U0ALICE") is False
    assert [c.args["usergroup"] for c in slack_api.calls_to("usergroups.users.list")] == [
        ANALYSTS,
        ANALYSTS,
    ]


async def test_when_slack_cannot_say_the_answer_is_no(slack_api: FakeSlack) -> None:
    slack_api.fail_next("users.info", "internal_error")
    slack_api.fail_next("usergroups.users.list", "no_such_subteam")

    assert await permissions(slack_api, admin_groups=(ANALYSTS,)).can_manage("U0ADMIN") is False


async def test_a_failed_user_lookup_still_lets_group_membership_count(slack_api: FakeSlack) -> None:
    slack_api.fail_next("users.info", "user_not_found")

    assert await permissions(slack_api, admin_groups=(ANALYSTS,)).can_manage("U0BOB") is True

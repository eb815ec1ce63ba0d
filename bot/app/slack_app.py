"""Composition root for Slack: the Web API client, the messenger (joining the conversation layer), the roles and
desks the listeners use, and the Bolt app built from them."""

from __future__ import annotations

from slack_bolt import App

from bot.app.services import Services, desks_for
from bot.conversation.flow import Conversation
from bot.figures.updates import Access, Roles
from handlers.slack.app import build_app, channel_members, officer_group_members, web_client
from handlers.slack.deps import SlackDeps
from handlers.slack.messenger import SlackMessenger

DIGEST_WORKERS = 2  # Post now and Skip presses carried out at once; more wait their turn


def build_slack(
    conversation: Conversation,
    *,
    token: str,
    signing_secret: str,
    base_url: str | None = None,
    access: Access | None = None,
    services: Services | None = None,
) -> tuple[App, SlackDeps]:
    """`access` says who may change figures (without it, nobody in Slack may). `services` are the process's
    (serve builds them once for every platform); without them, a set of their own."""
    services = services or Services.build(conversation)
    client = web_client(token, base_url)
    messenger = SlackMessenger(client)
    conversation.add_messenger(messenger)
    roles = Roles(access or Access(), group_members=lambda group: officer_group_members(client, group))
    desks = desks_for(services, roles, lambda channel: channel_members(client, channel))
    deps = SlackDeps(
        bot=services.bot,
        conversation=conversation,
        messenger=messenger,
        updates=desks.updates,
        recs=desks.recs,
        previews=desks.previews,
        calendar=desks.calendar,
        work=services.background.pool("slack-digest", DIGEST_WORKERS),
    )
    return build_app(deps, signing_secret=signing_secret), deps

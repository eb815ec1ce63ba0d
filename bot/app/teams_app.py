"""Composition root for Teams: the /api/messages route and the Teams messenger, from a Conversation and
TeamsSettings. Conversation references are kept in the store (data.references) so digests can post to a
Teams channel; a conversation that refuses the bot (403) is marked dead there."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from wsgiref.types import WSGIApplication

from bot.app.teams_settings import TeamsSettings, require_teams
from bot.conversation.flow import Conversation
from bot.service import Briefbot
from data import references
from handlers.teams.activities import PLATFORM, ConversationReference, Installation
from handlers.teams.app import MESSAGES_PATH, teams_wsgi
from handlers.teams.auth import KeySet, TokenValidator
from handlers.teams.connector import ClientCredentials, Connector
from handlers.teams.messenger import TeamsMessenger

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TeamsRoute:
    path: str
    application: WSGIApplication
    messenger: TeamsMessenger


class ReferenceBook:
    """The store's conversation references, as the Teams handler and messenger need them."""

    def __init__(self, bot: Briefbot) -> None:
        self.bot = bot

    def remember(self, installation: Installation) -> None:
        reference = installation.reference
        with self.bot.writing(), self.bot.sessions() as session, session.begin():
            if installation.added:
                references.save(
                    session,
                    PLATFORM,
                    reference.conversation_id,
                    reference.to_json(),
                    scope=reference.conversation_type,
                    name=installation.name,
                )
            else:
                references.mark_dead(session, PLATFORM, reference.conversation_id, "bot removed")
        log.info("Teams conversation %s %s", reference.conversation_id, "saved" if installation.added else "retired")

    def resolve(self, address: str) -> ConversationReference | None:
        with self.bot.sessions() as session:
            stored = references.find(session, PLATFORM, address)
        return ConversationReference.from_json(stored.reference) if stored else None

    def retire(self, reference: ConversationReference) -> None:
        # Admins learn of it from this error line; a message to them needs an admin destination (not built yet).
        log.error(
            "Teams conversation %s removed the bot: its digests stop until it is reinstalled", reference.conversation_id
        )
        try:
            with self.bot.writing(), self.bot.sessions() as session, session.begin():
                references.mark_dead(session, PLATFORM, reference.conversation_id, "403 from the Bot Connector")
        except Exception:
            log.exception("could not mark Teams conversation %s dead", reference.conversation_id)


def build_teams(conversation: Conversation, settings: TeamsSettings, *, keys: KeySet | None = None) -> TeamsRoute:
    """The route and messenger; the messenger joins the conversation layer. Unauthenticated mode (tests only)
    neither checks inbound tokens nor sends one."""
    require_teams(settings)
    book = ReferenceBook(conversation.bot)
    tokens = None
    validator = None
    if not settings.allow_unauthenticated:
        tokens = ClientCredentials(settings.app_id, settings.app_password, settings.tenant_id, settings.token_url)
        keys = keys or KeySet(settings.jwks_url)
        keys.prefetch()
        validator = TokenValidator(settings.app_id, keys)
    else:
        log.warning("Teams: unauthenticated mode (TEAMS_ALLOW_UNAUTHENTICATED=1): for tests on loopback only")
    messenger = TeamsMessenger(Connector(tokens), resolve=book.resolve, retire=book.retire)
    conversation.add_messenger(messenger)
    application = teams_wsgi(conversation, validator=validator, remember=book.remember)
    return TeamsRoute(MESSAGES_PATH, application, messenger)

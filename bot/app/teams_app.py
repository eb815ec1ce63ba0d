"""Composition root for Teams: the /api/messages route, the Teams messenger and the officers' desk, from a
Conversation and TeamsSettings. Conversation references are kept in the store (data.chat.conversations) so digests can
post to a Teams channel; a conversation the bot was removed from (uninstalled, or a 403 when posting) is marked
dead there, audited, and an error line names the committees whose digests went there."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from wsgiref.types import WSGIApplication

from sqlalchemy.orm import Session

from bot.app.services import Services, desks_for
from bot.app.teams_settings import TeamsSettings, read_certificate, require_teams, teams_cloud
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.model import Destination, note_card
from bot.failures import log_failure
from bot.figures.updates import Access, Roles
from data.chat import committees, conversations, ledger
from data.figures.writes import record_audit
from handlers.teams.activities import PLATFORM, Installation, TeamsReference
from handlers.teams.app import MESSAGES_PATH, teams_wsgi
from handlers.teams.auth import FETCH_TIMEOUT, KeySet, TokenValidator
from handlers.teams.connector import Connector, Tokens
from handlers.teams.credentials import CertificateCredentials, ClientCredentials
from handlers.teams.messenger import TeamsMessenger
from handlers.teams.officers import OfficerCommands

log = logging.getLogger(__name__)
REFERENCE = "conversation_reference"
OFFICER_WORKERS = 4  # officers' replies and Post now presses carried out at once; more wait their turn


@dataclass(frozen=True)
class TeamsRoute:
    path: str
    application: WSGIApplication
    messenger: TeamsMessenger
    officers: OfficerCommands


class ReferenceBook:
    """The store's conversation references, as the Teams handler and messenger need them."""

    def __init__(self, bot: Briefbot) -> None:
        self.bot = bot
        # Set once the messenger exists: sends the admins' notice to each admin in a personal chat.
        self.notify_admins: Callable[[str], None] = lambda _text: None

    def remember(self, installation: Installation) -> None:
        reference = installation.reference
        actor = f"{PLATFORM}:{installation.by}" if installation.by else PLATFORM
        removed = False
        with self.bot.store.write() as session:
            if installation.added:
                conversations.save(
                    session,
                    PLATFORM,
                    reference.conversation_id,
                    reference.to_json(),
                    scope=reference.conversation_type,
                    name=installation.name,
                )
                _audit(session, reference, actor, "install", "bot added")
            else:
                removed = _retire(session, reference, actor, "bot removed")
            served = _committees_using(session, reference.conversation_id)
        if installation.added:
            log.info("Teams conversation %s saved (%s)", reference.conversation_id, installation.name or "no name")
        elif removed:
            self.notify_admins(_tell_admins(reference, installation.name, served, "briefbot was removed from it"))
        else:
            log.info("Teams conversation %s: removal of a conversation already retired", reference.conversation_id)

    def resolve(self, address: str) -> TeamsReference | None:
        with self.bot.store.read() as session:
            stored = conversations.find(session, PLATFORM, address)
        return TeamsReference.from_json(stored.reference) if stored else None

    def retire(self, reference: TeamsReference) -> None:
        """A 403 from the Bot Connector: the bot is no longer there."""
        try:
            with self.bot.store.write() as session:
                removed = _retire(session, reference, PLATFORM, "403 from the Bot Connector")
                served = _committees_using(session, reference.conversation_id)
        except Exception:
            log_failure(log, "could not mark Teams conversation %s dead", reference.conversation_id)
            return
        if removed:
            self.notify_admins(_tell_admins(reference, "", served, "Teams refused a post there (403)"))


def _retire(session: Session, reference: TeamsReference, actor: str, reason: str) -> bool:
    removed = conversations.mark_dead(session, PLATFORM, reference.conversation_id, reason)
    if removed:
        _audit(session, reference, actor, "remove", reason)
    return removed


def _audit(session: Session, reference: TeamsReference, actor: str, action: str, reason: str) -> None:
    record_audit(
        session,
        actor=actor,
        channel=PLATFORM,
        action=action,
        entity=REFERENCE,
        entity_key=f"{PLATFORM}:{reference.conversation_id}",
        after=reference.to_json() if action == "install" else None,
        reason=reason,
    )


def _committees_using(session: Session, address: str) -> list[str]:
    """Committees whose digest (or its preview) is posted to this conversation."""
    found = []
    for committee in committees.committees(session):
        if committee.platform == PLATFORM and address in (committee.channel, committee.support_channel):
            found.append(committee.short_name)
    return found


def _tell_admins(reference: TeamsReference, name: str, committees: list[str], why: str) -> str:
    """The admins' notice, logged as one error line naming what stops, and returned to be sent to them.
    `briefbot committees` lists the conversation as unreachable as well."""
    where = f"{name} ({reference.conversation_id})" if name else reference.conversation_id
    stops = (
        f"digests for {', '.join(committees)} will not be delivered there"
        if committees
        else "no committee digest goes there"
    )
    notice = (
        f"Teams conversation {where} is unreachable: {why}. Nothing more is posted there and {stops} until "
        "briefbot is installed there again."
    )
    log.error("%s", notice)
    return notice


def admin_notifier(
    conversation: Conversation, messenger: TeamsMessenger, admins: frozenset[str]
) -> Callable[[str], None]:
    """Each admin gets the notice in a personal chat, off the request thread (opening a chat is a round trip
    to Teams); a failure is logged, as the log line already holds the notice."""

    def send(admin: str, text: str) -> None:
        try:
            messenger.post(Destination(PLATFORM, admin), note_card(text))
        except Exception:
            log_failure(log, "could not tell Teams admin %s that a conversation is unreachable", admin)

    def notify(text: str) -> None:
        for admin in sorted(admins):
            conversation.notes.submit(send, admin, text)

    return notify


def first_sight(bot: Briefbot) -> Callable[[str], bool]:
    """True the first time an activity id is seen, in any process sharing the store. Officers' commands are
    recorded as handled at once (no lease): a process that dies after that must not re-read one as a question."""

    def once(key: str) -> bool:
        with bot.store.write(urgent=True) as session:  # raises StoreUnavailable when the store is down
            return ledger.claim_event(session, [key])

    return once


def connector_tokens(settings: TeamsSettings) -> Tokens:
    """By certificate when TEAMS_CERTIFICATE_PATH is set, otherwise by the app password."""
    cloud = teams_cloud(settings)
    if settings.certificate_path:
        certificate = read_certificate(settings)
        return CertificateCredentials(settings.app_id, certificate, settings.tenant_id, settings.token_url, cloud=cloud)
    return ClientCredentials(settings.app_id, settings.app_password, settings.tenant_id, settings.token_url, cloud)


def token_validator(settings: TeamsSettings, keys: KeySet | None = None) -> TokenValidator:
    """Bot Framework tokens against the cloud's key set; for a single-tenant bot, Entra-issued tokens against
    the tenant's Entra keys too. Start-up waits for the first fetches (up to their timeout), so the first
    activities after a restart find keys; one that can't be fetched is fetched again in the background while
    requests get 503."""
    cloud = teams_cloud(settings)
    key_sets = [keys or KeySet(settings.jwks_url or cloud.keys_url)]
    if settings.tenant_id:
        url = settings.entra_jwks_url or cloud.entra_keys_url(settings.tenant_id)
        key_sets.append(KeySet(url, source=f"Entra (tenant {settings.tenant_id})"))
    for key_set in key_sets:
        key_set.prefetch()
    for key_set in key_sets:
        key_set.settle(FETCH_TIMEOUT + 1)
    entra_keys = key_sets[1] if settings.tenant_id else None
    return TokenValidator(
        settings.app_id, key_sets[0], cloud=cloud, tenant_id=settings.tenant_id, entra_keys=entra_keys
    )


def build_teams(
    conversation: Conversation,
    settings: TeamsSettings,
    *,
    keys: KeySet | None = None,
    services: Services | None = None,
) -> TeamsRoute:
    """The route and messenger; the messenger joins the conversation layer. Unauthenticated mode (tests only,
    on loopback) neither checks inbound tokens nor sends one, and answers only activities whose service URL is
    on loopback. `services` are the process's (serve builds them once for every platform); without them, a set
    of their own."""
    require_teams(settings)
    services = services or Services.build(conversation)
    bot = conversation.bot
    book = ReferenceBook(bot)
    tokens = None
    validator = None
    if not settings.allow_unauthenticated:
        tokens = connector_tokens(settings)
        validator = token_validator(settings, keys)
    else:
        log.warning("Teams: unauthenticated mode (TEAMS_ALLOW_UNAUTHENTICATED=1): for tests on loopback only")
    messenger = TeamsMessenger(Connector(tokens), resolve=book.resolve, retire=book.retire)
    conversation.add_messenger(messenger)
    book.notify_admins = admin_notifier(conversation, messenger, settings.admins)
    if not settings.officers:
        log.info("Teams: BRIEFBOT_TEAMS_OFFICERS is empty, so no one can change figures from Teams")
    roles = Roles(Access(officers=settings.officers, admins=settings.admins))
    desks = desks_for(services, roles, messenger.member_ids)
    officers = OfficerCommands(
        desks.updates,
        desks.previews,
        messenger,
        once=first_sight(bot),
        work=services.background.pool("teams-updates", OFFICER_WORKERS),
        pace=conversation.pacer.wait,
    )
    application = teams_wsgi(
        conversation, validator=validator, tenant_id=settings.tenant_id, remember=book.remember, officers=officers
    )
    return TeamsRoute(MESSAGES_PATH, application, messenger, officers)

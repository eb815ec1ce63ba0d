"""The Teams endpoint (/api/messages) as a WSGI application, for the same router and server as Slack.

It authenticates, parses, records and hands on; it never answers in the request. The token is verified before
the body is parsed (an unauthenticated caller costs no JSON parsing); then the activity is admitted: its channel
and service URL against the token, its tenant against TEAMS_TENANT_ID. A question is claimed in the store (the
conversation layer) and Teams gets its 200 at once; the answer follows through the messenger. A store that can't
record the claim, or signing keys not yet to hand, get Teams a 503, so it delivers the activity again."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from bot.conversation.flow import Conversation
from bot.store import StoreUnavailable
from handlers.strict import Malformed
from handlers.teams.activities import Activity, Installation
from handlers.teams.auth import Forbidden, KeysUnavailable, TokenValidator, Unauthorized, Verified
from handlers.teams.loopback import is_loopback_url
from handlers.teams.officers import OfficerCommands

log = logging.getLogger(__name__)
MESSAGES_PATH = "/api/messages"
# What an Action.Execute invoke gets back: the card stays as it is; the answer follows as a message.
INVOKE_ACCEPTED = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": "Asking…"}
# An Action.Execute press with nothing to do (a button from an old card): an adaptiveCard/action answer needs a type
# and a value (the Teams SDK's AdaptiveCardActionResponse), so it gets a line under the card, not a bare 200.
OLD_BUTTON = {
    "statusCode": 200,
    "type": "application/vnd.microsoft.activity.message",
    "value": "That button no longer works: ask again.",
}

REFUSED = "Sorry: that was not an activity Teams sends, so nothing was done."

Remember = Callable[[Installation], None]


def teams_wsgi(
    conversation: Conversation,
    *,
    validator: TokenValidator | None,
    tenant_id: str = "",
    remember: Remember = lambda _installation: None,
    officers: OfficerCommands | None = None,
) -> WSGIApplication:
    """`validator` None is unauthenticated mode (tests on loopback only: the composition root decides when it is
    allowed), in which only activities whose service URL is on loopback are answered. With `tenant_id`, activities
    from any other tenant are refused. `officers` takes officers' update commands and buttons before anything is
    read as a question."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        verified = None
        if validator is not None:
            try:
                verified = validator.verify(str(environ.get("HTTP_AUTHORIZATION") or ""))
            except (Unauthorized, Forbidden, KeysUnavailable) as refusal:
                return _refuse(environ, start_response, refusal)
        try:
            activity = Activity.parse(_body(environ))
        except Malformed as error:
            log.warning("malformed Teams activity refused (%s bytes): %s", environ.get("CONTENT_LENGTH"), error)
            return _respond_text(start_response, "400 Bad Request", REFUSED)
        try:
            _admit(validator, verified, tenant_id, activity)
        except (Unauthorized, Forbidden) as refusal:
            return _refuse(environ, start_response, refusal)
        try:
            handled = _handle(conversation, remember, officers, activity)
        except StoreUnavailable as error:
            log.warning("Teams activity %s not recorded (%s): asking Teams to send it again", activity.key, error)
            return _respond(start_response, "503 Service Unavailable", {"error": "store unavailable"})
        return _respond(start_response, "200 OK", handled)

    return application


def _admit(validator: TokenValidator | None, verified: Verified | None, tenant_id: str, activity: Activity) -> None:
    """What the activity says against what the token says, and against whom briefbot serves."""
    if validator is not None and verified is not None:
        validator.admit(verified, activity.service_url, activity.channel_id)
    elif not is_loopback_url(activity.service_url):
        raise Forbidden("unauthenticated mode replies to loopback service URLs only")
    if tenant_id and activity.tenant_id.lower() != tenant_id.lower():
        raise Forbidden(f"an activity from tenant {activity.tenant_id[:64]!r}, not TEAMS_TENANT_ID")


def _handle(
    conversation: Conversation, remember: Remember, officers: OfficerCommands | None, activity: Activity
) -> dict[str, Any] | None:
    installation = activity.installation()
    if installation is not None:
        remember(installation)
    reply = officers.handle(activity) if officers is not None else None
    if reply is not None:
        return reply.body
    inbound = activity.inbound()
    if inbound is not None:
        conversation.submit(inbound)
    if activity.type == "invoke":
        # Every invoke wants a body; one we don't know is still acknowledged, so Teams shows no error.
        if inbound is not None:
            return INVOKE_ACCEPTED
        return OLD_BUTTON if activity.execute() is not None else {"statusCode": 200}
    return None


def _body(environ: WSGIEnvironment) -> dict[str, Any]:
    # The router has already refused a missing or oversized Content-Length; a malformed body is refused as a
    # malformed activity is: 400, one log line naming no content.
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        data = json.loads(environ["wsgi.input"].read(length) or b"{}")
    except ValueError:  # JSONDecodeError, or bytes that are not UTF-8
        raise Malformed("the body is not JSON") from None
    if not isinstance(data, dict):
        raise Malformed("an activity is a JSON object")
    return data


def _respond(start_response: StartResponse, status: str, body: dict[str, Any] | None) -> list[bytes]:
    payload = b"" if body is None else json.dumps(body).encode()
    headers = [("Content-Length", str(len(payload)))]
    if body is not None:
        headers.append(("Content-Type", "application/json; charset=utf-8"))
    start_response(status, headers)
    return [payload]


def _respond_text(start_response: StartResponse, status: str, text: str) -> list[bytes]:
    payload = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(payload)))])
    return [payload]


def _refuse(environ: WSGIEnvironment, start_response: StartResponse, refusal: Exception) -> list[bytes]:
    """401 for a token that proves nothing, 403 for one that proves the wrong thing, 503 for keys not yet to hand
    (its cause was logged once by the key set, so each request is not)."""
    size = environ.get("CONTENT_LENGTH")
    if isinstance(refusal, KeysUnavailable):
        log.debug("Teams request answered 503 (%s bytes): %s", size, refusal)
        status, text = "503 Service Unavailable", b"signing keys unavailable; send again"
    elif isinstance(refusal, Forbidden):
        log.warning("Teams request refused (%s bytes): %s", size, refusal)
        status, text = "403 Forbidden", b"forbidden"
    else:
        log.warning("unauthenticated Teams request refused (%s bytes): %s", size, refusal)
        status, text = "401 Unauthorized", b"unauthorized"
    headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))]
    if status.startswith("503"):
        headers.append(("Retry-After", "5"))
    start_response(status, headers)
    return [text]

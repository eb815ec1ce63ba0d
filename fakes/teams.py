"""A loopback server that plays the Bot Framework for Teams: the Bot Connector REST API (the calls briefbot
makes, recorded), the Bot Framework's signing-key set and a tenant's Entra key set (either can be slowed, emptied
or taken down), and a token endpoint (which checks a certificate's client assertion when told which certificates
it trusts); helpers that sign inbound tokens as the Bot Framework (or Entra) does, build activities and post them
to the app. It can be told to answer a call with 429 (and Retry-After), 403, 413 or a 5xx, or to answer one late.
It offers no way to list a conversation's activities, as the Bot Connector offers none (its conversation
operations: create, send, reply, update, delete, members). Nothing here reaches the internet."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from fakes.loopback import QuietHandler, start

BOT_ID = "28:briefbot-app-id"
BOT_NAME = "briefbot"
TENANT = "tenant-leeds"
# The issuer of the tokens the Bot Framework signs (Bot Connector authentication docs, "Connector to Bot", step 4).
ISSUER = "https://api.botframework.com"
# The app that requests Entra-issued inbound tokens (microsoft-teams-apps 2.1.1, token_validator.py).
AGENT_365_PLATFORM_APP_ID = "5a807f24-c9de-44ee-a3a7-329e88a00ffc"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
COUNCILLOR = {"id": "29:councillor", "name": "Councillor", "aadObjectId": "aad-councillor"}
OFFICER = {"id": "29:officer", "name": "Olu Officer", "aadObjectId": "aad-officer"}
_ACTIVITIES = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/activities(?:/(?P<activity>[^/]+))?$")
_MEMBERS = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/members$")


class Referee(Protocol):
    """Reads Teams traffic and raises ValueError where Microsoft's software would refuse it. The test session
    registers one in REFEREES (tests/support/teams_oracle.py: the Teams SDK's models and the Adaptive Card schema, which
    fakes/ does not import: they are dev dependencies)."""

    def inbound(self, activity: dict[str, Any]) -> None: ...

    def invoke_response(self, invoke: dict[str, Any], status: int, body: Any) -> None: ...

    def outbound(self, method: str, path: str, body: Any) -> None: ...


REFEREES: list[Referee] = []


@dataclass
class Call:
    method: str
    path: str
    conversation: str
    activity_id: str
    body: dict[str, Any]
    authorization: str
    at: float


@dataclass
class FakeConnector:
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)
    jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    entra_jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    key_delay: float = 0.0  # a slow or hanging key endpoint
    keys_down: bool = False  # the key endpoints answer 503
    key_fetches: int = 0
    entra_key_fetches: int = 0
    # Token requests as sent (form fields), and the certificates (x5t -> public key) client assertions may use:
    # when any are given, a request without a valid assertion is refused as Entra refuses it.
    token_requests: list[dict[str, str]] = field(default_factory=list)
    trusted_certificates: dict[str, Any] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _changed: threading.Condition = field(init=False)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self._changed = threading.Condition(self._lock)
        fake = self

        class Handler(QuietHandler):
            def serve(self) -> None:
                status, body, headers = fake.handle(
                    self.command, self.path, self.body(), self.headers.get("Authorization", "")
                )
                self.answer_json(status, body, headers)

        self.server = start(Handler)

    # -- addresses ------------------------------------------------------------------------------------------
    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    @property
    def jwks_url(self) -> str:
        return self.service_url + "keys"

    @property
    def entra_jwks_url(self) -> str:
        return self.service_url + "entra-keys"

    @property
    def token_url(self) -> str:
        return self.service_url + "token"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- scripting ------------------------------------------------------------------------------------------
    def fail_once(self, method: str, status: int, headers: dict[str, str] | None = None) -> None:
        """The next `method` (POST, PUT, DELETE) call to an activity answers `status`."""
        retry = {"Retry-After": "0"} if status == 429 else {}
        with self._lock:
            self.failures.append((method, status, headers or retry))

    def delay_once(self, method: str, seconds: float) -> None:
        """The next `method` call to an activity is carried out at once but answered `seconds` late: the caller may
        have given up waiting, or died, by then."""
        with self._lock:
            self.delays[method] = seconds

    def handle(self, method: str, path: str, raw: bytes, auth: str) -> tuple[int, Any, dict[str, str]]:
        if path in {"/keys", "/entra-keys"}:
            return self._keys(entra=path == "/entra-keys")
        if path == "/token":
            return self._token(raw)
        body = json.loads(raw) if raw.strip() else {}
        match = _ACTIVITIES.match(path) or _MEMBERS.match(path)
        groups = match.groupdict() if match else {}
        conversation = urllib.parse.unquote(groups.get("conversation") or "")
        activity_id = urllib.parse.unquote(groups.get("activity") or "")
        with self._changed:
            self.calls.append(Call(method, path, conversation, activity_id, body, auth, time.monotonic()))
            self._changed.notify_all()
            refused = _refused(method, path, body)
            if refused is not None:
                # As the Bot Connector answers a body it can't read.
                return 400, {"error": {"code": "BadArgument", "message": refused}}, {}
            failure = next((f for f in self.failures if f[0] == method), None)
            if failure is not None and match is not None:
                self.failures.remove(failure)
                return failure[1], {"error": {"code": "Scripted", "message": "as asked"}}, failure[2]
            number = next(self._ids)
            slow = self.delays.pop(method, 0.0) if match is not None else 0.0
        answer = self._reply(method, path, match, activity_id, number)
        time.sleep(slow)
        return answer

    def _keys(self, *, entra: bool) -> tuple[int, Any, dict[str, str]]:
        with self._changed:
            if entra:
                self.entra_key_fetches += 1
            else:
                self.key_fetches += 1
            self._changed.notify_all()
        time.sleep(self.key_delay)
        if self.keys_down:
            return 503, {"error": "unavailable"}, {}
        return 200, self.entra_jwks if entra else self.jwks, {}

    def _token(self, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        with self._lock:
            self.token_requests.append(form)
        problem = self._assertion_problem(form) if self.trusted_certificates else None
        if problem is not None:
            return 401, {"error": "invalid_client", "error_description": problem}, {}
        return 200, {"access_token": "fake-connector-token", "expires_in": 3600, "token_type": "Bearer"}, {}

    def _assertion_problem(self, form: dict[str, str]) -> str | None:
        """What Entra would refuse in a certificate's client assertion, or None."""
        assertion = form.get("client_assertion", "")
        if form.get("client_assertion_type") != ASSERTION_TYPE or not assertion:
            return "no client assertion"
        key = self.trusted_certificates.get(str(jwt.get_unverified_header(assertion).get("x5t") or ""))
        if key is None:
            return "unknown certificate thumbprint"
        try:
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=self.token_url)
        except jwt.InvalidTokenError as error:
            return type(error).__name__
        if claims.get("iss") != form.get("client_id") or claims.get("sub") != form.get("client_id"):
            return "issuer and subject must be the client id"
        return None

    def _reply(
        self, method: str, path: str, match: re.Match[str] | None, activity_id: str, number: int
    ) -> tuple[int, Any, dict[str, str]]:
        if path == "/v3/conversations" and method == "POST":
            return 200, {"id": f"a:conversation-{number}", "activityId": f"activity-{number}"}, {}
        if match is None:
            return 404, {"error": {"code": "NotFound"}}, {}
        if path.endswith("/members"):
            return 200, [{"id": "29:officer", "name": "Officer", "aadObjectId": "aad-officer"}], {}
        if method == "GET":  # no operation reads activities back (see the module's docstring)
            return 405, {"error": {"code": "MethodNotAllowed"}}, {}
        if method == "POST":
            return 200, {"id": f"activity-{number}"}, {}
        if method == "PUT":
            return 200, {"id": activity_id}, {}
        return 200, {}, {}

    # -- reading what was sent ------------------------------------------------------------------------------
    def sent(self, conversation_prefix: str = "") -> list[Call]:
        with self._lock:
            return [
                c for c in self.calls if c.method in {"POST", "PUT"} and c.conversation.startswith(conversation_prefix)
            ]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
        with self._changed:
            return self._changed.wait_for(predicate, timeout)


# -- activities ---------------------------------------------------------------------------------------------
def _activity(
    kind: str,
    activity_id: str,
    service_url: str,
    conversation: dict[str, Any],
    sender: dict[str, str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "type": kind,
        "id": activity_id,
        "timestamp": "2026-11-22T10:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": sender or COUNCILLOR,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": {"tenantId": TENANT, **conversation},
        "channelData": {"tenant": {"id": TENANT}},
        **fields,
    }


def channel_mention(
    activity_id: str,
    text: str,
    service_url: str,
    channel: str,
    root: str | None = None,
    sender: dict[str, str] | None = None,
) -> dict[str, Any]:
    """`@briefbot text` in a channel: a new post (root None) or a reply in the post `root`."""
    mention = f"<at>{BOT_NAME}</at>"
    conversation_id = f"{channel};messageid={root or activity_id}"
    return _activity(
        "message",
        activity_id,
        service_url,
        {"id": conversation_id, "conversationType": "channel", "isGroup": True},
        sender,
        text=f"{mention} {text}",
        entities=[{"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}],
    )


def channel_message(activity_id: str, text: str, service_url: str, channel: str) -> dict[str, Any]:
    """A channel post that does not mention the bot."""
    conversation = {"id": f"{channel};messageid={activity_id}", "conversationType": "channel", "isGroup": True}
    return _activity("message", activity_id, service_url, conversation, text=text)


def personal_message(
    activity_id: str, text: str, service_url: str, chat: str, sender: dict[str, str] | None = None
) -> dict[str, Any]:
    conversation = {"id": chat, "conversationType": "personal"}
    return _activity("message", activity_id, service_url, conversation, sender, text=text)


def submit_action(
    activity_id: str, question: str, service_url: str, conversation: dict[str, Any], card_id: str
) -> dict[str, Any]:
    """An Action.Submit press: a message with the button's data as its value, replying to the card."""
    value = {"briefbot": "ask", "question": question}
    return _activity("message", activity_id, service_url, conversation, value=value, replyToId=card_id)


def execute_action(activity_id: str, question: str, service_url: str, conversation: dict[str, Any]) -> dict[str, Any]:
    """An Action.Execute press on one of an answer's buttons: an adaptiveCard/action invoke."""
    return execute(activity_id, "ask", {"question": question}, service_url, conversation)


def execute(
    activity_id: str,
    verb: str,
    data: dict[str, Any],
    service_url: str,
    conversation: dict[str, Any],
    sender: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Any Action.Execute press: `data` is the button's data with the card's inputs merged in, as Teams sends."""
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}}
    return _activity("invoke", activity_id, service_url, conversation, sender, name="adaptiveCard/action", value=value)


def bot_added(activity_id: str, service_url: str, channel: str, team_name: str = "Inner South") -> dict[str, Any]:
    """conversationUpdate: the bot installed in a team (its General channel's conversation)."""
    conversation = {"id": channel, "conversationType": "channel", "isGroup": True}
    activity = _activity("conversationUpdate", activity_id, service_url, conversation, membersAdded=[{"id": BOT_ID}])
    activity["channelData"] = {
        "tenant": {"id": TENANT},
        "team": {"id": channel, "name": team_name},
        "eventType": "teamMemberAdded",
    }
    return activity


def bot_removed(activity_id: str, service_url: str, channel: str, team_name: str = "Inner South") -> dict[str, Any]:
    """conversationUpdate: the bot removed from a team (someone uninstalled the app there)."""
    conversation = {"id": channel, "conversationType": "channel", "isGroup": True}
    activity = _activity("conversationUpdate", activity_id, service_url, conversation, membersRemoved=[{"id": BOT_ID}])
    activity["channelData"] = {
        "tenant": {"id": TENANT},
        "team": {"id": channel, "name": team_name},
        "eventType": "teamMemberRemoved",
    }
    return activity


def installation_update(
    activity_id: str, service_url: str, conversation: dict[str, Any], action: str
) -> dict[str, Any]:
    """installationUpdate: the app added ("add") to or removed ("remove") from a scope."""
    return _activity("installationUpdate", activity_id, service_url, conversation, action=action)


# -- inbound tokens, signed as the Bot Framework signs them ---------------------------------------------------
# Shapes from the Bot Connector authentication docs (learn.microsoft.com/azure/bot-service/rest-api/
# bot-framework-rest-connector-authentication): the key set is JWK with an "endorsements" list on each key (step 3);
# a token's header names its key by kid and x5t, its payload carries aud, iss, nbf and exp ("Connector to Bot:
# example JWT components"). The service URL claim is spelt "serviceurl" in real tokens, whatever the docs say:
# Microsoft's SDKs read that spelling (Teams SDK token_validator.py and json_web_token.py, the Agents SDK's
# AuthenticationConstants.SERVICE_URL_CLAIM, botbuilder's AuthenticationConstants.SERVICE_URL_CLAIM).
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk(private: rsa.RSAPrivateKey, kid: str, channels: tuple[str, ...] = ("msteams",)) -> dict[str, Any]:
    """The public half as the Bot Framework's key set lists it, with the channels it endorses."""
    return {**entra_jwk(private, kid), "endorsements": list(channels)}


def entra_jwk(private: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    """The public half as Entra's key set ({login}/{tenant}/discovery/v2.0/keys) lists it: no endorsements."""
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return {**data, "kid": kid, "x5t": kid, "use": "sig"}


def bot_framework_token(private: rsa.RSAPrivateKey, kid: str, app_id: str, service_url: str, **claims: Any) -> str:
    """A token as the Bot Framework signs one for an activity it sends to `app_id` from `service_url`."""
    now = int(time.time())
    body = {"iss": ISSUER, "aud": app_id, "nbf": now - 10, "exp": now + 3900, "serviceurl": service_url, **claims}
    return jwt.encode(body, private, algorithm="RS256", headers={"kid": kid, "x5t": kid, "typ": "JWT"})


def entra_token(
    private: rsa.RSAPrivateKey, kid: str, app_id: str, tenant: str, *, version: int = 2, **claims: Any
) -> str:
    """A token Entra issues for `app_id` to the Agent 365 platform, v1 or v2 shaped (Entra access token claims:
    learn.microsoft.com/entra/identity-platform/access-token-claims-reference): v1 names the caller in appid,
    v2 in azp; both carry tid and ver. No serviceurl: the Teams SDK notes these tokens carry none."""
    now = int(time.time())
    if version == 1:
        issued = {"iss": f"https://sts.windows.net/{tenant}/", "appid": AGENT_365_PLATFORM_APP_ID, "ver": "1.0"}
    else:
        issuer = f"https://login.microsoftonline.com/{tenant}/v2.0"
        issued = {"iss": issuer, "azp": AGENT_365_PLATFORM_APP_ID, "azpacr": "2", "ver": "2.0"}
    body = {**issued, "aud": app_id, "tid": tenant, "iat": now, "nbf": now, "exp": now + 3600, **claims}
    return jwt.encode(body, private, algorithm="RS256", headers={"kid": kid, "x5t": kid, "typ": "JWT"})


def post_activity(url: str, activity: dict[str, Any], token: str | None = None) -> tuple[int, bytes]:
    """POST an activity to the app as the Bot Framework would; (status, body). The referees read the activity
    first and an invoke's answer after."""
    for referee in REFEREES:
        referee.inbound(activity)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(activity).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, body = int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()
    if activity.get("type") == "invoke":
        _referee_invoke_response(activity, status, body)
    return status, body


def _referee_invoke_response(invoke: dict[str, Any], status: int, body: bytes) -> None:
    answer = json.loads(body) if body.strip() else None
    for referee in REFEREES:
        referee.invoke_response(invoke, status, answer)


def _refused(method: str, path: str, body: Any) -> str | None:
    """What a referee refuses in a request the app sent the connector, or None."""
    if method not in {"POST", "PUT"}:
        return None
    try:
        for referee in REFEREES:
            referee.outbound(method, path, body)
    except ValueError as refusal:
        return str(refusal)
    return None

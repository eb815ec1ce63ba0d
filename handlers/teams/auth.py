"""Bot Framework request authentication: the bearer JWT on every inbound activity, checked as Microsoft specifies
("Connector to Bot", learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).

In two steps, so nothing in a request's body is parsed until its token has been verified:
- verify(authorization), before the body: an RS256 signature by a key we hold, the issuer, the audience, expiry
  and not-before (five minutes' skew either way), and for a Bot Framework token a signing key whose
  endorsements include msteams (the key set's own endorsement, not the activity's say-so).
- admit(verified, service_url, channel_id), after it: the activity's channel is msteams, and the token's
  serviceurl claim (read without regard to case: real tokens spell it "serviceurl", the docs "serviceUrl")
  names the activity's serviceUrl, a trailing slash aside.

Tokens Entra issues are accepted for a single-tenant bot (TEAMS_TENANT_ID set), under the rules of Microsoft's
Teams SDK (microsoft-teams-apps 2.1.1, microsoft_teams/apps/auth/token_validator.py, InboundActivityTokenValidator
and TokenValidator.for_entra): issuer Entra's v1 (https://sts.windows.net/{tenant}/) or v2
({login}/{tenant}/v2.0) for our tenant, signed with a key from that tenant's Entra key set, audience our app id or
its api:// forms, and requested by the Agent 365 platform app. The Microsoft 365 Agents SDK's default issuers for a
connection are the same pair (microsoft_agents/hosting/core/authorization/_entra_issuers.py,
default_connection_issuers), and so is the .NET Agents SDK's AddBotAspNetAuthentication. briefbot is stricter than
the Teams SDK in pinning the tenant to TEAMS_TENANT_ID (the SDK takes any tenant the token names). Entra's keys
carry no endorsements and its tokens no serviceurl claim (the SDK says as much), so for them the channel is taken
from the activity and a serviceurl is checked only when present.

Keys (KeySet) never stall a request: a token naming a key we don't hold starts at most one fetch in the
background and is answered at once (503 while that fetch may still bring the key, so the Bot Framework sends the
activity again; 401 after). A fetch that brings no usable keys never replaces good ones."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

from handlers.teams.clouds import PUBLIC, Cloud

log = logging.getLogger(__name__)
TEAMS = "msteams"
LEEWAY = 300  # seconds of clock skew allowed on exp and nbf ("industry-standard clock-skew is 5 minutes")
MIN_REFRESH = 60.0  # seconds between fetches prompted by unknown keys while we hold keys
RETRY_WITHOUT_KEYS = 5.0  # seconds between fetches while we hold none (the service answers 503 meanwhile)
MAX_AGE = 24 * 3600.0  # keys are fetched again (in the background) after a day
FETCH_TIMEOUT = 5.0
MAX_KEYS_BYTES = 1_000_000  # the real key set is a few kilobytes
UNTIL = "Teams messages get 503 (and are sent again) until they can be fetched"
# The client app that requests Entra-issued inbound tokens: the Agent 365 platform (Teams SDK 2.1.1,
# token_validator.py, AGENT_365_PLATFORM_APP_ID; the SDK uses it for every cloud).
AGENT_365_PLATFORM_APP_ID = "5a807f24-c9de-44ee-a3a7-329e88a00ffc"


class Unauthorized(Exception):
    """The request is not from the Bot Framework (or not for this bot): 401."""


class Forbidden(Exception):
    """A genuine token for something briefbot does not serve (another channel): 403, as the Bot Connector
    documentation asks when an endorsement is missing."""


class KeysUnavailable(Exception):
    """No key to check the token with yet, though one may come: 503, so the Bot Framework delivers it again."""


@dataclass(frozen=True)
class SigningKey:
    key: jwt.PyJWK
    endorsements: frozenset[str]  # the channels the key may sign for (Bot Framework keys only)


@dataclass(frozen=True)
class Verified:
    claims: dict[str, Any]
    entra: bool  # issued by Entra for our tenant, rather than by the Bot Framework


def fetch_json(url: str, timeout: float) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        raw = response.read(MAX_KEYS_BYTES + 1)
    if len(raw) > MAX_KEYS_BYTES:
        raise ValueError("the key set is implausibly large")
    return json.loads(raw)


def usable_keys(document: Any) -> dict[str, SigningKey]:
    """The RSA signing keys in a JWK set, by kid; entries that are not usable keys are left out."""
    entries = document.get("keys") if isinstance(document, dict) else None
    keys: dict[str, SigningKey] = {}
    for entry in entries if isinstance(entries, list) else ():
        key = _signing_key(entry)
        if key is not None:
            keys[entry["kid"]] = key
    return keys


def _signing_key(entry: Any) -> SigningKey | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str) or entry.get("kty") != "RSA":
        return None
    if entry.get("use", "sig") != "sig":
        return None
    try:
        key = jwt.PyJWK(entry, algorithm="RS256")
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None
    endorsements = entry.get("endorsements")
    named = frozenset(e for e in endorsements if isinstance(e, str)) if isinstance(endorsements, list) else frozenset()
    return SigningKey(key, named)


class KeySet:
    """One key set (the Bot Framework's, or a tenant's Entra keys), by kid, fetched in the background."""

    def __init__(
        self,
        url: str,
        *,
        source: str = "Bot Framework",
        timeout: float = FETCH_TIMEOUT,
        min_refresh: float = MIN_REFRESH,
        retry_without_keys: float = RETRY_WITHOUT_KEYS,
        max_age: float = MAX_AGE,
        fetch: Callable[[str, float], Any] = fetch_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.source = source
        self.timeout = timeout
        self.min_refresh = min_refresh
        self.retry_without_keys = retry_without_keys
        self.max_age = max_age
        self.fetch = fetch
        self.clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._refreshing = False
        self._failing = False  # within an outage: it is logged once, when it starts
        self._lock = threading.Lock()
        self._tried = threading.Event()  # set once the first fetch has succeeded or failed

    def prefetch(self) -> None:
        """Fetch in the background (at start-up), so the first request finds keys."""
        self._start_refresh()

    def settle(self, timeout: float) -> bool:
        """Wait (at start-up, never on a request) until the first fetch has succeeded or failed; True if it has."""
        return self._tried.wait(timeout)

    def get(self, kid: str) -> SigningKey | None:
        """The key `kid` names, or None if it is not one of ours. Never waits for a fetch. Raises
        KeysUnavailable while we hold no keys, or while a fetch that may bring this kid is under way."""
        keys = self._keys
        found = keys.get(kid)
        if found is not None:
            if self._fetched_at is not None and self.clock() - self._fetched_at > self.max_age:
                self._start_refresh()  # stale: refreshed behind the scenes, used meanwhile
            return found
        started = self._start_refresh()
        if not keys:
            raise KeysUnavailable(f"no {self.source} signing keys yet")
        if started or self._refreshing:
            raise KeysUnavailable(f"signing key {kid[:64]!r} unknown: fetching the {self.source} keys again")
        return None

    def _start_refresh(self) -> bool:
        """Start one fetch, unless one is running or one was tried too recently; True if started."""
        with self._lock:
            now = self.clock()
            pause = self.min_refresh if self._keys else self.retry_without_keys
            if self._refreshing or (self._tried_at is not None and now - self._tried_at < pause):
                return False
            self._refreshing = True
            self._tried_at = now
        threading.Thread(target=self._refresh, name="teams-keys", daemon=True).start()
        return True

    def _refresh(self) -> None:
        try:
            keys = usable_keys(self.fetch(self.url, self.timeout))
            if not keys:
                raise ValueError("the answer held no usable signing keys")
        except Exception as error:
            self._fetch_failed(error)
        else:
            self._keys = keys
            self._fetched_at = self.clock()
            if self._failing:
                log.info("Teams: fetched the %s signing keys again (%d keys)", self.source, len(keys))
            self._failing = False
        finally:
            with self._lock:
                self._refreshing = False
            self._tried.set()

    def _fetch_failed(self, error: Exception) -> None:
        what = f"the {self.source} signing keys from {self.url} ({type(error).__name__}: {str(error)[:120]})"
        if self._failing:
            log.debug("Teams: still could not fetch %s", what)
        elif self._keys:
            log.warning("Teams: could not fetch %s; keeping the %d held", what, len(self._keys))
        else:
            log.error("Teams: could not fetch %s; %s", what, UNTIL)
        self._failing = True


class TokenValidator:
    def __init__(
        self,
        app_id: str,
        keys: KeySet,
        *,
        cloud: Cloud = PUBLIC,
        tenant_id: str = "",
        entra_keys: KeySet | None = None,
    ) -> None:
        if not app_id:
            raise ValueError("an app id is needed to check tokens' audience")
        self.app_id = app_id
        self.keys = keys
        self.cloud = cloud
        self.tenant_id = tenant_id
        self.entra_keys = entra_keys
        self.entra_issuers = cloud.entra_issuers(tenant_id) if tenant_id and entra_keys is not None else ()
        # The audiences the Teams SDK accepts on Entra tokens (TokenValidator._default_audiences). A Bot Framework
        # token's audience is the app id alone, as the Bot Connector documentation says (step 4).
        self.entra_audiences = [app_id, f"api://{app_id}", f"api://botid-{app_id}"]

    def validate(self, authorization: str, service_url: str, channel_id: str) -> dict[str, Any]:
        """Both steps at once: the token's claims, or Unauthorized / Forbidden / KeysUnavailable."""
        verified = self.verify(authorization)
        self.admit(verified, service_url, channel_id)
        return verified.claims

    def verify(self, authorization: str) -> Verified:
        """Everything the token says by itself; the reason for a refusal is for the log only."""
        token = _bearer(authorization)
        kid = _key_id(token)
        issuer = _unverified_issuer(token)
        if issuer == self.cloud.issuer:
            return self._bot_framework(token, kid)
        if isinstance(issuer, str) and issuer in self.entra_issuers:
            return self._entra(token, kid, issuer)
        raise Unauthorized(f"issuer {str(issuer)[:80]!r} not accepted")

    def admit(self, verified: Verified, service_url: str, channel_id: str) -> None:
        """What the token says of the activity: its channel, and where its replies go."""
        if channel_id != TEAMS:
            raise Forbidden(f"channel {channel_id[:40]!r} refused: briefbot serves {TEAMS} only")
        claimed = _service_url_claim(verified.claims)
        if claimed is None:
            if verified.entra:
                return  # Entra tokens carry no serviceurl (see the module's docstring)
            raise Unauthorized("the token has no serviceurl claim")
        if claimed.rstrip("/") != service_url.rstrip("/"):
            raise Unauthorized("the serviceurl claim does not match the activity's serviceUrl")

    def _bot_framework(self, token: str, kid: str) -> Verified:
        key = _key(self.keys, kid)
        claims = _decode(token, key, audience=[self.app_id], issuer=self.cloud.issuer)
        if TEAMS not in key.endorsements:
            raise Forbidden(f"the signing key does not endorse {TEAMS} (it endorses {sorted(key.endorsements)})")
        return Verified(claims, entra=False)

    def _entra(self, token: str, kid: str, issuer: str) -> Verified:
        assert self.entra_keys is not None
        claims = _decode(token, _key(self.entra_keys, kid), audience=self.entra_audiences, issuer=issuer)
        if str(claims.get("tid") or "").lower() != self.tenant_id.lower():
            raise Unauthorized("the token's tid is not TEAMS_TENANT_ID")
        # v2 tokens name the requesting app in azp, v1 in appid; a present azp is never overruled by appid.
        caller = claims["azp"] if "azp" in claims else claims.get("appid")
        if not isinstance(caller, str) or caller.lower() != AGENT_365_PLATFORM_APP_ID:
            raise Unauthorized("an Entra token not requested by the Agent 365 platform")
        return Verified(claims, entra=True)


def _bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("no bearer token")
    return token.strip()


def _key_id(token: str) -> str:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as error:
        raise Unauthorized("malformed token") from error
    if header.get("alg") != "RS256":
        raise Unauthorized(f"algorithm {str(header.get('alg'))[:20]!r} refused")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise Unauthorized("no key id")
    return kid


def _unverified_issuer(token: str) -> object:
    """Only to choose the key set; the signature and the issuer are checked against it afterwards."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise Unauthorized("malformed token") from error
    return claims.get("iss")


def _key(keys: KeySet, kid: str) -> SigningKey:
    key = keys.get(kid)
    if key is None:
        raise Unauthorized("unknown signing key")
    return key


def _decode(token: str, key: SigningKey, *, audience: list[str], issuer: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key.key,
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.InvalidTokenError as error:
        raise Unauthorized(type(error).__name__) from error
    return claims


def _service_url_claim(claims: dict[str, Any]) -> str | None:
    """The serviceurl claim in whatever case it is spelt; None if absent. Two spellings that disagree are refused."""
    values = [value for name, value in claims.items() if name.lower() == "serviceurl"]
    if not all(isinstance(value, str) for value in values) or len(set(values)) > 1:
        raise Unauthorized("the serviceurl claim is ambiguous")
    return values[0] if values and values[0] else None

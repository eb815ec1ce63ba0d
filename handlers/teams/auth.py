"""Bot Framework request authentication: the bearer JWT on every inbound activity.

Checked: signature (RS256, a key from the Bot Framework key set that endorses the activity's channel), issuer,
audience (our app id), expiry (five minutes' leeway) and the serviceUrl claim against the activity's own.

The key set is cached. A token naming a key we don't have starts at most one fetch a minute; the request that
needs it waits for that fetch at most `wait` seconds, and no other request waits at all: tokens with known
keys are checked from the cache, and requests without a token are refused before any key is looked at."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import jwt

log = logging.getLogger(__name__)
BOT_FRAMEWORK_KEYS = "https://login.botframework.com/v1/.well-known/keys"
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
LEEWAY = 300
MIN_REFRESH = 60.0  # seconds between fetches prompted by unknown keys
MAX_AGE = 24 * 3600.0  # keys are fetched again (in the background) after a day
FETCH_TIMEOUT = 5.0


class Unauthorized(Exception):
    """The request is not from the Bot Framework (or not for this bot): 401."""


def fetch_json(url: str, timeout: float) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        data = json.loads(response.read())
    if not isinstance(data, dict):
        raise ValueError("the key set is not a JSON object")
    return data


class KeySet:
    """The signing keys, by kid, with their endorsements (the channels each key may sign for)."""

    def __init__(
        self,
        url: str = BOT_FRAMEWORK_KEYS,
        *,
        wait: float = FETCH_TIMEOUT,
        min_refresh: float = MIN_REFRESH,
        max_age: float = MAX_AGE,
        fetch: Callable[[str, float], dict[str, Any]] = fetch_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.wait = wait
        self.min_refresh = min_refresh
        self.max_age = max_age
        self.fetch = fetch
        self.clock = clock
        self._keys: dict[str, tuple[jwt.PyJWK, tuple[str, ...]]] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._done.set()

    def prefetch(self) -> None:
        """Fetch in the background (at start-up), so the first request finds keys."""
        self._start_refresh()

    def get(self, kid: str) -> tuple[jwt.PyJWK, tuple[str, ...]] | None:
        found = self._keys.get(kid)
        if found is not None:
            if self._fetched_at is not None and self.clock() - self._fetched_at > self.max_age:
                self._start_refresh()  # stale: refresh behind the scenes, use what we have meanwhile
            return found
        if self._start_refresh() or not self._done.is_set():
            self._done.wait(self.wait)
        return self._keys.get(kid)

    def _start_refresh(self) -> bool:
        """Start one fetch unless one is running or one was tried within `min_refresh`; True if started."""
        with self._lock:
            now = self.clock()
            if not self._done.is_set() or (self._tried_at is not None and now - self._tried_at < self.min_refresh):
                return False
            self._tried_at = now
            self._done.clear()
        threading.Thread(target=self._refresh, name="teams-jwks", daemon=True).start()
        return True

    def _refresh(self) -> None:
        try:
            data = self.fetch(self.url, self.wait)
            keys = {}
            for entry in data.get("keys", []):
                if isinstance(entry, dict) and entry.get("kid"):
                    keys[str(entry["kid"])] = (jwt.PyJWK(entry), tuple(entry.get("endorsements") or ()))
            self._keys = keys
            self._fetched_at = self.clock()
        except Exception as error:  # the old keys stay in use; the next unknown kid may try again
            log.warning("could not fetch the Bot Framework signing keys: %s", type(error).__name__)
        finally:
            self._done.set()


class TokenValidator:
    def __init__(self, app_id: str, keys: KeySet, *, issuer: str = BOT_FRAMEWORK_ISSUER) -> None:
        if not app_id:
            raise ValueError("an app id is needed to check tokens' audience")
        self.app_id = app_id
        self.keys = keys
        self.issuer = issuer

    def validate(self, authorization: str, service_url: str, channel_id: str) -> dict[str, Any]:
        """The token's claims, or Unauthorized saying (for the log only) why not."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("no bearer token")
        try:
            header = jwt.get_unverified_header(token.strip())
        except jwt.InvalidTokenError as error:
            raise Unauthorized("malformed token") from error
        if header.get("alg") != "RS256":
            raise Unauthorized(f"algorithm {header.get('alg')!r} refused")
        found = self.keys.get(str(header.get("kid") or ""))
        if found is None:
            raise Unauthorized("unknown signing key")
        key, endorsements = found
        if endorsements and channel_id not in endorsements:
            raise Unauthorized(f"key does not endorse channel {channel_id!r}")
        return self._decode(token.strip(), key, service_url)

    def _decode(self, token: str, key: jwt.PyJWK, service_url: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.issuer,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            raise Unauthorized(type(error).__name__) from error
        if claims.get("serviceUrl") != service_url:
            raise Unauthorized("serviceUrl claim does not match the activity")
        return claims

"""App-only tokens for the Bot Connector, from Entra's token endpoint: by client secret, or by a certificate
(a client assertion: a short JWT signed RS256 with the certificate's private key, naming the certificate by
its thumbprint). Tokens are cached until five minutes before they expire. Where Entra is and what scope is asked
for depend on the cloud (handlers.teams.clouds).

Every option is explicit: no environment fallbacks and no managed identity."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

from handlers.teams.clouds import PUBLIC, Cloud

TOKEN_MARGIN = 300.0  # renew a token five minutes before it expires
TIMEOUT = 10.0
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 600  # seconds; Entra accepts up to ten minutes


def token_url(tenant_id: str, override: str = "", cloud: Cloud = PUBLIC) -> str:
    return override or cloud.token_url(tenant_id)


class _CachedToken:
    """One token request at a time; the rest use its result until shortly before it expires."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.clock = clock
        self._lock = threading.Lock()
        self._token = ""
        self._until = 0.0

    def form(self) -> dict[str, str]:
        raise NotImplementedError

    def token(self) -> str:
        with self._lock:
            if self.clock() >= self._until:
                body = urllib.parse.urlencode(self.form()).encode()
                request = urllib.request.Request(self.url, data=body, method="POST")
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                    data = json.loads(response.read())
                self._token = str(data["access_token"])
                self._until = self.clock() + float(data.get("expires_in", 3600)) - TOKEN_MARGIN
            return self._token


class ClientCredentials(_CachedToken):
    """By client secret (TEAMS_APP_PASSWORD)."""

    def __init__(self, app_id: str, password: str, tenant_id: str, url: str = "", cloud: Cloud = PUBLIC) -> None:
        super().__init__(token_url(tenant_id, url, cloud))
        self.app_id = app_id
        self.password = password
        self.scope = cloud.scope

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_secret": self.password,
            "scope": self.scope,
        }


@dataclass(frozen=True)
class Certificate:
    """The private key that signs assertions, and the thumbprints Entra knows the certificate by."""

    private_key: RSAPrivateKey
    sha1: bytes
    sha256: bytes | None = None  # known only when the certificate itself is at hand


def load_certificate(pem: bytes, thumbprint: str = "") -> Certificate:
    """From a PEM holding the private key (unencrypted) and, usually, the certificate. Without the certificate
    the thumbprint (SHA-1, hex, as the Azure portal shows it) must be given; with both they must agree.
    Raises ValueError saying what is wrong."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:
        raise ValueError("its private key is encrypted: briefbot needs it unencrypted (readable by it alone)") from None
    except ValueError:
        raise ValueError("no private key could be read from it (a PEM file is needed)") from None
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("its private key is not an RSA key (Entra signs client assertions with RS256)")
    given = _hex_thumbprint(thumbprint)
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        if given is None:
            raise ValueError("it holds no certificate, so TEAMS_CERTIFICATE_THUMBPRINT is needed")
        return Certificate(key, given)
    certificate = x509.load_pem_x509_certificate(pem)
    sha1 = certificate.fingerprint(hashes.SHA1())  # Entra's x5t names a certificate by its SHA-1
    if given is not None and given != sha1:
        raise ValueError("TEAMS_CERTIFICATE_THUMBPRINT is not the thumbprint of the certificate in it")
    public = certificate.public_key()
    if not isinstance(public, RSAPublicKey) or public.public_numbers() != key.public_key().public_numbers():
        raise ValueError("its certificate and private key do not belong together")
    return Certificate(key, sha1, certificate.fingerprint(hashes.SHA256()))


def _hex_thumbprint(text: str) -> bytes | None:
    cleaned = text.replace(":", "").replace(" ", "").strip()
    if not cleaned:
        return None
    try:
        value = bytes.fromhex(cleaned)
    except ValueError:
        raise ValueError("TEAMS_CERTIFICATE_THUMBPRINT is not hexadecimal") from None
    if len(value) != 20:
        raise ValueError("TEAMS_CERTIFICATE_THUMBPRINT is not a SHA-1 thumbprint (40 hex digits)")
    return value


class CertificateCredentials(_CachedToken):
    """By certificate (TEAMS_CERTIFICATE_PATH): each token request carries a fresh signed assertion."""

    def __init__(
        self,
        app_id: str,
        certificate: Certificate,
        tenant_id: str,
        url: str = "",
        clock: Callable[[], float] = time.time,
        cloud: Cloud = PUBLIC,
    ) -> None:
        super().__init__(token_url(tenant_id, url, cloud), clock)
        self.app_id = app_id
        self.certificate = certificate
        self.scope = cloud.scope

    def form(self) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": self.assertion(),
            "scope": self.scope,
        }

    def assertion(self) -> str:
        now = int(self.clock())
        claims = {
            "aud": self.url,
            "iss": self.app_id,
            "sub": self.app_id,
            "jti": str(uuid.uuid4()),
            "iat": now,
            "nbf": now,
            "exp": now + ASSERTION_LIFETIME,
        }
        headers = {"typ": "JWT", "x5t": _b64url(self.certificate.sha1)}
        if self.certificate.sha256 is not None:
            headers["x5t#S256"] = _b64url(self.certificate.sha256)
        return jwt.encode(claims, self.certificate.private_key, algorithm="RS256", headers=headers)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

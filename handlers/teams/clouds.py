"""Where the Bot Framework lives in each Microsoft cloud: the keys inbound tokens are signed with, the issuer they
carry, and where and for what briefbot asks Entra for its own connector tokens.

The values are those of Microsoft's Teams SDK (microsoft-teams-api 2.1.1,
microsoft_teams/api/auth/cloud_environment.py: PUBLIC, US_GOV, US_GOV_DOD, CHINA), which match the Bot
Connector documentation for the public cloud (learn.microsoft.com/azure/bot-service/rest-api/
bot-framework-rest-connector-authentication: OpenID metadata login.botframework.com/v1/.well-known/
openidconfiguration, issuer https://api.botframework.com, scope https://api.botframework.com/.default).
GCC (moderate) uses the public cloud's endpoints; only GCC High, DoD and China have their own."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

# The Entra v1 issuer host. The Teams SDK uses it for every cloud (token_validator.py, ENTRA_V1_ISSUER_PREFIX);
# the Microsoft 365 Agents SDK calls it "cloud-agnostic, shared across the public and US Government clouds"
# (microsoft_agents/hosting/core/authorization/_entra_issuers.py).
ENTRA_V1_ISSUER = "https://sts.windows.net/{tenant}/"


@dataclass(frozen=True)
class Cloud:
    name: str
    openid_metadata_url: str  # the Bot Framework's OpenID document; its jwks_uri is keys_url
    issuer: str  # the "iss" of tokens the Bot Framework signs
    login_endpoint: str  # Entra, for connector tokens and for Entra-issued inbound tokens
    login_tenant: str  # the token tenant of a multi-tenant bot
    scope: str  # what a connector token is asked for

    @property
    def keys_url(self) -> str:
        """The Bot Framework's signing keys: its OpenID document's jwks_uri (the SDK derives it the same way)."""
        return re.sub(r"/openidconfiguration$", "/keys", self.openid_metadata_url)

    def token_url(self, tenant_id: str) -> str:
        tenant = urllib.parse.quote(tenant_id or self.login_tenant)
        return f"{self.login_endpoint}/{tenant}/oauth2/v2.0/token"

    def entra_issuers(self, tenant_id: str) -> tuple[str, str]:
        """Entra's v1 and v2 issuers for a tenant."""
        return ENTRA_V1_ISSUER.format(tenant=tenant_id), f"{self.login_endpoint}/{tenant_id}/v2.0"

    def entra_keys_url(self, tenant_id: str) -> str:
        return f"{self.login_endpoint}/{urllib.parse.quote(tenant_id)}/discovery/v2.0/keys"


PUBLIC = Cloud(
    name="public",
    openid_metadata_url="https://login.botframework.com/v1/.well-known/openidconfiguration",
    issuer="https://api.botframework.com",
    login_endpoint="https://login.microsoftonline.com",
    login_tenant="botframework.com",
    scope="https://api.botframework.com/.default",
)
US_GOV = Cloud(  # GCC High
    name="usgov",
    openid_metadata_url="https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
    issuer="https://api.botframework.us",
    login_endpoint="https://login.microsoftonline.us",
    login_tenant="MicrosoftServices.onmicrosoft.us",
    scope="https://api.botframework.us/.default",
)
US_GOV_DOD = Cloud(  # DoD: the same Bot Framework endpoints as GCC High (its differences are elsewhere, e.g. Graph)
    name="usgovdod",
    openid_metadata_url="https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
    issuer="https://api.botframework.us",
    login_endpoint="https://login.microsoftonline.us",
    login_tenant="MicrosoftServices.onmicrosoft.us",
    scope="https://api.botframework.us/.default",
)
CHINA = Cloud(  # operated by 21Vianet
    name="china",
    openid_metadata_url="https://login.botframework.azure.cn/v1/.well-known/openidconfiguration",
    issuer="https://api.botframework.azure.cn",
    login_endpoint="https://login.partner.microsoftonline.cn",
    login_tenant="microsoftservices.partner.onmschina.cn",
    scope="https://api.botframework.azure.cn/.default",
)
CLOUDS = {cloud.name: cloud for cloud in (PUBLIC, US_GOV, US_GOV_DOD, CHINA)}
ALIASES = {"gcch": "usgov", "gcc-high": "usgov", "gcchigh": "usgov", "dod": "usgovdod", "gcc": "public"}


def cloud_named(name: str) -> Cloud:
    """The cloud TEAMS_CLOUD names (case-insensitive; empty is public), or ValueError listing the names known."""
    key = name.strip().lower() or PUBLIC.name
    cloud = CLOUDS.get(ALIASES.get(key, key))
    if cloud is None:
        known = ", ".join([*CLOUDS, *ALIASES])
        raise ValueError(f"{name!r} is not a cloud briefbot knows (one of {known})")
    return cloud

"""Teams settings, read like the others (environment over `.env`), kept apart from settings.py so Teams can be
wired in without touching it. Every option the Bot Framework needs is named here and passed on explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app.errors import SettingError
from handlers.teams.clouds import Cloud, cloud_named
from handlers.teams.loopback import is_loopback

if TYPE_CHECKING:  # the crypto libraries load only when Teams is served, not for every CLI command
    from handlers.teams.credentials import Certificate

TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str = ""
    app_password: str = ""
    # Or a certificate instead of the password: a PEM with the private key (and usually the certificate).
    certificate_path: str = ""
    certificate_thumbprint: str = ""
    tenant_id: str = ""
    allow_unauthenticated: bool = False
    # HOST, where the server listens: unauthenticated mode is refused anywhere but loopback.
    host: str = "127.0.0.1"
    # Which Microsoft cloud (handlers.teams.clouds): public (with GCC), usgov (GCC High), usgovdod (DoD), china.
    cloud: str = "public"
    # Overrides of the cloud's addresses, for tests: the Bot Framework's keys, the tenant's Entra keys, Entra's
    # token endpoint. Empty: the cloud's own.
    jwks_url: str = ""
    entra_jwks_url: str = ""
    token_url: str = ""
    # Domains the app package lists as valid (the server's public host name).
    valid_domains: tuple[str, ...] = ()
    # Who may change figures from Teams, and who may also undo other people's changes: Entra object ids.
    officers: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()

    @property
    def configured(self) -> bool:
        """Teams is served when any of its settings is given; require_teams then says what else is needed."""
        return bool(self.app_id or self.app_password or self.certificate_path or self.allow_unauthenticated)

    @classmethod
    def from_env(cls, values: Mapping[str, str]) -> TeamsSettings:
        domains = values.get("TEAMS_VALID_DOMAINS", "")
        return cls(
            app_id=values.get("TEAMS_APP_ID", "").strip(),
            app_password=values.get("TEAMS_APP_PASSWORD", ""),
            certificate_path=values.get("TEAMS_CERTIFICATE_PATH", "").strip(),
            certificate_thumbprint=values.get("TEAMS_CERTIFICATE_THUMBPRINT", "").strip(),
            tenant_id=values.get("TEAMS_TENANT_ID", "").strip(),
            allow_unauthenticated=values.get("TEAMS_ALLOW_UNAUTHENTICATED", "").strip().lower() in TRUE,
            host=values.get("HOST", "").strip() or "127.0.0.1",
            cloud=values.get("TEAMS_CLOUD", "").strip() or "public",
            jwks_url=values.get("TEAMS_JWKS_URL", "").strip(),
            entra_jwks_url=values.get("TEAMS_ENTRA_JWKS_URL", "").strip(),
            token_url=values.get("TEAMS_TOKEN_URL", "").strip(),
            valid_domains=tuple(d.strip() for d in domains.split(",") if d.strip()),
            officers=entra_ids(values.get("BRIEFBOT_TEAMS_OFFICERS", "")),
            admins=entra_ids(values.get("BRIEFBOT_TEAMS_ADMINS", "")),
        )


def entra_ids(listed: str) -> frozenset[str]:
    """Comma-separated Entra object ids, compared in lower case (Teams sends them so)."""
    return frozenset(part.strip().lower() for part in listed.split(",") if part.strip())


def require_teams(settings: TeamsSettings) -> None:
    """Stop start-up with a message naming what is missing, or what may not be combined."""
    secret = "TEAMS_APP_PASSWORD" if settings.app_password else "TEAMS_CERTIFICATE_PATH"
    if settings.allow_unauthenticated and (settings.app_password or settings.certificate_path):
        raise SettingError(
            f"TEAMS_ALLOW_UNAUTHENTICATED=1 is refused while {secret} is set: unauthenticated mode is "
            "for tests on loopback only. Unset one of them."
        )
    require_loopback(settings, settings.host)
    if settings.app_password and settings.certificate_path:
        raise SettingError("TEAMS_APP_PASSWORD and TEAMS_CERTIFICATE_PATH are both set: use one of them.")
    teams_cloud(settings)
    if settings.certificate_thumbprint and not settings.certificate_path:
        raise SettingError("TEAMS_CERTIFICATE_THUMBPRINT is set without TEAMS_CERTIFICATE_PATH: set the path too.")
    missing = [name for name, value in (("TEAMS_APP_ID", settings.app_id),) if not value]
    if not settings.allow_unauthenticated and not (settings.app_password or settings.certificate_path):
        missing.append("TEAMS_APP_PASSWORD (or TEAMS_CERTIFICATE_PATH)")
    if missing:
        raise SettingError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: add "
            f"{'it' if len(missing) == 1 else 'them'} to .env (see .env.example and docs/teams.md) or the environment."
        )
    if settings.certificate_path:
        read_certificate(settings)  # a file that can't be used stops start-up here, in one line


def teams_cloud(settings: TeamsSettings) -> Cloud:
    """The cloud TEAMS_CLOUD names, or a SettingError listing the ones briefbot knows."""
    try:
        return cloud_named(settings.cloud)
    except ValueError as error:
        raise SettingError(f"TEAMS_CLOUD {error}.") from None


def require_loopback(settings: TeamsSettings, host: str) -> None:
    """Unauthenticated mode answers anyone who can reach the port, so it is served on loopback only. Checked
    with the other settings (before the store is opened) and again by serve, with the address it binds."""
    if settings.allow_unauthenticated and not is_loopback(host):
        raise SettingError(
            f"TEAMS_ALLOW_UNAUTHENTICATED=1 is refused with HOST={host}: unauthenticated mode is for tests on "
            "loopback only (HOST=127.0.0.1, ::1 or localhost)."
        )


def read_certificate(settings: TeamsSettings) -> Certificate:
    """The certificate TEAMS_CERTIFICATE_PATH names, or a SettingError saying in one line why it can't be used."""
    from handlers.teams.credentials import load_certificate

    path = Path(settings.certificate_path).expanduser()
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise SettingError(f"TEAMS_CERTIFICATE_PATH {path} can't be read: {error.strerror or error}.") from None
    try:
        return load_certificate(pem, settings.certificate_thumbprint)
    except ValueError as error:
        raise SettingError(f"TEAMS_CERTIFICATE_PATH {path} can't be used: {error}.") from None

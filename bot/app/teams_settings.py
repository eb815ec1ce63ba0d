"""Teams settings, read like the others (environment over `.env`), kept apart from settings.py so Teams can be
wired in without touching it. Every option the Bot Framework needs is named here and passed on explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.app.errors import SettingError

BOT_FRAMEWORK_KEYS = "https://login.botframework.com/v1/.well-known/keys"
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TeamsSettings:
    app_id: str = ""
    app_password: str = ""
    tenant_id: str = ""
    allow_unauthenticated: bool = False
    # Overrides for sovereign clouds (GCC High, DoD) and tests: where signing keys and tokens come from.
    jwks_url: str = BOT_FRAMEWORK_KEYS
    token_url: str = ""
    # Domains the app package lists as valid (the server's public host name).
    valid_domains: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        """Teams is served when any of its settings is given; require_teams then says what else is needed."""
        return bool(self.app_id or self.app_password or self.allow_unauthenticated)

    @classmethod
    def from_env(cls, values: Mapping[str, str]) -> TeamsSettings:
        domains = values.get("TEAMS_VALID_DOMAINS", "")
        return cls(
            app_id=values.get("TEAMS_APP_ID", "").strip(),
            app_password=values.get("TEAMS_APP_PASSWORD", ""),
            tenant_id=values.get("TEAMS_TENANT_ID", "").strip(),
            allow_unauthenticated=values.get("TEAMS_ALLOW_UNAUTHENTICATED", "").strip().lower() in TRUE,
            jwks_url=values.get("TEAMS_JWKS_URL", "").strip() or BOT_FRAMEWORK_KEYS,
            token_url=values.get("TEAMS_TOKEN_URL", "").strip(),
            valid_domains=tuple(d.strip() for d in domains.split(",") if d.strip()),
        )


def require_teams(settings: TeamsSettings) -> None:
    """Stop start-up with a message naming what is missing, or what may not be combined."""
    if settings.allow_unauthenticated and settings.app_password:
        raise SettingError(
            "TEAMS_ALLOW_UNAUTHENTICATED=1 is refused while TEAMS_APP_PASSWORD is set: unauthenticated mode is "
            "for tests on loopback only. Unset one of them."
        )
    missing = [name for name, value in (("TEAMS_APP_ID", settings.app_id),) if not value]
    if not settings.allow_unauthenticated and not settings.app_password:
        missing.append("TEAMS_APP_PASSWORD")
    if missing:
        raise SettingError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: add "
            f"{'it' if len(missing) == 1 else 'them'} to .env (see .env.example and docs/teams.md) or the environment."
        )

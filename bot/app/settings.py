"""Settings: the only place that reads the environment (and `.env`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dotenv import dotenv_values

from bot.app.errors import SettingError
from bot.app.slow_clients import HttpLimits
from bot.app.teams_settings import TeamsSettings, require_teams
from data.figures.catalogue import LEEDS, REFERENCE_DIR
from data.figures.place_names import authority_code, hand_forms, load_authorities

__all__ = ["SettingError", "Settings", "require_platforms", "require_slack", "slack_configured"]
DEFAULT_SQLITE_NAME = "briefbot.sqlite3"
NEIGHBOUR_MODELS = {"2021": date(2022, 1, 1), "2025": date(2025, 6, 1)}


def _whole_number(name: str, value: str) -> int:
    if not value.strip().isdigit() or int(value) == 0:
        raise SettingError(f"{name} must be a positive whole number, not {value!r}")
    return int(value)


def _seconds(name: str, value: str) -> int:
    if not value.strip().isdigit():
        raise SettingError(f"{name} must be a whole number of seconds, not {value!r}")
    return int(value)


def _authority(name: str, value: str) -> str:
    """A live English local authority named by its code (E08000035 or 383) or any of its names ("Leeds", "Hull")."""
    code = authority_code(value, load_authorities(REFERENCE_DIR), hand_forms(REFERENCE_DIR))
    if code is None:
        raise SettingError(f"{name}: no single English local authority is called {value.strip()!r}; give its code")
    return code


def _home_la(value: str) -> str:
    return _authority("BRIEFBOT_HOME_LA", value) if value.strip() else LEEDS


def _core_cities(value: str) -> tuple[str, ...]:
    """Authorities separated by semicolons ("Leeds; Bristol; Newcastle") or commas; empty: the shipped list."""
    parts = [part for part in value.replace(";", ",").split(",") if part.strip()]
    return tuple(dict.fromkeys(_authority("BRIEFBOT_CORE_CITIES", part) for part in parts))


def _neighbour_model(value: str) -> str:
    if value.strip() not in NEIGHBOUR_MODELS:
        raise SettingError(f"BRIEFBOT_SN_MODEL must be one of {', '.join(NEIGHBOUR_MODELS)}, not {value!r}")
    return value.strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    seed: bool
    national: bool = True  # a new store loads every English council's official figures, not the Leeds slices
    refresh_sources: tuple[str, ...] = ()  # `briefbot refresh`: folders or URLs of updated national files
    timezone: str = "Europe/London"
    chart_cache_dir: Path | None = None
    neighbour_model: str = "2025"
    # The council at home: what "we", "the city", "statistical neighbours" and "the region" mean.
    home_la: str = LEEDS
    core_cities: tuple[str, ...] = ()  # empty: data/reference/core_cities.csv
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_api_base_url: str = ""
    host: str = "127.0.0.1"
    port: int = 3000
    workers: int = 16
    chart_workers: int = 1
    shutdown_grace: int = 20
    teams: TeamsSettings = field(default_factory=TeamsSettings)
    http: HttpLimits = field(default_factory=HttpLimits)
    moderngov_url: str = ""
    calendar_user_agent: str = "briefbot"
    # Who may change figures from chat: officers by user id and/or a user group's members; admins too.
    officers: frozenset[str] = frozenset()
    officer_group: str = ""
    admins: frozenset[str] = frozenset()
    # How long a thread's last question is carried over to a follow-up ("and 2022?") in the same thread.
    thread_memory: timedelta = timedelta(hours=2)

    @property
    def neighbours_on(self) -> date:
        """A day inside the chosen statistical-neighbour model's validity (see data/catalogue.py SN_MODELS)."""
        return NEIGHBOUR_MODELS[self.neighbour_model]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({key: value for key, value in dotenv_values(env_file).items() if value is not None})
        values.update(os.environ if environ is None else environ)
        data_dir = Path(values.get("BRIEFBOT_DATA_DIR") or _default_data_dir(values)).expanduser()
        url = values.get("DATABASE_URL") or f"sqlite:///{data_dir / DEFAULT_SQLITE_NAME}"
        return cls(
            database_url=url,
            data_dir=data_dir,
            seed=values.get("BRIEFBOT_SEED", "1").strip().lower() not in {"0", "false", "no", "off"},
            national=values.get("BRIEFBOT_NATIONAL", "1").strip().lower() not in {"0", "false", "no", "off"},
            refresh_sources=tuple(values.get("BRIEFBOT_REFRESH_SOURCES", "").replace(",", " ").split()),
            timezone=values.get("BRIEFBOT_TIMEZONE", "Europe/London"),
            neighbour_model=_neighbour_model(values.get("BRIEFBOT_SN_MODEL", "2025")),
            home_la=_home_la(values.get("BRIEFBOT_HOME_LA", "")),
            core_cities=_core_cities(values.get("BRIEFBOT_CORE_CITIES", "")),
            slack_bot_token=values.get("SLACK_BOT_TOKEN", ""),
            slack_signing_secret=values.get("SLACK_SIGNING_SECRET", ""),
            slack_app_token=values.get("SLACK_APP_TOKEN", ""),
            slack_api_base_url=values.get("SLACK_API_BASE_URL", ""),
            host=values.get("HOST", "").strip() or "127.0.0.1",
            port=_whole_number("PORT", values.get("PORT", "3000")),
            workers=_whole_number("BRIEFBOT_WORKERS", values.get("BRIEFBOT_WORKERS", "16")),
            chart_workers=_whole_number("BRIEFBOT_CHART_WORKERS", values.get("BRIEFBOT_CHART_WORKERS", "1")),
            teams=TeamsSettings.from_env(values),
            http=_http_limits(values),
            moderngov_url=values.get("BRIEFBOT_MODERNGOV_URL", "").strip(),
            calendar_user_agent=values.get("BRIEFBOT_CALENDAR_USER_AGENT", "").strip() or "briefbot",
            officers=_user_ids(values.get("BRIEFBOT_OFFICERS", "")),
            officer_group=values.get("BRIEFBOT_OFFICER_GROUP", "").strip(),
            admins=_user_ids(values.get("BRIEFBOT_ADMINS", "")),
            shutdown_grace=_seconds("BRIEFBOT_SHUTDOWN_GRACE", values.get("BRIEFBOT_SHUTDOWN_GRACE", "20")),
            thread_memory=timedelta(
                minutes=_whole_number(
                    "BRIEFBOT_THREAD_MEMORY_MINUTES", values.get("BRIEFBOT_THREAD_MEMORY_MINUTES", "120")
                )
            ),
            chart_cache_dir=Path(values["BRIEFBOT_CHART_CACHE_DIR"])
            if values.get("BRIEFBOT_CHART_CACHE_DIR")
            else None,
        )


def _http_limits(values: Mapping[str, str]) -> HttpLimits:
    default = HttpLimits()
    return HttpLimits(
        channel_timeout=_whole_number(
            "BRIEFBOT_HTTP_IDLE_TIMEOUT", values.get("BRIEFBOT_HTTP_IDLE_TIMEOUT", str(default.channel_timeout))
        ),
        connection_limit=_whole_number(
            "BRIEFBOT_HTTP_CONNECTIONS", values.get("BRIEFBOT_HTTP_CONNECTIONS", str(default.connection_limit))
        ),
        unread_bodies=_whole_number(
            "BRIEFBOT_HTTP_UNREAD_BODIES", values.get("BRIEFBOT_HTTP_UNREAD_BODIES", str(default.unread_bodies))
        ),
    )


def _user_ids(value: str) -> frozenset[str]:
    """A list of chat user ids, separated by commas or spaces (U012AB3CD, U045EF6GH)."""
    return frozenset(part for part in value.replace(",", " ").split() if part)


def _default_data_dir(values: Mapping[str, str]) -> str:
    base = values.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "briefbot")


def slack_configured(settings: Settings) -> bool:
    return bool(settings.slack_bot_token or settings.slack_signing_secret or settings.slack_app_token)


def require_platforms(settings: Settings) -> None:
    """At least one chat platform, and every one that is begun complete: a missing setting names itself."""
    if settings.teams.configured:
        require_teams(settings.teams)
    if slack_configured(settings) or not settings.teams.configured:
        require_slack(settings)


def require_slack(settings: Settings) -> None:
    """Stop start-up with a message naming what is missing."""
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
        )
        if not value
    ]
    if missing:
        raise SettingError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: add "
            f"{'it' if len(missing) == 1 else 'them'} to .env (see .env.example) or the environment."
        )

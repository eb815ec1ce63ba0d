"""Settings: the only place that reads the environment (and `.env`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_SQLITE_NAME = "briefbot.sqlite3"
NEIGHBOUR_MODELS = {"2021": date(2022, 1, 1), "2025": date(2025, 6, 1)}


class SettingError(ValueError):
    """A setting with a value briefbot cannot use; the message names it."""


def _neighbour_model(value: str) -> str:
    if value.strip() not in NEIGHBOUR_MODELS:
        raise SettingError(f"BRIEFBOT_SN_MODEL must be one of {', '.join(NEIGHBOUR_MODELS)}, not {value!r}")
    return value.strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    seed: bool
    timezone: str = "Europe/London"
    chart_cache_dir: Path | None = None
    neighbour_model: str = "2025"

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
            timezone=values.get("BRIEFBOT_TIMEZONE", "Europe/London"),
            neighbour_model=_neighbour_model(values.get("BRIEFBOT_SN_MODEL", "2025")),
            chart_cache_dir=Path(values["BRIEFBOT_CHART_CACHE_DIR"])
            if values.get("BRIEFBOT_CHART_CACHE_DIR")
            else None,
        )


def _default_data_dir(values: Mapping[str, str]) -> str:
    base = values.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "briefbot")

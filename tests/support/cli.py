"""The CLI's context (bot.app.cli.Context's shape) on a test store, for tests that invoke CLI commands."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from bot.app.settings import Settings
from bot.briefbot import Briefbot


@dataclass
class FakeApp:
    """bot.app.cli.Context's shape, on a test store."""

    engine: Engine
    settings: Settings

    def ready(self) -> None:
        pass

    def briefbot(self, charts: object = None) -> Briefbot:
        return Briefbot(self.engine)

    def chart_cache(self) -> object:
        return None


@pytest.fixture
def app(seeded_engine: Engine) -> FakeApp:
    return FakeApp(seeded_engine, Settings.from_env({}, env_file=None))

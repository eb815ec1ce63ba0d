"""BRIEFBOT_HOME_LA and BRIEFBOT_CORE_CITIES: read by code or by any name a council goes by; a name that is
no council (or two) stops start-up with one line."""

from __future__ import annotations

import pytest

from bot.app.settings import SettingError, Settings


def _settings(**values: str) -> Settings:
    return Settings.from_env({"BRIEFBOT_DATA_DIR": "/tmp/briefbot-home-test", **values}, env_file=None)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "E08000035"),
        ("Leeds", "E08000035"),
        ("Manchester", "E08000003"),
        ("352", "E08000003"),
        ("e08000003", "E08000003"),
        ("hull", "E06000010"),
        ("Kingston upon Hull, City of", "E06000010"),
        ("BCP", "E06000058"),
        ("Sheffield", "E08000039"),  # the live code, not the one ended in 2025
    ],
)
def test_home_by_code_or_name(value: str, code: str) -> None:
    assert _settings(BRIEFBOT_HOME_LA=value).home_la == code


@pytest.mark.parametrize("value", ["Narnia", "Bradfrd", "Yorkshire"])
def test_a_name_that_is_no_council_is_refused(value: str) -> None:
    with pytest.raises(SettingError, match="BRIEFBOT_HOME_LA"):
        _settings(BRIEFBOT_HOME_LA=value)


def test_core_cities_edited() -> None:
    assert _settings().core_cities == ()
    edited = _settings(BRIEFBOT_CORE_CITIES="Leeds; Bristol, Newcastle")
    assert edited.core_cities == ("E08000035", "E06000023", "E08000021")
    with pytest.raises(SettingError, match="BRIEFBOT_CORE_CITIES"):
        _settings(BRIEFBOT_CORE_CITIES="Leeds; Gotham")

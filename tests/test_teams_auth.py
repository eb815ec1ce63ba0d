"""Teams in production mode: Bot Framework JWTs checked against keys from a loopback key endpoint; settings;
the app package."""

from __future__ import annotations

import json
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine

from bot.app.commands.teams_package import command as teams_package
from bot.app.settings import SettingError
from bot.app.teams_settings import TeamsSettings, require_teams
from fakes.teams import FakeConnector, personal_message, post_activity
from handlers.teams.auth import KeySet, TokenValidator, Unauthorized
from tests.test_teams import engine, serve  # noqa: F401 (the module's store fixture)

APP_ID = "app-id-0000"
ISSUER = "https://api.botframework.com"


def _key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNING, FORGER = _key(), _key()


def jwk(private: Any, kid: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    return {**data, "kid": kid, "use": "sig", "endorsements": ["msteams"]}


def token(service_url: str, *, key: Any = SIGNING, kid: str = "k1", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": APP_ID, "exp": now + 600, "nbf": now - 10, "serviceUrl": service_url, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def production(engine: Engine) -> Iterator[tuple[FakeConnector, str]]:  # noqa: F811
    fake = FakeConnector()
    fake.jwks = {"keys": [jwk(SIGNING, "k1")]}
    settings = TeamsSettings(app_id=APP_ID, app_password="secret", jwks_url=fake.jwks_url, token_url=fake.token_url)
    url, _route, conversation, server = serve(engine, settings)
    yield fake, url
    server.close()
    conversation.shutdown()
    fake.stop()


def test_unsigned_and_forged_requests_are_refused(production: tuple[FakeConnector, str]) -> None:
    fake, url = production
    activity = personal_message("auth-1", "NEET in JESS", fake.service_url, "a:auth")
    assert post_activity(url, activity)[0] == 401
    assert post_activity(url, activity, token(fake.service_url, key=FORGER))[0] == 401
    assert post_activity(url, activity, token(fake.service_url, aud="someone-else"))[0] == 401
    assert post_activity(url, activity, token("https://evil.example/"))[0] == 401
    assert post_activity(url, activity, jwt.encode({"aud": APP_ID}, "x" * 32, algorithm="HS256"))[0] == 401
    time.sleep(0.3)
    assert fake.sent("a:auth") == []


def test_a_signed_request_is_answered_with_a_connector_token(production: tuple[FakeConnector, str]) -> None:
    fake, url = production
    activity = personal_message("auth-2", "NEET in JESS", fake.service_url, "a:signed")
    assert post_activity(url, activity, token(fake.service_url))[0] == 200
    assert fake.wait_for(lambda: len(fake.sent("a:signed")) >= 1)
    assert fake.sent("a:signed")[0].authorization == "Bearer fake-connector-token"


def test_a_slow_key_fetch_stalls_no_one() -> None:
    release = threading.Event()

    def slow_fetch(_url: str, _timeout: float) -> dict[str, Any]:
        release.wait(5)
        return {"keys": [jwk(SIGNING, "k1")]}

    keys = KeySet("http://127.0.0.1:9/keys", wait=0.2, fetch=slow_fetch)
    validator = TokenValidator(APP_ID, keys)
    started = time.monotonic()
    with pytest.raises(Unauthorized):
        validator.validate("Bearer " + token("http://sv/"), "http://sv/", "msteams")  # waits at most 0.2 s
    with pytest.raises(Unauthorized):
        validator.validate("Bearer " + token("http://sv/", kid="other"), "http://sv/", "msteams")  # no new fetch
    with pytest.raises(Unauthorized):
        validator.validate("", "http://sv/", "msteams")
    assert time.monotonic() - started < 1.0
    release.set()
    deadline = time.monotonic() + 5
    while keys.get("k1") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert validator.validate("Bearer " + token("http://sv/"), "http://sv/", "msteams")["aud"] == APP_ID


def test_settings_name_what_is_missing_and_refuse_unsafe_mixes() -> None:
    with pytest.raises(SettingError, match="TEAMS_APP_ID and TEAMS_APP_PASSWORD are not set"):
        require_teams(TeamsSettings.from_env({}))
    with pytest.raises(SettingError, match="TEAMS_ALLOW_UNAUTHENTICATED=1 is refused"):
        require_teams(
            TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "p", "TEAMS_ALLOW_UNAUTHENTICATED": "1"})
        )
    require_teams(TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_ALLOW_UNAUTHENTICATED": "1"}))
    assert not TeamsSettings.from_env({}).configured


def test_the_app_package_has_a_manifest_and_two_icons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMS_APP_ID", "00000000-0000-0000-0000-000000000001")
    result = CliRunner().invoke(teams_package, ["-o", "app.zip", "--domain", "briefbot.example.org"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "app.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")
    assert manifest["bots"][0]["botId"] == "00000000-0000-0000-0000-000000000001"
    assert manifest["bots"][0]["scopes"] == ["personal", "team", "groupChat"]
    assert manifest["validDomains"] == ["briefbot.example.org"]
    assert color[16:24] == (192).to_bytes(4, "big") * 2 and outline[16:24] == (32).to_bytes(4, "big") * 2

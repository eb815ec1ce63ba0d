"""Teams in production mode: Bot Framework JWTs checked against keys from a loopback key endpoint; connector
tokens by app password or by certificate (a signed client assertion the fake token endpoint checks); settings;
the app package."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine

from bot.app.commands.teams_package import command as teams_package
from bot.app.settings import SettingError
from bot.app.teams_app import connector_tokens
from bot.app.teams_settings import TeamsSettings, read_certificate, require_loopback, require_teams, teams_cloud
from fakes.teams import FakeConnector, bot_framework_token, jwk, personal_message, post_activity, signing_key
from handlers.teams.auth import KeySet, KeysUnavailable, TokenValidator, Unauthorized
from handlers.teams.credentials import ASSERTION_TYPE, CertificateCredentials, ClientCredentials
from tests.support.teams_harness import serve

APP_ID = "app-id-0000"
SIGNING, FORGER = signing_key(), signing_key()


def token(service_url: str, *, key: rsa.RSAPrivateKey = SIGNING, kid: str = "k1", **claims: Any) -> str:
    return bot_framework_token(key, kid, claims.pop("aud", APP_ID), service_url, **claims)


def self_signed(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "briefbot")])
    now = datetime.now(UTC)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    builder = builder.serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
    return builder.not_valid_after(now + timedelta(days=30)).sign(key, hashes.SHA256())


def pem(key: rsa.RSAPrivateKey, certificate: x509.Certificate | None = None) -> bytes:
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private + (certificate.public_bytes(serialization.Encoding.PEM) if certificate else b"")


def x5t(certificate: x509.Certificate) -> str:
    return base64.urlsafe_b64encode(certificate.fingerprint(hashes.SHA1())).decode().rstrip("=")


@pytest.fixture(scope="module")
def production(engine: Engine) -> Iterator[tuple[FakeConnector, str]]:
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

    keys = KeySet("http://127.0.0.1:9/keys", fetch=slow_fetch)
    validator = TokenValidator(APP_ID, keys)
    started = time.monotonic()
    with pytest.raises(KeysUnavailable):  # no keys yet: 503, and the Bot Framework sends it again
        validator.validate("Bearer " + token("http://sv/"), "http://sv/", "msteams")
    with pytest.raises(KeysUnavailable):
        validator.validate("Bearer " + token("http://sv/", kid="other"), "http://sv/", "msteams")
    with pytest.raises(Unauthorized):
        validator.validate("", "http://sv/", "msteams")
    assert time.monotonic() - started < 1.0  # nothing waited for the fetch (it is held for 5 s)
    release.set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            assert validator.validate("Bearer " + token("http://sv/"), "http://sv/", "msteams")["aud"] == APP_ID
            break
        except KeysUnavailable:
            time.sleep(0.05)
    else:
        pytest.fail("the keys never arrived")
    with pytest.raises(Unauthorized, match="unknown signing key"):  # fetched within the minute: 401 now
        validator.validate("Bearer " + token("http://sv/", kid="other"), "http://sv/", "msteams")


def test_garbage_from_the_key_server_keeps_the_keys_held() -> None:
    answers: list[Any] = [
        {"keys": [jwk(SIGNING, "k1")]},
        {},
        {"keys": []},
        {"keys": [{"kid": "k9"}, {"kid": "k8", "kty": "RSA", "n": "!", "e": "AQAB"}, "k7"]},
        ["not", "a", "key", "set"],
    ]
    fetched = threading.Semaphore(0)

    def fetch(_url: str, _timeout: float) -> Any:
        answer = answers.pop(0) if answers else {"keys": []}
        fetched.release()
        return answer

    keys = KeySet("memory", fetch=fetch, min_refresh=0.0)
    keys.prefetch()
    assert fetched.acquire(timeout=5)
    for _garbage in range(4):
        deadline = time.monotonic() + 5
        while not fetched.acquire(timeout=0.02):  # an unknown kid asks again, once the last fetch is done
            assert time.monotonic() < deadline
            with pytest.raises((KeysUnavailable, Unauthorized)):
                if keys.get("k-unknown") is None:
                    raise Unauthorized("unknown")
    time.sleep(0.1)
    assert keys.get("k1") is not None and answers == []


def test_a_certificate_signs_the_token_request(engine: Engine, tmp_path: Path) -> None:
    key = signing_key()
    certificate = self_signed(key)
    (tmp_path / "bot.pem").write_bytes(pem(key, certificate))
    fake = FakeConnector()
    fake.jwks = {"keys": [jwk(SIGNING, "k1")]}
    fake.trusted_certificates = {x5t(certificate): key.public_key()}
    settings = TeamsSettings.from_env(
        {
            "TEAMS_APP_ID": APP_ID,
            "TEAMS_CERTIFICATE_PATH": str(tmp_path / "bot.pem"),
            "TEAMS_JWKS_URL": fake.jwks_url,
            "TEAMS_TOKEN_URL": fake.token_url,
        }
    )
    url, _route, conversation, server = serve(engine, settings)
    try:
        activity = personal_message("cert-1", "NEET in JESS", fake.service_url, "a:cert")
        assert post_activity(url, activity, token(fake.service_url))[0] == 200
        assert fake.wait_for(lambda: len(fake.sent("a:cert")) >= 1)
    finally:
        server.close()
        conversation.shutdown()
        fake.stop()
    assert fake.sent("a:cert")[0].authorization == "Bearer fake-connector-token"
    (request,) = fake.token_requests
    assert "client_secret" not in request and request["client_assertion_type"] == ASSERTION_TYPE
    header = jwt.get_unverified_header(request["client_assertion"])
    assert header["alg"] == "RS256" and header["x5t"] == x5t(certificate) and "x5t#S256" in header


def test_the_token_endpoint_refuses_an_assertion_it_cannot_trust(tmp_path: Path) -> None:
    trusted, stranger = signing_key(), signing_key()
    certificate = self_signed(trusted)
    fake = FakeConnector()
    fake.trusted_certificates = {x5t(certificate): trusted.public_key()}
    (tmp_path / "trusted.pem").write_bytes(pem(trusted, certificate))
    (tmp_path / "stranger.pem").write_bytes(pem(stranger, self_signed(stranger)))
    (tmp_path / "forged.pem").write_bytes(pem(stranger))  # the trusted thumbprint claimed, another key signing
    trusted_print = certificate.fingerprint(hashes.SHA1()).hex()

    def credentials(name: str, thumbprint: str = "") -> CertificateCredentials:
        settings = TeamsSettings(certificate_path=str(tmp_path / name), certificate_thumbprint=thumbprint)
        return CertificateCredentials(APP_ID, read_certificate(settings), "", fake.token_url)

    try:
        for refused in (credentials("stranger.pem"), credentials("forged.pem", trusted_print)):
            with pytest.raises(urllib.error.HTTPError) as answer:
                refused.token()
            assert answer.value.code == 401
        assert credentials("trusted.pem").token() == "fake-connector-token"
    finally:
        fake.stop()


def test_a_certificate_that_cannot_be_used_is_named_in_one_line(tmp_path: Path) -> None:
    key, other = signing_key(), signing_key()
    files = {
        "missing.pem": None,
        "garbage.pem": b"not a pem",
        "bare-key.pem": pem(key),
        "mismatched.pem": pem(key, self_signed(other)),
    }
    for name, content in files.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
    expected = {
        "missing.pem": "can't be read",
        "garbage.pem": "no private key could be read",
        "bare-key.pem": "TEAMS_CERTIFICATE_THUMBPRINT is needed",
        "mismatched.pem": "do not belong together",
    }
    for name, words in expected.items():
        with pytest.raises(SettingError, match=f"TEAMS_CERTIFICATE_PATH .*{name}.*{words}"):
            read_certificate(TeamsSettings(certificate_path=str(tmp_path / name)))
    wrong_print = TeamsSettings(certificate_path=str(tmp_path / "mismatched.pem"), certificate_thumbprint="00" * 20)
    with pytest.raises(SettingError, match="is not the thumbprint"):
        read_certificate(wrong_print)
    bare = read_certificate(
        TeamsSettings(certificate_path=str(tmp_path / "bare-key.pem"), certificate_thumbprint="AB:" * 19 + "AB")
    )
    assert bare.sha1 == bytes.fromhex("ab" * 20) and bare.sha256 is None


def test_settings_name_what_is_missing_and_refuse_unsafe_mixes(tmp_path: Path) -> None:
    with pytest.raises(
        SettingError, match=r"TEAMS_APP_ID and TEAMS_APP_PASSWORD \(or TEAMS_CERTIFICATE_PATH\) are not"
    ):
        require_teams(TeamsSettings.from_env({}))
    key = signing_key()
    (tmp_path / "bot.pem").write_bytes(pem(key, self_signed(key)))
    certificate = {"TEAMS_CERTIFICATE_PATH": str(tmp_path / "bot.pem")}
    for secret in ({"TEAMS_APP_PASSWORD": "p"}, certificate):
        with pytest.raises(SettingError, match="TEAMS_ALLOW_UNAUTHENTICATED=1 is refused while TEAMS_"):
            require_teams(TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_ALLOW_UNAUTHENTICATED": "1", **secret}))
        require_teams(TeamsSettings.from_env({"TEAMS_APP_ID": "a", **secret}))
    with pytest.raises(SettingError, match="both set: use one of them"):
        require_teams(
            TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "p", "TEAMS_CERTIFICATE_PATH": "c"})
        )
    with pytest.raises(SettingError, match="TEAMS_CERTIFICATE_THUMBPRINT is set without TEAMS_CERTIFICATE_PATH"):
        require_teams(
            TeamsSettings.from_env(
                {"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "p", "TEAMS_CERTIFICATE_THUMBPRINT": "ab"}
            )
        )
    # A certificate that can't be used stops start-up at the settings check, before anything is served.
    with pytest.raises(SettingError, match=r"TEAMS_CERTIFICATE_PATH .*gone\.pem can't be read"):
        require_teams(
            TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_CERTIFICATE_PATH": str(tmp_path / "gone.pem")})
        )
    require_teams(TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_ALLOW_UNAUTHENTICATED": "1"}))
    assert not TeamsSettings.from_env({}).configured
    assert TeamsSettings.from_env({"TEAMS_CERTIFICATE_PATH": "bot.pem"}).configured
    people = TeamsSettings.from_env({"BRIEFBOT_TEAMS_OFFICERS": " AAD-1, aad-2 ,,", "BRIEFBOT_TEAMS_ADMINS": "aad-9"})
    assert people.officers == frozenset({"aad-1", "aad-2"}) and people.admins == frozenset({"aad-9"})


def test_the_cloud_is_chosen_by_name_and_an_unknown_one_stops_start_up() -> None:
    base = {"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "p"}
    assert teams_cloud(TeamsSettings.from_env(base)).issuer == "https://api.botframework.com"
    high = TeamsSettings.from_env({**base, "TEAMS_CLOUD": "GCCH", "TEAMS_TENANT_ID": "t1"})
    require_teams(high)
    tokens = connector_tokens(high)
    assert isinstance(tokens, ClientCredentials)
    assert tokens.url == "https://login.microsoftonline.us/t1/oauth2/v2.0/token"
    assert tokens.form()["scope"] == "https://api.botframework.us/.default"
    with pytest.raises(SettingError, match=r"TEAMS_CLOUD 'azure-moon' is not a cloud briefbot knows \(one of public"):
        require_teams(TeamsSettings.from_env({**base, "TEAMS_CLOUD": "azure-moon"}))


def test_unauthenticated_mode_is_for_loopback_only() -> None:
    unauthenticated = TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_ALLOW_UNAUTHENTICATED": "1"})
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        require_loopback(unauthenticated, host)
    for host in ("0.0.0.0", "::", "10.0.0.5", "briefbot.example.org", "localhost.example.org", ""):
        with pytest.raises(SettingError, match=f"TEAMS_ALLOW_UNAUTHENTICATED=1 is refused with HOST={host}:"):
            require_loopback(unauthenticated, host)
    require_loopback(TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "p"}), "0.0.0.0")


def test_briefbot_serve_refuses_unauthenticated_mode_off_loopback(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a free port, in case a server were (wrongly) started
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {name: value for name, value in os.environ.items() if not name.startswith(("SLACK_", "TEAMS_"))}
    environ |= {
        "HOST": "0.0.0.0",
        "PORT": str(port),
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_ALLOW_UNAUTHENTICATED": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "BRIEFBOT_SEED": "0",
    }
    briefbot = Path(sys.executable).with_name("briefbot")
    done = subprocess.run(
        [str(briefbot), "serve"], check=False, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "Error: TEAMS_ALLOW_UNAUTHENTICATED=1 is refused with HOST=0.0.0.0: unauthenticated mode is for tests on "
        "loopback only (HOST=127.0.0.1, ::1 or localhost)."
    ], done.stderr


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

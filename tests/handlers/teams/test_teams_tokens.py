"""The token rules, one at a time, on briefbot's validator with keys held in memory: the serviceurl claim in any
case, issuer, audience, expiry and not-before with five minutes' skew, the key's own endorsement of msteams, and
Entra-issued tokens for a single-tenant bot. The same tokens go through Microsoft's validator in
test_teams_sdk_referee.py, and through the real app over HTTP in test_teams_keys.py."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from fakes.teams import TENANT, bot_framework_token, entra_jwk, entra_token, jwk, signing_key
from handlers.teams.auth import (
    Forbidden,
    KeySet,
    KeysUnavailable,
    TokenValidator,
    Unauthorized,
    Verified,
)
from handlers.teams.clouds import US_GOV, cloud_named
from tests.support.imports import imported_names

APP_ID = "00000000-0000-0000-0000-00000000b07"
SERVICE = "https://smba.trafficmanager.net/emea/"
TEAMS_KEY, SKYPE_KEY, BARE_KEY, ENTRA_KEY = signing_key(), signing_key(), signing_key(), signing_key()
ROOT = Path(__file__).resolve().parent.parent


def held(*entries: dict[str, Any]) -> KeySet:
    """A key set holding `entries`, fetched (in the background, as always) before it is returned."""
    keys = KeySet("memory", fetch=lambda _url, _timeout: {"keys": list(entries)})
    keys.prefetch()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            keys.get(str(entries[0]["kid"]))
            return keys
        except KeysUnavailable:
            time.sleep(0.01)
    raise AssertionError("the keys were never fetched")


def bot_framework_keys() -> KeySet:
    bare = {key: value for key, value in jwk(BARE_KEY, "bare").items() if key != "endorsements"}
    return held(jwk(TEAMS_KEY, "teams"), jwk(SKYPE_KEY, "skype", ("skype",)), bare)


@pytest.fixture(scope="module")
def validator() -> TokenValidator:
    """Single-tenant: Bot Framework tokens, and Entra tokens for TENANT."""
    entra = held(entra_jwk(ENTRA_KEY, "entra"))
    return TokenValidator(APP_ID, bot_framework_keys(), tenant_id=TENANT, entra_keys=entra)


def token(*, key: rsa.RSAPrivateKey = TEAMS_KEY, kid: str = "teams", service: str = SERVICE, **claims: Any) -> str:
    return bot_framework_token(key, kid, str(claims.pop("aud", APP_ID)), service, **claims)


def check(validator: TokenValidator, raw: str, service: str = SERVICE, channel: str = "msteams") -> dict[str, Any]:
    return validator.validate(f"Bearer {raw}", service, channel)


def test_a_real_shaped_token_is_accepted_reading_serviceurl_in_any_case(validator: TokenValidator) -> None:
    real = token()
    assert jwt.decode(real, options={"verify_signature": False})["serviceurl"] == SERVICE  # as the SDKs read it
    assert check(validator, real)["aud"] == APP_ID
    # The docs' spelling and any other case name the same claim; a trailing slash is no difference.
    for spelling in ("serviceUrl", "SERVICEURL"):
        claims = jwt.decode(real, options={"verify_signature": False})
        claims[spelling] = claims.pop("serviceurl")
        check(validator, jwt.encode(claims, TEAMS_KEY, algorithm="RS256", headers={"kid": "teams"}))
    check(validator, token(service=SERVICE.rstrip("/")))
    check(validator, token(), service=SERVICE.rstrip("/"))
    with pytest.raises(Unauthorized, match="ambiguous"):
        check(validator, token(serviceUrl="https://evil.example/"))
    with pytest.raises(Unauthorized, match="does not match"):
        check(validator, token(service="https://evil.example/"))
    with pytest.raises(Unauthorized, match="no serviceurl"):
        check(validator, token(service=""))


def test_audience_issuer_expiry_and_not_before_are_checked_with_five_minutes_skew(validator: TokenValidator) -> None:
    now = int(time.time())
    refused = {
        "another bot's token": token(aud="someone-else"),
        "an api:// audience on a Bot Framework token": token(aud=f"api://botid-{APP_ID}"),
        "another cloud's issuer": token(iss=US_GOV.issuer),
        "an impostor issuer": token(iss="https://api.botframework.com.evil.example"),
        "expired 6 minutes ago": token(exp=now - 360),
        "not valid for 6 minutes": token(nbf=now + 360),
        "a forged signature": token(key=SKYPE_KEY),
        "HS256": jwt.encode({"aud": APP_ID, "iss": US_GOV.issuer}, "x" * 32, algorithm="HS256"),
        "no key id": jwt.encode({"aud": APP_ID}, TEAMS_KEY, algorithm="RS256"),
    }
    for why, raw in refused.items():
        with pytest.raises(Unauthorized):
            check(validator, raw)
            pytest.fail(f"accepted {why}")
    check(validator, token(exp=now - 240))  # within the skew
    check(validator, token(nbf=now + 240))
    with pytest.raises(Unauthorized, match="no bearer token"):
        validator.validate(f"Basic {token()}", SERVICE, "msteams")


def test_only_msteams_is_admitted_and_only_under_a_key_that_endorses_it(validator: TokenValidator) -> None:
    check(validator, token())
    skype = token(key=SKYPE_KEY, kid="skype")
    with pytest.raises(Forbidden, match="does not endorse msteams"):
        check(validator, skype, channel="skype")  # the activity naming the key's own channel is not enough
    with pytest.raises(Forbidden, match="does not endorse msteams"):
        check(validator, skype)
    with pytest.raises(Forbidden, match="does not endorse msteams"):
        check(validator, token(key=BARE_KEY, kid="bare"))  # a key that endorses nothing endorses nothing
    with pytest.raises(Forbidden, match="'webchat' refused"):
        check(validator, token(), channel="webchat")


def test_entra_tokens_for_our_tenant_are_accepted_v1_and_v2(validator: TokenValidator) -> None:
    for version in (1, 2):
        claims = check(validator, entra_token(ENTRA_KEY, "entra", APP_ID, TENANT, version=version))
        assert claims["tid"] == TENANT
        check(validator, entra_token(ENTRA_KEY, "entra", f"api://botid-{APP_ID}", TENANT, version=version))
        check(validator, entra_token(ENTRA_KEY, "entra", f"api://{APP_ID}", TENANT, version=version))
    verified = validator.verify(f"Bearer {entra_token(ENTRA_KEY, 'entra', APP_ID, TENANT)}")
    assert verified.entra
    validator.admit(verified, "http://any.example/", "msteams")  # Entra tokens carry no serviceurl to hold to
    with pytest.raises(Unauthorized, match="does not match"):
        check(validator, entra_token(ENTRA_KEY, "entra", APP_ID, TENANT, serviceurl="https://other.example/"))


def test_entra_tokens_from_elsewhere_or_for_others_are_refused(validator: TokenValidator) -> None:
    other = "tenant-elsewhere"
    refused = {
        "another tenant's v1 token": entra_token(ENTRA_KEY, "entra", APP_ID, other, version=1),
        "another tenant's v2 token": entra_token(ENTRA_KEY, "entra", APP_ID, other),
        "our issuer, another tid": entra_token(ENTRA_KEY, "entra", APP_ID, TENANT, tid=other),
        "requested by some other app (v2)": entra_token(ENTRA_KEY, "entra", APP_ID, TENANT, azp="app-x"),
        "requested by some other app (v1)": entra_token(ENTRA_KEY, "entra", APP_ID, TENANT, version=1, appid="x"),
        "for another audience": entra_token(ENTRA_KEY, "entra", "someone-else", TENANT),
        "for the Bot Connector": entra_token(ENTRA_KEY, "entra", "https://api.botframework.com", TENANT),
        "signed with a Bot Framework key": entra_token(TEAMS_KEY, "entra", APP_ID, TENANT),
    }
    for why, raw in refused.items():
        with pytest.raises(Unauthorized):
            check(validator, raw)
            pytest.fail(f"accepted {why}")
    multi_tenant = TokenValidator(APP_ID, bot_framework_keys())
    with pytest.raises(Unauthorized, match="issuer"):
        check(multi_tenant, entra_token(ENTRA_KEY, "entra", APP_ID, TENANT))


def test_a_verified_token_is_checked_against_the_activity_only_afterwards(validator: TokenValidator) -> None:
    verified = validator.verify(f"Bearer {token()}")
    assert verified == Verified(verified.claims, entra=False)
    validator.admit(verified, SERVICE, "msteams")
    with pytest.raises(Unauthorized):
        validator.admit(verified, "https://evil.example/", "msteams")


def test_each_cloud_names_its_own_endpoints() -> None:
    public = cloud_named("")
    assert public.keys_url == "https://login.botframework.com/v1/.well-known/keys"
    assert public.token_url("") == "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
    assert public.entra_issuers("t1") == ("https://sts.windows.net/t1/", "https://login.microsoftonline.com/t1/v2.0")
    high = cloud_named("GCCH")
    assert high == cloud_named("usgov") and high.issuer == "https://api.botframework.us"
    assert high.keys_url == "https://login.botframework.azure.us/v1/.well-known/keys"
    assert high.token_url("t1") == "https://login.microsoftonline.us/t1/oauth2/v2.0/token"
    assert cloud_named("dod").scope == "https://api.botframework.us/.default"
    china = cloud_named("China")
    assert china.issuer == "https://api.botframework.azure.cn" and china.scope.endswith("azure.cn/.default")
    with pytest.raises(ValueError, match="not a cloud briefbot knows"):
        cloud_named("moon")


def test_microsofts_teams_sdk_is_imported_by_tests_alone() -> None:
    """It referees briefbot's checks; briefbot itself speaks to the Bot Framework on its own."""
    found = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in ("bot", "handlers", "fakes", "data", "charts", "bench")
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imported_names(path)
        if name.split(".")[0] == "microsoft_teams"
    ]
    assert found == []

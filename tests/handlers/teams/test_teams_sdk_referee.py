"""Microsoft's own validator referees briefbot's. One table of tokens goes through the Teams SDK's inbound token
validator (microsoft-teams-apps, microsoft_teams/apps/auth/token_validator.py: InboundActivityTokenValidator, which
routes Entra-issued tokens to TokenValidator.for_entra and the rest to TokenValidator.for_service), through
briefbot's TokenValidator, and over HTTP through the real app. Each verdict is stated; where the two differ,
`why` says why briefbot's is the right one (stricter in every case but one, which says so)."""

from __future__ import annotations

import asyncio
import time
import warnings
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from sqlalchemy import Engine

from fakes.teams import TENANT, FakeConnector, bot_framework_token, entra_token
from handlers.teams.auth import KeySet, KeysUnavailable, TokenValidator
from tests.support.teams_endpoint import (
    APP_ID,
    ENTRA_KEY,
    SKYPE_KEY,
    STRANGER,
    TEAMS_KEY,
    Endpoint,
    ask,
    endpoint,
)

with warnings.catch_warnings():  # the SDK's package warns, on import, that an unrelated widget is in preview
    warnings.simplefilter("ignore")
    from microsoft_teams.apps.auth.token_validator import InboundActivityTokenValidator
    from microsoft_teams.apps.auth.token_validator import TokenValidator as SdkTokenValidator

OTHER_TENANT = "tenant-elsewhere"
AUDIENCE = (
    "The Bot Connector docs (Connector to Bot, step 4) give a Bot Framework token's audience as the bot's app id; "
    "the api:// forms are Application ID URIs, which belong in tokens Entra issues (accepted there)."
)
ENDORSEMENT = (
    "The Bot Connector docs (step 3) have the signing key's endorsements vouch for the activity's channel; the "
    "SDK does not read endorsements, so a key Microsoft gave to another channel would speak for Teams."
)
SINGLE_TENANT = (
    "briefbot serves one tenant (TEAMS_TENANT_ID): only its Entra issuers are trusted. The SDK validates an "
    "Entra token against whichever tenant the token itself names."
)
SPELLING = (
    "LAXER, deliberately: the claim's name is read without regard to case, so the docs' 'serviceUrl' counts as "
    "the tokens' 'serviceurl'. It sits inside the signed token, so its spelling carries no trust either way, "
    "and the value is still held to the activity's serviceUrl."
)


@dataclass(frozen=True)
class Row:
    name: str
    token: str
    briefbot: bool  # accepted by briefbot (and so by the app over HTTP)
    sdk: bool  # accepted by the Teams SDK
    why: str = ""  # required where the two differ


def table(service: str) -> list[Row]:
    now = int(time.time())

    def framework(*, key: Any = TEAMS_KEY, kid: str = "teams", aud: str = APP_ID, url: str = service, **c: Any) -> str:
        return bot_framework_token(key, kid, aud, url, **c)

    def entra(tenant: str = TENANT, **claims: Any) -> str:
        return entra_token(ENTRA_KEY, "entra", str(claims.pop("aud", APP_ID)), tenant, **claims)

    docs_spelling = jwt.decode(framework(), options={"verify_signature": False})
    docs_spelling["serviceUrl"] = docs_spelling.pop("serviceurl")
    no_service = {name: value for name, value in docs_spelling.items() if name != "serviceUrl"}
    return [
        Row("real-shaped Bot Framework token", framework(), True, True),
        Row("serviceurl without the trailing slash", framework(url=service.rstrip("/")), True, True),
        Row("expired 3 minutes ago (within the skew)", framework(exp=now - 180), True, True),
        Row("not before 3 minutes hence (within the skew)", framework(nbf=now + 180), True, True),
        Row("expired 10 minutes ago", framework(exp=now - 600), False, False),
        Row("not before 10 minutes hence", framework(nbf=now + 600), False, False),
        Row("wrong audience", framework(aud="another-bot"), False, False),
        Row("another cloud's issuer", framework(iss="https://api.botframework.us"), False, False),
        Row("an impostor issuer", framework(iss="https://api.botframework.com.example"), False, False),
        Row("unknown kid", framework(key=STRANGER, kid="kid-nobody-has"), False, False),
        Row("forged: a known kid, another key", framework(key=STRANGER), False, False),
        Row("serviceurl of another service", framework(url="https://evil.example/"), False, False),
        Row("no serviceurl claim", signed(no_service), False, False),
        Row("HS256 with a guessable secret", jwt.encode({"aud": APP_ID}, "x" * 32, algorithm="HS256"), False, False),
        Row("api://botid- audience, Bot Framework iss", framework(aud=f"api://botid-{APP_ID}"), False, True, AUDIENCE),
        Row("api:// audience, Bot Framework issuer", framework(aud=f"api://{APP_ID}"), False, True, AUDIENCE),
        Row("signed by a key endorsing only skype", framework(key=SKYPE_KEY, kid="skype"), False, True, ENDORSEMENT),
        Row("serviceUrl spelt as the docs spell it", signed(docs_spelling), True, False, SPELLING),
        Row("Entra v1 token for our tenant", entra(version=1), True, True),
        Row("Entra v2 token for our tenant", entra(version=2), True, True),
        Row("Entra v2 token, api://botid- audience", entra(aud=f"api://botid-{APP_ID}"), True, True),
        Row("Entra v1 token, api:// audience", entra(aud=f"api://{APP_ID}", version=1), True, True),
        Row("Entra token from another tenant", entra(OTHER_TENANT), False, True, SINGLE_TENANT),
        Row("Entra token requested by another app", entra(azp="11111111-2222-3333-4444-555555555555"), False, False),
        Row("Entra token whose tid is not its issuer's", entra(tid=OTHER_TENANT), False, False),
        Row("Entra token for another audience", entra(aud="another-bot"), False, False),
    ]  # fmt: skip


def signed(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, TEAMS_KEY, algorithm="RS256", headers={"kid": "teams", "x5t": "teams", "typ": "JWT"})


def microsofts(fake: FakeConnector) -> InboundActivityTokenValidator:
    """The SDK's validator for the public cloud (its real issuers and audiences). Only where it fetches keys from
    is changed, to the fake's key endpoints: the Bot Framework's, and Entra's for each tenant it may meet."""
    validator = InboundActivityTokenValidator(APP_ID)
    validator._service_validator._jwks_client = jwt.PyJWKClient(fake.jwks_url)
    for tenant in (TENANT, OTHER_TENANT):
        entra = SdkTokenValidator.for_entra(APP_ID, tenant)
        entra._jwks_client = jwt.PyJWKClient(fake.entra_jwks_url)
        validator._entra_validators_by_tenant[tenant] = entra
    return validator


def briefbots(fake: FakeConnector) -> TokenValidator:
    """As build_teams makes it for TEAMS_TENANT_ID=TENANT, with the fake's key endpoints; keys fetched first."""
    keys = KeySet(fake.jwks_url)
    entra = KeySet(fake.entra_jwks_url, source="Entra")
    for key_set, kid in ((keys, "teams"), (entra, "entra")):
        key_set.prefetch()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                assert key_set.get(kid) is not None
                break
            except KeysUnavailable:
                time.sleep(0.02)
    return TokenValidator(APP_ID, keys, tenant_id=TENANT, entra_keys=entra)


def sdk_accepts(validator: InboundActivityTokenValidator, raw: str, service: str) -> bool:
    try:
        asyncio.run(validator.validate_token(raw, service))
    except Exception:  # InvalidTokenError, or PyJWKClientError for a key it can't find
        return False
    return True


def accepts(validator: TokenValidator, raw: str, service: str) -> bool:
    try:
        validator.validate(f"Bearer {raw}", service, "msteams")
    except Exception:  # Unauthorized, Forbidden, KeysUnavailable
        return False
    return True


def test_briefbot_and_the_teams_sdk_agree_on_each_token_or_briefbot_is_stricter(
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with endpoint(engine, lambda _fake: None, TEAMS_TENANT_ID=TENANT) as app:
        service = app.fake.service_url
        rows = table(service)
        sdk, ours = microsofts(app.fake), briefbots(app.fake)
        verdicts = {row.name: (accepts(ours, row.token, service), sdk_accepts(sdk, row.token, service)) for row in rows}
        assert verdicts == {row.name: (row.briefbot, row.sdk) for row in rows}
        for row in rows:
            assert (row.briefbot == row.sdk) or row.why, f"{row.name}: the verdicts differ and nothing says why"
            assert row.briefbot <= row.sdk or row.why.startswith("LAXER"), row.name
        over_http = end_to_end(app, rows)
        assert over_http == {row.name: row.briefbot for row in rows}


def end_to_end(app: Endpoint, rows: list[Row]) -> dict[str, bool]:
    """Each token on an activity posted to the real app: accepted means a 200 and an answer at the connector."""
    warm_up = {**ask("referee-warm", "a:referee-warm"), "serviceUrl": app.fake.service_url}
    assert app.post_once_keys_are_in(warm_up, rows[0].token) == 200
    entra_warm = warm_up | {"id": "referee-warm-entra"}
    assert app.post_once_keys_are_in(entra_warm, entra_token(ENTRA_KEY, "entra", APP_ID, TENANT)) == 200
    seen: dict[str, bool] = {}
    for index, row in enumerate(rows):
        chat = f"a:referee-{index}"
        status = app.post({**ask(f"referee-{index}", chat), "serviceUrl": app.fake.service_url}, row.token)
        seen[row.name] = status == 200 and app.answered(chat)
    return seen

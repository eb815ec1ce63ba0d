"""The real Teams endpoint over HTTP (our router and waitress) in production mode, against the loopback Bot
Framework: signing keys that can't be poisoned, a key server down at start-up or hanging, tenants, channels,
Entra-issued tokens, the order of token and body, and HEAD probes."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine

from bot.app.teams_settings import TeamsSettings
from fakes.teams import (
    TENANT,
    FakeConnector,
    bot_framework_token,
    entra_token,
    jwk,
)
from handlers.teams.auth import KeySet
from tests.support.teams_endpoint import (
    APP_ID,
    ENTRA_KEY,
    SKYPE_KEY,
    STRANGER,
    TEAMS_KEY,
    Endpoint,
    as_is,
    ask,
    endpoint,
    send,
    serve,
)


def test_a_key_answer_without_keys_never_replaces_good_ones(engine: Engine) -> None:
    pause = 2.0  # between fetches (a minute in production), shortened so an unknown kid may prompt one soon
    with endpoint(engine, as_is, lambda fake: KeySet(fake.jwks_url, min_refresh=pause)) as app:
        first = {**ask("poison-1", "a:poison"), "serviceUrl": app.fake.service_url}
        assert app.post_once_keys_are_in(first, app.token()) == 200
        time.sleep(pause + 0.2)
        fetches = app.fake.key_fetches
        app.fake.jwks = {}  # the key server answers 200 {}
        assert app.post(first | {"id": "poison-2"}, app.token(kid="rotated-away")) in {401, 503}
        assert app.fake.wait_for(lambda: app.fake.key_fetches > fetches)
        time.sleep(0.3)  # the empty answer is read
        app.fake.jwks = {"keys": [jwk(TEAMS_KEY, "teams")]}  # the key server recovers, within the pause
        assert app.post(first | {"id": "poison-3"}, app.token()) == 200
        assert app.answered("a:poison")


def test_keys_unreachable_at_start_get_503_and_one_log_line_until_they_come(
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)

    def down(fake: FakeConnector) -> None:
        fake.keys_down = True

    with endpoint(engine, down) as app:
        activity = {**ask("down-1", "a:down"), "serviceUrl": app.fake.service_url}

        def loud() -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.name.startswith("handlers.teams") and r.levelno >= logging.WARNING]

        assert [app.post(activity, app.token()) for _ in range(4)] == [503] * 4  # Teams sends it again
        deadline = time.monotonic() + 5
        while not loud() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [app.post(activity, app.token()) for _ in range(4)] == [503] * 4
        assert len(loud()) == 1, [r.getMessage() for r in loud()]
        line = loud()[0].getMessage()
        assert "Bot Framework signing keys" in line and app.fake.jwks_url in line and "503" in line
        app.fake.keys_down = False
        assert app.post_once_keys_are_in(activity, app.token()) == 200
        assert app.answered("a:down")


def test_a_hung_key_fetch_holds_no_request(engine: Engine) -> None:
    with endpoint(engine, as_is, lambda fake: KeySet(fake.jwks_url, min_refresh=0.2)) as app:
        known = {**ask("hung-0", "a:hung"), "serviceUrl": app.fake.service_url}
        assert app.post_once_keys_are_in(known, app.token()) == 200
        time.sleep(0.3)  # past the pause between fetches
        fetches = app.fake.key_fetches
        app.fake.key_delay = 4.0  # the next fetch hangs (briefbot's own fetch gives up after 5 s)

        def unknown(index: int) -> int:
            activity = known | {"id": f"hung-unknown-{index}"}
            return app.post(activity, app.token(kid=f"new-{index}"), timeout=2)  # raises if held 2 s

        def valid(index: int) -> int:
            return app.post(known | {"id": f"hung-valid-{index}"}, app.token(), timeout=2)

        with ThreadPoolExecutor(max_workers=16) as pool:  # more than the server's 8 threads
            refused = list(pool.map(unknown, range(12)))
            accepted = list(pool.map(valid, range(4)))
        assert set(refused) <= {503, 401} and 503 in refused and accepted == [200] * 4
        assert app.fake.key_fetches == fetches + 1  # one fetch, however many unknown keys
        app.fake.key_delay = 0.0


def test_an_activity_from_another_tenant_is_refused_and_logged(
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with endpoint(engine, as_is, TEAMS_TENANT_ID=TENANT) as app:
        ours = {**ask("tenant-1", "a:ours"), "serviceUrl": app.fake.service_url}
        assert app.post_once_keys_are_in(ours, app.token()) == 200
        theirs = {**ask("tenant-2", "a:theirs"), "serviceUrl": app.fake.service_url}
        theirs["conversation"]["tenantId"] = "tenant-elsewhere"
        theirs["channelData"] = {"tenant": {"id": "tenant-elsewhere"}}
        assert app.post(theirs, app.token()) == 403
        assert app.answered("a:ours")
        time.sleep(0.3)
        assert app.fake.sent("a:theirs") == []
    assert any("tenant-elsewhere" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_a_key_endorsing_another_channel_cannot_speak_for_any(engine: Engine) -> None:
    with endpoint(engine, as_is) as app:
        skype = {**ask("skype-1", "a:skype"), "serviceUrl": app.fake.service_url, "channelId": "skype"}
        assert app.post_once_keys_are_in(skype, app.token(key=SKYPE_KEY, kid="skype")) == 403
        teams = skype | {"id": "skype-2", "channelId": "msteams"}
        assert app.post(teams, app.token(key=SKYPE_KEY, kid="skype")) == 403
        assert app.post(teams | {"id": "skype-3", "channelId": "webchat"}, app.token()) == 403
        time.sleep(0.3)
        assert app.fake.sent("a:skype") == []


def test_entra_issued_tokens_reach_a_single_tenant_bot(engine: Engine) -> None:
    with endpoint(engine, as_is, TEAMS_TENANT_ID=TENANT) as app:
        for version in (1, 2):
            chat = f"a:entra-v{version}"
            activity = {**ask(f"entra-{version}", chat), "serviceUrl": app.fake.service_url}
            raw = entra_token(ENTRA_KEY, "entra", APP_ID, TENANT, version=version)
            assert app.post(activity, raw) == 200  # start-up waited for both key sets: no 503 first
            assert app.answered(chat)
        elsewhere = {**ask("entra-3", "a:entra-x"), "serviceUrl": app.fake.service_url}
        assert app.post(elsewhere, entra_token(ENTRA_KEY, "entra", APP_ID, "tenant-elsewhere")) == 401


def test_the_token_is_checked_before_the_body_is_parsed(engine: Engine) -> None:
    with endpoint(engine, as_is) as app:
        malformed = b"{" * 999_000  # just under the 1 MB limit
        assert send(app.url, malformed, {"Authorization": "Bearer not-a-token"}) == 401
        assert send(app.url, malformed, {}) == 401
        forged = bot_framework_token(STRANGER, "teams", APP_ID, app.fake.service_url)
        assert send(app.url, malformed, {"Authorization": f"Bearer {forged}"}) == 401
        warm = {**ask("order-1", "a:order"), "serviceUrl": app.fake.service_url}
        assert app.post_once_keys_are_in(warm, app.token()) == 200
        assert send(app.url, malformed, {"Authorization": f"Bearer {app.token()}"}) == 400  # signed, malformed


def test_head_probes_are_answered_quietly(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with endpoint(engine, as_is) as app:
        caplog.clear()
        assert [send(app.url, b"", {}, method="HEAD") for _ in range(5)] == [200] * 5
    ours = [r for r in caplog.records if r.name.startswith(("bot.", "handlers."))]  # not an earlier server's teardown
    assert [r.getMessage() for r in ours if r.levelno >= logging.WARNING] == []


def test_unauthenticated_mode_replies_only_to_loopback(engine: Engine) -> None:
    fake = FakeConnector()
    settings = TeamsSettings(app_id=APP_ID, allow_unauthenticated=True)
    url, route, conversation, server = serve(engine, settings)
    app = Endpoint(fake, url)
    try:
        abroad = {**ask("loop-1", "a:abroad"), "serviceUrl": "http://192.0.2.1/"}  # TEST-NET-1: never routed
        assert app.post(abroad, None) == 403
        home = {**ask("loop-2", "a:home"), "serviceUrl": fake.service_url}
        assert app.post(home, None) == 200
        assert app.answered("a:home")
    finally:
        server.close()
        route.officers.shutdown()
        conversation.shutdown()
        fake.stop()

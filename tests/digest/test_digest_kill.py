"""SIGKILL a real `briefbot serve` in the instant after the platform took a committee's digest and before the
outbox heard its id (the loopback fake records the post, then holds its answer back), let the lease run out, and
start another: Slack's channel shows the digest once and the outbox adopts it; Teams' channel shows it once and
the area support team gets one "may have gone out". On SQLite and PostgreSQL. BRIEFBOT_KILL_RUNS repeats it
(a committee a run, up to ten)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.digest.uncertain import MAY_HAVE_GONE_OUT
from data.chat import committees, conversations
from data.chat.committees import LONDON, MeetingSpec, london_time
from data.models import Delivery
from data.store import prepare
from fakes.slack import FakeSlack
from fakes.teams import BOT_ID, TENANT, FakeConnector
from handlers.teams.activities import TeamsReference
from tests.conftest import BACKENDS
from tests.support.serving import BRIEFBOT, free_port, wait_until_up

RUNS = int(os.environ.get("BRIEFBOT_KILL_RUNS", "1"))
COMMITTEES = tuple(
    f"{side} {part}" for side in ("Inner", "Outer") for part in ("South", "East", "North East", "North West", "West")
)
HELD_BACK = 5.0  # seconds the fake holds its answer: the process is killed long before it arrives
pytestmark = pytest.mark.parametrize("store_url", BACKENDS, indirect=True)


@dataclass
class Run:
    channel: str
    support: str
    meeting_id: int


def committee_due_now(engine: Engine, name: str, platform: str, index: int) -> Run:
    """A meeting tomorrow evening: its digest (and preview) fell due days ago, so a starting process posts them
    at once, marked late."""
    prefix = "19:" if platform == "teams" else "C-"
    channel, support = f"{prefix}digest-{index}", f"{prefix}support-{index}"
    day = datetime.now(LONDON).date() + timedelta(days=1)
    with Session(engine) as session, session.begin():
        found = committees.find_committee(session, name)
        changed = replace(found, platform=platform, channel=channel, support_channel=support)
        committees.set_committee(session, changed, actor="t", channel="cli")
        committees.save_meeting(
            session, MeetingSpec(found.id, london_time(day, clock_time(18))), actor="t", channel="cli"
        )
        [meeting] = [m for m in committees.meetings(session, found.id) if m.day == day]
    return Run(channel, support, meeting.id)


def serve(
    store_url: str, port: int, log: Path, platform: dict[str, str], *, wait_up: bool = True
) -> subprocess.Popen[bytes]:
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "TEAMS_", "BRIEFBOT_"))},
        "DATABASE_URL": store_url,
        "PORT": str(port),
        "BRIEFBOT_CHART_WORKERS": "1",
        "BRIEFBOT_SHUTDOWN_GRACE": "5",
        **platform,
    }
    with log.open("ab") as output:
        # A group of its own: the kill takes its chart worker too, as a crashed machine or an OOM kill would.
        process = subprocess.Popen(
            [BRIEFBOT, "serve"], cwd=log.parent, env=environment, stdout=output, stderr=output, start_new_session=True
        )
    if wait_up:
        wait_until_up(port, process)
    return process


def wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


def digest_state(engine: Engine, run: Run) -> tuple[str, str | None, str | None] | None:
    with Session(engine) as session:
        row = session.scalars(
            select(Delivery).where(Delivery.meeting_id == run.meeting_id, Delivery.kind == "digest")
        ).first()
        return None if row is None else (row.state, row.message_id, row.note)


def finished(engine: Engine, run: Run) -> bool:
    state = digest_state(engine, run)
    return state is not None and state[0] in ("sent", "skipped")


def lease_runs_out(engine: Engine, run: Run) -> None:
    """Five minutes pass for the dead process's claim."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(Delivery)
            .where(Delivery.meeting_id == run.meeting_id, Delivery.state.in_(("claimed", "posted")))
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )


@dataclass
class Platform:
    """How a run reaches one platform's fake: the processes' settings, holding the next post's answer back
    (and letting go), and when the platform took a run's digest (the fake's clock), if it has."""

    settings: dict[str, str]
    hold_back: Callable[[float], None]
    posted_at: Callable[[Run], float | None]


def kill_mid_post(engine: Engine, store_url: str, tmp_path: Path, platform: Platform, run: Run) -> float:
    """A process killed once its digest reached the platform, then a second that finishes it. How long, in ms,
    the platform had the post before the kill."""
    log = tmp_path / f"serve-{run.meeting_id}.log"
    platform.hold_back(HELD_BACK)
    # Digests missed while down go out as a process starts, before it listens: watched for from the start.
    first = serve(store_url, free_port(), log, platform.settings, wait_up=False)
    try:
        wait(lambda: platform.posted_at(run) is not None, 60, "the digest to reach the platform")
        os.killpg(first.pid, signal.SIGKILL)
        killed = time.monotonic()
    finally:
        first.kill()
        first.wait(10)
    took = platform.posted_at(run)
    assert took is not None
    platform.hold_back(0.0)
    state = digest_state(engine, run)
    assert state is not None and state[:2] == ("posted", None), state  # in the window: asked, no answer heard
    lease_runs_out(engine, run)
    second = serve(store_url, free_port(), log, platform.settings)
    try:
        wait(lambda: finished(engine, run), 60, "the second process to finish the digest")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(60)
    return (killed - took) * 1000


def test_slack_a_digest_killed_mid_post_is_in_the_channel_once(
    empty_engine: Engine, store_url: str, tmp_path: Path
) -> None:
    prepare(empty_engine, seed=True, official=False)
    fake = FakeSlack()

    def digests(run: Run) -> list[dict[str, object]]:
        return [m for m in fake.messages.get(run.channel, []) if not m.get("thread_ts")]

    def posted_at(run: Run) -> float | None:
        return next(
            (c.at for c in fake.calls if c.method == "chat.postMessage" and c.params["channel"] == run.channel), None
        )

    def hold_back(seconds: float) -> None:
        fake.delays["chat.postMessage"] = seconds

    settings = {"SLACK_BOT_TOKEN": "xoxb-kill", "SLACK_SIGNING_SECRET": "kill", "SLACK_API_BASE_URL": fake.base_url}
    platform = Platform(settings, hold_back, posted_at)
    gaps, runs = [], []
    try:
        for index, name in enumerate(COMMITTEES[:RUNS]):
            runs.append(committee_due_now(empty_engine, name, "slack", index))
            gaps.append(kill_mid_post(empty_engine, store_url, tmp_path, platform, runs[-1]))
    finally:
        fake.stop()
    for run in runs:
        [digest] = digests(run)
        assert digest_state(empty_engine, run) == ("sent", f"{run.channel}:{digest['ts']}", None)
    print(f"slack: {len(runs)} kill(s), {max(gaps):.1f} ms at most after the post; no duplicate, none missed")


def test_teams_a_digest_killed_mid_post_is_in_the_channel_once_and_support_is_told(
    empty_engine: Engine, store_url: str, tmp_path: Path
) -> None:
    prepare(empty_engine, seed=True, official=False)
    fake = FakeConnector()

    def top_level(conversation: str) -> list[str]:
        return [
            json.dumps(call.body)
            for call in fake.sent(conversation)
            if call.method == "POST" and call.conversation == conversation and not call.body.get("replyToId")
        ]

    def posted_at(run: Run) -> float | None:
        return next((c.at for c in fake.sent(run.channel) if c.method == "POST"), None)

    def hold_back(seconds: float) -> None:
        fake.delay_once("POST", seconds)

    platform = Platform({"TEAMS_APP_ID": BOT_ID, "TEAMS_ALLOW_UNAUTHENTICATED": "1"}, hold_back, posted_at)
    gaps, runs = [], []
    try:
        for index, name in enumerate(COMMITTEES[:RUNS]):
            run = committee_due_now(empty_engine, name, "teams", index)
            with Session(empty_engine) as session, session.begin():
                for channel in (run.channel, run.support):
                    reference = TeamsReference(fake.service_url, channel, "channel", TENANT, BOT_ID)
                    conversations.save(session, "teams", channel, reference.to_json(), scope="channel")
            runs.append(run)
            gaps.append(kill_mid_post(empty_engine, store_url, tmp_path, platform, run))
    finally:
        fake.stop()
    for run in runs:
        assert len(top_level(run.channel)) == 1
        assert len([text for text in top_level(run.support) if "may have gone out" in text]) == 1
        assert digest_state(empty_engine, run) == ("skipped", None, MAY_HAVE_GONE_OUT)
    print(f"teams: {len(runs)} kill(s), {max(gaps):.1f} ms at most after the post; one digest and one notice each")

"""A digest's preview in Slack end to end (signed requests to the real Bolt app over HTTP, against the loopback
fake Slack): Post now through the digest's own outbox row, Skip, Edit note with its modal, who may press, and
/meeting for admins."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.app.commands import wards as wards_cli
from bot.app.scheduler import JOB_PREFIX, DigestScheduler
from bot.app.settings import Settings
from bot.app.slack_app import build_slack
from bot.app.teams_app import TeamsRoute
from bot.app.teams_settings import TeamsSettings
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.messenger import Messenger, RecordingMessenger
from bot.conversation.model import Destination
from bot.conversation.pacing import TokenBucketPacer
from bot.digest.cards import Control
from bot.digest.delivery import DigestDesk, Planned, plan_for
from bot.digest.meetings import ADMINS_ONLY
from bot.digest.model import SUPPORT_NOTE
from bot.digest.preview import ALREADY, GONE, REFUSAL, ChannelMembers, PreviewDesk
from bot.figures.updates import Access, Actor, Roles, Updates
from data import db
from data.chat import committees, conversations, outbox
from data.chat.committees import LONDON, MeetingInfo, MeetingSpec, london_time
from data.models import AuditLog
from data.store import prepare
from fakes.slack import FakeSlack, block_action, post_signed, slash, view_submission
from fakes.teams import BOT_ID, COUNCILLOR, TENANT, Call, FakeConnector, execute, post_activity
from fakes.teams import OFFICER as TEAMS_OFFICER
from handlers.slack.app import EVENTS_PATH, slack_wsgi
from handlers.slack.contract import DIGEST_NOTE_VIEW
from handlers.slack.deps import SlackDeps
from handlers.teams.activities import TeamsReference
from handlers.teams.cards import CARD_TYPE
from handlers.teams.digest_cards import POSTING
from handlers.teams.officers import MESSAGE_TYPE
from tests.conftest import BACKENDS
from tests.support.cli import FakeApp
from tests.support.teams_harness import VALIDATOR, card_of, of_type, serve, texts

SECRET = "digest-secret"
FORM = "application/x-www-form-urlencoded"
OFFICER, ADMIN, READER = "U-officer", "U-admin", "U-reader"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    fake: FakeSlack
    url: str
    deps: SlackDeps
    engine: Engine
    conversation: Conversation

    def post(self, body: str) -> Any:
        response = post_signed(self.url, body, SECRET, content_type=FORM)
        assert response.status == 200, response
        return response

    def press(self, value: str, name: str, user: str = OFFICER, channel: str = "C-SUP") -> dict[str, Any]:
        """A preview button pressed; the one line the presser then sees (through the response_url)."""
        url = self.fake.response_url(name)
        self.post(block_action("briefbot_ask_choice_0", value, user=user, response_url=url, channel=channel))
        assert self.fake.wait_for(lambda: any(c["response_id"] == name for c in self.fake.to("response_url")))
        return [call for call in self.fake.to("response_url") if call["response_id"] == name][-1]

    def meeting_command(self, text: str, user: str = ADMIN) -> str:
        reply = self.post(slash("/meeting", text, user=user)).json()
        return str(reply["text"])


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    fake = FakeSlack()
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('previews') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    conversation = Conversation(Briefbot(engine), pacer=TokenBucketPacer(rate=100))
    access = Access(officers=frozenset({OFFICER}), admins=frozenset({ADMIN}))
    app, deps = build_slack(
        conversation, token="xoxb-previews", signing_secret=SECRET, base_url=fake.base_url, access=access
    )
    server = make_server(router({EVENTS_PATH: slack_wsgi(app)}, ready=lambda: None), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Harness(fake, f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}", deps, engine, conversation)
    server.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def meeting_ahead(engine: Engine, committee: str, days: int) -> tuple[committees.CommitteeInfo, MeetingInfo]:
    """The committee posting to C-<name> with previews to C-SUP, and a meeting `days` from today."""
    slug = committee.upper().replace(" ", "-")
    day = datetime.now(LONDON).date() + timedelta(days=days)
    with Session(engine) as session, session.begin():
        found = committees.find_committee(session, committee)
        changed = replace(found, channel=f"C-{slug}", support_channel="C-SUP")
        committees.set_committee(session, changed, actor="t", channel="cli")
        committees.save_meeting(session, MeetingSpec(found.id, london_time(day, time(18, 0))), actor="t", channel="cli")
        [meeting] = [m for m in committees.meetings(session, found.id) if m.day == day]
    return changed, meeting


def planned(committee: committees.CommitteeInfo, meeting: MeetingInfo, kind: str) -> Planned:
    return next(p for p in plan_for(committee, meeting) if p.kind == kind)


def post_preview(slack: Harness, committee: str, days: int) -> tuple[Planned, dict[str, str]]:
    """The preview posted to the support channel as the scheduler posts it; its buttons' values by label."""
    found, meeting = meeting_ahead(slack.engine, committee, days)
    preview = planned(found, meeting, "preview")
    desk = DigestDesk(slack.deps.bot, slack.conversation, owner="test", now=Clock(preview.due_at), with_charts=False)
    assert desk.deliver(preview)
    message = [c for c in slack.fake.to("chat.postMessage") if c["channel"] == "C-SUP"][-1]
    blocks = message["blocks"] if isinstance(message["blocks"], list) else json.loads(message["blocks"])
    [actions] = [block for block in blocks if block["type"] == "actions"]
    return planned(found, meeting, "digest"), {e["text"]["text"]: e["value"] for e in actions["elements"]}


def posts_to(slack: Harness, channel: str) -> list[dict[str, Any]]:
    return [call for call in slack.fake.to("chat.postMessage") if call["channel"] == channel]


def delivery_of(engine: Engine, digest: Planned) -> outbox.DeliveryInfo | None:
    with Session(engine) as session:
        return outbox.find(session, digest.key)


def audit(engine: Engine, action: str) -> list[AuditLog]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.entity == "delivery", AuditLog.action == action)))


def test_post_now_posts_the_digest_once_through_its_outbox_row(slack: Harness) -> None:
    digest, buttons = post_preview(slack, "Inner South", 20)
    assert list(buttons) == ["Post now", "Skip", "Edit note"]
    said = slack.press(buttons["Post now"], "post-now")
    assert said["text"] == "Posted to the committee's channel." and said["response_type"] == "ephemeral"
    [posted] = posts_to(slack, "C-INNER-SOUTH")
    assert posted["text"].startswith("Inner South Community Committee: children's services figures")
    found = delivery_of(slack.engine, digest)
    assert found is not None and found.state == "sent" and found.due_at == digest.due_at
    assert [row.actor for row in audit(slack.engine, "post_now")] == ["slack:U-officer"]
    assert slack.fake.wait_for(lambda: any("Posted now by u-officer." in str(c) for c in slack.fake.to("chat.update")))
    # The 09:00 run finds it sent; a second press (and a replayed click) posts nothing either.
    at_nine = DigestDesk(slack.deps.bot, slack.conversation, owner="nine", now=Clock(digest.due_at), with_charts=False)
    assert at_nine.deliver(digest) is None
    assert slack.press(buttons["Post now"], "post-again")["text"] == "Already posted to the committee's channel."
    assert len(posts_to(slack, "C-INNER-SOUTH")) == 1


def test_a_replayed_click_is_acted_on_once(slack: Harness) -> None:
    _, buttons = post_preview(slack, "Inner East", 21)
    url = slack.fake.response_url("replayed")
    body = block_action("briefbot_ask_choice_1", buttons["Skip"], user=OFFICER, response_url=url, channel="C-SUP")
    slack.post(body)
    slack.post(body)
    assert slack.fake.wait_for(
        lambda: len([c for c in slack.fake.to("response_url") if c["response_id"] == "replayed"]) == 2
    )
    said = sorted(c["text"] for c in slack.fake.to("response_url") if c["response_id"] == "replayed")
    assert said == sorted([ALREADY, "Skipped: this digest will not be posted."])
    assert len(audit(slack.engine, "skip")) >= 1


def test_skip_is_audited_with_who_and_nothing_is_posted_at_nine(slack: Harness) -> None:
    digest, buttons = post_preview(slack, "Outer South", 22)
    assert slack.press(buttons["Skip"], "skip")["text"] == "Skipped: this digest will not be posted."
    found = delivery_of(slack.engine, digest)
    assert found is not None and found.state == "skipped" and found.note == "skipped by u-officer"
    assert any(
        row.actor == "slack:U-officer" and "OUTER-SOUTH" in row.entity_key for row in audit(slack.engine, "skip")
    )
    at_nine = DigestDesk(slack.deps.bot, slack.conversation, owner="nine", now=Clock(digest.due_at), with_charts=False)
    assert at_nine.deliver(digest) is None and posts_to(slack, "C-OUTER-SOUTH") == []
    assert slack.press(buttons["Post now"], "post-after-skip")["text"] == "Skipped by u-officer."


def test_only_officers_may_press_everyone_else_gets_one_line(slack: Harness) -> None:
    digest, buttons = post_preview(slack, "Outer East", 23)
    for label in ("Post now", "Skip", "Edit note"):
        said = slack.press(buttons[label], f"reader-{label.replace(' ', '-')}", user=READER)
        assert said["text"] == REFUSAL
    assert delivery_of(slack.engine, digest) is None and posts_to(slack, "C-OUTER-EAST") == []


def test_edit_note_opens_a_modal_and_the_note_heads_the_digest(slack: Harness) -> None:
    digest, buttons = post_preview(slack, "Outer North East", 24)
    opened_before = len(slack.fake.to("views.open"))
    slack.post(
        block_action("briefbot_ask_choice_2", buttons["Edit note"], user=OFFICER, response_url="http://127.0.0.1:1/x")
    )
    assert slack.fake.wait_for(lambda: len(slack.fake.to("views.open")) > opened_before)
    view = slack.fake.to("views.open")[-1]["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert view["callback_id"] == DIGEST_NOTE_VIEW
    too_long = {"note": {"note": {"type": "plain_text_input", "value": "x" * 1001}}}
    refused = slack.post(
        view_submission(DIGEST_NOTE_VIEW, too_long, user=OFFICER, private_metadata=view["private_metadata"])
    )
    assert refused.json()["response_action"] == "errors" and "1,000" in refused.json()["errors"]["note"]
    note = {"note": {"note": {"type": "plain_text_input", "value": "Item 6 moved to the next meeting."}}}
    stranger = slack.post(
        view_submission(DIGEST_NOTE_VIEW, note, user=READER, private_metadata=view["private_metadata"])
    )
    assert stranger.json()["errors"]["note"] == REFUSAL
    saved = slack.post(view_submission(DIGEST_NOTE_VIEW, note, user=OFFICER, private_metadata=view["private_metadata"]))
    assert saved.body == ""
    with Session(slack.engine) as session:
        assert (
            outbox.support_note(session, digest.committee.id, digest.meeting.id) == "Item 6 moved to the next meeting."
        )
    assert [row.after["support_note"] for row in audit(slack.engine, "update") if row.after] == [
        "Item 6 moved to the next meeting."
    ]
    assert slack.fake.wait_for(lambda: any("Item 6 moved" in str(c) for c in slack.fake.to("chat.update")))
    at_nine = DigestDesk(slack.deps.bot, slack.conversation, owner="nine", now=Clock(digest.due_at), with_charts=False)
    assert at_nine.deliver(digest)
    [posted] = posts_to(slack, "C-OUTER-NORTH-EAST")
    assert posted["text"].splitlines()[1] == f"{SUPPORT_NOTE}Item 6 moved to the next meeting."


def test_meeting_command_for_admins_reschedules_at_once(slack: Harness) -> None:
    day = datetime.now(LONDON).date() + timedelta(days=40)
    bot = slack.deps.bot
    scheduler = DigestScheduler(DigestDesk(bot, slack.conversation, owner="s", with_charts=False))
    scheduler.start(paused=True)
    try:
        before = {job.id for job in scheduler.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)}
        assert slack.meeting_command(f'add "Inner West" {day.isoformat()} 18:30 Civic Hall', user=READER) == ADMINS_ONLY
        said = slack.meeting_command(f'add "Inner West" {day.isoformat()} 18:30 Civic Hall')
        assert said == f"Inner West, {day.isoformat()} 18:30: added."
        with Session(slack.engine) as session, session.begin():
            found = committees.find_committee(session, "Inner West")
            committees.set_committee(session, replace(found, channel="C-IW"), actor="t", channel="cli")
        assert slack.meeting_command(f'add "Inner West" {day.isoformat()} 18:00') == (
            f"Inner West, {day.isoformat()} 18:00: moved."
        )
        after = {job.id for job in scheduler.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)}
        nine = datetime.combine(day - timedelta(days=7), time(9, 0), tzinfo=LONDON).astimezone(UTC)
        assert after - before == {JOB_PREFIX + nine.isoformat()}
        listed = slack.meeting_command("list Inner West", user=READER)
        assert f"Inner West: {day.isoformat()} 18:00, Civic Hall (confirmed, manual)" in listed
        assert slack.meeting_command(f'cancel "Inner West" {day.isoformat()}') == (
            f"Inner West, {day.isoformat()}: cancelled."
        )
        assert not {job.id for job in scheduler.scheduler.get_jobs()} & (after - before)
        assert slack.meeting_command('add "Nowhere" 2026-12-09').startswith("no committee called 'Nowhere'")
        assert slack.meeting_command("add Inner 9th of never").startswith("'9th' is not a date")
    finally:
        scheduler.shutdown()


def test_the_meeting_day_must_be_a_date(slack: Harness) -> None:
    assert slack.meeting_command('cancel "Inner West" 2026-13-40').startswith("'2026-13-40' is not a date")
    assert slack.meeting_command("").startswith("/meeting add")


# -- Teams: the same buttons as Action.Execute, answered with the card that replaces the preview -------------
IS_CHANNEL, SUPPORT = "19:inner-south@thread.tacv2", "19:support@thread.tacv2"


@dataclass
class TeamsHarness:
    fake: FakeConnector
    url: str
    route: TeamsRoute
    conversation: Conversation
    engine: Engine
    presses: int = 0

    def press(self, verb: str, data: dict[str, Any], sender: dict[str, str] = TEAMS_OFFICER) -> dict[str, Any]:
        self.presses += 1
        conversation = {"id": f"{SUPPORT};messageid=preview", "conversationType": "channel", "isGroup": True}
        activity = execute(f"press-{self.presses}", verb, data, self.fake.service_url, conversation, sender)
        status, body = post_activity(self.url, activity)
        assert status == 200
        answer: dict[str, Any] = json.loads(body)
        if answer["type"] == CARD_TYPE:
            assert [error.message for error in VALIDATOR.iter_errors(answer["value"])] == []
        return answer


@pytest.fixture(scope="module")
def teams(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamsHarness]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('teams-previews') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    fake = FakeConnector()
    settings = TeamsSettings(app_id=BOT_ID, allow_unauthenticated=True, officers=frozenset({"aad-officer"}))
    url, route, conversation, server = serve(engine, settings)
    with Session(engine) as session, session.begin():
        for channel in (IS_CHANNEL, SUPPORT):
            reference = TeamsReference(fake.service_url, channel, "channel", TENANT, BOT_ID)
            conversations.save(session, "teams", channel, reference.to_json(), scope="channel")
    yield TeamsHarness(fake, url, route, conversation, engine)
    server.close()
    route.officers.shutdown()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def teams_preview(teams: TeamsHarness, committee: str, days: int) -> tuple[Planned, dict[str, dict[str, Any]]]:
    """A Teams committee's preview posted to the support channel; its buttons by title."""
    day = datetime.now(LONDON).date() + timedelta(days=days)
    with Session(teams.engine) as session, session.begin():
        found = replace(
            committees.find_committee(session, committee), platform="teams", channel=IS_CHANNEL, support_channel=SUPPORT
        )
        committees.set_committee(session, found, actor="t", channel="cli")
        committees.save_meeting(session, MeetingSpec(found.id, london_time(day, time(18, 0))), actor="t", channel="cli")
        [meeting] = [m for m in committees.meetings(session, found.id) if m.day == day]
    preview = planned(found, meeting, "preview")
    bot = teams.conversation.bot
    desk = DigestDesk(bot, teams.conversation, owner="test", now=Clock(preview.due_at), with_charts=False)
    assert desk.deliver(preview)
    card = card_of(teams.fake.sent(SUPPORT)[-1])
    actions = [a for element in card["body"] if element["type"] == "ActionSet" for a in element["actions"]]
    return planned(found, meeting, "digest"), {action["title"]: action for action in actions}


def digests_posted(teams: TeamsHarness) -> list[Call]:
    """Digests posted to the committee's channel (not the charts in their reply chains)."""
    return [call for call in teams.fake.sent(IS_CHANNEL) if call.conversation == IS_CHANNEL and call.method == "POST"]


def test_teams_preview_buttons_post_now_once_and_refuse_a_councillor(teams: TeamsHarness) -> None:
    digest, buttons = teams_preview(teams, "Inner South", 20)
    assert [(b["type"], b["verb"]) for b in buttons.values()] == [
        ("Action.Execute", "digest.post"),
        ("Action.Execute", "digest.skip"),
        ("Action.Execute", "digest.note"),
    ]
    refused = teams.press("digest.skip", buttons["Skip"]["data"], sender=COUNCILLOR)
    assert refused["type"] == MESSAGE_TYPE and refused["value"] == REFUSAL
    refused = teams.press("digest.post", buttons["Post now"]["data"], sender=COUNCILLOR)
    assert refused["value"] == REFUSAL
    # Posting a digest and its charts outlasts an invoke: a line now, the preview updated once it is out.
    answer = teams.press("digest.post", buttons["Post now"]["data"])
    assert answer["type"] == MESSAGE_TYPE and answer["value"] == POSTING
    assert teams.fake.wait_for(lambda: len(preview_updates(teams)) == 1)
    shown = texts(card_of(preview_updates(teams)[0]))
    assert shown[1] == "Posted now by Olu Officer." and not of_type(card_of(preview_updates(teams)[0]), "ActionSet")
    assert len(digests_posted(teams)) == 1
    assert teams.press("digest.post", buttons["Post now"]["data"])["value"] == POSTING
    assert teams.fake.wait_for(lambda: len(preview_updates(teams)) == 2)
    assert texts(card_of(preview_updates(teams)[1]))[1] == "Already posted to the committee's channel."
    assert len(digests_posted(teams)) == 1
    found = delivery_of(teams.engine, digest)
    assert found is not None and found.state == "sent"


def preview_updates(teams: TeamsHarness) -> list[Call]:
    """The preview, replaced in place (PUT) in the support channel."""
    return [call for call in teams.fake.sent(SUPPORT) if call.method == "PUT"]


def test_teams_edit_note_is_a_card_input_and_heads_the_digest(teams: TeamsHarness) -> None:
    digest, buttons = teams_preview(teams, "Inner East", 21)
    form = teams.press("digest.note", buttons["Edit note"]["data"])
    [box] = of_type(form["value"], "Input.Text")
    assert box["id"] == "note"
    closed = teams.press("digest.note.cancel", buttons["Edit note"]["data"])
    assert not of_type(closed["value"], "Input.Text") and len(of_type(closed["value"], "ActionSet")) == 1
    saved = teams.press("digest.note.save", {**buttons["Edit note"]["data"], "note": "Apologies from Cllr Ahmed."})
    assert f"{SUPPORT_NOTE}Apologies from Cllr Ahmed." in texts(saved["value"])
    assert [a["title"] for a in of_type(saved["value"], "ActionSet")[0]["actions"]] == ["Post now", "Skip", "Edit note"]
    at_nine = DigestDesk(
        teams.conversation.bot, teams.conversation, owner="nine", now=Clock(digest.due_at), with_charts=False
    )
    assert at_nine.deliver(digest)
    assert f"{SUPPORT_NOTE}Apologies from Cllr Ahmed." in texts(card_of(digests_posted(teams)[-1]))


# -- stale-figure messages and ward briefings, on the desk -------------------------------------------------
class Poster:
    def __init__(self, *messengers: RecordingMessenger) -> None:
        self.messengers: dict[str, Messenger] = {m.platform: m for m in messengers}
        self.pacer = TokenBucketPacer(rate=1000)


def set_inner_south(engine: Engine, day: date, **settings: Any) -> tuple[committees.CommitteeInfo, MeetingInfo]:
    with Session(engine) as session, session.begin():
        found = replace(committees.find_committee(session, "Inner South"), channel="C-IS", **settings)
        committees.set_committee(session, found, actor="t", channel="cli")
        committees.save_meeting(session, MeetingSpec(found.id, london_time(day, time(18, 0))), actor="t", channel="cli")
        [meeting] = [m for m in committees.meetings(session, found.id) if m.day == day]
    return found, meeting


def test_stale_figures_go_once_to_who_set_them_and_otherwise_to_the_officers(seeded_engine: Engine) -> None:
    bot = Briefbot(seeded_engine, today=lambda: date(2026, 11, 22))
    setter = Actor("slack", "U-setter", "Sam Setter")
    updates = Updates(bot, Roles(Access(officers=frozenset({"U-setter"}))))
    preview = updates.preview_text(setter, "CPP_COUNT JESS 2014-03-31 150")
    assert preview.change_set is not None and updates.confirm(setter, preview.change_set).kind == "applied"
    committee, meeting = set_inner_south(seeded_engine, date(2026, 12, 21), support_channel="C-SUP")
    messenger = RecordingMessenger("slack")
    clock = Clock(planned(committee, meeting, "preview").due_at)
    desk = DigestDesk(bot, Poster(messenger), owner="p", now=clock, with_charts=False, officers={"slack": ["U-lead"]})
    desk.run_due()
    assert next(c.title for c in messenger.posts("C-SUP")).startswith("Preview: Inner South")
    [mine] = messenger.posts("U-setter")
    assert mine.title == "Figures over 12 months old in the Inner South digest for 21 Dec 2026"
    assert "- Child protection plans, JESS: latest is 152 months old (31 Mar 2014)" in mine.lines
    assert "- /indicator set CPP_COUNT JESS PERIOD VALUE (or /indicator alone for a form)" in mine.lines
    [theirs] = messenger.posts("U-lead")
    assert "JESS: latest is 152 months old" not in theirs.text
    assert any(
        line.startswith("- Child protection plans, Beeston, Cottingley and Middleton: latest is")
        for line in theirs.lines
    )
    assert '/indicator set CPP_COUNT "Beeston, Cottingley and Middleton" PERIOD VALUE' in theirs.text
    # Once per meeting: a restarted process (a new desk) sends nothing again.
    again = DigestDesk(bot, Poster(messenger), owner="q", now=clock, with_charts=False, officers={"slack": ["U-lead"]})
    again.run_due()
    assert len(messenger.posts("U-setter")) == 1 and len(messenger.posts("U-lead")) == 1
    with Session(seeded_engine) as session:
        kinds = sorted((d.key.kind, d.key.destination) for d in outbox.deliveries(session, meeting.id))
    assert kinds == [("preview", "slack:C-SUP"), ("stale", "slack:U-lead"), ("stale", "slack:U-setter")]


def test_ward_councillors_get_their_wards_part_once(seeded_engine: Engine) -> None:
    runner = CliRunner()
    app = FakeApp(seeded_engine, Settings.from_env({}, env_file=None))
    result = runner.invoke(wards_cli.command, ["set", "Beeston and Holbeck", "--councillors", "U-b1,U-b2"], obj=app)
    assert result.exit_code == 0 and "Beeston & Holbeck: U-b1, U-b2 on slack." in result.output
    result = runner.invoke(wards_cli.command, ["set", "Hunslet & Riverside", "--councillors", "U-h1"], obj=app)
    assert result.exit_code == 0
    teams_ward = ["set", "Middleton Park", "--councillors", "AAD-M1", "--platform", "teams"]
    assert runner.invoke(wards_cli.command, teams_ward, obj=app).exit_code == 0
    listing = runner.invoke(wards_cli.command, ["list"], obj=app).output.splitlines()
    assert listing == [
        "Beeston & Holbeck (E05012647): U-b1, U-b2 on slack",
        "Hunslet & Riverside (E05011399): U-h1 on slack",
        "Middleton Park (E05011404): aad-m1 on teams",
    ]
    bad = runner.invoke(wards_cli.command, ["set", "Atlantis", "--councillors", "U1"], obj=app)
    assert bad.exit_code == 1 and "no ward called 'Atlantis'" in bad.output

    committee, meeting = set_inner_south(seeded_engine, date(2026, 12, 21))
    slack, teams_messenger = RecordingMessenger("slack"), RecordingMessenger("teams")
    clock = Clock(planned(committee, meeting, "digest").due_at)
    desk = DigestDesk(Briefbot(seeded_engine), Poster(slack, teams_messenger), owner="p", now=clock, with_charts=False)
    assert len(desk.run_due()) == 5
    assert desk.run_due() == [] and desk.recover() == 0
    [beeston] = slack.posts("U-b1")
    assert beeston.title == "Beeston & Holbeck: children's services figures for the Inner South meeting of 21 Dec 2026"
    assert "JESS" in beeston.text and "Beeston, Cottingley and Middleton" in beeston.text
    [hunslet] = slack.posts("U-h1")
    assert "JESS" in hunslet.text and "Beeston, Cottingley and Middleton" not in hunslet.text
    assert len(slack.posts("U-b2")) == 1 and len(teams_messenger.posts("aad-m1")) == 1
    assert len(slack.posts("C-IS")) == 1


def test_only_officers_or_members_of_the_support_channel_may_press(seeded_engine: Engine) -> None:
    committee, meeting = set_inner_south(seeded_engine, date(2026, 12, 21), support_channel="C-SUP")
    messenger = RecordingMessenger("slack")
    clock = Clock(planned(committee, meeting, "preview").due_at)
    desk = DigestDesk(Briefbot(seeded_engine), Poster(messenger), owner="p", now=clock, with_charts=False)
    assert desk.deliver(planned(committee, meeting, "preview"))
    with Session(seeded_engine) as session:
        [preview] = outbox.deliveries(session, meeting.id)
    asked: list[str] = []

    def members(channel: str) -> frozenset[str]:
        asked.append(channel)
        return frozenset({"U-team"})

    previews = PreviewDesk(desk, Roles(Access(officers=frozenset({"U-officer"}))), members=ChannelMembers(members))
    skip = Control("skip", preview.id)
    assert previews.press(Actor("slack", "U-other"), skip).message == REFUSAL
    assert previews.press(Actor("teams", "U-team"), skip).message == REFUSAL  # another platform's member
    assert previews.press(Actor("slack", "U-team", "Tess"), skip).message == "Skipped: this digest will not be posted."
    assert asked == ["C-SUP"]  # read once, then cached
    assert previews.press(Actor("slack", "U-officer"), Control("post", preview.id)).message == "Skipped by Tess."
    assert previews.press(Actor("slack", "U-officer"), Control("post", preview.id + 99)).message == GONE


def test_a_teams_officer_gets_stale_figures_in_a_personal_chat_opened_for_them(teams: TeamsHarness) -> None:
    digest, _ = teams_preview(teams, "Inner South", 25)
    preview = planned(digest.committee, digest.meeting, "preview")
    bot = teams.conversation.bot
    officers = {"teams": ["aad-officer"]}
    desk = DigestDesk(
        bot, teams.conversation, owner="t", now=Clock(preview.due_at), with_charts=False, officers=officers
    )
    opened_before = [c for c in teams.fake.calls if c.path == "/v3/conversations"]
    assert len(desk.stale_messages(preview)) == 1
    [opened] = [c for c in teams.fake.calls if c.path == "/v3/conversations"][len(opened_before) :]
    assert opened.body["members"] == [{"id": "aad-officer"}] and opened.body["tenantId"] == TENANT
    chat = [c for c in teams.fake.sent("a:conversation-") if c.method == "POST"][-1]
    assert texts(card_of(chat))[0].startswith("Figures over 12 months old in the Inner South digest")
    again = DigestDesk(
        bot, teams.conversation, owner="u", now=Clock(preview.due_at), with_charts=False, officers=officers
    )
    assert again.stale_messages(preview) == []


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_skip_by_hand_in_the_outbox(seeded_engine: Engine) -> None:
    committee, meeting = set_inner_south(seeded_engine, date(2026, 12, 21))
    digest = planned(committee, meeting, "digest")
    now, lease = digest.due_at - timedelta(days=1), timedelta(minutes=5)
    ana = outbox.AuditActor("slack:U-ana", "slack", "Ana")
    with Session(seeded_engine) as session, session.begin():
        assert outbox.skip(session, digest.key, due_at=digest.due_at, now=now, by=ana) == "skipped"
        assert outbox.skip(session, digest.key, due_at=digest.due_at, now=now, by=ana) == "already skipped"
        assert outbox.claim(session, digest.key, owner="p", now=now, lease=lease, due_at=digest.due_at) is None
    ward = replace(digest, kind="ward", destination=Destination("slack", "U-w"))
    with Session(seeded_engine) as session, session.begin():
        claim = outbox.claim(session, ward.key, owner="p", now=now, lease=lease, due_at=ward.due_at)
        assert claim is not None
        assert outbox.skip(session, ward.key, due_at=ward.due_at, now=now, by=ana) == "busy"
        assert outbox.skip(session, ward.key, due_at=ward.due_at, now=now + lease * 2, by=ana) == "skipped"
    other = replace(digest, kind="ward", destination=Destination("slack", "U-x"))
    with Session(seeded_engine) as session, session.begin():
        claim = outbox.claim(session, other.key, owner="p", now=now, lease=lease, due_at=other.due_at)
        assert claim is not None
        outbox.mark_posted(session, claim.id, "C:1")
        assert outbox.skip(session, other.key, due_at=other.due_at, now=now + lease * 2, by=ana) == "posted"
    assert [(row.actor, row.after["by"] if row.after else None) for row in audit(seeded_engine, "skip")] == [
        ("slack:U-ana", "Ana"),
        ("slack:U-ana", "Ana"),
    ]

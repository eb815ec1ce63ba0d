"""Meeting calendars: ModernGov's web service (served from fixtures on a loopback server) and iCalendar files.
A malformed source gives one clear message and writes nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.app.commands import meetings as meetings_cli
from data.chat import committees
from data.chat.calendar import CalendarError
from data.chat.calendar.ical import parse_ical
from data.chat.calendar.moderngov import ModernGovClient, parse_meetings, parse_time, unescape
from data.chat.committees import LONDON
from tests.support.cli import FakeApp
from tests.support.paths import FIXTURES

CALENDAR = FIXTURES / "calendar"
YEAR = (date(2026, 1, 1), date(2027, 1, 1))


class ModernGov(BaseHTTPRequestHandler):
    """mgWebService.asmx as the tests need it: which file answers GetMeetings is set per test."""

    meetings_file = "moderngov_meetings.xml"
    seen: list[tuple[str, dict[str, list[str]], str]] = []  # noqa: RUF012 (shared by the test thread)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        ModernGov.seen.append((url.path, parse_qs(url.query), self.headers.get("User-Agent", "")))
        name = {
            "/mgWebService.asmx/GetMeetings": ModernGov.meetings_file,
            "/mgWebService.asmx/GetCommittees": "moderngov_committees.xml",
        }.get(url.path)
        if name is None:
            self.send_error(404)
            return
        body = (CALENDAR / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def moderngov() -> Iterator[str]:
    ModernGov.meetings_file = "moderngov_meetings.xml"
    ModernGov.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ModernGov)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/mgWebService.asmx"
    finally:
        server.shutdown()
        server.server_close()


def test_moderngov_times_dates_titles_and_status() -> None:
    assert parse_time("10.00 am") == time(10, 0) and parse_time("2.00 pm") == time(14, 0)
    assert parse_time("12.30 pm") == time(12, 30) and parse_time("12.00 am") == time(0, 0)
    assert unescape("Inner South &amp;amp; Partners") == "Inner South & Partners"
    entries = parse_meetings((CALENDAR / "moderngov_meetings.xml").read_bytes())
    assert [(e.source_id, e.starts_at.astimezone(LONDON).replace(tzinfo=None), e.status) for e in entries] == [
        ("51234", datetime(2026, 4, 6, 10, 0), "confirmed"),
        ("51235", datetime(2026, 6, 29, 14, 0), "cancelled"),
        ("51236", datetime(2026, 11, 2, 18, 30), "confirmed"),
    ]
    assert entries[0].title == "Inner South Community Committee & Partners"


def test_moderngov_client_over_loopback(moderngov: str) -> None:
    client = ModernGovClient(moderngov, user_agent="briefbot-test", timeout=5)
    assert [(c.id, c.title) for c in client.committees()] == [
        ("1003", "Inner South Community Committee"),
        ("997", "Inner East Community Committee & Friends"),
    ]
    assert len(client.meetings("1003", *YEAR)) == 3
    path, query, agent = ModernGov.seen[-1]
    assert path.endswith("/GetMeetings") and agent == "briefbot-test"
    assert query == {"lCommitteeId": ["1003"], "sFromDate": ["01/01/2026"], "sToDate": ["01/01/2027"]}


def test_moderngov_errors_are_one_clear_message(moderngov: str) -> None:
    with pytest.raises(CalendarError, match="answered HTTP 404"):
        ModernGovClient(moderngov.replace("mgWebService", "nothing"), timeout=5).committees()
    with pytest.raises(CalendarError, match="could not be reached"):
        ModernGovClient("http://127.0.0.1:9/mgWebService.asmx", timeout=2).committees()
    with pytest.raises(CalendarError, match="not dd/mm/yyyy"):
        parse_meetings((CALENDAR / "moderngov_malformed.xml").read_bytes())
    with pytest.raises(CalendarError, match="cannot be read"):
        parse_meetings((CALENDAR / "moderngov_broken.xml").read_bytes())


def test_ical_expands_recurrences_with_exdate_in_london_time() -> None:
    entries = parse_ical((CALENDAR / "inner_south.ics").read_bytes(), *YEAR)
    local = [(e.starts_at.astimezone(LONDON).replace(tzinfo=None), e.status) for e in entries]
    assert local == [
        (datetime(2026, 3, 2, 18, 0), "confirmed"),
        (datetime(2026, 4, 6, 18, 0), "confirmed"),  # BST now: still 18:00 in London
        (datetime(2026, 6, 1, 18, 0), "confirmed"),  # 4 May is an EXDATE
        (datetime(2026, 11, 2, 18, 30), "cancelled"),  # floating time read as London's
    ]
    assert entries[1].source_id == "inner-south-series@example.org@20260406"
    assert entries[3].source_id == "inner-south-special@example.org"


def test_a_broken_ical_file_is_rejected() -> None:
    with pytest.raises(CalendarError, match="the calendar file cannot be read"):
        parse_ical((CALENDAR / "broken.ics").read_bytes(), *YEAR)


def _stored(engine: Engine) -> list[tuple[date, str, str]]:
    with Session(engine) as session:
        committee = committees.find_committee(session, "Inner South")
        return [(m.day, m.status, m.source) for m in committees.meetings(session, committee.id)]


def test_cli_sync_from_moderngov_then_a_moved_meeting(app: FakeApp, moderngov: str) -> None:
    runner = CliRunner()
    args = ["sync", "Inner South", "--moderngov-url", moderngov, "--from", "2026-01-01", "--to", "2026-12-31"]
    result = runner.invoke(meetings_cli.command, args, obj=app)
    assert result.exit_code == 0, result.output
    assert "Inner South: moderngov: 3 added." in result.output
    assert _stored(app.engine)[2:] == [
        (date(2026, 4, 6), "confirmed", "moderngov"),
        (date(2026, 6, 29), "cancelled", "moderngov"),
        (date(2026, 11, 2), "confirmed", "moderngov"),
    ]
    again = runner.invoke(meetings_cli.command, args, obj=app)
    assert "3 unchanged" in again.output
    ModernGov.meetings_file = "moderngov_meetings_moved.xml"
    moved = runner.invoke(meetings_cli.command, args, obj=app)
    assert "1 moved" in moved.output
    assert (date(2026, 4, 8), "confirmed", "moderngov") in _stored(app.engine)
    assert (date(2026, 4, 6), "confirmed", "moderngov") not in _stored(app.engine)


def test_cli_sync_malformed_moderngov_writes_nothing(app: FakeApp, moderngov: str) -> None:
    ModernGov.meetings_file = "moderngov_malformed.xml"
    before = _stored(app.engine)
    result = CliRunner().invoke(meetings_cli.command, ["sync", "--moderngov-url", moderngov], obj=app)
    assert result.exit_code == 1
    assert "Error: ModernGov meeting date '2026-04-06' is not dd/mm/yyyy. Nothing was changed." in result.output
    assert _stored(app.engine) == before


def test_cli_sync_from_ical_and_a_broken_file(app: FakeApp) -> None:
    runner = CliRunner()
    good = ["sync", "Inner South", "--ical", str(CALENDAR / "inner_south.ics"), "--from", "2026-01-01"]
    result = runner.invoke(meetings_cli.command, [*good, "--to", "2026-12-31"], obj=app)
    assert result.exit_code == 0 and "ical: 4 added." in result.output
    before = _stored(app.engine)
    broken = ["sync", "Inner South", "--ical", str(CALENDAR / "broken.ics")]
    result = runner.invoke(meetings_cli.command, broken, obj=app)
    assert result.exit_code == 1 and "the calendar file cannot be read" in result.output
    assert "Nothing was changed." in result.output and _stored(app.engine) == before
    missing = runner.invoke(meetings_cli.command, ["sync", "Inner South", "--ical", "/nonexistent.ics"], obj=app)
    assert missing.exit_code == 1 and "could not be read" in missing.output

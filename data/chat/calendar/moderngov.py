"""ModernGov's mgWebService.asmx: GetCommittees and GetMeetings.

What it sends: dates as dd/mm/yyyy, times as "10.00 am", titles escaped twice ("&amp;amp;"), status
"Confirmed" or "Cancelled". Some servers wrap the document in an ASMX <string> element; both are read.
"""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from data.chat.calendar import CalendarEntry, CalendarError

LONDON = ZoneInfo("Europe/London")
DEFAULT_USER_AGENT = "briefbot (Leeds children's services briefings)"
DEFAULT_TIMEOUT = 20.0
_TIME = re.compile(r"^\s*(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?\s*m\.?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ModernGovCommittee:
    id: str
    title: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _document(content: bytes) -> ET.Element:
    try:
        root = ET.fromstring(content)
        if _local(root.tag) == "string" and root.text and root.text.lstrip().startswith("<"):
            root = ET.fromstring(root.text)
    except ET.ParseError as error:
        raise CalendarError(f"ModernGov sent XML that cannot be read ({error})") from None
    return root


def _children(root: ET.Element, name: str) -> list[ET.Element]:
    return [element for element in root.iter() if _local(element.tag) == name]


def _field(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def unescape(text: str) -> str:
    """Titles arrive escaped twice: "&amp;amp;" reads "&amp;" after XML parsing, "&" after this."""
    previous = None
    while previous != text:
        previous, text = text, html.unescape(text)
    return text


def parse_time(text: str) -> time:
    if not text.strip():
        return time(0, 0)
    match = _TIME.match(text)
    if not match:
        try:
            return time.fromisoformat(text.strip())
        except ValueError:
            raise CalendarError(f"ModernGov meeting time {text!r} is not like '10.00 am'") from None
    hour, minute = int(match.group(1)) % 12, int(match.group(2) or 0)
    return time(hour + (12 if match.group(3).lower() == "p" else 0), minute)


def parse_date(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise CalendarError(f"ModernGov meeting date {text!r} is not dd/mm/yyyy") from None


def parse_meetings(content: bytes) -> list[CalendarEntry]:
    root = _document(content)
    entries = []
    for element in _children(root, "meeting"):
        meeting_id = _field(element, "meetingid")
        if not meeting_id:
            raise CalendarError("ModernGov sent a meeting without a meetingid")
        day = parse_date(_field(element, "meetingdate"))
        starts = datetime.combine(day, parse_time(_field(element, "meetingtime")), tzinfo=LONDON)
        status = _field(element, "meetingstatus").lower()
        entries.append(
            CalendarEntry(
                source_id=meeting_id,
                starts_at=starts,
                title=unescape(_field(element, "committeetitle")) or None,
                place=unescape(_field(element, "location")) or None,
                status="cancelled" if status.startswith("cancel") else "confirmed",
            )
        )
    if not entries and _local(root.tag) not in ("getmeetings", "meetings"):
        raise CalendarError(f"ModernGov sent <{_local(root.tag)}>, not a list of meetings")
    return entries


def parse_committees(content: bytes) -> list[ModernGovCommittee]:
    root = _document(content)
    return [
        ModernGovCommittee(_field(element, "committeeid"), unescape(_field(element, "committeetitle")))
        for element in _children(root, "committee")
        if _field(element, "committeeid")
    ]


class ModernGovClient:
    def __init__(
        self, base_url: str, *, user_agent: str = DEFAULT_USER_AGENT, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        # e.g. https://democracy.leeds.gov.uk/mgWebService.asmx
        self.base_url = base_url.rstrip("/")
        self.user_agent = user_agent
        self.timeout = timeout

    def committees(self) -> list[ModernGovCommittee]:
        return parse_committees(self._get("GetCommittees", {}))

    def meetings(self, committee_id: str, start: date, end: date) -> list[CalendarEntry]:
        query = {"lCommitteeId": committee_id, "sFromDate": f"{start:%d/%m/%Y}", "sToDate": f"{end:%d/%m/%Y}"}
        return parse_meetings(self._get("GetMeetings", query))

    def _get(self, method: str, query: dict[str, str]) -> bytes:
        url = f"{self.base_url}/{method}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body: bytes = response.read()
                return body
        except urllib.error.HTTPError as error:
            raise CalendarError(f"ModernGov {method} answered HTTP {error.code} at {self.base_url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise CalendarError(f"ModernGov {method} could not be reached at {self.base_url}: {reason}") from None

"""Deliveries whose post was cut short: how a post's failure is read (might it have arrived?) and what the area
support team is told when the platform can't say whether a delivery went out (bot.digest.delivery decides)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.conversation.messenger import OutcomeUnknown
from data.figures.periods import uk_date

MAY_HAVE_GONE_OUT = "may have gone out: its process stopped while posting it; the area support team was asked to check"
# Our clock and the platform's may differ: its history is searched from a little before the claim.
CLOCK_SLACK = timedelta(minutes=10)
# The kinds of bot.digest.delivery, as the notice names them and where each goes.
_WHAT = {
    "digest": "digest",
    "preview": "digest preview",
    "ward": "ward briefing",
    "stale": "message about stale figures",
}
_WHERE = {"digest": "the committee's channel", "preview": "this channel"}


def may_have_arrived(error: BaseException) -> bool:
    """A post that timed out may have arrived; one the platform answered with an error did not."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OutcomeUnknown | TimeoutError) or isinstance(getattr(seen, "reason", None), TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def check_notice(kind: str, committee: str, meeting_day: date, platform: str, address: str) -> str:
    """The one line the area support team gets instead of a second copy."""
    what = _WHAT.get(kind, "message")
    where = _WHERE.get(kind, f"the direct message to {address}")
    return (
        f"The {committee} {what} for the meeting on {uk_date(meeting_day)} may have gone out: briefbot stopped "
        f"while posting it to {where}, and {platform.title()} can't say whether it arrived. "
        f"Please check {where}; briefbot will not post it again."
    )

"""The digest schedule: APScheduler as a trigger only.

Jobs are derived from the meetings table, at start and on every calendar change (this process's own, such as
chat's /meeting, at once: the scheduler watches the calendar; another process's within a sweep): one date job
per moment something is due (digests and ward briefings N days ahead at 09:00 London; previews, with the
stale-figure messages, two days earlier) plus a sweep every few minutes that finishes what a dead process left
and catches anything a paused process missed. APScheduler's job store is
in memory and per process; which process posts is decided by the store's outbox (bot.digest.delivery), never
by a shared job store."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.digest.delivery import DigestDesk
from bot.digest.meetings import watch_calendar
from bot.failures import log_failure

log = logging.getLogger(__name__)
SWEEP_EVERY = timedelta(minutes=5)
SWEEP_JOB = "digest-sweep"
JOB_PREFIX = "delivery:"


class DigestScheduler:
    def __init__(
        self,
        desk: DigestDesk,
        *,
        timezone: str = "Europe/London",
        scheduler: BackgroundScheduler | None = None,
        sweep_every: timedelta = SWEEP_EVERY,
    ) -> None:
        self.desk = desk
        self.scheduler = scheduler or BackgroundScheduler(timezone=timezone)
        self.sweep_every = sweep_every
        self._refreshing = threading.Lock()  # the sweep and a chat's calendar change may refresh at once
        self._unwatch: Callable[[], None] | None = None

    def start(self, *, paused: bool = False) -> None:
        """Finish what a dead process left, post digests missed while down (late, if the meeting is still
        ahead), then schedule the rest."""
        self.sweep()
        self.scheduler.start(paused=paused)
        self.scheduler.add_job(
            self.sweep,
            IntervalTrigger(seconds=self.sweep_every.total_seconds()),
            id=SWEEP_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        self.refresh()
        self._unwatch = watch_calendar(self.desk.bot, self.refresh)

    def refresh(self) -> int:
        """Re-derive the jobs from the meetings table (one for each moment something is due); how many."""
        with self._refreshing:
            for job in self.scheduler.get_jobs():
                if job.id.startswith(JOB_PREFIX):
                    job.remove()
            now = self.desk.now()
            moments = sorted({planned.due_at for planned in self.desk.plan() if planned.due_at > now})
            for moment in moments:  # what is already due, the sweep posts
                self.scheduler.add_job(
                    self.run_due,
                    DateTrigger(run_date=moment),
                    id=JOB_PREFIX + _moment_id(moment),
                    replace_existing=True,
                    # A process paused past the due time still posts it when it wakes, late if need be.
                    misfire_grace_time=None,
                    coalesce=True,
                )
        log.info("digest schedule: %s moments ahead", len(moments))
        return len(moments)

    def run_due(self) -> None:
        try:
            self.desk.run_due()
        except Exception:
            # A store blip: the sweep tries again shortly.
            log_failure(log, "digest delivery failed")

    def sweep(self) -> None:
        """Also re-derives the jobs: a calendar changed by another process (the CLI's sync) is seen within a
        sweep even when nobody calls refresh here."""
        try:
            self.desk.recover()
            self.desk.run_due()
            if self.scheduler.running:
                self.refresh()
        except Exception:
            log_failure(log, "digest sweep failed")

    def shutdown(self) -> None:
        if self._unwatch is not None:
            self._unwatch()
            self._unwatch = None
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)


def _moment_id(moment: datetime) -> str:
    return moment.isoformat()

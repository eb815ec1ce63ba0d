"""The digest schedule: APScheduler as a trigger only.

Jobs are derived from the meetings table, at start and on every calendar change: one date job per delivery
(digest N days ahead at 09:00 London; its preview two days earlier) plus a sweep every few minutes that
finishes what a dead process left and catches anything a paused process missed. APScheduler's job store is
in memory and per process; which process posts is decided by the store's outbox (bot.digest.delivery), never
by a shared job store."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.digest.delivery import DigestDesk

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

    def refresh(self) -> int:
        """Re-derive the delivery jobs from the meetings table: call after every calendar change."""
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX):
                job.remove()
        now = self.desk.now()
        count = 0
        for planned in self.desk.plan():
            if planned.due_at <= now:
                continue  # the sweep posts it
            self.scheduler.add_job(
                self.run_due,
                DateTrigger(run_date=planned.due_at),
                id=JOB_PREFIX + planned.job_id,
                replace_existing=True,
                # A process paused past the due time still posts it when it wakes, late if need be.
                misfire_grace_time=None,
                coalesce=True,
            )
            count += 1
        log.info("digest schedule: %s deliveries ahead", count)
        return count

    def run_due(self) -> None:
        try:
            self.desk.run_due()
        except Exception:
            # A store blip: the sweep tries again shortly.
            log.exception("digest delivery failed")

    def sweep(self) -> None:
        """Also re-derives the jobs: a calendar changed by another process (the CLI's sync) is seen within a
        sweep even when nobody calls refresh here."""
        try:
            self.desk.recover()
            self.desk.run_due()
            if self.scheduler.running:
                self.refresh()
        except Exception:
            log.exception("digest sweep failed")

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

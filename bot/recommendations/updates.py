"""Officers change recommendations from chat: a status from the plan's own vocabulary, or a dated update.

The same rules as figures (bot.figures.updates.desk): only officers; a preview stored as a pending change set with
what it was checked against; a confirmation from the officer who previewed it, within 15 minutes, applied once
(a stale one is previewed again); an audited undo. Previews and outcomes are bot.figures.updates' own, so every
platform lays them out as it does a figure's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.orm import Session

from bot.figures.updates import Actor, Outcome, Preview, PreviewRow
from bot.figures.updates.desk import OfficerDesk
from bot.figures.updates.wording import ALREADY_SETTLED, NOT_YOURS, SOURCE
from bot.recommendations.commands import RecRequest, entry, parse, plan_keys, status_named
from bot.recommendations.wording import dated_words, excerpt, plural, rec_name, when
from data import recommendations as store
from data.figures import changes
from data.figures.changes import ChangeRefused
from data.recommendations import RecChange, RecChangeSet, RecommendationInfo, UpdateInfo

REFUSAL = (
    "Sorry, only children's services officers can change recommendations. Nothing was changed. "
    "If you should be one, ask an admin to add you."
)
PREVIEW_EXCERPT = 200


class RecUpdates(OfficerDesk):
    # -- previewing ------------------------------------------------------------------------------------------
    def preview_status(self, actor: Actor, text: str) -> Preview:
        """`[PLAN] CODE STATUS [note]`: the status change, previewed."""
        return self._preview(actor, text, self._status_change)

    def preview_update(self, actor: Actor, text: str) -> Preview:
        """`[PLAN] CODE "LABEL: text"`: the dated update, previewed."""
        return self._preview(actor, text, self._update_change)

    def _preview(
        self, actor: Actor, text: str, read: Callable[[Session, RecommendationInfo, RecRequest], RecChange | str]
    ) -> Preview:
        if not self.may_edit(actor):
            return Preview(REFUSAL, refused=True)
        request = parse(text)
        if isinstance(request, str):
            return Preview(request)
        with self.bot.store.write() as session:
            found = self._recommendation(session, request)
            if isinstance(found, str):
                return Preview(found)
            change = read(session, found, request)
            if isinstance(change, str):
                return Preview(change)
            return self._propose(session, actor, change)

    def _recommendation(self, session: Session, request: RecRequest) -> RecommendationInfo | str:
        keys = plan_keys(request, tuple(store.plans(session)))
        if isinstance(keys, str):
            return keys
        found = store.find(session, request.code, keys)
        if not found:
            return f"Recommendation {request.code} isn't held: ask “rec {request.code}” for the numbers that are."
        if len(found) > 1:
            ways = " or ".join(f"“{rec.plan.words[0]} {request.code}”" for rec in found if rec.plan.words)
            return f"Recommendation {request.code} is in more than one plan: say which, e.g. {ways}."
        return found[0]

    def _status_change(self, session: Session, rec: RecommendationInfo, request: RecRequest) -> RecChange | str:
        allowed = tuple(store.statuses(session, rec.plan.vocabulary))
        named = status_named(request.rest, allowed)
        if named is None:
            typed = " ".join(request.rest) or "nothing"
            choices = ", ".join(status.label for status in allowed)
            return f"“{typed}” doesn't start with a status of the {rec.plan.name}: use one of {choices}."
        status, note = named
        return RecChange(
            action="status",
            plan=rec.plan.key,
            code=rec.code,
            label=f"Status changed to {status.label}",
            dated=self.bot.today(),
            precision="day",
            text=note,
            status=status.code,
            expected_status=rec.status.code,
        )

    def _update_change(self, _session: Session, rec: RecommendationInfo, request: RecRequest) -> RecChange | str:
        read = entry(request.rest, self.bot.today())
        if not read.text:
            return f'What does the update say? e.g. /rec update {request.code} "March 2011 update: ...".'
        problem = store.entry_problem(read.label, read.text)
        if problem:
            return f"That update can't be saved: {problem}."
        return RecChange("update", rec.plan.key, rec.code, read.label, read.dated, read.precision, read.text)

    def _propose(self, session: Session, actor: Actor, change: RecChange) -> Preview:
        """Compare with what is held now; store the change as a pending change set."""
        checked = self._checked(session, change)
        if isinstance(checked, str):
            return Preview(checked)
        change, rows = checked
        pending = store.propose(session, [change], actor=actor.key, actor_name=actor.shown, channel=actor.platform)
        return Preview("Check this change, then confirm:", rows, pending)

    def _checked(self, session: Session, change: RecChange) -> tuple[RecChange, tuple[PreviewRow, ...]] | str:
        """The change against the store as it is now (its expected status refreshed), as preview rows, or why
        there is nothing to do."""
        found = store.find(session, change.code, (change.plan,))
        if not found:
            return f"Recommendation {change.code} is no longer held."
        rec = found[0]
        dated = dated_words(change.dated, change.precision)
        entry_row = PreviewRow(None, f"{rec_name(rec)}, “{change.label}” ({dated})", "new", None, _said(change))
        if change.action != "status":
            held = _labelled(rec, change.label)
            if held is not None:
                return f"{rec_name(rec)} already has “{held.label}” ({when(held)}): nothing was changed."
            return change, (entry_row,)
        if rec.status.code == change.status:
            return f"Nothing to change: {rec_name(rec)} is already {rec.status.label}."
        new = next(
            status.label for status in store.statuses(session, rec.plan.vocabulary) if status.code == change.status
        )
        status_row = PreviewRow(None, f"{rec_name(rec)}, status", "changed", rec.status.label, new)
        return replace(change, expected_status=rec.status.code), (status_row, entry_row)

    # -- confirming --------------------------------------------------------------------------------------------
    def confirm(self, actor: Actor, change_set_id: int) -> Outcome:
        if not self.may_edit(actor):
            return Outcome("refused", REFUSAL)
        with self.bot.store.write() as session:
            found = store.rec_change_set(session, change_set_id)
            if found is None or found.info.state != "pending" or found.info.kind != store.REC_KIND:
                return Outcome("refused", ALREADY_SETTLED)
            if found.info.actor != actor.key:
                return Outcome("refused", NOT_YOURS)
            reason = self._stale(session, found)
            if reason:
                changes.cancel(session, change_set_id)
                # A change set from a preview holds one change (bot.recommendations previews one at a time).
                again = self._propose(session, actor, found.changes[0])
                return Outcome("stale", f"{reason} Here it is again as things are now.", again)
            written = store.apply(session, change_set_id, source_document=SOURCE)
            done = _done(session, written)
        return Outcome("applied", f"Done: {done} (change set {change_set_id}).", change_set=change_set_id)

    def _stale(self, session: Session, found: RecChangeSet) -> str:
        if self.clock() - found.info.created_at > self.expiry:
            return f"That preview is more than {int(self.expiry.total_seconds() // 60)} minutes old."
        for change in found.changes:
            held = store.find(session, change.code, (change.plan,))
            if not held:
                return f"Recommendation {change.code} is no longer held."
            if change.action == "status" and held[0].status.code != change.expected_status:
                return f"The status of recommendation {change.code} changed since the preview."
            if change.action == "update" and _labelled(held[0], change.label) is not None:
                return f"Recommendation {change.code} got a “{change.label}” since the preview."
        return ""

    def cancel(self, actor: Actor, change_set_id: int) -> Outcome:
        with self.bot.store.write() as session:
            found = store.rec_change_set(session, change_set_id)
            if found is None or found.info.actor != actor.key:
                return Outcome("refused", NOT_YOURS)
            if not changes.cancel(session, change_set_id):
                return Outcome("refused", ALREADY_SETTLED)
        return Outcome("cancelled", "Cancelled: nothing was changed.")

    # -- undo --------------------------------------------------------------------------------------------------
    def undo(self, actor: Actor, change_set_id: int | None = None) -> Outcome:
        """Undo a change to recommendations: by default the actor's own last one. Only admins undo others'."""
        if not self.may_edit(actor):
            return Outcome("refused", REFUSAL)
        with self.bot.store.write() as session:
            if change_set_id is None:
                last = changes.last_applied(session, actor.key, kinds=(store.REC_KIND,))
                target = None if last is None else last.id
            else:
                found = store.rec_change_set(session, change_set_id)
                target = None if found is None else found.info.id
            if target is None:
                return Outcome("refused", "You have no change to recommendations to undo.")
            owner = store.rec_change_set(session, target)
            if owner is not None and owner.info.actor != actor.key and not self.roles.is_admin(actor):
                return Outcome("refused", f"Change set {target} is someone else's: ask an admin to undo it.")
            try:
                done = store.undo(session, target, actor=actor.key, actor_name=actor.shown, channel=actor.platform)
            except ChangeRefused as error:
                return Outcome("refused", str(error))
        message = (
            f"Undone change set {target}: {plural(done.statuses_restored, 'status', 'statuses')} put back, "
            f"{plural(done.entries_removed, 'update')} removed"
            + (f", {plural(done.entries_restored, 'update')} restored" if done.entries_restored else "")
            + f" (recorded as change set {done.change_set})."
        )
        return Outcome("applied", message, change_set=done.change_set)


def _labelled(rec: RecommendationInfo, label: str) -> UpdateInfo | None:
    wanted = label.strip().lower()
    return next((update for update in rec.updates if update.label.strip().lower() == wanted), None)


def _said(change: RecChange) -> str:
    return f"“{excerpt(change.text, PREVIEW_EXCERPT)}”" if change.text else "(no note)"


def _done(session: Session, written: tuple[RecChange, ...]) -> str:
    labels = {
        (plan.key, status.code): status.label
        for plan in store.plans(session)
        for status in store.statuses(session, plan.vocabulary)
    }
    parts = []
    for change in written:
        if change.action == "status":
            parts.append(f"recommendation {change.code} is now {labels[(change.plan, str(change.status))]}")
        else:
            parts.append(f"“{change.label}” added to recommendation {change.code}")
    return "; ".join(parts)

"""The one write path every platform shares: request -> validate -> preview -> confirm (one change set) -> undo.

A preview is stored as a pending change set holding each figure and the value it was checked against, so a
confirmation (from any process) applies exactly what was shown, once. A confirmation more than 15 minutes
old, or for a figure that changed since, is refused and previewed again. Two officers editing one figure:
the later confirmation wins and both stay in history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from bot.briefbot import Briefbot
from bot.figures.language.lexicon import Lexicon
from bot.figures.updates.reading import FieldError, UpdateRequest, parse_command, read_request, sentence
from bot.figures.updates.roles import Actor, Roles
from bot.figures.updates.wording import (
    ALREADY_SETTLED,
    NOT_YOURS,
    REFUSAL,
    SOURCE,
    PreviewRow,
    history_line,
    reading_of,
    shown,
)
from data.figures import changes
from data.figures.changes import ChangeRefused, Figure, ProposedFigure
from data.figures.validation import FigureRules, InvalidFigure

EXPIRY = timedelta(minutes=15)
# Where a shared rule's refusal shows on a form (data.figures.validation names the part of the figure).
FIELD_OF = {"indicator": "indicator", "geography": "area", "period": "period", "value": "value"}
FIELD_OF |= {"status": "status", "text": "note"}


@dataclass(frozen=True)
class Preview:
    """What a change would do, row by row. `change_set` is the pending change to confirm; None when nothing
    would change, or when any row is rejected (nothing is applied until every row is right)."""

    headline: str
    rows: tuple[PreviewRow, ...] = ()
    change_set: int | None = None
    refused: bool = False

    def count(self, change: str) -> int:
        return sum(row.change == change for row in self.rows)

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(row.text for row in self.rows)


@dataclass(frozen=True)
class Outcome:
    """How a confirmation, cancel or undo went: applied, cancelled, refused, or stale (with a new preview)."""

    kind: str
    message: str
    preview: Preview | None = None
    change_set: int | None = None


class OfficerDesk:
    """What every officers' write path shares (figures, recommendations): the store, who may, the clock that
    ages previews, and how old a preview may be when it is confirmed."""

    def __init__(
        self,
        bot: Briefbot,
        roles: Roles,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        expiry: timedelta = EXPIRY,
    ) -> None:
        self.bot = bot
        self.roles = roles
        self.clock = clock
        self.expiry = expiry

    def may_edit(self, actor: Actor) -> bool:
        return self.roles.is_officer(actor)


class Updates(OfficerDesk):
    def form_choices(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(code, label) for a form's selects: every indicator, and the areas people follow."""
        with self.bot.store.read() as session:
            lexicon = self.bot.lexicon(session)
        indicators = [(code, f"{info.short_name} [{code}]") for code, info in lexicon.indicators.items()]
        return sorted(indicators, key=lambda item: item[1].lower()), self.bot.area_choices()

    # -- checking and previewing ------------------------------------------------------------------------------
    def check(self, request: UpdateRequest) -> tuple[FieldError, ...]:
        """Field errors only (a form answers with these before anything is previewed)."""
        with self.bot.store.read() as session:
            read = read_request(request, self.bot.lexicon(session), self.bot.today())
            if isinstance(read, tuple):
                return read
            refused = store_refusal(read.figure, FigureRules.of(session, self.bot.today()))
        return (refused,) if refused else ()

    def preview_text(self, actor: Actor, text: str, note: str | None = None) -> Preview:
        request = parse_command(text)
        if isinstance(request, FieldError):
            return Preview(request.message, refused=not self.may_edit(actor))
        return self.preview(actor, [request], kind="set", note=note)

    def preview(
        self, actor: Actor, requests: Sequence[UpdateRequest], *, kind: str = "set", note: str | None = None
    ) -> Preview:
        if not self.may_edit(actor):
            return Preview(REFUSAL, refused=True)
        with self.bot.store.write() as session:
            lexicon = self.bot.lexicon(session)
            rows, figures = self._read_all(requests, lexicon, FigureRules.of(session, self.bot.today()))
            return self._propose(session, lexicon, actor, rows, figures, kind=kind, note=note)

    def _read_all(
        self, requests: Sequence[UpdateRequest], lexicon: Lexicon, rules: FigureRules
    ) -> tuple[list[PreviewRow], list[ProposedFigure]]:
        """Each row read and held to the rules every write path shares, before anything is proposed."""
        rows: list[PreviewRow] = []
        figures: list[ProposedFigure] = []
        seen: dict[tuple[object, ...], int | None] = {}
        for request in requests:
            read = read_request(request, lexicon, self.bot.today())
            refused = None if isinstance(read, tuple) else store_refusal(read.figure, rules)
            if isinstance(read, tuple):
                rows.append(PreviewRow.rejected(request, read))
            elif refused:
                rows.append(PreviewRow.rejected(request, (refused,)))
            elif read.figure.key in seen:
                again = FieldError("request", f"the same figure as row {seen[read.figure.key]}")
                rows.append(PreviewRow.rejected(request, (again,)))
            else:
                seen[read.figure.key] = request.line
                figures.append(read.figure)
                rows.append(PreviewRow(request.line, read.reading, "new", None, None))
        return rows, figures

    def _propose(
        self,
        session: Session,
        lexicon: Lexicon,
        actor: Actor,
        rows: list[PreviewRow],
        figures: list[ProposedFigure],
        *,
        kind: str,
        note: str | None,
    ) -> Preview:
        """Compare each figure with what is held now; store the changes as a pending change set."""
        current = changes.current_figures(session, [figure.key for figure in figures])
        compared = iter(figures)
        to_write: list[ProposedFigure] = []
        shown_rows: list[PreviewRow] = []
        for row in rows:
            if row.change == "rejected":
                shown_rows.append(row)
                continue
            figure = next(compared)
            held = current.get(figure.key)
            unit = lexicon.indicators[figure.indicator].unit
            new = shown(figure.value, figure.symbol, figure.decimals, unit)
            old = shown(held.value, held.symbol, None, unit) if held else None
            proposed = Figure(figure.value, figure.symbol, figure.status)
            change = "new" if held is None else ("unchanged" if proposed.same_as(held) else "changed")
            shown_rows.append(PreviewRow(row.line, row.reading, change, old, new, status=figure.status))
            if change != "unchanged":
                to_write.append(_expecting(figure, held))
        return self._stored(session, actor, shown_rows, to_write, kind=kind, note=note)

    def _stored(
        self,
        session: Session,
        actor: Actor,
        rows: list[PreviewRow],
        to_write: list[ProposedFigure],
        *,
        kind: str,
        note: str | None,
    ) -> Preview:
        rejected = sum(row.change == "rejected" for row in rows)
        if rejected:
            headline = f"Nothing applied: {rejected} row(s) can't be used. Fix them and send it again."
            return Preview(headline, tuple(rows))
        if not to_write:
            return Preview("Nothing to change: the store already holds these figures.", tuple(rows))
        pending = changes.propose(
            session, to_write, actor=actor.key, actor_name=actor.shown, channel=actor.platform, kind=kind, note=note
        )
        count = len(to_write)
        headline = f"Check {'this change' if count == 1 else f'these {count} changes'}, then confirm:"
        return Preview(headline, tuple(rows), pending)

    # -- confirming --------------------------------------------------------------------------------------------
    def confirm(self, actor: Actor, change_set_id: int) -> Outcome:
        if not self.may_edit(actor):
            return Outcome("refused", REFUSAL)
        try:
            return self._confirm(actor, change_set_id)
        except InvalidFigure as error:
            # The store changed under the preview so that a figure now breaks a rule (a population revised
            # down, say): nothing was written; the change is cancelled, not left pending.
            with self.bot.store.write() as session:
                changes.cancel(session, change_set_id)
            reason = str(error).removeprefix("nothing was written: ")
            return Outcome("refused", f"Nothing was changed: {reason}.")

    def _confirm(self, actor: Actor, change_set_id: int) -> Outcome:
        with self.bot.store.write() as session:
            info = changes.change_set(session, change_set_id)
            if info is None or info.state != "pending":
                return Outcome("refused", ALREADY_SETTLED)
            if info.actor != actor.key:
                return Outcome("refused", NOT_YOURS)
            reason = self._stale(session, info)
            if reason:
                changes.cancel(session, change_set_id)
                lexicon = self.bot.lexicon(session)
                rows = [PreviewRow(f.line, reading_of(f, lexicon), "new", None, None) for f in info.figures]
                again = self._propose(session, lexicon, actor, rows, list(info.figures), kind=info.kind, note=info.note)
                return Outcome("stale", f"{reason} Here it is again with the figures as they are now.", again)
            written = changes.apply(
                session, change_set_id, source_document=SOURCE, reason=info.note or info.kind, today=self.bot.today()
            )
        figures = "figure" if written.total == 1 else "figures"
        message = f"Done: {written.total} {figures} saved as change set {change_set_id}."
        return Outcome("applied", message, change_set=change_set_id)

    def _stale(self, session: Session, info: changes.ChangeSetInfo) -> str:
        if self.clock() - info.created_at > self.expiry:
            return f"That preview is more than {int(self.expiry.total_seconds() // 60)} minutes old."
        current = changes.current_figures(session, [figure.key for figure in info.figures])
        for figure in info.figures:
            held = current.get(figure.key)
            if (held is None) != (figure.expected is None) or (held and not held.same_as(figure.expected)):
                return "A figure changed since the preview."
        return ""

    def cancel(self, actor: Actor, change_set_id: int) -> Outcome:
        with self.bot.store.write() as session:
            info = changes.change_set(session, change_set_id)
            if info is None or info.actor != actor.key:
                return Outcome("refused", NOT_YOURS)
            if not changes.cancel(session, change_set_id):
                return Outcome("refused", ALREADY_SETTLED)
        return Outcome("cancelled", "Cancelled: nothing was changed.")

    # -- undo and history --------------------------------------------------------------------------------------
    def undo(self, actor: Actor, change_set_id: int | None = None) -> Outcome:
        """Undo a change set: by default the actor's own last one. Only admins undo other people's."""
        if not self.may_edit(actor):
            return Outcome("refused", REFUSAL)
        with self.bot.store.write() as session:
            target = (
                changes.last_applied(session, actor.key)
                if change_set_id is None
                else changes.change_set(session, change_set_id)
            )
            if target is None:
                return Outcome("refused", "You have no change to undo.")
            if target.actor != actor.key and not self.roles.is_admin(actor):
                return Outcome("refused", f"Change set {target.id} is someone else's: ask an admin to undo it.")
            try:
                done = changes.undo(session, target.id, actor=actor.key, actor_name=actor.shown, channel=actor.platform)
            except ChangeRefused as error:
                return Outcome("refused", str(error))
        message = (
            f"Undone change set {target.id}: {done.restored} figure(s) restored, {done.removed} removed "
            f"(recorded as change set {done.change_set})."
        )
        return Outcome("applied", message, change_set=done.change_set)

    def history(self, indicator: str, area: str, limit: int = 10) -> tuple[str, ...] | tuple[FieldError, ...]:
        """The latest changes to one figure in one place, newest first, in words."""
        request = UpdateRequest(indicator, area, "2000-01-01", "0")
        with self.bot.store.read() as session:
            lexicon = self.bot.lexicon(session)
            read = read_request(request, lexicon, self.bot.today())
            if isinstance(read, tuple):
                return tuple(error for error in read if error.field in {"indicator", "area"})
            figure = read.figure
            entries = changes.audit_entries(
                session, indicator=figure.indicator, geography=figure.geography, limit=limit
            )
        return tuple(history_line(entry, read.unit) for entry in entries)


def _expecting(figure: ProposedFigure, held: Figure | None) -> ProposedFigure:
    return replace(figure, expected=held)


def store_refusal(figure: ProposedFigure, rules: FigureRules) -> FieldError | None:
    """The rules that need the store (data.figures.validation: a count no bigger than the children held for
    the place, and the rest again), as the officer's field error."""
    item = figure.observation(SOURCE, "preview")
    problem = rules.problem(item.indicator, item.geography, item.period, item.payload())
    return FieldError(FIELD_OF[problem.field], sentence(problem.reason)) if problem else None

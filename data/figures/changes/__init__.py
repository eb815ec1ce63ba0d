"""Officers' change sets: propose, apply, cancel, undo, and the history they leave (see data.figures.changes.sets)."""

from data.figures.changes.history import AuditEntry, ManualUpdate, audit_entries, manual_updates
from data.figures.changes.sets import (
    FIGURE_KINDS,
    ChangeRefused,
    ChangeSetInfo,
    Figure,
    FigureKey,
    ProposedFigure,
    apply,
    cancel,
    change_set,
    current_figures,
    last_applied,
    propose,
    propose_payload,
    settle,
)
from data.figures.changes.undo import UndoSummary, open_undo, parse_label, undo, undo_target

__all__ = [
    "FIGURE_KINDS",
    "AuditEntry",
    "ChangeRefused",
    "ChangeSetInfo",
    "Figure",
    "FigureKey",
    "ManualUpdate",
    "ProposedFigure",
    "UndoSummary",
    "apply",
    "audit_entries",
    "cancel",
    "change_set",
    "current_figures",
    "last_applied",
    "manual_updates",
    "open_undo",
    "parse_label",
    "propose",
    "propose_payload",
    "settle",
    "undo",
    "undo_target",
]

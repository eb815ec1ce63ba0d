"""Officers' change sets: propose, apply, cancel, undo, and the history they leave (see data.changes.sets)."""

from data.changes.history import AuditEntry, ManualUpdate, audit_entries, manual_updates
from data.changes.sets import (
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
)
from data.changes.undo import UndoSummary, parse_label, undo

__all__ = [
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
    "parse_label",
    "propose",
    "undo",
]

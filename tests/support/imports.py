"""The modules a Python file imports, read from its syntax tree (no import runs): the architecture rules and the
Teams token tests read imports the same way."""

from __future__ import annotations

import ast
from pathlib import Path


def imported_names(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return names

"""Where the tests' own files and the project live, wherever a test module sits in the tree."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SCHEMAS = TESTS / "schemas"

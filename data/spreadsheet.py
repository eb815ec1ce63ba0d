"""Text cells that are safe to open in a spreadsheet, and read back exactly.

A CSV cell whose first character is `=`, `+`, `-` or `@` (or a tab or carriage return) is read by Excel,
LibreOffice Calc and Google Sheets as a formula, so a note such as `=HYPERLINK("http://…","click")` stored from
a file or a chat runs when an officer opens the export. OWASP's advice (CSV Injection,
https://owasp.org/www-community/attacks/CSV_Injection; ASVS 5.0 requirement 1.2.10) is to prepend a single
quote to such a cell: spreadsheets then show it as text. We do that to text cells only (a number such as -3.5
is data, and a spreadsheet reads it as one).

The escape must read back to the same text, so a cell that already starts with an apostrophe gets one more:
escaping maps "=x" to "'=x" and "'x" to "''x", and reading removes one apostrophe only when another trigger
or apostrophe follows it. A hand-made file's "'Smith" (an apostrophe, then a letter) is kept as typed.
"""

from __future__ import annotations

# OWASP's list: equals, plus, minus, at, tab (0x09) and carriage return (0x0D).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def spreadsheet_safe(text: str) -> str:
    """The cell as written to a CSV: a leading apostrophe when a spreadsheet would read it as a formula."""
    return QUOTE + text if text.startswith((*FORMULA_STARTS, QUOTE)) else text


def from_spreadsheet(text: str) -> str:
    """The text `spreadsheet_safe` was given: its one added apostrophe removed."""
    if text.startswith(QUOTE) and text[1:].startswith((*FORMULA_STARTS, QUOTE)):
        return text[1:]
    return text

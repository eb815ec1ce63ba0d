"""The Government Analysis Function's accessible palette and a phone-readable house style."""

from __future__ import annotations

from charts.specs import ValueFormat

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
PALETTE = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE)
MUTED = "#BFBFBF"
GRID = "#E5E5E5"
TEXT = "#0B0C0C"
SECONDARY_TEXT = "#505A5F"

WIDTH_IN = 8.0
HEIGHT_IN = 5.0
DPI = 100  # 800 x 500 px: Slack shows it full width on a phone
TITLE_PT = 15
SUBTITLE_PT = 12
BODY_PT = 11  # nothing smaller: readable on a phone

RC = {
    "font.family": "DejaVu Sans",
    "font.size": BODY_PT,
    "axes.edgecolor": DARK_GREY,
    "axes.labelcolor": TEXT,
    "xtick.color": DARK_GREY,
    "ytick.color": DARK_GREY,
    "xtick.labelsize": BODY_PT,
    "ytick.labelsize": BODY_PT,
    "svg.hashsalt": "briefbot",
}


def value_text(value: float | None, value_format: ValueFormat) -> str:
    if value is None:
        return "suppressed"
    decimals = value_format.decimals
    if value_format.unit == "percent":
        return f"{value:,.{decimals}f}%"
    if value_format.unit == "money":
        return f"£{value / 1_000_000:,.1f}m" if abs(value) >= 1_000_000 else f"£{value:,.0f}"
    return f"{value:,.{decimals}f}"


def axis_text(value: float, value_format: ValueFormat) -> str:
    if value_format.unit == "percent":
        return f"{value:,.0f}%" if value == int(value) else f"{value:,.1f}%"
    if value_format.unit == "money":
        return f"£{value / 1_000_000:,.0f}m" if abs(value) >= 1_000_000 else f"£{value:,.0f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def value_with_unit(value: float, value_format: ValueFormat) -> str:
    text = value_text(value, value_format)
    return f"{text} per 10,000" if value_format.unit == "rate_per_10000" else text

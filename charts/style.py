"""The Government Analysis Function's accessible palette and a phone-readable house style."""

from __future__ import annotations

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

"""Reference lines on a bar chart (Leeds, England) with their labels above the plot, kept apart.

Labels sit in as few rows as keep them from touching, and no label lies across the line of one in a row above
it. Two lines close together (England 2,900,000 and the region 2,950,000) get their labels side by side, each
ending or starting at its own line, rather than one on top of the other's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.text import Annotation

from charts.specs import Reference, ValueFormat
from charts.style import BODY_PT, DPI, PALETTE
from charts.text import Measure

Side = Literal["center", "left", "right"]  # where the label's words sit against its line (matplotlib's ha)
BASE_PT = 3.0  # above the plot
GAP_PX = 3.0
POINTS_PER_PX = 72 / DPI
ROW_PX = BODY_PT / POINTS_PER_PX * 1.2 + GAP_PX  # one line of words (labels are never wrapped) and a gap
ARROW_FROM: dict[Side, tuple[float, float]] = {"center": (0.5, 0.0), "left": (0.0, 0.0), "right": (1.0, 0.0)}


@dataclass(frozen=True)
class Spot:
    row: int
    side: Side


@dataclass(frozen=True)
class _Placed:
    row: int
    left: float
    right: float
    x: float


class ReferenceLabels:
    def __init__(self, axes: Axes, references: tuple[Reference, ...], fmt: ValueFormat, measure: Measure) -> None:
        self.axes = axes
        self.measure = measure
        # Colours follow the order the spec gives; placement works left to right.
        coloured = sorted(
            ((reference, PALETTE[2 + index % 3]) for index, reference in enumerate(references)),
            key=lambda pair: pair[0].value,
        )
        self.references = [reference for reference, _ in coloured]
        self.colours = [colour for _, colour in coloured]
        self.texts = [f"{ref.label} {fmt.text(ref.value, decimals=ref.decimals)}" for ref in self.references]
        for reference, colour in zip(self.references, self.colours, strict=True):
            axes.axvline(reference.value, color=colour, linestyle="--", linewidth=1.6, zorder=4)
        self.spots = [Spot(0, "center") for _ in self.references]
        self.labels = [self._label(index) for index in range(len(self.references))]

    def arrange(self) -> bool:
        """Rows and sides for the plot's current width. True if any label moved."""
        spots = self._spots()
        if spots == self.spots:
            return False
        self.spots = spots
        for label in self.labels:
            label.remove()
        self.labels = [self._label(index) for index in range(len(self.references))]
        return True

    def _label(self, index: int) -> Annotation:
        spot, colour = self.spots[index], self.colours[index]
        return self.axes.annotate(
            self.texts[index],
            (self.references[index].value, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, BASE_PT + spot.row * ROW_PX * POINTS_PER_PX),
            textcoords="offset points",
            fontsize=BODY_PT,
            color=colour,
            va="bottom",
            ha=spot.side,
            annotation_clip=False,
            parse_math=False,
            arrowprops={
                "arrowstyle": "-",
                "color": colour,
                "linestyle": "--",
                "linewidth": 1.2,
                "relpos": ARROW_FROM[spot.side],
            },
        )

    def _spots(self) -> list[Spot]:
        xs = [float(self.axes.transData.transform((reference.value, 0.0))[0]) for reference in self.references]
        widths = [self.measure.width(text, BODY_PT) for text in self.texts]
        placed: list[_Placed] = []
        spots: list[Spot] = []
        for index, (x, width) in enumerate(zip(xs, widths, strict=True)):
            near_left = index > 0 and x - xs[index - 1] < (width + widths[index - 1]) / 2 + GAP_PX
            near_right = index + 1 < len(xs) and xs[index + 1] - x < (width + widths[index + 1]) / 2 + GAP_PX
            sides: list[Side] = ["center", "left", "right"]
            if near_right and not near_left:
                sides = ["right", "center", "left"]
            elif near_left and not near_right:
                sides = ["left", "center", "right"]
            options = [Spot(row, side) for row in range(len(placed) + 1) for side in sides]
            spot = next(
                (option for option in options if _free(placed, option.row, *_span(x, width, option.side), x)),
                # Lines too close for any row to keep clear of the other's line: a row above them all.
                Spot(max((other.row for other in placed), default=-1) + 1, "center"),
            )
            placed.append(_Placed(spot.row, *_span(x, width, spot.side), x))
            spots.append(spot)
        return spots


def _span(x: float, width: float, side: Side) -> tuple[float, float]:
    if side == "left":
        return x, x + width
    if side == "right":
        return x - width, x
    return x - width / 2, x + width / 2


def _free(placed: list[_Placed], row: int, left: float, right: float, x: float) -> bool:
    for other in placed:
        if other.row == row and left < other.right + GAP_PX and other.left < right + GAP_PX:
            return False
        if other.row < row and other.left <= x <= other.right:  # this label's line would cross that one
            return False
        if other.row > row and left <= other.x <= right:  # that label's line would cross this one
            return False
    return True

"""Direct labels at line ends: their wording and where they sit so they never print over each other.

Every label sits in one column right of the plot, as near the height its line ends at as it can be without
touching another: a line that stops early (a comparator held only to 2018) is not labelled mid-plot on top of
the others. Heights are measured from the drawn text, in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

from charts.style import BODY_PT
from charts.text import Measure

LABEL_PX = 180.0  # the widest a line-end label may be: the plot keeps most of the width
MAX_NAME_LINES = 3  # a name longer than this ends in an ellipsis (the alt text has it whole)
OFFSET_PX = 8.0  # from the plot's right edge
GAP_PX = 5.0  # between stacked labels


@dataclass(frozen=True)
class EndLabel:
    value: float  # where the line ends, in data units
    text: str
    colour: str


def line_label(measure: Measure, name: str, value: str) -> str:
    """A line's name and last figure: the name wrapped, the figure whole after its last line where it fits
    there, else on a line of its own."""
    lines = measure.wrap(name, LABEL_PX, BODY_PT, bold=True, max_lines=MAX_NAME_LINES).split("\n")
    last = f"{lines[-1]} {value}"
    if measure.width(last, BODY_PT, bold=True) <= LABEL_PX:
        return "\n".join([*lines[:-1], last])
    return "\n".join([*lines, value])


def spread(values: list[float], heights: list[float], ceiling: float, floor: float = float("-inf")) -> list[float]:
    """Centres for labels (lowest value first) as near their values as they can be without overlapping:
    pushed up off the floor and each other, then down from the ceiling where the stack would rise past it."""
    centres: list[float] = []
    for value, height in zip(values, heights, strict=True):
        lowest = centres[-1] + (heights[len(centres) - 1] + height) / 2 if centres else floor + height / 2
        centres.append(max(value, lowest))
    for index in reversed(range(len(centres))):
        centres[index] = min(centres[index], ceiling - heights[index] / 2)
        ceiling = centres[index] - heights[index] / 2
    return centres


class EndLabels:
    """The column of labels beside a plot. Drawn first where the layout can see how wide they are, placed once
    the plot has its final size."""

    def __init__(self, axes: Axes, labels: list[EndLabel]) -> None:
        self.axes = axes
        self.labels = sorted(labels, key=lambda label: (label.value, label.text))
        beside = offset_copy(axes.transAxes, x=OFFSET_PX, y=0, units="dots")
        self.texts: list[Text] = [
            axes.text(
                1.0,
                0.5,
                label.text,
                transform=beside,
                fontsize=BODY_PT,
                color=label.colour,
                fontweight="bold",
                va="center",
                ha="left",
                clip_on=False,
                parse_math=False,
            )
            for label in self.labels
        ]

    def height_needed(self, renderer: RendererBase) -> float:
        return sum(self._heights(renderer))

    def place(self, renderer: RendererBase) -> None:
        box = self.axes.bbox
        if not self.texts or box.height <= 0:
            return
        wanted = [float(self.axes.transData.transform((0.0, label.value))[1]) for label in self.labels]
        centres = spread(wanted, self._heights(renderer), ceiling=box.y1, floor=box.y0)
        for text, centre in zip(self.texts, centres, strict=True):
            text.set_y((centre - box.y0) / box.height)

    def _heights(self, renderer: RendererBase) -> list[float]:
        return [text.get_window_extent(renderer).height + GAP_PX for text in self.texts]

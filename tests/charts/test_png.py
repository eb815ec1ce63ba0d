"""The PNG bytes charts/png.py writes: valid to an independent decoder, pixel for pixel what was drawn."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from PIL import Image

from charts.examples import ALL
from charts.render import build_figure, render
from charts.style import DPI


def _decoded(png: bytes) -> Image.Image:
    checked = Image.open(io.BytesIO(png))
    checked.verify()  # chunk CRCs and structure; a verified image must be reopened to read pixels
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("kind", sorted(ALL))
def test_png_decodes_to_the_pixels_matplotlib_writes(kind: str) -> None:
    chart = render(ALL[kind])
    ours = _decoded(chart.png)
    # matplotlib's own PNG writer (through Pillow), from a fresh draw of the same laid-out figure.
    reference = io.BytesIO()
    build_figure(ALL[kind]).savefig(reference, format="png", dpi=DPI)
    theirs = Image.open(reference)
    assert ours.format == "PNG" and ours.mode == "RGB" and ours.size == theirs.size
    assert np.array_equal(np.asarray(ours), np.asarray(theirs.convert("RGB")))
    assert np.asarray(theirs)[..., 3].min() == 255  # opaque: dropping alpha loses nothing


def test_png_chunks_are_whole_and_checked() -> None:
    png = render(ALL["trend"]).png
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    position, kinds = 8, []
    while position < len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        kind, data = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        crc = int.from_bytes(png[position + 8 + length : position + 12 + length], "big")
        assert zlib.crc32(kind + data) == crc
        kinds.append(kind)
        position += 12 + length
    assert position == len(png) and kinds == [b"IHDR", b"IDAT", b"IEND"]


def test_held_axis_label_sits_where_matplotlib_would_put_it() -> None:
    figure = build_figure(ALL["trend"])
    axis = figure.axes[0].yaxis
    held = axis.label.get_position()
    figure.canvas.draw()
    axis._autolabelpos = True  # type: ignore[attr-defined]  # let matplotlib place it itself
    axis._update_label_position(figure.canvas.get_renderer())  # type: ignore[attr-defined]
    assert axis.label.get_position() == pytest.approx(held, abs=0.5)

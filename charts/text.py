"""Text measured as it will be drawn: wrapped to a width in pixels, not guessed in characters.

DejaVu Sans at 11 pt is about 6.5 px a character for "Leeds" and 9 px for "WWW"; a character count either clips
a title of capitals or leaves a short one half empty. The renderer that draws the PNG measures instead.
"""

from __future__ import annotations

from functools import lru_cache

from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties

from charts.style import DPI

ELLIPSIS = "…"


@lru_cache(maxsize=16)
def _font(size: float, bold: bool) -> FontProperties:
    return FontProperties(size=size, weight="bold" if bold else "normal")


# Widths by (text, size, bold, dpi): the same words recur in every chart ("per", "10,000", "Leeds"), and asking
# FreeType costs about a third of a millisecond each time.
_WIDTHS: dict[tuple[str, float, bool, float], float] = {}
_WIDTHS_KEPT = 20_000


class Measure:
    """Widths of single lines of text in pixels, at the figure's resolution.

    A line is measured as its words plus the spaces between them, each word measured once: wrapping a title
    tries a line for every word added to it, and the kerning across a space is a fraction of a pixel."""

    def __init__(self, renderer: RendererBase, dpi: float = DPI) -> None:
        """dpi: the renderer's, which the cached widths are for."""
        self._renderer = renderer
        self._dpi = dpi

    @property
    def renderer(self) -> RendererBase:
        return self._renderer

    def width(self, line: str, size: float, bold: bool = False) -> float:
        words = line.split(" ")
        return sum(self._measured(word, size, bold) for word in words) + (len(words) - 1) * self._measured(
            " ", size, bold
        )

    def _measured(self, text: str, size: float, bold: bool) -> float:
        key = (text, size, bold, self._dpi)
        if key not in _WIDTHS:
            if len(_WIDTHS) >= _WIDTHS_KEPT:
                _WIDTHS.clear()
            width, _, _ = self._renderer.get_text_width_height_descent(text, _font(size, bold), ismath=False)
            _WIDTHS[key] = float(width)
        return _WIDTHS[key]

    def widest(self, text: str, size: float, bold: bool = False) -> float:
        return max((self.width(line, size, bold) for line in text.split("\n")), default=0.0)

    def wrap(self, text: str, max_px: float, size: float, bold: bool = False, max_lines: int | None = None) -> str:
        """Lines no wider than max_px, broken between words (inside a word only when it alone is wider).
        Past max_lines the last line kept ends in an ellipsis: the full text is in the alt text."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            lines += self._wrap_paragraph(paragraph, max_px, size, bold)
        if max_lines is not None and len(lines) > max_lines:
            lines = [*lines[: max_lines - 1], self._shorten(lines[max_lines - 1], max_px, size, bold)]
        return "\n".join(lines)

    def _wrap_paragraph(self, paragraph: str, max_px: float, size: float, bold: bool) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, size, bold) <= max_px:
                current = candidate
                continue
            if current:
                lines.append(current)
            pieces = self._split_word(word, max_px, size, bold)
            lines += pieces[:-1]
            current = pieces[-1]
        return [*lines, current] if current or not lines else lines

    def _split_word(self, word: str, max_px: float, size: float, bold: bool) -> list[str]:
        """A word wider than the line (a long address, say) in pieces that fit."""
        pieces: list[str] = []
        current = ""
        for character in word:
            if current and self.width(current + character, size, bold) > max_px:
                pieces.append(current)
                current = ""
            current += character
        return [*pieces, current]

    def _shorten(self, line: str, max_px: float, size: float, bold: bool) -> str:
        words = line.split()
        while len(words) > 1 and self.width(" ".join(words) + ELLIPSIS, size, bold) > max_px:
            words.pop()
        return " ".join(words) + ELLIPSIS

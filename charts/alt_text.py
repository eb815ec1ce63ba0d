"""Alt text: what each chart shows, in words, values included."""

from __future__ import annotations

from charts.specs import ChartSpec, ComparisonChart, Series, TrendChart, TurnTheCurveChart, ValueFormat


def _series_words(series: Series, value_format: ValueFormat) -> str:
    points = ", ".join(
        f"{value_format.text(point.value, point.symbol, point.decimals)} ({point.label})" for point in series.points
    )
    return f"{series.name}: {points}"


def describe(spec: ChartSpec) -> str:
    if isinstance(spec, TrendChart):
        parts = [f"Line chart. {spec.title}. {spec.subtitle}."]
        parts += [_series_words(line, spec.value_format) + "." for line in spec.series]
        if spec.target is not None:
            parts.append(f"Target line at {spec.value_format.text(spec.target.value)} ({spec.target.label}).")
        parts += [f"{marker.label} from {marker.when.day} {marker.when:%b %Y}." for marker in spec.breaks]
    elif isinstance(spec, ComparisonChart):
        bars = "; ".join(
            f"{bar.label} {spec.value_format.text(bar.value, bar.symbol, bar.decimals)}"
            + (" (highlighted)" if bar.highlight else "")
            for bar in spec.bars
        )
        parts = [f"Bar chart. {spec.title}. {spec.subtitle}, highest first: {bars}."]
        parts += [
            f"Reference line: {ref.label} {spec.value_format.text(ref.value, decimals=ref.decimals)}."
            for ref in spec.references
        ]
    elif isinstance(spec, TurnTheCurveChart):
        parts = [
            f"Line chart. {spec.title}. {spec.subtitle}.",
            _series_words(spec.actual, spec.value_format) + ".",
            f"A dashed line projects the trend from {spec.baseline_from:%Y} to {spec.baseline_to:%Y} forward "
            f"({spec.projected_label}); the shaded gap between the lines is stated in children.",
        ]
    else:
        parts = [f"Stacked bar chart. {spec.title}. {spec.subtitle}."]
        for theme, counts in zip(spec.themes, spec.counts, strict=True):
            detail = ", ".join(f"{status} {count}" for status, count in zip(spec.statuses, counts, strict=True))
            parts.append(f"{theme}: {detail}.")
    parts.append(spec.source)
    return " ".join(parts)

"""Progress charts as PNG images (matplotlib, rendered without a display)."""

from __future__ import annotations

import io

# A bare Figure renders with the Agg canvas: no display and no pyplot global state.
from matplotlib.figure import Figure

from services import texts
from services.progress import SatkerProgress


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def ranking_chart(ranking: list[SatkerProgress], year: int) -> bytes:
    """Horizontal bars: every satker's completion, best at the top (at most 40 shown)."""
    shown = ranking[:40]
    figure = Figure(figsize=(8, 1.2 + 0.35 * len(shown)))
    axes = figure.subplots()
    names = [p.satker_name.replace("KPU ", "") for p in reversed(shown)]
    values = [p.percent for p in reversed(shown)]
    bars = axes.barh(names, values, color="#1F4E78")
    axes.bar_label(bars, labels=[f"{v:.0f}%" for v in values], padding=3, fontsize=8)
    axes.set_xlim(0, 110)
    axes.set_xlabel(texts.CHART_PERCENT)
    axes.set_title(texts.CHART_RANKING_TITLE.format(year=year))
    axes.tick_params(axis="y", labelsize=8)
    return _png(figure)


def satker_chart(progress: SatkerProgress, year: int) -> bytes:
    """Bars per area perubahan for one satker."""
    figure = Figure(figsize=(7, 3.5))
    axes = figure.subplots()
    areas = [a for a in progress.areas if a.total]
    bars = axes.bar([a.area_code for a in areas], [a.percent for a in areas], color="#2E75B6")
    axes.bar_label(bars, labels=[f"{a.percent:.0f}%" for a in areas], padding=2, fontsize=8)
    axes.set_ylim(0, 110)
    axes.set_ylabel(texts.CHART_PERCENT)
    axes.set_title(
        texts.CHART_SATKER_TITLE.format(
            name=progress.satker_name, year=year, percent=f"{progress.percent:.0f}%"
        )
    )
    return _png(figure)

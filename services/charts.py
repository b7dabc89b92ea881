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


REPORTED_COLOR = "#1F4E78"
VERIFIED_COLOR = "#70AD47"


def ranking_chart(ranking: list[SatkerProgress], year: int) -> bytes:
    """Horizontal bars: every satker's reported completion, and beside it (a thinner green
    bar) its verified completion; best at the top (at most 40 shown)."""
    shown = ranking[:40]
    figure = Figure(figsize=(8, 1.4 + 0.45 * len(shown)))
    axes = figure.subplots()
    names = [p.satker_name.replace("KPU ", "") for p in reversed(shown)]
    values = [p.percent for p in reversed(shown)]
    verified = [p.verified_percent for p in reversed(shown)]
    rows = list(range(len(shown)))
    bars = axes.barh(
        [r + 0.18 for r in rows], values, height=0.36, color=REPORTED_COLOR,
        label=texts.CHART_REPORTED,
    )  # fmt: skip
    checked = axes.barh(
        [r - 0.18 for r in rows], verified, height=0.36, color=VERIFIED_COLOR,
        label=texts.CHART_VERIFIED,
    )  # fmt: skip
    axes.bar_label(bars, labels=[f"{v:.0f}%" for v in values], padding=3, fontsize=8)
    axes.bar_label(checked, labels=[f"{v:.0f}%" for v in verified], padding=3, fontsize=7)
    axes.set_yticks(rows, names)
    axes.legend(loc="lower right", fontsize=8)
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
    columns = list(range(len(areas)))
    bars = axes.bar(
        [c - 0.2 for c in columns], [a.percent for a in areas], width=0.4, color="#2E75B6",
        label=texts.CHART_REPORTED,
    )  # fmt: skip
    checked = axes.bar(
        [c + 0.2 for c in columns], [a.verified_percent for a in areas], width=0.4,
        color=VERIFIED_COLOR, label=texts.CHART_VERIFIED,
    )  # fmt: skip
    axes.bar_label(bars, labels=[f"{a.percent:.0f}%" for a in areas], padding=2, fontsize=8)
    axes.bar_label(
        checked, labels=[f"{a.verified_percent:.0f}%" for a in areas], padding=2, fontsize=7
    )
    axes.set_xticks(columns, [a.area_code for a in areas])
    axes.legend(loc="upper right", fontsize=8)
    axes.set_ylim(0, 120)
    axes.set_ylabel(texts.CHART_PERCENT)
    axes.set_title(
        texts.CHART_SATKER_TITLE.format(
            name=progress.satker_name, year=year, percent=f"{progress.percent:.0f}%"
        )
    )
    return _png(figure)

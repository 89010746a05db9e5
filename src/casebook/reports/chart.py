"""The code-frequency chart as a PNG, drawn with matplotlib's Agg backend (loaded lazily).

No pyplot and no global state: a Figure drawn on its own Agg canvas, saved without
metadata, so the same counts give the same image.
"""

from __future__ import annotations

import io

from casebook.reports.model import Chart

MAX_LABEL = 48


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def figure_size(chart: Chart) -> tuple[float, float]:
    """Width and height of the drawn chart, in inches (taller with more codes)."""
    return 7.0, max(2.0, 0.2 * max(1, len(chart.bars)) + 0.9)


def render_chart(chart: Chart) -> bytes:
    """Horizontal bars, one per code, in report order, as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    bars = list(chart.bars) or [("(ingen koder)", 0)]
    figure = Figure(figsize=figure_size(chart), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    axes.barh(positions, [count for _, count in bars], color="#4c72b0")
    axes.set_yticks(positions, [_short(name) for name, _ in bars], fontsize=7)
    axes.set_ylim(len(bars) - 0.5, -0.5)
    axes.set_xlabel("Antall utdrag", fontsize=9)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    for position, (_, count) in zip(positions, bars, strict=True):
        axes.annotate(
            str(count), (count, position), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7
        )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()

"""A pair's timeline as a PNG: the tier over time as steps, each labelled with its words.

Needs the ``[charts]`` extra (matplotlib, drawn with the Agg backend, no display, no pyplot
state, so charts can be drawn from any thread). Without it :class:`ChartsUnavailable` is
raised and callers fall back to the text history.

What the chart shows:
- the pair's words over time as steps, at the height of their tier (unranked words at 0);
- when the two sides' words differ, each side's own steps, dashed;
- a marker per day and descriptor, sized by the number of articles, official sources in red.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from watchers.errors import ChartError, ChartsUnavailable
from watchers.history import PairStory, SourceMark, Step

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

STEP_LABEL = "step-label"
"""The ``gid`` of the text labelling each step of the pair's line (tests read them back)."""
SPEAKER_LABEL = "speaker-step-label"
"""The ``gid`` of the text labelling each step of one side's own line."""

WIDTH_INCHES, HEIGHT_INCHES, DPI = 10.0, 4.8, 100
OFFICIAL_COLOUR, OTHER_COLOUR = "#c0392b", "#7f8c8d"
SPEAKER_STYLES = ("#2471a3", "#d68910")


def charts_available() -> bool:
    """Whether the ``[charts]`` extra is installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def draw_chart(story: PairStory) -> Figure:
    """The story's timeline as a matplotlib figure (not yet rendered)."""
    try:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ChartsUnavailable(
            "charts need matplotlib: pip install 'partnership-watch[charts]'"
        ) from e
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    ax = figure.add_subplot()
    ax.set_title(f"{story.pair.label}: the words over time")
    if not story.steps:
        ax.text(0.5, 0.5, "no descriptor seen yet", ha="center", va="center",
                transform=ax.transAxes)  # fmt: skip
        ax.set_axis_off()
        return figure
    end = _end(story)
    _draw_steps(ax, story.steps, end, colour="#1c2833", width=2.2, gid=STEP_LABEL, label="words")
    for (code, steps), colour in zip(story.speaker_steps.items(), SPEAKER_STYLES, strict=False):
        name = story.pair.first.name if code == story.pair.first.code else story.pair.second.name
        _draw_steps(
            ax, steps, end, colour=colour, width=1.2, gid=SPEAKER_LABEL,
            label=f"said by {name}", dashed=True,
        )  # fmt: skip
    _draw_marks(ax, story.marks)
    _tier_axis(ax, story)
    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.legend(loc="best", fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return figure


def _end(story: PairStory) -> datetime:
    last = max([s.at for s in story.steps] + [m.at for m in story.marks])
    span = last - story.steps[0].at
    return last + max(span * 0.08, timedelta(days=1))


def _x(at: datetime) -> float:
    from matplotlib.dates import date2num

    return float(date2num(at))  # type: ignore[no-untyped-call]


def _y(height: float | None) -> float:
    return 0.0 if height is None else height


def _draw_steps(
    ax: Axes,
    steps: tuple[Step, ...],
    end: datetime,
    *,
    colour: str,
    width: float,
    gid: str,
    label: str,
    dashed: bool = False,
) -> None:
    xs = [_x(s.at) for s in steps] + [_x(end)]
    ys = [_y(s.height) for s in steps]
    ys.append(ys[-1])
    ax.step(xs, ys, where="post", color=colour, linewidth=width, label=label,
            linestyle="--" if dashed else "-")  # fmt: skip
    for s in steps:
        ax.annotate(
            s.descriptor, (_x(s.at), _y(s.height)), xytext=(3, 4 if not dashed else -11),
            textcoords="offset points", fontsize="small", color=colour, gid=gid,
        )  # fmt: skip


def _draw_marks(ax: Axes, marks: tuple[SourceMark, ...]) -> None:
    for official, colour, label in (
        (False, OTHER_COLOUR, "sources (by count)"),
        (True, OFFICIAL_COLOUR, "official sources"),
    ):
        chosen = [m for m in marks if m.official == official]
        if chosen:
            ax.scatter(
                [_x(m.at) for m in chosen], [_y(m.height) for m in chosen],
                s=[24 * m.count for m in chosen], color=colour, alpha=0.6, label=label,
                zorder=3, gid="official-sources" if official else "sources",
            )  # fmt: skip


def _tier_axis(ax: Axes, story: PairStory) -> None:
    ticks: dict[float, str] = {}
    for d in story.descriptors:
        if d.tier is not None and d.height is not None:
            ticks.setdefault(d.height, d.tier)
        elif d.height is None and any(s.height is None for s in story.steps):
            ticks.setdefault(0.0, "unranked")
    ax.set_yticks(list(ticks), list(ticks.values()), fontsize="small")
    low, high = min(ticks, default=0.0), max(ticks, default=1.0)
    ax.set_ylim(low - 0.6, high + 0.8)


def chart_png(story: PairStory) -> bytes:
    """The story's chart as PNG bytes."""
    figure = draw_chart(story)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def save_chart(story: PairStory, path: Path) -> None:
    """Write the story's chart to ``path`` as PNG."""
    data = chart_png(story)
    try:
        path.write_bytes(data)
    except OSError as e:
        raise ChartError(f"cannot write the chart to {path}: {e.strerror}") from e

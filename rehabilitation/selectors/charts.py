"""A person's trajectory as an inline SVG line chart: drawn on the server, so the page needs
no script (the CSP forbids inline ones) and prints as it shows."""

from __future__ import annotations

from dataclasses import dataclass

# Colour-blind-safe (Okabe–Ito).
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 36, 16, 12, 28


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    points: str
    dots: tuple[tuple[float, float, float], ...]


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    lines: tuple[Line, ...]
    x_labels: tuple[tuple[float, object, str], ...]  # (x, date, text-anchor)
    y_labels: tuple[tuple[float, int], ...]
    plot_left: int
    plot_right: int


def trajectory_chart(instrument, points) -> Chart:
    """One line per domain of `instrument` through its assessment points (oldest first)."""
    low, high = instrument.score_min, instrument.score_max
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + (span_x * i / (len(points) - 1) if len(points) > 1 else span_x / 2), 1)

    def y(value: float) -> float:
        return round(TOP + span_y * (high - value) / (high - low), 1)

    lines = []
    for n, domain in enumerate(instrument.domains):
        dots = tuple(
            (x(i), y(p.means[domain["code"]]), p.means[domain["code"]])
            for i, p in enumerate(points)
            if domain["code"] in p.means
        )
        lines.append(
            Line(
                label=domain["label"],
                colour=COLOURS[n % len(COLOURS)],
                points=" ".join(f"{dx},{dy}" for dx, dy, _v in dots),
                dots=dots,
            )
        )
    return Chart(
        title=instrument.name,
        width=WIDTH,
        height=HEIGHT,
        lines=tuple(lines),
        x_labels=tuple(
            (x(i), p.assessed_on, _anchor(i, len(points))) for i, p in enumerate(points)
        ),
        y_labels=tuple((y(v), v) for v in range(low, high + 1)),
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
    )


def _anchor(i: int, n: int) -> str:
    """The first and last dates lean inwards so that neither is cut at the chart's edge."""
    if n > 1 and i == 0:
        return "start"
    if n > 1 and i == n - 1:
        return "end"
    return "middle"

"""Accessible SVG charts drawn on the server, in GOV.UK colours (no Flask, no script).

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`
(a sentence with the key figures, written by the caller in the reader's language). Values
are written as text on or beside every bar, so nothing is told by colour alone, and the
page puts the figures' data table right after each chart: the picture is for seeing the
shape, the table is the truth for screen readers and for copying.

Every label (question labels and page titles come from definitions) goes through
markupsafe, so the result is `Markup` safe to put in a template as it is. Charts scale to
their column (viewBox, width 100%; app.css keeps them from growing past their drawn size),
so the text is 16px or more in a desktop two-thirds column; narrower screens shrink it, and
the table is there. No style attribute: the Content Security Policy forbids inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

# GOV.UK Frontend's palette.
BLUE = "#1d70b8"
DARK_BLUE = "#003078"
GREEN = "#00703c"
RED = "#d4351c"
ORANGE = "#f47738"
PURPLE = "#4c2c92"
BLACK = "#0b0c0c"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"

WIDTH = 640  # the drawing's width in viewBox units: 1 unit is 1 CSS px at full size
FONT = 19  # GOV.UK body text size
SMALL_FONT = 17  # the least any readable text gets (16px or more in a two-thirds column)
FONT_FAMILY = '"GDS Transport", arial, sans-serif'
LABEL_CHARS = 60  # a bar's label longer than this is cut (the table has it whole)


@dataclass(frozen=True)
class Bar:
    """One bar: what it counts, how many, and the value as written beside it ("1,204 (62%)")."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Column:
    """One week's column: its label ("2 Mar"), the value (None: nothing to draw, such as
    a week with no decisions) and the value as written above it."""

    label: str
    value: float | None
    text: str


def _svg(chart_id: str, title: str, desc: str, width: float, height: float, body: Markup) -> Markup:
    return Markup(
        '<svg class="app-chart" id="{id}" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' viewBox="0 0 {w} {h}" width="100%"'
        ' preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"'
        ' font-family="{font}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(
        id=chart_id,
        w=_n(width),
        h=_n(height),
        font=FONT_FAMILY,
        title=title,
        desc=desc,
        body=body,
    )


def _n(number: float) -> str:
    """A coordinate as short text (no 12.000000001)."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _cut(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _empty(chart_id: str, title: str, desc: str, empty: str) -> Markup:
    body = Markup(
        '<rect x="0" y="0" width="{w}" height="64" fill="{grey}"/>'
        '<text x="16" y="40" font-size="{size}" fill="{black}">{text}</text>'
    ).format(w=WIDTH, grey=LIGHT_GREY, size=FONT, black=BLACK, text=empty)
    return _svg(chart_id, title, desc, WIDTH, 64, body)


# A horizontal bar chart: each bar's label on its own line above the bar, the value
# written at the bar's end (inside a long bar would need a second colour rule: beside it
# is always readable).
BAR_LABEL = 26  # the label's line
BAR_HEIGHT = 28
BAR_GAP = 14
VALUE_ROOM = 150  # room kept right of the longest bar for its value


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    empty: str,
    colour: str = BLUE,
) -> Markup:
    """Horizontal bars, longest for the largest value, in the order given (a funnel's
    route order, most errors first...). `empty` is written when there are no bars."""
    if not bars:
        return _empty(chart_id, title, desc, empty)
    largest = max((bar.value for bar in bars), default=0) or 1
    room = WIDTH - VALUE_ROOM
    parts = []
    y = 0.0
    for bar in bars:
        length = max(0.0, bar.value) / largest * room
        parts.append(
            Markup(
                '<g class="app-chart__bar">'
                '<text x="0" y="{ly}" font-size="{size}" fill="{black}">{label}</text>'
                '<rect x="0" y="{by}" width="{bw}" height="{bh}" fill="{colour}"/>'
                '<text x="{vx}" y="{vy}" font-size="{size}" font-weight="bold" fill="{black}">'
                "{value}</text></g>"
            ).format(
                ly=_n(y + BAR_LABEL - 6),
                label=_cut(bar.label),
                by=_n(y + BAR_LABEL),
                bw=_n(length),
                bh=BAR_HEIGHT,
                colour=colour,
                vx=_n(length + 8),
                vy=_n(y + BAR_LABEL + BAR_HEIGHT - 7),
                value=bar.text,
                size=FONT,
                black=BLACK,
            )
        )
        y += BAR_LABEL + BAR_HEIGHT + BAR_GAP
    return _svg(chart_id, title, desc, WIDTH, y - BAR_GAP + 2, Markup("").join(parts))


# A weekly column chart: columns rise from a baseline, the value written above each one,
# the week under it; a target drawn as a dashed black line with its own label.
PLOT_TOP = 40  # room above the tallest column for its value and the target's label
PLOT_HEIGHT = 220
AXIS_ROOM = 36  # the week labels under the baseline
LEFT = 4
SLOT_FOR_VALUES = 40  # a column slot narrower than this has no room for its value
SLOT_FOR_LABEL = 56  # nor for a week label under each column: every nth gets one


def column_chart(
    chart_id: str,
    title: str,
    desc: str,
    columns: Sequence[Column],
    *,
    empty: str,
    target: float | None = None,
    target_text: str = "",
    top: float | None = None,
    colour: str = BLUE,
) -> Markup:
    """Columns, one per week, oldest first, scaled to `top` (or the largest value or the
    target, whichever is higher); with a target line when `target` is given."""
    drawn = [c.value for c in columns if c.value is not None]
    if not columns or not drawn:
        return _empty(chart_id, title, desc, empty)
    highest = top or max([*drawn, target or 0]) or 1
    slot = (WIDTH - LEFT) / len(columns)
    label_every = max(1, -(-SLOT_FOR_LABEL // int(slot)) if slot >= 1 else len(columns))
    baseline = PLOT_TOP + PLOT_HEIGHT

    def y_of(value: float) -> float:
        return baseline - min(value, highest) / highest * PLOT_HEIGHT

    parts = [
        Markup(
            '<line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="{black}" stroke-width="2"/>'
        ).format(y=baseline, w=WIDTH, black=BLACK)
    ]
    for index, column in enumerate(columns):
        x = LEFT + index * slot
        middle = x + slot / 2
        if column.value is not None:
            top_y = y_of(max(0.0, column.value))
            parts.append(
                Markup('<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"/>').format(
                    x=_n(x + slot * 0.15),
                    y=_n(top_y),
                    w=_n(slot * 0.7),
                    h=_n(baseline - top_y),
                    colour=colour,
                )
            )
        if slot >= SLOT_FOR_VALUES:
            value_y = (top_y if column.value is not None else baseline) - 6
            parts.append(
                Markup(
                    '<text x="{x}" y="{y}" font-size="{size}" font-weight="bold"'
                    ' text-anchor="middle" fill="{black}">{text}</text>'
                ).format(
                    x=_n(middle), y=_n(value_y), size=SMALL_FONT, black=BLACK, text=column.text
                )
            )
        if index % label_every == 0:
            parts.append(
                Markup(
                    '<text x="{x}" y="{y}" font-size="{size}" text-anchor="middle"'
                    ' fill="{black}">{label}</text>'
                ).format(
                    x=_n(middle),
                    y=baseline + AXIS_ROOM - 12,
                    size=SMALL_FONT,
                    black=BLACK,
                    label=_cut(column.label, 12),
                )
            )
    if target is not None:
        target_y = y_of(target)
        parts.append(
            Markup(
                '<g class="app-chart__target">'
                '<line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="{black}" stroke-width="3"'
                ' stroke-dasharray="10 6"/>'
                '<rect x="{tx}" y="{ry}" width="{tw}" height="24" fill="#ffffff" opacity="0.85"/>'
                '<text x="{tx2}" y="{ty}" font-size="{size}" font-weight="bold" text-anchor="end"'
                ' fill="{black}">{text}</text></g>'
            ).format(
                y=_n(target_y),
                w=WIDTH,
                black=BLACK,
                tx=_n(WIDTH - 12 - len(target_text) * 10),
                ry=_n(target_y - 28),
                tw=_n(len(target_text) * 10 + 12),
                tx2=WIDTH - 4,
                ty=_n(target_y - 10),
                size=SMALL_FONT,
                text=target_text,
            )
        )
    return _svg(chart_id, title, desc, WIDTH, baseline + AXIS_ROOM, Markup("").join(parts))

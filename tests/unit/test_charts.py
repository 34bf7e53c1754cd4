"""The dashboard's SVG charts: named and described for screen readers, drawn in proportion,
values written as text, and every label from a definition escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

from forms_service.performance.charts import BLUE, Bar, Column, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes" </text><a href="javascript:x">'


def parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))


def bar_widths(svg: Markup) -> list[float]:
    return [float(rect.get("width")) for rect in parse(svg).iter(f"{SVG}rect")]


def texts(svg: Markup) -> list[str]:
    return ["".join(t.itertext()) for t in parse(svg).iter(f"{SVG}text")]


def test_a_bar_chart_is_an_image_named_and_described():
    svg = bar_chart(
        "funnel-1",
        "Journeys reaching each page",
        "Of 200 journeys started, 150 reached check your answers.",
        [Bar("Start", 200, "200"), Bar("Check your answers", 150, "150 (75%)")],
        empty="No data",
    )
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "funnel-1-title funnel-1-desc"
    assert root.find(f"{SVG}title").get("id") == "funnel-1-title"
    assert root.find(f"{SVG}title").text == "Journeys reaching each page"
    assert root.find(f"{SVG}desc").get("id") == "funnel-1-desc"
    assert "150 reached" in root.find(f"{SVG}desc").text
    assert root.get("viewBox").startswith("0 0 640 ")
    assert root.get("width") == "100%"


def test_bars_are_in_proportion_and_in_the_order_given():
    svg = bar_chart(
        "c",
        "t",
        "d",
        [Bar("a", 100, "100"), Bar("b", 50, "50"), Bar("c", 0, "0"), Bar("d", 25, "25")],
        empty="No data",
    )
    widths = bar_widths(svg)
    assert widths[0] > 0
    assert widths[1] == widths[0] / 2
    assert widths[2] == 0
    assert widths[3] == widths[0] / 4
    # Each value is written as text, not told by the bar's length or colour alone.
    assert texts(svg) == ["a", "100", "b", "50", "c", "0", "d", "25"]


def test_a_long_label_is_cut_but_the_chart_keeps_its_size():
    svg = bar_chart("c", "t", "d", [Bar("word " * 40, 3, "3")], empty="No data")
    label = texts(svg)[0]
    assert len(label) <= 60 and label.endswith("…")


def test_hostile_labels_titles_and_values_are_escaped():
    svg = bar_chart(HOSTILE, HOSTILE, HOSTILE, [Bar(HOSTILE, 1, HOSTILE)], empty=HOSTILE)
    assert "<script>" not in svg and "<a " not in svg and "</text><a" not in svg
    root = parse(svg)  # still well-formed: nothing broke out of its element
    assert root.find(f"{SVG}title").text == HOSTILE
    assert root.find(f"{SVG}desc").text == HOSTILE
    weekly = column_chart(
        "w",
        HOSTILE,
        HOSTILE,
        [Column(HOSTILE, 2, HOSTILE)],
        empty=HOSTILE,
        target=1,
        target_text=HOSTILE,
    )
    assert "<script>" not in weekly and "<a " not in weekly
    assert HOSTILE in texts(weekly)


def test_no_bars_says_so():
    svg = bar_chart("c", "Errors", "No errors in this period.", [], empty="No data")
    assert texts(svg) == ["No data"]
    assert parse(svg).find(f"{SVG}title").text == "Errors"


def test_no_weeks_or_no_values_says_so():
    for columns in ([], [Column("2 Mar", None, "–")]):
        svg = column_chart("w", "Turnaround", "No decisions.", columns, empty="No data")
        assert texts(svg) == ["No data"]


def column_heights(svg: Markup) -> list[float]:
    return [
        float(rect.get("height"))
        for rect in parse(svg).iter(f"{SVG}rect")
        if rect.get("fill") == BLUE
    ]


def test_columns_are_in_proportion_with_the_target_drawn_and_labelled():
    svg = column_chart(
        "w",
        "Median working days to a decision, week by week",
        "Target 3 working days.",
        [Column("2 Mar", 2, "2"), Column("9 Mar", None, "–"), Column("16 Mar", 4, "4")],
        empty="No data",
        target=3,
        target_text="Target: 3 working days",
    )
    heights = column_heights(svg)
    assert heights == [heights[1] / 2, heights[1]]  # the week with no value has no column
    root = parse(svg)
    target = root.find(f"{SVG}g[@class='app-chart__target']")
    line = target.find(f"{SVG}line")
    assert line.get("stroke-dasharray")  # a pattern, not a colour, tells it apart
    baseline = float(root.find(f"{SVG}line").get("y1"))
    assert baseline - float(line.get("y1")) == heights[1] * 3 / 4
    assert "Target: 3 working days" in texts(svg)
    assert {"2 Mar", "9 Mar", "16 Mar", "2", "–", "4"} <= set(texts(svg))


def test_a_fixed_top_scales_shares_to_100_percent():
    svg = column_chart(
        "w", "t", "d", [Column("a", 0.5, "50%"), Column("b", 1, "100%")], empty="-", top=1
    )
    assert column_heights(svg) == [110, 220]


def test_a_year_of_weeks_keeps_labels_apart():
    columns = [Column(f"{n} Jan", n, str(n)) for n in range(53)]
    svg = column_chart("w", "t", "d", columns, empty="-")
    labels = [t for t in texts(svg) if t.endswith("Jan")]
    assert 5 < len(labels) < 53
    xs = [
        float(t.get("x"))
        for t in parse(svg).iter(f"{SVG}text")
        if "".join(t.itertext()).endswith("Jan")
    ]
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= 56


def test_readable_text_is_at_least_16px():
    svg = bar_chart("c", "t", "d", [Bar("a", 1, "1")], empty="-") + column_chart(
        "w", "t", "d", [Column("a", 1, "1")], empty="-", target=1, target_text="Target"
    )
    sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', str(svg))]
    assert sizes and min(sizes) >= 16

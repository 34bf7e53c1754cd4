"""The journey map of a definition, without Flask: what an author sees drawn, in the order
the route asks it, with their own conditions on the arrows, and nothing they write able to
break out of a label."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from forms_service.definitions.loader import load_definitions
from forms_service.journey.map import (
    MapRepeat,
    RenderFailed,
    dot_source,
    inline_svg,
    journey_map,
    render,
)

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "form_definitions"
FIXTURES = ROOT / "tests" / "fixtures" / "contract"
SVG = "{http://www.w3.org/2000/svg}"


def load(path: Path):
    forms, problems = load_definitions([path], [])
    assert not problems, problems
    (form,) = forms.values()
    return form


def edges_by_title(journey):
    """Each arrow as (from, to, label), naming nodes by their page titles."""
    names = {p.node: p.title for p in journey.pages}
    names.update({r.node: f"add another {r.item_name}" for r in journey.repeats})
    return [(names.get(e.tail, e.tail), names.get(e.head, e.head), e.label) for e in journey.edges]


def test_an_exit_page_is_red_and_says_so_in_words():
    journey = journey_map(load(FORMS / "prison-visit-booking.yaml"))
    (exit_page,) = [p for p in journey.pages if p.is_exit]
    source = dot_source(journey).source
    line = next(line for line in source.splitlines() if line.strip().startswith(exit_page.node))
    assert 'color="#d4351c"' in line
    assert "Exit page: the journey ends here" in line


def test_conditions_are_on_the_arrows_as_the_author_wrote_them():
    path = FORMS / "prison-visit-booking.yaml"
    yaml = path.read_text()
    journey = journey_map(load(path))
    edges = edges_by_title(journey)
    condition = "prison in ['bronzefield', 'dovegate', 'oakwood', 'parc', 'thameside']"
    assert f'when: "{condition}"' in yaml
    assert ("Who are you visiting?", "This prison is not available", condition) in edges
    # The other way past the exit page: "otherwise", to the next page the route asks.
    assert ("Who are you visiting?", "When do you want to visit?", "otherwise") in edges
    # A conditional question page: into it with its condition, and around it.
    assert ("Second choice", "Third choice", "answered(visit_date_2)") in edges
    assert ("Second choice", "Visitor details", "otherwise") in edges
    # Nothing comes out of an exit page: the journey ends there.
    exit_node = next(p.node for p in journey.pages if p.is_exit)
    assert not [e for e in journey.edges if e.tail == exit_node]


def test_pages_are_in_the_order_the_route_asks_them():
    form = load(FORMS / "prison-visit-booking.yaml")
    journey = journey_map(form)
    expected = [page.id for page, _ in form.every_page() if not page.is_repeat]
    assert [p.page_id for p in journey.pages] == expected
    assert journey.edges[0].tail == "start"
    assert [e.head for e in journey.edges[-3:]] == ["declaration", "submit", "confirmation"]


def test_a_repeat_is_a_group_with_its_add_another_loop():
    journey = journey_map(load(FORMS / "prison-visit-booking.yaml"))
    (repeat,) = journey.repeats
    assert isinstance(repeat, MapRepeat) and repeat.item_name == "visitor"
    loops = [e for e in journey.edges if e.kind == "loop"]
    assert [(e.tail, e.head, e.label) for e in loops] == [
        (repeat.node, repeat.pages[0].node, "Yes")
    ]
    assert any(e.tail == repeat.node and e.label == "No" for e in journey.edges)
    source = dot_source(journey).source
    cluster = source[source.index(f"subgraph cluster_{repeat.node}") :]
    cluster = cluster[: cluster.index("}")]
    assert "Asked for each visitor" in cluster
    assert "Do you need to add another visitor?" in cluster
    assert repeat.pages[0].node in cluster


def test_a_repeat_with_no_minimum_asks_add_another_first():
    form = load(FIXTURES / "witness-expenses.yaml")
    journey = journey_map(form)
    for repeat in journey.repeats:
        source = next(p for p in form.pages if p.id == repeat.page_id)
        into = [
            e
            for e in journey.edges
            if e.head in (repeat.node, repeat.pages[0].node)
            and e.kind != "loop"
            and e.tail not in {p.node for p in repeat.pages}
        ]
        expected = repeat.node if source.min_items < 1 else repeat.pages[0].node
        assert into and all(e.head == expected for e in into)


def test_task_list_sections_are_clusters_reached_from_the_task_list():
    form = load(FIXTURES / "fine-instalments.yaml")
    journey = journey_map(form)
    assert journey.task_list
    assert [t.section_id for t in journey.tasks] == [s.id for s in form.sections]
    source = dot_source(journey).source
    for task in journey.tasks:
        assert f"subgraph {task.node}" in source
        assert task.title in source
        first = task.steps[0].entry
        assert any(e.tail == "task_list" and e.head == first for e in journey.edges)
    assert any(
        e.tail == "task_list" and e.head == "check_answers" and e.label == "every task completed"
        for e in journey.edges
    )


@pytest.mark.parametrize(
    "path",
    sorted(FORMS.glob("*.yaml")) + sorted(FIXTURES.glob("*.yaml")),
    ids=lambda p: p.stem,
)
def test_every_form_draws_an_accessible_svg(path):
    form = load(path)
    svg = render(journey_map(form)).decode("utf-8")
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "journey-map-title journey-map-desc"
    title, desc = root[0], root[1]
    assert title.tag == f"{SVG}title" and title.text == f"Journey map: {form.title.pick('en')}"
    assert desc.tag == f"{SVG}desc" and desc.text.startswith(
        f"Journey map of {form.title.pick('en')}. Pages: "
    )
    # A strict CSP (style-src 'self') blocks style attributes and elements: there are none.
    assert " style=" not in svg and "<style" not in svg and "<script" not in svg
    assert inline_svg(svg).startswith("<svg")


NASTY = r"""<script>alert("x")</script> {"a": 1} \N \G \l back\slash " ] -> x; }"""

HOSTILE = """\
id: hostile
version: 1
title: 'Title </title><script>alert(1)</script>'
sections:
  - {id: s1, title: 'Section "one" }} subgraph { x'}
pages:
  - id: first
    section: s1
    title: 'Page {"{"}'
    questions:
      - id: who
        type: text
        label: '%s'
  - id: stop
    section: s1
    type: exit
    when: "who == 'a\\\\b \\"c\\" <d>'"
    title: 'Exit <img src=x onerror=alert(1)>'
    body: Stop.
"""


def test_no_author_text_can_inject_dot_svg_or_html(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE % NASTY.replace("'", "''"))
    forms, problems = load_definitions([path], [])
    assert not problems, problems
    form = forms["hostile"]
    journey = journey_map(form)
    svg = render(journey).decode("utf-8")
    root = ET.fromstring(svg.encode("utf-8"))  # well-formed: nothing broke out of a text
    # Every node and arrow drawn is one we made, and no more (an injected node or edge would
    # add one), and every text comes out whole.
    nodes = root.findall(f".//{SVG}g[@class='node']")
    assert {n.find(f"{SVG}title").text for n in nodes} == {
        "start",
        "check_answers",
        "submit",
        "confirmation",
        *(p.node for p in journey.pages),
    }
    assert len(root.findall(f".//{SVG}g[@class='edge']")) == len(journey.edges)
    assert "<script" not in svg and "<img" not in svg
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert '<script>alert("x")</script>' in texts
    assert "\\N \\G \\l back\\slash" in texts  # not the node's name, nor a line break
    assert "Exit <img src=x onerror=alert(1)>" in texts
    when = form.page("stop").when.source
    assert when == "who == 'a\\b \"c\" <d>'"
    assert when in texts  # on its arrow, as written
    assert re.search(r"<title[^>]*>Journey map: Title &lt;/title&gt;&lt;script&gt;", svg)


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><g onload="alert(1)"></g></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><text style="x">a</text></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="https://example.com">a</a></svg>',
        "<svg><g>",
    ],
)
def test_an_svg_with_anything_dot_does_not_draw_is_not_put_in_a_page(svg):
    with pytest.raises(RenderFailed):
        inline_svg(svg)

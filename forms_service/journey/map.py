"""The journey map of a form: every way through it, for authors to look at. No Flask here.

`journey_map(form)` turns a definition into a graph whose order follows the route
(journey/route.py): a page whose `when` is false is skipped, an exit page ends the journey,
a repeat is asked once per item and then "Do you need to add another ...?", and in a
task-list form the pages before the first section come first, then each section is a task
done from the task list. Edges into a conditional page carry its `when` exactly as the
author wrote it; an "otherwise" edge skips it.

The same map is drawn by Graphviz (`render`, for `forms-service map` and the staff page)
and listed as a nested outline on the staff page, for people who cannot see the picture.
Author texts are taken in English; every label is escaped for DOT (never an HTML-like
label), so no definition can inject DOT, SVG or HTML.
"""

from __future__ import annotations

import html
import re
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

import graphviz
from graphviz.backend import dot_command

from forms_service.definitions.model import Form, Page, Question, Text
from forms_service.question_types.base import N_

FORMATS = ("svg", "png", "pdf")
RENDER_SECONDS = 10  # a map of a large form takes well under a second

# What the edges say (gettext'd by whoever builds the map for a page).
OTHERWISE = N_("otherwise")
YES = N_("Yes")
NO = N_("No")
ALL_TASKS = N_("every task completed")

EXIT_RED = "#d4351c"  # GOV.UK error colour; exit pages also say so in words
BLUE = "#1d70b8"


class GraphvizMissing(RuntimeError):
    """The `dot` program is not installed: the picture cannot be drawn."""


class RenderFailed(RuntimeError):
    """`dot` failed or took too long."""


@dataclass(frozen=True)
class MapPage:
    """A page on the map: questions, content, or an exit that ends the journey."""

    node: str  # the node's name in the graph
    page_id: str
    kind: str  # "questions", "content" or "exit"
    title: str
    questions: tuple[str, ...]
    when: str | None  # the author's own `when`, as written

    @property
    def is_exit(self) -> bool:
        return self.kind == "exit"

    @property
    def entry(self) -> str:
        return self.node


@dataclass(frozen=True)
class MapRepeat:
    """An "add another" group: its pages once per item, then the add-another question."""

    node: str  # the add-another question's node
    page_id: str
    title: str
    item_name: str
    when: str | None
    min_items: int
    max_items: int | None
    pages: tuple[MapPage, ...]

    is_exit = False

    @property
    def entry(self) -> str:
        # With no item needed, the route asks "Do you need to add ...?" before any item.
        return self.pages[0].entry if self.min_items >= 1 and self.pages else self.node


@dataclass(frozen=True)
class MapSection:
    """Pages grouped under a section of the form (a task of a task list), or not (None)."""

    node: str  # the cluster's name
    section_id: str | None
    title: str | None
    steps: tuple[MapPage | MapRepeat, ...]


@dataclass(frozen=True)
class Edge:
    tail: str
    head: str
    label: str = ""
    kind: str = ""  # "", "skip" (otherwise) or "loop" (add another)


@dataclass(frozen=True)
class JourneyMap:
    form_id: str
    title: str
    task_list: bool
    start: bool
    blocks: tuple[MapSection, ...]  # in order; in a task list, the tasks after the preamble
    check_answers: bool
    declaration: str | None  # its first words, or "" for a declaration with no body
    confirmation: str
    edges: tuple[Edge, ...] = field(default_factory=tuple)

    @property
    def pages(self) -> list[MapPage]:
        found: list[MapPage] = []
        for block in self.blocks:
            for step in block.steps:
                found += list(step.pages) if isinstance(step, MapRepeat) else [step]
        return found

    @property
    def repeats(self) -> list[MapRepeat]:
        return [s for b in self.blocks for s in b.steps if isinstance(s, MapRepeat)]

    @property
    def preamble(self) -> tuple[MapSection, ...]:
        """The blocks before the task list (all of them in a form without one)."""
        return tuple(b for b in self.blocks if not (self.task_list and b.section_id))

    @property
    def tasks(self) -> tuple[MapSection, ...]:
        return tuple(b for b in self.blocks if self.task_list and b.section_id)


# -- building the map ---------------------------------------------------------------------------


def journey_map(form: Form, gettext: Callable[[str], str] = lambda s: s) -> JourneyMap:
    """The map of every way through `form` (structural words through `gettext`)."""
    names = _Names()
    task_list = form.navigation == "task_list"
    blocks = _blocks(form, names, task_list)
    edges = _Edges(gettext)
    ends: list[tuple[str, str]] = [("start", "")]
    for block in blocks:
        if task_list and block.section_id:
            continue
        ends = edges.chain(block.steps, ends)
    if task_list and any(b.section_id for b in blocks):
        # Each task starts from the task list and goes back to it when done (not drawn: a
        # return arrow per task only hides the tasks); the check answers step opens once
        # every task is completed.
        edges.join(ends, "task_list")
        for block in blocks:
            if block.section_id:
                edges.chain(block.steps, [("task_list", "")])
        ends = [("task_list", gettext(ALL_TASKS))]
    edges.join(ends, "check_answers")
    after = "check_answers"
    if form.declaration is not None:
        edges.add(after, "declaration")
        after = "declaration"
    edges.add(after, "submit")
    edges.add("submit", "confirmation")
    declaration = None
    if form.declaration is not None:
        declaration = _english(form.declaration.body) or ""
    confirmation = form.confirmation.title if form.confirmation else None
    return JourneyMap(
        form_id=form.id,
        title=_english(form.title) or form.id,
        task_list=task_list,
        start=form.start is not None,
        blocks=blocks,
        check_answers=form.check_answers,
        declaration=declaration,
        confirmation=_english(confirmation) or gettext("Application complete"),
        edges=tuple(edges.edges),
    )


class _Names:
    """Node names of our own (never an author's id: nothing of theirs reaches DOT unquoted)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"


def _blocks(form: Form, names: _Names, task_list: bool) -> tuple[MapSection, ...]:
    """The form's pages grouped by section: in a task list each section once (its pages in
    order, as tasks are walked); otherwise each run of pages of one section."""
    blocks: list[tuple[str | None, list]] = []
    for page in form.pages:
        section, step = page.section, _step(page, names)
        task = next((b for b in blocks if b[0] == section), None) if task_list else None
        if section is not None and task is not None:
            task[1].append(step)  # a task's pages are walked together, wherever they are
        elif blocks and blocks[-1][0] == section:
            blocks[-1][1].append(step)
        else:
            blocks.append((section, [step]))
    result = []
    for section_id, block_steps in blocks:
        section = form.section(section_id)
        title = _english(section.title) if section is not None else None
        result.append(MapSection(names("cluster_"), section_id, title, tuple(block_steps)))
    return tuple(result)


def _step(page: Page, names: _Names) -> MapPage | MapRepeat:
    when = page.when.source if page.when is not None else None
    if page.is_repeat:
        item = _english(page.item_name) or "item"
        inner = tuple(_page(p, names) for p in page.pages)
        title = _english(page.title) or item
        return MapRepeat(
            names("add_another_"),
            page.id,
            title,
            item,
            when,
            page.min_items,
            page.max_items,
            inner,
        )
    return _page(page, names)


def _page(page: Page, names: _Names) -> MapPage:
    asked = list(page.all_questions())
    title = _english(page.title)
    heading = page.heading_question
    if title is None and heading is not None:  # its one question is the page's heading
        title = _english(heading.label)
        asked = [(q, parent, option) for q, parent, option in asked if q is not heading]
    questions = tuple(_label(q, parent, option) for q, parent, option in asked)
    if title is None and not questions and page.body is not None:
        title = textwrap.shorten(_english(page.body) or "", 80, placeholder="…") or None
    return MapPage(
        names("page_"),
        page.id,
        page.kind,
        title or page.id,
        questions,
        page.when.source if page.when is not None else None,
    )


def _label(question: Question, parent: Question | None, option) -> str:
    label = _english(question.label) or question.id
    if parent is not None and option is not None:
        chosen = _english(option.label) or option.value
        return f"{label} (if “{chosen}” is chosen)"
    return label


def _english(text: Text | None) -> str | None:
    """A text as the author wrote it in English (its default variant), on one line."""
    if text is None:
        return None
    return " ".join(text.pick("en").split()) or None


class _Edges:
    """The arrows, without repeats: a set that keeps the order they were added in."""

    def __init__(self, gettext: Callable[[str], str]) -> None:
        self.edges: list[Edge] = []
        self.gettext = gettext

    def add(self, tail: str, head: str, label: str = "", kind: str = "") -> None:
        edge = Edge(tail, head, label, kind)
        if edge not in self.edges:
            self.edges.append(edge)

    def join(self, ends: list[tuple[str, str]], head: str, kind: str = "") -> None:
        for tail, label in ends:
            self.add(tail, head, label, kind or ("skip" if label == self.otherwise else ""))

    @property
    def otherwise(self) -> str:
        return self.gettext(OTHERWISE)

    def combine(self, pending: str, when: str | None) -> str:
        """The label of an arrow that was `pending` and goes into a page asked `when`."""
        if when is None:
            return pending
        if pending in ("", self.otherwise):
            return when
        if pending in (self.gettext(YES), self.gettext(NO)):
            return f"{pending}: {when}"
        return f"({pending}) and ({when})"  # into a repeat asked only sometimes, then a page

    def chain(self, steps, ends: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Draw the arrows through `steps` from the open `ends` (node, label of the arrow
        leaving it); return the open ends after them."""
        for step in steps:
            incoming = [(tail, self.combine(pending, step.when)) for tail, pending in ends]
            if isinstance(step, MapRepeat):
                self._repeat(step, incoming)
                leaving = [(step.node, self.gettext(NO))]
            else:
                self.join(incoming, step.node)
                leaving = [(step.node, "")]
            if step.is_exit:
                leaving = []  # the journey ends here
            if step.when is not None:
                leaving += [(tail, self.otherwise) for tail, _ in ends]
            ends = leaving
        return ends

    def _repeat(self, repeat: MapRepeat, incoming: list[tuple[str, str]]) -> None:
        if repeat.min_items >= 1:  # straight into the first item
            self.join(self.chain(repeat.pages, incoming), repeat.node)
        else:  # "Do you need to add ...?" before any item
            self.join(incoming, repeat.node)
        first = len(self.edges)
        ends = self.chain(repeat.pages, [(repeat.node, self.gettext(YES))])
        for index in range(first, len(self.edges)):
            edge = self.edges[index]
            if edge.tail == repeat.node:  # the add-another loop
                self.edges[index] = Edge(edge.tail, edge.head, edge.label, "loop")
        self.join(ends, repeat.node)


# -- drawing it ---------------------------------------------------------------------------------


def describe(journey: JourneyMap, gettext: Callable[[str], str] = lambda s: s) -> str:
    """One sentence about the map, for the SVG's <desc> (and the page)."""
    pages = journey.pages
    exits = sum(1 for p in pages if p.is_exit)
    parts = gettext(
        "Journey map of %(title)s. Pages: %(pages)d, of which exit pages: %(exits)d. "
        "Groups asked for each item: %(repeats)d. Sections: %(sections)d."
    ) % {
        "title": journey.title,
        "pages": len(pages),
        "exits": exits,
        "repeats": len(journey.repeats),
        "sections": sum(1 for b in journey.blocks if b.section_id),
    }
    return (
        parts
        + " "
        + gettext(
            "Arrows into a page that is asked only sometimes are labelled with its condition; "
            "an arrow labelled otherwise skips it. Exit pages, in red, end the journey."
        )
    )


def dot_source(
    journey: JourneyMap, gettext: Callable[[str], str] = lambda s: s
) -> graphviz.Digraph:
    """The map as a Graphviz graph."""
    graph = graphviz.Digraph(
        name=journey.form_id,
        graph_attr={
            "rankdir": "TB",
            "fontname": "Helvetica",
            "nodesep": "0.4",
            "ranksep": "0.5",
            "label": _escaped([journey.title]),
            "labelloc": "t",
            "fontsize": "20",
        },
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fillcolor": "#ffffff",
            "color": "#0b0c0c",
            "fontname": "Helvetica",
            "fontsize": "11",
        },
        edge_attr={"fontname": "Helvetica", "fontsize": "10", "color": "#505a5f"},
    )
    fixed = {"shape": "box", "style": "rounded,filled", "fillcolor": "#d2e2f1", "color": BLUE}
    if journey.start:
        graph.node("start", _escaped([gettext("Start page")]), **{**fixed, "shape": "oval"})
    else:
        graph.node("start", _escaped([gettext("Start")]), **{**fixed, "shape": "oval"})
    for block in journey.preamble:
        _block(graph, block, gettext)
    if journey.tasks:
        graph.node("task_list", _escaped([gettext("Task list")]), **fixed)
        for block in journey.tasks:
            _block(graph, block, gettext)
    check = gettext("Check your answers") if journey.check_answers else gettext("Send your answers")
    graph.node("check_answers", _escaped([check]), **fixed)
    if journey.declaration is not None:
        lines = [gettext("Declaration")]
        if journey.declaration:
            lines.append(textwrap.shorten(journey.declaration, 120, placeholder="…"))
        graph.node("declaration", _escaped(lines), **fixed)
    graph.node("submit", _escaped([gettext("Submit")]), **fixed)
    graph.node(
        "confirmation",
        _escaped([gettext("Confirmation page"), journey.confirmation]),
        **{**fixed, "shape": "oval"},
    )
    for edge in journey.edges:
        attrs = {}
        if edge.label:
            attrs["label"] = _escaped([edge.label], width=36)
        if edge.kind == "skip":
            attrs["style"] = "dashed"
        elif edge.kind == "loop":
            attrs["constraint"] = "false"
            attrs["color"] = BLUE
        graph.edge(edge.tail, edge.head, **attrs)
    return graph


def _block(graph: graphviz.Digraph, block: MapSection, gettext) -> None:
    if block.section_id is None:
        _steps(graph, block.steps, gettext)
        return
    with graph.subgraph(name=block.node) as cluster:
        cluster.attr(
            label=_escaped([block.title or block.section_id]),
            style="rounded",
            color=BLUE,
            fontsize="14",
        )
        _steps(cluster, block.steps, gettext)


def _steps(graph: graphviz.Digraph, steps, gettext) -> None:
    for step in steps:
        if isinstance(step, MapRepeat):
            with graph.subgraph(name=f"cluster_{step.node}") as cluster:
                cluster.attr(
                    label=_escaped([gettext("Asked for each %(item)s") % {"item": step.item_name}]),
                    style="dashed",
                    color=BLUE,
                    fontsize="12",
                )
                for page in step.pages:
                    _page_node(cluster, page, gettext)
                question = gettext("Do you need to add another %(item)s?") % {
                    "item": step.item_name
                }
                cluster.node(
                    step.node,
                    _escaped([question]),
                    shape="diamond",
                    style="filled",
                    fillcolor="#ffffff",
                )
        else:
            _page_node(graph, step, gettext)


def _page_node(graph: graphviz.Digraph, page: MapPage, gettext) -> None:
    lines = [page.title]
    if page.is_exit:
        lines = [gettext("Exit page: the journey ends here"), page.title]
        graph.node(
            page.node,
            _escaped(lines),
            color=EXIT_RED,
            fillcolor="#f6d7d2",
            penwidth="2",
            fontcolor="#0b0c0c",
        )
        return
    lines += [f"• {q}" for q in page.questions]
    graph.node(page.node, _escaped(lines))


def _escaped(lines: list[str], width: int = 44) -> str:
    """A DOT label of these lines, left-aligned and wrapped: each author text has its
    backslashes doubled and is never taken as an HTML-like label (graphviz.escape); the
    quoting of the graphviz package escapes its double quotes."""
    wrapped = []
    for line in lines:
        wrapped += textwrap.wrap(" ".join(line.split()), width) or [""]
    return graphviz.escape("\n".join(wrapped)).replace("\n", "\\l") + "\\l"


# -- rendering ----------------------------------------------------------------------------------


def render(
    journey: JourneyMap,
    fmt: str = "svg",
    gettext: Callable[[str], str] = lambda s: s,
    timeout: float = RENDER_SECONDS,
) -> bytes:
    """The map drawn by Graphviz's `dot` in `fmt` (svg, png or pdf); an SVG has a <title>
    and a <desc> and is labelled for assistive technology."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    source = dot_source(journey, gettext).source.encode("utf-8")
    command = dot_command.command("dot", fmt)
    try:
        done = subprocess.run(  # noqa: S603 (our own command line; the DOT goes to stdin)
            command, input=source, capture_output=True, timeout=timeout
        )
    except FileNotFoundError:
        raise GraphvizMissing("dot") from None
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"dot took longer than {timeout:g} s") from None
    if done.returncode != 0:
        raise RenderFailed(done.stderr.decode("utf-8", "replace").strip()[:500])
    if fmt != "svg":
        return done.stdout
    return labelled_svg(done.stdout.decode("utf-8"), journey, gettext).encode("utf-8")


SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def labelled_svg(svg: str, journey: JourneyMap, gettext: Callable[[str], str] = lambda s: s) -> str:
    """The SVG with its own title and description first, named by them (role="img")."""
    title = gettext("Journey map: %(title)s") % {"title": journey.title}
    found = SVG_OPEN.search(svg)
    if found is None:
        raise RenderFailed("dot wrote no <svg> element")
    opening = found.group(0)[:-1].rstrip("/")
    opening += ' role="img" aria-labelledby="journey-map-title journey-map-desc">'
    label = (
        f'<title id="journey-map-title">{html.escape(title)}</title>'
        f'<desc id="journey-map-desc">{html.escape(describe(journey, gettext))}</desc>'
    )
    return svg[: found.start()] + opening + label + svg[found.end() :]


# What Graphviz's SVG for our graphs is made of. Anything else (a script, an event handler,
# a link, a style) did not come from dot, so the SVG is not put into a page.
SVG_ELEMENTS = frozenset(
    {"svg", "g", "title", "desc", "polygon", "polyline", "path", "ellipse", "text"}
)
SVG_ATTRIBUTES = frozenset(
    {
        "width",
        "height",
        "viewBox",
        "xmlns",
        "role",
        "aria-labelledby",
        "id",
        "class",
        "transform",
        "fill",
        "stroke",
        "points",
        "d",
        "cx",
        "cy",
        "rx",
        "ry",
        "x",
        "y",
        "text-anchor",
        "font-family",
        "font-size",
        "font-weight",
        "stroke-width",
        "stroke-dasharray",
        "fill-opacity",
        "stroke-opacity",
    }
)


def inline_svg(svg: str) -> str:
    """The SVG ready to put inside an HTML page: no XML prolog, doctype or comments, and
    only the elements and attributes dot draws with (RenderFailed otherwise)."""
    found = SVG_OPEN.search(svg)
    body = svg[found.start() :] if found else svg
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S).strip()
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 (dot's output, its doctype cut off)
    except ElementTree.ParseError as error:
        raise RenderFailed(f"dot wrote SVG that does not parse: {error}") from None
    for element in root.iter():
        tag = element.tag.rpartition("}")[2]
        names = {name.rpartition("}")[2] for name in element.attrib}
        if tag not in SVG_ELEMENTS or names - SVG_ATTRIBUTES:
            raise RenderFailed(f"unexpected <{tag}> or attribute in dot's SVG")
    return body

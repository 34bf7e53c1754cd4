"""The routes through a form, for the dashboard's funnels: each a sequence of page ids from
the first page to check your answers, read off the journey map's graph
(journey/map.py). Exit pages end a journey, so no route goes through one; an "add another"
loop is walked once. In a task-list form a route is the pages before the task list, then
one way through each task, in the order of the tasks.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator

from forms_service.definitions.model import Form
from forms_service.journey.map import JourneyMap, journey_map

MAX_PATHS = 200  # ways through one part of the form looked at (a safety bound)
MAX_ROUTES = 2000  # whole routes looked at before choosing which to show


@functools.lru_cache(maxsize=64)  # definitions are loaded once: a Form is hashed by identity
def form_routes(form: Form) -> tuple[tuple[str, ...], ...]:
    """Every route through `form` (up to MAX_ROUTES), as page ids in order."""
    graph = journey_map(form)
    nodes = _page_ids(graph)
    edges: dict[str, list[str]] = {}
    for edge in graph.edges:
        if edge.kind != "loop":
            edges.setdefault(edge.tail, []).append(edge.head)
    exits = {page.node for page in graph.pages if page.is_exit}
    if not graph.tasks:
        paths = _paths("start", edges, exits, goal="check_answers")
        return tuple(
            tuple(nodes[n] for n in p if n in nodes) for p in itertools.islice(paths, MAX_ROUTES)
        )
    preamble = list(itertools.islice(_paths("start", edges, exits, goal="task_list"), MAX_PATHS))
    parts = [preamble]
    for task in graph.tasks:
        inside = set()
        for step in task.steps:
            inside.add(step.node)
            inside.update(p.node for p in getattr(step, "pages", ()))
        within = {tail: [h for h in heads if h in inside] for tail, heads in edges.items()}
        parts.append(list(itertools.islice(_paths("task_list", within, exits), MAX_PATHS)))
    routes = []
    for combination in itertools.islice(itertools.product(*parts), MAX_ROUTES):
        routes.append(tuple(nodes[n] for part in combination for n in part if n in nodes))
    return tuple(routes)


def _page_ids(graph: JourneyMap) -> dict[str, str]:
    """Node name -> page id, for the nodes that are pages (a repeat's "add another"
    question has the repeat's id)."""
    found = {page.node: page.page_id for page in graph.pages}
    found.update({repeat.node: repeat.page_id for repeat in graph.repeats})
    return found


def _paths(
    node: str, edges: dict[str, list[str]], exits: set[str], goal: str | None = None
) -> Iterator[list[str]]:
    """Paths from `node` following `edges`, never through an exit page: to `goal`, or
    (goal None) to wherever the edges stop. Depth first, so the first page's first way
    comes first; a node is never visited twice on one path."""
    stack: list[tuple[str, list[str]]] = [(node, [node])]
    while stack:
        here, path = stack.pop()
        if goal is not None and here == goal:
            yield path
            continue
        heads = [h for h in edges.get(here, ()) if h not in exits and h not in path]
        if not heads:
            if goal is None:
                yield path
            continue
        for head in reversed(heads):
            stack.append((head, [*path, head]))

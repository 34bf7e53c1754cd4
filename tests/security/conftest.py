"""The attacks found by the security review (issue 10), each run against a live server over
real HTTP: the test fails on the code before the fix and passes after it.

`live(**config)` serves a fresh app (SQLite, or PostgreSQL under TEST_DATABASE_URL) and
returns its URL and the app; `visitor(url)` is a JavaScript-off browser for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.live import Visitor, serving


@pytest.fixture
def live(make_app) -> Iterator[Callable[..., tuple[str, Any]]]:
    with ExitStack() as stack:

        def factory(app: Any = None, **config: Any) -> tuple[str, Any]:
            app = app or make_app(**config)
            return stack.enter_context(serving(app)), app

        yield factory


@pytest.fixture
def visitor() -> Iterator[Callable[..., Visitor]]:
    visitors: list[Visitor] = []

    def factory(base_url: str, **options: Any) -> Visitor:
        visitors.append(Visitor(base_url, **options))
        return visitors[-1]

    yield factory
    for each in visitors:
        each.close()

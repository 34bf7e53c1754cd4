"""The Jinja environment the application renders with: Flask's, with cheaper imports.

Every `{% from ... import %}` of a GOV.UK macro (a question page makes about eighty, the
components importing each other) runs Jinja's check for globals the importing template has
and the imported one lacks: `ctx.globals_keys - template.globals.keys()`. A template's
globals are a ChainMap (its own over the environment's), and the set difference with a
ChainMap's keys view looks each key up map by map in Python; with the service's twenty-odd
globals that was about a tenth of a question page's time. Here the keys come as a real set,
so the difference is one C operation. What the globals hold and how they resolve is
unchanged: still a ChainMap, reading the environment's globals live.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment


class TemplateGlobals(ChainMap):
    """A template's globals over the environment's, whose keys() is a plain set."""

    def keys(self) -> set[str]:  # type: ignore[override]
        return set().union(*self.maps)


class JinjaEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)

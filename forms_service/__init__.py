"""forms-service: accessible online forms from declarative YAML definitions.

The package itself imports nothing heavy, so the journey engine and the definition loader
can be used (and tested) without Flask. `create_app` builds the web application.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from forms_service.app import create_app as build

    return build(config)

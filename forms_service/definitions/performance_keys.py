"""`costs_per_year:` at the top of a definition: what running each channel of the form
costs a year, in pounds, for the performance dashboard's cost per transaction:

    costs_per_year: {online: 12000, assisted: 30000, paper: 45000}

Each channel is optional (a channel without a cost shows "not set"). Problems are
file:line:col like every other definition problem; the key changes no page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from forms_service.definitions.yamlnodes import YamlNode
from forms_service.performance.events import CHANNELS

if TYPE_CHECKING:
    from forms_service.definitions.loader import _DefinitionReader

COST_KEYS = CHANNELS


def read_costs_per_year(reader: _DefinitionReader, node: YamlNode | None) -> dict[str, float]:
    if node is None or not reader.mapping(node, "costs_per_year", COST_KEYS):
        return {}
    costs: dict[str, float] = {}
    for channel in COST_KEYS:
        child = node.get(channel)
        if child is None:
            continue
        value = child.value
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            reader.at(
                child,
                f"The {channel} cost in costs_per_year must be a number of pounds a year, "
                f"0 or more, without a £ sign or commas, like {channel}: 12000.",
            )
            continue
        costs[channel] = float(value)
    return costs

"""How a change to a resource's fields reaches Graph (issue 12): `patch` updates the object in place
(Graph's documented PATCH), `replace` deletes it and creates a new one (for tenants where Graph
refuses or ignores PATCH of this resource, as Microsoft365DSC reports).

Shared by the construct and the stacks (which check the value when the stack is written) and the
provider (which plans replacements), so neither imports the other."""

from __future__ import annotations

from typing import Any

PATCH = "patch"
REPLACE = "replace"
UPDATE_STRATEGIES = (PATCH, REPLACE)
DEFAULT_UPDATE_STRATEGY = PATCH


def update_strategy_problem(value: Any) -> str | None:
    """Why `value` is not an update strategy, or None when it is one."""
    if isinstance(value, str) and value in UPDATE_STRATEGIES:
        return None
    return f"{value!r} is not an update strategy; allowed values: {', '.join(UPDATE_STRATEGIES)}"

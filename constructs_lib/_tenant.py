"""`tenant_id` of every construct: which tenant the object lives in (or a data source looks in),
checked when the stack is written with the provider's own rule (`intune_model.arguments`), tokens
passed through to the provider's plan-time check."""

from __future__ import annotations

from typing import Any

from constructs_lib._binding import Attribute
from constructs_lib._tokens import is_token
from intune_model.arguments import tenant_problem

TENANT = "tenant_id"
TENANT_ATTRIBUTE = Attribute(TENANT, "string", input=True, computed=True)
"""Optional, and computed: left out, the provider's tenant, which state records."""


def tenant_problems(value: Any) -> list[tuple[str, str]]:
    """[("tenant_id", why)] when `value` is a literal that names no tenant; [] for None or a token."""
    if value is None or is_token(value):
        return []
    problem = tenant_problem(value)
    return [(TENANT, problem)] if problem else []

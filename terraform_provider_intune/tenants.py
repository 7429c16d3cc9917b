"""One provider configuration serving many tenants: the resource-level `tenant_id` argument, and
the import ids that name a tenant.

The usual managed-service-provider set-up is one multi-tenant app registration consented in each
customer tenant. Terraform starts one plugin process per provider configuration, so an alias per
tenant pays a process per tenant; with `tenant_id` on the resource (like the AWS provider's
resource-level `region`, or Google's `project`) one configuration, and one process, serves them all.
Free of any Terraform framework: the plugin maps it onto the schema and the calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_model.arguments import tenant_problem
from intune_model.display import shown
from intune_model.errors import IntuneError
from intune_model.limits import id_problem

TENANT_ATTRIBUTE = "tenant_id"
TENANT_EXAMPLE = "contoso.onmicrosoft.com"
RESOURCE_TENANT_DESCRIPTION = (
    "Microsoft Entra tenant (directory id or domain) the object lives in. Default: the provider's "
    "tenant, which state then records. Lets one provider configuration (one multi-tenant app "
    "registration consented in each tenant, its credentials from the provider block) serve many "
    "tenants in one plugin process. Changing it replaces the object (it lives in another tenant). "
    "Not a Graph property."
)
DATA_SOURCE_TENANT_DESCRIPTION = (
    "Microsoft Entra tenant (directory id or domain) to look in. Default: the provider's tenant."
)
IMPORT_FORMS = "`<id>` (from the provider's tenant) or `<tenant>/<id>` (from that tenant)"


@dataclass(frozen=True)
class TenantArgument:
    """`tenant_id` as `plugin.values.check_config` sees a field: a string, with a valid example."""

    name: str = TENANT_ATTRIBUTE
    tf_type: str = "string"
    example: str = TENANT_EXAMPLE


TENANT_ARGUMENT = TenantArgument()


def tenant_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The known `tenant_id` judged by the one tenant rule (`intune_model.arguments.tenant_problem`)."""
    value = values.get(TENANT_ATTRIBUTE)
    if value is None:
        return []
    problem = tenant_problem(value)
    return [(TENANT_ATTRIBUTE, problem)] if problem else []


class ImportIdError(IntuneError):
    """An import id in neither of the accepted forms."""

    def __init__(self, raw: str, why: str):
        super().__init__(
            f"Invalid import id {shown(raw)}",
            f"{why}. Give {IMPORT_FORMS}, e.g. `{TENANT_EXAMPLE}/<id>` or "
            "`00000000-0000-0000-0000-000000000000/<id>`.",
        )


def split_import_id(raw: str) -> tuple[str | None, str]:
    """(tenant or None, Graph id) of `terraform import`'s id: `<id>` or `<tenant>/<id>`."""
    text = raw.strip()
    if not text:
        raise ImportIdError(raw, "it is empty")
    if "/" not in text:
        _check_id(raw, text)
        return None, text
    tenant, _, item_id = text.partition("/")
    tenant, item_id = tenant.strip(), item_id.strip()
    if not item_id or "/" in item_id:
        raise ImportIdError(raw, "after the tenant must come exactly one Graph id")
    problem = tenant_problem(tenant)
    if problem:
        raise ImportIdError(raw, f"its tenant part: {problem}")
    _check_id(raw, item_id)
    return tenant, item_id


def _check_id(raw: str, item_id: str) -> None:
    """An id that cannot be Graph's (70,000 characters, a line break) is refused before it is sent."""
    problem = id_problem(item_id, "its id")
    if problem:
        raise ImportIdError(raw, problem)

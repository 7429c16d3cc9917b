"""Provider `intune`: its arguments (from `config.ARGUMENTS`), its configuration, one Graph client
per tenant for the process (the provider's own, and those resources name with `tenant_id`), and one
resource and two data sources per registered spec.

The handler and the Graph client (httpx, azure-identity) are imported by the calls that use them,
not here: the provider reaches Terraform's handshake, schemas, `validate` and plan without them.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable
from typing import Any

from tf import schema as tfs
from tf import types as tft
from tf.iface import Config, Provider
from tf.utils import Diagnostics

from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE
from intune_model.arguments import REPLACE
from intune_model.registry import usable_specs
from terraform_provider_intune.config import (
    ARGUMENT_DESCRIPTIONS,
    ARGUMENTS,
    check_arguments,
    endpoint_problems,
    resolve,
    unmanaged_match,
    update_strategy,
)
from terraform_provider_intune.plugin.codec import changed_attributes
from terraform_provider_intune.plugin.data_sources import data_source_classes
from terraform_provider_intune.plugin.resources import resource_class
from terraform_provider_intune.plugin.values import check_config, has_unknown, is_unknown, known_items

ENV_WARM_UP = "INTUNE_PROVIDER_WARM_UP"  # "0" turns the background warm-up off (the bench compares)
WARM_UP_THREAD = "intune-warm-up"  # the thread's name, so in-process tests can wait for it
_ARGUMENT_TYPES: dict[str, Callable[[], Any]] = {"string": tft.String, "bool": tft.Bool, "number": tft.Number}


class IntuneProvider(Provider):
    """Provider `intune`: holds the configuration and the process's Graph clients, one per tenant."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {}
        self._strategy_unknown = False
        self._lock = threading.Lock()
        self._client: Any = None  # the provider's own tenant's
        self._tenant_clients: dict[str, Any] = {}  # other tenants', by lower-cased tenant
        self._ledgers: dict[str, Any] = {}  # their create ledgers (`adoption.CreateLedger`)
        self._own_tenant: tuple[str | None] | None = None  # resolved once: (tenant or None,)
        self.stop = threading.Event()

    def get_model_prefix(self) -> str:
        return f"{PROVIDER_TYPE}_"

    def full_name(self) -> str:
        return PROVIDER_SOURCE

    def get_provider_schema(self, diags: Diagnostics) -> tfs.Schema:
        _, problem = usable_specs()
        for summary, detail, _attribute in problem.diagnostics() if problem else ():
            diags.add_error(summary, detail)
        return tfs.Schema(
            version=0,
            attributes=[
                tfs.Attribute(
                    arg.name,
                    _ARGUMENT_TYPES[arg.kind](),
                    description=ARGUMENT_DESCRIPTIONS[arg.name],
                    optional=True,
                    sensitive=arg.sensitive,
                )
                for arg in ARGUMENTS
            ],
        )

    def validate_config(self, diags: Diagnostics, config: Config) -> None:
        for attribute, message in check_config(config, ARGUMENTS, check_arguments):
            diags.add_error(f"Invalid provider argument {attribute}", message, path=[attribute])

    def configure_provider(self, diags: Diagnostics, config: Config) -> None:
        self._config = known_items(config)
        self._own_tenant = None
        self._strategy_unknown = is_unknown((config or {}).get("update_strategy"))
        # Where to connect needs no credential: a bad INTUNE_GRAPH_ENDPOINT (or argument) is reported
        # here, once, rather than by every resource's first Graph call.
        unknown = [name for name, value in (config or {}).items() if has_unknown(value)]
        problems = endpoint_problems(self._config, unknown=unknown)
        for name, message in problems:  # the same words as `resolve` would raise later
            diags.add_error(
                f"Provider configuration: {name}", message, path=[name] if name in self._config else None
            )
        if problems:
            return
        # Build the client and fetch the token in the background while Terraform carries on
        # (schemas, validate, planning); the first Graph call waits for them, not longer.
        if os.environ.get(ENV_WARM_UP, "1").strip() != "0":
            threading.Thread(target=self._warm_up, name=WARM_UP_THREAD, daemon=True).start()

    def _warm_up(self) -> None:
        """Best effort: a failure is left for the first call that needs Graph to report, as a
        diagnostic (that call builds the client or asks for the token again)."""
        with contextlib.suppress(Exception):
            self.client().tokens.token()

    def replacement_attributes(
        self,
        type_name: str,
        prior: dict[str, Any] | None,
        proposed: dict[str, Any] | None,
        diags: Diagnostics,
    ) -> list[str]:
        """The attributes whose change must plan a replacement (`plugin.server` adds them to the plan
        response): with `update_strategy = "replace"`, every changed field of the resource's spec (a
        value unknown at plan time counts as a change). Empty for data sources, creates and destroys."""
        spec = next((s for s in usable_specs()[0] if f"{self.get_model_prefix()}{s.name}" == type_name), None)
        if spec is None:
            return []
        changed = changed_attributes(spec, prior, proposed)
        if changed and self._strategy_unknown:
            diags.add_error(
                "Provider argument update_strategy is not known at plan time",
                "Whether a change updates the object in place or replaces it is decided when planning; "
                'set update_strategy to "patch" or "replace" from a literal or a variable, not from '
                "another resource's attribute.",
                path=["update_strategy"],
            )
            return []
        return changed if update_strategy(self._config) == REPLACE else []

    def unmanaged_match(self) -> str:
        """What a create does about exact matches no resource of the state holds (`adoption`):
        the argument, else `INTUNE_UNMANAGED_MATCH`, else warn. `ConfigProblems` (a diagnostic on
        the create) for a bad environment value."""
        return unmanaged_match(self._config)

    def get_data_sources(self) -> list[Any]:
        return [cls for spec in usable_specs()[0] for cls in data_source_classes(spec)]

    def get_resources(self) -> list[Any]:
        return [resource_class(spec) for spec in usable_specs()[0]]

    def client(self, tenant: str | None = None) -> Any:
        """The Graph client of `tenant` (None, or the provider's own tenant: the provider's client),
        built on first use (so `validate` needs no credentials). Another tenant's client shares the
        provider's credentials and connection pool; its token, snapshot and write pacing are its own."""
        key = self._other_tenant(tenant)
        if key is None:
            if self._client is None:
                with self._lock:
                    if self._client is None:
                        self._client = self._open(self._config)
            return self._client
        client = self._tenant_clients.get(key)
        if client is None:
            with self._lock:
                client = self._tenant_clients.get(key)
                if client is None:
                    client = self._open({**self._config, "tenant_id": tenant}, other_tenant=True)
                    self._tenant_clients[key] = client
        return client

    def _open(self, config: dict[str, Any], other_tenant: bool = False) -> Any:
        """A client for `config`, on the pool of a client already built (called under the lock)."""
        from intune_graph import open_client  # deferred: keeps provider start fast

        built = [c for c in (self._client, *self._tenant_clients.values()) if c is not None]
        client = open_client(
            resolve(config), http=built[0].http if built else None, other_tenant=other_tenant
        )
        client.stop = self.stop
        return client

    def own_tenant(self) -> str | None:
        """The provider's tenant as configured (argument, else `AZURE_TENANT_ID`), None when it has none
        or its configuration does not resolve (the call that needs Graph then reports why)."""
        if self._own_tenant is None:
            try:
                own = resolve(self._config).tenant_id
            except Exception:
                own = None
            self._own_tenant = (own,)
        return self._own_tenant[0]

    def _other_tenant(self, tenant: str | None) -> str | None:
        """`tenant`'s key when it is not the provider's own tenant, else None."""
        if tenant is None:
            return None
        key = tenant.strip().lower()
        own = self.own_tenant()
        return None if own is not None and key == own.strip().lower() else key

    def is_other_tenant(self, tenant: str | None) -> bool:
        """True when `tenant` names a tenant other than the provider's own (errors then name it)."""
        return self._other_tenant(tenant) is not None

    def ledger(self, tenant: str | None) -> Any:
        """The create ledger of `tenant` (see `adoption`): identical creates in different tenants
        are not serialised against each other, nor their objects mistaken for each other's."""
        from terraform_provider_intune.adoption import LEDGER, CreateLedger

        key = self._other_tenant(tenant)
        if key is None:
            return LEDGER
        with self._lock:
            return self._ledgers.setdefault(key, CreateLedger())


# ----------------------------------------------------------------------------- schema as data


def _attribute_document(attribute: tfs.Attribute) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": json.loads(attribute.type.tf_type()), "description": attribute.description}
    for flag in ("required", "optional", "computed", "sensitive"):
        if getattr(attribute, flag):
            doc[flag] = True
    return doc


def _block_document(attributes: list[tfs.Attribute], blocks: list[tfs.NestedBlock]) -> dict[str, Any]:
    block: dict[str, Any] = {"attributes": {a.name: _attribute_document(a) for a in attributes}}
    if blocks:
        block["block_types"] = {
            b.type_name: {
                "nesting_mode": b.nesting_mode.value,
                "block": {
                    **_block_document(b.block.attributes, b.block.block_types),
                    "description": b.block.description,
                },
            }
            for b in blocks
        }
    return block


def _schema_document(schema: tfs.Schema) -> dict[str, Any]:
    block = _block_document(schema.attributes, schema.block_types)
    if schema.description:
        block["description"] = schema.description
    return {"version": schema.version or 0, "block": block}


def schema_document() -> dict[str, Any]:
    """The provider's live schema as plain data, in the shape of `terraform providers schema -json`
    (one provider's entry): what the docs are generated from and checked against."""
    provider = IntuneProvider()
    prefix = provider.get_model_prefix()
    return {
        "provider": _schema_document(provider.get_provider_schema(Diagnostics())),
        "resource_schemas": {
            prefix + r.get_name(): _schema_document(r.get_schema()) for r in provider.get_resources()
        },
        "data_source_schemas": {
            prefix + d.get_name(): _schema_document(d.get_schema()) for d in provider.get_data_sources()
        },
    }

"""Maps Terraform's plugin protocol (through the `tf` package) onto our handler.

Nothing else in the project imports `tf`, so the framework can be replaced by rewriting this file.
Every failure becomes a diagnostic (with an attribute path where one applies): an exception that
escaped would reach the user as an opaque "Plugin error".

Start-up cost: Terraform launches the provider several times per command and waits for its handshake
each time, so this module imports only `tf` and plain constants. The schema model (pydantic), the
handler and the Graph client (httpx, azure-identity) are imported by the first call that needs them.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tf import schema as tfs
from tf import types as tft
from tf.iface import (
    Config,
    CreateContext,
    DeleteContext,
    ImportContext,
    Provider,
    ReadContext,
    Resource,
    State,
    UpdateContext,
)
from tf.types import Unknown
from tf.utils import Diagnostics

from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE, RESOURCE_TYPE
from terraform_provider_intune.config import ARGUMENT_DESCRIPTIONS, ConfigProblems, check_arguments, resolve

if TYPE_CHECKING:
    from terraform_provider_intune.handler import DerivedCredentialHandler

T = TypeVar("T")

_TF_TYPES: dict[str, Callable[[], Any]] = {
    "string": tft.String,
    "number": tft.Number,
    "set_of_string": lambda: tft.Set(tft.String()),
}


class IntuneProvider(Provider):
    """Provider `intune`: holds the configuration and one shared Graph client for the process."""

    def __init__(self) -> None:
        self._config: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._client: Any = None
        self.stop = threading.Event()

    def get_model_prefix(self) -> str:
        return f"{PROVIDER_TYPE}_"

    def full_name(self) -> str:
        return PROVIDER_SOURCE

    def get_provider_schema(self, diags: Diagnostics) -> tfs.Schema:
        return tfs.Schema(
            version=0,
            attributes=[
                tfs.Attribute(name, tft.String(), description=desc, optional=True)
                for name, desc in ARGUMENT_DESCRIPTIONS.items()
            ],
        )

    def validate_config(self, diags: Diagnostics, config: Config) -> None:
        for attribute, message in check_arguments(_known(config)):
            diags.add_error(f"Invalid provider argument {attribute}", message, path=[attribute])

    def configure_provider(self, diags: Diagnostics, config: Config) -> None:
        self._config = _known(config)

    def get_data_sources(self) -> list[Any]:
        return []

    def get_resources(self) -> list[Any]:
        return [DerivedCredentialResource]

    def client(self) -> Any:
        """The process's Graph client, built on first use (so `validate` needs no credentials)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    from intune_graph import open_client  # deferred: keeps provider start fast

                    client = open_client(resolve(self._config))
                    client.stop = self.stop
                    self._client = client
        return self._client


def _known(config: Config | None) -> dict[str, Any]:
    return {k: v for k, v in (config or {}).items() if v is not None and v is not Unknown}


def resource_schema() -> tfs.Schema:
    """Derived from `intune_model.FIELDS`: a new Graph field needs no edit here."""
    from intune_model import FIELDS

    attributes = [
        tfs.Attribute(
            "id",
            tft.String(),
            description="Server-assigned id of the settings object.",
            computed=True,
        )
    ]
    for spec in FIELDS:
        description = spec.description
        if spec.allowed:
            description += " Allowed values: " + ", ".join(f"`{v}`" for v in spec.allowed) + "."
        attributes.append(
            tfs.Attribute(
                spec.name,
                _TF_TYPES[spec.kind](),
                description=description,
                required=spec.required,
                optional=not spec.required,
            )
        )
    return tfs.Schema(
        version=0,
        attributes=attributes,
        description="Intune derived credential settings (Microsoft Graph beta "
        "`deviceManagementDerivedCredentialSettings`).",
    )


class DerivedCredentialResource(Resource):
    """Resource `intune_derived_credential`."""

    def __init__(self, provider: IntuneProvider):
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return RESOURCE_TYPE.removeprefix(f"{PROVIDER_TYPE}_")  # `intune_model.RESOURCE_NAME`

    @classmethod
    def get_schema(cls) -> tfs.Schema:
        return resource_schema()

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        from intune_model import FIELDS, check_fields

        super().validate(diags, type_name, config)
        values = {f.name: config.get(f.name) for f in FIELDS if config.get(f.name) is not Unknown}
        if isinstance(values.get("notification_types"), list) and any(
            v is Unknown for v in values["notification_types"]
        ):
            values.pop("notification_types")
        for attribute, message in check_fields(values):
            diags.add_error(f"Invalid value for {attribute}", message, path=[attribute])

    # ------------------------------------------------------------------ lifecycle

    def create(self, ctx: CreateContext, planned: State) -> State | None:
        result = _guard(ctx.diagnostics, lambda: self._handler(ctx.diagnostics).create(_clean(planned)))
        return None if result is None else result[1]

    def read(self, ctx: ReadContext, current: State) -> State | None:
        fallback = current  # on error keep what state had: an error must not look like a deletion
        return _guard(
            ctx.diagnostics,
            lambda: self._handler(ctx.diagnostics).read(current["id"], _clean(current)),
            on_error=fallback,
        )

    def update(self, ctx: UpdateContext, current: State, planned: State) -> State | None:
        return _guard(
            ctx.diagnostics,
            lambda: self._handler(ctx.diagnostics).update(current["id"], _clean(current), _clean(planned)),
            on_error=current,
        )

    def delete(self, ctx: DeleteContext, current: State) -> State | None:
        def call() -> bool:
            self._handler(ctx.diagnostics).delete(current["id"])
            return True

        return None if _guard(ctx.diagnostics, call) else current

    def import_(self, ctx: ImportContext, id: str) -> State | None:
        return _guard(ctx.diagnostics, lambda: self._handler(ctx.diagnostics).import_(id.strip()))

    def _handler(self, diags: Diagnostics) -> DerivedCredentialHandler:
        from terraform_provider_intune.handler import DerivedCredentialHandler

        return DerivedCredentialHandler(
            self.provider.client(), warn=lambda summary, detail: diags.add_warning(summary, detail)
        )


def _clean(state: State) -> dict[str, Any]:
    """Terraform numbers may arrive as floats; sets as lists in any order."""
    from intune_model import FIELDS

    out = dict(state)
    for spec in FIELDS:
        value = out.get(spec.name)
        if spec.kind == "number" and isinstance(value, float) and value.is_integer():
            out[spec.name] = int(value)
        elif spec.kind == "set_of_string" and isinstance(value, list):
            out[spec.name] = sorted(value)
    return out


def _guard(diags: Diagnostics, call: Callable[[], T], on_error: T | None = None) -> T | None:
    """Run a handler call; turn every failure into a diagnostic the user can act on."""
    from intune_graph import AuthenticationFailed, Cancelled, GraphError
    from intune_model import SettingsInvalid
    from terraform_provider_intune.handler import HandlerError, attribute_for

    try:
        return call()
    except GraphError as exc:
        attribute = attribute_for(exc)
        diags.add_error(exc.summary(), exc.detail(), path=[attribute] if attribute else None)
    except HandlerError as exc:
        diags.add_error(exc.summary, exc.detail, path=[exc.attribute] if exc.attribute else None)
    except SettingsInvalid as exc:
        for attribute, message in exc.problems:
            diags.add_error(f"Invalid value for {attribute}", message, path=[attribute])
    except ConfigProblems as exc:
        for argument, message in exc.problems:
            diags.add_error(f"Provider configuration: {argument}", message)
    except AuthenticationFailed as exc:
        diags.add_error("Could not get a token for Microsoft Graph", str(exc))
    except Cancelled as exc:
        diags.add_error("Cancelled", str(exc))
    except Exception as exc:  # the last resort: never an opaque plugin crash
        diags.add_error(
            f"Unexpected provider error: {type(exc).__name__}",
            f"{exc}\n\n{traceback.format_exc(limit=5)}",
        )
    return on_error

"""Maps Terraform's plugin protocol (through the `tf` package) onto our handler.

Nothing else in the project imports `tf`, so the framework can be replaced by rewriting this file.
Every failure becomes a diagnostic (with an attribute path where one applies): an exception that
escaped would reach the user as an opaque "Plugin error".
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tf import schema as tfs
from tf import types as tft
from tf.iface import (
    Config,
    CreateContext,
    DataSource,
    DeleteContext,
    ImportContext,
    Provider,
    ReadContext,
    ReadDataContext,
    Resource,
    State,
    UpdateContext,
)
from tf.types import Unknown
from tf.utils import Diagnostics

from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE, RESOURCE_TYPE
from terraform_provider_intune.config import (
    ARGUMENT_DESCRIPTIONS,
    ARGUMENTS,
    ConfigProblems,
    check_arguments,
    resolve,
)

if TYPE_CHECKING:
    from terraform_provider_intune.handler import DerivedCredentialHandler

# The model (pydantic), the handler and the Graph client (httpx, azure-identity) are imported by the
# calls that use them, not here: the provider reaches Terraform's handshake without loading them,
# and `terraform validate` never loads the client at all.

T = TypeVar("T")
ENV_WARM_UP = "INTUNE_PROVIDER_WARM_UP"  # issue 13 (scale-a)
RESOURCE_NAME = RESOURCE_TYPE.removeprefix(f"{PROVIDER_TYPE}_")

_TF_TYPES: dict[str, Callable[[], Any]] = {
    "string": tft.String,
    "number": tft.Number,
    "set_of_string": lambda: tft.Set(tft.String()),
}


_ARGUMENT_TYPES: dict[str, Callable[[], Any]] = {"string": tft.String, "bool": tft.Bool, "number": tft.Number}


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
        for attribute, message in check_arguments(_known(config)):
            diags.add_error(f"Invalid provider argument {attribute}", message, path=[attribute])

    def configure_provider(self, diags: Diagnostics, config: Config) -> None:
        self._config = _known(config)
        # issue 13 (scale-a): build the client and fetch the token in the background while Terraform
        # carries on (schemas, validate, planning); the first Graph call waits for them, not longer.
        # INTUNE_PROVIDER_WARM_UP=0 turns it off (and lets the bench measure it against its absence).
        if os.environ.get(ENV_WARM_UP, "1").strip() != "0":
            threading.Thread(target=self._warm_up, name="intune-warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        """Best effort (issue 13, scale-a): a failure is left for the first real call to report."""
        with contextlib.suppress(Exception):  # the call that needs Graph raises it again, as a diagnostic
            self.client().tokens.token()

    def get_data_sources(self) -> list[Any]:
        return [DerivedCredentialDataSource, DerivedCredentialsDataSource]

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


STOP_METHOD = "/tfplugin6.Provider/StopProvider"


def serve(provider: IntuneProvider, argv: list[str]) -> None:
    """Run the plugin server, with Terraform's StopProvider wired to `provider.stop`.

    `tf` 1.2.0 answers StopProvider without telling the provider, and its shutdown interceptor then
    stops the gRPC server with no grace, which aborts in-flight creates after Graph may have stored
    their objects (orphans missing from state). Here StopProvider instead sets `provider.stop`:
    waiting retries and write slots are cancelled, calls already sent finish and report their
    result, and Terraform ends the process through go-plugin's Shutdown/kill as usual."""
    import tf.runner

    base: Any = tf.runner._ShutdownInterceptor

    class StopAwareInterceptor(base):
        def intercept_service(self, continuation: Any, handler_call_details: Any) -> Any:
            if handler_call_details.method == STOP_METHOD:
                provider.stop.set()
                return continuation(handler_call_details)
            return super().intercept_service(continuation, handler_call_details)

    tf.runner._ShutdownInterceptor = StopAwareInterceptor
    tf.runner.run_provider(provider, argv)


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
        return RESOURCE_NAME

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
    from intune_graph.credentials import CredentialConfigError
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
    except CredentialConfigError as exc:
        diags.add_error(f"Provider configuration: {exc.argument}", exc.message)
    except AuthenticationFailed as exc:
        diags.add_error("Could not get a token for Microsoft Graph", str(exc))
    except Cancelled as exc:
        diags.add_error("Stopped before this operation finished", str(exc))
    except Exception as exc:  # the last resort: never an opaque plugin crash
        diags.add_error(
            f"Unexpected provider error: {type(exc).__name__}",
            f"{exc}\n\n{traceback.format_exc(limit=5)}",
        )
    return on_error


# ----------------------------------------------------------------------------- data sources


class _Object(tft.TfType):
    """A cty object type (`tf` has none): a Python dict with exactly these attributes."""

    def __init__(self, attributes: dict[str, Any]):
        self.attributes = attributes

    def encode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return value
        return {name: kind.encode(value.get(name)) for name, kind in self.attributes.items()}

    def decode(self, value: Any) -> Any:
        if value is None or value is Unknown:
            return value
        return {name: kind.decode(value.get(name)) for name, kind in self.attributes.items()}

    def tf_type(self) -> bytes:
        inner = ",".join(f"{json.dumps(n)}:{k.tf_type().decode()}" for n, k in self.attributes.items())
        return f'["object",{{{inner}}}]'.encode()


def _field_description(name: str) -> str:
    from intune_model import FIELDS_BY_NAME

    spec = FIELDS_BY_NAME[name]
    description = spec.description
    if spec.allowed:
        description += " Allowed values: " + ", ".join(f"`{v}`" for v in spec.allowed) + "."
    return description


def one_data_source_schema() -> tfs.Schema:
    """`intune_derived_credential`: look-up by `id` or `display_name`, every field computed."""
    from intune_model import FIELDS

    attributes = [
        tfs.Attribute(
            "id",
            tft.String(),
            description="Graph id of the object to read. Set this or `display_name`.",
            optional=True,
            computed=True,
        ),
        tfs.Attribute(
            "display_name",
            tft.String(),
            description="Exact display name of the object to read (case-sensitive); it must match one "
            "object only. Set this or `id`.",
            optional=True,
            computed=True,
        ),
    ]
    for spec in FIELDS:
        if spec.name != "display_name":
            attributes.append(
                tfs.Attribute(
                    spec.name,
                    _TF_TYPES[spec.kind](),
                    description=_field_description(spec.name) + " As Graph holds it.",
                    computed=True,
                )
            )
    return tfs.Schema(
        version=0,
        attributes=attributes,
        description="Reads one existing Intune derived credential settings object, by id or by exact "
        "display name.",
    )


def _object_type() -> _Object:
    from intune_model import FIELDS

    return _Object({"id": tft.String(), **{spec.name: _TF_TYPES[spec.kind]() for spec in FIELDS}})


def all_data_source_schema() -> tfs.Schema:
    """`intune_derived_credentials`: every object, optionally only one issuer's."""
    from intune_model import FIELDS
    from terraform_provider_intune import data_sources as lookups

    return tfs.Schema(
        version=0,
        attributes=[
            tfs.Attribute(
                "issuer",
                tft.String(),
                description="Only objects of this issuer. " + _field_description("issuer").split(". ")[-1],
                optional=True,
            ),
            tfs.Attribute(
                "id",
                tft.String(),
                description="`all`, or `issuer=<issuer>` when filtered.",
                computed=True,
            ),
            tfs.Attribute(
                "ids",
                tft.List(tft.String()),
                description="Graph ids of the objects found, in the order of `derived_credentials`.",
                computed=True,
            ),
            tfs.Attribute(
                lookups.ALL_LIST_ATTRIBUTE,
                tft.List(_object_type()),
                description="The objects found, sorted by display name then id; each has `id`, "
                + ", ".join(f"`{spec.name}`" for spec in FIELDS)
                + " as Graph holds them.",
                computed=True,
            ),
        ],
        description="Lists the Intune derived credential settings of the tenant, optionally only one "
        "issuer's.",
    )


def _config_value(config: Config, name: str) -> Any:
    value = config.get(name)
    return None if value is Unknown else value


class DerivedCredentialDataSource(DataSource):
    """Data source `intune_derived_credential`."""

    def __init__(self, provider: IntuneProvider):
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        from terraform_provider_intune import data_sources as lookups

        return lookups.ONE_NAME

    @classmethod
    def get_schema(cls) -> tfs.Schema:
        return one_data_source_schema()

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        from terraform_provider_intune import data_sources as lookups

        super().validate(diags, type_name, config)
        # An unknown value (from a variable or another resource) counts as given.
        given = {k: (True if config.get(k) is Unknown else config.get(k)) for k in ("id", "display_name")}
        for attribute, message in lookups.check_lookup_config(given):
            diags.add_error(f"Invalid value for {attribute}", message, path=[attribute])

    def read(self, ctx: ReadDataContext, config: Config) -> State | None:
        from terraform_provider_intune import data_sources as lookups

        return _guard(
            ctx.diagnostics,
            lambda: _clean(
                lookups.find_one(
                    self.provider.client(),
                    item_id=_config_value(config, "id"),
                    display_name=_config_value(config, "display_name"),
                )
            ),
        )


class DerivedCredentialsDataSource(DataSource):
    """Data source `intune_derived_credentials`."""

    def __init__(self, provider: IntuneProvider):
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        from terraform_provider_intune import data_sources as lookups

        return lookups.ALL_NAME

    @classmethod
    def get_schema(cls) -> tfs.Schema:
        return all_data_source_schema()

    def validate(self, diags: Diagnostics, type_name: str, config: Config) -> None:
        from terraform_provider_intune import data_sources as lookups

        super().validate(diags, type_name, config)
        issuer = config.get("issuer")
        if isinstance(issuer, str) and issuer not in lookups.ISSUER_VALUES:
            diags.add_error(
                "Invalid value for issuer",
                f"{issuer!r} is not an issuer; allowed values: {', '.join(lookups.ISSUER_VALUES)}",
                path=["issuer"],
            )

    def read(self, ctx: ReadDataContext, config: Config) -> State | None:
        from terraform_provider_intune import data_sources as lookups

        def call() -> State:
            found = lookups.find_all(self.provider.client(), issuer=_config_value(config, "issuer"))
            found[lookups.ALL_LIST_ATTRIBUTE] = [_clean(p) for p in found[lookups.ALL_LIST_ATTRIBUTE]]
            return found

        return _guard(ctx.diagnostics, call)


# ----------------------------------------------------------------------------- schema as data


def _attribute_document(attribute: tfs.Attribute) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": json.loads(attribute.type.tf_type()), "description": attribute.description}
    for flag in ("required", "optional", "computed", "sensitive"):
        if getattr(attribute, flag):
            doc[flag] = True
    return doc


def _schema_document(schema: tfs.Schema) -> dict[str, Any]:
    block: dict[str, Any] = {"attributes": {a.name: _attribute_document(a) for a in schema.attributes}}
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

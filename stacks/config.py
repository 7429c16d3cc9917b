"""The stacks' configuration file: which stacks (tenants) exist and which resources each holds.

Format (JSON)::

    {
      "backend": {"type": "local"},            # optional; see stacks.backends ({stack} substituted)
      "stacks": [
        {
          "name": "intune-example",            # cdktf stack name: letters, digits, - and _
          "provider": {                        # optional; every key optional, none secret
            "tenant_id": "contoso.onmicrosoft.com",
            "client_id": "00000000-0000-0000-0000-000000000000",
            "cloud": "public",                 # or usgovernment, usgovernmentdod, china
            "use_oidc": true,                  # also use_cli, use_msi, client_certificate_path, ...
            "client_secret_variable": "dev_client_secret",  # secret from TF_VAR_dev_client_secret
            "graph_endpoint": "https://graph.microsoft.com",
            "authority_host": "https://login.microsoftonline.com",
            "update_strategy": "replace"       # or "patch" (the default)
          },
          "backend": {...},                    # optional; replaces the top-level one
          "resources": {                       # entries keyed by Terraform resource type
            "intune_derived_credential": [
              {"key": "purebred", "display_name": "...", "issuer": "purebred", ...},
              {"key": "adopted", "import_id": "<graph id>", "display_name": "...", ...},
              {"key": "fabrikam", "tenant_id": "fabrikam.onmicrosoft.com", "display_name": "...", ...}
            ],
            "intune_<profile type>": [
              {"key": "ios", "display_name": "...", "<settings id field>": {"ref": "purebred"}}
            ]
          }
        }
      ]
    }

Secrets never go in this file. A stack whose tenant needs its own client secret names a Terraform
variable in `client_secret_variable`: the stack declares it sensitive and ephemeral (so it stays out
of cdk.tf.json, the plan file and the state) and the pipeline sets `TF_VAR_<name>` from its secret
store. Without it the provider reads `AZURE_CLIENT_SECRET` (or another method) from the environment.

Each entry is a `key` (its construct id, Terraform resource name and output prefix; unique in the
stack) plus the resource's fields under their Terraform names, validated by `intune_model`, the same
schema the construct and the provider use. An optional `import_id` (the Graph id of an object
that already exists, as `intune-provider export` writes it) makes the stack adopt that object with a
Terraform `import` block instead of creating a new one; once deployed it is a no-op. An optional
`tenant_id` puts the entry in that tenant instead of the provider's: with one multi-tenant app
consented in each tenant, one stack (one provider, one plugin process) serves many tenants (its
`import_id` is then imported from that tenant). A field that takes another resource's id may give
``{"ref": "<key>"}``: the stack passes that entry's ``id`` token (same tenant, right type, no cycles;
checked when the file is read).

A stack's ``"settings": [...]`` (the shape before entries were keyed by type) still reads, as entries
of ``intune_derived_credential``; it may sit beside ``"resources"``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs_lib.entries import EntriesInvalid, ordered
from constructs_lib.provider import check_provider_arguments
from constructs_lib.settings_file import SettingsFileError, parse_json_with_lines, parse_settings
from intune_model.address import PROVIDER_TYPE
from intune_model.arguments import BOOL_ARGUMENTS, STRING_ARGUMENTS
from intune_model.arguments import NUMBER_ARGUMENT_NAMES as NUMBER_ARGUMENTS
from intune_model.errors import IntuneError
from intune_model.typed import SpecModel
from stacks.backends import BackendError, BackendSettings, parse_backend

NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
VARIABLE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # also a valid environment variable name
STRING_PROVIDER_KEYS = (*STRING_ARGUMENTS, "client_secret_variable")
BOOL_PROVIDER_KEYS = BOOL_ARGUMENTS
NUMBER_PROVIDER_KEYS = NUMBER_ARGUMENTS
PROVIDER_KEYS = (*STRING_PROVIDER_KEYS, *BOOL_PROVIDER_KEYS, *NUMBER_PROVIDER_KEYS)
_STACK_KEYS = ("name", "provider", "backend", "resources", "settings")
_TOP_KEYS = ("backend", "stacks")


class ConfigError(IntuneError, ValueError):
    """A problem in the configuration file; the message names the file, the place and the fix."""

    exit_code = 2


@dataclass(frozen=True)
class SettingsEntry:
    """One resource of a stack: its key and its validated fields (a model of its resource's spec,
    whose type it is an entry of), optionally the object to adopt, its tenant, and the fields that
    take the id of another entry of the stack (field -> that entry's key).

    Example::

        SettingsEntry("entrust", validate_model(SPEC, {"display_name": "Entrust", "issuer": "xTec"}))
    """

    key: str
    settings: SpecModel
    import_id: str | None = None
    tenant_id: str | None = None  # the tenant the object lives in; None: the provider's
    references: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.key):
            raise ValueError(
                f"settings key {self.key!r} is not valid: start with a letter, then letters, digits, - or _"
            )

    @property
    def resource_type(self) -> str:
        """The Terraform resource type of the entry (from its model's spec)."""
        return f"{PROVIDER_TYPE}_{type(self.settings).resource_spec.name}"

    def construct_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the resource's construct (unset fields and references left out)."""
        spec = type(self.settings).resource_spec
        values = {f.name: spec.plain(f.name, getattr(self.settings, f.name, None)) for f in spec.fields}
        kwargs = {k: v for k, v in values.items() if v is not None}
        return {**kwargs, "tenant_id": self.tenant_id} if self.tenant_id else kwargs

    @property
    def arguments(self) -> dict[str, Any]:
        return self.construct_kwargs()

    @property
    def import_address(self) -> str | None:
        """The import id: `<tenant>/<import_id>` for an entry in a named tenant, else `import_id`."""
        if self.import_id is None:
            return None
        return f"{self.tenant_id}/{self.import_id}" if self.tenant_id else self.import_id


@dataclass(frozen=True)
class ProviderSettings:
    """Optional, non-secret provider arguments for one stack (secrets come from the environment or
    from the Terraform variable named by `client_secret_variable`). Its fields are the non-secret
    rows of `intune_model.arguments.ARGUMENTS` (a test holds them equal)."""

    tenant_id: str | None = None
    client_id: str | None = None
    client_certificate_path: str | None = None
    federated_token_file: str | None = None
    cloud: str | None = None
    graph_endpoint: str | None = None
    authority_host: str | None = None
    client_secret_variable: str | None = None
    use_oidc: bool | None = None
    use_cli: bool | None = None
    use_msi: bool | None = None
    timeout_seconds: float | None = None
    write_limit: int | None = None
    write_window_seconds: float | None = None
    update_strategy: str | None = None  # "patch" or "replace" (issue 12)
    unmanaged_match: str | None = None  # "warn" or "error" (issue 17)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `TenantStack` (unset ones left out)."""
        values = {name: getattr(self, name) for name in PROVIDER_KEYS}
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class StackConfig:
    """One stack: normally one tenant, with its provider arguments and settings entries."""

    name: str
    settings: tuple[SettingsEntry, ...]
    provider: ProviderSettings = field(default_factory=ProviderSettings)
    backend: BackendSettings = field(default_factory=BackendSettings)


@dataclass(frozen=True)
class AppConfig:
    """Every stack of the app, in file order, and the file they came from."""

    stacks: tuple[StackConfig, ...]
    source: Path | None = None


def load_config(path: str | Path) -> AppConfig:
    """Read and validate a configuration file; raise `ConfigError` (a `ValueError`) naming the file,
    the stack, and for every bad entry its line, index, key and field problems. Entries are checked
    by `constructs_lib.settings_file`, the same rules `DerivedCredentialSettings.from_file` uses."""
    source = Path(path)
    try:
        raw = parse_json_with_lines(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{source}: configuration file not found") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: not valid JSON: {exc}") from None
    return parse_config(raw, source=source)


def parse_config(raw: Any, *, source: Path | None = None) -> AppConfig:
    """Validate an already-parsed configuration (see the module docstring for the format)."""
    where = str(source) if source is not None else "<config>"

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{where}: {message}")

    if not isinstance(raw, dict) or not isinstance(raw.get("stacks"), list):
        raise fail('expected an object with a "stacks" list')
    unknown = sorted(set(raw) - set(_TOP_KEYS))
    if unknown:
        raise fail(f"unknown top-level keys {unknown}; allowed: {', '.join(_TOP_KEYS)}")
    default_backend = BackendSettings()
    if raw.get("backend") is not None:
        try:
            default_backend = parse_backend(raw["backend"])
        except BackendError as exc:
            raise fail(f"backend: {exc}") from None
    stacks: list[StackConfig] = []
    seen_stacks: set[str] = set()
    for s_index, s_raw in enumerate(raw["stacks"]):
        if not isinstance(s_raw, dict):
            raise fail(f"stacks[{s_index}]: expected an object with name, provider and settings")
        name = s_raw.get("name")
        label = f"stacks[{s_index}]" + (f" ({name!r})" if isinstance(name, str) else "")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise fail(
                f"{label}: name {name!r} is not a valid stack name; start with a letter, then "
                "letters, digits, - or _"
            )
        if name in seen_stacks:
            raise fail(f"{label}: duplicate stack name {name!r}")
        seen_stacks.add(name)
        extra = sorted(set(s_raw) - set(_STACK_KEYS))
        if extra:
            raise fail(f"{label}: unknown keys {extra}; allowed: {', '.join(_STACK_KEYS)}")
        provider = _provider(s_raw.get("provider"), prefix=f"{where}: {label}: provider: ")
        backend = default_backend
        if s_raw.get("backend") is not None:
            try:
                backend = parse_backend(s_raw["backend"])
            except BackendError as exc:
                raise fail(f"{label}: backend: {exc}") from None
        held = {k: s_raw[k] for k in ("settings", "resources") if s_raw.get(k) is not None}
        try:
            parsed = parse_settings(held, source=where) if held else []
            ordered(parsed)  # every reference names an entry of the right type, in the same tenant
        except SettingsFileError as exc:
            problems = "\n".join(
                f"  - line {line}: {label} {message}" if line else f"  - {label} {message}"
                for line, message in exc.problems
            )
            raise fail(f"{label}: invalid settings:\n{problems}") from None
        except EntriesInvalid as exc:
            raise fail(f"{label}: " + str(exc)) from None
        entries = [
            SettingsEntry(e.key, e.settings, e.import_id, e.tenant_id, e.references)
            for e in parsed
            if e.settings is not None
        ]
        stacks.append(StackConfig(name=name, settings=tuple(entries), provider=provider, backend=backend))
    return AppConfig(stacks=tuple(stacks), source=source)


def _provider(raw: Any, *, prefix: str) -> ProviderSettings:
    def fail(message: str) -> ConfigError:
        return ConfigError(prefix + message)

    if raw is None:
        return ProviderSettings()
    if not isinstance(raw, dict):
        raise fail(f"expected an object with any of {', '.join(PROVIDER_KEYS)}")
    extra = sorted(set(raw) - set(PROVIDER_KEYS))
    if extra:
        raise fail(
            f"unknown keys {extra}; allowed: {', '.join(PROVIDER_KEYS)} (secrets never go in this file: "
            "name a Terraform variable in client_secret_variable, set AZURE_CLIENT_SECRET, or use a "
            "certificate or federated credential)"
        )
    for key, value in raw.items():
        if value is None:
            continue
        if key in BOOL_PROVIDER_KEYS and not isinstance(value, bool):
            raise fail(f"{key}: expected true or false, got {value!r}")
        if key in STRING_PROVIDER_KEYS and (not isinstance(value, str) or not value.strip()):
            raise fail(f"{key}: expected a non-empty string, got {value!r}")
    variable = raw.get("client_secret_variable")
    if variable is not None and not VARIABLE_PATTERN.match(variable):
        raise fail(
            f"client_secret_variable: {variable!r} is not a usable variable name; use letters, digits "
            "and _ (it is set as TF_VAR_<name>)"
        )
    try:
        check_provider_arguments({k: v for k, v in raw.items() if k != "client_secret_variable"})
    except ValueError as exc:
        raise fail(str(exc)) from None
    return ProviderSettings(**raw)

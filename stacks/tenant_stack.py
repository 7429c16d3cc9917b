"""`TenantStack`: one Intune tenant's resources (settings, profiles, ...) as one CDKTF stack."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cdktf
from constructs import Construct

from constructs_lib import IntuneProvider
from constructs_lib._spec_constructs import SpecResource
from constructs_lib.entries import add_entries
from intune_model.address import RESOURCE_TYPE
from stacks.backends import BackendSettings, add_backend, state_file
from stacks.config import NAME_PATTERN, AppConfig, SettingsEntry

__all__ = ["PROJECT_ROOT", "TenantStack", "build_app", "state_file"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""This checkout's root (where its `cdktf.json` is)."""


class TenantStack(cdktf.TerraformStack):
    """One stack per tenant: an `IntuneProvider`, one resource construct per entry (its type's, from
    `constructs_lib.catalog`; references between entries become ``<resource>.id`` tokens) and a
    `<key>_id` output per entry, with the configured backend (local by default).

    Local state is ``<state_dir>/terraform.<name>.tfstate`` (default: the directory the app runs
    in, which for the cdktf CLI is the one holding `cdktf.json`). The backend path is written
    relative to the stack's working directory
    (``<outdir>/stacks/<name>``), so it is the same on every `cdktf synth` and survives moving the
    checkout; `cdktf synth` never deletes it because it is not inside `cdktf.out`. Remote backends
    (`azurerm`, `s3`, HCP Terraform `cloud`) come from `backend`; see `stacks.backends`.

    Args:
        scope: The `cdktf.App`.
        name: Stack name, e.g. ``"intune-example"`` (letters, digits, - and _).
        settings: The entries, of any resource type (settings, profiles; a reference to another
            entry's key becomes its ``id`` token), e.g. from `load_config(...).stacks[0].settings`.
        client_secret_variable: Name of a required Terraform variable (sensitive, ephemeral)
            the stack declares for its client secret, e.g. ``"dev_client_secret"``, set by the
            pipeline as ``TF_VAR_dev_client_secret``. Unset: the provider reads the environment.
        backend: Where state lives. Default: local.
        state_dir: Directory for a local state file. Default: the current directory.
        **provider: Other `IntuneProvider` arguments (``tenant_id``, ``client_id``, ``cloud``,
            ``use_oidc``, ``graph_endpoint``, ...); unset ones come from the environment.

    Example::

        app = cdktf.App()
        entry = SettingsEntry("entrust", validate_model(SPEC, {"display_name": "Entrust",
                                                            "issuer": "entrustDatacard"}))
        TenantStack(app, "intune-example", settings=[entry])
        app.synth()
    """

    def __init__(
        self,
        scope: Construct,
        name: str,
        *,
        settings: Sequence[SettingsEntry],
        client_secret_variable: str | None = None,
        backend: BackendSettings | None = None,
        state_dir: Path | None = None,
        **provider: Any,
    ) -> None:
        if not NAME_PATTERN.match(name):
            raise ValueError(
                f"stack name {name!r} is not valid: start with a letter, then letters, digits, - or _"
            )
        keys = [entry.key for entry in settings]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"stack {name!r}: duplicate settings keys {duplicates}")
        super().__init__(scope, name)
        self.state_path = add_backend(self, name, backend or BackendSettings(), state_dir)
        if client_secret_variable:
            secret = cdktf.TerraformVariable(
                self,
                client_secret_variable,
                type="string",
                sensitive=True,
                nullable=False,
                description=f"Client secret for stack {name!r}; set TF_VAR_{client_secret_variable}",
            )
            secret.add_override("ephemeral", True)  # kept out of plan files and state
            provider["client_secret"] = secret.string_value
        self.intune_provider = IntuneProvider(self, "intune", **provider)
        self.resources: dict[str, SpecResource] = add_entries(self, settings)
        """Every entry's construct, by key."""
        self.derived_credentials = {
            k: r for k, r in self.resources.items() if r.TF_RESOURCE_TYPE == RESOURCE_TYPE
        }
        """The derived credential settings among them (the name of the stacks before profiles)."""
        for key, resource in self.resources.items():
            cdktf.TerraformOutput(
                self,
                f"{key}_id",
                value=resource.id,
                description=f"Graph id of {resource.TF_RESOURCE_TYPE} {key!r}",
            )


def build_app(app: cdktf.App, config: AppConfig, *, state_dir: Path | None = None) -> list[TenantStack]:
    """Add one `TenantStack` per configured stack to `app`."""
    return [
        TenantStack(
            app,
            stack.name,
            settings=stack.settings,
            backend=stack.backend,
            state_dir=state_dir,
            **stack.provider.kwargs(),
        )
        for stack in config.stacks
    ]

"""`TenantStack`: one Intune tenant's derived credential settings as one CDKTF stack."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import cdktf
from constructs import Construct

from constructs_lib import DerivedCredentialSettings, IntuneProvider
from stacks.config import NAME_PATTERN, AppConfig, SettingsEntry

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""This checkout's root (where its `cdktf.json` is)."""


def state_file(name: str, state_dir: Path | None = None) -> Path:
    """Absolute path of stack `name`'s state file: ``<state_dir>/terraform.<name>.tfstate``.

    The default directory is the one the app runs in: the cdktf CLI runs it where `cdktf.json` is,
    so each project (a checkout, a pipeline workspace, a test's temporary project) keeps its own."""
    return (state_dir or Path.cwd()).resolve() / f"terraform.{name}.tfstate"


class TenantStack(cdktf.TerraformStack):
    """One stack per tenant: an `IntuneProvider`, one `DerivedCredentialSettings` per entry and a
    `<key>_id` output per entry, with a local backend whose state file lives outside `cdktf.out`.

    The state file is ``<state_dir>/terraform.<name>.tfstate`` (default: the directory the app runs
    in, which for the cdktf CLI is the one holding `cdktf.json`). The backend path is written
    relative to the stack's working directory
    (``<outdir>/stacks/<name>``), so it is the same on every `cdktf synth` and survives moving the
    checkout; `cdktf synth` never deletes it because it is not inside `cdktf.out`.

    Args:
        scope: The `cdktf.App`.
        name: Stack name, e.g. ``"intune-example"`` (letters, digits, - and _).
        settings: The entries, e.g. from `load_config(...).stacks[0].settings`.
        tenant_id, client_id, graph_endpoint, authority_host: Optional `IntuneProvider`
            arguments; unset ones come from the environment.
        state_dir: Directory for the state file. Default: the current directory.

    Example::

        app = cdktf.App()
        entry = SettingsEntry("entrust", validate_settings({"display_name": "Entrust",
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
        tenant_id: str | None = None,
        client_id: str | None = None,
        graph_endpoint: str | None = None,
        authority_host: str | None = None,
        state_dir: Path | None = None,
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
        self.state_path = state_file(name, state_dir)
        workdir = Path(os.path.abspath(cdktf.App.of(self).outdir)) / "stacks" / name
        cdktf.LocalBackend(self, path=os.path.relpath(self.state_path, workdir))
        self.intune_provider = IntuneProvider(
            self,
            "intune",
            tenant_id=tenant_id,
            client_id=client_id,
            graph_endpoint=graph_endpoint,
            authority_host=authority_host,
        )
        self.derived_credentials: dict[str, DerivedCredentialSettings] = {}
        for entry in settings:
            resource = DerivedCredentialSettings(self, entry.key, **entry.construct_kwargs())
            if entry.import_id:
                resource.import_from(entry.import_id)  # adopt the existing object, never a duplicate
            self.derived_credentials[entry.key] = resource
            cdktf.TerraformOutput(
                self,
                f"{entry.key}_id",
                value=resource.id,
                description=f"Graph id of derived credential settings {entry.key!r}",
            )


def build_app(app: cdktf.App, config: AppConfig, *, state_dir: Path | None = None) -> list[TenantStack]:
    """Add one `TenantStack` per configured stack to `app`."""
    return [
        TenantStack(app, stack.name, settings=stack.settings, state_dir=state_dir, **stack.provider.kwargs())
        for stack in config.stacks
    ]

"""Where each stack keeps its Terraform state, chosen in the configuration file.

    "backend": {"type": "local"}                                   # default: terraform.<stack>.tfstate
    "backend": {"type": "azurerm", "resource_group_name": "rg-tfstate",
                "storage_account_name": "sttfstate", "container_name": "tfstate",
                "key": "intune/{stack}.tfstate", "use_oidc": true, "use_azuread_auth": true}
    "backend": {"type": "s3", "bucket": "tfstate", "key": "intune/{stack}.tfstate",
                "region": "eu-west-1", "use_lockfile": true}
    "backend": {"type": "cloud", "organization": "contoso",
                "workspaces": {"name": "intune-{stack}"}}               # or {"tags": ["intune"]}

A top-level `backend` applies to every stack; a stack's own `backend` replaces it. `{stack}` in any
string becomes the stack's name, so one block gives every stack its own state (a key, a workspace)
and stacks can run in parallel. Credentials never go here: each backend reads its own environment
(ARM_* / AWS_* / TF_TOKEN_app_terraform_io), which a pipeline sets from its secret store.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cdktf
from constructs import Construct

from intune_model.errors import IntuneError

# Keys every backend takes, beyond cdktf's own config names.
_CDKTF_CONFIG: dict[str, type[Any]] = {
    "azurerm": cdktf.AzurermBackendConfig,
    "s3": cdktf.S3BackendConfig,
    "cloud": cdktf.CloudBackendConfig,
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    "local": (),
    "azurerm": ("storage_account_name", "container_name", "key"),
    "s3": ("bucket", "key", "region"),
    "cloud": ("organization", "workspaces"),
}
# Terraform >= 1.10 S3 locking without DynamoDB; newer than cdktf's generated config.
_EXTRA_KEYS: dict[str, tuple[str, ...]] = {"local": ("state_dir",), "s3": ("use_lockfile",)}
_SECRET_WORDS = ("secret", "access_key", "sas_token", "token", "password", "sse_customer_key")
BACKEND_TYPES = tuple(_REQUIRED)


class BackendError(IntuneError, ValueError):
    """A backend block that cannot work; the message names the key and the fix."""

    exit_code = 2


@dataclass(frozen=True)
class BackendSettings:
    """A backend type and its options, `{stack}` not yet substituted."""

    type: str = "local"
    options: dict[str, Any] = field(default_factory=dict)

    def for_stack(self, stack: str) -> dict[str, Any]:
        """The options with `{stack}` replaced by the stack name (in nested values too)."""
        options: dict[str, Any] = _substitute(self.options, stack)
        return options


def _substitute(value: Any, stack: str) -> Any:
    if isinstance(value, str):
        return value.replace("{stack}", stack)
    if isinstance(value, dict):
        return {k: _substitute(v, stack) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, stack) for v in value]
    return value


def allowed_keys(kind: str) -> set[str]:
    config = _CDKTF_CONFIG.get(kind)
    names = set(inspect.signature(config.__init__).parameters) - {"self"} if config else set()
    return names | set(_EXTRA_KEYS.get(kind, ()))


def parse_backend(raw: Any) -> BackendSettings:
    """Validate a `backend` block; raise BackendError naming the key."""
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        raise BackendError(f'expected an object with "type": one of {", ".join(BACKEND_TYPES)}')
    kind = raw["type"]
    if kind not in _REQUIRED:
        raise BackendError(f"type {kind!r} is not supported; use one of {', '.join(BACKEND_TYPES)}")
    options = {k: v for k, v in raw.items() if k != "type"}
    secret = sorted(k for k in options if any(word in k for word in _SECRET_WORDS))
    if secret:
        raise BackendError(
            f"{', '.join(secret)}: credentials never go in this file (it is committed and synthesized); "
            "set the backend's environment variables (ARM_*, AWS_*, TF_TOKEN_*) in the pipeline instead"
        )
    unknown = sorted(set(options) - allowed_keys(kind))
    if unknown:
        raise BackendError(
            f"unknown keys {unknown} for backend {kind!r}; allowed: {sorted(allowed_keys(kind))}"
        )
    missing = [k for k in _REQUIRED[kind] if options.get(k) in (None, "")]
    if missing:
        raise BackendError(f"backend {kind!r} needs {', '.join(missing)}")
    if kind == "cloud":
        workspaces = options["workspaces"]
        if not isinstance(workspaces, dict) or len(set(workspaces) & {"name", "tags"}) != 1:
            raise BackendError('backend "cloud": workspaces must be {"name": "..."} or {"tags": [...]}')
    return BackendSettings(kind, options)


def state_file(name: str, state_dir: Path | None = None) -> Path:
    """Absolute path of stack `name`'s local state file: ``<state_dir>/terraform.<name>.tfstate``.

    The default directory is the one the app runs in: the cdktf CLI runs it where `cdktf.json` is,
    so each project (a checkout, a pipeline workspace, a test's temporary project) keeps its own."""
    return (state_dir or Path.cwd()).resolve() / f"terraform.{name}.tfstate"


def add_backend(
    stack: cdktf.TerraformStack, name: str, settings: BackendSettings, state_dir: Path | None = None
) -> Path | None:
    """Add the backend to `stack`; return the local state file's path (None for remote state)."""
    options = settings.for_stack(name)
    scope: Construct = stack
    if settings.type == "local":
        configured = options.get("state_dir")
        path = state_file(name, Path(configured) if configured else state_dir)
        # Relative to the stack's working directory (<outdir>/stacks/<name>), so the same on every
        # synth and outside cdktf.out, which synth may clear.
        workdir = Path(os.path.abspath(cdktf.App.of(stack).outdir)) / "stacks" / name
        cdktf.LocalBackend(scope, path=os.path.relpath(path, workdir))
        return path
    if settings.type == "azurerm":
        cdktf.AzurermBackend(scope, **options)
    elif settings.type == "s3":
        lockfile = options.pop("use_lockfile", None)
        backend = cdktf.S3Backend(scope, **options)
        if lockfile is not None:
            backend.add_override("use_lockfile", lockfile)
    else:
        workspaces = options.pop("workspaces")
        space: Any = (
            cdktf.NamedCloudWorkspace(workspaces["name"], project=workspaces.get("project"))
            if "name" in workspaces
            else cdktf.TaggedCloudWorkspaces(workspaces["tags"], project=workspaces.get("project"))
        )
        cdktf.CloudBackend(scope, workspaces=space, **options)
    return None

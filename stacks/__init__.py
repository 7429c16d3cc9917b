"""Example CDKTF app: one stack per tenant, built from a validated configuration file.

Run by `cdktf synth|deploy` through `cdktf.json` (``.venv/bin/python -m stacks``); the file is
`INTUNE_STACKS_CONFIG`, default `stacks/settings.json`. `stacks.shards` splits the stacks across
runners. The names below are imported on first use (PEP 562), so `stacks.shards` needs no CDKTF.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stacks.backends import BackendError, BackendSettings, parse_backend
    from stacks.config import (
        AppConfig,
        ConfigError,
        ProviderSettings,
        SettingsEntry,
        StackConfig,
        load_config,
        parse_config,
    )
    from stacks.tenant_stack import PROJECT_ROOT, TenantStack, build_app, state_file

_HOMES = {
    "stacks.backends": ("BackendError", "BackendSettings", "parse_backend"),
    "stacks.config": (
        "AppConfig",
        "ConfigError",
        "ProviderSettings",
        "SettingsEntry",
        "StackConfig",
        "load_config",
        "parse_config",
    ),
    "stacks.tenant_stack": ("PROJECT_ROOT", "TenantStack", "build_app", "state_file"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "PROJECT_ROOT",
    "AppConfig",
    "BackendError",
    "BackendSettings",
    "ConfigError",
    "ProviderSettings",
    "SettingsEntry",
    "StackConfig",
    "TenantStack",
    "build_app",
    "load_config",
    "parse_backend",
    "parse_config",
    "state_file",
]


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'stacks' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

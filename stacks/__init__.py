"""Example CDKTF app: one stack per tenant, built from a validated configuration file.

Run by `cdktf synth|deploy` through `cdktf.json` (``.venv/bin/python -m stacks``); the file is
`INTUNE_STACKS_CONFIG`, default `stacks/settings.json`.
"""

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

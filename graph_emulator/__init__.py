"""A local stand-in for Microsoft Graph beta (a collection per registered spec: derived credential
settings, the iOS derived credential profile, ...) and for the Microsoft identity platform's token
endpoint, over real HTTPS.

    from graph_emulator import start_emulator

    with start_emulator(data_dir=tmp_path) as emu:
        emu.graph_endpoint   # "https://127.0.0.1:PORT" (clients append /beta)
        emu.authority_host   # azure-identity's `authority`
        emu.tenant_id, emu.client_id, emu.client_secret, emu.ca_file
        emu.env()            # AZURE_* , INTUNE_GRAPH_ENDPOINT, SSL_CERT_FILE, REQUESTS_CA_BUNDLE
        emu.objects(), emu.get_object(id), emu.patch_object(id, {...}), emu.requests
        emu.managed_identity_env()   # IDENTITY_ENDPOINT, IDENTITY_HEADER (App Service style)

A token comes from azure-identity unmodified::

    ClientSecretCredential(emu.tenant_id, emu.client_id, emu.client_secret,
                           authority=emu.authority_host, disable_instance_discovery=True,
                           connection_verify=str(emu.ca_file)
                           ).get_token(f"{emu.graph_endpoint}/.default")

Fault injection (throttling, 503/504, latency, read-after-write lag, dropped connections) is
switchable at start and at run time: see `graph_emulator.faults`::

    with start_emulator(faults=FaultPlan(write_rate=5, write_burst=10, error_rate=0.1, seed=1)) as emu:
        emu.faults.update(read_lag_s=2, drop_after_post_every=7)
        emu.patch_status = 204   # PATCH without a body (documented: 200 with the object)

Also: the `graph-emulator` CLI (`graph_emulator.cli`) and pytest fixtures (`graph_emulator.pytest_plugin`).

Names load from their modules on first use (PEP 562): the pytest plugin (`graph_emulator.pytest_plugin`)
imports this package in every pytest session of an environment that has it installed, and the
emulator's own dependencies (the `[emulator]` extra: trustme, cryptography, PyJWT) may be absent there.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph_emulator._types import Faults, RecordedRequest, Request, RequestLog, Response
    from graph_emulator.faults import FaultPlan
    from graph_emulator.identity_types import Client, FederatedCredential
    from graph_emulator.server import GraphEmulator, start_emulator

_MODULE_OF = {
    "Client": "identity_types",
    "FaultPlan": "faults",
    "Faults": "_types",
    "FederatedCredential": "identity_types",
    "GraphEmulator": "server",
    "RecordedRequest": "_types",
    "Request": "_types",
    "RequestLog": "_types",
    "Response": "_types",
    "start_emulator": "server",
}
__all__ = [
    "Client",
    "FaultPlan",
    "Faults",
    "FederatedCredential",
    "GraphEmulator",
    "RecordedRequest",
    "Request",
    "RequestLog",
    "Response",
    "start_emulator",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)

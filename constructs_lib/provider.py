"""`IntuneProvider`: the `provider "intune"` block and its `required_providers` entry."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

import cdktf
from constructs import Construct

from constructs_lib._tokens import create, is_token, struct
from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION

_LOOPBACK_NAMES = ("localhost",)

# Provider arguments, in the order they are written. None of them is a secret: the client secret,
# certificate or federated token always comes from the environment (AZURE_CLIENT_SECRET, ...), so
# it never lands in cdk.tf.json or in Terraform state.
_ARGUMENTS = ("tenant_id", "client_id", "graph_endpoint", "authority_host")
_URL_ARGUMENTS = ("graph_endpoint", "authority_host")


# Metadata shared by the provider and its resources: cdktf writes `provider_version` as the
# `required_providers` version and checks that every resource's `provider_name` has a provider
# construct in its stack.
GENERATOR_METADATA = cdktf.TerraformProviderGeneratorMetadata(
    provider_name=PROVIDER_TYPE,
    provider_version=PROVIDER_VERSION,
    provider_version_constraint=PROVIDER_VERSION,
)


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint_url(argument: str, value: str) -> None:
    """Raise `ValueError` naming `argument` unless `value` is an absolute https URL (http is allowed
    only on loopback hosts such as 127.0.0.1, localhost or ::1, e.g. for the local Graph emulator)."""
    example = "for example https://graph.microsoft.com"
    if not isinstance(value, str) or any(c.isspace() for c in value):
        raise ValueError(f"{argument}: {value!r} is not an absolute https URL ({example})")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise ValueError(f"{argument}: {value!r} is not an absolute https URL ({example})") from None
    if not host or parts.scheme not in ("https", "http"):
        raise ValueError(f"{argument}: {value!r} is not an absolute https URL ({example})")
    if parts.scheme == "http" and not _is_loopback(host):
        raise ValueError(
            f"{argument}: {value!r} uses plain http, which is allowed only on loopback hosts "
            f"(127.0.0.1, localhost, ::1); use https ({example})"
        )


__all__ = ["IntuneProvider", "check_endpoint_url"]


class IntuneProvider(cdktf.TerraformProvider):
    """The `intune` Terraform provider, which manages Intune objects through Microsoft Graph (beta).

    Every argument is optional: normally the provider reads its credentials from the environment
    (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` or a certificate / federated
    token, `AZURE_AUTHORITY_HOST`, `INTUNE_GRAPH_ENDPOINT`), so nothing secret is ever written to
    the synthesized configuration. There is deliberately no argument for a secret.

    Args:
        scope: The construct (normally a `TerraformStack`) this provider belongs to.
        id: Construct id, unique among its siblings, e.g. ``"intune"``.
        tenant_id: Microsoft Entra tenant (directory) id or domain, e.g.
            ``"contoso.onmicrosoft.com"``. Default: `AZURE_TENANT_ID`.
        client_id: Application (client) id of the app registration, e.g.
            ``"00000000-0000-0000-0000-000000000000"``. Default: `AZURE_CLIENT_ID`.
        graph_endpoint: Microsoft Graph base URL, e.g. ``"https://graph.microsoft.us"`` for US
            Government L4. Must be an absolute https URL (http only on 127.0.0.1, localhost or
            ::1). Default: `INTUNE_GRAPH_ENDPOINT`, else ``https://graph.microsoft.com``.
        authority_host: Microsoft Entra login host, e.g. ``"https://login.microsoftonline.us"``.
            Same URL rules as `graph_endpoint`. Default: `AZURE_AUTHORITY_HOST`, else
            ``https://login.microsoftonline.com``.
        alias: Provider alias for a second configuration (another tenant or cloud), e.g.
            ``"gov"``; pass the provider as ``provider=`` to the resources that should use it.

    Raises:
        ValueError: if `graph_endpoint` or `authority_host` is a literal string that is not an
            acceptable URL; the message names the argument.

    Example::

        stack = cdktf.TerraformStack(app, "intune-example")
        IntuneProvider(stack, "intune")  # credentials from the environment
        gov = IntuneProvider(
            stack,
            "intune-gov",
            alias="gov",
            tenant_id="contoso.onmicrosoft.us",
            graph_endpoint="https://graph.microsoft.us",
            authority_host="https://login.microsoftonline.us",
        )
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        tenant_id: str | None = None,
        client_id: str | None = None,
        graph_endpoint: str | None = None,
        authority_host: str | None = None,
        alias: str | None = None,
    ) -> None:
        values: dict[str, str | None] = {
            "tenant_id": tenant_id,
            "client_id": client_id,
            "graph_endpoint": graph_endpoint,
            "authority_host": authority_host,
        }
        # Check everything before the construct joins the tree.
        for name in _URL_ARGUMENTS:
            value = values[name]
            if value is not None and not is_token(value):
                check_endpoint_url(name, value)
        for name in ("tenant_id", "client_id", "alias"):
            value = alias if name == "alias" else values[name]
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name}: expected a string, got {value!r}")
            if isinstance(value, str) and not value.strip():
                raise ValueError(f"{name}: must not be empty or blank")
        self._values = values
        self._alias = alias
        self._attributes: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
        # Equivalent to super().__init__(scope, id, terraform_resource_type=..., ...).
        config = struct(
            cdktf.TerraformProviderConfig,
            {
                "terraform_resource_type": PROVIDER_TYPE,
                "terraform_generator_metadata": GENERATOR_METADATA,
                "terraform_provider_source": PROVIDER_SOURCE,
            },
        )
        create(self, scope, id, config)

    def __repr__(self) -> str:
        values = {**self._attributes, **({"alias": self._alias} if self._alias else {})}
        args = "".join(f", {k}={v!r}" for k, v in values.items())
        return f"{type(self).__name__}({self.node.id!r}{args})"

    @property
    def alias(self) -> str | None:
        """The provider alias, or None for the default configuration (e.g. ``"gov"``)."""
        return self._alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value

    @property
    def tenant_id(self) -> str | None:
        """The tenant given to the constructor, or None (then `AZURE_TENANT_ID` applies)."""
        return self._values["tenant_id"]

    @property
    def client_id(self) -> str | None:
        """The client id given to the constructor, or None (then `AZURE_CLIENT_ID` applies)."""
        return self._values["client_id"]

    @property
    def graph_endpoint(self) -> str | None:
        """The Graph endpoint given to the constructor, or None (`INTUNE_GRAPH_ENDPOINT` applies)."""
        return self._values["graph_endpoint"]

    @property
    def authority_host(self) -> str | None:
        """The authority host given to the constructor, or None (`AZURE_AUTHORITY_HOST` applies)."""
        return self._values["authority_host"]

    def _synthesize_attributes(self) -> dict[str, Any]:
        return self._attributes

    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return {
            name: {"value": value, "isBlock": False, "type": "simple", "storageClassType": "string"}
            for name, value in self._attributes.items()
        }

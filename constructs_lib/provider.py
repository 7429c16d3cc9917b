"""`IntuneProvider`: the `provider "intune"` block and its `required_providers` entry."""

from __future__ import annotations

import re
from typing import Any

from constructs import Construct

from constructs_lib._tokens import create, is_token, struct
from constructs_lib.engine import cdk as cdktf
from intune_model.address import PROVIDER_SOURCE, PROVIDER_TYPE, PROVIDER_VERSION
from intune_model.arguments import (
    BOOL_ARGUMENTS,
    CHOICE_ARGUMENTS,
    SECRET_ARGUMENTS,
    STRING_ARGUMENTS,
    URL_ARGUMENTS,
    check_base_url,
)
from intune_model.arguments import NUMBER_ARGUMENT_NAMES as NUMBER_ARGUMENTS
from intune_model.clouds import CLOUDS

# Provider arguments by kind come from the provider's own table (`intune_model.arguments`), as does
# the URL rule. The secret ones accept only a reference (a token such as a sensitive, ephemeral
# TerraformVariable): a literal would be written into cdk.tf.json. Without them the provider reads
# AZURE_CLIENT_SECRET etc. from the environment.
__all__ = [
    "BOOL_ARGUMENTS",
    "NUMBER_ARGUMENTS",
    "SECRET_ARGUMENTS",
    "STRING_ARGUMENTS",
    "IntuneProvider",
    "check_endpoint_url",
    "check_provider_arguments",
    "check_provider_source",
]


# Metadata shared by the provider and its resources: cdktf writes `provider_version` as the
# `required_providers` version and checks that every resource's `provider_name` has a provider
# construct in its stack.
GENERATOR_METADATA = cdktf.TerraformProviderGeneratorMetadata(
    provider_name=PROVIDER_TYPE,
    provider_version=PROVIDER_VERSION,
    provider_version_constraint=PROVIDER_VERSION,
)


def check_endpoint_url(argument: str, value: str) -> None:
    """Raise `ValueError` naming `argument` unless `value` is a URL the provider accepts: absolute
    https (http only on loopback hosts such as 127.0.0.1, localhost or ::1, e.g. for the local Graph
    emulator), without a query or fragment. The provider's own rule, so synth and plan agree."""
    check_base_url(value, argument)


class IntuneProvider(cdktf.TerraformProvider):
    """The `intune` Terraform provider, which manages Intune objects through Microsoft Graph (beta).

    Every argument is optional: normally the provider reads its credentials from the environment
    (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` or a certificate / federated
    token, `AZURE_AUTHORITY_HOST`, `INTUNE_GRAPH_ENDPOINT`). A secret passed as an argument must be
    a reference (a `TerraformVariable` overridden `ephemeral`: a merely sensitive one is saved in
    plan files), never a literal, so nothing secret is ever written to the synthesized
    configuration. The credential is chosen in the provider's documented order (README,
    "Authentication").

    Args:
        scope: The construct (normally a `TerraformStack`) this provider belongs to.
        id: Construct id, unique among its siblings, e.g. ``"intune"``.
        tenant_id: Microsoft Entra tenant (directory) id or domain, e.g.
            ``"contoso.onmicrosoft.com"``. Default: `AZURE_TENANT_ID`.
        client_id: Application (client) id of the app registration, e.g.
            ``"00000000-0000-0000-0000-000000000000"``. Default: `AZURE_CLIENT_ID`.
        client_secret: The app's client secret as a reference, e.g. ``secret.string_value`` of
            ``TerraformVariable(stack, "client_secret", type="string", sensitive=True)`` (add
            ``secret.add_override("ephemeral", True)`` so not even the plan file keeps it). A
            literal string is refused. Default: `AZURE_CLIENT_SECRET`.
        client_certificate_path: Path of a PEM (key and certificate) or PFX file registered on the
            app, e.g. ``"/secrets/intune.pfx"``. Default: `AZURE_CLIENT_CERTIFICATE_PATH`.
        client_certificate_password: The certificate file's password, as a reference (like
            `client_secret`). Default: `AZURE_CLIENT_CERTIFICATE_PASSWORD`.
        federated_token_file: File with a federated OIDC token, e.g.
            ``"/var/run/secrets/azure/tokens/azure-identity-token"``. Default:
            `AZURE_FEDERATED_TOKEN_FILE`.
        use_oidc: True to use workload identity federation: GitHub Actions OIDC (a job with
            ``permissions: id-token: write``), else the federated token file.
        use_cli: True to use the Azure CLI's signed-in account (``az login``).
        use_msi: True to use the machine's managed identity.
        cloud: ``"public"``, ``"usgovernment"``, ``"usgovernmentdod"`` or ``"china"``: sets the
            Graph and login hosts. Default: `INTUNE_CLOUD`, else ``"public"``.
        graph_endpoint: Microsoft Graph base URL, e.g. ``"https://graph.microsoft.us"`` for US
            Government L4. Must be an absolute https URL (http only on 127.0.0.1, localhost or
            ::1). Default: `INTUNE_GRAPH_ENDPOINT`, else ``https://graph.microsoft.com``.
        authority_host: Microsoft Entra login host, e.g. ``"https://login.microsoftonline.us"``.
            Same URL rules as `graph_endpoint`. Default: `AZURE_AUTHORITY_HOST`, else
            ``https://login.microsoftonline.com``.
        timeout_seconds: How long one operation may keep retrying throttled or failed Graph calls,
            e.g. ``1800`` for a very large apply. Default 600.
        write_limit: Writes (POST, PATCH, DELETE) per `write_window_seconds` shared by all of the
            provider's parallel operations, e.g. ``50`` to leave half of Graph's budget to other
            tools. Lowered automatically while Graph answers 429. Default 100.
        write_window_seconds: The window of `write_limit`. Default 20.
        update_strategy: ``"patch"`` (default) updates objects in place; ``"replace"`` plans every
            change to a field as a replacement (delete, then create; with
            ``lifecycle`` ``create_before_destroy`` the new one first), for tenants where Graph
            refuses or ignores PATCH.
        unmanaged_match: What a create does when Graph already holds an object with exactly its
            settings that no resource of the state manages (an apply killed before it recorded
            it, the portal, another configuration): ``"warn"`` (default) names it with the
            import command and creates another; ``"error"`` fails before creating. Default:
            `INTUNE_UNMANAGED_MATCH`, else ``"warn"``.
        alias: Provider alias for a second configuration (another tenant or cloud), e.g.
            ``"gov"``; pass the provider as ``provider=`` to the resources that should use it.
        source: Where Terraform installs the provider from (`required_providers` source), e.g.
            ``"terraform.example.com/intune/intune"`` for a release site written by
            ``intune-provider package`` (docs/releases.md); its type must be ``intune``. Default:
            ``"terraform.local/intune/intune"``, the address ``intune-provider install`` mirrors.
            Every provider construct of a stack must name the same source.

    Raises:
        ValueError: if `graph_endpoint` or `authority_host` is a literal string that is not an
            acceptable URL, `cloud` names no cloud, `update_strategy` is not ``"patch"`` or
            ``"replace"``, `unmanaged_match` is not ``"warn"`` or ``"error"``, a `use_*` flag is
            not a bool, a number is not positive, or a secret argument is a literal; the message
            names the argument and the fix.

    Example::

        stack = cdktf.TerraformStack(app, "intune-example")
        IntuneProvider(stack, "intune")  # credentials from the environment
        gov = IntuneProvider(stack, "intune-gov", alias="gov", tenant_id="contoso.onmicrosoft.us",
                             cloud="usgovernment", use_oidc=True)
        secret = cdktf.TerraformVariable(stack, "prod_client_secret", type="string", sensitive=True)
        secret.add_override("ephemeral", True)  # TF_VAR_prod_client_secret, kept out of plan files
        prod = IntuneProvider(stack, "intune-prod", alias="prod", tenant_id="<prod tenant>",
                              client_id="<app id>", client_secret=secret.string_value)
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        tenant_id: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        client_certificate_path: str | None = None,
        client_certificate_password: str | None = None,
        federated_token_file: str | None = None,
        use_oidc: bool | None = None,
        use_cli: bool | None = None,
        use_msi: bool | None = None,
        cloud: str | None = None,
        graph_endpoint: str | None = None,
        authority_host: str | None = None,
        timeout_seconds: float | None = None,
        write_limit: float | None = None,
        write_window_seconds: float | None = None,
        update_strategy: str | None = None,
        unmanaged_match: str | None = None,
        alias: str | None = None,
        source: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "tenant_id": tenant_id,
            "client_id": client_id,
            "client_secret": client_secret,
            "client_certificate_path": client_certificate_path,
            "client_certificate_password": client_certificate_password,
            "federated_token_file": federated_token_file,
            "use_oidc": use_oidc,
            "use_cli": use_cli,
            "use_msi": use_msi,
            "cloud": cloud,
            "graph_endpoint": graph_endpoint,
            "authority_host": authority_host,
            "timeout_seconds": timeout_seconds,
            "write_limit": write_limit,
            "write_window_seconds": write_window_seconds,
            "update_strategy": update_strategy,
            "unmanaged_match": unmanaged_match,
        }
        check_provider_arguments({**values, "alias": alias})  # everything before joining the tree
        if source is not None:
            check_provider_source(source)
        self._values = values
        self._alias = alias
        self._attributes: dict[str, Any] = {k: v for k, v in values.items() if v is not None}
        # Equivalent to super().__init__(scope, id, terraform_resource_type=..., ...).
        config = struct(
            cdktf.TerraformProviderConfig,
            {
                "terraform_resource_type": PROVIDER_TYPE,
                "terraform_generator_metadata": GENERATOR_METADATA,
                "terraform_provider_source": source or PROVIDER_SOURCE,
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
    def client_secret(self) -> str | None:
        """The client secret reference (a token string), or None (`AZURE_CLIENT_SECRET` applies)."""
        return self._string("client_secret")

    @property
    def cloud(self) -> str | None:
        """The cloud given to the constructor, or None (`INTUNE_CLOUD`, else public, applies)."""
        return self._string("cloud")

    @property
    def tenant_id(self) -> str | None:
        """The tenant given to the constructor, or None (then `AZURE_TENANT_ID` applies)."""
        return self._string("tenant_id")

    @property
    def client_id(self) -> str | None:
        """The client id given to the constructor, or None (then `AZURE_CLIENT_ID` applies)."""
        return self._string("client_id")

    @property
    def graph_endpoint(self) -> str | None:
        """The Graph endpoint given to the constructor, or None (`INTUNE_GRAPH_ENDPOINT` applies)."""
        return self._string("graph_endpoint")

    @property
    def authority_host(self) -> str | None:
        """The authority host given to the constructor, or None (`AZURE_AUTHORITY_HOST` applies)."""
        return self._string("authority_host")

    def _string(self, name: str) -> str | None:
        value = self._values[name]
        return value if isinstance(value, str) else None

    def _synthesize_attributes(self) -> dict[str, Any]:
        return self._attributes

    def _synthesize_hcl_attributes(self) -> dict[str, Any]:
        return {
            name: {
                "value": value,
                "isBlock": False,
                "type": "simple",
                "storageClassType": "boolean"
                if name in BOOL_ARGUMENTS
                else "number"
                if name in NUMBER_ARGUMENTS
                else "string",
            }
            for name, value in self._attributes.items()
        }


_SOURCE = re.compile(rf"^(?:[^/\s]+/)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/{PROVIDER_TYPE}$")


def check_provider_source(source: str) -> None:
    """Raise `ValueError` unless `source` is a provider address `[<host>/]<namespace>/intune`."""
    if not isinstance(source, str) or not _SOURCE.match(source):
        raise ValueError(
            f"source: {source!r} is not a provider address of type {PROVIDER_TYPE!r}; give "
            f'"<host>/<namespace>/{PROVIDER_TYPE}", e.g. "terraform.example.com/intune/{PROVIDER_TYPE}"'
        )


def check_provider_arguments(values: dict[str, Any]) -> None:
    """Raise `ValueError` naming the argument and the fix for the first bad literal value. Tokens are
    accepted unchecked (their value is known at deploy time); secrets must be tokens."""
    for name in SECRET_ARGUMENTS:
        value = values.get(name)
        if value is not None and not is_token(value):
            raise ValueError(
                f"{name}: a literal secret would be written into cdk.tf.json; pass a reference instead, "
                f'e.g. TerraformVariable(stack, "{name}", type="string", sensitive=True) with '
                f'.add_override("ephemeral", True), set through TF_VAR_{name} — or leave {name} unset '
                "and let the provider read it from the environment"
            )
    for name in URL_ARGUMENTS:
        value = values.get(name)
        if value is not None and not is_token(value):
            check_endpoint_url(name, value)
    for name in BOOL_ARGUMENTS:
        value = values.get(name)
        if value is not None and not isinstance(value, bool) and not is_token(value):
            raise ValueError(f"{name}: expected True or False, got {value!r}")
    for name in NUMBER_ARGUMENTS:
        value = values.get(name)
        if value is None or is_token(value):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValueError(f"{name}: expected a positive number, got {value!r}")
    cloud = values.get("cloud")
    if cloud is not None and not is_token(cloud) and (not isinstance(cloud, str) or cloud not in CLOUDS):
        raise ValueError(f"cloud: {cloud!r} is not a cloud; allowed values: {', '.join(CLOUDS)}")
    for arg in CHOICE_ARGUMENTS:
        value = values.get(arg.name)
        if value is not None and not is_token(value) and (problem := arg.problem(value)):
            raise ValueError(f"{arg.name}: {problem}")
    for name in (*STRING_ARGUMENTS, "alias"):
        value = values.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name}: expected a string, got {value!r}")
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"{name}: must not be empty or blank")

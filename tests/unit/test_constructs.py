"""The construct library: exact synthesized JSON/HCL, validation before synthesis, tokens, aliases."""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

import inspect
import json
import re
from pathlib import Path
from typing import Any

import cdktf
import pytest

import constructs_lib
from constructs_lib import (
    DerivedCredentialSettings,
    IntuneProvider,
    Issuer,
    NotificationType,
    SettingsInvalid,
)
from intune_model.address import PROVIDER_SOURCE, PROVIDER_VERSION, RESOURCE_TYPE

FULL: dict[str, Any] = {
    "display_name": "Purebred derived credentials",
    "issuer": Issuer.PUREBRED,
    "help_url": "https://example.com/help",
    "notification_types": [NotificationType.EMAIL, NotificationType.COMPANY_PORTAL],
    "renewal_threshold_percentage": 20,
}


def new_stack(name: str = "test") -> cdktf.TerraformStack:
    return cdktf.TerraformStack(cdktf.Testing.app(), name)


def synth(stack: cdktf.TerraformStack) -> dict[str, Any]:
    return dict(json.loads(cdktf.Testing.synth(stack)))


def resource_body(stack: cdktf.TerraformStack, name: str) -> dict[str, Any]:
    return dict(synth(stack)["resource"][RESOURCE_TYPE][name])


def children(stack: cdktf.TerraformStack) -> list[str]:
    return [c.node.id for c in stack.node.children]


# ----------------------------------------------------------------------------- public API


def test_public_api() -> None:
    assert constructs_lib.__version__ == PROVIDER_VERSION
    assert issubclass(SettingsInvalid, ValueError)
    from intune_model import errors
    from intune_model.resources import derived_credential

    assert Issuer is derived_credential.Issuer  # the spec's own enums, re-exported
    assert NotificationType is derived_credential.NotificationType
    assert SettingsInvalid is errors.SettingsInvalid
    assert DerivedCredentialSettings.TF_RESOURCE_TYPE == RESOURCE_TYPE == "intune_derived_credential"


def test_provider_arguments_match_the_provider_schema() -> None:
    from terraform_provider_intune.config import ARGUMENTS

    not_arguments = {"self", "scope", "id", "alias", "source"}  # source: where Terraform installs it from
    params = set(inspect.signature(IntuneProvider.__init__).parameters) - not_arguments
    assert params == {a.name for a in ARGUMENTS}


def test_provider_source_names_where_terraform_installs_it_from() -> None:
    """A release site's address (`intune-provider package`) replaces the default mirror address in
    `required_providers`; the version stays the provider's."""
    default, site = new_stack("default"), new_stack("site")
    IntuneProvider(default, "intune")
    IntuneProvider(site, "intune", source="localhost:8443/contoso/intune")
    assert synth(default)["terraform"]["required_providers"]["intune"]["source"] == PROVIDER_SOURCE
    assert synth(site)["terraform"]["required_providers"]["intune"] == {
        "source": "localhost:8443/contoso/intune",
        "version": PROVIDER_VERSION,
    }


@pytest.mark.parametrize("source", ["localhost:8443/contoso/azurerm", "intune", "a b/intune/intune", ""])
def test_provider_source_of_another_type_is_refused(source: str) -> None:
    stack = new_stack()
    with pytest.raises(ValueError, match=r"^source: .* is not a provider address of type 'intune'"):
        IntuneProvider(stack, "intune", source=source)
    assert children(stack) == []


@pytest.mark.parametrize("argument", ["client_secret", "client_certificate_password"])
def test_literal_secret_is_refused(argument: str) -> None:
    stack = new_stack()
    with pytest.raises(ValueError, match=f"{argument}: a literal secret would be written into cdk.tf.json"):
        IntuneProvider(stack, "intune", **{argument: "hunter2"})
    assert children(stack) == []


def test_secret_reference_is_synthesized_as_a_reference() -> None:
    stack = new_stack()
    secret = cdktf.TerraformVariable(stack, "dev_client_secret", type="string", sensitive=True)
    secret.add_override("ephemeral", True)
    IntuneProvider(stack, "intune", client_secret=secret.string_value, use_oidc=False, cloud="china")
    body = synth(stack)
    assert body["provider"]["intune"] == [
        {"client_secret": "${var.dev_client_secret}", "use_oidc": False, "cloud": "china"}
    ]
    assert body["variable"]["dev_client_secret"] == {"type": "string", "sensitive": True, "ephemeral": True}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cloud": "azurestack"}, "cloud: 'azurestack' is not a cloud; allowed values: public, usgovernment"),
        ({"use_oidc": "yes"}, "use_oidc: expected True or False"),
        ({"client_certificate_path": ""}, "client_certificate_path: must not be empty"),
    ],
)
def test_bad_auth_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        IntuneProvider(new_stack(), "intune", **kwargs)


def test_docstrings_with_examples() -> None:
    for cls in (IntuneProvider, DerivedCredentialSettings):
        doc = cls.__doc__ or ""
        assert "Example::" in doc
        for param in inspect.signature(cls.__init__).parameters:
            if param != "self":
                assert f"{param}:" in doc, (cls.__name__, param)


# ----------------------------------------------------------------------------- synthesis


def test_full_resource_body_and_required_providers() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    DerivedCredentialSettings(stack, "purebred", **FULL)
    out = synth(stack)
    assert out["resource"] == {
        "intune_derived_credential": {
            "purebred": {
                "display_name": "Purebred derived credentials",
                "issuer": "purebred",
                "help_url": "https://example.com/help",
                "notification_types": ["companyPortal", "email"],
                "renewal_threshold_percentage": 20,
            }
        }
    }
    assert out["terraform"]["required_providers"] == {
        "intune": {"source": PROVIDER_SOURCE, "version": PROVIDER_VERSION}
    }
    assert PROVIDER_SOURCE == "terraform.local/intune/intune"
    assert out["provider"] == {"intune": [{}]}


def test_full_synth_writes_the_stack_file() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    DerivedCredentialSettings(stack, "entrust", display_name="Entrust", issuer="entrustDatacard")
    outdir = Path(cdktf.Testing.full_synth(stack))
    out = json.loads((outdir / "stacks" / "test" / "cdk.tf.json").read_text())
    assert out["resource"][RESOURCE_TYPE]["entrust"]["issuer"] == "entrustDatacard"


def test_unset_fields_are_omitted() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    DerivedCredentialSettings(stack, "entrust", display_name="Entrust", issuer=Issuer.ENTRUST_DATACARD)
    assert resource_body(stack, "entrust") == {"display_name": "Entrust", "issuer": "entrustDatacard"}


def test_enum_and_string_inputs_synth_the_same() -> None:
    a, b = new_stack("a"), new_stack("b")
    for stack in (a, b):
        IntuneProvider(stack, "intune")
    DerivedCredentialSettings(a, "s", **FULL)
    DerivedCredentialSettings(
        b,
        "s",
        **{**FULL, "issuer": "purebred", "notification_types": ["email", "companyPortal"]},
    )
    assert resource_body(a, "s") == resource_body(b, "s")


@pytest.mark.parametrize(
    "types",
    [
        ["email", "companyPortal"],
        ["companyPortal", "email"],
        ("email", NotificationType.COMPANY_PORTAL),
        {NotificationType.EMAIL, NotificationType.COMPANY_PORTAL},
        ["email", "companyPortal", "email"],
    ],
)
def test_notification_order_is_normalised(types: Any) -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    r = DerivedCredentialSettings(stack, "s", display_name="S", issuer="xTec", notification_types=types)
    assert resource_body(stack, "s")["notification_types"] == ["companyPortal", "email"]
    assert r.notification_types_input == ["companyPortal", "email"]


def test_inputs_are_what_was_set_and_getters_are_references() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    r = DerivedCredentialSettings(stack, "s", **{**FULL, "issuer": Issuer.PUREBRED})
    assert r.display_name_input == "Purebred derived credentials"
    assert r.issuer_input == "purebred" and type(r.issuer_input) is str
    assert r.help_url_input == "https://example.com/help"
    assert r.renewal_threshold_percentage_input == 20
    bare = DerivedCredentialSettings(stack, "bare", display_name="B", issuer="intercede")
    assert bare.help_url_input is None and bare.notification_types_input is None
    assert bare.renewal_threshold_percentage_input is None
    # every getter is a token: a reference to the attribute, as in a generated binding
    for name in (
        "display_name",
        "issuer",
        "help_url",
        "notification_types",
        "renewal_threshold_percentage",
        "id",
    ):
        assert cdktf.Token.is_unresolved(getattr(bare, name)), name
    cdktf.TerraformOutput(stack, "name", value=bare.display_name)
    cdktf.TerraformOutput(stack, "pct", value=bare.renewal_threshold_percentage)
    outputs = json.loads(cdktf.Testing.synth(stack))["output"]
    assert outputs["name"]["value"] == "${intune_derived_credential.bare.display_name}"
    assert outputs["pct"]["value"] == "${intune_derived_credential.bare.renewal_threshold_percentage}"
    with pytest.raises(AttributeError, match="computed"):
        bare.id = "x"  # type: ignore[misc]


def test_setters_check_and_reset_unsets() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    r = DerivedCredentialSettings(stack, "s", **FULL)
    r.display_name = "Renamed"
    r.notification_types = ("email",)
    r.reset_help_url()
    r.reset_renewal_threshold_percentage()
    body = resource_body(stack, "s")
    assert body["display_name"] == "Renamed" and body["notification_types"] == ["email"]
    assert "help_url" not in body and "renewal_threshold_percentage" not in body
    assert r.help_url_input is None
    with pytest.raises(SettingsInvalid, match="renewal_threshold_percentage: 150 is not allowed"):
        r.renewal_threshold_percentage = 150
    with pytest.raises(SettingsInvalid, match="issuer: 'acme' is not an issuer"):
        r.issuer = "acme"
    with pytest.raises(SettingsInvalid, match="display_name: is required"):
        r.display_name = None  # type: ignore[assignment]
    assert not hasattr(r, "reset_display_name") and not hasattr(r, "reset_issuer")
    pct = cdktf.TerraformVariable(stack, "pct", type="number")
    r.renewal_threshold_percentage = pct.number_value  # tokens pass to plan-time validation
    assert resource_body(stack, "s")["renewal_threshold_percentage"] == "${var.pct}"


def test_id_is_a_token_usable_in_outputs() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    r = DerivedCredentialSettings(stack, "s", display_name="S", issuer="purebred")
    assert cdktf.Token.is_unresolved(r.id)
    cdktf.TerraformOutput(stack, "s_id", value=r.id)
    assert synth(stack)["output"] == {"s_id": {"value": "${intune_derived_credential.s.id}"}}


def test_provider_attributes_only_those_set() -> None:
    stack = new_stack()
    IntuneProvider(
        stack,
        "intune",
        tenant_id="contoso.onmicrosoft.com",
        client_id="00000000-0000-0000-0000-000000000000",
        graph_endpoint="https://graph.microsoft.us",
        authority_host="https://login.microsoftonline.us",
    )
    IntuneProvider(stack, "local", alias="local", graph_endpoint="http://127.0.0.1:8080")
    assert synth(stack)["provider"] == {
        "intune": [
            {
                "tenant_id": "contoso.onmicrosoft.com",
                "client_id": "00000000-0000-0000-0000-000000000000",
                "graph_endpoint": "https://graph.microsoft.us",
                "authority_host": "https://login.microsoftonline.us",
            },
            {"alias": "local", "graph_endpoint": "http://127.0.0.1:8080"},
        ]
    }


def test_alias_provider_routing() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    gov = IntuneProvider(stack, "gov", alias="gov", tenant_id="contoso.onmicrosoft.us")
    assert gov.alias == "gov"
    assert gov.fqn == "intune.gov"
    DerivedCredentialSettings(stack, "default", display_name="D", issuer="purebred")
    DerivedCredentialSettings(stack, "routed", display_name="R", issuer="purebred", provider=gov)
    resources = synth(stack)["resource"][RESOURCE_TYPE]
    assert "provider" not in resources["default"]
    assert resources["routed"]["provider"] == "intune.gov"


def test_meta_arguments_pass_through() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    first = DerivedCredentialSettings(stack, "first", display_name="F", issuer="purebred")
    DerivedCredentialSettings(
        stack,
        "second",
        display_name="S",
        issuer="purebred",
        depends_on=[first],
        lifecycle=cdktf.TerraformResourceLifecycle(prevent_destroy=True),
    )
    body = resource_body(stack, "second")
    assert body["depends_on"] == ["intune_derived_credential.first"]
    assert body["lifecycle"] == {"prevent_destroy": True}


def test_resource_without_provider_is_refused_by_synth() -> None:
    stack = new_stack()
    DerivedCredentialSettings(stack, "s", display_name="S", issuer="purebred")
    with pytest.raises(Exception, match="provider"):
        cdktf.Testing.full_synth(stack)


# ----------------------------------------------------------------------------- HCL


def test_hcl_synthesis_has_every_attribute() -> None:
    stack = new_stack()
    IntuneProvider(
        stack, "intune", tenant_id="contoso.onmicrosoft.com", graph_endpoint="https://graph.microsoft.us"
    )
    gov = IntuneProvider(stack, "gov", alias="gov")
    DerivedCredentialSettings(stack, "purebred", **FULL)
    DerivedCredentialSettings(
        stack, "entrust", display_name="Entrust", issuer="entrustDatacard", provider=gov
    )
    hcl = str(cdktf.Testing.synth_hcl(stack))
    flat = " ".join(hcl.split())
    assert 'resource "intune_derived_credential" "purebred" {' in hcl
    assert 'display_name = "Purebred derived credentials"' in hcl
    assert 'issuer = "purebred"' in hcl
    assert 'help_url = "https://example.com/help"' in hcl
    assert 'notification_types = [ "companyPortal", "email" ]' in flat
    assert "renewal_threshold_percentage = 20" in hcl
    assert 'display_name = "Entrust"' in hcl and 'issuer = "entrustDatacard"' in hcl
    assert 'tenant_id = "contoso.onmicrosoft.com"' in hcl
    assert 'graph_endpoint = "https://graph.microsoft.us"' in hcl
    assert 'alias = "gov"' in hcl
    assert 'source = "terraform.local/intune/intune"' in hcl
    assert f'version = "{PROVIDER_VERSION}"' in hcl
    assert "[object Object]" not in hcl and "Warning" not in hcl


def test_hcl_synthesis_with_tokens() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    name = cdktf.TerraformVariable(stack, "name", type="string")
    pct = cdktf.TerraformVariable(stack, "pct", type="number")
    DerivedCredentialSettings(
        stack,
        "s",
        display_name=name.string_value,
        issuer="purebred",
        renewal_threshold_percentage=pct.number_value,
    )
    hcl = str(cdktf.Testing.synth_hcl(stack))
    assert "display_name = var.name" in hcl or 'display_name = "${var.name}"' in hcl
    assert (
        "renewal_threshold_percentage = var.pct" in hcl
        or 'renewal_threshold_percentage = "${var.pct}"' in hcl
    )


# ----------------------------------------------------------------------------- tokens


def test_tokens_are_accepted_unvalidated() -> None:
    stack = new_stack()
    IntuneProvider(
        stack, "intune", graph_endpoint=cdktf.TerraformVariable(stack, "ep", type="string").string_value
    )
    name = cdktf.TerraformVariable(stack, "name", type="string")
    issuer = cdktf.TerraformVariable(stack, "issuer", type="string")
    url = cdktf.TerraformVariable(stack, "url", type="string")
    types = cdktf.TerraformVariable(stack, "types", type="list(string)")
    pct = cdktf.TerraformVariable(stack, "pct", type="number")
    r = DerivedCredentialSettings(
        stack,
        "s",
        display_name=name.string_value,
        issuer=issuer.string_value,
        help_url=url.string_value,
        notification_types=types.list_value,
        renewal_threshold_percentage=pct.number_value,
    )
    assert cdktf.Token.is_unresolved(r.issuer)
    out = synth(stack)
    assert out["resource"][RESOURCE_TYPE]["s"] == {
        "display_name": "${var.name}",
        "issuer": "${var.issuer}",
        "help_url": "${var.url}",
        "notification_types": "${var.types}",
        "renewal_threshold_percentage": "${var.pct}",
    }
    assert out["provider"]["intune"] == [{"graph_endpoint": "${var.ep}"}]


def test_literal_fields_are_still_checked_next_to_tokens() -> None:
    stack = new_stack()
    name = cdktf.TerraformVariable(stack, "name", type="string")
    with pytest.raises(SettingsInvalid) as info:
        DerivedCredentialSettings(stack, "s", display_name=name.string_value, issuer="String")
    assert [f for f, _ in info.value.problems] == ["issuer"]
    with pytest.raises(SettingsInvalid) as info:
        DerivedCredentialSettings(
            stack,
            "t",
            display_name=name.string_value,
            issuer=None,  # type: ignore[arg-type]
            renewal_threshold_percentage=150,
        )
    assert sorted(f for f, _ in info.value.problems) == ["issuer", "renewal_threshold_percentage"]
    assert children(stack) == ["name"]


def test_token_issuer_with_literal_fields_synth_normalised() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    issuer = cdktf.TerraformVariable(stack, "issuer", type="string")
    DerivedCredentialSettings(
        stack,
        "s",
        display_name="S",
        issuer=issuer.string_value,
        notification_types=["email", "companyPortal"],
    )
    assert resource_body(stack, "s") == {
        "display_name": "S",
        "issuer": "${var.issuer}",
        "notification_types": ["companyPortal", "email"],
    }


# ----------------------------------------------------------------------------- bad input

BAD: list[tuple[str, dict[str, Any], str, tuple[str, ...]]] = [
    (
        "issuer",
        {"issuer": "String"},
        "'String' is not an issuer",
        ("intercede", "entrustDatacard", "purebred", "xTec"),
    ),
    (
        "issuer",
        {"issuer": None},
        "null is not an issuer",
        ("intercede", "entrustDatacard", "purebred", "xTec"),
    ),
    ("notification_types", {"notification_types": ["sms"]}, "'sms'", ("none", "companyPortal", "email")),
    ("notification_types", {"notification_types": "email"}, "list", ("none", "companyPortal", "email")),
    ("notification_types", {"notification_types": ["none", "email"]}, "cannot be combined", ()),
    ("display_name", {"display_name": ""}, "blank", ()),
    ("display_name", {"display_name": "   "}, "blank", ()),
    ("help_url", {"help_url": "/help"}, "absolute http(s) URL", ()),
    ("help_url", {"help_url": "ftp://example.com/help"}, "absolute http(s) URL", ()),
    ("renewal_threshold_percentage", {"renewal_threshold_percentage": 150}, "0 to 100", ()),
    ("renewal_threshold_percentage", {"renewal_threshold_percentage": -1}, "0 to 100", ()),
    ("renewal_threshold_percentage", {"renewal_threshold_percentage": 12.5}, "whole number", ()),
    ("renewal_threshold_percentage", {"renewal_threshold_percentage": "20"}, "whole number", ()),
    ("renewal_threshold_percentage", {"renewal_threshold_percentage": True}, "whole number", ()),
]


@pytest.mark.parametrize(("field", "change", "says", "allowed"), BAD, ids=[f"{b[0]}={b[1]}" for b in BAD])
def test_bad_input_raises_before_synthesis(
    field: str, change: dict[str, Any], says: str, allowed: tuple[str, ...]
) -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    with pytest.raises(SettingsInvalid) as info:
        DerivedCredentialSettings(stack, "bad", **{**FULL, **change})
    assert [f for f, _ in info.value.problems] == [field]
    message = str(info.value)
    assert field in message and says in message
    assert "'bad'" in message  # names the construct
    for value in allowed:
        assert value in message
    assert isinstance(info.value, ValueError)
    # Nothing half-built: the tree holds only the provider, and the stack still synthesizes.
    assert children(stack) == ["intune"]
    assert "resource" not in synth(stack)


def test_every_problem_reported_at_once() -> None:
    stack = new_stack()
    with pytest.raises(SettingsInvalid) as info:
        DerivedCredentialSettings(
            stack,
            "bad",
            display_name=" ",
            issuer="String",
            help_url="ftp://x",
            notification_types=["none", "email"],
            renewal_threshold_percentage=150,
        )
    assert sorted(f for f, _ in info.value.problems) == sorted(
        ["display_name", "issuer", "help_url", "notification_types", "renewal_threshold_percentage"]
    )
    assert children(stack) == []


@pytest.mark.parametrize("argument", ["graph_endpoint", "authority_host"])
@pytest.mark.parametrize(
    "url",
    [
        "graph.microsoft.com",
        "/v1",
        "ftp://graph.microsoft.com",
        "http://graph.microsoft.com",
        "https://",
        "https://a b",
    ],
)
def test_bad_provider_urls(argument: str, url: str) -> None:
    stack = new_stack()
    with pytest.raises(ValueError, match=argument):
        IntuneProvider(stack, "intune", **{argument: url})
    assert children(stack) == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://localhost:1234/", "http://[::1]:80", "https://x.y"]
)
def test_loopback_http_and_https_urls_allowed(url: str) -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune", graph_endpoint=url, authority_host=url)
    assert synth(stack)["provider"]["intune"] == [{"graph_endpoint": url, "authority_host": url}]


def test_lifecycle_as_dict() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    DerivedCredentialSettings(
        stack, "s", display_name="S", issuer="purebred", lifecycle={"ignore_changes": ["help_url"]}
    )
    assert resource_body(stack, "s")["lifecycle"] == {"ignore_changes": ["help_url"]}


def test_struct_without_type_checks_matches_generated_init() -> None:
    from constructs_lib._tokens import struct

    checked = cdktf.TerraformResourceConfig(terraform_resource_type=RESOURCE_TYPE, provider=None)
    fast = struct(cdktf.TerraformResourceConfig, {"terraform_resource_type": RESOURCE_TYPE, "provider": None})
    assert fast == checked
    assert fast.terraform_resource_type == RESOURCE_TYPE and fast.provider is None


def test_duplicate_construct_id_is_refused() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    DerivedCredentialSettings(stack, "s", display_name="S", issuer="purebred")
    with pytest.raises(Exception, match="already a Construct with name"):
        DerivedCredentialSettings(stack, "s", display_name="S", issuer="purebred")


def test_token_objects_pass_as_the_kind_of_their_field() -> None:
    # an iterator's `value` is an IResolvable, not a string: a binding user wraps it in
    # Token.as_string; the constructs take it as it is
    stack = new_stack()
    IntuneProvider(stack, "intune")
    it = cdktf.TerraformIterator.from_list(["a"])
    r = DerivedCredentialSettings(
        stack,
        "s",
        for_each=it,
        display_name=it.value,
        issuer=it.value,
        notification_types=[it.value],
        renewal_threshold_percentage=it.value,
    )
    r.help_url = it.value
    body = resource_body(stack, "s")
    assert body["display_name"] == body["issuer"] == body["help_url"] == "${each.value}"
    assert body["notification_types"] == ["${each.value}"]
    assert body["renewal_threshold_percentage"] == "${each.value}"


def test_every_meta_argument_is_synthesized() -> None:
    stack = new_stack()
    gov = IntuneProvider(stack, "gov", alias="gov")
    IntuneProvider(stack, "intune")
    a = DerivedCredentialSettings(
        stack,
        "a",
        display_name="A",
        issuer="xTec",
        lifecycle={"prevent_destroy": True},
        connection=cdktf.SSHProvisionerConnection(type="ssh", host="h"),
        provisioners=[cdktf.LocalExecProvisioner(type="local-exec", command="echo hi")],
        provider=gov,
    )
    DerivedCredentialSettings(stack, "b", display_name="B", issuer="xTec", depends_on=[a], count=2)
    a_body, b_body = resource_body(stack, "a"), resource_body(stack, "b")
    assert a_body["lifecycle"] == {"prevent_destroy": True}
    assert a_body["connection"] == {"host": "h", "type": "ssh"}
    assert a_body["provisioner"] == [{"local-exec": {"command": "echo hi"}}]
    assert a_body["provider"] == "intune.gov"
    assert b_body["depends_on"] == ["intune_derived_credential.a"] and b_body["count"] == 2


def test_meta_argument_mistakes_are_named() -> None:
    stack = new_stack()
    IntuneProvider(stack, "intune")
    it = cdktf.TerraformIterator.from_list(["a"])
    with pytest.raises(ValueError, match="count and for_each cannot both be set"):
        DerivedCredentialSettings(stack, "x", display_name="X", issuer="xTec", count=2, for_each=it)
    with pytest.raises(TypeError, match="count: expected a number or a TerraformCount"):
        DerivedCredentialSettings(stack, "y", display_name="Y", issuer="xTec", count="2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="for_each: expected a TerraformIterator"):
        DerivedCredentialSettings(stack, "z", display_name="Z", issuer="xTec", for_each=["a"])  # type: ignore[arg-type]
    assert children(stack) == ["intune"], "nothing half-added"

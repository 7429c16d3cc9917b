"""Which rules are Graph's and which are ours: the field kinds say so, the emulator applies Graph's
by default and ours too in its `strict_rules` mode, and enum spellings that differ only in case are
refused with "did you mean" everywhere input is judged (model, provider validate, construct,
settings file)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tf.utils import Diagnostics

from graph_emulator import GraphEmulator, start_emulator
from graph_emulator.cli import build_parser
from intune_model.errors import SettingsInvalid
from intune_model.resources.derived_credential import SPEC
from intune_model.schema import Enum, Flags, Number, String, Url

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
COLLECTION = "/beta/deviceManagement/derivedCredentials"
VALID = {"displayName": "x", "issuer": "purebred"}

# Bodies Graph does not document refusing, but our model does (field, body).
OURS_ONLY = [
    ("renewalThresholdPercentage", {**VALID, "renewalThresholdPercentage": 101}),
    ("renewalThresholdPercentage", {**VALID, "renewalThresholdPercentage": -1}),
    ("helpUrl", {**VALID, "helpUrl": "ftp://example.com/help"}),
    ("helpUrl", {**VALID, "helpUrl": "see the intranet"}),
    ("displayName", {**VALID, "displayName": "   "}),
    ("notificationType", {**VALID, "notificationType": "none,email"}),
    ("notificationType", {**VALID, "notificationType": 3}),
]
# Bodies Graph's documented rules refuse (types, enum members, required on create, unknown properties).
GRAPHS = [
    ("issuer", {**VALID, "issuer": "entrustDataCard"}),
    ("issuer", {"displayName": "x"}),
    ("displayName", {"issuer": "purebred"}),
    ("renewalThresholdPercentage", {**VALID, "renewalThresholdPercentage": "20"}),
    ("renewalThresholdPercentage", {**VALID, "renewalThresholdPercentage": 2**31}),
    ("helpUrl", {**VALID, "helpUrl": 5}),
    ("notificationType", {**VALID, "notificationType": "sms"}),
    ("notificationType", {**VALID, "notificationType": 4}),  # no member has that bit
    ("bogus", {**VALID, "bogus": 1}),
]


# ----------------------------------------------------------------------------- the kinds


def test_each_kind_says_which_rules_are_graphs_and_which_are_ours() -> None:
    assert String().rules() == (
        "a string",
        "not empty or blank, at most 256 characters, no control characters",
    )
    assert String(blank_ok=True, max_length=None).rules() == ("a string", "no control characters")
    assert Url().rules() == ("a string", "an absolute http(s) URL, no credentials, at most 2048 characters")
    assert Number(minimum=0, maximum=100).rules() == ("a whole number (Int32)", "from 0 to 100")
    assert Number().rules() == ("a whole number (Int32)", "")
    assert Enum(allowed=("a", "b")).rules() == ("one of a, b (exact spelling)", "")
    graph, ours = Flags(allowed=("none", "x", "y")).rules()
    assert "integer" in graph and "none' alone" in ours


def test_the_spec_lists_the_rules_per_graph_property() -> None:
    rules = {name: (graph, ours) for name, graph, ours in SPEC.rules()}
    assert set(rules) == {f.graph_name for f in SPEC.fields}
    assert rules["displayName"] == (
        "a string; required on create",
        "not empty or blank, at most 256 characters, no control characters",
    )
    assert rules["renewalThresholdPercentage"][1] == "from 0 to 100"
    assert rules["issuer"][1] == ""


@pytest.mark.parametrize(("prop", "body"), OURS_ONLY)
def test_stricter_rules_are_ours_only(prop: str, body: dict[str, Any]) -> None:
    assert SPEC.check_graph_body(body, partial=False, strict=False) == []
    assert [p for p, _ in SPEC.check_graph_body(body, partial=False, strict=True)] == [prop]


@pytest.mark.parametrize(("prop", "body"), GRAPHS)
def test_graphs_rules_hold_in_both_modes(prop: str, body: dict[str, Any]) -> None:
    for strict in (False, True):
        assert [p for p, _ in SPEC.check_graph_body(body, partial=False, strict=strict)] == [prop]


def test_integer_flags_are_read_by_bit() -> None:
    kind = SPEC.by_name["notification_types"].kind
    assert isinstance(kind, Flags)
    assert [kind.members_of(n) for n in (0, 1, 2, 3, 4)] == [
        ["none"],
        ["companyPortal"],
        ["email"],
        ["companyPortal", "email"],
        None,
    ]
    assert kind.normalise_graph(3) == "companyPortal,email"


# ----------------------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("field", "value", "meant"),
    [
        ("issuer", "entrustDataCard", "entrustDatacard"),  # Microsoft365DSC's spelling
        ("issuer", "Purebred", "purebred"),
        ("issuer", "XTEC", "xTec"),
        ("notification_types", ["CompanyPortal"], "companyPortal"),
        ("notification_types", ["email", "EMAIL"], "email"),
    ],
)
def test_a_case_slip_gets_did_you_mean(field: str, value: Any, meant: str) -> None:
    [(name, message)] = SPEC.problems({field: value}, partial=True)
    assert name == field
    assert f"did you mean {meant!r}?" in message
    assert "allowed values:" in message


def test_a_value_far_from_any_member_gets_no_guess() -> None:
    [(_, message)] = SPEC.problems({"issuer": "entrust"}, partial=True)
    assert "did you mean" not in message and "entrustDatacard" in message


def test_provider_validate_says_did_you_mean() -> None:
    from terraform_provider_intune.plugin.provider import IntuneProvider

    provider = IntuneProvider()
    [resource] = [c for c in provider.get_resources() if c.get_name() == SPEC.name]
    diags = Diagnostics()
    resource(provider).validate(  # type: ignore[call-arg]
        diags, f"intune_{SPEC.name}", {"display_name": "x", "issuer": "entrustDataCard"}
    )
    [error] = diags.diagnostics
    assert error.path == ["issuer"] and "did you mean 'entrustDatacard'?" in (error.detail or "")


def test_construct_says_did_you_mean() -> None:
    import cdktf

    from constructs_lib import DerivedCredentialSettings, IntuneProvider

    stack = cdktf.TerraformStack(cdktf.Testing.app(), "t")
    IntuneProvider(stack, "intune")
    with pytest.raises(SettingsInvalid, match=r"notification_types: 'CompanyPortal' .*did you mean"):
        DerivedCredentialSettings(
            stack, "x", display_name="x", issuer="purebred", notification_types=["CompanyPortal"]
        )


def test_list_data_source_construct_says_did_you_mean() -> None:
    import cdktf

    from constructs_lib import DataIntuneDerivedCredentials, IntuneProvider

    stack = cdktf.TerraformStack(cdktf.Testing.app(), "t")
    IntuneProvider(stack, "intune")
    with pytest.raises(SettingsInvalid, match=r"'entrustDataCard' is not an issuer; did you mean"):
        DataIntuneDerivedCredentials(stack, "dsc", issuer="entrustDataCard")


def test_settings_file_says_did_you_mean(tmp_path: Path) -> None:
    from stacks.config import ConfigError, load_config

    path = tmp_path / "settings.json"
    entry = {"key": "dsc", "display_name": "From DSC", "issuer": "entrustDataCard"}
    path.write_text(json.dumps({"stacks": [{"name": "t1", "settings": [entry]}]}))
    with pytest.raises(ConfigError, match=r"issuer: .*did you mean 'entrustDatacard'\?"):
        load_config(path)


# ----------------------------------------------------------------------------- the emulator


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("rules")) as emulator:
        yield emulator


@pytest.fixture
def client(emu: GraphEmulator) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {emu.issue_token()}"}
    with httpx.Client(base_url=emu.graph_endpoint, verify=emu.ssl_context(), headers=headers) as c:
        yield c
    emu.strict_rules = False


@pytest.mark.parametrize(("prop", "body"), OURS_ONLY)
def test_emulator_accepts_what_graph_does_not_refuse_unless_strict(
    emu: GraphEmulator, client: httpx.Client, prop: str, body: dict[str, Any]
) -> None:
    assert not emu.strict_rules
    created = client.post(COLLECTION, json=body)
    assert created.status_code == 201, created.text
    emu.strict_rules = True
    refused = client.post(COLLECTION, json=body)
    assert refused.status_code == 400
    assert prop in refused.json()["error"]["message"]
    patched = client.patch(f"{COLLECTION}/{created.json()['id']}", json={prop: body[prop]})
    assert patched.status_code == 400


def test_emulator_stores_graph_accepted_values_as_graph_would(client: httpx.Client) -> None:
    created = client.post(COLLECTION, json={**VALID, "notificationType": 3}).json()
    assert created["notificationType"] == "companyPortal,email"
    created = client.post(COLLECTION, json={**VALID, "notificationType": "email,none"}).json()
    assert created["notificationType"] == "email"


@pytest.mark.parametrize(("prop", "body"), GRAPHS)
def test_emulator_refuses_what_graph_documents_refusing_in_both_modes(
    emu: GraphEmulator, client: httpx.Client, prop: str, body: dict[str, Any]
) -> None:
    for strict in (False, True):
        emu.strict_rules = strict
        refused = client.post(COLLECTION, json=body)
        assert refused.status_code == 400, refused.text
        assert prop in refused.json()["error"]["message"]


def test_strict_rules_flag_reaches_the_emulator() -> None:
    from graph_emulator.cli import fault_flags

    args = build_parser().parse_args(["start", "--data-dir", "d", "--strict-rules"])
    assert args.strict_rules and "--strict-rules" in fault_flags(args)
    assert not build_parser().parse_args(["serve", "--data-dir", "d"]).strict_rules
    assert not GraphEmulator().strict_rules
    assert GraphEmulator(strict_rules=True).strict_rules


def test_the_readme_table_of_rules_is_the_specs() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name, graph, ours in SPEC.rules():
        assert f"| `{name}` | {graph} | {ours or '-'} |" in readme

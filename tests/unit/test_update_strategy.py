"""Update semantics and `update_strategy` (issue 12), as pure logic: which PATCH answers count as
refused, what the user is told, which planned changes force a replacement (down to the plan
response Terraform reads), the argument's checks in the provider, the construct and the stacks,
and the emulator's PATCH and token faults with their CLI flags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cdktf
import httpx
import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.types import Unknown
from tf.utils import Diagnostics, to_dynamic_value

from constructs_lib import IntuneProvider as ProviderConstruct
from graph_emulator import FaultPlan, Request
from graph_emulator.cli import build_parser, fault_flags, fault_plan
from intune_graph import GraphError
from intune_model import RESOURCE_TYPE
from intune_model.resources.derived_credential import SPEC
from stacks.config import ConfigError, parse_config
from terraform_provider_intune.config import ARGUMENTS_BY_NAME, check_arguments, update_strategy
from terraform_provider_intune.handler import Handler, HandlerError
from terraform_provider_intune.plugin.codec import changed_attributes
from terraform_provider_intune.plugin.provider import IntuneProvider
from terraform_provider_intune.plugin.server import replace_aware_servicer_class
from terraform_provider_intune.plugin.values import RefinedUnknown
from terraform_provider_intune.updates import patch_refused, refused_message
from tests.scripted_graph import scripted_client
from tests.unit.test_provider_units import PRIOR

STATE = {**PRIOR, "notification_types": ["companyPortal", "email"], "renewal_threshold_percentage": 20}
# What Terraform 1.6+ sends for `"Setting ${each.key}"`: unknown, not null, prefix "Setting ".
SETTING_PREFIX = msgpack.ExtType(12, msgpack.packb({1: False, 2: "Setting "}))


def graph_error(status: int, code: str, message: str = "m") -> GraphError:
    return GraphError(
        status, code, message, "PATCH", "https://g/x", request_id="rid-9", client_request_id="c-9"
    )


# ----------------------------------------------------------------------------- refused PATCH


@pytest.mark.parametrize(
    ("status", "code", "message", "refused"),
    [
        (405, "MethodNotAllowed", "", True),
        (400, "No method match route template", "No OData route exists ... with http verb PATCH", True),
        (403, "Forbidden", "", True),
        (400, "BadRequest", "Invalid value", True),
        (409, "NotSupported", "", True),
        (501, "NotImplemented", "Update is not supported for this resource", True),
        (409, "Conflict", "already exists", False),
        (404, "ResourceNotFound", "", False),
        (500, "InternalServerError", "", False),
    ],
)
def test_which_patch_answers_count_as_refused(status: int, code: str, message: str, refused: bool) -> None:
    assert patch_refused(graph_error(status, code, message)) is refused


def test_the_refusal_message_names_the_request_id_and_the_way_out() -> None:
    summary, detail = refused_message(
        SPEC.title, "obj-1", graph_error(405, "MethodNotAllowed", "no PATCH here")
    )
    assert (
        summary == "Graph refused to update derived credential settings obj-1 in place (405 MethodNotAllowed)"
    )
    assert "no PATCH here" in detail and "request-id: rid-9; client-request-id: c-9" in detail
    assert 'update_strategy = "replace"' in detail and "create_before_destroy" in detail


def error_body(status: int, code: str, message: str, target: str | None = None) -> httpx.Response:
    error: dict[str, Any] = {"code": code, "message": message, "innerError": {"request-id": "rid-1"}}
    if target:
        error["target"] = target
    return httpx.Response(status, json={"error": error})


def update(answers: list[httpx.Response | Exception]) -> dict[str, Any]:
    client, _ = scripted_client(answers)
    return Handler(client, spec=SPEC).update("1", STATE, {**STATE, "renewal_threshold_percentage": 30})


def test_the_handler_turns_a_refused_patch_into_the_actionable_error() -> None:
    with pytest.raises(HandlerError) as info:
        update([error_body(405, "No method match route template", "No OData route exists")])
    assert "refused to update" in info.value.summary and "request-id: rid-1" in info.value.detail
    with pytest.raises(HandlerError) as info:
        update([error_body(400, "BadRequest", "bad", target="renewalThresholdPercentage")])
    assert info.value.attribute == "renewal_threshold_percentage"
    with pytest.raises(GraphError):  # a vanished object is not a refusal
        update([error_body(404, "ResourceNotFound", "gone")])


def graph_object(threshold: int) -> httpx.Response:
    return httpx.Response(
        200,
        json={"id": "1", "displayName": "A", "issuer": "purebred", "renewalThresholdPercentage": threshold},
    )


def test_a_patch_whose_change_never_reads_back_fails_even_when_its_echo_shows_the_change() -> None:
    accepted = httpx.Response(
        200, json={"id": "1", "renewalThresholdPercentage": 30}, headers={"request-id": "patch-rid"}
    )
    with pytest.raises(HandlerError) as info:
        update([accepted, graph_object(20)])  # every GET after it shows the old value
    assert "did not apply it" in info.value.summary and info.value.attribute == "renewal_threshold_percentage"
    assert "request-id: patch-rid" in info.value.detail and 'update_strategy = "replace"' in info.value.detail


def test_a_patch_answered_200_or_204_is_confirmed_by_reading_back() -> None:
    assert update([graph_object(30), graph_object(30)])["renewal_threshold_percentage"] == 30
    assert (
        update([httpx.Response(204), graph_object(20), graph_object(30)])["renewal_threshold_percentage"]
        == 30
    )


# ----------------------------------------------------------------------------- planning a replacement


def test_changed_attributes() -> None:
    assert changed_attributes(SPEC, None, STATE) == [], "a create"
    assert changed_attributes(SPEC, STATE, None) == [], "a destroy"
    same = {**STATE, "notification_types": ["email", "companyPortal"], "renewal_threshold_percentage": 20.0}
    assert changed_attributes(SPEC, STATE, same) == []
    changed = {**STATE, "help_url": "https://x.example", "issuer": Unknown}
    assert changed_attributes(SPEC, STATE, changed) == ["issuer", "help_url"]
    unknown_member = {**STATE, "notification_types": ["email", Unknown]}
    assert changed_attributes(SPEC, STATE, unknown_member) == ["notification_types"]
    refined = RefinedUnknown.from_extension(SETTING_PREFIX.code, SETTING_PREFIX.data)
    assert changed_attributes(SPEC, STATE, {**STATE, "display_name": refined}) == ["display_name"]
    none = {**STATE, "notification_types": ["none"]}
    assert changed_attributes(SPEC, none, {**none, "notification_types": []}) == [], "none is the empty set"


def configured(**config: Any) -> IntuneProvider:
    provider = IntuneProvider()
    provider.configure_provider(Diagnostics(), config)
    return provider


def test_the_provider_asks_for_replacement_only_under_the_replace_strategy() -> None:
    changed = {**STATE, "renewal_threshold_percentage": 30}
    diags = Diagnostics()
    assert configured().replacement_attributes(RESOURCE_TYPE, STATE, changed, diags) == []
    patching = configured(update_strategy="patch")
    assert patching.replacement_attributes(RESOURCE_TYPE, STATE, changed, diags) == []
    replacing = configured(update_strategy="replace")
    assert replacing.replacement_attributes(RESOURCE_TYPE, STATE, changed, diags) == [
        "renewal_threshold_percentage"
    ]
    assert replacing.replacement_attributes("intune_other", STATE, changed, diags) == []
    assert not diags.has_errors()
    unknown = configured(update_strategy=Unknown)
    assert unknown.replacement_attributes(RESOURCE_TYPE, STATE, STATE, diags) == []
    assert not diags.has_errors(), "nothing changes: the strategy does not matter"
    assert unknown.replacement_attributes(RESOURCE_TYPE, STATE, changed, diags) == []
    assert diags.has_errors() and "not known at plan time" in str(diags.diagnostics[0])


def plan_request(prior: dict[str, Any], proposed: dict[str, Any]) -> Any:
    return pb.PlanResourceChange.Request(
        type_name=RESOURCE_TYPE,
        prior_state=to_dynamic_value(prior),
        proposed_new_state=to_dynamic_value(proposed),
        config=to_dynamic_value({k: v for k, v in proposed.items() if k != "id"}),
    )


@pytest.mark.parametrize(("strategy", "expected"), [("patch", []), ("replace", [["issuer"]])])
def test_the_plan_response_carries_requires_replace(strategy: str, expected: list[list[str]]) -> None:
    servicer = replace_aware_servicer_class()(configured(update_strategy=strategy))
    response = servicer.PlanResourceChange(plan_request(STATE, {**STATE, "issuer": "xTec"}), None)
    assert [[step.attribute_name for step in path.steps] for path in response.requires_replace] == expected
    assert not [d for d in response.diagnostics if d.severity == pb.Diagnostic.ERROR]
    planned = msgpack.unpackb(response.planned_state.msgpack)
    assert planned["issuer"] == "xTec"


def test_a_refined_unknown_in_the_proposed_state_is_decoded_and_plans_a_replacement() -> None:
    """`display_name = "Setting ${each.key}"` with the key unknown: extension 12 in the request."""
    servicer = replace_aware_servicer_class()(configured(update_strategy="replace"))
    response = servicer.PlanResourceChange(
        plan_request(STATE, {**STATE, "display_name": SETTING_PREFIX}), None
    )
    assert not [d for d in response.diagnostics if d.severity == pb.Diagnostic.ERROR]
    assert [[step.attribute_name for step in path.steps] for path in response.requires_replace] == [
        ["display_name"]
    ]


# ----------------------------------------------------------------------------- the argument


def test_the_argument_is_one_row_with_its_allowed_values() -> None:
    row = ARGUMENTS_BY_NAME["update_strategy"]
    assert row.kind == "string" and not row.sensitive and "`replace`" in row.description
    assert check_arguments({"update_strategy": "replace"}) == []
    assert check_arguments({"update_strategy": "Replace"}) == [
        ("update_strategy", "'Replace' is not an update strategy; allowed values: patch, replace")
    ]
    assert update_strategy({}) == "patch" and update_strategy({"update_strategy": "replace"}) == "replace"


def test_the_construct_synthesizes_and_checks_the_argument() -> None:
    stack = cdktf.TerraformStack(cdktf.Testing.app(), "s")
    ProviderConstruct(stack, "intune", update_strategy="replace")
    body = json.loads(cdktf.Testing.synth(stack))
    assert body["provider"]["intune"] == [{"update_strategy": "replace"}]
    with pytest.raises(
        ValueError, match="update_strategy: 'delete' is not an update strategy; allowed values"
    ):
        ProviderConstruct(cdktf.TerraformStack(cdktf.Testing.app(), "t"), "intune", update_strategy="delete")


def test_the_stacks_settings_file_accepts_the_argument(tmp_path: Path) -> None:
    def stacks(provider: dict[str, Any]) -> dict[str, Any]:
        return {"stacks": [{"name": "t", "provider": provider, "settings": []}]}

    config = parse_config(stacks({"update_strategy": "replace"}), source=tmp_path / "s.json")
    assert config.stacks[0].provider.kwargs() == {"update_strategy": "replace"}
    with pytest.raises(ConfigError, match="update_strategy: 'put' is not an update strategy"):
        parse_config(stacks({"update_strategy": "put"}), source=tmp_path / "s.json")


# ----------------------------------------------------------------------------- emulator faults


def patch(path: str = "/beta/deviceManagement/derivedCredentials/abc", token: str = "t1") -> Request:
    body = json.dumps({"renewalThresholdPercentage": 5}).encode()
    return Request(
        "PATCH", path, {}, "", {"authorization": f"Bearer {token}", "client-request-id": "c"}, body
    )


def test_refused_patch_fault_answers_intunes_body_with_a_request_id() -> None:
    plan = FaultPlan(refuse_patch_status=405)
    answer = plan.before(patch(), "t")
    assert answer is not None and answer.status == 405 and answer.header("Allow") == "GET, DELETE"
    error = json.loads(answer.body)["error"]
    assert error["code"] == "No method match route template" and "http verb PATCH" in error["message"]
    assert error["innerError"]["request-id"] and plan.refused_patches == 1
    assert plan.before(patch("/beta/deviceManagement/derivedCredentials"), "t") is None, "not an object"
    with pytest.raises(ValueError, match="refuse_patch_status"):
        FaultPlan(refuse_patch_status=418)


def test_ignored_patch_fault_echoes_the_request_as_if_applied() -> None:
    plan = FaultPlan(ignore_patch=True)
    answer = plan.before(patch(), "t")
    assert answer is not None and answer.status == 200 and plan.ignored_patches == 1
    assert (
        json.loads(answer.body)["renewalThresholdPercentage"] == 5 and json.loads(answer.body)["id"] == "abc"
    )


def test_revoked_tokens_stay_refused_and_others_pass() -> None:
    plan = FaultPlan(revoke_tokens=1)
    first = plan.before(patch(token="old"), "t")
    assert first is not None and first.status == 401
    assert json.loads(first.body)["error"]["code"] == "InvalidAuthenticationToken"
    assert plan.before(patch(token="new"), "t") is None
    again = plan.before(patch(token="old"), "t")
    assert again is not None and again.status == 401 and plan.revoked == 1


def test_the_cli_flags_reach_the_plan_and_the_background_serve() -> None:
    argv = ["serve", "--data-dir", "d", "--refuse-patch", "400", "--ignore-patch", "--revoke-tokens", "2"]
    args = build_parser().parse_args([*argv, "--token-lifetime", "3", "--patch-status", "204"])
    plan = fault_plan(args)
    assert (plan.refuse_patch_status, plan.ignore_patch, plan.revoke_tokens) == (400, True, 2)
    flags = fault_flags(args)
    for flag in ("--refuse-patch", "--ignore-patch", "--revoke-tokens", "--token-lifetime", "--patch-status"):
        assert flag in flags
    assert build_parser().parse_args(["serve", "--data-dir", "d"]).patch_status == 200, "documented default"

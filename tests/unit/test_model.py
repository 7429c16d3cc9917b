"""The single schema: rules, messages and the Graph mapping."""

from __future__ import annotations

import pytest

from intune_model.errors import SettingsInvalid
from intune_model.resources.derived_credential import SPEC, Issuer, NotificationType
from intune_model.typed import state_from_model, validate_model

NOTIFY = SPEC.by_name["notification_types"].kind

GOOD = {
    "display_name": "Purebred derived credentials",
    "issuer": "purebred",
    "help_url": "https://example.com/help",
    "notification_types": ["email", "companyPortal"],
    "renewal_threshold_percentage": 20,
}


def problems_of(values: dict[str, object]) -> dict[str, str]:
    with pytest.raises(SettingsInvalid) as info:
        validate_model(SPEC, values)
    assert isinstance(info.value, ValueError)
    return dict(info.value.problems)


def test_fields_are_declared_once_with_graph_names() -> None:
    assert [(f.name, f.graph_name, f.tf_type, f.required) for f in SPEC.fields] == [
        ("display_name", "displayName", "string", True),
        ("issuer", "issuer", "string", True),
        ("help_url", "helpUrl", "string", False),
        ("notification_types", "notificationType", "set_of_string", False),
        ("renewal_threshold_percentage", "renewalThresholdPercentage", "number", False),
    ]


def test_enum_members_and_strings_validate_the_same() -> None:
    a = validate_model(
        SPEC, {**GOOD, "issuer": Issuer.PUREBRED, "notification_types": [NotificationType.EMAIL]}
    )
    b = validate_model(SPEC, {**GOOD, "notification_types": ["email"]})
    assert a == b


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("issuer", "String", "allowed values: intercede, entrustDatacard, purebred, xTec"),
        ("issuer", None, "allowed values: intercede"),
        ("issuer", "Purebred", "allowed values"),
        ("notification_types", ["sms"], "allowed values: none, companyPortal, email"),
        ("notification_types", ["none", "email"], "'none' cannot be combined"),
        ("notification_types", "email", "expected a list"),
        ("display_name", "", "must not be empty or blank"),
        ("display_name", "   ", "must not be empty or blank"),
        ("help_url", "example.com/help", "absolute http(s) URL"),
        ("help_url", "ftp://example.com/help", "absolute http(s) URL"),
        ("help_url", "https://exa mple.com", "absolute http(s) URL"),
        ("renewal_threshold_percentage", 150, "whole number from 0 to 100"),
        ("renewal_threshold_percentage", -1, "whole number from 0 to 100"),
        ("renewal_threshold_percentage", 12.5, "whole number from 0 to 100"),
        ("renewal_threshold_percentage", "20", "whole number from 0 to 100"),
        ("renewal_threshold_percentage", True, "whole number from 0 to 100"),
    ],
)
def test_bad_input_names_field_and_allowed_values(field: str, value: object, needle: str) -> None:
    problems = problems_of({**GOOD, field: value})
    assert list(problems) == [field]
    assert needle in problems[field]


def test_all_problems_are_reported_at_once() -> None:
    problems = problems_of({"display_name": "", "issuer": "String", "renewal_threshold_percentage": 150})
    assert set(problems) == {"display_name", "issuer", "renewal_threshold_percentage"}
    with pytest.raises(SettingsInvalid, match=r"(?s)display_name.*issuer.*renewal_threshold_percentage"):
        validate_model(SPEC, {"display_name": "", "issuer": "String", "renewal_threshold_percentage": 150})


def test_missing_and_unknown_fields() -> None:
    problems = problems_of({"issuer": "xTec", "colour": "red"})
    assert problems["display_name"].startswith("is required")
    assert "unknown field" in problems["colour"]


def test_boundaries_are_allowed() -> None:
    for value in (0, 100):
        assert (
            validate_model(SPEC, {**GOOD, "renewal_threshold_percentage": value}).renewal_threshold_percentage
            == value
        )
    plain_http = "http://intranet.example/help"
    assert validate_model(SPEC, {**GOOD, "help_url": plain_http}).help_url == plain_http
    assert validate_model(SPEC, {**GOOD, "notification_types": []}).notification_types == frozenset()
    assert validate_model(SPEC, {**GOOD, "notification_types": ["none"]}).notification_types == {
        NotificationType.NONE
    }


def test_check_fields_judges_only_present_fields() -> None:
    assert SPEC.problems({"issuer": None, "renewal_threshold_percentage": 5}, partial=True) == []
    assert [f for f, _ in SPEC.problems({"issuer": "x", "help_url": "nope"}, partial=True)] == [
        "issuer",
        "help_url",
    ]


def test_flags_are_ordered_and_none_means_empty() -> None:
    assert NOTIFY.to_graph(["email", "companyPortal"]) == "companyPortal,email"
    assert NOTIFY.to_graph([]) == "none"
    assert NOTIFY.to_graph(["none"]) == "none"
    assert NOTIFY.from_graph("email, companyPortal") == ["companyPortal", "email"]
    assert NOTIFY.from_graph("none") == ["none"]
    assert SPEC.same_value("notification_types", ["email", "companyPortal"], ["companyPortal", "email"])
    assert SPEC.same_value("notification_types", [], ["none"])
    assert not SPEC.same_value("notification_types", ["email"], ["none"])
    assert not SPEC.same_value("notification_types", None, ["none"])


def test_graph_body_round_trip() -> None:
    state = state_from_model(validate_model(SPEC, GOOD))
    body = SPEC.to_graph(state)
    assert body == {
        "@odata.type": SPEC.odata_type,
        "displayName": "Purebred derived credentials",
        "issuer": "purebred",
        "helpUrl": "https://example.com/help",
        "notificationType": "companyPortal,email",
        "renewalThresholdPercentage": 20,
    }
    assert SPEC.from_graph({**body, "id": "x"}) == {**state, "id": "x"}


def test_patch_body_clears_nullable_and_leaves_non_nullable_alone() -> None:
    body = SPEC.to_graph(
        {"help_url": None, "renewal_threshold_percentage": None},
        only=["help_url", "renewal_threshold_percentage"],
    )
    assert body == {"@odata.type": SPEC.odata_type, "helpUrl": None}


def test_server_defaults() -> None:
    assert SPEC.is_server_default("notification_types", ["none"])
    assert SPEC.is_server_default("renewal_threshold_percentage", 0)
    assert not SPEC.is_server_default("renewal_threshold_percentage", 20)
    assert not SPEC.is_server_default("help_url", "https://x.example")


def test_graph_body_checks_for_the_emulator() -> None:
    problems = dict(
        SPEC.check_graph_body(
            {"displayName": "a", "issuer": "String", "notificationType": "email,none", "x": 1}, partial=False
        )
    )
    assert set(problems) == {"issuer", "notificationType", "x"}
    assert SPEC.check_graph_body({"notificationType": "email,companyPortal"}, partial=True) == []
    assert dict(SPEC.check_graph_body({"displayName": None}, partial=True))["displayName"].startswith(
        "is required"
    )

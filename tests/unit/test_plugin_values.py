"""Every value the plugin protocol carries, in every call, with hand-built msgpack payloads.

The payloads are built here byte by byte as Terraform's wire format describes them (extension 0 for
a wholly unknown value, extension 12 with a refinement map for a refined one), so what is proved does
not depend on the Terraform version installed. Each call goes through `tf`'s own gRPC servicer, as a
request from Terraform would, with the provider's value codec installed as `serve()` installs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.provider import ProviderServicer
from tf.types import Unknown
from tf.utils import read_dynamic_value, to_dynamic_value

from graph_emulator import GraphEmulator, start_emulator
from terraform_provider_intune.plugin.provider import IntuneProvider
from terraform_provider_intune.plugin.values import (
    Bound,
    RefinedUnknown,
    definitely_not_null,
    has_unknown,
    install_value_codec,
    is_unknown,
    known_items,
    known_prefix,
    length_bounds,
    number_bounds,
)

RESOURCE = "intune_derived_credential"
ONE = "intune_derived_credential"
ALL = "intune_derived_credentials"

UNKNOWN = msgpack.ExtType(0, b"\x00")  # what Terraform sends for a wholly unknown value
UNKNOWN_EMPTY = msgpack.ExtType(0, b"")  # also wholly unknown: a zero-length payload


def refined(**refinements: Any) -> msgpack.ExtType:
    """An extension-12 value, its payload a msgpack map with the protocol's integer keys."""
    keys = {"null": 1, "prefix": 2, "lower": 3, "upper": 4, "min_length": 5, "max_length": 6}
    payload = {keys[k] if k in keys else int(k): v for k, v in refinements.items()}
    return msgpack.ExtType(12, msgpack.packb(payload))


# The issue's two payloads, verbatim: what Terraform 1.6+ sends for `"Dep ${count.index}"` and for
# `10 + count.index` while it validates a resource with `count`.
DEP_PREFIX = msgpack.ExtType(12, b"\x82\x01\xc2\x02\xa4Dep ")
NOT_NULL = msgpack.ExtType(12, b"\x81\x01\xc2")

# Each kind of value per attribute type: (name, wire value).
STRING_KINDS = {
    "null": None,
    "unknown": UNKNOWN,
    "unknown (empty payload)": UNKNOWN_EMPTY,
    "not null": NOT_NULL,
    "prefix": DEP_PREFIX,
    "prefix only": refined(prefix="Dep"),
    "unknown refinement key": refined(null=False, **{"9": 1}),
    "future extension code": msgpack.ExtType(13, b"\x81\x01\xc2"),
    "malformed refinement map": msgpack.ExtType(12, b"\xc1\xc1"),
}
NUMBER_KINDS = {
    "null": None,
    "unknown": UNKNOWN,
    "not null": NOT_NULL,
    "inclusive bounds": refined(null=False, lower=[10, True], upper=[11, True]),
    "exclusive bounds": refined(lower=[-1, False], upper=[100.5, False]),
    "lower only": refined(lower=[10, True]),
    "upper only": refined(upper=[90, True]),
    "bound as a decimal string": refined(lower=["0.5", True]),
}
SET_KINDS = {
    "null": None,
    "unknown": UNKNOWN,
    "not null": NOT_NULL,
    "length bounds": refined(null=False, min_length=1, max_length=2),
    "min length only": refined(min_length=1),
    "unknown element": ["email", UNKNOWN],
    "refined element": ["companyPortal", refined(null=False, prefix="em")],
    "only unknown elements": [UNKNOWN, UNKNOWN],
    "empty": [],
}


# A prefix that some valid value of the field starts with (other prefixes are reported early).
FITTING_PREFIX = {
    "help_url": refined(null=False, prefix="https://help.example.com/"),
    "graph_endpoint": refined(prefix="https://"),
    "authority_host": refined(null=False, prefix="https://login."),
    "issuer": refined(prefix="pure"),
}


def fitting(field: str, value: Any) -> Any:
    """`value`, or when it is a prefix refinement the field could never satisfy, one it can."""
    prefixed = isinstance(value, msgpack.ExtType) and RefinedUnknown.from_extension(*value).prefix
    return FITTING_PREFIX[field] if field in FITTING_PREFIX and prefixed else value


def same_unknowns(value: Any) -> Any:
    """`value` with a zero-length unknown written as the compact one, which means the same."""
    if value == UNKNOWN_EMPTY:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: same_unknowns(v) for k, v in value.items()}
    if isinstance(value, list):
        return [same_unknowns(v) for v in value]
    return value


def dynamic(obj: Any) -> pb.DynamicValue:
    return pb.DynamicValue(msgpack=msgpack.packb(obj))


def raw(value: pb.DynamicValue) -> Any:
    """A response value with every extension left as bytes: to compare with what was sent."""
    return msgpack.unpackb(value.msgpack, ext_hook=msgpack.ExtType)


def resource_config(**values: Any) -> dict[str, Any]:
    base = {
        "id": None,
        "display_name": "Purebred",
        "issuer": "purebred",
        "help_url": None,
        "notification_types": None,
        "renewal_threshold_percentage": None,
    }
    return {**base, **values}


def diagnostics(response: Any) -> list[tuple[str, str, list[str]]]:
    return [
        (d.summary, d.detail, [s.attribute_name for s in d.attribute.steps])
        for d in response.diagnostics
        if d.severity == pb.Diagnostic.ERROR
    ]


@pytest.fixture(scope="module", autouse=True)
def codec() -> None:
    install_value_codec()
    install_value_codec()  # idempotent: a second start-up call changes nothing


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


@pytest.fixture
def servicer() -> ProviderServicer:
    return ProviderServicer(IntuneProvider())


@pytest.fixture
def live(emu: GraphEmulator, monkeypatch: pytest.MonkeyPatch) -> ProviderServicer:
    """A servicer whose provider reaches the emulator (its configuration from the environment)."""
    for name, value in emu.env().items():
        monkeypatch.setenv(name, value)
    emu.clear()
    return ProviderServicer(IntuneProvider())


# ----------------------------------------------------------------------------- the codec itself

ALL_KINDS = {**STRING_KINDS, **{f"number {k}": v for k, v in NUMBER_KINDS.items()}}
ALL_KINDS.update({f"set {k}": v for k, v in SET_KINDS.items()})


@pytest.mark.parametrize("kind", list(ALL_KINDS))
def test_every_kind_round_trips_byte_for_byte(kind: str) -> None:
    sent = dynamic({"v": ALL_KINDS[kind]})
    decoded = read_dynamic_value(sent)
    assert to_dynamic_value(decoded).msgpack == sent.msgpack or kind == "unknown (empty payload)"
    assert not any(isinstance(v, msgpack.ExtType) for v in _walk(decoded)), "no raw extension left"


def test_an_empty_unknown_payload_comes_back_as_the_compact_unknown() -> None:
    assert read_dynamic_value(dynamic(UNKNOWN_EMPTY)) is Unknown
    assert to_dynamic_value({"v": Unknown}).msgpack == msgpack.packb({"v": UNKNOWN})


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, list):
        for v in value:
            yield from _walk(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)


def test_refinements_are_read() -> None:
    dep = read_dynamic_value(dynamic(DEP_PREFIX))
    assert isinstance(dep, RefinedUnknown) and is_unknown(dep)
    assert (dep.null, dep.prefix, known_prefix(dep), definitely_not_null(dep)) == (
        False,
        "Dep ",
        "Dep ",
        True,
    )
    number = read_dynamic_value(dynamic(refined(lower=[10, True], upper=[100.5, False])))
    assert number_bounds(number) == (Bound(10, True), Bound(100.5, False))
    big = read_dynamic_value(dynamic(refined(lower=["123456789012345678901234567890.5", False])))
    assert str(big.lower.value) == "123456789012345678901234567890.5" and not big.lower.inclusive
    collection = read_dynamic_value(dynamic(refined(min_length=1, max_length=3)))
    assert length_bounds(collection) == (1, 3)
    future = read_dynamic_value(dynamic(refined(null=False, **{"7": "x"})))
    assert future.extra == (7,) and future.null is False
    for bad in (msgpack.ExtType(12, b"\xc1\xc1"), msgpack.ExtType(12, msgpack.packb([1, 2]))):
        wholly = read_dynamic_value(dynamic(bad))
        assert is_unknown(wholly) and repr(wholly) == "Unknown()"
    assert read_dynamic_value(dynamic(UNKNOWN)) is Unknown
    assert read_dynamic_value(dynamic(msgpack.ExtType(5, b"\x01"))) is Unknown  # any code, no payload


def test_questions_about_known_values() -> None:
    assert (
        known_prefix("https://x") == "https://x" and known_prefix(Unknown) == "" and known_prefix(None) == ""
    )
    assert number_bounds(7) == (Bound(7, True), Bound(7, True)) and number_bounds(Unknown) == (None, None)
    assert length_bounds(["a", "b"]) == (2, 2) and length_bounds(Unknown) == (0, None)
    assert length_bounds(["a", Unknown]) == (1, 2)
    assert not definitely_not_null(Unknown) and not definitely_not_null(None) and definitely_not_null("x")
    assert has_unknown(["a", Unknown]) and not has_unknown(["a"]) and not is_unknown(["a", Unknown])
    assert known_items({"a": 1, "b": None, "c": Unknown, "d": ["x", Unknown], "e": "y"}) == {"a": 1, "e": "y"}
    assert repr(read_dynamic_value(dynamic(DEP_PREFIX))) == "Unknown(not null, prefix='Dep ')"


# ----------------------------------------------------------------------------- provider configuration

PROVIDER_BASE = {
    "tenant_id": None,
    "client_id": None,
    "client_secret": None,
    "graph_endpoint": None,
    "authority_host": None,
    "cloud": None,
}


def provider_config(servicer: ProviderServicer, **values: Any) -> dict[str, Any]:
    """A full provider configuration object (every argument, null when unset), as Terraform sends."""
    names = [a.name for a in servicer.app.get_provider_schema(None).attributes]
    base = dict.fromkeys(names)
    assert set(PROVIDER_BASE) <= set(base)
    return {**base, **values}


@pytest.mark.parametrize("kind", list(STRING_KINDS))
def test_provider_validate_and_configure_accept_every_string_kind(
    servicer: ProviderServicer, kind: str
) -> None:
    value = STRING_KINDS[kind]
    config = provider_config(
        servicer,
        tenant_id=value,
        client_secret=value,
        graph_endpoint=fitting("graph_endpoint", value),
        authority_host=fitting("authority_host", value),
    )
    response = servicer.ValidateProviderConfig(
        pb.ValidateProviderConfig.Request(config=dynamic(config)), None
    )
    assert diagnostics(response) == []
    response = servicer.ConfigureProvider(pb.ConfigureProvider.Request(config=dynamic(config)), None)
    assert diagnostics(response) == []
    assert servicer.app._config == {}, "nothing unknown is kept as if known"


def test_provider_numbers_and_bools_of_every_kind(servicer: ProviderServicer) -> None:
    schema = servicer.app.get_provider_schema(None)
    numbers = [a.name for a in schema.attributes if a.type.tf_type() == b'"number"']
    bools = [a.name for a in schema.attributes if a.type.tf_type() == b'"bool"']
    assert numbers and bools
    for kind, value in {
        "unknown": UNKNOWN,
        "not null": NOT_NULL,
        "positive": refined(lower=[1, True]),
    }.items():
        config = provider_config(servicer, **dict.fromkeys(numbers, value), **dict.fromkeys(bools, value))
        response = servicer.ValidateProviderConfig(
            pb.ValidateProviderConfig.Request(config=dynamic(config)), None
        )
        assert diagnostics(response) == [], kind


def test_ephemeral_and_sensitive_provider_values_arrive_plain_and_are_used(
    servicer: ProviderServicer,
) -> None:
    # Terraform strips the sensitive and ephemeral marks before the call: the provider sees plain
    # values (and, while `terraform validate` runs, unknown ones) and keeps them in memory only.
    config = provider_config(servicer, client_secret="s3cret-from-an-ephemeral-variable", tenant_id="t")
    assert (
        diagnostics(
            servicer.ValidateProviderConfig(pb.ValidateProviderConfig.Request(config=dynamic(config)), None)
        )
        == []
    )
    assert (
        diagnostics(servicer.ConfigureProvider(pb.ConfigureProvider.Request(config=dynamic(config)), None))
        == []
    )
    assert servicer.app._config == {"client_secret": "s3cret-from-an-ephemeral-variable", "tenant_id": "t"}


def test_provider_refinement_that_breaks_a_rule_is_reported_early(servicer: ProviderServicer) -> None:
    config = provider_config(servicer, graph_endpoint=refined(null=False, prefix="http://"))
    errors = diagnostics(
        servicer.ValidateProviderConfig(pb.ValidateProviderConfig.Request(config=dynamic(config)), None)
    )
    assert [e[2] for e in errors] == [["graph_endpoint"]]
    assert "will start with 'http://'" in errors[0][1]
    config = provider_config(servicer, graph_endpoint=refined(prefix="https://graph."))
    assert (
        diagnostics(
            servicer.ValidateProviderConfig(pb.ValidateProviderConfig.Request(config=dynamic(config)), None)
        )
        == []
    )


# ----------------------------------------------------------------------------- validate (resource)


def validate(servicer: ProviderServicer, **values: Any) -> list[tuple[str, str, list[str]]]:
    request = pb.ValidateResourceConfig.Request(type_name=RESOURCE, config=dynamic(resource_config(**values)))
    return diagnostics(servicer.ValidateResourceConfig(request, None))


def test_the_issues_count_example_validates(servicer: ProviderServicer) -> None:
    assert validate(servicer, display_name=DEP_PREFIX, renewal_threshold_percentage=NOT_NULL) == []


@pytest.mark.parametrize("kind", list(STRING_KINDS))
def test_validate_accepts_every_string_kind(servicer: ProviderServicer, kind: str) -> None:
    value = STRING_KINDS[kind]
    assert validate(servicer, help_url=fitting("help_url", value)) == []
    if value is not None:  # display_name and issuer are required: Terraform itself rejects null
        assert validate(servicer, display_name=value) == []
        assert validate(servicer, issuer=fitting("issuer", value)) == []


@pytest.mark.parametrize("kind", list(NUMBER_KINDS))
def test_validate_accepts_every_number_kind(servicer: ProviderServicer, kind: str) -> None:
    assert validate(servicer, renewal_threshold_percentage=NUMBER_KINDS[kind]) == []


@pytest.mark.parametrize("kind", list(SET_KINDS))
def test_validate_accepts_every_set_kind(servicer: ProviderServicer, kind: str) -> None:
    assert validate(servicer, notification_types=SET_KINDS[kind]) == []


def test_known_values_are_still_checked_beside_unknown_ones(servicer: ProviderServicer) -> None:
    errors = validate(
        servicer, display_name=DEP_PREFIX, issuer="intercede ", renewal_threshold_percentage=101
    )
    assert sorted(e[2][0] for e in errors) == ["issuer", "renewal_threshold_percentage"]
    # the known elements of a set holding unknown ones are checked
    assert [e[2] for e in validate(servicer, notification_types=["sms", UNKNOWN])] == [["notification_types"]]
    assert [e[2] for e in validate(servicer, notification_types=["none", "email", UNKNOWN])] == [
        ["notification_types"]
    ]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("help_url", refined(prefix="ftp://"), "will start with 'ftp://'"),
        ("help_url", refined(prefix="https://a b/"), "will start with"),
        ("issuer", refined(prefix="entrustDataC"), "will start with 'entrustDataC'"),
        ("display_name", refined(prefix=""), None),  # an empty prefix says nothing
        ("help_url", refined(prefix="h"), None),
        ("help_url", refined(prefix="http:/"), None),
        ("help_url", refined(prefix="HTTPS:"), None),
        ("issuer", refined(prefix="entrustD"), None),
        ("display_name", refined(prefix="   "), None),  # blank so far, not blank when done
        ("renewal_threshold_percentage", refined(lower=[101, True]), "at least 101"),
        ("renewal_threshold_percentage", refined(lower=[100, False]), "more than 100"),
        ("renewal_threshold_percentage", refined(upper=[0, False]), "less than 0"),
        ("renewal_threshold_percentage", refined(lower=[10.2, True], upper=[10.8, True]), "at least 10.2"),
        ("renewal_threshold_percentage", refined(lower=[100, True]), None),
        ("renewal_threshold_percentage", refined(lower=[-50, True], upper=[500, True]), None),
        ("renewal_threshold_percentage", refined(upper=[0, True]), None),
        ("renewal_threshold_percentage", refined(lower=[9.5, False], upper=[10.5, False]), None),
        ("notification_types", refined(min_length=3), "3 elements"),
        ("notification_types", refined(min_length=4, max_length=6), "4 to 6"),
        ("notification_types", refined(min_length=2), None),
    ],
)
def test_a_refinement_that_already_breaks_a_rule_is_reported_early(
    servicer: ProviderServicer, field: str, value: msgpack.ExtType, words: str | None
) -> None:
    errors = validate(servicer, **{field: value})
    if words is None:
        assert errors == []
    else:
        assert [e[2] for e in errors] == [[field]] and errors[0][0] == f"Invalid value for {field}"
        assert "not known yet" in errors[0][1] and words in errors[0][1], errors[0][1]


# ----------------------------------------------------------------------------- plan


def plan(servicer: ProviderServicer, prior: Any, proposed: dict[str, Any]) -> pb.PlanResourceChange.Response:
    request = pb.PlanResourceChange.Request(
        type_name=RESOURCE,
        prior_state=dynamic(prior),
        proposed_new_state=dynamic(proposed),
        config=dynamic({**proposed, "id": None}),
    )
    return servicer.PlanResourceChange(request, None)


PLAN_CASES: dict[str, dict[str, Any]] = {
    "the issue's count example": {"display_name": DEP_PREFIX, "renewal_threshold_percentage": NOT_NULL},
    **{f"display_name {k}": {"display_name": v} for k, v in STRING_KINDS.items() if v is not None},
    **{f"help_url {k}": {"help_url": fitting("help_url", v)} for k, v in STRING_KINDS.items()},
    **{f"number {k}": {"renewal_threshold_percentage": v} for k, v in NUMBER_KINDS.items()},
    **{f"set {k}": {"notification_types": v} for k, v in SET_KINDS.items()},
}


@pytest.mark.parametrize("case", list(PLAN_CASES))
def test_create_plan_echoes_every_value_as_sent(servicer: ProviderServicer, case: str) -> None:
    proposed = resource_config(id=UNKNOWN, **PLAN_CASES[case])
    response = plan(servicer, None, proposed)
    assert diagnostics(response) == []
    assert raw(response.planned_state) == same_unknowns(proposed)  # byte-for-byte, refinements too


@pytest.mark.parametrize("case", list(PLAN_CASES))
def test_update_plan_echoes_every_value_as_sent(servicer: ProviderServicer, case: str) -> None:
    prior = resource_config(
        id="abc",
        help_url="https://example.com/help",
        notification_types=["email"],
        renewal_threshold_percentage=5,
    )
    proposed = {**prior, **PLAN_CASES[case]}
    response = plan(servicer, prior, proposed)
    assert diagnostics(response) == []
    assert raw(response.planned_state) == same_unknowns(proposed)


# ----------------------------------------------------------------------------- apply, read, import


def apply(servicer: ProviderServicer, prior: Any, planned: Any) -> pb.ApplyResourceChange.Response:
    request = pb.ApplyResourceChange.Request(
        type_name=RESOURCE,
        prior_state=dynamic(prior),
        planned_state=dynamic(planned),
        config=dynamic(planned and {**planned, "id": None}),
    )
    return servicer.ApplyResourceChange(request, None)


def test_apply_read_import_and_delete_with_nulls_and_an_unknown_id(
    live: ProviderServicer, emu: GraphEmulator
) -> None:
    planned = resource_config(id=UNKNOWN, notification_types=["email", "companyPortal"])
    created = apply(live, None, planned)
    assert diagnostics(created) == []
    state = read_dynamic_value(created.new_state)
    assert (
        isinstance(state["id"], str)
        and state["help_url"] is None
        and state["renewal_threshold_percentage"] is None
    )
    assert [o["id"] for o in emu.objects()] == [state["id"]]

    # update: the planned values are known by now (Terraform resolves every unknown before apply)
    updated_plan = {**state, "display_name": "Dep 1", "renewal_threshold_percentage": 11}
    updated = apply(live, state, updated_plan)
    assert diagnostics(updated) == [] and read_dynamic_value(updated.new_state) == updated_plan

    read = live.ReadResource(
        pb.ReadResource.Request(type_name=RESOURCE, current_state=dynamic(updated_plan)), None
    )
    assert diagnostics(read) == [] and raw(read.new_state) == updated_plan

    imported = live.ImportResourceState(
        pb.ImportResourceState.Request(type_name=RESOURCE, id=state["id"]), None
    )
    assert diagnostics(imported) == []
    assert read_dynamic_value(imported.imported_resources[0].state)["display_name"] == "Dep 1"

    deleted = apply(live, updated_plan, None)
    assert (
        diagnostics(deleted) == [] and read_dynamic_value(deleted.new_state) is None and emu.objects() == []
    )


# ----------------------------------------------------------------------------- data sources


def test_data_source_validate_takes_every_kind_as_given(servicer: ProviderServicer) -> None:
    for value in (UNKNOWN, NOT_NULL, DEP_PREFIX):
        config = {
            "id": None,
            "display_name": value,
            "issuer": None,
            "help_url": None,
            "notification_types": None,
            "renewal_threshold_percentage": None,
        }
        request = pb.ValidateDataResourceConfig.Request(type_name=ONE, config=dynamic(config))
        assert diagnostics(servicer.ValidateDataResourceConfig(request, None)) == []
        all_config = {"issuer": value, "id": None, "ids": None, "derived_credentials": None}
        request = pb.ValidateDataResourceConfig.Request(type_name=ALL, config=dynamic(all_config))
        assert diagnostics(servicer.ValidateDataResourceConfig(request, None)) == []


def test_data_source_reads_known_and_null_arguments_and_refuse_unknown_ones(
    live: ProviderServicer, emu: GraphEmulator
) -> None:
    created = read_dynamic_value(apply(live, None, resource_config(id=UNKNOWN)).new_state)
    one = {
        "id": created["id"],
        "display_name": None,
        "issuer": None,
        "help_url": None,
        "notification_types": None,
        "renewal_threshold_percentage": None,
    }
    response = live.ReadDataSource(pb.ReadDataSource.Request(type_name=ONE, config=dynamic(one)), None)
    assert diagnostics(response) == [] and read_dynamic_value(response.state)["display_name"] == "Purebred"

    all_config = {"issuer": None, "id": None, "ids": None, "derived_credentials": None}
    response = live.ReadDataSource(pb.ReadDataSource.Request(type_name=ALL, config=dynamic(all_config)), None)
    assert diagnostics(response) == [] and read_dynamic_value(response.state)["ids"] == [created["id"]]

    # Terraform defers a read whose arguments are unknown; were one sent, it is refused, not guessed.
    for value in (UNKNOWN, DEP_PREFIX):
        response = live.ReadDataSource(
            pb.ReadDataSource.Request(
                type_name=ONE, config=dynamic({**one, "id": None, "display_name": value})
            ),
            None,
        )
        assert [e[2] for e in diagnostics(response)] == [["display_name"]]
        assert "not known yet" in diagnostics(response)[0][0]
    emu.clear()

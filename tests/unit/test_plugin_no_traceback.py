"""Whatever a bug raises, in any call Terraform makes, the user sees one diagnostic and no traceback
(issue 17, item 4); the traceback goes to the plugin's stderr, which is Terraform's log (TF_LOG).

Each case forces an unexpected exception somewhere on one entry point's path and sends the call
through the servicer `serve()` runs (tf's own `ProviderServicer`, as extended in `plugin.server`),
as Terraform would. Payloads are msgpack built as in `test_plugin_values`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb

from terraform_provider_intune.plugin import data_sources as plugin_data_sources
from terraform_provider_intune.plugin import provider as plugin_provider
from terraform_provider_intune.plugin import resources as plugin_resources
from terraform_provider_intune.plugin.provider import IntuneProvider
from terraform_provider_intune.plugin.resources import SpecResource
from terraform_provider_intune.plugin.server import replace_aware_servicer_class

RESOURCE = "intune_derived_credential"
ONE = "intune_derived_credential"
UNKNOWN = msgpack.ExtType(0, b"\x00")


class Bug(Exception):
    """What a bug raises: no rule turns it into a message."""


def boom(*args: Any, **kwargs: Any) -> Any:
    raise Bug("something nobody expected")


class Exploding:
    """A handler whose every call is a bug."""

    create = read = update = delete = import_ = staticmethod(boom)


def dynamic(obj: Any) -> pb.DynamicValue:
    return pb.DynamicValue(msgpack=msgpack.packb(obj))


def state(**values: Any) -> dict[str, Any]:
    base = {
        "id": "00000000-0000-0000-0000-000000000001",
        "display_name": "Purebred",
        "issuer": "purebred",
        "help_url": None,
        "notification_types": None,
        "renewal_threshold_percentage": None,
        "tenant_id": None,
    }
    return {**base, **values}


def provider_config() -> dict[str, Any]:
    names = [a.name for a in IntuneProvider().get_provider_schema(None).attributes]  # type: ignore[arg-type]
    return dict.fromkeys(names)


def one_config() -> dict[str, Any]:
    return {**dict.fromkeys(["id", "tenant_id", "issuer", "help_url"]), "display_name": "Purebred"} | {
        "notification_types": None,
        "renewal_threshold_percentage": None,
    }


# entry point -> (what to break, the call)
Patch = Callable[[pytest.MonkeyPatch], None]
Call = Callable[[Any], Any]

CASES: dict[str, tuple[Patch, Call]] = {
    "schema": (
        lambda mp: mp.setattr(IntuneProvider, "get_provider_schema", boom),
        lambda s: s.GetProviderSchema(pb.GetProviderSchema.Request(), None),
    ),
    "validate provider": (
        lambda mp: mp.setattr(plugin_provider, "check_arguments", boom),
        lambda s: s.ValidateProviderConfig(
            pb.ValidateProviderConfig.Request(config=dynamic({**provider_config(), "cloud": "public"})), None
        ),
    ),
    "configure": (
        lambda mp: mp.setattr(plugin_provider, "known_items", boom),
        lambda s: s.ConfigureProvider(pb.ConfigureProvider.Request(config=dynamic(provider_config())), None),
    ),
    "validate resource": (
        lambda mp: mp.setattr(plugin_resources, "check_config", boom),
        lambda s: s.ValidateResourceConfig(
            pb.ValidateResourceConfig.Request(type_name=RESOURCE, config=dynamic(state(id=None))), None
        ),
    ),
    "validate data source": (
        lambda mp: mp.setattr("terraform_provider_intune.data_sources.check_lookup_config", boom),
        lambda s: s.ValidateDataResourceConfig(
            pb.ValidateDataResourceConfig.Request(type_name=ONE, config=dynamic(one_config())), None
        ),
    ),
    "plan": (
        lambda mp: mp.setattr(IntuneProvider, "replacement_attributes", boom),
        lambda s: s.PlanResourceChange(
            pb.PlanResourceChange.Request(
                type_name=RESOURCE,
                prior_state=dynamic(state()),
                proposed_new_state=dynamic(state(display_name="Other")),
                config=dynamic(state(id=None, display_name="Other")),
            ),
            None,
        ),
    ),
    "apply (create, inside the handler)": (
        lambda mp: mp.setattr(SpecResource, "_handler", lambda self, *args, **kwargs: Exploding()),
        lambda s: s.ApplyResourceChange(
            pb.ApplyResourceChange.Request(
                type_name=RESOURCE,
                prior_state=dynamic(None),
                planned_state=dynamic(state(id=UNKNOWN, tenant_id=UNKNOWN)),
                config=dynamic(state(id=None)),
            ),
            None,
        ),
    ),
    "apply (update, outside the handler)": (
        lambda mp: mp.setattr(plugin_resources, "_tenant_of", boom),
        lambda s: s.ApplyResourceChange(
            pb.ApplyResourceChange.Request(
                type_name=RESOURCE,
                prior_state=dynamic(state()),
                planned_state=dynamic(state(display_name="Other")),
                config=dynamic(state(id=None, display_name="Other")),
            ),
            None,
        ),
    ),
    "apply (delete)": (
        lambda mp: mp.setattr(SpecResource, "_handler", lambda self, *args, **kwargs: Exploding()),
        lambda s: s.ApplyResourceChange(
            pb.ApplyResourceChange.Request(
                type_name=RESOURCE,
                prior_state=dynamic(state()),
                planned_state=dynamic(None),
                config=dynamic(None),
            ),
            None,
        ),
    ),
    "read (refresh)": (
        lambda mp: mp.setattr(SpecResource, "_handler", lambda self, *args, **kwargs: Exploding()),
        lambda s: s.ReadResource(
            pb.ReadResource.Request(type_name=RESOURCE, current_state=dynamic(state())), None
        ),
    ),
    "import": (
        lambda mp: mp.setattr(plugin_resources, "split_import_id", boom),
        lambda s: s.ImportResourceState(pb.ImportResourceState.Request(type_name=RESOURCE, id="abc"), None),
    ),
    "upgrade state": (
        lambda mp: mp.setattr(SpecResource, "get_schema", classmethod(boom)),
        lambda s: s.UpgradeResourceState(
            pb.UpgradeResourceState.Request(
                type_name=RESOURCE, version=0, raw_state=pb.RawState(json=b'{"id": "x"}')
            ),
            None,
        ),
    ),
    "data source read": (
        lambda mp: (
            mp.setattr(IntuneProvider, "client", lambda self, tenant=None: None),
            mp.setattr("terraform_provider_intune.data_sources.find_one", boom),
        ),
        lambda s: s.ReadDataSource(
            pb.ReadDataSource.Request(type_name=ONE, config=dynamic(one_config())), None
        ),
    ),
    "data source read (outside the lookup)": (
        lambda mp: mp.setattr(plugin_data_sources, "config_value", boom),
        lambda s: s.ReadDataSource(
            pb.ReadDataSource.Request(type_name=ONE, config=dynamic(one_config())), None
        ),
    ),
}


@pytest.fixture(autouse=True)
def no_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTUNE_PROVIDER_WARM_UP", "0")


@pytest.mark.parametrize("case", list(CASES))
def test_an_unexpected_exception_is_one_diagnostic_without_a_traceback(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    servicer = replace_aware_servicer_class()(IntuneProvider())
    breaks, call = CASES[case]
    breaks(monkeypatch)
    response = call(servicer)  # answered: no exception reaches gRPC ("Plugin error")
    errors = [d for d in response.diagnostics if d.severity == pb.Diagnostic.ERROR]
    assert len(errors) == 1, [(d.summary, d.detail) for d in response.diagnostics]
    summary, detail = errors[0].summary, errors[0].detail
    assert summary.startswith("Unexpected provider error: Bug"), summary
    assert "something nobody expected" in detail and "TF_LOG" in detail
    assert "Traceback" not in summary + detail and 'File "' not in detail
    assert "Traceback" in capsys.readouterr().err, "the traceback goes to the log (stderr)"


def test_every_call_terraform_makes_is_covered() -> None:
    from terraform_provider_intune.plugin.server import SAFE_RPCS

    answered = {
        n for n in dir(pb) if hasattr(getattr(pb, n), "Response") and hasattr(getattr(pb, n), "Request")
    }
    with_diagnostics = {
        n for n in answered if "diagnostics" in getattr(pb, n).Response.DESCRIPTOR.fields_by_name
    }
    servicer = replace_aware_servicer_class()
    left = {n for n in with_diagnostics if hasattr(servicer, n)} - set(SAFE_RPCS)
    assert left <= {"GetFunctions", "GetMetadata", "CallFunction"}, left  # no provider code runs in those


def test_diagnostics_never_carry_raw_control_characters_or_url_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def hostile(self: Any, diags: Any, config: Any) -> None:
        diags.add_error(
            "name \x1b[31mred\u202e", "see https://admin:Pa55w0rd@example.com/x\n" + "y" * 100_000
        )

    monkeypatch.setattr(IntuneProvider, "validate_config", hostile)
    servicer = replace_aware_servicer_class()(IntuneProvider())
    response = servicer.ValidateProviderConfig(
        pb.ValidateProviderConfig.Request(config=dynamic(provider_config())), None
    )
    [error] = response.diagnostics
    assert error.summary == "name \\x1b[31mred\\u202e"
    assert "Pa55w0rd" not in error.detail and "https://***@example.com/x\n" in error.detail
    assert len(error.detail) < 10_000

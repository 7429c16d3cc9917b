"""Where the provider connects is checked at ConfigureProvider, through the servicer Terraform talks
to: a bad INTUNE_GRAPH_ENDPOINT (or AZURE_AUTHORITY_HOST, INTUNE_CLOUD, or a known argument) is one
error diagnostic naming the argument or variable and what is allowed, before any token or Graph call,
instead of an error from each resource's first Graph call. An unknown argument (known only at
apply) judges nothing yet."""

from __future__ import annotations

import threading
from typing import Any

import msgpack
import pytest
from tf.gen import tfplugin_pb2 as pb
from tf.provider import ProviderServicer

from intune_model import address as a
from terraform_provider_intune.config import endpoint_problems
from terraform_provider_intune.plugin.provider import ENV_WARM_UP, WARM_UP_THREAD, IntuneProvider

UNKNOWN = msgpack.ExtType(0, b"\x00")
NOT_ABSOLUTE = "is not an absolute URL (for example https://graph.microsoft.com)"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (a.ENV_GRAPH_ENDPOINT, a.ENV_AUTHORITY_HOST, a.ENV_CLOUD):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(a.ENV_TENANT_ID, "contoso.onmicrosoft.com")


def configure(monkeypatch: pytest.MonkeyPatch, **values: Any) -> list[tuple[str, str, list[str]]]:
    """ConfigureProvider over the wire with every argument null but `values`; its error diagnostics."""
    provider = IntuneProvider()
    names = [attr.name for attr in provider.get_provider_schema(None).attributes]
    config = {**dict.fromkeys(names), **values}
    servicer = ProviderServicer(provider)
    request = pb.ConfigureProvider.Request(config=pb.DynamicValue(msgpack=msgpack.packb(config)))
    response = servicer.ConfigureProvider(request, None)
    return [
        (d.summary, d.detail, [s.attribute_name for s in d.attribute.steps])
        for d in response.diagnostics
        if d.severity == pb.Diagnostic.ERROR
    ]


def warm_ups() -> int:
    return sum(t.name == WARM_UP_THREAD for t in threading.enumerate())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("graph.contoso.example", NOT_ABSOLUTE),
        ("https://[abc", NOT_ABSOLUTE),
        (
            "http://graph.contoso.example",
            "uses plain http; only https is allowed (http only on a loopback address)",
        ),
        ("https://graph.contoso.example/?tenant=x", "must not carry a query or fragment"),
    ],
)
def test_a_bad_graph_endpoint_variable_fails_configure(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv(a.ENV_GRAPH_ENDPOINT, value)
    before = warm_ups()
    errors = configure(monkeypatch)
    assert len(errors) == 1, errors
    summary, detail, path = errors[0]
    assert summary == "Provider configuration: graph_endpoint"
    assert detail.startswith("INTUNE_GRAPH_ENDPOINT: ") and message in detail
    assert path == []  # the value is not in the configuration: no attribute to point at
    assert warm_ups() == before, "no token is requested for a provider that cannot connect"


def test_a_bad_argument_known_at_configure_points_at_it(monkeypatch: pytest.MonkeyPatch) -> None:
    errors = configure(monkeypatch, graph_endpoint="ftp://graph.contoso.example")
    assert errors == [
        (
            "Provider configuration: graph_endpoint",
            f"'ftp://graph.contoso.example' {NOT_ABSOLUTE}",
            ["graph_endpoint"],
        )
    ]


def test_the_argument_wins_over_a_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_WARM_UP, "0")
    monkeypatch.setenv(a.ENV_GRAPH_ENDPOINT, "not a url")
    assert configure(monkeypatch, graph_endpoint="https://graph.microsoft.com") == []
    # unknown until apply: nothing judged yet, the argument will replace the variable
    assert configure(monkeypatch, graph_endpoint=UNKNOWN) == []


def test_good_endpoints_and_clouds_configure_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_WARM_UP, "0")
    assert configure(monkeypatch) == []
    monkeypatch.setenv(a.ENV_GRAPH_ENDPOINT, "https://graph.microsoft.us/")
    monkeypatch.setenv(a.ENV_CLOUD, "usgovernment")
    assert configure(monkeypatch) == []
    monkeypatch.setenv(a.ENV_GRAPH_ENDPOINT, "http://127.0.0.1:8443")  # a local emulator
    monkeypatch.delenv(a.ENV_CLOUD)
    assert configure(monkeypatch) == []


def test_other_endpoint_problems_fail_configure_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(a.ENV_CLOUD, "mars")
    ((summary, detail, _),) = configure(monkeypatch)
    assert summary == "Provider configuration: cloud" and detail.startswith("INTUNE_CLOUD: ")
    assert "public" in detail and "china" in detail
    monkeypatch.delenv(a.ENV_CLOUD)
    monkeypatch.setenv(a.ENV_AUTHORITY_HOST, "https://login.chinacloudapi.cn")
    ((summary, detail, _),) = configure(monkeypatch, graph_endpoint="https://graph.microsoft.com")
    assert summary == "Provider configuration: cloud" and "tokens don't cross clouds" in detail


def test_endpoint_problems_need_no_credential() -> None:
    env = {a.ENV_GRAPH_ENDPOINT: "nope"}
    assert endpoint_problems({}, env) == [("graph_endpoint", f"INTUNE_GRAPH_ENDPOINT: 'nope' {NOT_ABSOLUTE}")]
    assert endpoint_problems({}, env, unknown=["authority_host"]) == []
    assert endpoint_problems({}, {}) == []  # no tenant, no client: still nothing wrong with where

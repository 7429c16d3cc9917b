"""Issue 17, items 3-9 as unit tests: what a hostile or unlucky user types is refused before anything
is sent, quoted back bounded, without credentials and without raw control characters; a TLS
certificate that does not verify fails at once; `intune-provider list` escapes what Graph holds.
(The same symptoms through real Terraform: `tests/e2e/test_e2e_hostile.py`.)"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_graph import CertificateNotTrusted, GraphClient, RetryPolicy
from intune_graph.retry import Transport, classify_transport, poll
from intune_model.arguments import check_base_url
from intune_model.display import escape_controls, redact_url, safe_text, shown
from intune_model.errors import SettingsInvalid
from intune_model.registry import default_spec
from terraform_provider_intune.config import ConfigProblems, check_arguments, resolve
from terraform_provider_intune.data_sources import check_lookup_config, find_one
from terraform_provider_intune.handler import HandlerError
from terraform_provider_intune.tenants import ImportIdError, split_import_id
from tests.scripted_graph import FAST, scripted_client

SPEC = default_spec()
GOOD = {"display_name": "Purebred", "issuer": "purebred"}


def problems(**values: object) -> dict[str, str]:
    return dict(SPEC.problems({**GOOD, **values}))


# ----------------------------------------------------------------------------- item 3: TLS


def tls_failure() -> httpx.ConnectError:
    """What httpx raises when the server's certificate does not verify (the ssl error as cause)."""
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    try:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed") from cause
    except httpx.ConnectError as exc:
        return exc


def test_a_tls_verification_failure_is_fatal_and_says_where_and_which_ca(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/tmp/old-ca.pem")
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    client, seen = scripted_client([tls_failure()], RetryPolicy(deadline_s=600, base_delay_s=0.5))
    started = time.monotonic()
    with pytest.raises(CertificateNotTrusted) as failure:
        client.get("/deviceManagement/derivedCredentials", "x")
    assert time.monotonic() - started < 1 and len(seen) == 1, "not retried until the deadline"
    summary, detail, _ = failure.value.diagnostics()[0]
    assert summary == "Cannot verify the TLS certificate of https://graph.test"
    assert "SSL_CERT_FILE=/tmp/old-ca.pem" in detail and "CERTIFICATE_VERIFY_FAILED" in detail


def test_other_connection_failures_stay_transient() -> None:
    assert classify_transport(tls_failure()) is Transport.FATAL
    assert classify_transport(httpx.ConnectError("refused")) is Transport.NOT_SENT
    assert classify_transport(httpx.ReadTimeout("slow")) is Transport.MAYBE_SENT
    client, seen = scripted_client([httpx.ConnectError("refused"), httpx.Response(200, json={"id": "x"})])
    assert client.get("/deviceManagement/derivedCredentials", "x") == {"id": "x"} and len(seen) == 2


def test_the_token_request_fails_at_once_on_an_untrusted_certificate(tmp_path: Path) -> None:
    with start_emulator(tmp_path / "emu") as emu:
        conn = resolve({}, emu.env())  # the emulator's endpoints, but not its CA: the system's store
        from intune_graph import open_client

        client: GraphClient = open_client(conn)
        started = time.monotonic()
        with pytest.raises(CertificateNotTrusted, match=emu.authority_host.split("//")[1]):
            client.tokens.token()
        assert time.monotonic() - started < 5


def test_the_one_poll_loop() -> None:
    rounds: list[int] = []

    def check() -> str | None:
        rounds.append(1)
        return "done" if len(rounds) == 3 else None

    assert poll(check, time.monotonic() + 5, lambda s: None) == "done" and len(rounds) == 3
    assert poll(lambda: None, time.monotonic() - 1, lambda s: None) is None  # called once, then over
    waits: list[float] = []
    poll(lambda: None, time.monotonic() + 0.05, waits.append, first_s=0.01, most_s=0.02)
    assert waits and max(waits) <= 0.02 and waits[0] <= 0.01


def test_the_windows_live_in_one_place() -> None:
    from intune_graph import client, connection, retry, secret_token
    from terraform_provider_intune import handler

    assert handler.ADOPT_SEARCH_S is retry.ADOPT_SEARCH_S and handler.IMPORT_GRACE_S is retry.IMPORT_GRACE_S
    assert client.RetryPolicy is retry.RetryPolicy
    for module in (client, connection, handler, secret_token):
        source = Path(module.__file__ or "").read_text()
        assert (
            "delay * 2" not in source
            and "while True:\n            try:\n                return self.fetch" not in source
        )
        assert "time.sleep(0.5" not in source and "Timeout(60" not in source


# ----------------------------------------------------------------------------- item 4: lengths


def test_names_graph_cannot_take_are_refused_before_anything_is_sent() -> None:
    assert "100,000 characters long; at most 256" in problems(display_name="x" * 100_000)["display_name"]
    assert "at most 256" in problems(display_name="\U0001f600" * 6000)["display_name"]
    assert "display_name" not in problems(display_name="x" * 256)
    assert "display_name" not in problems(display_name="\U0001f468\u200d\U0001f469\u200d\U0001f467 team")
    assert "at most 2,048" in problems(help_url="https://example.com/" + "a" * 3000)["help_url"]


def test_ids_and_lookups_that_cannot_exist_are_refused_at_validate() -> None:
    assert check_lookup_config(SPEC, {"id": "x" * 70_000, "display_name": None}) == [
        ("id", "id is 70,000 characters long; a Graph id has at most 256")
    ]
    [(name, message)] = check_lookup_config(SPEC, {"id": None, "display_name": "y" * 70_000})
    assert name == "display_name" and "70,000 characters" in message and len(message) < 200
    with pytest.raises(ImportIdError) as failure:
        split_import_id("z" * 70_000)
    summary, detail, _ = failure.value.diagnostics()[0]
    assert len(summary) < 200 and "70,000 characters" in detail
    with pytest.raises(ImportIdError) as failure:
        split_import_id("contoso.onmicrosoft.com/ab\ncd")
    assert "whitespace or control" in failure.value.diagnostics()[0][1]


def test_a_long_lookup_never_reaches_a_url() -> None:
    client, seen = scripted_client([httpx.Response(200, json={"value": []})], FAST)
    with pytest.raises(HandlerError) as failure:
        find_one(client, SPEC, lookup="y" * 70_000)
    assert "at most 256" in failure.value.detail and len(failure.value.summary) < 100
    with pytest.raises(HandlerError) as failure:
        find_one(client, SPEC, item_id="y" * 70_000)
    assert "at most 256" in failure.value.detail
    assert seen == []


# ----------------------------------------------------------------------------- item 5: bad URLs


@pytest.mark.parametrize("url", ["https://[abc", "https://[::1", "https://host:port", "https://h:99999999"])
def test_a_url_that_does_not_parse_is_an_error_not_a_crash(url: str) -> None:
    with pytest.raises(ValueError, match="is not an absolute URL"):
        check_base_url(url, "graph_endpoint")
    for name in ("graph_endpoint", "authority_host"):
        assert [n for n, _ in check_arguments({name: url})] == [name]


def test_a_bad_endpoint_from_the_environment_is_named() -> None:
    with pytest.raises(ConfigProblems) as failure:
        resolve({}, {"INTUNE_GRAPH_ENDPOINT": "https://[abc", "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"})
    assert "INTUNE_GRAPH_ENDPOINT" in str(failure.value) and "'https://[abc'" in str(failure.value)


# ----------------------------------------------------------------------------- item 6: bounded echo


def test_a_huge_value_is_quoted_back_bounded() -> None:
    digits = "1" + "0" * 10_000_000  # how Terraform sends 1e10000000 (too large for a float)
    message = problems(renewal_threshold_percentage=digits)["renewal_threshold_percentage"]
    assert len(message) < 300 and "10,000,001 characters" in message
    assert shown(10**100_000).startswith("a whole number of about")
    assert (
        len(str(SettingsInvalid([("display_name", problems(display_name="x" * 10**6)["display_name"])], "x")))
        < 300
    )
    assert len(check_arguments({"timeout_seconds": digits})[0][1]) < 300


# ----------------------------------------------------------------------------- item 8: credentials


def test_urls_with_credentials_are_refused_and_never_echoed() -> None:
    message = problems(help_url="https://admin:Pa55w0rd@example.com/help")["help_url"]
    assert "credentials" in message and "Pa55w0rd" not in message and "admin" not in message
    message = problems(help_url="ftp://user:TopSecretPw@example.com/x")["help_url"]
    assert "TopSecretPw" not in message and "ftp://***@example.com/x" in message
    for name in ("graph_endpoint", "authority_host"):
        [(arg, message)] = check_arguments({name: "https://user:S3cret@graph.microsoft.com"})
        assert arg == name and "credentials" in message and "S3cret" not in message
    assert redact_url("GET https://u:p@h:1/x?y=https://a:b@c") == "GET https://***@h:1/x?y=https://***@c"


# ----------------------------------------------------------------------------- item 9: controls


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x07",
        "\x1b",
        "\r",
        "\n",
        "\t",
        "\x7f",
        "\x9b",
        "\u202e",
        "\u2066",
        "\u200b",
        "\ufeff",
        "\u2028",
    ],
)
def test_control_bidi_and_zero_width_characters_are_refused_in_names(char: str) -> None:
    message = problems(display_name=f"Pure{char}bred")["display_name"]
    assert f"U+{ord(char):04X}" in message
    assert char not in message, "the message itself shows the character escaped"


def test_our_output_escapes_what_graph_holds() -> None:
    assert escape_controls("a\x1b[2Jb\u202ec\r\n") == "a\\x1b[2Jb\\u202ec\\r\\n"
    assert safe_text("line one\nline \x07two") == "line one\nline \\x07two"
    assert escape_controls("caf\u00e9 \U0001f468\u200d\U0001f469") == "caf\u00e9 \U0001f468\u200d\U0001f469"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path) as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def test_the_cli_list_escapes_control_characters_graph_stored(
    emu: GraphEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    from intune_graph import open_client
    from terraform_provider_intune.cli import main

    hostile = "Evil\x1b[2J\x1b[31m\u202eoh\x07\r\nname"
    client = open_client(resolve({}))
    client.create(
        SPEC.collection_path, {"@odata.type": SPEC.odata_type, "displayName": hostile, "issuer": "xTec"}
    )
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out and "\r" not in out
    assert "Evil\\x1b[2J\\x1b[31m\\u202eoh\\x07\\r\\nname" in out
    assert main(["list", "--json"]) == 0
    assert "\x1b" not in capsys.readouterr().out
    assert main(["show", "--display-name", "x" * 300]) != 0
    err = capsys.readouterr().err
    assert "at most 256" in err and len(err) < 400

"""The emulator's shell environment trusts the system's roots and the emulator's CA, so pip and other
HTTPS clients in a shell that `eval`'d `graph-emulator start` still verify public servers. A CA made
here stands in for a public root (its "system roots" file is handed to `write_bundle`); real TLS
handshakes over a socket pair check what a client loading the bundle (as pip and requests load
`REQUESTS_CA_BUNDLE`) accepts and refuses."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path

import httpx
import pytest
import trustme

from graph_emulator import start_emulator
from graph_emulator.trust import MARKER, system_roots, write_bundle

BEGIN = "-----BEGIN CERTIFICATE-----"


def verifies(bundle: Path, issuer: trustme.CA, host: str = "pypi.org") -> bool:
    """Whether a client trusting `bundle` completes a TLS handshake with `host`'s certificate from
    `issuer` (what pip does with REQUESTS_CA_BUNDLE)."""
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    issuer.issue_cert(host).configure_cert(server_ctx)
    client_ctx = ssl.create_default_context(cafile=str(bundle))
    left, right = socket.socketpair()
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            with server_ctx.wrap_socket(right, server_side=True):
                pass
        except (ssl.SSLError, OSError) as exc:
            errors.append(exc)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client_ctx.wrap_socket(left, server_hostname=host):
            return True
    except ssl.SSLCertVerificationError:
        return False
    finally:
        left.close()
        thread.join(10)


@pytest.fixture
def public_root(tmp_path: Path) -> tuple[trustme.CA, Path]:
    """A CA standing in for a public root, in a "system roots" file."""
    ca = trustme.CA()
    roots = tmp_path / "system-roots.pem"
    ca.cert_pem.write_to_path(str(roots))
    return ca, roots


def test_the_bundle_trusts_public_servers_and_the_emulator(
    tmp_path: Path, public_root: tuple[trustme.CA, Path]
) -> None:
    public, roots = public_root
    emulator = trustme.CA()
    emulator_ca = tmp_path / "data" / "ca.pem"
    emulator_ca.parent.mkdir()
    emulator.cert_pem.write_to_path(str(emulator_ca))
    bundle = write_bundle(tmp_path / "data" / "ca-bundle.pem", emulator_ca, {}, roots=roots)
    assert bundle.read_text().startswith(MARKER)
    assert verifies(bundle, public)  # pip reaching PyPI
    assert verifies(bundle, emulator, "127.0.0.1")  # the provider reaching the emulator
    assert not verifies(emulator_ca, public), "the emulator's CA alone refuses public servers"
    assert not verifies(bundle, trustme.CA()), "the check can fail: a CA in neither is refused"


def test_a_bundle_the_shell_trusted_before_is_kept_instead_of_the_system_roots(
    tmp_path: Path, public_root: tuple[trustme.CA, Path]
) -> None:
    """A corporate bundle in SSL_CERT_FILE (an inspecting proxy's root) stays trusted; an earlier
    emulator's bundle or CA is not carried over (its CA is stale, its roots come again)."""
    corporate, corporate_file = public_root
    data = tmp_path / "data"
    data.mkdir()
    emulator = trustme.CA()
    emulator.cert_pem.write_to_path(str(data / "ca.pem"))
    system = trustme.CA()
    system_file = tmp_path / "system.pem"
    system.cert_pem.write_to_path(str(system_file))
    env = {"SSL_CERT_FILE": str(corporate_file), "REQUESTS_CA_BUNDLE": str(data / "ca.pem")}
    bundle = write_bundle(data / "ca-bundle.pem", data / "ca.pem", env, roots=system_file)
    assert verifies(bundle, corporate) and verifies(bundle, emulator, "127.0.0.1")
    assert not verifies(bundle, system), "the shell's own bundle replaces the system roots, as before"
    assert bundle.read_text().count(BEGIN) == 2

    again = write_bundle(
        data / "ca-bundle.pem", data / "ca.pem", {"SSL_CERT_FILE": str(bundle)}, roots=system_file
    )
    assert again.read_text().count(BEGIN) == 2  # system + emulator: the old bundle was not nested
    assert verifies(again, system)


def test_the_shell_environment_of_a_running_emulator(tmp_path: Path) -> None:
    """With the machine's real roots: every one of them and the emulator's CA are in the bundle, and
    `env()` (for tests' subprocesses) still trusts the emulator alone."""
    roots = system_roots()
    assert roots is not None
    with start_emulator(tmp_path / "emu") as emu:
        env = emu.shell_env({})
        bundle = Path(env["SSL_CERT_FILE"])
        assert env["REQUESTS_CA_BUNDLE"] == str(bundle) and bundle == tmp_path / "emu" / "ca-bundle.pem"
        text = bundle.read_text()
        assert text.count(BEGIN) == roots.read_text().count(BEGIN) + 1
        assert emu.ca_file.read_text().strip() in text
        assert emu.env()["SSL_CERT_FILE"] == str(emu.ca_file)
        context = ssl.create_default_context(cafile=str(bundle))
        with httpx.Client(verify=context) as client:
            assert (
                client.get(
                    f"{emu.graph_endpoint}/{emu.tenant_id}/v2.0/.well-known/openid-configuration"
                ).status_code
                == 200
            )

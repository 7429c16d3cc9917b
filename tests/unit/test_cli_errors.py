"""No command prints a traceback: every credential or input problem is one clear `error:` message
and a non-zero exit code (issue 12, "No tracebacks"). Each `intune-provider` command runs with each
kind of broken credential and with bad arguments, as the installed executable."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from graph_emulator import GraphEmulator, start_emulator
from intune_model import address as a

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLEARED = (
    a.ENV_TENANT_ID,
    a.ENV_CLIENT_ID,
    a.ENV_CLIENT_SECRET,
    a.ENV_CLIENT_CERTIFICATE_PATH,
    a.ENV_CLIENT_CERTIFICATE_PASSWORD,
    a.ENV_FEDERATED_TOKEN_FILE,
    a.ENV_AUTHORITY_HOST,
    a.ENV_GRAPH_ENDPOINT,
    a.ENV_CLOUD,
    a.ENV_USE_OIDC,
    a.ENV_USE_CLI,
    a.ENV_USE_MSI,
)
UNREACHABLE = "https://127.0.0.1:9"
# `package` checks its options before the build starts (and before writing anything)
PACKAGE = [
    "package",
    "--out",
    "never-written",
    "--base-url",
    "https://tf.example.com",
]  # the discard port: nothing listens, the connection is refused


def run(argv: list[str], env: Mapping[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    return subprocess.run(
        argv,
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def assert_one_clear_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    output = " ".join(proc.args) + "\n" + proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "Traceback" not in output, output
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:") or ": error:" in line]
    assert len(errors) == 1, output
    for needle in needles:
        assert needle in proc.stderr, output


def broken_credentials(tmp: Path) -> dict[str, tuple[dict[str, str], str]]:
    """Kind of breakage -> (environment, what the message must name)."""
    garbage = tmp / "garbage.pem"
    garbage.write_text("not a certificate\n")
    app = {a.ENV_TENANT_ID: "contoso.example", a.ENV_CLIENT_ID: "00000000-0000-0000-0000-000000000001"}
    secret = {**app, a.ENV_CLIENT_SECRET: "s3cret"}
    return {
        "unreadable certificate": (
            {**app, a.ENV_CLIENT_CERTIFICATE_PATH: str(tmp)},
            "client_certificate_path",
        ),
        "missing certificate": (
            {**app, a.ENV_CLIENT_CERTIFICATE_PATH: str(tmp / "absent.pem")},
            "client_certificate_path",
        ),
        "garbage certificate": (
            {**app, a.ENV_CLIENT_CERTIFICATE_PATH: str(garbage)},
            "client_certificate_path",
        ),
        "missing tenant": (
            {a.ENV_CLIENT_ID: app[a.ENV_CLIENT_ID], a.ENV_CLIENT_SECRET: "s3cret"},
            "tenant_id",
        ),
        "bad cloud": ({**secret, a.ENV_CLOUD: "mars"}, "cloud"),
        "bad endpoint URL": ({**secret, a.ENV_GRAPH_ENDPOINT: "http://graph.example/?x=1"}, "graph_endpoint"),
        "endpoint with a query": (
            {**secret, a.ENV_GRAPH_ENDPOINT: "https://graph.example/?x=1"},
            "graph_endpoint",
        ),
        "unreachable endpoint": (
            {**secret, a.ENV_GRAPH_ENDPOINT: UNREACHABLE, a.ENV_AUTHORITY_HOST: UNREACHABLE},
            "could not get a token",
        ),
    }


KINDS = list(broken_credentials(Path("/tmp")))
COMMANDS = {
    "list": ["list"],
    "list --json": ["list", "--json"],
    "show": ["show", "00000000-0000-0000-0000-00000000000a"],
    "show by name": ["show", "--display-name", "Purebred"],
    "export": ["export", "--quiet"],
}


@pytest.mark.parametrize("kind", KINDS)
def test_tenant_commands_with_broken_credentials(kind: str, tmp_path: Path) -> None:
    env, needle = broken_credentials(tmp_path)[kind]
    argvs = [[str(BIN / "intune-provider"), *argv] for argv in COMMANDS.values()]
    with ThreadPoolExecutor(len(argvs)) as pool:  # the commands run side by side: their waits overlap
        procs = list(pool.map(lambda argv: run(argv, env), argvs))
    for proc in procs:
        assert_one_clear_error(proc, needle)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["list", "--bogus"], "unrecognized arguments"),
        (["frobnicate"], "invalid choice"),
        ([], "required"),
        (["install"], "--dir"),
        (["show"], "give an id or --display-name"),
        (["list", "--resource", "nothing"], "invalid choice"),
        (["export", "--stack-name", "9 bad"], "--stack-name"),
        (["package", "--out", "never-written"], "--base-url"),
        ([*PACKAGE[:3], "--base-url", "http://tf.example.com"], "--base-url"),
        ([*PACKAGE, "--namespace", "a b"], "--namespace"),
        ([*PACKAGE, "--gpg-key", "nobody@invalid"], "--gpg-key"),
    ],
)
def test_bad_arguments(argv: list[str], needle: str) -> None:
    assert_one_clear_error(run([str(BIN / "intune-provider"), *argv], {}), needle)


def test_install_and_docs_into_unwritable_places(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert_one_clear_error(run([str(BIN / "intune-provider"), "install", "--dir", str(blocker / "x")], {}))
    assert_one_clear_error(run([str(BIN / "intune-provider"), "docs", "--dir", str(blocker / "x")], {}))


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphEmulator]:
    with start_emulator(tmp_path_factory.mktemp("emulator")) as emulator:
        yield emulator


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["show", "no-such-id"], "No derived credential settings with id 'no-such-id'"),
        (["show", "--display-name", "Nobody"], "No derived credential settings named 'Nobody'"),
        (["list", "--issuer", "acme"], "'acme' is not an issuer"),
        (["export", "--issuer", "acme"], "'acme' is not an issuer"),
        (["export", "--quiet", "-o", "/proc/no/such/dir/settings.json"], "error:"),
    ],
)
def test_bad_input_against_a_working_tenant(argv: list[str], needle: str, emu: GraphEmulator) -> None:
    assert_one_clear_error(run([str(BIN / "intune-provider"), *argv], emu.env()), needle)


def test_wrong_secret_against_a_working_tenant(emu: GraphEmulator) -> None:
    proc = run([str(BIN / "intune-provider"), "list"], {**emu.env(), a.ENV_CLIENT_SECRET: "wrong"})
    assert_one_clear_error(proc, "could not get a token")


def test_other_commands_refuse_bad_input_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "settings.json"
    bad.write_text('{"stacks": [{"name": "x", "settings": [{"key": "k", "issuer": "acme"}]}]}')
    stacks = run([sys.executable, "-m", "stacks"], {"INTUNE_STACKS_CONFIG": str(bad)})
    assert_one_clear_error(stacks, "issuer")
    emulator = run([str(BIN / "graph-emulator"), "start", "--data-dir", str(tmp_path), "--bogus"], {})
    assert_one_clear_error(emulator, "unrecognized arguments")

"""The provider process as Terraform ends it: go-plugin's Shutdown (after StopProvider, or alone)
ends the process with status 0, its socket directory removed, and nothing but the handshake on
stdout and no traceback on stderr. `plugin.server.exit_at_once` skips the interpreter's teardown, so
these are what would be lost if it ended the process too early or too bluntly."""

from __future__ import annotations

import base64
import contextlib
import os
import ssl
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from tf.gen import grpc_controller_pb2 as controller_pb
from tf.gen import grpc_controller_pb2_grpc as controller_rpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc


def _start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], str, bytes]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "terraform_provider_intune.main"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()
    fields = line.split("|")
    assert fields[:3] == ["1", "6", "unix"] and fields[4] == "grpc", line
    der = base64.b64decode(fields[5] + "=" * (-len(fields[5]) % 4))
    return proc, fields[3], ssl.DER_cert_to_PEM_cert(der).encode()


def _channel(socket: str, cert_pem: bytes) -> grpc.Channel:
    credentials = grpc.ssl_channel_credentials(root_certificates=cert_pem)
    return grpc.secure_channel(
        f"unix://{socket}", credentials, options=[("grpc.ssl_target_name_override", "localhost")]
    )


@pytest.mark.parametrize("stop_first", [False, True], ids=["shutdown", "stop-then-shutdown"])
def test_shutdown_ends_the_process_cleanly(tmp_path: Path, stop_first: bool) -> None:
    proc, socket, cert = _start(tmp_path)
    try:
        with _channel(socket, cert) as channel:
            provider = rpc.ProviderStub(channel)
            schema = provider.GetProviderSchema(pb.GetProviderSchema.Request(), timeout=30)
            assert "intune_derived_credential" in schema.resource_schemas
            if stop_first:
                provider.StopProvider(pb.StopProvider.Request(), timeout=30)
            # the server stops while answering, as Terraform expects; either outcome is fine
            with contextlib.suppress(grpc.RpcError):
                controller_rpc.GRPCControllerStub(channel).Shutdown(controller_pb.Empty(), timeout=30)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode()
    assert out.strip() == b"" and b"Traceback" not in err, (out, err)  # tf ends its handshake with "\n\n"
    assert not Path(socket).parent.exists(), "the socket's directory is left behind"

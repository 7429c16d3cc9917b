"""Client certificates for tests and demos: a self-signed RSA certificate with its key as PEM or PFX,
the way `az ad sp credential reset --create-cert` or a PKI would hand one out.

    public_pem = write_client_certificate(tmp_path / "app.pem")
    emu.add_client(tenant, client_id, certificates=[public_pem])
    # AZURE_CLIENT_CERTIFICATE_PATH=tmp_path / "app.pem"
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


def write_client_certificate(
    path: Path, *, password: str | None = None, pfx: bool = False, common_name: str = "intune-provider"
) -> str:
    """Write key and certificate to `path` (PEM: key then certificate; PFX: PKCS#12), encrypted with
    `password` when given; return the certificate's public PEM (what an app registration holds)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    )
    if pfx:
        data = pkcs12.serialize_key_and_certificates(common_name.encode(), key, cert, None, encryption)
    else:
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
        data = key_pem + cert.public_bytes(serialization.Encoding.PEM)
    path.write_bytes(data)
    path.chmod(0o600)
    return cert.public_bytes(serialization.Encoding.PEM).decode()

"""Regenerate the DEMO-ONLY keys of the seed cache (``offline_cache/demo/``).

Run once by a developer; the output is committed. The private keys are public by
design: they exist so the demo issuer can make codes that a station trusts in
demo mode only (``checkpoint-app --demo``). A station that is not in demo mode
never loads anything from ``offline_cache/demo/``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

DEMO = Path(__file__).resolve().parent.parent / "offline_cache" / "demo"
NOT_BEFORE = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
NOT_AFTER = int(dt.datetime(2036, 1, 1, tzinfo=dt.UTC).timestamp())
NOTICE = "DEMO ONLY - 仅供演示. Trusted only in demo mode; its private key is public."


def main() -> None:
    DEMO.mkdir(parents=True, exist_ok=True)
    key = ed25519.Ed25519PrivateKey.generate()
    kid = os.urandom(8)
    (DEMO / "phi1_issuer_key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    trust = {
        "version": 1,
        "issued_at": NOT_BEFORE,
        "demo": True,
        "notice": NOTICE,
        "keys": [
            {
                "kid": base64.b64encode(kid).decode(),
                "iss": "110000",
                "alg": "EdDSA",
                "pub": base64.b64encode(pub).decode(),
                "not_before": NOT_BEFORE,
                "not_after": NOT_AFTER,
            }
        ],
    }
    (DEMO / "phi1_trust_list.json").write_text(
        json.dumps(trust, indent=1, ensure_ascii=False) + "\n"
    )

    # EU DCC: a self-signed ES256 document signer certificate, as a country's DSC.
    dsc_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "checkpoint_app demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, "DEMO ONLY DCC signer"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(dsc_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.fromtimestamp(NOT_BEFORE, dt.UTC))
        .not_valid_after(dt.datetime.fromtimestamp(NOT_AFTER, dt.UTC))
        .sign(dsc_key, hashes.SHA256())
    )
    (DEMO / "dcc_signer.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (DEMO / "dcc_signer_key.pem").write_bytes(
        dsc_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


if __name__ == "__main__":
    main()

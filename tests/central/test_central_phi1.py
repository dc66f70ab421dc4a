"""The server's PHI1 encoder against the normative vectors (shared/vectors/phi1/).

The vectors' private keys are not public, but Ed25519 is deterministic and the
vectors are tagged COSE_Sign1 compressed at zlib level 9: for every vector that
carries a well-formed signed code, the encoder's protected header and payload
bytes for the vector's kid and claims must be the vector's own, its Sig_structure
must be what the vector's signature verifies, and packing them with that signature
must give the vector's QR text exactly.
"""

from __future__ import annotations

import base64
import json
import time
import zlib
from typing import Any

import base45
import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from shared_paths import phi1_dir

from central.phi1 import (
    ClaimsError,
    check_claims,
    encode_phi1,
    is_cid,
    new_cid,
    pack,
    protected_header,
    sig_structure,
)
from checkpoint_app.domain.phi1 import verify_phi1
from checkpoint_app.domain.results import Phi1Result
from checkpoint_app.domain.trust import parse_revocations, parse_trust_list

SIGNED_RESULTS = {
    "VALID",
    "EXPIRED",
    "NOT_YET_VALID",
    "REVOKED",
    "KEY_NOT_VALID",
    "KEY_ISSUER_MISMATCH",
}


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted((phi1_dir() / "cases").glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if case["expected"]["result"] in SIGNED_RESULTS:
            cases.append((path.stem, case))
    return cases


CASES = _cases()


def _trusted_keys() -> dict[bytes, Ed25519PublicKey]:
    trust = json.loads((phi1_dir() / "trust_list.json").read_text(encoding="utf-8"))
    return {
        base64.b64decode(k["kid"]): Ed25519PublicKey.from_public_bytes(base64.b64decode(k["pub"]))
        for k in trust["keys"]
    }


def test_there_are_signed_vectors() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize(("name", "case"), CASES, ids=[n for n, _ in CASES])
def test_the_encoder_reproduces_the_vector(name: str, case: dict[str, Any]) -> None:
    raw = zlib.decompress(base45.b45decode(case["qr"][len("PHI1:") :]))
    item = cbor2.loads(raw)
    tagged = isinstance(item, cbor2.CBORTag)
    protected, _unprotected, payload, signature = item.value if tagged else item
    kid = cbor2.loads(protected)[4]
    claims = cbor2.loads(payload)
    assert protected_header(kid) == protected
    assert cbor2.dumps(claims) == payload
    _trusted_keys()[kid].verify(signature, sig_structure(protected, payload))
    if tagged:  # the encoder always tags (one vector is untagged on purpose)
        assert pack(protected, payload, signature) == case["qr"]
    check_claims(claims)  # every signed vector's claims are well formed


def test_issued_codes_verify_with_the_app() -> None:
    key = Ed25519PrivateKey.generate()
    kid = b"\x01\x02\x03\x04\x05\x06\x07\x08"
    now = int(time.time())
    pub = key.public_key().public_bytes_raw()
    trust = parse_trust_list(
        {
            "version": 1,
            "issued_at": now,
            "keys": [
                {
                    "kid": base64.b64encode(kid).decode(),
                    "iss": "420000",
                    "alg": "EdDSA",
                    "pub": base64.b64encode(pub).decode(),
                    "not_before": now - 10,
                    "not_after": now + 3600,
                }
            ],
        }
    )
    cid = new_cid()
    assert is_cid(cid)
    claims = {
        "v": 1, "iss": "420000", "cid": cid, "nam": "阿依古丽·买买提", "idt": "01",
        "idm": "650***********2222", "sts": "red", "sat": now - 100, "iat": now, "exp": now + 300,
        "nat": {"res": "pos", "at": now - 7200},
    }  # fmt: skip
    text = encode_phi1(claims, kid, key)
    result = verify_phi1(text, trust, parse_revocations({"version": 1, "cids": []}), now)
    assert result.result is Phi1Result.VALID
    assert result.claims is not None and result.claims.to_json() == claims
    revoked = parse_revocations({"version": 2, "cids": [cid]})
    assert verify_phi1(text, trust, revocations=revoked, now=now).result is Phi1Result.REVOKED


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"v": 2}, "'v'"),
        ({"iss": "42000"}, "'iss'"),
        ({"cid": "ABC"}, "'cid'"),
        ({"nam": ""}, "'nam'"),
        ({"nam": "x" * 65}, "'nam'"),
        ({"idt": "1"}, "'idt'"),
        ({"sts": "blue"}, "'sts'"),
        ({"iat": True}, "'iat'"),
        ({"exp": 100}, "'exp' must be after"),
        ({"nat": {"res": "maybe", "at": 1}}, "'nat'"),
        ({"tel": 13800000000}, "'tel'"),
    ],
)
def test_claims_a_verifier_would_refuse_are_refused(change: dict[str, Any], words: str) -> None:
    claims = {
        "v": 1, "iss": "110000", "cid": new_cid(), "nam": "王芳", "idt": "01",
        "idm": "110***********2341", "sts": "green", "sat": 1000, "iat": 1000, "exp": 1300,
    }  # fmt: skip
    with pytest.raises(ClaimsError, match=words):
        encode_phi1({**claims, **change}, b"12345678", Ed25519PrivateKey.generate())

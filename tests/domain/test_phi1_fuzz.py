"""Property-based tests: random and mutated codes never break the PHI1 verifier.

Whatever the input, verification returns one result code; claims appear only
after the signature verified, and a verified code's claims are exactly what the
issuer signed (a mutation can never change what a VALID code says).
"""

from __future__ import annotations

import zlib
from typing import Any

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phi1_factory import NOW, Issuer, base_claims

from checkpoint_app.domain.codec import b45decode, b45encode
from checkpoint_app.domain.phi1 import Phi1Result, verify_phi1
from checkpoint_app.domain.trust import Revocations

ISSUER = Issuer()
TRUST = ISSUER.trust_list()
NO_REVOCATIONS = Revocations.empty()
CLAIMS = base_claims()
VALID_CODE = ISSUER.issue(CLAIMS)
COSE_BYTES = zlib.decompress(b45decode(VALID_CODE[5:]))
B45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
WITH_CLAIMS = {
    Phi1Result.KEY_ISSUER_MISMATCH,
    Phi1Result.KEY_NOT_VALID,
    Phi1Result.NOT_YET_VALID,
    Phi1Result.EXPIRED,
    Phi1Result.REVOKED,
    Phi1Result.VALID,
}
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str) -> None:
    outcome = verify_phi1(text, TRUST, NO_REVOCATIONS, NOW)
    assert isinstance(outcome.result, Phi1Result)
    if outcome.result in WITH_CLAIMS:
        assert outcome.claims is not None
        assert outcome.claims.to_json() == CLAIMS  # only the issuer's own claims ever verify
    else:
        assert outcome.claims is None


@FUZZ
@given(st.text(max_size=600))
def test_random_text(text: str) -> None:
    _check(text)
    _check("PHI1:" + text)


@FUZZ
@given(st.text(alphabet=B45_ALPHABET, max_size=800))
def test_random_base45_payloads(body: str) -> None:
    _check("PHI1:" + body)


@FUZZ
@given(st.data())
def test_mutated_qr_text(data: st.DataObject) -> None:
    chars = list(VALID_CODE)
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(chars) - 1))
        op = data.draw(st.sampled_from(["replace", "delete", "insert"]))
        char = data.draw(st.sampled_from(B45_ALPHABET))
        if op == "replace":
            chars[index] = char
        elif op == "delete" and len(chars) > 1:
            del chars[index]
        else:
            chars.insert(index, char)
    _check("".join(chars))


@FUZZ
@given(st.data())
def test_mutated_cose_bytes(data: st.DataObject) -> None:
    raw = bytearray(COSE_BYTES)
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if op == "flip":
            raw[index] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "delete":
            del raw[index]
        else:
            raw.insert(index, data.draw(st.integers(0, 255)))
    _check("PHI1:" + b45encode(zlib.compress(bytes(raw))))


cbor_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(st.dictionaries(st.sampled_from([*sorted(CLAIMS), "nat", "x"]), cbor_values, max_size=14))
def test_signed_payloads_with_wrong_types(overrides: dict[str, Any]) -> None:
    """Correctly signed claims of any shape: a result, never a crash; VALID only if well-typed."""
    claims = {**CLAIMS, **overrides}
    outcome = verify_phi1(ISSUER.issue(claims), TRUST, NO_REVOCATIONS, NOW)
    assert isinstance(outcome.result, Phi1Result)
    if outcome.result is Phi1Result.VALID:
        assert outcome.claims is not None
        reported = outcome.claims.to_json()
        assert all(reported[k] == claims[k] for k in reported)


@FUZZ
@given(st.binary(max_size=400))
def test_random_cbor_inside_valid_layers(blob: bytes) -> None:
    _check("PHI1:" + b45encode(zlib.compress(blob)))
    _check("PHI1:" + b45encode(zlib.compress(cbor2.dumps(cbor2.CBORTag(18, [b"", {}, blob, b""])))))

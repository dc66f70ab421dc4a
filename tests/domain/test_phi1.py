"""PHI1 verification beyond the vectors: issuing, types, bounds, hostile input."""

from __future__ import annotations

import zlib

import cbor2
import pytest
from phi1_factory import NOW, Issuer, base_claims

from checkpoint_app.domain.codec import b45encode
from checkpoint_app.domain.phi1 import Phi1Result, verify_phi1
from checkpoint_app.domain.trust import Revocations

NO_REVOCATIONS = Revocations.empty()


def _pack(cose: bytes) -> str:
    return "PHI1:" + b45encode(zlib.compress(cose))


def _signed(issuer: Issuer, payload: bytes) -> str:
    """A correctly signed code around an arbitrary payload byte string."""
    protected = cbor2.dumps({1: -8, 4: issuer.kid})
    sig = issuer.key.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    return _pack(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig])))


def test_issued_code_round_trips() -> None:
    issuer = Issuer()
    outcome = verify_phi1(issuer.issue(), issuer.trust_list(), NO_REVOCATIONS, NOW)
    assert outcome.result is Phi1Result.VALID
    assert outcome.claims is not None
    assert outcome.claims.to_json() == base_claims()


def test_optional_nat_is_reported() -> None:
    issuer = Issuer()
    claims = base_claims(nat={"res": "neg", "at": NOW - 7200})
    outcome = verify_phi1(issuer.issue(claims), issuer.trust_list(), NO_REVOCATIONS, NOW)
    assert outcome.result is Phi1Result.VALID
    assert outcome.claims is not None and outcome.claims.to_json()["nat"] == {
        "res": "neg",
        "at": NOW - 7200,
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"v": True}, Phi1Result.UNSUPPORTED_VERSION),  # a bool is not the integer 1
        ({"v": "1"}, Phi1Result.UNSUPPORTED_VERSION),
        ({"v": 1.0}, Phi1Result.UNSUPPORTED_VERSION),
        ({"iat": 2**63}, Phi1Result.MALFORMED),  # out of the int64 range
        ({"exp": 1.5e9}, Phi1Result.MALFORMED),  # a float is not an int
        ({"sat": cbor2.CBORTag(1, NOW)}, Phi1Result.MALFORMED),  # a tagged date is not an int
        ({"nam": "x" * 65}, Phi1Result.MALFORMED),
        ({"nam": "阿" * 64}, Phi1Result.VALID),  # 64 code points, 192 bytes
        ({"tel": 13800000000}, Phi1Result.MALFORMED),
        ({"tel": ...}, Phi1Result.VALID),
        ({"nat": {"res": "neg"}}, Phi1Result.MALFORMED),
        ({"nat": ["neg", 1]}, Phi1Result.MALFORMED),
        ({"cid": "T5AOKQLAQRRBI22D7H3O42M3ZQ"}, Phi1Result.MALFORMED),
        ({"cid": "t5aokqlaqrrbi22d7h3o42m3z1"}, Phi1Result.MALFORMED),  # 1 is not base32
        ({"idt": "1"}, Phi1Result.MALFORMED),
        ({"idm": ...}, Phi1Result.MALFORMED),
        ({"iat": NOW + 240}, Phi1Result.MALFORMED),  # exp == iat
    ],
)
def test_claim_types_and_ranges(changes: dict[str, object], expected: Phi1Result) -> None:
    issuer = Issuer()
    code = issuer.issue(base_claims(**changes))
    assert verify_phi1(code, issuer.trust_list(), NO_REVOCATIONS, NOW).result is expected


def test_bignum_integer_is_malformed() -> None:
    issuer = Issuer()
    payload = cbor2.dumps(base_claims())
    # replace the iat integer by the same value as a positive bignum (tag 2)
    claims = dict(base_claims())
    claims["iat"] = cbor2.CBORTag(2, (NOW - 60).to_bytes(8, "big"))
    payload = cbor2.dumps(claims)
    outcome = verify_phi1(_signed(issuer, payload), issuer.trust_list(), NO_REVOCATIONS, NOW)
    assert outcome.result is Phi1Result.MALFORMED


def test_duplicate_claim_keys_are_malformed() -> None:
    issuer = Issuer()
    good = cbor2.dumps(base_claims())
    # append a second "sts" entry: bump the map length and add the pair
    assert good[0] == 0xAB  # map of 11 pairs
    payload = bytes([0xAC]) + good[1:] + cbor2.dumps("sts")[0:] + cbor2.dumps("red")
    outcome = verify_phi1(_signed(issuer, payload), issuer.trust_list(), NO_REVOCATIONS, NOW)
    assert outcome.result is Phi1Result.MALFORMED


def test_deeply_nested_cbor_is_malformed_not_a_crash() -> None:
    deep = b"\x81" * 5000 + b"\x00"
    assert (
        verify_phi1(_pack(deep), Issuer().trust_list(), NO_REVOCATIONS, NOW).result
        is Phi1Result.MALFORMED
    )


def test_deep_nesting_inside_signed_payload() -> None:
    issuer = Issuer()
    payload = b"\xa1\x63nat" + b"\x81" * 3000 + b"\x00"
    outcome = verify_phi1(_signed(issuer, payload), issuer.trust_list(), NO_REVOCATIONS, NOW)
    assert outcome.result is Phi1Result.MALFORMED


def test_zip_bomb_stops_at_the_bound() -> None:
    bomb = zlib.compress(b"\x00" * 2_000_000, 9)  # 2 MB from about 2 kB
    text = "PHI1:" + b45encode(bomb)
    assert len(text) <= 4096  # passes the text-length check: the inflate bound must catch it
    outcome = verify_phi1(text, Issuer().trust_list(), NO_REVOCATIONS, NOW)
    assert outcome.result is Phi1Result.TOO_LARGE


def test_inflated_size_limit_is_exact() -> None:
    issuer = Issuer()
    at_limit = "PHI1:" + b45encode(zlib.compress(b"\x00" * 8192))
    over = "PHI1:" + b45encode(zlib.compress(b"\x00" * 8193))
    trust = issuer.trust_list()
    assert verify_phi1(at_limit, trust, NO_REVOCATIONS, NOW).result is Phi1Result.MALFORMED
    assert verify_phi1(over, trust, NO_REVOCATIONS, NOW).result is Phi1Result.TOO_LARGE


@pytest.mark.parametrize(
    "text", ["", "PHI1", "phi1:", " PHI1:x", "PHI1:" + "A" * 5000, "\x00\xff", "PHI1:\x00"]
)
def test_hostile_texts_give_a_result(text: str) -> None:
    outcome = verify_phi1(text, Issuer().trust_list(), NO_REVOCATIONS, NOW)
    assert isinstance(outcome.result, Phi1Result)
    assert outcome.claims is None


def test_100_kb_text_is_too_large() -> None:
    assert (
        verify_phi1("PHI1:" + "0" * 100_000, Issuer().trust_list(), NO_REVOCATIONS, NOW).result
        is Phi1Result.TOO_LARGE
    )


def test_untagged_and_tagged_both_verify() -> None:
    issuer = Issuer()
    for tagged in (True, False):
        code = issuer.issue(tagged=tagged)
        assert (
            verify_phi1(code, issuer.trust_list(), NO_REVOCATIONS, NOW).result is Phi1Result.VALID
        )


def test_claims_withheld_until_signature_verifies() -> None:
    issuer, other = Issuer(), Issuer()
    forged = other.issue()
    # same kid, other key: the claims must not be reported
    forged_same_kid = Issuer(kid=issuer.kid).issue()
    for code in (forged, forged_same_kid):
        outcome = verify_phi1(code, issuer.trust_list(), NO_REVOCATIONS, NOW)
        assert outcome.result in (Phi1Result.UNKNOWN_KEY, Phi1Result.BAD_SIGNATURE)
        assert outcome.claims is None


def test_revoked_reports_claims() -> None:
    issuer = Issuer()
    revoked = Revocations(version=1, cids=frozenset({base_claims()["cid"]}))
    outcome = verify_phi1(issuer.issue(), issuer.trust_list(), revoked, NOW)
    assert outcome.result is Phi1Result.REVOKED
    assert outcome.claims is not None

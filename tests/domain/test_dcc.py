"""EU DCC verification, step by step, with certificates and DCCs made here.

The EU test vectors are in test_dcc_vectors.py; this module covers each result code
with a code built for it, the signing-certificate parser, the fast schema predicate
against ``jsonschema``, and bad input of every kind (each must give one result).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import json
import re
import tracemalloc
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import base45
import cbor2
import jsonschema
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoint_app.dcc_schemas import default_schema_dir, load_dcc_schemas
from checkpoint_app.demo_issuer import SAMPLE_VACCINATION
from checkpoint_app.domain import dcc
from checkpoint_app.domain.codec import CodecError, CoseSign1, b45decode, b45encode, sig_structure
from checkpoint_app.domain.dcc import (
    ALG_ES256,
    ALG_PS256,
    DccCertificateError,
    DccClaims,
    DccError,
    DccResult,
    DccSigner,
    DccTrust,
    b45,
    certificate_type,
    check_certificate_validity,
    check_expiration,
    check_key_usage,
    check_schema,
    decode_cose,
    decode_payload,
    encode_dcc,
    header_algorithm,
    header_kid,
    inflate,
    json_value,
    parse_claims,
    parse_dcc_certificate,
    schema_for,
    unprefix,
    validate_schema,
    verify_dcc,
    verify_signature,
)
from checkpoint_app.domain.fastschema import compile_schema
from checkpoint_app.domain.results import CodeFormat

NOW = 1_790_000_000
DAY = 86_400
SCHEMAS = load_dcc_schemas(default_schema_dir())

OID_TEST = "1.3.6.1.4.1.1847.2021.1.1"
OID_VACCINATION = "1.3.6.1.4.1.1847.2021.1.2"
OID_RECOVERY = "1.3.6.1.4.1.1847.2021.1.3"
OID_TEST_0 = "1.3.6.1.4.1.0.1847.2021.1.1"
OID_VACCINATION_0 = "1.3.6.1.4.1.0.1847.2021.1.2"
OID_RECOVERY_0 = "1.3.6.1.4.1.0.1847.2021.1.3"

VACCINATION: dict[str, Any] = copy.deepcopy(SAMPLE_VACCINATION)
NAME = VACCINATION["nam"]
TEST: dict[str, Any] = {
    "ver": "1.3.0",
    "nam": NAME,
    "dob": "1964-08-12",
    "t": [
        {
            "tg": "840539006",
            "tt": "LP6464-4",
            "nm": "Roche LightCycler qPCR",
            "sc": "2021-05-29T10:00:00Z",
            "tr": "260415000",
            "tc": "Testzentrum Berlin",
            "co": "DE",
            "is": "Robert Koch-Institut",
            "ci": "URN:UVCI:01DE/IZ12345A/T000000000000000000A#9",
        }
    ],
}
RECOVERY: dict[str, Any] = {
    "ver": "1.3.0",
    "nam": NAME,
    "dob": "1964-08-12",
    "r": [
        {
            "tg": "840539006",
            "fr": "2021-05-01",
            "co": "DE",
            "is": "Robert Koch-Institut",
            "df": "2021-05-12",
            "du": "2021-11-01",
            "ci": "URN:UVCI:01DE/IZ12345A/R000000000000000000A#1",
        }
    ],
}
SAMPLES = {"v": VACCINATION, "t": TEST, "r": RECOVERY}
_SHARED_EC = ec.generate_private_key(ec.SECP256R1())  # for tests that need many certificates


# --- factories ----------------------------------------------------------------------


def make_cert(
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey,
    *,
    not_before: int = NOW - 365 * DAY,
    not_after: int = NOW + 365 * DAY,
    eku: list[str] | None = None,
) -> bytes:
    """A self-signed DER certificate; ``eku`` lists extendedKeyUsage OIDs (``[]``: empty)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DSC test")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime.fromtimestamp(not_before, dt.UTC))
        .not_valid_after(dt.datetime.fromtimestamp(not_after, dt.UTC))
    )
    if eku is not None:
        usages = [x509.ObjectIdentifier(oid) for oid in eku]
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    cert = builder.sign(key, algorithm)
    return cert.public_bytes(serialization.Encoding.DER)


@dataclasses.dataclass
class Issuer:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    signer: DccSigner

    @property
    def trust(self) -> DccTrust:
        return DccTrust.of([self.signer])

    def issue(self, claims: Mapping[Any, Any], **options: Any) -> str:
        return encode_dcc(claims, self.signer.kid, self.key, **options)


def issuer(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey, **cert: Any) -> Issuer:
    return Issuer(key, parse_dcc_certificate(make_cert(key, **cert)))


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def es256(ec_key: ec.EllipticCurvePrivateKey) -> Issuer:
    return issuer(ec_key)


@pytest.fixture(scope="module")
def ps256(rsa_key: rsa.RSAPrivateKey) -> Issuer:
    return issuer(rsa_key)


def claims(document: Mapping[str, Any] = VACCINATION, /, **changes: Any) -> dict[Any, Any]:
    """CWT claims holding ``document`` as the DCC; ``changes`` replace claims by name
    (iss, iat, exp, hcert: the whole -260 claim); ``...`` removes one.
    """
    labels = {"iss": 1, "exp": 4, "iat": 6, "hcert": -260}
    out: dict[Any, Any] = {1: "DE", 4: NOW + 30 * DAY, 6: NOW - DAY, -260: {1: dict(document)}}
    for name, value in changes.items():
        if value is ...:
            del out[labels[name]]
        else:
            out[labels[name]] = value
    return out


def sign_raw(
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    protected: bytes,
    payload: bytes,
) -> bytes:
    """The COSE signature of Sig_structure(protected, payload) (ES256 raw r||s, PS256)."""
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = (key.curve.key_size + 7) // 8
        r, s = utils.decode_dss_signature(key.sign(to_sign, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    return key.sign(to_sign, pss, hashes.SHA256())


def qr(cose_item: Any) -> str:
    """``HC1:`` text carrying ``cose_item`` (any CBOR value or raw bytes)."""
    raw = cose_item if isinstance(cose_item, bytes) else cbor2.dumps(cose_item)
    return "HC1:" + b45encode(zlib.compress(raw))


def cose(
    item: Issuer,
    payload: bytes,
    *,
    protected: Any = None,
    unprotected: Any = None,
    signature: bytes | None = None,
) -> cbor2.CBORTag:
    """A COSE_Sign1 (tag 18) signed by ``item``'s key, headers as given."""
    alg = ALG_ES256 if isinstance(item.key, ec.EllipticCurvePrivateKey) else ALG_PS256
    prot = {1: alg, 4: item.signer.kid} if protected is None else protected
    prot_bytes = prot if isinstance(prot, bytes) else cbor2.dumps(prot)
    if signature is None:
        signature = sign_raw(item.key, prot_bytes, payload)
    return cbor2.CBORTag(18, [prot_bytes, unprotected or {}, payload, signature])


def result(text: Any, trust: DccTrust, now: int = NOW) -> DccResult:
    outcome = verify_dcc(text, trust, SCHEMAS, now)
    json.dumps(outcome.to_json())  # always JSON-ready
    return DccResult(outcome.result)


# --- happy paths ----------------------------------------------------------------------


def test_result_order_is_documented() -> None:
    """The module docstring's table lists the results in the enum's (checking) order."""
    documented = re.findall(r"^``([A-Z_]+)``  ", dcc.__doc__ or "", flags=re.MULTILINE)
    assert documented == [str(code) for code in DccResult]


@pytest.mark.parametrize("alg", ["ES256", "PS256"])
@pytest.mark.parametrize("kind", ["v", "t", "r"])
def test_valid(alg: str, kind: str, es256: Issuer, ps256: Issuer) -> None:
    item = es256 if alg == "ES256" else ps256
    text = item.issue(claims(SAMPLES[kind]))
    outcome = verify_dcc(text, item.trust, SCHEMAS, NOW)
    assert outcome.format is CodeFormat.DCC
    assert outcome.result == DccResult.VALID, outcome.detail
    assert outcome.valid
    assert outcome.claims == {
        "iss": "DE",
        "iat": NOW - DAY,
        "exp": NOW + 30 * DAY,
        "hcert": SAMPLES[kind],
    }
    assert outcome.to_json() == {"format": "DCC", "result": "VALID", "claims": outcome.claims}


def test_each_step_on_a_valid_code(es256: Issuer) -> None:
    text = es256.issue(claims())
    body = unprefix(text)
    assert body == text[4:]
    compressed = b45(body)
    assert compressed == base45.b45decode(body)
    message = decode_cose(inflate(compressed))
    assert header_algorithm(message) == ALG_ES256
    assert header_kid(message) == es256.signer.kid
    assert verify_signature(message, es256.signer)
    parsed = parse_claims(decode_payload(message))
    assert parsed == DccClaims("DE", NOW - DAY, NOW + 30 * DAY, VACCINATION)
    check_schema(parsed.hcert, SCHEMAS)
    check_certificate_validity(es256.signer, NOW)
    check_key_usage(es256.signer, parsed.hcert)
    check_expiration(parsed, NOW)


def test_untagged_and_cwt_tagged_cose(es256: Issuer) -> None:
    payload = cbor2.dumps(claims())
    signed = cose(es256, payload)
    assert result(qr(signed.value), es256.trust) == DccResult.VALID
    assert result(qr(cbor2.CBORTag(61, signed)), es256.trust) == DccResult.VALID
    assert result(qr(cbor2.CBORTag(61, signed.value)), es256.trust) == DccResult.VALID
    assert result(qr(cbor2.CBORTag(61, cbor2.CBORTag(98, signed.value))), es256.trust) == (
        DccResult.MALFORMED
    )
    assert result(qr(cbor2.CBORTag(17, signed.value)), es256.trust) == DccResult.MALFORMED


def test_numeric_dates_may_be_floats(es256: Issuer) -> None:
    outcome = verify_dcc(
        es256.issue(claims(iat=NOW - 0.5, exp=NOW + 0.25)), es256.trust, SCHEMAS, NOW
    )
    assert outcome.result == DccResult.VALID
    assert outcome.claims is not None
    assert (outcome.claims["iat"], outcome.claims["exp"]) == (NOW - 0.5, NOW + 0.25)


# --- kid and algorithm ----------------------------------------------------------------


def test_kid_only_in_unprotected_header(es256: Issuer) -> None:
    message = cose(
        es256, cbor2.dumps(claims()), protected={1: -7}, unprotected={4: es256.signer.kid}
    )
    assert result(qr(message), es256.trust) == DccResult.VALID


def test_alg_and_kid_only_in_unprotected_header(es256: Issuer) -> None:
    unprotected = {1: -7, 4: es256.signer.kid}
    message = cose(es256, cbor2.dumps(claims()), protected=b"", unprotected=unprotected)
    assert result(qr(message), es256.trust) == DccResult.VALID


def test_protected_kid_comes_first(es256: Issuer) -> None:
    payload = cbor2.dumps(claims())
    kid = es256.signer.kid
    right_then_wrong = cose(es256, payload, unprotected={4: b"wrongkid"})
    assert result(qr(right_then_wrong), es256.trust) == DccResult.VALID
    wrong_then_right = cose(es256, payload, protected={1: -7, 4: b"wrongkid"}, unprotected={4: kid})
    assert result(qr(wrong_then_right), es256.trust) == DccResult.UNKNOWN_KEY
    not_bytes_then_right = cose(es256, payload, protected={1: -7, 4: 7}, unprotected={4: kid})
    assert result(qr(not_bytes_then_right), es256.trust) == DccResult.UNKNOWN_KEY


@pytest.mark.parametrize("kid", [None, b"", b"\x00" * 8, b"short", b"nine byte", "text-kid", 42])
def test_unknown_or_missing_kid(es256: Issuer, kid: Any) -> None:
    protected = {1: -7} if kid is None else {1: -7, 4: kid}
    message = cose(es256, cbor2.dumps(claims()), protected=protected)
    assert result(qr(message), es256.trust) == DccResult.UNKNOWN_KEY


def test_empty_trust(es256: Issuer) -> None:
    assert result(es256.issue(claims()), DccTrust()) == DccResult.UNKNOWN_KEY
    assert result(es256.issue(claims()), DccTrust.empty()) == DccResult.UNKNOWN_KEY


def test_certificates_sharing_a_kid_are_each_tried(es256: Issuer) -> None:
    other = issuer(ec.generate_private_key(ec.SECP256R1()))
    impostor = dataclasses.replace(other.signer, kid=es256.signer.kid)
    trust = DccTrust.of([impostor, es256.signer])
    assert len(trust.candidates(es256.signer.kid)) == 2
    assert result(es256.issue(claims()), trust) == DccResult.VALID
    assert result(es256.issue(claims()), DccTrust.of([impostor])) == DccResult.BAD_SIGNATURE


@pytest.mark.parametrize("alg", [-8, -35, -36, -257, -38, 0, "ES256", True, None, b"\xf9", 1.0])
def test_unsupported_algorithm(es256: Issuer, alg: Any) -> None:
    protected = {4: es256.signer.kid} if alg is None else {1: alg, 4: es256.signer.kid}
    message = cose(es256, cbor2.dumps(claims()), protected=protected)
    assert result(qr(message), es256.trust) == DccResult.UNSUPPORTED_ALGORITHM


def test_bool_or_float_header_keys_are_not_labels(es256: Issuer) -> None:
    """``{true: -7}`` is not ``{1: -7}``, though ``True == 1`` in Python."""
    message = cose(es256, cbor2.dumps(claims()), protected={True: -7, 4: es256.signer.kid})
    assert result(qr(message), es256.trust) == DccResult.UNSUPPORTED_ALGORITHM


def test_algorithm_must_match_the_key(es256: Issuer, ps256: Issuer) -> None:
    payload = cbor2.dumps(claims())
    rsa_as_es256 = cose(ps256, payload, protected={1: -7, 4: ps256.signer.kid})
    assert result(qr(rsa_as_es256), ps256.trust) == DccResult.BAD_SIGNATURE
    ec_as_ps256 = cose(es256, payload, protected={1: -37, 4: es256.signer.kid})
    assert result(qr(ec_as_ps256), es256.trust) == DccResult.BAD_SIGNATURE


def test_es256_needs_p256_and_ps256_needs_2048_bits() -> None:
    """Spain's test DSCs 401-403 hold P-384 keys but declare ES256: not verifiable."""
    p384 = issuer(ec.generate_private_key(ec.SECP384R1()))
    assert p384.signer.algorithm is None
    message = cose(p384, cbor2.dumps(claims()), protected={1: -7, 4: p384.signer.kid})
    assert result(qr(message), p384.trust) == DccResult.BAD_SIGNATURE
    small = issuer(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    assert small.signer.algorithm is None
    message = cose(small, cbor2.dumps(claims()), protected={1: -37, 4: small.signer.kid})
    assert result(qr(message), small.trust) == DccResult.BAD_SIGNATURE
    for item in (p384, small):
        with pytest.raises(ValueError):
            item.issue(claims())


# --- signatures -------------------------------------------------------------------------


def test_tampered_payload(es256: Issuer, ps256: Issuer) -> None:
    for item in (es256, ps256):
        signed = cose(item, cbor2.dumps(claims()))
        forged = list(signed.value)
        forged[2] = cbor2.dumps(claims(exp=NOW + 3650 * DAY))
        assert result(qr(cbor2.CBORTag(18, forged)), item.trust) == DccResult.BAD_SIGNATURE


def test_tampered_protected_header(es256: Issuer) -> None:
    signed = cose(es256, cbor2.dumps(claims()))
    forged = list(signed.value)
    forged[0] = cbor2.dumps({1: -7, 4: es256.signer.kid, 3: "application/cwt"})
    assert result(qr(cbor2.CBORTag(18, forged)), es256.trust) == DccResult.BAD_SIGNATURE


@pytest.mark.parametrize("signature", [b"", b"\x01" * 3, b"\x00" * 64, b"\xff" * 64, b"\x30" * 72])
def test_broken_es256_signatures(es256: Issuer, signature: bytes) -> None:
    message = cose(es256, cbor2.dumps(claims()), signature=signature)
    assert result(qr(message), es256.trust) == DccResult.BAD_SIGNATURE


def test_der_encoded_es256_signature_is_refused(
    es256: Issuer, ec_key: ec.EllipticCurvePrivateKey
) -> None:
    """COSE signatures are raw r||s; the DER form cryptography produces is not accepted."""
    payload = cbor2.dumps(claims())
    protected = cbor2.dumps({1: -7, 4: es256.signer.kid})
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    der = ec_key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
    message = cbor2.CBORTag(18, [protected, {}, payload, der])
    assert result(qr(message), es256.trust) == DccResult.BAD_SIGNATURE


@pytest.mark.parametrize("salt", [0, 20, padding.PSS.MAX_LENGTH])
def test_ps256_salt_must_be_32_bytes(ps256: Issuer, rsa_key: rsa.RSAPrivateKey, salt: Any) -> None:
    payload = cbor2.dumps(claims())
    protected = cbor2.dumps({1: -37, 4: ps256.signer.kid})
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)
    signature = rsa_key.sign(to_sign, pss, hashes.SHA256())
    message = cbor2.CBORTag(18, [protected, {}, payload, signature])
    assert result(qr(message), ps256.trust) == DccResult.BAD_SIGNATURE


def test_ps256_signature_of_wrong_length(ps256: Issuer) -> None:
    message = cose(ps256, cbor2.dumps(claims()), signature=b"\x01" * 255)
    assert result(qr(message), ps256.trust) == DccResult.BAD_SIGNATURE


# --- claims -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": ...},
        {"iss": 276},
        {"iss": b"DE"},
        {"iat": ...},
        {"iat": "1790000000"},
        {"iat": True},
        {"iat": None},
        {"iat": float("nan")},
        {"exp": ...},
        {"exp": float("inf")},
        {"exp": 2**70},
        {"exp": cbor2.CBORTag(1, NOW)},
        {"hcert": ...},
        {"hcert": [VACCINATION]},
        {"hcert": {2: VACCINATION}},
        {"hcert": {True: VACCINATION}},
        {"hcert": {"1": VACCINATION}},
        {"hcert": {1: [VACCINATION]}},
        {"hcert": {1: cbor2.dumps(VACCINATION)}},
        {"hcert": {1: {**VACCINATION, "dob": b"1964"}}},
        {"hcert": {1: {**VACCINATION, 7: "x"}}},
        {"hcert": {1: {**VACCINATION, "nam": {"fnt": float("nan")}}}},
        {"hcert": {1: {**VACCINATION, "dob": cbor2.CBORTag(258, [1, 2])}}},
        {"hcert": {1: {**VACCINATION, "dob": cbor2.CBORTag(0, 1964)}}},
        {"hcert": {1: {**VACCINATION, "dob": cbor2.CBORTag(1, 10**20)}}},
        {"hcert": {1: {**VACCINATION, "dob": cbor2.undefined}}},
        {"hcert": {1: {**VACCINATION, "dob": cbor2.CBORSimpleValue(99)}}},
    ],
    ids=lambda changes: repr(changes)[:60],
)
def test_claims_invalid(es256: Issuer, changes: dict[str, Any]) -> None:
    outcome = verify_dcc(es256.issue(claims(**changes)), es256.trust, SCHEMAS, NOW)
    assert outcome.result == DccResult.CLAIMS_INVALID, outcome.detail
    assert outcome.claims is None


def test_claims_invalid_names_the_place(es256: Issuer) -> None:
    bad = {**VACCINATION, "v": [{**VACCINATION["v"][0], "dn": b"\x02"}]}
    outcome = verify_dcc(es256.issue(claims(bad)), es256.trust, SCHEMAS, NOW)
    assert outcome.result == DccResult.CLAIMS_INVALID
    assert outcome.detail.startswith("hcert.v[0].dn: ")


def test_payload_must_be_a_map(es256: Issuer) -> None:
    for payload in (cbor2.dumps([1, 2]), cbor2.dumps("x"), b"", b"\xa1\x01", b"\x01\x02"):
        assert result(qr(cose(es256, payload)), es256.trust) == DccResult.MALFORMED


def test_json_value_conversions() -> None:
    value = {
        "a": cbor2.CBORTag(0, "2021-06-04T08:13:51Z"),
        "b": cbor2.CBORTag(1, 1622794431),
        "c": cbor2.CBORTag(1, 1622794431.5),
        "d": dt.date(2021, 6, 4),
        "e": (1, 2.5, None, True),
        "f": cbor2.frozendict({"x": "y"}),
    }
    assert json_value(value) == {
        "a": "2021-06-04T08:13:51Z",
        "b": "2021-06-04T08:13:51Z",
        "c": "2021-06-04T08:13:51.500000Z",
        "d": "2021-06-04",
        "e": [1, 2.5, None, True],
        "f": {"x": "y"},
    }


def test_cbor_date_tags_inside_the_dcc(es256: Issuer) -> None:
    """Hungary's test DCCs carry tag 0 date-times; they read as the text they hold."""
    tagged = {**TEST, "t": [{**TEST["t"][0], "sc": cbor2.CBORTag(0, "2021-05-29T10:00:00Z")}]}
    outcome = verify_dcc(es256.issue(claims(tagged)), es256.trust, SCHEMAS, NOW)
    assert outcome.result == DccResult.VALID
    assert outcome.claims is not None
    assert outcome.claims["hcert"] == TEST


# --- schema -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hcert",
    [
        {k: v for k, v in VACCINATION.items() if k != "dob"},
        {**VACCINATION, "nam": {"fn": "Musterfrau", "fnt": "musterfrau"}},
        {**VACCINATION, "v": [{**VACCINATION["v"][0], "dn": 0}]},
        {**VACCINATION, "v": [{**VACCINATION["v"][0], "dn": "2"}]},
        {**VACCINATION, "v": []},
        {**VACCINATION, "v": VACCINATION["v"] * 2},
        {**VACCINATION, "t": TEST["t"]},
        {**VACCINATION, "ver": "1.0.0", "t": TEST["t"]},  # 1.0.0 allows both; one-group rule
        {**VACCINATION, "ver": "1.0.0", "v": VACCINATION["v"] * 2},
        {"ver": "1.3.0", "nam": NAME, "dob": "1964-08-12"},
        {**VACCINATION, "ver": 130},
        {k: v for k, v in VACCINATION.items() if k != "ver"},
    ],
)
def test_schema_invalid(es256: Issuer, hcert: dict[str, Any]) -> None:
    outcome = verify_dcc(es256.issue(claims(hcert)), es256.trust, SCHEMAS, NOW)
    assert outcome.result == DccResult.SCHEMA_INVALID, outcome.detail
    assert outcome.claims is not None and outcome.claims["hcert"] == hcert


def test_schema_detail_names_the_path_not_the_value(es256: Issuer) -> None:
    hcert = {**VACCINATION, "nam": {"fn": "Musterfrau", "fnt": "musterfrau"}}
    outcome = verify_dcc(es256.issue(claims(hcert)), es256.trust, SCHEMAS, NOW)
    assert outcome.detail == "nam/fnt: fails 'pattern'"


def test_format_is_only_an_annotation(es256: Issuer) -> None:
    hcert = {**VACCINATION, "v": [{**VACCINATION["v"][0], "dt": "last tuesday"}]}
    assert result(es256.issue(claims(hcert)), es256.trust) == DccResult.VALID


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("1.3.0", "1.3.0"),
        ("1.0.4", "1.0.1"),  # Ireland's test DCCs
        ("1.3.9", "1.3.3"),
        ("1.2.2", "1.2.1"),
        ("1.4.0", None),
        ("2.0.0", None),
        ("1.3", None),
        ("01.3.0", None),
        ("1.3.0-rc1", None),
        ("", None),
    ],
)
def test_schema_for_a_version(version: str, expected: str | None) -> None:
    found = schema_for(version, SCHEMAS)
    assert found is (SCHEMAS[expected] if expected else None)


def test_unknown_version(es256: Issuer) -> None:
    outcome = verify_dcc(es256.issue(claims({**VACCINATION, "ver": "1.4.0"})), es256.trust, {}, NOW)
    assert outcome.result == DccResult.UNSUPPORTED_VERSION
    assert outcome.claims is not None
    assert result(es256.issue(claims({**VACCINATION, "ver": "1.0.4"})), es256.trust) == (
        DccResult.VALID
    )


def test_unusable_schema_is_unsupported_version(es256: Issuer) -> None:
    text = es256.issue(claims())
    for schema in ({"type": 12}, {"$ref": "https://example.invalid/dcc.json"}):
        outcome = verify_dcc(text, es256.trust, {"1.3.0": schema}, NOW)
        assert outcome.result == DccResult.UNSUPPORTED_VERSION, schema


def test_schemas_compile_once() -> None:
    schema = SCHEMAS["1.3.0"]
    assert dcc._compiled(schema) is dcc._compiled(schema)
    copy = json.loads(json.dumps(schema))
    assert dcc._compiled(copy) is not dcc._compiled(schema)


def test_certificate_type() -> None:
    assert [certificate_type(SAMPLES[k]) for k in "vtr"] == ["v", "t", "r"]
    for bad in ({}, {**VACCINATION, "r": []}, {**VACCINATION, "v": "x"}, {"v": [1, 2]}):
        with pytest.raises(DccError) as caught:
            certificate_type(bad)
        assert caught.value.code == DccResult.SCHEMA_INVALID


# --- certificate validity, key usage, expiry ---------------------------------------------


def test_signing_certificate_validity(ec_key: ec.EllipticCurvePrivateKey) -> None:
    window = issuer(ec_key, not_before=NOW - DAY, not_after=NOW + DAY)
    text = window.issue(claims())
    assert result(text, window.trust, NOW - DAY) == DccResult.VALID
    assert result(text, window.trust, NOW + DAY) == DccResult.VALID
    outcome = verify_dcc(text, window.trust, SCHEMAS, NOW + DAY + 1)
    assert outcome.result == DccResult.CERT_NOT_VALID
    assert outcome.claims is not None
    assert result(text, window.trust, NOW - DAY - 1) == DccResult.CERT_NOT_VALID


@pytest.mark.parametrize(
    ("eku", "allowed"),
    [
        (None, "vtr"),
        ([], "vtr"),
        ([OID_TEST, OID_VACCINATION, OID_RECOVERY], "vtr"),
        ([OID_TEST_0, OID_VACCINATION_0, OID_RECOVERY_0], "vtr"),
        ([OID_TEST], "t"),
        ([OID_VACCINATION_0], "v"),
        ([OID_RECOVERY], "r"),
        ([OID_TEST_0, OID_RECOVERY], "tr"),
        ([ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string], ""),
        (["2.23.136.1.1.14.2"], ""),  # ICAO document signer only (Iceland's test DSC)
        ([ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string, OID_VACCINATION], "v"),
    ],
)
def test_key_usage(ec_key: ec.EllipticCurvePrivateKey, eku: list[str] | None, allowed: str) -> None:
    signer = issuer(ec_key, eku=eku)
    assert signer.signer.extended_key_usage == (None if eku is None else frozenset(eku))
    for kind, hcert in SAMPLES.items():
        expected = DccResult.VALID if kind in allowed else DccResult.KEY_USAGE_MISMATCH
        assert result(signer.issue(claims(hcert)), signer.trust) == expected, kind


def test_expiry_is_inclusive(es256: Issuer) -> None:
    text = es256.issue(claims(exp=NOW + 60))
    assert result(text, es256.trust, NOW + 60) == DccResult.VALID
    outcome = verify_dcc(text, es256.trust, SCHEMAS, NOW + 61)
    assert outcome.result == DccResult.EXPIRED
    assert outcome.claims is not None and outcome.claims["exp"] == NOW + 60


def test_no_issued_in_the_future_check(es256: Issuer) -> None:
    assert result(es256.issue(claims(iat=NOW + 10 * DAY)), es256.trust) == DccResult.VALID


def test_first_failing_check_wins(ec_key: ec.EllipticCurvePrivateKey) -> None:
    """Schema before certificate validity before key usage before expiry."""
    signer = issuer(ec_key, not_before=NOW - DAY, not_after=NOW + DAY, eku=[OID_TEST])
    text = signer.issue(claims(exp=NOW - 1))  # an expired vaccination, test-only signer
    assert result(text, signer.trust, NOW + 3 * DAY) == DccResult.CERT_NOT_VALID
    assert result(text, signer.trust, NOW) == DccResult.KEY_USAGE_MISMATCH
    bad_schema = signer.issue(claims({**VACCINATION, "dob": 1964}, exp=NOW - 1))
    assert result(bad_schema, signer.trust, NOW + 3 * DAY) == DccResult.SCHEMA_INVALID
    expired_test = signer.issue(claims(TEST, exp=NOW - 1))
    assert result(expired_test, signer.trust, NOW) == DccResult.EXPIRED


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " HC1:", "hc1:NCF", "HC2:NCF", "PHI1:abc", "HC1", "\x00HC1:", None, b"HC1:NCF", 1, []],
)
def test_not_dcc(text: Any, es256: Issuer) -> None:
    outcome = verify_dcc(text, es256.trust, SCHEMAS, NOW)
    assert outcome.result == DccResult.NOT_DCC
    assert outcome.claims is None


def test_text_size_limit(es256: Issuer) -> None:
    assert result("HC1:" + "A" * 100_000, es256.trust) == DccResult.TOO_LARGE
    assert result("HC1:" + "0" * 4093, es256.trust) == DccResult.TOO_LARGE
    assert result("HC1:" + "0" * 4092, es256.trust) == DccResult.MALFORMED


def test_zip_bomb_is_cut_off(es256: Issuer) -> None:
    bomb = zlib.compress(b"\x00" * 2_500_000, 9)
    text = "HC1:" + b45encode(bomb)
    assert len(text) <= dcc.MAX_TEXT_CHARS
    tracemalloc.start()
    try:
        outcome = verify_dcc(text, es256.trust, SCHEMAS, NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.result == DccResult.TOO_LARGE
    assert peak < 1_000_000


def test_inflate_limit() -> None:
    exact = b"\x01" * dcc.MAX_INFLATED_BYTES
    assert inflate(zlib.compress(exact)) == exact
    with pytest.raises(DccError) as caught:
        inflate(zlib.compress(exact + b"\x01"))
    assert caught.value.code == DccResult.TOO_LARGE


@pytest.mark.parametrize("depth", [33, 1_000, 5_000])
def test_deeply_nested_cbor(es256: Issuer, depth: int) -> None:
    nested = b"\x81" * depth + b"\x00"
    assert result(qr(nested), es256.trust) == DccResult.MALFORMED
    assert result(qr(cose(es256, nested)), es256.trust) == DccResult.MALFORMED
    deep_map = b"\xa1\x61a" * depth + b"\x00"  # {"a": {"a": ... 0}}
    assert result(qr(cose(es256, deep_map)), es256.trust) == DccResult.MALFORMED
    signed_claims_with_deep_dcc = (
        b"\xa4"
        + b"".join(cbor2.dumps(item) for item in (1, "DE", 4, NOW + DAY, 6, NOW, -260))
        + b"\xa1\x01"
        + deep_map
    )
    message = cose(es256, signed_claims_with_deep_dcc)
    assert result(qr(message), es256.trust) == DccResult.MALFORMED


@pytest.mark.parametrize(
    "item",
    [
        b"",
        b"\xff",
        b"\x00",
        cbor2.dumps({1: 2}),
        cbor2.dumps([b"", {}, b""]),
        cbor2.dumps([b"", {}, b"", b"", b""]),
        cbor2.dumps(cbor2.CBORTag(18, "x")),
        cbor2.dumps([1, {}, b"", b""]),
        cbor2.dumps([b"\xa0", [], b"", b""]),
        cbor2.dumps([b"\x80", {}, b"", b""]),
        cbor2.dumps([b"\xa1\x01", {}, b"", b""]),
        cbor2.dumps([b"", {}, None, b""]),
        cbor2.dumps([b"", {}, b"", "sig"]),
        cbor2.dumps([b"", {}, b"", b""]) + b"\x00",
        cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"", b""])) * 2,
    ],
)
def test_wrong_cose_shapes(es256: Issuer, item: bytes) -> None:
    assert result(qr(item), es256.trust) == DccResult.MALFORMED


def test_wrong_types_in_headers(es256: Issuer) -> None:
    payload = cbor2.dumps(claims())
    for protected, unprotected in [
        ({1: [-7], 4: es256.signer.kid}, {}),
        ({1: {"alg": -7}, 4: es256.signer.kid}, {}),
        ({1: -7, 4: [es256.signer.kid]}, {}),
        ({1: -7}, {4: {"kid": es256.signer.kid}}),
        ({1: -7, "4": es256.signer.kid}, {}),
    ]:
        message = cose(es256, payload, protected=protected, unprotected=unprotected)
        assert result(qr(message), es256.trust) in (
            DccResult.UNSUPPORTED_ALGORITHM,
            DccResult.UNKNOWN_KEY,
        )


@pytest.mark.parametrize(
    "body",
    [
        "",
        "====",
        "A",
        "GGW",  # a 3-character group over 65535
        "::",  # a final pair over 255
        "ÄÖÜ",
        "\x00\x01\x02",
        "NCF" * 1000,
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
    ],
)
def test_binary_looking_text(es256: Issuer, body: str) -> None:
    assert result("HC1:" + body, es256.trust) == DccResult.MALFORMED


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PRE_CLAIMS = {
    DccResult.NOT_DCC,
    DccResult.TOO_LARGE,
    DccResult.MALFORMED,
    DccResult.UNSUPPORTED_ALGORITHM,
    DccResult.UNKNOWN_KEY,
    DccResult.BAD_SIGNATURE,
    DccResult.CLAIMS_INVALID,
}


def _one_result(text: Any, trust: DccTrust) -> DccResult:
    outcome = verify_dcc(text, trust, SCHEMAS, NOW)
    code = DccResult(outcome.result)
    assert (outcome.claims is None) == (code in PRE_CLAIMS)
    json.dumps(outcome.to_json(), allow_nan=False)
    return code


@FUZZ
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    _one_result(text, DccTrust())
    _one_result("HC1:" + text, DccTrust())


@FUZZ
@given(st.binary(max_size=400))
def test_any_compressed_bytes(blob: bytes) -> None:
    _one_result("HC1:" + b45encode(blob), DccTrust())
    _one_result("HC1:" + b45encode(zlib.compress(blob)), DccTrust())


@FUZZ
@given(data=st.data())
def test_mutated_valid_code(data: st.DataObject, es256: Issuer) -> None:
    raw = bytearray(zlib.decompress(b45decode(es256.issue(claims())[4:])))
    for _ in range(data.draw(st.integers(1, 4))):
        index = data.draw(st.integers(0, len(raw) - 1))
        raw[index] = data.draw(st.integers(0, 255))
    _one_result(qr(bytes(raw)), es256.trust)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.binary(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(payload=st.dictionaries(st.sampled_from([1, 4, 6, -260, 2]), json_values, max_size=5))
def test_signed_payloads_of_any_shape(payload: dict[Any, Any], es256: Issuer) -> None:
    code = _one_result(es256.issue(payload), es256.trust)
    assert code not in (DccResult.UNKNOWN_KEY, DccResult.BAD_SIGNATURE)


@FUZZ
@given(
    hcert=st.dictionaries(st.sampled_from(["ver", "nam", "dob", "v", "t", "r", "x"]), json_values)
)
def test_signed_dccs_of_any_shape(hcert: dict[str, Any], es256: Issuer) -> None:
    _one_result(es256.issue(claims(hcert)), es256.trust)


# --- Base45 --------------------------------------------------------------------------


def _package_b45(text: str) -> bytes | None:
    try:
        return bytes(base45.b45decode(text))
    except ValueError:
        return None


def _codec_b45(text: str) -> bytes | None:
    try:
        return b45decode(text)
    except CodecError:
        return None


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from([*base45.BASE45_CHARSET, "a", "=", "\n", "é"])))
def test_b45decode_matches_the_base45_package(text: str) -> None:
    assert _codec_b45(text) == _package_b45(text)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=3000))
def test_b45_round_trip(data: bytes) -> None:
    assert b45decode(b45encode(data)) == data


def test_b45_group_over_65535_anywhere_in_a_known_length() -> None:
    text = b45encode(bytes(range(256)) * 2)
    assert b45decode(text) == bytes(range(256)) * 2  # the length's masks are now remembered
    for at in (0, 3 * 100, len(text) - 4):
        broken = text[:at] + "GGW" + text[at + 3 :]
        with pytest.raises(CodecError):
            b45decode(broken)
        assert _package_b45(broken) is None


@pytest.mark.parametrize("payload_size", [0, 1, 23, 24, 255, 256, 65535, 65536])
@pytest.mark.parametrize("protected_size", [0, 3, 23, 24, 300])
def test_sig_structure_is_the_cbor_array(payload_size: int, protected_size: int) -> None:
    protected, payload = bytes(protected_size), b"\x01" * payload_size
    expected = cbor2.dumps(["Signature1", protected, b"", payload])
    assert sig_structure(protected, payload) == expected
    assert CoseSign1(protected, {}, {}, payload, b"").sig_structure() == expected


# --- signing certificates -----------------------------------------------------------------


def test_certificate_pem_and_der(ec_key: ec.EllipticCurvePrivateKey) -> None:
    der = make_cert(ec_key, eku=[OID_TEST])
    pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
    from_der, from_pem = parse_dcc_certificate(der), parse_dcc_certificate(pem)
    assert from_der == from_pem
    assert from_der.kid == hashlib.sha256(der).digest()[:8]
    assert from_der.der == der
    assert from_der.algorithm == ALG_ES256
    assert from_der.extended_key_usage == frozenset({OID_TEST})
    assert (from_der.not_before, from_der.not_after) == (NOW - 365 * DAY, NOW + 365 * DAY)
    assert from_der.subject == "CN=DSC test"
    assert parse_dcc_certificate(bytearray(der)) == from_der
    assert parse_dcc_certificate(b"junk before\n" + pem) == from_der


def test_rsa_certificate(rsa_key: rsa.RSAPrivateKey) -> None:
    signer = parse_dcc_certificate(make_cert(rsa_key))
    assert signer.algorithm == ALG_PS256
    assert signer.extended_key_usage is None


def test_empty_extended_key_usage_is_read() -> None:
    """cryptography builds an empty extKeyUsage but refuses to read it back; we read it."""
    der = make_cert(ec.generate_private_key(ec.SECP256R1()), eku=[])
    with pytest.raises(ValueError):
        _ = x509.load_der_x509_certificate(der).extensions
    assert parse_dcc_certificate(der).extended_key_usage == frozenset()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"junk",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        b"\x30\x03\x02\x01\x01",
        b"\x30" * 70_000,
        "MIIB...",
        None,
    ],
)
def test_certificate_garbage(data: Any) -> None:
    with pytest.raises(DccCertificateError):
        parse_dcc_certificate(data)
    assert issubclass(DccCertificateError, ValueError)


def test_ed25519_certificate_is_refused() -> None:
    with pytest.raises(DccCertificateError, match="cannot sign DCCs"):
        parse_dcc_certificate(make_cert(ed25519.Ed25519PrivateKey.generate()))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [OID_TEST, OID_VACCINATION, OID_RECOVERY, OID_TEST_0, "2.23.136.1.1.14.2", "1.2.3"]
            + [oid.dotted_string for oid in (ExtendedKeyUsageOID.CLIENT_AUTH,)]
            + ["2.999.1", "1.3.6.1.4.1.99999999999.1"]
        ),
        min_size=1,
        max_size=6,
        unique=True,
    )
)
def test_extended_key_usage_matches_cryptography(oids: list[str]) -> None:
    der = make_cert(_SHARED_EC, eku=oids)
    ours = parse_dcc_certificate(der).extended_key_usage
    theirs = x509.load_der_x509_certificate(der).extensions.get_extension_for_class(
        x509.ExtendedKeyUsage
    )
    assert ours == frozenset(oid.dotted_string for oid in theirs.value) == frozenset(oids)


def test_trust() -> None:
    a = parse_dcc_certificate(make_cert(_SHARED_EC))
    b = parse_dcc_certificate(make_cert(_SHARED_EC))
    trust = DccTrust.of([a, a, b])
    assert len(trust) == 2
    assert trust.candidates(a.kid) == (a,)
    assert trust.candidates(b"\x00" * 8) == ()
    assert len(DccTrust()) == 0


# --- the fast schema predicate against jsonschema -----------------------------------------


def _reference(schema: Any) -> Callable[[Any], bool]:
    validator = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
    return validator(schema).is_valid  # type: ignore[no-any-return]


def test_every_vendored_schema_compiles() -> None:
    assert len(SCHEMAS) >= 9
    for version, schema in SCHEMAS.items():
        assert compile_schema(schema) is not None, version


leaf_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False) | st.sampled_from([1.0, 2.0, 0.0, -1.0]),
    st.text(max_size=90) | st.sampled_from(["", "DE", "1964", "1964-08", "MUSTER<FRAU", "1.3.0"]),
)
any_json = st.recursive(
    leaf_values,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@st.composite
def mutated_dccs(draw: st.DrawFn) -> Any:
    """A valid DCC with a few random edits: values replaced, keys dropped or added."""
    value = json.loads(json.dumps(draw(st.sampled_from(list(SAMPLES.values())))))
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(value)))
        if not path:
            value = draw(any_json) if draw(st.integers(0, 9)) == 0 else value
            continue
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "drop", "add", "grow"]))
        if action == "replace":
            parent[path[-1]] = draw(any_json)
        elif action == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["v", "t", "r", "x", "fnt", "dob", "ver"]))] = draw(
                any_json
            )
        elif action == "grow" and isinstance(parent[path[-1]], list):
            parent[path[-1]].append(json.loads(json.dumps(parent[path[-1]][:1] or [None]))[0])
    return value


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=mutated_dccs(), version=st.sampled_from(sorted(SCHEMAS)))
def test_fast_schema_agrees_with_jsonschema(instance: Any, version: str) -> None:
    schema = SCHEMAS[version]
    fast = compile_schema(schema)
    assert fast is not None
    assert fast(instance) == _reference(schema)(instance)


KEYWORD_SCHEMA: dict[str, Any] = {
    "$defs": {
        "tree": {
            "type": ["object", "null"],
            "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
        }
    },
    "anyOf": [
        {"type": "integer", "minimum": -1, "maximum": 2},
        {"type": "number", "maximum": -2.5},
        {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "[a-z]"},
        {
            "type": "array",
            "minItems": 1,
            "maxItems": 2,
            "items": {"type": ["null", "integer", "string"]},
        },
        {
            "type": "object",
            "required": ["a"],
            "properties": {
                "a": {
                    "type": "object",
                    "properties": {"b": {"type": "array", "items": {"type": "number"}}},
                }
            },
        },
        {"allOf": [{"type": ["boolean", "null"]}, {"not": {"type": "null"}}]},
        {"allOf": [{"$ref": "#/$defs/tree"}, {"required": ["kids"]}]},
        {"oneOf": [{"type": "string"}, {"maxLength": 0}]},
        True,
    ],
    "not": {"type": "string", "pattern": "^forbidden$"},
}


#: Instances on both sides of each keyword's boundary in KEYWORD_SCHEMA.
CRAFTED: list[Any] = [
    *range(-3, 4),
    -1.0,
    2.0,
    2.5,
    -2.5,
    -2.6,
    True,
    False,
    None,
    "",
    "a",
    "ab",
    "AB",
    "abcde",
    "abcdef",
    "forbidden",
    [],
    [None],
    [1],
    [1.0],
    [True],
    ["x", [1]],
    ["x", [1.0], None],
    [[True]],
    {},
    {"a": {"b": [1]}},
    {"a": {"b": [1.0]}},
    {"a": {"b": [True]}},
    {"a": 1},
    {"kids": []},
    {"kids": [None, {"kids": [{}]}]},
    {"kids": [1]},
    {"kids": [{"kids": "x"}]},
    {"kids": None},
]


@settings(max_examples=600, deadline=None)
@given(instance=st.sampled_from(CRAFTED) | any_json)
def test_fast_schema_keywords_agree_with_jsonschema(instance: Any) -> None:
    for schema in (KEYWORD_SCHEMA, *KEYWORD_SCHEMA["anyOf"]):
        wrapped = {"$defs": KEYWORD_SCHEMA["$defs"], "allOf": [schema]}
        fast = compile_schema(wrapped)
        assert fast is not None
        assert fast(instance) == _reference(wrapped)(instance), schema


@pytest.mark.parametrize(
    "schema",
    [
        {"additionalProperties": False},
        {"$ref": "https://example.com/schema.json"},
        {"$ref": "#/$defs/missing"},
        {"$defs": {"a": {"$id": "x"}}, "$ref": "#/$defs/a"},
        {"items": [{"type": "string"}]},
        {"type": "decimal"},
        {"pattern": "("},
        {"maxLength": -1},
        {"$dynamicRef": "#x"},
        {"enum": [1, "x"]},  # draft 7 tools compare 1 == True; 2020-12 does not
        {"const": 1},
        {"$defs": {"a": True}, "$ref": "#/$defs/a", "type": "string"},  # siblings of $ref
        {"$defs": {"a": True}, "allOf": [{"$ref": "#a"}]},  # an anchor, not a pointer
        {"$defs": {"a b": True}, "allOf": [{"$ref": "#/$defs/a%20b"}]},  # URI-escaped
        {"type": ["string", {"type": "null"}]},
        [],
    ],
)
def test_fast_schema_refuses_what_it_does_not_know(schema: Any) -> None:
    assert compile_schema(schema) is None


@pytest.mark.parametrize(
    ("schema", "instances"),
    [
        # jsonschema runs re.search with the pattern as written: "$" matches before a
        # final newline, and an unanchored pattern matches anywhere
        ({"pattern": "^[0-9]+$"}, ["12", "12\n", "12\n\n", "", "a12", 12]),
        ({"pattern": "[A-Z]{2}"}, ["DE", "xDEx", "D", "de"]),
        # an integer-valued float is an integer from draft 6 on, not in draft 4
        ({"type": "integer"}, [1, 1.0, 1.5, True, "1"]),
        (
            {"$schema": "http://json-schema.org/draft-04/schema#", "type": "integer"},
            [1, 1.0, True],
        ),
        (
            {"$schema": "http://json-schema.org/draft-07/schema#", "type": "integer"},
            [1, 1.0, True],
        ),
        ({"type": "number", "minimum": 1, "maximum": 2.5}, [0, 1, 1.0, 2.5, 2.6, True, None]),
        ({"minLength": 2, "maxLength": 2}, ["中文", "a", "abc", ["a", "b"]]),
        ({"minItems": 1, "maxItems": 1}, [[], [1], [1, 2], (1,), {}, "a"]),
        ({"required": ["a"]}, [{}, {"a": None}, [], "a", ("a",)]),
        ({"type": []}, [None, 1, {}]),
        (
            {"oneOf": [{"required": ["a"]}, {"required": ["b"]}, {"type": "string"}]},
            [{}, {"a": 1}, {"a": 1, "b": 2}, "s", 1],
        ),
        ({"not": {"required": ["a"]}}, [{}, {"a": 1}, 1]),
        ({"anyOf": [False, {"type": "null"}]}, [None, 1]),
    ],
)
def test_fast_schema_checks_each_keyword_as_jsonschema_does(
    schema: dict[str, Any], instances: list[Any]
) -> None:
    fast = compile_schema(schema)
    assert fast is not None
    agree = 0
    for instance in instances:
        # Accept-only: what the fast path accepts, jsonschema accepts. It may reject more
        # (then jsonschema decides), e.g. "$" before a final newline in a pattern.
        if fast(instance):
            assert _reference(schema)(instance), instance
        agree += fast(instance) == _reference(schema)(instance)
    assert agree >= len(instances) - 1


def test_fast_schema_names_never_reach_the_code_as_code() -> None:
    odd = "a'\"\\\n); import os; ('"
    schema = {"required": [odd], "properties": {odd: {"type": "string"}}}
    fast = compile_schema(schema)
    assert fast is not None
    assert fast({odd: "x"}) and not fast({odd: 1}) and not fast({"a": "x"})


def test_fast_schema_compiles_deep_schemas() -> None:
    schema: Any = {"type": "string", "maxLength": 1}
    instance: Any = "x"
    for _ in range(60):  # past Python's 20 nested loops and 100 indents, if inlined
        schema = {"type": "array", "items": {"type": "object", "properties": {"a": schema}}}
        instance = [{"a": instance}]
    fast = compile_schema(schema)
    assert _reference(schema)(instance) is True
    if fast is not None:  # too deep to compile is fine: jsonschema decides
        assert fast(instance) is True
        assert fast(json.loads(json.dumps(instance).replace('"x"', '"xy"'))) is False
    assert compile_schema({"$schema": 5}) is None


def test_fast_schema_declines_rather_than_fails_on_deep_instances() -> None:
    schema = {"$defs": KEYWORD_SCHEMA["$defs"], "allOf": [{"$ref": "#/$defs/tree"}]}
    fast = compile_schema(schema)
    assert fast is not None
    deep: Any = None
    for _ in range(5000):
        deep = {"kids": [deep]}
    assert fast(deep) is False  # RecursionError: the caller asks jsonschema
    assert fast({"kids": [{"kids": []}, None]}) is True


def test_fast_schema_is_only_used_to_accept(es256: Issuer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A predicate that wrongly says "invalid" costs time only: jsonschema decides."""
    schema = json.loads(json.dumps(SCHEMAS["1.3.0"]))
    compiled = dcc._compiled(schema)
    monkeypatch.setitem(
        dcc._COMPILED, id(schema), dataclasses.replace(compiled, is_valid=lambda v: False)
    )
    validate_schema(VACCINATION, schema)
    monkeypatch.setitem(dcc._COMPILED, id(schema), dataclasses.replace(compiled, is_valid=None))
    validate_schema(VACCINATION, schema)
    with pytest.raises(DccError):
        validate_schema({**VACCINATION, "dob": 1964}, schema)


def test_non_finite_floats_never_reach_the_schema() -> None:
    with pytest.raises(DccError) as caught:
        json_value({"x": float("nan")})
    assert caught.value.code == DccResult.CLAIMS_INVALID


# --- loading the vendored schemas ---------------------------------------------------------


def test_load_dcc_schemas(tmp_path: Any) -> None:
    (tmp_path / "1.3.0.json").write_text('{"type": "object"}', encoding="utf-8")
    (tmp_path / "1.0.0.json").write_text("{}", encoding="utf-8")
    (tmp_path / "SOURCES.md").write_text("not a schema", encoding="utf-8")
    assert load_dcc_schemas(tmp_path) == {"1.0.0": {}, "1.3.0": {"type": "object"}}
    (tmp_path / "2.0.0.json").write_text("[]", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("2.0.0.json: a schema must be")):
        load_dcc_schemas(tmp_path)
    (tmp_path / "2.0.0.json").write_bytes(b"\xff{")
    with pytest.raises(ValueError, match="not JSON"):
        load_dcc_schemas(tmp_path)


def test_default_schema_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    assert (default_schema_dir() / "1.3.0.json").is_file()
    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert default_schema_dir() == tmp_path / "resources" / "dcc_schemas"

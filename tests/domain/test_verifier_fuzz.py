"""Property tests of the whole verifier: any text gives one JSON-ready result.

Covers every format at once (PHI1, EU DCC, roster, online, unknown) with random
texts and with mutations of real demo codes: never an exception, the answer
always serialises as strict JSON, and claims only come with a verified signature.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkpoint_app.demo_issuer import DemoIssuer
from checkpoint_app.domain.results import CodeFormat
from checkpoint_app.store.offline_cache import load_cache

NOW = 1_795_000_000
VERIFIER = load_cache(None, demo=True).verifier
CODES = [code.text for code in DemoIssuer().sample_codes(NOW)]
SIGNED = [c for c in CODES if c.startswith(("PHI1:", "HC1:"))]
NO_CLAIMS = {"NOT_PHI1", "NOT_DCC", "TOO_LARGE", "MALFORMED", "UNSUPPORTED_ALGORITHM",
             "UNKNOWN_KEY", "BAD_SIGNATURE", "ONLINE_ONLY", "ROSTER_ID", "NOT_A_HEALTH_CODE"}  # fmt: skip
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str) -> None:
    result = VERIFIER.verify(text, NOW)
    line = json.dumps(result.to_json(), ensure_ascii=False, allow_nan=False)
    assert json.loads(line)["format"] in {f.value for f in CodeFormat}
    if result.result in NO_CLAIMS:
        assert result.claims is None


def test_demo_codes_verify() -> None:
    results = [VERIFIER.verify(c, NOW).result for c in SIGNED]
    assert results.count("VALID") == len(SIGNED) - 3  # revoked, expired and forged are not


@FUZZ
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_any_text(text: str) -> None:
    _check(text)
    _check("HC1:" + text)
    _check("TKT1:" + text)


@FUZZ
@given(st.sampled_from(SIGNED), st.data())
def test_mutated_demo_codes(code: str, data: st.DataObject) -> None:
    chars = list(code)
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(chars) - 1))
        chars[index] = data.draw(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"))
    mutated = "".join(chars)
    _check(mutated)
    result = VERIFIER.verify(mutated, NOW)
    if result.result == "VALID":  # only possible if the mutation left the signed bytes alone
        assert result.claims == VERIFIER.verify(code, NOW).claims

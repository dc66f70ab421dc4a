"""Every normative PHI1 vector gives exactly its expected result and claims."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shared_paths import phi1_dir

from checkpoint_app.domain.phi1 import verify_phi1
from checkpoint_app.domain.trust import parse_revocations, parse_trust_list

CASES = sorted((phi1_dir() / "cases").glob("*.json"))


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


TRUST = parse_trust_list(_load(phi1_dir() / "trust_list.json"))
REVOKED = parse_revocations(_load(phi1_dir() / "revocations.json"))


def test_all_56_vectors_are_present() -> None:
    assert len(CASES) == 56


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_vector(path: Path) -> None:
    case = _load(path)
    expected = dict(case["expected"])
    outcome = verify_phi1(case["qr"], TRUST, REVOKED, case["now"])
    assert outcome.result == expected.pop("result"), outcome.detail
    if outcome.claims is None:
        assert not expected
    else:
        claims = outcome.claims.to_json()
        for key, value in expected.items():
            assert claims[key] == value, key

"""The demo central API: seeded data, the Python API the demo launcher uses."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from central.app import create_app
from central.demo import DEMO_CHECKPOINT, seed_demo
from central.server import run_in_thread
from central.store import Central
from checkpoint_app.demo_issuer import DemoIssuer
from checkpoint_app.domain.phi1 import verify_phi1
from checkpoint_app.domain.results import Phi1Result
from checkpoint_app.domain.trust import parse_revocations, parse_trust_list
from checkpoint_app.sync.engine import verify_envelope


def test_seed_demo_runs_again_and_serves_the_demo_issuers_codes(database_url: str) -> None:
    first = seed_demo(database_url)
    again = seed_demo(database_url)
    assert first["checkpoint"] == again["checkpoint"] == DEMO_CHECKPOINT
    assert first["enrolment_code"] != again["enrolment_code"]
    assert first["rosters"] == again["rosters"] == ["CY-BUS-1", "HD-BUS-3"]
    assert first["issuer_kids"] == again["issuer_kids"] and len(first["issuer_kids"]) == 2
    central = Central(database_url)
    try:
        assert [r["version"] for r in central.rosters_after(DEMO_CHECKPOINT, None)["rosters"]] == [
            1,
            1,
        ]
        trust = parse_trust_list(central.trust_list())
        revocations = parse_revocations(central.revocations())
        statuses = {
            p["cid"]: central.health_code(p["cid"]) for p in DemoIssuer().people if "cid" in p
        }
    finally:
        central.close()
    now = int(time.time())
    results = {
        code.label: verify_phi1(code.text, trust, revocations, now).result
        for code in DemoIssuer().sample_codes(now)
        if code.text.startswith("PHI1:")
    }
    assert results["green"] is Phi1Result.VALID
    assert results["green revoked"] is Phi1Result.REVOKED
    assert results["expired screenshot"] is Phi1Result.EXPIRED
    assert results["forged (edited after signing)"] is Phi1Result.BAD_SIGNATURE
    assert all(s is not None for s in statuses.values())
    assert statuses["ruga3ppmdudcba67gcctmrwxvg"]["status"] == "red"  # type: ignore[index]
    assert statuses["3jgfdvnaoxdqatn47xakdwgvfc"]["revoked"] is True  # type: ignore[index]


def test_the_demo_server_runs_in_a_thread_on_an_ephemeral_port(sqlite_url: str) -> None:
    seeded = seed_demo(sqlite_url)
    handle = run_in_thread(create_app(sqlite_url), host="127.0.0.1", port=0)
    try:
        assert handle.url.startswith("http://127.0.0.1:") and handle.port > 0
        enrolled = requests.post(
            f"{handle.url}/v1/devices",
            json={
                "enrolment_code": seeded["enrolment_code"],
                "device_id": str(uuid.uuid4()),
                "name": "演示 laptop",
            },
            timeout=10,
        ).json()
        assert enrolled["checkpoint"]["id"] == DEMO_CHECKPOINT
        assert enrolled["root_public_key"] == seeded["root_public_key"]
        headers = {"Authorization": f"Bearer {enrolled['token']}"}
        rosters = requests.get(f"{handle.url}/v1/rosters", headers=headers, timeout=10).json()
        content = verify_envelope(rosters, seeded["root_public_key"])
        assert sorted(r["roster_id"] for r in content["rosters"]) == seeded["rosters"]
    finally:
        handle.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{handle.url}/v1/rules", timeout=2)  # stopped: nothing listens

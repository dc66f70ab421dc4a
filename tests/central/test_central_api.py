"""The HTTP API of the reference server (docs/sync-protocol.md), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import gzip
import json
import time
from collections.abc import Iterator
from copy import copy
from typing import Any

import pytest
from central_chain import Chain, rehash
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from central import db as tables
from central.app import create_app
from central.rosters import parse_rosters
from central.store import Central
from checkpoint_app.domain.roster import parse_roster_rows
from checkpoint_app.domain.rules import parse_rules
from checkpoint_app.domain.trust import parse_revocations, parse_trust_list
from checkpoint_app.store.event_log import canonical_json
from checkpoint_app.sync.engine import verify_envelope

CHECKPOINT = "BJW-GATE"


@pytest.fixture
def client(central: Central, database_url: str) -> Iterator[TestClient]:
    central.create_checkpoint(CHECKPOINT, "北京西站 南门")
    central.create_checkpoint("OTHER", "另一个检查站")
    with TestClient(create_app(database_url, central)) as test_client:
        yield test_client


def enrol(
    client: TestClient, central: Central, checkpoint: str = CHECKPOINT, chain: Chain | None = None
) -> tuple[Chain, dict[str, str]]:
    chain = chain or Chain()
    code = central.new_enrolment_code(checkpoint)["code"]
    reply = client.post(
        "/v1/devices",
        json={"enrolment_code": code, "device_id": chain.device_id, "name": "南门 laptop 2"},
    )
    assert reply.status_code == 201, reply.text
    return chain, {"Authorization": f"Bearer {reply.json()['token']}"}


def upload(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    reply = client.post("/v1/events:batch", json=body, headers=headers)
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def statuses(reply: dict[str, Any]) -> list[str]:
    return [r["status"] if r["status"] != "rejected" else r["reason"] for r in reply["results"]]


def stored_count(central: Central) -> int:
    with central.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.events)).scalar_one())


def whole_feed(client: TestClient, headers: dict[str, str], limit: int = 1000) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"after": after} if after else {})
        page = client.get("/v1/events", params=params, headers=headers).json()
        ids += [e["event_id"] for e in page["events"]]
        after = page["next"]
        if not page["more"]:
            return ids


# -- enrolment and tokens -------------------------------------------------------------------
def test_enrolment_is_one_time_and_pins_the_root_key(client: TestClient, central: Central) -> None:
    code = central.new_enrolment_code(CHECKPOINT)["code"]
    body = {
        "enrolment_code": code,
        "device_id": "6f1c2b8e-0d4e-4a57-9f43-2f0e8f7d6a11",
        "name": "n",
    }
    reply = client.post("/v1/devices", json=body)
    assert reply.status_code == 201
    data = reply.json()
    assert data["device_id"] == body["device_id"]
    assert data["checkpoint"] == {"id": CHECKPOINT, "name": "北京西站 南门"}
    assert data["root_public_key"] == central.root.public_b64
    assert len(base64.urlsafe_b64decode(data["token"] + "==")) >= 32
    again = client.post("/v1/devices", json=body)
    assert again.status_code == 403
    assert again.json()["error"] == "enrolment_code_invalid"
    unknown = client.post("/v1/devices", json={**body, "enrolment_code": "AAAA-BBBB-CCCC"})
    assert unknown.status_code == 403
    # only a hash of the token is stored
    with central.db.read() as conn:
        stored = conn.execute(select(tables.devices)).one()._mapping
    assert data["token"] not in {str(v) for v in stored.values()}


def test_codes_are_typed_loosely_and_expire(client: TestClient, central: Central) -> None:
    code = central.new_enrolment_code(CHECKPOINT)["code"]
    typed = code.replace("-", " ").lower()
    body = {"enrolment_code": typed, "device_id": "dev-1", "name": "gate"}
    assert client.post("/v1/devices", json=body).status_code == 201
    old = central.new_enrolment_code(CHECKPOINT, ttl_s=3600)["code"]
    real_clock = central.clock
    central.clock = lambda: real_clock() + 7200
    try:
        late = client.post("/v1/devices", json={**body, "enrolment_code": old})
    finally:
        central.clock = real_clock
    assert late.status_code == 403 and "expired" in late.json()["message"]


def test_enrolling_again_replaces_the_token_and_revoking_gives_401(
    client: TestClient, central: Central
) -> None:
    chain, first = enrol(client, central)
    assert client.get("/v1/rules", headers=first).status_code == 200
    _, second = enrol(client, central, chain=chain)
    assert client.get("/v1/rules", headers=first).status_code == 401
    assert client.get("/v1/rules", headers=second).status_code == 200
    assert central.revoke_device(chain.device_id) is True
    refused = client.get("/v1/events", headers=second)
    assert refused.status_code == 401
    assert refused.json()["error"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert central.revoke_device(chain.device_id) is False  # already
    listed = central.list_devices()
    assert listed[0]["revoked"] is True and listed[0]["device_id"] == chain.device_id
    # a new enrolment lifts the revocation, with a new token
    _, third = enrol(client, central, chain=chain)
    assert client.get("/v1/rules", headers=third).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}],
    ids=["none", "basic", "empty"],
)
def test_every_call_but_enrolment_needs_a_token(
    client: TestClient, headers: dict[str, str]
) -> None:
    for method, path in [
        ("GET", "/v1/events"),
        ("POST", "/v1/events:batch"),
        ("GET", "/v1/trust-list"),
        ("GET", "/v1/revocations"),
        ("GET", "/v1/rules"),
        ("GET", "/v1/rosters"),
        ("GET", "/v1/health-codes/abc"),
    ]:
        reply = client.request(method, path, headers=headers)
        assert reply.status_code == 401, (method, path)
        assert reply.json()["error"] == "unauthorized"


# -- event batches --------------------------------------------------------------------------
def test_a_batch_sent_twice_is_stored_once(client: TestClient, central: Central) -> None:
    chain, headers = enrol(client, central)
    batch = chain.batch(chain.events(25))
    first = upload(client, headers, batch)
    assert statuses(first) == ["accepted"] * 25
    assert first["chain_head"] == {"seq": 25, "hash": chain.head}
    second = upload(client, headers, batch)
    assert statuses(second) == ["duplicate"] * 25
    assert [r["event_id"] for r in second["results"]] == [e["event_id"] for e in batch["events"]]
    assert stored_count(central) == 25
    feed = client.get("/v1/events", headers=headers).json()
    assert feed["events"] == batch["events"]  # as uploaded, field for field
    assert central.list_devices()[0]["chain_head"] == {"seq": 25, "hash": chain.head}


def test_each_bad_event_is_rejected_alone_with_its_reason(
    client: TestClient, central: Central
) -> None:
    chain, headers = enrol(client, central)
    good = chain.events(3)
    upload(client, headers, chain.batch(good))
    stranger = Chain()
    forged = {**copy(chain).event(), "payload": canonical_json({"gate": "forged"})}  # old hash
    wrong_link = rehash({**copy(chain).event(), "prev_hash": "f" * 64})  # seq 4 after stored 3
    same_id_other_content = rehash({**good[0], "operator": "someone else"})
    same_seq_other_id = rehash({**good[1], "event_id": "11111111-2222-3333-4444-555555555555"})
    events: list[Any] = [
        stranger.event(),  # a correctly hashed event of another device
        forged,
        wrong_link,
        same_id_other_content,
        same_seq_other_id,
        {**chain.event(), "seq": "7"},
        {k: v for k, v in chain.event().items() if k != "kind"},
        rehash({**chain.event(), "payload": "{not json"}),
        rehash({**chain.event(), "occurred_at": "yesterday"}),
        "not an object",
        good[2],
    ]
    reply = upload(client, headers, chain.batch(events))
    assert statuses(reply) == [
        "device_mismatch",
        "hash_mismatch",
        "chain_mismatch",
        "conflict",
        "conflict",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "duplicate",
    ]
    for result in reply["results"]:
        if result["status"] == "rejected":
            assert result["message"], result
    assert "seq must be an integer" in reply["results"][5]["message"]
    assert "kind" in reply["results"][6]["message"]
    assert reply["results"][9]["event_id"] is None
    assert stored_count(central) == 3


def test_the_chain_is_checked_against_stored_neighbours(
    client: TestClient, central: Central
) -> None:
    chain, headers = enrol(client, central)
    first = chain.event()
    not_genesis = rehash({**first, "prev_hash": "a" * 64})
    assert statuses(upload(client, headers, chain.batch([not_genesis]))) == ["chain_mismatch"]
    assert statuses(upload(client, headers, chain.batch([first]))) == ["accepted"]
    second, third = chain.event(), chain.event()
    # seq 3 arrives first (seq 2 not stored yet: nothing to check it against) ...
    assert statuses(upload(client, headers, chain.batch([third]))) == ["accepted"]
    # ... then a seq 2 that seq 3 does not link to is refused, the real one accepted
    other = Chain(device_id=chain.device_id, seq=1, head=first["hash"]).event(n=99)
    assert statuses(upload(client, headers, chain.batch([other]))) == ["chain_mismatch"]
    assert statuses(upload(client, headers, chain.batch([second]))) == ["accepted"]
    # in one batch, events link to those before them in the batch
    batch = chain.events(3)
    assert statuses(upload(client, headers, chain.batch(batch))) == ["accepted"] * 3


def test_the_chain_head_is_kept_and_never_moves_back(client: TestClient, central: Central) -> None:
    chain, headers = enrol(client, central)
    events = chain.events(4)
    upload(client, headers, chain.batch(events))
    late = {"chain_head": {"seq": 2, "hash": events[1]["hash"]}, "events": events[:2]}
    assert upload(client, headers, late)["chain_head"] == {"seq": 4, "hash": chain.head}


def test_over_500_events_is_413_and_nothing_is_stored(client: TestClient, central: Central) -> None:
    chain, headers = enrol(client, central)
    reply = client.post("/v1/events:batch", json=chain.batch(chain.events(501)), headers=headers)
    assert reply.status_code == 413
    assert reply.json()["error"] == "too_many_events"
    assert stored_count(central) == 0
    chain, headers = enrol(client, central)
    assert statuses(upload(client, headers, chain.batch(chain.events(500)))) == ["accepted"] * 500


@pytest.mark.parametrize(
    ("content", "status", "error"),
    [
        (b"{not json", 400, "bad_json"),
        (b"[]", 422, "invalid_request"),
        (b'{"events": []}', 422, "invalid_request"),
        (b'{"chain_head": {"seq": -1, "hash": "00"}, "events": []}', 422, "invalid_request"),
        (b'{"chain_head": {"seq": 0, "hash": "' + b"0" * 64 + b'"}, "events": {}}', 422, None),
    ],
)
def test_a_malformed_batch_is_refused_whole(
    client: TestClient, central: Central, content: bytes, status: int, error: str | None
) -> None:
    _, headers = enrol(client, central)
    reply = client.post("/v1/events:batch", content=content, headers=headers)
    assert reply.status_code == status
    assert set(reply.json()) == {"error", "message"}
    if error:
        assert reply.json()["error"] == error


def test_gzip_request_bodies(client: TestClient, central: Central) -> None:
    chain, headers = enrol(client, central)
    body = json.dumps(chain.batch(chain.events(50))).encode()
    gzipped = {**headers, "Content-Encoding": "gzip", "Content-Type": "application/json"}
    reply = client.post("/v1/events:batch", content=gzip.compress(body), headers=gzipped)
    assert reply.status_code == 200
    assert statuses(reply.json()) == ["accepted"] * 50
    broken = client.post("/v1/events:batch", content=gzip.compress(body)[:-9], headers=gzipped)
    assert (broken.status_code, broken.json()["error"]) == (400, "bad_gzip")
    bomb = gzip.compress(b" " * (33 * 1024 * 1024), 9)  # inflates past the 32 MiB bound
    assert len(bomb) < 100_000
    refused = client.post("/v1/events:batch", content=bomb, headers=gzipped)
    assert (refused.status_code, refused.json()["error"]) == (413, "body_too_large")
    brotli = {**headers, "Content-Encoding": "br"}
    assert client.post("/v1/events:batch", content=body, headers=brotli).status_code == 415
    assert stored_count(central) == 50


def test_large_responses_are_gzipped(client: TestClient, central: Central) -> None:
    chain, headers = enrol(client, central)
    upload(client, headers, chain.batch(chain.events(40)))
    reply = client.get("/v1/events", headers={**headers, "Accept-Encoding": "gzip"})
    assert reply.headers["Content-Encoding"] == "gzip"
    assert len(reply.json()["events"]) == 40
    small = client.get("/v1/health-codes/x", headers={**headers, "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


# -- the feed --------------------------------------------------------------------------------
def test_the_feed_pages_the_checkpoints_events_in_stored_order(
    client: TestClient, central: Central
) -> None:
    a, a_headers = enrol(client, central)
    b, b_headers = enrol(client, central)
    elsewhere, elsewhere_headers = enrol(client, central, checkpoint="OTHER")
    order: list[str] = []
    for chain, headers in [(a, a_headers), (b, b_headers), (a, a_headers), (b, b_headers)]:
        events = chain.events(4)
        upload(client, headers, chain.batch(events))
        order += [e["event_id"] for e in events]
    upload(client, elsewhere_headers, elsewhere.batch(elsewhere.events(5)))
    assert whole_feed(client, b_headers, limit=3) == order
    assert len(whole_feed(client, elsewhere_headers)) == 5  # only its own checkpoint's
    first = client.get("/v1/events", params={"limit": 5}, headers=a_headers).json()
    assert first["more"] is True and len(first["events"]) == 5
    rest = client.get("/v1/events", params={"after": first["next"]}, headers=a_headers).json()
    assert [e["event_id"] for e in rest["events"]] == order[5:] and rest["more"] is False
    idle = client.get("/v1/events", params={"after": rest["next"]}, headers=a_headers).json()
    assert idle == {"events": [], "next": rest["next"], "more": False}
    newer = a.events(2)
    upload(client, a_headers, a.batch(newer))
    after = client.get("/v1/events", params={"after": rest["next"]}, headers=b_headers).json()
    assert [e["event_id"] for e in after["events"]] == [e["event_id"] for e in newer]


def test_bad_cursors_and_limits_are_refused(client: TestClient, central: Central) -> None:
    _, headers = enrol(client, central)
    _, other_headers = enrol(client, central, checkpoint="OTHER")
    theirs = client.get("/v1/events", headers=other_headers).json()["next"]
    for cursor in ["garbage!", "ZTEuMTA", theirs]:
        reply = client.get("/v1/events", params={"after": cursor}, headers=headers)
        assert reply.status_code == 400, cursor
        assert reply.json()["error"] == "bad_cursor"
    roster_cursor = client.get("/v1/rosters", headers=headers).json()["content"]["next"]
    wrong_list = client.get("/v1/events", params={"after": roster_cursor}, headers=headers)
    assert wrong_list.status_code == 400
    for limit in (0, 1001, "ten"):
        reply = client.get("/v1/events", params={"limit": limit}, headers=headers)
        assert (reply.status_code, reply.json()["error"]) == (422, "invalid_request")


# -- signed lists --------------------------------------------------------------------------
def test_lists_are_signed_with_the_pinned_root_key_and_have_etags(
    client: TestClient, central: Central
) -> None:
    code = central.new_enrolment_code(CHECKPOINT)["code"]
    enrolled = client.post(
        "/v1/devices", json={"enrolment_code": code, "device_id": "gate-7", "name": "gate 7"}
    ).json()
    headers = {"Authorization": f"Bearer {enrolled['token']}"}
    root = enrolled["root_public_key"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(root))
    central.revoke("kuw3zna5kirgvu6fnsu56qd7aa")
    central.set_rules(CHECKPOINT, {"yellow": "deny", "fever_threshold_c": 37.0})
    parsers = {
        "/v1/trust-list": parse_trust_list,
        "/v1/revocations": parse_revocations,
        "/v1/rules": parse_rules,
    }
    etags = {}
    for path, parse in parsers.items():
        reply = client.get(path, headers=headers)
        assert reply.status_code == 200
        envelope = reply.json()
        key.verify(
            base64.b64decode(envelope["signature"]),
            canonical_json(envelope["content"]).encode("utf-8"),
        )
        parse(verify_envelope(envelope, root))  # as the station reads it
        assert abs(envelope["signed_at"] - time.time()) < 60
        etags[path] = reply.headers["ETag"]
        for sent in (etags[path], f"W/{etags[path]}", f'"other", {etags[path]}', "*"):
            again = client.get(path, headers={**headers, "If-None-Match": sent})
            assert again.status_code == 304 and again.content == b""
            assert again.headers["ETag"] == etags[path]
        assert client.get(path, headers={**headers, "If-None-Match": '"x"'}).status_code == 200
    trust = client.get("/v1/trust-list", headers=headers).json()["content"]
    assert parse_trust_list(trust).keys  # the server's own issuer key
    revoked = client.get("/v1/revocations", headers=headers).json()["content"]
    assert revoked["cids"] == ["kuw3zna5kirgvu6fnsu56qd7aa"]
    central.revoke("hociwcnd4fhuulmtzyy4uforme")
    changed = client.get(
        "/v1/revocations", headers={**headers, "If-None-Match": etags["/v1/revocations"]}
    )
    assert changed.status_code == 200
    assert changed.json()["content"]["version"] == revoked["version"] + 1
    rules = client.get("/v1/rules", headers=headers).json()["content"]
    assert rules == {"yellow": "deny", "fever_threshold_c": 37.0}


def test_a_checkpoint_without_rules_gets_the_empty_document(
    client: TestClient, central: Central
) -> None:
    _, headers = enrol(client, central, checkpoint="OTHER")
    central.set_rules(CHECKPOINT, {"yellow": "deny"})
    assert client.get("/v1/rules", headers=headers).json()["content"] == {}


def test_rosters_come_incrementally_and_signed(client: TestClient, central: Central) -> None:
    _, headers = enrol(client, central)
    root = central.root.public_b64
    rows: list[list[object]] = [
        ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"],
        ["HD-BUS-3", "海淀 3号车", "hd3-0001", "王芳", "110***********2341", "139****2201", "au4pczl6ht4dtcbslfpr3upxxr", "1A"],
        ["HD-BUS-3", "海淀 3号车", "HD3-0002", "李伟", "", "", "", ""],
        ["CY-BUS-1", "朝阳 1号车", "CY1-0001", "张秀英", "", "", "", "3C"],
    ]  # fmt: skip
    central.import_rosters(CHECKPOINT, parse_rosters(rows), source="bus.csv")
    first = client.get("/v1/rosters", headers=headers).json()
    content = verify_envelope(first, root)
    assert [(r["roster_id"], r["version"], len(r["entries"])) for r in content["rosters"]] == [
        ("CY-BUS-1", 1, 1),
        ("HD-BUS-3", 1, 2),
    ]
    assert content["rosters"][1]["entries"][0] == {
        "booking": "HD3-0001",
        "name": "王芳",
        "id_number": "110***********2341",
        "phone": "139****2201",
        "cid": "au4pczl6ht4dtcbslfpr3upxxr",
        "seat": "1A",
    }
    # what the station does with it: back to roster rows, parsed by the app
    header = ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"]
    station_rows: list[list[object]] = [header] + [
        [r["roster_id"], r["title"]] + [e[k] or "" for k in header[2:]]
        for r in content["rosters"]
        for e in r["entries"]
    ]
    assert len(parse_roster_rows(station_rows)) == 3
    cursor = content["next"]
    nothing = verify_envelope(
        client.get("/v1/rosters", params={"after": cursor}, headers=headers).json(), root
    )
    assert nothing == {"rosters": [], "next": cursor}
    central.import_rosters(CHECKPOINT, parse_rosters(rows[:2]), source="bus-v2.csv")
    changed = verify_envelope(
        client.get("/v1/rosters", params={"after": cursor}, headers=headers).json(), root
    )
    assert [(r["roster_id"], r["version"], len(r["entries"])) for r in changed["rosters"]] == [
        ("HD-BUS-3", 2, 1)
    ]
    assert changed["next"] != cursor
    _, elsewhere = enrol(client, central, checkpoint="OTHER")
    assert client.get("/v1/rosters", headers=elsewhere).json()["content"]["rosters"] == []


# -- health codes -------------------------------------------------------------------------
def test_health_code_statuses(client: TestClient, central: Central) -> None:
    _, headers = enrol(client, central)
    issued = central.issue_code(name="王芳", id_masked="110***********2341", status="green")
    central.set_health_code("8f3a2b", "red")
    central.set_health_code("0b6a1e0c-4d2f-4a51-9e1b-1c2d3e4f5a6b", "yellow")
    reply = client.get(f"/v1/health-codes/{issued['cid']}", headers=headers)
    assert reply.status_code == 200
    body = reply.json()
    assert body["id"] == issued["cid"]
    assert (body["status"], body["revoked"]) == ("green", False)
    assert abs(body["checked_at"] - time.time()) < 60
    assert client.get("/v1/health-codes/8f3a2b", headers=headers).json()["status"] == "red"
    uuid_reply = client.get(
        "/v1/health-codes/0b6a1e0c-4d2f-4a51-9e1b-1c2d3e4f5a6b", headers=headers
    )
    assert uuid_reply.json()["status"] == "yellow"
    central.revoke(issued["cid"])
    assert (
        client.get(f"/v1/health-codes/{issued['cid']}", headers=headers).json()["revoked"] is True
    )
    unknown = client.get("/v1/health-codes/nobody-knows", headers=headers)
    assert (unknown.status_code, unknown.json()["error"]) == (404, "unknown_code")
    bad = client.get("/v1/health-codes/a%20b", headers=headers)
    assert (bad.status_code, bad.json()["error"]) == (422, "invalid_request")


def test_unknown_paths_and_methods_answer_with_the_error_body(client: TestClient) -> None:
    missing = client.get("/v1/nothing-here")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    wrong = client.put("/v1/devices", json={})
    assert (wrong.status_code, wrong.json()["error"]) == (405, "method_not_allowed")
    bad = client.post("/v1/devices", json={"enrolment_code": 5, "device_id": "a b", "name": ""})
    assert bad.status_code == 422
    assert "device_id" in bad.json()["message"] and "name" in bad.json()["message"]

"""``checkpoint-central``: the admin commands, serve, and the committed OpenAPI document."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from central_chain import PROJECT_ROOT
from sqlalchemy import update

from central import db as tables
from central.app import openapi_document
from central.cli import OPENAPI_FILE, main
from central.store import Central
from checkpoint_app.domain.phi1 import verify_phi1
from checkpoint_app.domain.results import Phi1Result
from checkpoint_app.domain.trust import parse_revocations, parse_trust_list

SCRIPT = Path(sys.executable).parent / "checkpoint-central"


def admin(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str, str]:
    code = main(["admin", "--database-url", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_admin_commands_end_to_end(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path
) -> None:
    code, out, _ = admin(capsys, database_url, "checkpoint", "create", "BJW-GATE", "--name", "南门")
    assert code == 0 and json.loads(out) == {"id": "BJW-GATE", "name": "南门"}
    code, _, err = admin(capsys, database_url, "checkpoint", "create", "BJW-GATE", "--name", "x")
    assert code == 2 and "already exists" in err
    code, out, err = admin(capsys, database_url, "enrolment-code", "BJW-GATE")
    assert code == 0 and len(out.strip()) == 14 and out.count("-") == 2
    assert "valid until" in err
    code, _, err = admin(capsys, database_url, "enrolment-code", "NOWHERE")
    assert code == 2 and err.count("\n") == 1 and "checkpoint create" in err

    # a device enrols with the printed code, is listed, is revoked
    central = Central(database_url)
    try:
        central.enrol(out.strip(), "gate-1", "gate 1")
    finally:
        central.close()
    code, out, _ = admin(capsys, database_url, "device", "list")
    listed = json.loads(out)
    assert (listed["device_id"], listed["checkpoint"], listed["revoked"]) == (
        "gate-1",
        "BJW-GATE",
        False,
    )
    code, out, _ = admin(capsys, database_url, "device", "revoke", "gate-1")
    assert code == 0 and json.loads(out)["revoked"] is True
    assert json.loads(admin(capsys, database_url, "device", "list")[1])["revoked"] is True
    assert admin(capsys, database_url, "device", "revoke", "nobody")[0] == 2

    # rosters: a re-import bumps the version
    roster = tmp_path / "bus.csv"
    roster.write_text(
        "roster,title,booking,name,id_number,phone,cid,seat\n"
        "HD-BUS-3,海淀 3号车,HD3-0001,王芳,110***********2341,139****2201,,1A\n",
        encoding="utf-8",
    )
    for version in (1, 2):
        code, out, _ = admin(capsys, database_url, "roster", "import", "BJW-GATE", str(roster))
        assert code == 0
        assert json.loads(out)["rosters"] == [
            {"roster_id": "HD-BUS-3", "title": "海淀 3号车", "version": version, "entries": 1}
        ]

    # rules: checked like the stations check them
    rules = tmp_path / "rules.json"
    rules.write_text('{"yellow": "deny", "trust_warn_after_h": 12}', encoding="utf-8")
    code, out, _ = admin(capsys, database_url, "rules", "set", "BJW-GATE", str(rules))
    assert code == 0 and json.loads(out)["rules"] == {"yellow": "deny", "trust_warn_after_h": 12}
    rules.write_text('{"red": "refer"}', encoding="utf-8")
    code, _, err = admin(capsys, database_url, "rules", "set", "BJW-GATE", str(rules))
    assert code == 2 and "rules.red: not configurable" in err
    rules.write_text("{oops", encoding="utf-8")
    assert "not JSON" in admin(capsys, database_url, "rules", "set", "BJW-GATE", str(rules))[2]

    # online-only codes and revocations
    code, out, _ = admin(capsys, database_url, "health-code", "set", "8f3a2b", "--status", "red")
    assert code == 0 and json.loads(out) == {"id": "8f3a2b", "status": "red"}
    code, out, _ = admin(capsys, database_url, "revoke", "8f3a2b")
    first = json.loads(out)
    assert first["already_revoked"] is False
    second = json.loads(admin(capsys, database_url, "revoke", "8f3a2b")[1])
    assert second["already_revoked"] is True and second["version"] == first["version"]
    assert admin(capsys, database_url, "health-code", "set", "a/b", "--status", "red")[0] == 2


def test_demo_codes_verify_against_the_served_trust_list(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    code, out, err = admin(
        capsys, sqlite_url, "demo-code", "--name", "王芳", "--id-masked", "110***********2341",
        "--status", "yellow", "--ttl", "600", "--cid", "au4pczl6ht4dtcbslfpr3upxxr",
        "--tel", "139****2201", "--nat", "neg",
    )  # fmt: skip
    assert code == 0, err
    text = out.strip()
    assert text.startswith("PHI1:") and "\n" not in text
    central = Central(sqlite_url)
    try:
        trust = parse_trust_list(central.trust_list())
        revocations = parse_revocations(central.revocations())
        status = central.health_code("au4pczl6ht4dtcbslfpr3upxxr")
    finally:
        central.close()
    result = verify_phi1(text, trust, revocations, int(time.time()))
    assert result.result is Phi1Result.VALID
    assert result.claims is not None
    assert (result.claims.nam, result.claims.sts, result.claims.idm) == (
        "王芳",
        "yellow",
        "110***********2341",
    )
    assert verify_phi1(text, trust, revocations, int(time.time()) + 601).result is (
        Phi1Result.EXPIRED
    )
    assert status is not None and status["status"] == "yellow"
    bad = admin(
        capsys,
        sqlite_url,
        "demo-code",
        "--name",
        "x",
        "--id-masked",
        "1",
        "--status",
        "green",
        "--cid",
        "NOPE",
    )
    assert bad[0] == 2 and "cid" in bad[2]


def test_roster_file_problems_are_listed_and_nothing_is_imported(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    assert admin(capsys, sqlite_url, "checkpoint", "create", "CP", "--name", "cp")[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "roster,booking,name,phone\nHD-BUS-3,B1,王芳,not a phone\nHD-BUS-3,,李伟,\n"
        "HD-BUS-3,B3,张秀英,138****5678\n",
        encoding="utf-8",
    )
    code, _, err = admin(capsys, sqlite_url, "roster", "import", "CP", str(bad))
    assert code == 2
    assert "2 problems, nothing imported" in err
    assert "row 2, column phone: not a phone number" in err
    assert "row 3, column booking" in err
    central = Central(sqlite_url)
    try:
        assert central.rosters_after("CP", None)["rosters"] == []
    finally:
        central.close()
    missing = admin(capsys, sqlite_url, "roster", "import", "CP", str(tmp_path / "none.csv"))
    assert missing[0] == 2 and "cannot read it" in missing[2]


def test_a_bad_database_url_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    for url, words in [
        ("not a url", "not a database URL"),
        ("sqlite://", "in-memory"),
        ("mysql://u@h/d", "not supported"),
        ("postgresql://u@127.0.0.1:1/d", "psycopg"),
        ("postgresql+psycopg://u:p@127.0.0.1:1/d", "cannot use the database"),
    ]:
        code, _, err = admin(capsys, url, "checkpoint", "list")
        assert code == 2, url
        assert words in err and err.count("\n") == 1, err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_on_loopback_and_stops_on_sigterm(tmp_path: Path) -> None:
    assert SCRIPT.is_file(), "pip install -e .[dev] installs the checkpoint-central script"
    port = _free_port()
    proc = subprocess.Popen(
        [str(SCRIPT), "serve", "--port", str(port)],  # the default database: ./central.sqlite3
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        reply: requests.Response | None = None
        while reply is None:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            try:
                reply = requests.get(f"http://127.0.0.1:{port}/v1/trust-list", timeout=1)
            except requests.ConnectionError:
                time.sleep(0.1)
        assert reply.status_code == 401
        assert (tmp_path / "central.sqlite3").is_file()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err.decode()
    assert f"http://127.0.0.1:{port}" in err.decode()


def test_serve_refuses_plain_http_off_loopback(tmp_path: Path) -> None:
    run = subprocess.run(
        [str(SCRIPT), "serve", "--host", "0.0.0.0"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "refusing plain HTTP on 0.0.0.0" in run.stderr and "--tls-cert" in run.stderr
    assert not (tmp_path / "central.sqlite3").exists()  # refused before touching anything


def test_the_committed_openapi_document_is_the_generated_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    committed = PROJECT_ROOT / "resources" / "openapi" / "central-v1.json"
    assert committed == OPENAPI_FILE
    generated = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    assert committed.read_text(encoding="utf-8") == generated, (
        "resources/openapi/central-v1.json is stale: run checkpoint-central openapi"
    )
    assert main(["openapi", "-"]) == 0
    assert capsys.readouterr().out == generated
    assert main(["openapi", str(tmp_path / "out" / "api.json")]) == 0
    assert (tmp_path / "out" / "api.json").read_text(encoding="utf-8") == generated


def test_the_openapi_document_describes_every_endpoint() -> None:
    document: dict[str, Any] = openapi_document()
    assert document["info"]["version"] == "1"
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert operations == {
        ("POST", "/v1/devices"),
        ("POST", "/v1/events:batch"),
        ("GET", "/v1/events"),
        ("GET", "/v1/trust-list"),
        ("GET", "/v1/revocations"),
        ("GET", "/v1/rules"),
        ("GET", "/v1/rosters"),
        ("GET", "/v1/health-codes/{code_id}"),
    }
    batch = document["paths"]["/v1/events:batch"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EventBatch"
    }
    schemas = document["components"]["schemas"]
    assert set(schemas["WireEvent"]["properties"]) == {
        "event_id", "device_id", "seq", "occurred_at", "clock_offset_ms", "operator", "kind",
        "payload", "pii_digest", "prev_hash", "hash",
    }  # fmt: skip
    assert schemas["EventBatch"]["properties"]["events"]["maxItems"] == 500
    assert "HTTPBearer" in document["components"]["securitySchemes"]


def test_a_database_of_a_newer_server_is_refused(
    capsys: pytest.CaptureFixture[str], database_url: str
) -> None:
    central = Central(database_url)
    try:
        with central.db.write() as conn:
            conn.execute(
                update(tables.central_meta)
                .where(tables.central_meta.c.key == "schema_version")
                .values(value="99")
            )
    finally:
        central.close()
    code, _, err = admin(capsys, database_url, "checkpoint", "list")
    assert code == 2 and "schema version 99" in err and "upgrade" in err

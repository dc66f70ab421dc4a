"""``checkpoint-app --demo`` end to end, as a trainer would start it, with a video file
instead of the webcam: the real process (offscreen), the in-process central API, the
camera pipeline, the gate screen and the sync worker. The clip shows a green and a red
demo code; the test reads the station's store from outside (read-only) until both were
scanned and decided and the events reached the demo central API, then stops the app
with SIGTERM, which must close it cleanly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_gui import make_clip  # noqa: E402

from checkpoint_app.demo_issuer import DemoIssuer  # noqa: E402

DEADLINE_S = 90


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet, or mid-migration
        return []


def count(db: Path, sql: str) -> int:
    """A ``SELECT COUNT(*)``; 0 while the store or its tables are not there yet."""
    rows = query(db, sql)
    return int(rows[0][0]) if rows else 0


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs POSIX signals")
def test_demo_runs_end_to_end_with_a_video_as_the_webcam(tmp_path: Path) -> None:
    issuer = DemoIssuer()
    now = int(time.time())
    green = next(p for p in issuer.people if p["sts"] == "green" and not p.get("revoked"))
    red = next(p for p in issuer.people if p["sts"] == "red")
    codes = [issuer.issue(issuer.claims_for(p, now, ttl=3600)) for p in (green, red)]
    clip = tmp_path / "queue.mp4"
    make_clip(clip, codes)

    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CHECKPOINT_NO_KEYRING": "1",
        "PYTHONUNBUFFERED": "1",
    }
    data = tmp_path / "data"
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen(
        [sys.executable, "-m", "checkpoint_app", "--demo", "--data-dir", str(data),
         "--source", str(clip)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    db = data / "demo" / "checkpoint.sqlite3"
    decided: dict[str, str] = {}
    synced = 0
    try:
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and app.poll() is None:
            rows = query(db, "SELECT payload FROM events WHERE kind = 'decision'")
            decided = {
                json.loads(r[0])["traveller"].split("/")[-1]: json.loads(r[0])["action"]
                for r in rows
            }
            synced = count(db, "SELECT COUNT(*) FROM event_sync WHERE sync_state = 'synced'")
            if {green["cid"], red["cid"]} <= set(decided) and synced:
                pending_decisions = count(
                    db,
                    "SELECT COUNT(*) FROM events e JOIN event_sync s USING (event_id) "
                    "WHERE e.kind = 'decision' AND s.sync_state != 'synced'",
                )
                if pending_decisions == 0:
                    break
            time.sleep(0.5)
        assert app.poll() is None, "the app exited early:\n" + (tmp_path / "app.log").read_text()
        app.send_signal(signal.SIGTERM)
        code = app.wait(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
        log.close()
    output = (tmp_path / "app.log").read_text()
    # the green code asks for a temperature (a webcam cannot take one); the red is denied
    assert decided.get(green["cid"]) == "remeasure", output
    assert decided.get(red["cid"]) == "deny", output
    assert synced > 0, output
    assert code == 0, output
    # the demo central API received the decisions (the sync's own bookkeeping says so,
    # and the central database holds them)
    central = count(data / "demo" / "demo-central.sqlite3", "SELECT COUNT(*) FROM events")
    assert central >= 4, output
    assert green["nam"] not in output and red["nam"] not in output  # no names in the log

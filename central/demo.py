"""The demo central API's data (``checkpoint-app --demo``, DESIGN.md §7).

:func:`seed_demo` fills a database with the demo checkpoint ``DEMO``, the demo
roster, the DEMO-ONLY issuer key of the seed cache (so the demo issuer's codes
verify against the trust list this server hands out), the demo people's online
statuses and revocations, and returns a fresh enrolment code. It can run again on
the same database: what is there already is kept (the roster is not re-imported),
and each run gives a new enrolment code.

The seed files are read from ``offline_cache/demo/`` (the project's, or the
``demo_dir`` given — the frozen app passes its bundled copy); the server never
imports the app.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from central import db as t
from central.rosters import read_roster_file
from central.store import Central, CentralError

DEMO_CHECKPOINT: Final = "DEMO"
DEMO_NAME: Final = "演示检查站 DEMO"
DEFAULT_DEMO_DIR: Final = Path(__file__).resolve().parent.parent / "offline_cache" / "demo"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CentralError(f"demo seed file {path}: cannot read it ({exc})") from None


def seed_demo(database_url: str, demo_dir: Path | None = None) -> dict[str, Any]:
    """Seed the demo data; returns ``{"checkpoint", "checkpoint_name", "enrolment_code",
    "rosters", "root_public_key", "issuer_kids"}``."""
    folder = Path(demo_dir) if demo_dir is not None else DEFAULT_DEMO_DIR
    if not (folder / "phi1_trust_list.json").is_file():
        raise CentralError(f"{folder} holds no demo seed (phi1_trust_list.json missing)")
    central = Central(database_url)
    try:
        return _seed(central, folder)
    finally:
        central.close()


def _seed(central: Central, folder: Path) -> dict[str, Any]:
    with central.db.read() as conn:
        exists = conn.execute(
            select(t.checkpoints.c.checkpoint_id).where(
                t.checkpoints.c.checkpoint_id == DEMO_CHECKPOINT
            )
        ).first()
    if exists is None:
        central.create_checkpoint(DEMO_CHECKPOINT, DEMO_NAME)

    trust = _read_json(folder / "phi1_trust_list.json")
    key = serialization.load_pem_private_key((folder / "phi1_issuer_key.pem").read_bytes(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise CentralError(f"{folder / 'phi1_issuer_key.pem'} is not an Ed25519 private key")
    entry = trust["keys"][0]
    central.add_issuer_key(
        key,
        base64.b64decode(entry["kid"]),
        entry["iss"],
        int(entry["not_before"]),
        int(entry["not_after"]),
        label="DEMO ONLY issuer (offline_cache/demo)",
    )

    people = _read_json(folder / "people.json").get("people", [])
    for person in people:
        central.set_health_code(person["cid"], person["sts"], source="phi1")
    revoked = _read_json(folder / "phi1_revocations.json").get("cids", [])
    for cid in revoked:
        central.revoke(cid)

    with central.db.read() as conn:
        have_rosters = conn.execute(
            select(t.rosters.c.roster_id).where(t.rosters.c.checkpoint_id == DEMO_CHECKPOINT)
        ).first()
    if have_rosters is None:
        roster_file = folder / "roster_demo.csv"
        central.import_rosters(
            DEMO_CHECKPOINT, read_roster_file(roster_file), source=roster_file.name
        )
    with central.db.read() as conn:
        rosters = conn.execute(
            select(t.rosters.c.roster_id)
            .where(t.rosters.c.checkpoint_id == DEMO_CHECKPOINT)
            .order_by(t.rosters.c.roster_id)
        ).scalars()
        roster_ids = list(rosters)
    code = central.new_enrolment_code(DEMO_CHECKPOINT)
    return {
        "checkpoint": DEMO_CHECKPOINT,
        "checkpoint_name": central.checkpoint(DEMO_CHECKPOINT)["name"],
        "enrolment_code": code["code"],
        "rosters": roster_ids,
        "root_public_key": central.root.public_b64,
        "issuer_kids": [k["kid"] for k in central.trust_list()["keys"]],
    }

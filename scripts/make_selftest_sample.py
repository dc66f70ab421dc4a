"""Make the self-test's sample: a PHI1 code signed by the DEMO-ONLY issuer, and its QR image.

Writes ``resources/selftest/demo_code.json`` (the text, the time to verify it at,
what the verification must give) and ``resources/selftest/demo_code.png`` (the same
text as a QR code, as a phone shows it). ``checkpoint-app --self-test`` verifies the
text with the demo trust list of the seed and decodes the image with every decoder.
Run once by a developer; the output is committed. Only fictitious demo people, and
codes that verify only against the demo trust list.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import zxingcpp  # noqa: E402

from checkpoint_app.demo_issuer import DemoIssuer  # noqa: E402

OUT = ROOT / "resources" / "selftest"
ISSUED_AT = int(
    dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
)
VERIFY_AT = ISSUED_AT + 60
SCALE = 4  # pixels per module
QUIET = 48  # white margin in pixels, as a phone screen around the code


def main() -> None:
    issuer = DemoIssuer()
    person = issuer.people[0]  # a green code
    text = issuer.issue(issuer.claims_for(person, ISSUED_AT))
    OUT.mkdir(parents=True, exist_ok=True)
    sample = {
        "notice": "DEMO ONLY - 仅供演示: signed by the demo issuer, trusted only in demo mode",
        "text": text,
        "verify_at": VERIFY_AT,
        "expect": {"format": "PHI1", "result": "VALID", "sts": person["sts"], "cid": person["cid"]},
    }
    (OUT / "demo_code.json").write_text(
        json.dumps(sample, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    qr = np.array(
        zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode).to_image(scale=SCALE)
    )
    framed = cv2.copyMakeBorder(qr, QUIET, QUIET, QUIET, QUIET, cv2.BORDER_CONSTANT, value=255)
    cv2.imwrite(str(OUT / "demo_code.png"), framed, [cv2.IMWRITE_PNG_COMPRESSION, 9])


if __name__ == "__main__":
    main()

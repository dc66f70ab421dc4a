"""``checkpoint-app demo-codes``: fresh sample codes from the DEMO-ONLY issuer.

For training and scripts: one QR text per line (``--labels``: ``label<TAB>text``),
signed by the demo issuer, which only a station in demo mode trusts.
"""

from __future__ import annotations

import argparse

from checkpoint_app.cli.common import clock, utf8_stdout
from checkpoint_app.cli.main import EXIT_OK
from checkpoint_app.demo_issuer import DemoIssuer


def run_demo_codes(args: argparse.Namespace) -> int:
    now = clock(args)()
    out = utf8_stdout()
    for code in DemoIssuer().sample_codes(now):
        out.write(f"{code.label}\t{code.text}\n" if args.labels else f"{code.text}\n")
    return EXIT_OK

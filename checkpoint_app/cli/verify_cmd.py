"""``checkpoint-app verify``: one compact JSON object per input line, nothing else on stdout."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from checkpoint_app.cli.common import clock, resolve_data_dir, utf8_stdout
from checkpoint_app.cli.main import EXIT_OK, UsageError
from checkpoint_app.domain.dcc import DccTrust
from checkpoint_app.domain.verifier import Verifier
from checkpoint_app.store.offline_cache import (
    CacheError,
    load_cache,
    read_dcc_cert_file,
    read_revocations_file,
    read_trust_list_file,
)

#: Longest line kept from stdin; the rest of a longer line is skipped (any QR text
#: that long is already TOO_LARGE or not a health code, so the result is the same).
MAX_LINE_BYTES = 1 << 20


def build_verifier(args: argparse.Namespace) -> Verifier:
    """The offline cache, with each part replaced by the file given for it."""
    try:
        verifier = load_cache(resolve_data_dir(args), demo=args.demo).verifier
        if args.trust_list:
            verifier = replace(verifier, trust_list=read_trust_list_file(Path(args.trust_list)))
        if args.revocations:
            verifier = replace(verifier, revocations=read_revocations_file(Path(args.revocations)))
        if args.dcc_cert:
            signers = [s for name in args.dcc_cert for s in read_dcc_cert_file(Path(name))]
            verifier = replace(verifier, dcc_trust=DccTrust.of(signers))
    except CacheError as exc:
        raise UsageError(f"{exc.path}: {exc.problem}") from None
    return verifier


def read_lines(stream: BinaryIO) -> Iterator[str]:
    """Lines of stdin as text, without their line end; bounded memory per line."""
    first = True
    while True:
        raw = stream.readline(MAX_LINE_BYTES)
        if not raw:
            return
        if not raw.endswith(b"\n") and len(raw) == MAX_LINE_BYTES:
            while True:  # skip the rest of an over-long line
                rest = stream.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        if first:
            text = text.removeprefix("\ufeff")
            first = False
        yield text


def run_verify(args: argparse.Namespace) -> int:
    if args.text is None:
        raise UsageError("give the QR text to verify, or - to read one text per line from stdin")
    now = clock(args)
    verifier = build_verifier(args)
    out = utf8_stdout()
    texts = read_lines(sys.stdin.buffer) if args.text == "-" else iter([args.text])
    for text in texts:
        result = verifier.verify(text, now())
        out.write(json.dumps(result.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
        out.flush()
    return EXIT_OK

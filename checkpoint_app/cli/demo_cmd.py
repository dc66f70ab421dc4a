"""``checkpoint-app demo-codes`` and, until the GUI lands, ``checkpoint-app --demo``.

The walkthrough issues fresh codes from the DEMO-ONLY issuer and verifies each
offline against the demo trust list, printing what a volunteer would see.
"""

from __future__ import annotations

import argparse
import unicodedata

from checkpoint_app.cli.common import clock, resolve_data_dir, utf8_stdout
from checkpoint_app.cli.main import EXIT_OK, UsageError
from checkpoint_app.demo_issuer import DemoIssuer
from checkpoint_app.domain.masking import mask_name
from checkpoint_app.store.offline_cache import CacheError, load_cache

RESULT_TEXT = {
    "VALID": "有效 valid",
    "EXPIRED": "已过期，请刷新 expired, refresh",
    "NOT_YET_VALID": "尚未生效，请刷新 not yet valid",
    "REVOKED": "已撤销 revoked",
    "BAD_SIGNATURE": "签名无效（伪造？） bad signature (forged?)",
    "UNKNOWN_KEY": "签发方不受信任 unknown issuer key",
    "KEY_ISSUER_MISMATCH": "签发方不符 issuer mismatch",
    "KEY_NOT_VALID": "密钥已失效 issuer key not valid",
    "MALFORMED": "不是健康码 not a health code",
    "TOO_LARGE": "不是健康码 not a health code",
    "UNSUPPORTED_ALGORITHM": "版本不支持 unsupported",
    "UNSUPPORTED_VERSION": "版本不支持 unsupported",
    "SCHEMA_INVALID": "证书内容无效 invalid content",
    "CLAIMS_INVALID": "证书内容无效 invalid content",
    "CERT_NOT_VALID": "签发证书已失效 signer certificate not valid",
    "KEY_USAGE_MISMATCH": "签发证书无权签发此类 signer not allowed for this type",
    "ROSTER_ID": "名单票据 roster ticket",
    "ONLINE_ONLY": "需联网核验 online check only",
    "NOT_A_HEALTH_CODE": "不是健康码 not a health code",
}
STATUS_TEXT = {"green": "绿码 green", "yellow": "黄码 yellow", "red": "红码 red"}


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, counting wide (CJK) characters as two columns."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - columns)


def run_demo_codes(args: argparse.Namespace) -> int:
    now = clock(args)()
    out = utf8_stdout()
    for code in DemoIssuer().sample_codes(now):
        out.write(f"{code.label}\t{code.text}\n" if args.labels else f"{code.text}\n")
    return EXIT_OK


def run_demo_walkthrough(args: argparse.Namespace) -> int:
    now = clock(args)()
    try:
        snapshot = load_cache(resolve_data_dir(args), demo=True)
    except CacheError as exc:
        raise UsageError(f"{exc.path}: {exc.problem}") from None
    out = utf8_stdout()
    out.write("演示模式 / DEMO — 离线核验演示 offline verification walkthrough\n")
    out.write(
        "(the desktop screens arrive in a later release; this shows the verifier they will use)\n\n"
    )
    for item in snapshot.items:
        out.write(
            f"  缓存 cache: {item.name:<28} {item.entries:>3} entries   source: {item.source}\n"
        )
    out.write("\n")
    for index, code in enumerate(DemoIssuer().sample_codes(now), start=1):
        result = snapshot.verifier.verify(code.text, now)
        claims = result.claims or {}
        status = STATUS_TEXT.get(claims.get("sts", ""), "")
        if "nam" in claims and isinstance(claims["nam"], str):
            name = mask_name(claims["nam"])
        elif "hcert" in claims:  # EU DCC: the name in Latin transliteration
            names = claims["hcert"].get("nam", {})
            name = mask_name(f"{names.get('gnt', '')} {names.get('fnt', '')}".strip())
        else:
            name = ""
        verdict = RESULT_TEXT.get(result.result, result.result)
        row = (
            _pad(code.label, 31)
            + _pad(result.format, 8)
            + _pad(verdict, 36)
            + _pad(status, 12)
            + name
        )
        out.write(f"{index:>2}. {row.rstrip()}\n")
    return EXIT_OK

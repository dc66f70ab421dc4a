"""The words the gate shows for each decision, reason and hint, in both languages.

Each entry is ``(Chinese, English)``; :func:`checkpoint_app.ui.i18n.pair` puts the
chosen language first. Verdicts are short imperatives a traveller can read from a
step away; reasons say why in plain words.
"""

from __future__ import annotations

from typing import Final

ACTIONS: Final[dict[str, tuple[str, str]]] = {
    "admit": ("请通行", "Admit"),
    "remeasure": ("请复测体温", "Re-measure"),
    "measure": ("请测体温", "Take temperature"),
    "refer": ("请到复核点", "Go to secondary check"),
    "deny": ("禁止通行", "Deny"),
    "refresh": ("请刷新健康码", "Refresh your code"),
    "not_a_code": ("不是健康码", "Not a health code"),
    "unsupported": ("码版本不支持", "Code version not supported"),
    "provisional": ("人工核验通行", "Admitted on a visual check"),
}

REASONS: Final[dict[str, tuple[str, str]]] = {
    "GREEN_NO_FEVER": ("绿码，体温正常", "Green code, normal temperature"),
    "DCC_NO_FEVER": ("欧盟证书有效，体温正常", "Valid EU certificate, normal temperature"),
    "NO_TEMPERATURE": ("请输入体温", "Type the temperature"),
    "FEVER_FIRST_READING": ("体温偏高，请复测", "High temperature: measure again"),
    "FEVER_CONFIRMED": ("复测仍发热", "Fever confirmed on the second reading"),
    "YELLOW_CODE": ("黄码", "Yellow code"),
    "RED_CODE": ("红码", "Red code"),
    "NAT_POSITIVE": ("核酸阳性", "Positive nucleic-acid test"),
    "NAT_REQUIRED": ("缺少有效核酸证明", "No recent negative nucleic-acid test"),
    "DCC_IDENTITY_CHECK": ("欧盟证书：需核验身份", "EU certificate: check identity"),
    "ONLINE_ONLY_CODE": ("需联网核验的码", "Code can only be checked online"),
    "TRUST_STALE_REFER": ("信任列表过期，需人工核验", "Trust list too old: manual check"),
    "REVOKED": ("健康码已撤销", "Code revoked"),
    "FORGED": ("签名无效，疑似伪造", "Invalid signature: possibly forged"),
    "UNKNOWN_ISSUER": ("发码机构未知", "Unknown issuer"),
    "KEY_PROBLEM": ("签发密钥无效", "Issuer key not valid"),
    "EXPIRED_CODE": ("健康码已过期", "Code expired"),
    "NOT_YET_VALID": ("健康码尚未生效", "Code not valid yet"),
    "MALFORMED_CODE": ("码内容损坏", "Damaged code"),
    "NOT_A_HEALTH_CODE": ("不是健康码", "Not a health code"),
    "ROSTER_TICKET": ("这是乘车票，请出示健康码", "A bus ticket: show the health code"),
    "UNSUPPORTED_ALGORITHM": ("签名算法不支持", "Signature algorithm not supported"),
    "UNSUPPORTED_VERSION": ("码版本不支持", "Code version not supported"),
    "ALREADY_ENTERED": ("已进入", "Already entered"),
    "PREVIOUSLY_DENIED": ("此前已被拒绝", "Denied earlier"),
    "PREVIOUSLY_FLAGGED": ("人工放行未通过联网核验", "Provisional admission failed its check"),
    "REFERRED_EARLIER": ("已转复核点", "Already sent to the secondary check"),
}

STATUS_COLOURS: Final[dict[str, tuple[str, str]]] = {
    "green": ("绿码", "green"),
    "yellow": ("黄码", "yellow"),
    "red": ("红码", "red"),
}

HINTS: Final[dict[str, tuple[str, str]]] = {
    "closer": ("请靠近一点", "Closer"),
    "hold_still": ("请拿稳手机", "Hold still"),
    "tilt_less": ("请把手机放平", "Tilt less"),
    "more_light": ("请调亮屏幕", "More light"),
    "less_glare": ("请避开反光", "Less glare"),
}


def action_key(action: str, reason: str, needs_temperature: bool = False) -> str:
    """The verdict heading. A first reading that is simply missing says "take
    temperature"; so does a referral that still waits for a reading (an online-only
    code: measure first, then the volunteer may admit on a visual check), because
    measuring is what the volunteer does next."""
    if action == "remeasure" and reason == "NO_TEMPERATURE":
        return "measure"
    if action == "refer" and needs_temperature:
        return "measure"
    return action

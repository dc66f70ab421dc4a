from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from checkpoint_app.domain.rules import (
    DEFAULT_RULES,
    CheckpointRules,
    DccPolicy,
    ReentryPolicy,
    ReferOrDeny,
    RulesError,
    parse_rules,
)
from checkpoint_app.domain.temperature import TemperatureUnit

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules-file.md"


def test_defaults_are_phi1_section_6() -> None:
    rules = CheckpointRules()
    assert rules == DEFAULT_RULES == parse_rules({})
    assert rules.fever_threshold_c == 37.3
    assert rules.remeasure_window_s == 600
    assert rules.temperature_unit is TemperatureUnit.CELSIUS
    assert rules.yellow is ReferOrDeny.REFER
    assert rules.nat_positive is ReferOrDeny.REFER
    assert rules.nat_required_within_h is None
    assert rules.dcc is DccPolicy.REFER
    assert (rules.trust_warn_after_h, rules.trust_refer_after_h) == (24, 72)
    assert rules.reentry is ReentryPolicy.REFUSE
    assert rules.provisional_admission is True


@pytest.mark.parametrize(
    ("doc", "field", "value"),
    [
        ({"fever_threshold_c": 37.0}, "fever_threshold_c", 37.0),
        ({"fever_threshold_c": 37}, "fever_threshold_c", 37.0),
        ({"fever_threshold_c": 37.3}, "fever_threshold_c", 37.3),
        ({"fever_threshold_c": 36.0}, "fever_threshold_c", 36.0),
        ({"remeasure_window_s": 600}, "remeasure_window_s", 600),
        ({"remeasure_window_s": 3600}, "remeasure_window_s", 3600),
        ({"temperature_unit": "F"}, "temperature_unit", TemperatureUnit.FAHRENHEIT),
        ({"yellow": "deny"}, "yellow", ReferOrDeny.DENY),
        ({"yellow": "refer"}, "yellow", ReferOrDeny.REFER),
        ({"nat_positive": "deny"}, "nat_positive", ReferOrDeny.DENY),
        ({"nat_required_within_h": 48}, "nat_required_within_h", 48),
        ({"nat_required_within_h": None}, "nat_required_within_h", None),
        ({"dcc": "admit"}, "dcc", DccPolicy.ADMIT),  # the loosening PHI1.md §6 allows
        ({"trust_warn_after_h": 1}, "trust_warn_after_h", 1),
        ({"trust_refer_after_h": 24}, "trust_refer_after_h", 24),
        ({"reentry": "allow"}, "reentry", ReentryPolicy.ALLOW),
        ({"provisional_admission": False}, "provisional_admission", False),
    ],
)
def test_accepted(doc: dict[str, Any], field: str, value: Any) -> None:
    rules = parse_rules(doc)
    assert getattr(rules, field) == value
    assert type(getattr(rules, field)) is type(value)
    others = {k: v for k, v in rules.to_json().items() if k != field}
    assert others == {k: v for k, v in DEFAULT_RULES.to_json().items() if k != field}


@pytest.mark.parametrize(
    ("doc", "key", "words"),
    [
        ({"fever_threshold_c": 37.5}, "fever_threshold_c", "loosen"),
        ({"fever_threshold_c": 37.31}, "fever_threshold_c", "loosen"),
        ({"fever_threshold_c": 35.9}, "fever_threshold_c", "below 36.0"),
        ({"fever_threshold_c": "37.0"}, "fever_threshold_c", "number"),
        ({"fever_threshold_c": True}, "fever_threshold_c", "number"),
        ({"fever_threshold_c": float("nan")}, "fever_threshold_c", "number"),
        ({"fever_threshold_c": None}, "fever_threshold_c", "number"),
        ({"remeasure_window_s": 599}, "remeasure_window_s", "600 to 3600"),
        ({"remeasure_window_s": 3601}, "remeasure_window_s", "600 to 3600"),
        ({"remeasure_window_s": 600.0}, "remeasure_window_s", "integer"),
        ({"remeasure_window_s": True}, "remeasure_window_s", "integer"),
        ({"temperature_unit": "K"}, "temperature_unit", "'C', 'F'"),
        ({"temperature_unit": "c"}, "temperature_unit", "'C', 'F'"),
        ({"yellow": "admit"}, "yellow", "'refer', 'deny'"),
        ({"yellow": None}, "yellow", "'refer', 'deny'"),
        ({"nat_positive": "admit"}, "nat_positive", "'refer', 'deny'"),
        ({"nat_required_within_h": 0}, "nat_required_within_h", "1 to 720"),
        ({"nat_required_within_h": 721}, "nat_required_within_h", "1 to 720"),
        ({"nat_required_within_h": "48"}, "nat_required_within_h", "integer"),
        ({"dcc": "deny"}, "dcc", "'refer', 'admit'"),
        ({"trust_warn_after_h": 25}, "trust_warn_after_h", "1 to 24"),
        ({"trust_warn_after_h": 0}, "trust_warn_after_h", "1 to 24"),
        ({"trust_refer_after_h": 73}, "trust_refer_after_h", "1 to 72"),
        ({"trust_warn_after_h": 24, "trust_refer_after_h": 12}, "trust_warn_after_h", "warn"),
        ({"reentry": "deny"}, "reentry", "'refuse', 'allow'"),
        ({"provisional_admission": 1}, "provisional_admission", "true or false"),
        ({"provisional_admission": "false"}, "provisional_admission", "true or false"),
        ({"red": "admit"}, "red", "always denied"),
        ({"red": "deny"}, "red", "not configurable"),
        ({"colour": "green"}, "colour", "unknown key"),
        ({"Yellow": "deny"}, "Yellow", "unknown key"),
    ],
)
def test_refused_naming_the_key(doc: dict[str, Any], key: str, words: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(doc)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"rules.{key}: ")
    assert words in str(caught.value)


@pytest.mark.parametrize("doc", [None, [], "yellow", 1, [["yellow", "deny"]]])
def test_not_an_object(doc: Any) -> None:
    with pytest.raises(RulesError, match="JSON object"):
        parse_rules(doc)


def test_non_text_key() -> None:
    with pytest.raises(RulesError, match="keys must be text"):
        parse_rules({1: "deny"})


def test_to_json_round_trips() -> None:
    tight = CheckpointRules(
        fever_threshold_c=37.0,
        remeasure_window_s=900,
        temperature_unit=TemperatureUnit.FAHRENHEIT,
        yellow=ReferOrDeny.DENY,
        nat_positive=ReferOrDeny.DENY,
        nat_required_within_h=24,
        dcc=DccPolicy.ADMIT,
        trust_warn_after_h=6,
        trust_refer_after_h=12,
        reentry=ReentryPolicy.ALLOW,
        provisional_admission=False,
    )
    for rules in (DEFAULT_RULES, tight):
        doc = json.loads(json.dumps(rules.to_json()))
        assert parse_rules(doc) == rules
    assert {k for k in tight.to_json() if not tight.is_default(k)} == set(tight.to_json())


def _json_blocks(markdown: str) -> list[Any]:
    return [json.loads(b) for b in re.findall(r"```json\n(.*?)```", markdown, re.DOTALL)]


def test_documentation_examples_parse() -> None:
    example, full_default = _json_blocks(DOC.read_text(encoding="utf-8"))
    rules = parse_rules(example)
    assert rules.yellow is ReferOrDeny.DENY and rules.dcc is DccPolicy.ADMIT
    assert parse_rules(full_default) == DEFAULT_RULES
    assert full_default == DEFAULT_RULES.to_json()


def test_documentation_lists_every_key() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.MULTILINE))
    assert documented == set(DEFAULT_RULES.to_json())

from __future__ import annotations

import copy
from typing import Any

import pytest
from phi1_factory import Issuer

from checkpoint_app.domain.trust import (
    Revocations,
    TrustListError,
    merge_revocations,
    merge_trust_lists,
    parse_revocations,
    parse_trust_list,
)


def _doc() -> dict[str, Any]:
    return Issuer().trust_doc()


def test_parses_keys_by_kid() -> None:
    issuer = Issuer()
    tl = parse_trust_list(issuer.trust_doc())
    assert tl.key(issuer.kid) is not None
    assert tl.key(b"\x00" * 8) is None


def test_duplicate_kid_invalidates_the_whole_list() -> None:
    doc = _doc()
    doc["keys"].append(copy.deepcopy(doc["keys"][0]))
    with pytest.raises(TrustListError, match="duplicate kid"):
        parse_trust_list(doc)


def test_duplicate_kid_counts_even_for_ignored_algorithms() -> None:
    doc = _doc()
    other = copy.deepcopy(doc["keys"][0])
    other["alg"] = "ES256"
    doc["keys"].append(other)
    with pytest.raises(TrustListError):
        parse_trust_list(doc)


def test_non_eddsa_keys_are_ignored() -> None:
    doc = _doc()
    doc["keys"][0]["alg"] = "ES256"
    doc["keys"][0]["pub"] = "not even base64"
    assert parse_trust_list(doc).keys == {}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("version",), "3", "version"),
        (("keys",), {}, "keys"),
        (("keys", 0, "kid"), "AAAA", "8 bytes"),
        (("keys", 0, "kid"), "!!!", "base64"),
        (("keys", 0, "pub"), "AAAA", "32 bytes"),
        (("keys", 0, "iss"), "42000", "six digits"),
        (("keys", 0, "not_after"), 0, "before"),
        (("keys", 0, "not_before"), True, "integer"),
    ],
)
def test_bad_fields_are_named(path: tuple[Any, ...], value: Any, message: str) -> None:
    doc = _doc()
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    with pytest.raises(TrustListError, match=message):
        parse_trust_list(doc)


def test_not_an_object() -> None:
    with pytest.raises(TrustListError):
        parse_trust_list([])
    with pytest.raises(TrustListError):
        parse_revocations({"version": 1, "cids": [1]})


def test_merges() -> None:
    a, b = Issuer(), Issuer()
    merged = merge_trust_lists([a.trust_list(), b.trust_list()])
    assert set(merged.keys) == {a.kid, b.kid}
    rv = merge_revocations([Revocations(2, frozenset({"x"})), Revocations(5, frozenset({"y"}))])
    assert rv == Revocations(5, frozenset({"x", "y"}))
    assert merge_revocations([]) == Revocations.empty()

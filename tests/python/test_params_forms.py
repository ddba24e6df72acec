"""Every accepted form of signing parameters signs the same string."""

from __future__ import annotations

import bidcert

CASES = [
    {"Action": "QueryBidUserCertifiedInfo", "PK": "1234567890123456", "BidType": "NORMAL"},
    {"a\x00b": "1", "c": "2"},  # a NUL in a name: the joined fast path must step aside
    {"a": "x\x00y", "\x00": "\x00\x00"},
    {"中文": "值 with space", "emoji": "\U0001f600"},
    {},
]


def test_dict_items_and_pairs_sign_alike() -> None:
    for params in CASES:
        expected = bidcert.string_to_sign("POST", list(params.items()))
        assert bidcert.string_to_sign("POST", params) == expected, params
        assert bidcert.string_to_sign("POST", tuple(params.items())) == expected, params
        assert bidcert.signature("POST", params, "s") == bidcert.signature(
            "POST", list(params.items()), "s"
        )

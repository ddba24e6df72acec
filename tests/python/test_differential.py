"""Differential property tests: bidcert's signature against the official Python signers,
aliyun-python-sdk-core (`get_signed_url`) and alibabacloud-openapi-util (`get_rpcsignature`),
on random parameter sets.

Restricted to inputs where those follow the documented encoding (see README.md here):
- names and values are `str` without lone surrogates (neither SDK can UTF-8-encode them;
  bidcert cannot receive them from Python either);
- names are non-empty and not `Signature` (both SDKs would sign an empty name; the classic SDK
  deletes `Signature`, the new one signs it) nor a common parameter the classic SDK overwrites;
- no `None` values (the new SDK skips them silently).
Within that domain no deviation was found: both SDKs, once given the same parameters, produce
the same string to sign and signature as bidcert, byte for byte.

Signature V3 against alibabacloud-openapi-util's `get_authorization` (ACS3-HMAC-SHA256), on random
requests. Its quirks, kept out of the domain:
- it leaves query names unencoded (values are encoded; the V3 documentation encodes both), so
  names are drawn from the unreserved set;
- it signs every header it is given (the documentation, and bidcert, sign `host`,
  `content-type` and `x-acs-*` only), so only those are drawn;
- it trims header values with `str.strip()` (all Unicode whitespace; bidcert trims spaces and
  tabs, what HTTP removes around a field value), so values hold no other whitespace.
Within that domain: the same `Authorization`, byte for byte, names differing only in case merged
the same way.
"""

from __future__ import annotations

import base64
from typing import Dict
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bidcert

COMMON = {
    "AccessKeyId",
    "Action",
    "Format",
    "SecurityToken",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureType",
    "SignatureVersion",
    "Timestamp",
    "Version",
}

# Any Unicode but lone surrogates; ASCII punctuation and spaces are drawn often.
chars = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(list(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\n")),
)
names = st.text(chars, min_size=1, max_size=12).filter(lambda n: n not in COMMON)
values = st.text(chars, max_size=40)
param_sets = st.dictionaries(names, values, max_size=12)
secrets = st.text(chars, min_size=1, max_size=30)
methods = st.sampled_from(["GET", "POST"])

unreserved = st.sampled_from(list("ABCXYZabcxyz0189-_.~"))
v3_query_names = st.text(unreserved, min_size=1, max_size=8)
v3_header_names = st.sampled_from(
    ["host", "Host", "content-type", "Content-Type", "x-acs-a", "X-Acs-A", "X-ACS-A", "x-acs-b-c", "x-acs-"]
)
# No whitespace but spaces and tabs, which are drawn often; no controls (bidcert rejects them).
v3_header_values = st.text(
    st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
        st.sampled_from([" ", "\t", ",", ":", ";"]),
    ),
    max_size=20,
)
payload_hashes = st.binary(min_size=32, max_size=32).map(bytes.hex)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(params=param_sets, method=methods, secret=secrets)
def test_matches_alibabacloud_openapi_util(params: Dict[str, str], method: str, secret: str) -> None:
    from alibabacloud_openapi_util.client import Client as OpenApiUtil

    theirs = OpenApiUtil.get_rpcsignature(dict(params), method, secret)
    assert bidcert.signature(method, params, secret) == theirs


@SETTINGS
@given(params=param_sets, method=methods, secret=secrets)
def test_matches_aliyun_python_sdk_core(params: Dict[str, str], method: str, secret: str) -> None:
    from aliyunsdkcore.auth.composer import rpc_signature_composer as rpc
    from aliyunsdkcore.utils import parameter_helper

    sent = dict(params)
    with mock.patch.object(parameter_helper, "get_iso_8061_date", return_value="2026-11-23T08:00:00Z"), mock.patch.object(
        parameter_helper, "get_uuid", return_value="9b2c6c0e-2f0a-4f6e-8f5e-3f1b6a7d9c01"
    ):
        url, their_sts = rpc.get_signed_url(sent, "LTAI5tExample", secret, "JSON", method, {})
    # `sent` now holds every parameter the classic SDK signed (its common ones included).
    assert bidcert.string_to_sign(method, sent) == their_sts
    their_sig = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))["Signature"]
    assert bidcert.signature(method, sent, secret) == their_sig
    assert len(base64.b64decode(their_sig)) == 20


@SETTINGS
@given(
    query=st.dictionaries(v3_query_names, values, max_size=8),
    headers=st.dictionaries(v3_header_names, v3_header_values, max_size=9),
    method=methods,
    payload=payload_hashes,
    secret=secrets,
)
def test_v3_matches_alibabacloud_openapi_util(
    query: Dict[str, str], headers: Dict[str, str], method: str, payload: str, secret: str
) -> None:
    from types import SimpleNamespace

    from alibabacloud_openapi_util.client import Client as OpenApiUtil

    request = SimpleNamespace(method=method, pathname="/", query=dict(query), headers=dict(headers))
    theirs = OpenApiUtil.get_authorization(request, "ACS3-HMAC-SHA256", payload, "LTAI5tExample", secret)
    cr = bidcert.v3_canonical_request(method, "/", query, headers, payload)
    assert bidcert.v3_authorization(cr, "LTAI5tExample", secret) == theirs

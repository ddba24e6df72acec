#!/usr/bin/env python3
"""Write bidcert's language-neutral test vectors (signing, signing_v3, responses, fast_auth_events,
diagnosis).

This script is the independent reference for the signing expectations (v1.0 and V3). It uses the
Python standard library only, reads no clock and no randomness, and rewrites the five JSON files
next to it:

    python3 tests/vectors/generate.py

The API documents it follows are spec/GenerateAliyunBidCertWaysUrl.txt and
spec/QueryBidUserCertifiedInfo.txt (see DESIGN.md). Expectations for responses, events and
diagnosis are written out by hand, case by case, from the rules in tests/vectors/README.md.
"""

import base64
import hashlib
import hmac
import json
import os
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote

HERE = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------------------------------
# Reference signer (Alibaba Cloud RPC signature, version 1.0, HMAC-SHA1). Keep it this short.
# --------------------------------------------------------------------------------------------------

def enc(s):
    return quote(s, safe='~')  # UTF-8; leaves only A-Z a-z 0-9 - _ . ~; upper-case hex; ' ' -> %20


def canonicalize(params):
    return '&'.join(enc(k) + '=' + enc(v) for k, v in sorted(params, key=lambda kv: kv[0].encode('utf-8')))


def string_to_sign(method, params):
    return method + '&' + enc('/') + '&' + enc(canonicalize(params))


def signature(method, params, secret):
    mac = hmac.new((secret + '&').encode('utf-8'), string_to_sign(method, params).encode('utf-8'), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode('ascii')


# Sanity checks of the encoder itself.
assert enc(' ') == '%20' and enc('+') == '%2B' and enc('*') == '%2A' and enc('~') == '~'
assert enc('/') == '%2F' and enc(':') == '%3A' and enc('é') == '%C3%A9' and enc('😀') == '%F0%9F%98%80'
assert enc('AZaz09-_.~') == 'AZaz09-_.~'


# The string the server computed, copied verbatim from the SignatureDoesNotMatch example in
# spec/GenerateAliyunBidCertWaysUrl.txt. Our canonicalizer must reproduce it byte for byte.
SPEC_SERVER_STRING_TO_SIGN = (
    "POST&%2F&AccessKeyId%3DLTxxxxxxg0N7cz5%26Action%3DGenerateAliyunBidCertWaysUrl%26AliyunPk%3D1039740447764893%26BidType%3DLIGHTWEIGHT%26Format%3Djson%26IsMobile%3Dtrue%26IsOpenApp%3Dtrue%26Platform%3Dpc%26SignatureMethod%3DHmac-SHA1%26SignatureNonce%3Dcac135a3-a3f3-4b11-9cc8-2479bd2c4fb2%26SignatureVersion%3D1.0%26Source%3Decs%26SubjectType%3Dall%26Timestamp%3D2021-09-28T09%253A37%253A17Z%26Version%3D2015-07-01"
)

# The decoded parameters of that string, in an order a caller might give them (not sorted).
SPEC_SERVER_PARAMS = [
    ["Action", "GenerateAliyunBidCertWaysUrl"],
    ["Platform", "pc"],
    ["BidType", "LIGHTWEIGHT"],
    ["Timestamp", "2021-09-28T09:37:17Z"],
    ["Source", "ecs"],
    ["Format", "json"],
    ["SubjectType", "all"],
    ["SignatureNonce", "cac135a3-a3f3-4b11-9cc8-2479bd2c4fb2"],
    ["IsOpenApp", "true"],
    ["AliyunPk", "1039740447764893"],
    ["IsMobile", "true"],
    ["SignatureMethod", "Hmac-SHA1"],
    ["SignatureVersion", "1.0"],
    ["AccessKeyId", "LTxxxxxxg0N7cz5"],
    ["Version", "2015-07-01"],
]

assert string_to_sign("POST", SPEC_SERVER_PARAMS) == SPEC_SERVER_STRING_TO_SIGN, "reference signer disagrees with the spec"


# --------------------------------------------------------------------------------------------------
# Reference V3 signer (ACS3-HMAC-SHA256). Keep it this short. Query names and values are encoded with
# the same RFC 3986 set as v1.0, so `canonicalize` above is the canonical query string.
# --------------------------------------------------------------------------------------------------

V3_EMPTY_PAYLOAD = hashlib.sha256(b"").hexdigest()


def v3_canonical_request(method, canonical_uri, query, headers, hashed_payload):
    signed = {}  # host, content-type and x-acs-*; names differing only in case are one header
    for name, value in headers:
        name = name.lower()
        if name in ("host", "content-type") or name.startswith("x-acs-"):
            signed.setdefault(name, []).append(value.strip(" \t"))
    names = sorted(signed)
    canonical_headers = "".join(f"{n}:{','.join(sorted(signed[n]))}\n" for n in names)
    return "\n".join([method, canonical_uri, canonicalize(query), canonical_headers, ";".join(names), hashed_payload])


def v3_string_to_sign(canonical_request):
    return "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()


def v3_authorization(canonical_request, access_key_id, secret):
    signed_headers = canonical_request.split("\n")[-2]
    sig = hmac.new(secret.encode("utf-8"), v3_string_to_sign(canonical_request).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"ACS3-HMAC-SHA256 Credential={access_key_id},SignedHeaders={signed_headers},Signature={sig}"


assert V3_EMPTY_PAYLOAD == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# The fixed-value example of Alibaba Cloud's "V3 request structure and signature" page
# (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature): its inputs, and its
# canonical request, string to sign and Authorization copied verbatim. The reference must reproduce
# all three byte for byte.
DOC_V3_INPUTS = {
    "method": "POST",
    "canonical_uri": "/",
    "query": [["ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd"], ["RegionId", "cn-shanghai"]],
    "headers": [
        ["host", "ecs.cn-shanghai.aliyuncs.com"],
        ["x-acs-action", "RunInstances"],
        ["x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        ["x-acs-date", "2023-10-26T10:22:32Z"],
        ["x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"],
        ["x-acs-version", "2014-05-26"],
    ],
    "hashed_payload": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "access_key_id": "YourAccessKeyId",
    "access_key_secret": "YourAccessKeySecret",
}
DOC_V3_CANONICAL_REQUEST = (
    "POST\n"
    "/\n"
    "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai\n"
    "host:ecs.cn-shanghai.aliyuncs.com\n"
    "x-acs-action:RunInstances\n"
    "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
    "x-acs-date:2023-10-26T10:22:32Z\n"
    "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
    "x-acs-version:2014-05-26\n"
    "\n"
    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)
DOC_V3_STRING_TO_SIGN = "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
DOC_V3_AUTHORIZATION = (
    "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;"
    "x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
)

_doc_cr = v3_canonical_request(*(DOC_V3_INPUTS[k] for k in ("method", "canonical_uri", "query", "headers", "hashed_payload")))
assert _doc_cr == DOC_V3_CANONICAL_REQUEST, "V3 reference disagrees with the documentation's canonical request"
assert v3_string_to_sign(_doc_cr) == DOC_V3_STRING_TO_SIGN, "V3 reference disagrees with the documentation's string to sign"
assert v3_authorization(_doc_cr, "YourAccessKeyId", "YourAccessKeySecret") == DOC_V3_AUTHORIZATION, \
    "V3 reference disagrees with the documentation's Authorization"


# --------------------------------------------------------------------------------------------------
# Shared fixed inputs (no clock, no randomness).
# --------------------------------------------------------------------------------------------------

ACCESS_KEY_ID = "LTAI5tBidcertTestKey01"
SECRET = "testsecret"
NONCE = "3f2b8c1e-7a4d-4e9b-9c2a-5d6e7f809a1b"  # a fixed UUID v4
NONCE_2 = "d9428888-122b-4a4f-8a4b-7e2c1f3b5a60"
TIMESTAMP = "2026-11-23T08:00:00Z"

# A long STS-like token containing '+', '/' and '='.
STS_TOKEN = "CAIS" + base64.b64encode(hashlib.sha512(b"bidcert-sts").digest() * 6 + bytes(range(250, 256)) + b"\xfb\xef\xbe\xff\x00").decode("ascii")
assert "+" in STS_TOKEN and "/" in STS_TOKEN and STS_TOKEN.endswith("=") and len(STS_TOKEN) > 500


def common(action, version, nonce=NONCE, timestamp=TIMESTAMP, key_id=ACCESS_KEY_ID):
    """Common parameters in the order an SDK typically adds them (not sorted)."""
    return [
        ["Format", "JSON"],
        ["Version", version],
        ["AccessKeyId", key_id],
        ["SignatureMethod", "HMAC-SHA1"],
        ["Timestamp", timestamp],
        ["SignatureVersion", "1.0"],
        ["SignatureNonce", nonce],
        ["Action", action],
    ]


def query_params(pk, bid_type, **kw):
    return common("QueryBidUserCertifiedInfo", "2015-04-08", **kw) + [["PK", pk], ["BidType", bid_type]]


def cert_ways_params(pk, bid_type, platform, subject_type, open_app, mobile, **kw):
    return common("GenerateAliyunBidCertWaysUrl", "2015-07-01", **kw) + [
        ["AliyunPk", pk],
        ["BidType", bid_type],
        ["Platform", platform],
        ["SubjectType", subject_type],
        ["Source", "BID"],
        ["IsOpenApp", open_app],
        ["IsMobile", mobile],
    ]


def base(extra):
    """A few ordinary parameters plus the ones under test."""
    return [["Action", "QueryBidUserCertifiedInfo"], ["PK", "1234567890123456"]] + extra + [["Version", "2015-04-08"]]


def request_id(name):
    """A stable, UUID-shaped request id derived from a case name."""
    h = hashlib.sha256(name.encode("utf-8")).hexdigest().upper()
    return "-".join([h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]])


# --------------------------------------------------------------------------------------------------
# signing.json
# --------------------------------------------------------------------------------------------------

def signing_case(name, method, params, secret=SECRET):
    names = [k for k, _ in params]
    assert len(names) == len(set(names)), f"{name}: duplicate parameter names"
    assert "Signature" not in names, f"{name}: params must exclude Signature"
    return {
        "name": name,
        "method": method,
        "params": [[k, v] for k, v in params],
        "access_key_secret": secret,
        "canonicalized_query": canonicalize(params),
        "string_to_sign": string_to_sign(method, params),
        "signature": signature(method, params, secret),
    }


def thirty_params():
    fixed = common("TagResources", "2015-04-08")  # 8 common parameters
    fixed += [["RegionId", "cn-hangzhou"], ["ResourceType", "instance"]]
    tags = []
    for i in (10, 3, 7, 1, 9, 2, 5, 8, 4, 6):  # Tag.10 sorts between Tag.1 and Tag.2 in byte order
        tags += [[f"Tag.{i}.Value", f"value {i}/{'+' * (i % 3)}"], [f"Tag.{i}.Key", f"key-{i}"]]
    params = tags[:10] + fixed + tags[10:]
    assert len(params) == 30
    return params


def shuffled(params, step):
    """A fixed permutation: take every step-th element, wrapping around (step coprime to len)."""
    n = len(params)
    return [params[(i * step) % n] for i in range(n)]


def signing_cases():
    q = query_params("1234567890123456", "LIGHTWEIGHT")
    c = []
    # Full, realistic requests for both operations.
    c.append(signing_case("query_certified_info_post_lightweight", "POST", q))
    c.append(signing_case("query_certified_info_get_lightweight", "GET", q))
    c.append(signing_case("query_certified_info_post_normal", "POST", query_params("1750000000000787", "NORMAL", nonce=NONCE_2, timestamp="2026-11-23T23:59:59Z")))
    c.append(signing_case("query_certified_info_post_with_security_token", "POST",
                          query_params("1234567890123456", "NORMAL") + [["SecurityToken", STS_TOKEN]]))
    c.append(signing_case("query_certified_info_spec_request_example", "POST",
                          [["Action", "QueryBidUserCertifiedInfo"], ["PK", "123******567"]] + common("QueryBidUserCertifiedInfo", "2015-04-08")[:-1] + [["BidType", "LIGHTWEIGHT"]]))
    for method in ("POST", "GET"):
        m = method.lower()
        c.append(signing_case(f"generate_cert_ways_url_{m}_pc_all", method,
                              cert_ways_params("1039740447764893", "LIGHTWEIGHT", "pc", "all", "false", "false")))
        c.append(signing_case(f"generate_cert_ways_url_{m}_h5_personal_mobile", method,
                              cert_ways_params("1039740447764893", "NORMAL", "h5", "personal", "true", "true", nonce=NONCE_2)))
        c.append(signing_case(f"generate_cert_ways_url_{m}_app_enterprise_open_app", method,
                              cert_ways_params("2000000000000001", "LIGHTWEIGHT", "app", "enterprise", "true", "false", timestamp="2026-12-31T23:59:59Z")))
    c.append(signing_case("generate_cert_ways_url_post_with_security_token", "POST",
                          cert_ways_params("1039740447764893", "LIGHTWEIGHT", "h5", "all", "true", "true") + [["SecurityToken", STS_TOKEN]]))
    # The parameters of the spec's request URL, in the URL's order, plus the remaining common ones.
    c.append(signing_case("generate_cert_ways_url_spec_request_example", "POST", [
        ["Action", "GenerateAliyunBidCertWaysUrl"], ["Platform", "pc"], ["BidType", "LIGHTWEIGHT"],
        ["Timestamp", "2021-09-28T09:35:30Z"], ["Source", "BID"], ["Format", "JSON"], ["SubjectType", "all"],
        ["SignatureNonce", "a193d4b3-e54b-40f7-9d22-62107514cedd"], ["IsOpenApp", "true"], ["AliyunPk", "10****4893"],
        ["IsMobile", "true"], ["Version", "2015-07-01"], ["AccessKeyId", ACCESS_KEY_ID],
        ["SignatureMethod", "HMAC-SHA1"], ["SignatureVersion", "1.0"]]))
    # The server's own string from the spec's SignatureDoesNotMatch example.
    spec = signing_case("spec_server_string_to_sign", "POST", SPEC_SERVER_PARAMS)
    assert spec["string_to_sign"] == SPEC_SERVER_STRING_TO_SIGN
    c.append(spec)
    c.append(signing_case("generic_rpc_call_get_describe_regions", "GET",
                          common("DescribeRegions", "2014-05-26") + [["RegionId", "cn-hangzhou"], ["AcceptLanguage", "zh-CN"]]))

    # Values that need (or must not get) encoding.
    for name, value in [
        ("value_with_space", "John Doe"),
        ("value_with_plus", "a+b"),
        ("value_with_asterisk", "123******567"),
        ("value_with_tilde", "~user~"),
        ("value_with_slash", "a/b/c"),
        ("value_with_percent", "100%"),
        ("value_already_percent_encoded", "a%20b%2Fc"),
        ("value_with_ampersand", "a&b"),
        ("value_with_equals", "a=b=="),
        ("value_with_question_mark", "what?"),
        ("value_with_hash", "#1"),
        ("value_with_colon_and_sub_delims", "!$'()*,;:@[]"),
        ("value_unreserved_characters_untouched", "ABCXYZabcxyz0189-_.~"),
        ("value_all_printable_ascii", "".join(chr(i) for i in range(0x20, 0x7F))),
        ("value_with_control_characters", "line1\nline2\r\n\tend"),
        ("value_chinese", "张三 身份验证"),
        ("value_emoji_four_byte_utf8", "ok 😀🔑"),
        ("value_emoji_zwj_sequence", "👩\u200d💻"),
        ("value_combining_characters_nfd", "cafe\u0301 Z\u030c"),
        ("value_precomposed_nfc", "caf\u00e9 \u017d"),
        ("value_empty", ""),
        ("value_very_long_4096_chars", ("0123456789 +/=~*张" * 241)[:4096]),
    ]:
        c.append(signing_case(name, "POST", base([["Name", value]])))
    assert len(c[-1]["params"][2][1]) == 4096

    # Parameter names: case, encoding, prefixes, sort order.
    c.append(signing_case("names_differing_only_in_case_lower_a_upper_a", "POST", [["a", "lower"], ["A", "upper"]]))
    c.append(signing_case("names_differing_only_in_case_pk", "POST",
                          [["pk", "2"], ["Action", "QueryBidUserCertifiedInfo"], ["PK", "1"]]))
    c.append(signing_case("names_sorted_case_sensitive_upper_before_lower", "POST",
                          [["alpha", "1"], ["beta", "2"], ["Zeta", "3"], ["Beta", "4"], ["_x", "5"]]))
    c.append(signing_case("names_needing_encoding", "POST",
                          [["名字", "张三"], ["key with space", "v"], ["a=b&c", "d"], ["x+y", "z"], ["Action", "Test"]]))
    c.append(signing_case("names_sharing_prefixes_byte_order", "POST",
                          [["A~B", "6"], ["A_B", "5"], ["AB", "4"], ["A.B", "3"], ["A-B", "2"], ["A", "1"]]))
    c.append(signing_case("sort_by_raw_name_not_by_encoded_name", "POST",
                          [["a/", "slash"], ["a.", "dot"], ["a", "plain"]]))
    c.append(signing_case("sort_by_utf8_bytes_bmp_before_astral", "POST",
                          [["😀", "astral"], ["\uff21", "fullwidth A"], ["z", "ascii"]]))

    # Order the caller supplies the parameters in.
    c.append(signing_case("params_reverse_order", "POST", list(reversed(sorted(q, key=lambda kv: kv[0].encode())))))
    c.append(signing_case("params_shuffled_order", "POST", shuffled(q, 7)))
    c.append(signing_case("params_already_sorted", "POST", sorted(q, key=lambda kv: kv[0].encode())))
    c.append(signing_case("single_parameter", "POST", [["Action", "QueryBidUserCertifiedInfo"]]))
    c.append(signing_case("timestamp_colon_encoded_twice_in_string_to_sign", "GET",
                          [["Timestamp", "2026-11-23T08:00:00Z"], ["Action", "QueryBidUserCertifiedInfo"]]))
    c.append(signing_case("thirty_parameters", "POST", thirty_params()))

    # Secrets.
    c.append(signing_case("secret_with_symbols", "POST", q, secret="a&b=c%d+e/f"))
    c.append(signing_case("secret_unicode", "POST", q, secret="秘密ключ🔑"))
    c.append(signing_case("secret_short_x", "POST", q, secret="x"))
    c.append(signing_case("secret_realistic_length", "GET", q, secret="Xq7bTestSecretOnly0123456789ab"))

    # Temporary (STS) credentials.
    c.append(signing_case("security_token_sts", "POST",
                          [["SecurityToken", STS_TOKEN], ["Action", "QueryBidUserCertifiedInfo"], ["PK", "1234567890123456"]]))

    names = [x["name"] for x in c]
    assert len(names) == len(set(names)), "duplicate case names"
    return c


# --------------------------------------------------------------------------------------------------
# signing_v3.json
# --------------------------------------------------------------------------------------------------

def signing_v3_case(name, query, headers, method="POST", canonical_uri="/", hashed_payload=V3_EMPTY_PAYLOAD,
                    access_key_id=ACCESS_KEY_ID, secret=SECRET):
    names = [k for k, _ in query]
    assert len(names) == len(set(names)), f"{name}: duplicate query names"
    cr = v3_canonical_request(method, canonical_uri, query, headers, hashed_payload)
    return {
        "name": name,
        "method": method,
        "canonical_uri": canonical_uri,
        "query": [[k, v] for k, v in query],
        "headers": [[k, v] for k, v in headers],
        "hashed_payload": hashed_payload,
        "access_key_id": access_key_id,
        "access_key_secret": secret,
        "canonical_request": cr,
        "string_to_sign": v3_string_to_sign(cr),
        "authorization": v3_authorization(cr, access_key_id, secret),
    }


def v3_headers(host, action, version, timestamp=TIMESTAMP, nonce=NONCE, token=None):
    """The headers a V3 signer sends for an RPC call, in the order bidcert's Signer adds them."""
    h = [["Accept", "application/json"], ["host", host], ["x-acs-action", action],
         ["x-acs-content-sha256", V3_EMPTY_PAYLOAD], ["x-acs-date", timestamp],
         ["x-acs-signature-nonce", nonce], ["x-acs-version", version]]
    return h + ([["x-acs-security-token", token]] if token else [])


QUERY_V3 = ["QueryBidUserCertifiedInfo", "2015-04-08"]
CERT_WAYS_V3 = ["GenerateAliyunBidCertWaysUrl", "2015-07-01"]
CRM_HOST = "crm-cn-hangzhou.aliyuncs.com"
AAS_HOST = "aas.aliyuncs.com"


def cert_ways_query(pk, bid_type, platform, subject_type, open_app, mobile):
    return [["AliyunPk", pk], ["BidType", bid_type], ["Platform", platform], ["SubjectType", subject_type],
            ["Source", "BID"], ["IsOpenApp", open_app], ["IsMobile", mobile]]


def signing_v3_cases():
    c = []
    # The documentation's fixed-value example, as printed, then in another caller's spelling and order.
    doc = signing_v3_case("doc_fixed_value_example", DOC_V3_INPUTS["query"], DOC_V3_INPUTS["headers"],
                          access_key_id="YourAccessKeyId", secret="YourAccessKeySecret")
    assert (doc["canonical_request"], doc["string_to_sign"], doc["authorization"]) == (
        DOC_V3_CANONICAL_REQUEST, DOC_V3_STRING_TO_SIGN, DOC_V3_AUTHORIZATION)
    c.append(doc)
    respelled = [["X-Acs-Version", "2014-05-26"], ["User-Agent", "bidcert-test"], ["X-ACS-DATE", "2023-10-26T10:22:32Z"],
                 ["Host", "ecs.cn-shanghai.aliyuncs.com"], ["x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"],
                 ["Accept", "application/json"], ["X-Acs-Action", "RunInstances"],
                 ["X-Acs-Content-Sha256", V3_EMPTY_PAYLOAD]]
    same = signing_v3_case("doc_fixed_value_example_headers_respelled_reordered_and_unsigned_added",
                           list(reversed(DOC_V3_INPUTS["query"])), respelled,
                           access_key_id="YourAccessKeyId", secret="YourAccessKeySecret")
    assert same["authorization"] == DOC_V3_AUTHORIZATION
    c.append(same)

    # Both operations, as bidcert's Signer signs them (names start with operation_: the Rust suite
    # also signs these operations with Signer::sign_v3 and compares).
    c.append(signing_v3_case("operation_query_certified_info_normal",
                             [["PK", "1234567890123456"], ["BidType", "NORMAL"]], v3_headers(CRM_HOST, *QUERY_V3)))
    c.append(signing_v3_case("operation_query_certified_info_lightweight_sts",
                             [["PK", "1750000000000787"], ["BidType", "LIGHTWEIGHT"]],
                             v3_headers(CRM_HOST, *QUERY_V3, timestamp="2026-11-23T23:59:59Z", nonce=NONCE_2, token=STS_TOKEN)))
    c.append(signing_v3_case("operation_generate_cert_ways_url_pc_all",
                             cert_ways_query("1039740447764893", "LIGHTWEIGHT", "pc", "all", "false", "false"),
                             v3_headers(AAS_HOST, *CERT_WAYS_V3)))
    c.append(signing_v3_case("operation_generate_cert_ways_url_h5_personal_open_app_mobile",
                             cert_ways_query("1039740447764893", "NORMAL", "h5", "personal", "true", "true"),
                             v3_headers(AAS_HOST, *CERT_WAYS_V3, nonce=NONCE_2)))
    c.append(signing_v3_case("operation_generate_cert_ways_url_app_enterprise_sts",
                             cert_ways_query("2000000000000001", "LIGHTWEIGHT", "app", "enterprise", "true", "false"),
                             v3_headers(AAS_HOST, *CERT_WAYS_V3, timestamp="2026-12-31T23:59:59Z", token=STS_TOKEN)))
    c.append(signing_v3_case("operation_generate_cert_ways_url_emulator_endpoint_with_port",
                             cert_ways_query("1039740447764893", "LIGHTWEIGHT", "pc", "all", "false", "false"),
                             v3_headers("127.0.0.1:18080", *CERT_WAYS_V3)))
    c.append(signing_v3_case("operation_rpc_call_get_describe_regions",
                             [["RegionId", "cn-hangzhou"], ["AcceptLanguage", "zh-CN"]],
                             v3_headers("ecs.aliyuncs.com", "DescribeRegions", "2014-05-26"), method="GET"))

    # Query names and values that need (or must not get) encoding: the one RFC 3986 set.
    hdrs = v3_headers(CRM_HOST, *QUERY_V3)
    for name, value in [
        ("query_value_space_plus_asterisk_tilde", "John Doe+1 ***~x~"),
        ("query_value_slash_percent_ampersand_equals", "a/b 100% a&b=c"),
        ("query_value_question_hash_sub_delims", "what?#1 !$'()*,;:@[]"),
        ("query_value_all_printable_ascii", "".join(chr(i) for i in range(0x20, 0x7F))),
        ("query_value_already_percent_encoded", "a%20b%2Fc"),
        ("query_value_control_characters", "line1\nline2\r\n\tend"),
        ("query_value_chinese", "张三 身份验证"),
        ("query_value_emoji_four_byte_utf8", "ok 😀🔑"),
        ("query_value_combining_characters_nfd", "cafe\u0301 Z\u030c"),
        ("query_value_empty", ""),
    ]:
        c.append(signing_v3_case(name, [["PK", "1234567890123456"], ["Name", value]], hdrs))
    c.append(signing_v3_case("query_names_needing_encoding", [["名字", "张三"], ["key with space", "v"], ["a=b&c", "d"], ["x+y", "z"]], hdrs))
    c.append(signing_v3_case("query_names_differing_only_in_case", [["a", "lower"], ["A", "upper"], ["pk", "2"], ["PK", "1"]], hdrs))
    c.append(signing_v3_case("query_sorted_by_raw_name_then_utf8_bytes",
                             [["a/", "slash"], ["a.", "dot"], ["a", "plain"], ["😀", "astral"], ["\uff21", "fullwidth A"], ["z", "ascii"]], hdrs))
    c.append(signing_v3_case("query_empty", [], hdrs))

    # Headers: case, duplicates, whitespace, which are signed.
    c.append(signing_v3_case("headers_differing_only_in_case_are_one_header_values_sorted_joined_with_comma",
                             [["PK", "1"]], hdrs + [["X-Acs-Meta", "b"], ["x-acs-meta", "a"], ["X-ACS-META", "c"]]))
    c.append(signing_v3_case("headers_duplicate_values_trimmed_before_sorting",
                             [["PK", "1"]], hdrs + [["x-acs-meta", " zeta"], ["X-Acs-Meta", "\talpha  "], ["x-acs-Meta", "mid dle"]]))
    c.append(signing_v3_case("headers_surrounding_spaces_and_tabs_trimmed_inner_kept",
                             [["PK", "1"]], [["Host", "  crm-cn-hangzhou.aliyuncs.com "], ["x-acs-action", "\tQueryBidUserCertifiedInfo\t"],
                                             ["x-acs-version", " 2015-04-08"], ["x-acs-date", TIMESTAMP + "  "],
                                             ["x-acs-signature-nonce", NONCE], ["x-acs-content-sha256", V3_EMPTY_PAYLOAD],
                                             ["x-acs-note", "  two  inner  spaces  "], ["x-acs-blank", "   "]]))
    c.append(signing_v3_case("headers_unsigned_ones_left_out",
                             [["PK", "1"]], hdrs + [["User-Agent", "bidcert/0.1"], ["Authorization", "ACS3-HMAC-SHA256 old"],
                                                    ["Date", "Mon, 23 Nov 2026 08:00:00 GMT"], ["Content-Length", "0"],
                                                    ["x-acs", "no dash after acs"], ["x-acsx-extra", "not the prefix"]]))
    c.append(signing_v3_case("headers_security_token_sts",
                             [["PK", "1234567890123456"], ["BidType", "NORMAL"]],
                             [["x-acs-security-token", STS_TOKEN]] + v3_headers(CRM_HOST, *QUERY_V3)))
    c.append(signing_v3_case("headers_none_signed", [["PK", "1"]], [["Accept", "application/json"]]))
    body = '{"AliyunPk":"1039740447764893","BidType":"LIGHTWEIGHT"}'
    c.append(signing_v3_case("body_json_content_type_signed_and_payload_hashed", [],
                             [["Content-Type", "application/json"]] + v3_headers(AAS_HOST, *CERT_WAYS_V3)[:3]
                             + [["x-acs-content-sha256", hashlib.sha256(body.encode()).hexdigest()]] + v3_headers(AAS_HOST, *CERT_WAYS_V3)[4:],
                             hashed_payload=hashlib.sha256(body.encode()).hexdigest()))
    c.append(signing_v3_case("canonical_uri_roa_path_kept_as_given", [["RegionId", "cn-hangzhou"]],
                             v3_headers("cs.aliyuncs.com", "DescribeClusters", "2015-12-15"), method="GET",
                             canonical_uri="/api/v1/clusters"))

    # Secrets and ids: the key is the plain secret (no "&").
    q = [["PK", "1234567890123456"], ["BidType", "NORMAL"]]
    c.append(signing_v3_case("secret_with_symbols", q, hdrs, secret="a&b=c%d+e/f"))
    c.append(signing_v3_case("secret_unicode", q, hdrs, secret="秘密ключ🔑"))
    c.append(signing_v3_case("secret_single_character", q, hdrs, secret="x"))
    c.append(signing_v3_case("secret_longer_than_the_hmac_block", q, hdrs, secret="k" * 100))
    c.append(signing_v3_case("access_key_id_sts_style", q, hdrs, access_key_id="STS.NSjeTodte64fJxeVqRCLfw8Gf"))

    names = [x["name"] for x in c]
    assert len(names) == len(set(names)), "duplicate case names"
    return c


# --------------------------------------------------------------------------------------------------
# responses.json
# --------------------------------------------------------------------------------------------------

ERROR_KINDS = {
    "Empty PK": "empty_pk",
    "Not Bid": "not_bid",
    "Bid Mismatch": "bid_mismatch",
    "Invalid PK": "invalid_pk",
    "Already Certified": "already_certified",
    "InvalidApi.NotFound": "api_not_found",
    "InvalidAccessKeyId.NotFound": "access_key_not_found",
    "SignatureNonceUsed": "signature_nonce_used",
    "SignatureDoesNotMatch": "signature_mismatch",
    "Throttling": "throttling",
    "Throttling.User": "throttling",
    "Throttling.Api": "throttling",
    "InvalidTimeStamp.Expired": "timestamp",
    "InvalidTimeStamp.Format": "timestamp",
    "ServiceUnavailable": "service_unavailable",
    "InternalError": "internal_error",
}
RETRYABLE_KINDS = {"throttling", "service_unavailable", "internal_error", "signature_nonce_used"}


def error_kind(code):
    if code in ERROR_KINDS:
        return ERROR_KINDS[code]
    return "missing_parameter" if code.startswith("Missing") else "unknown"


def api_error(code, message, rid, status):
    kind = error_kind(code)
    retryable = kind in RETRYABLE_KINDS or (kind == "unknown" and status >= 500)
    return {"kind": kind, "code": code, "message": message, "request_id": rid, "http_status": status, "retryable": retryable}


HOSTS = {"query_certified_info": "crm-cn-hangzhou.aliyuncs.com", "generate_cert_ways_url": "aas.aliyuncs.com"}
ISSUED_AT = "2026-11-23T08:00:00Z"


def expires(issued_at):
    t = datetime.strptime(issued_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) + timedelta(hours=3)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def response(name, operation, status, body, expect=None, error=None, issued_at=ISSUED_AT):
    assert (expect is None) != (error is None)
    case = {"name": name, "operation": operation, "status": status, "body": body}
    if operation == "generate_cert_ways_url":
        case["issued_at"] = issued_at
    if expect is not None:
        case["expect"] = expect
    else:
        case["error"] = error
    return case


def certified(rid, pk, is_certified, account_cert_type=None, name=None, phone=None, cert_type=None, cert_number=None):
    return {"request_id": rid, "aliyun_pk": pk, "is_certified": is_certified, "account_cert_type": account_cert_type,
            "name": name, "phone": phone, "cert_type": cert_type, "cert_number": cert_number}


def query_body(rid, result, upper=False, result_as_object=False):
    inner = result if result_as_object else json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    env = {"RequestId": rid, "Result": inner} if upper else {"requestId": rid, "result": inner}
    return json.dumps(env, ensure_ascii=False)


def error_body(operation, rid, code, message, lower=False):
    if lower:
        return json.dumps({"requestId": rid, "code": code, "message": message}, ensure_ascii=False)
    return json.dumps({"RequestId": rid, "HostId": HOSTS[operation], "Code": code, "Message": message,
                       "Recommend": "https://api.aliyun.com/troubleshoot?q=" + quote(code, safe="")}, ensure_ascii=False)


def error_case(name, operation, status, code, message, lower=False):
    rid = request_id(name)
    return response(name, operation, status, error_body(operation, rid, code, message, lower),
                    error=api_error(code, message, rid, status))


PARSE = lambda status: {"kind": "parse", "http_status": status}  # noqa: E731

QUERY_EXAMPLE_1 = """{
"requestId": "90B72FBF-D299-4D17-B84C-9954B45AFE65",
"result": "{\\"aliyunPk\\":\\"175*******787\\",\\"isCertified\\":\\"0\\"}"
}            """

QUERY_EXAMPLE_2 = """{
"requestId": "53AA9A73-BD88-43C1-8AB5-390A875F6976",
"result": "{\\"aliyunPk\\":\\"175*******787\\",\\"isCertified\\":\\"1\\",\\"certNumber\\":\\"fffffff\\",\\"phone\\":\\"9999\\",\\"certType\\":\\"0\\",\\"name\\":\\"xxxxxxxx\\",\\"accountCertType\\":\\"enterprise\\"}"
}            """

# The spec's Aas success example, minus its "// Open this URL ..." documentation comment line.
AAS_SUCCESS_EXAMPLE = """{
  "RequestId":"7A4326A9-5B17-5BB2-B95D-4CE1EAAD55B9",
 "Data":"https://account.aliyun.com/cert/listCertWays.html?token=YWxpeXVuSWxxxxxxxxxxdXRQa2RGY0R4Q3BoVjZ5M3ZuemdHRQ==",
 "Success":true
    }"""
AAS_SUCCESS_EXAMPLE_WITH_COMMENT = AAS_SUCCESS_EXAMPLE.replace(
    '\n "Data"', '\n    // Open this URL directly on the corresponding platform.\n "Data"')
AAS_SUCCESS_URL = "https://account.aliyun.com/cert/listCertWays.html?token=YWxpeXVuSWxxxxxxxxxxdXRQa2RGY0R4Q3BoVjZ5M3ZuemdHRQ=="

# The spec's SignatureDoesNotMatch example, verbatim.
AAS_FAILURE_EXAMPLE = """{
  "RequestId":"382AD1A2-0641-55EB-A113-395A45AC80C7",
"Message":"Specified signature is not matched with our calculation. server string to sign is:""" + SPEC_SERVER_STRING_TO_SIGN + """",
"Code":"SignatureDoesNotMatch"
}
"""
SPEC_MISMATCH_MESSAGE = "Specified signature is not matched with our calculation. server string to sign is:" + SPEC_SERVER_STRING_TO_SIGN

# Documented error codes: (code, HTTP status, Query's message, Aas's message).
DOCUMENTED_ERRORS = [
    ("Empty PK", 400, "The input parameter 'PK' mandatory for processing this request is not supplied.",
     "The input parameter 'PK' mandatory for processing this request is not supplied."),
    ("Not Bid", 403, "The interface can not be called by a non-bid account.", "The interface can not be called by a non-bid account"),
    ("Bid Mismatch", 403, "Pk is not belong to the Bid.", "Pk is not belong to the Bid."),
    ("Invalid PK", 404, "The specified parameter 'PK' does not exist in our records.",
     "The specified parameter 'PK' does not exist in our records."),
    ("Already Certified", 400, "Account is already certified", "Account is already certified"),
    ("InvalidApi.NotFound", 404, "InvalidApi.NotFound", "InvalidApi.NotFound"),
    ("InvalidAccessKeyId.NotFound", 404, "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.NotFound"),
    ("SignatureNonceUsed", 400, "SignatureNonceUsed", "SignatureNonceUsed"),
    ("SignatureDoesNotMatch", 400, "SignatureDoesNotMatch", "SignatureDoesNotMatch"),
]
# These use the lower-camel error body {"requestId","code","message"}.
LOWER_CAMEL = {("query_certified_info", "Bid Mismatch"), ("query_certified_info", "Invalid PK"),
               ("query_certified_info", "SignatureNonceUsed"), ("generate_cert_ways_url", "Not Bid"),
               ("generate_cert_ways_url", "InvalidAccessKeyId.NotFound")}

GATEWAY_ERRORS = [  # (suffix, status, code, message)
    ("throttling_user", 400, "Throttling.User", "Request was denied due to user flow control."),
    ("throttling_api", 400, "Throttling.Api", "Request was denied due to api flow control."),
    ("throttling", 400, "Throttling", "Request was denied due to flow control."),
    ("timestamp_expired", 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."),
    ("timestamp_format", 400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."),
    ("service_unavailable_503", 503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    ("internal_error_500", 500, "InternalError", "The request processing has failed due to some unknown error."),
    ("missing_parameter", 400, "MissingParameter", "The input parameter \"PK\" that is mandatory for processing this request is not supplied."),
    ("missing_timestamp", 400, "MissingTimestamp", "Timestamp is mandatory for this action."),
    ("unknown_code_400_not_retryable", 400, "Foo.Bar", "Something unexpected."),
    ("unknown_code_502_retryable", 502, "Foo.Bar", "Something unexpected upstream."),
]

HTML_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


def query_cases():
    op = "query_certified_info"
    c = []
    c.append(response("query_spec_example_unverified", op, 200, QUERY_EXAMPLE_1,
                      certified("90B72FBF-D299-4D17-B84C-9954B45AFE65", "175*******787", False)))
    c.append(response("query_spec_example_verified", op, 200, QUERY_EXAMPLE_2,
                      certified("53AA9A73-BD88-43C1-8AB5-390A875F6976", "175*******787", True, "enterprise", "xxxxxxxx", "9999", "ID", "fffffff")))
    for code, expected, act in [("0", "ID", "personal"), ("9", "BUSINESS", "enterprise"), ("12", "ORGANIZATION_CODE", "enterprise"),
                                ("13", "INSTITUTION_LEGAL_PERSON", "enterprise"), ("7", "7", "enterprise")]:
        name = f"query_verified_cert_type_{code}"
        rid = request_id(name)
        result = {"aliyunPk": "1750000000000787", "isCertified": "1", "accountCertType": act, "name": "Example Holder " + code,
                  "phone": "158********", "certType": code, "certNumber": "340321********" + code}
        c.append(response(name, op, 200, query_body(rid, result),
                          certified(rid, "1750000000000787", True, act, "Example Holder " + code, "158********", expected, "340321********" + code)))
    name = "query_result_as_object"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"aliyunPk": "1750000000000001", "isCertified": "1", "accountCertType": "personal",
                                                      "certType": "0", "name": "李四", "phone": "139****0000", "certNumber": "110101********0011"},
                                                result_as_object=True),
                      certified(rid, "1750000000000001", True, "personal", "李四", "139****0000", "ID", "110101********0011")))
    name = "query_upper_camel_keys"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"AliyunPk": "1750000000000002", "IsCertified": "1", "AccountCertType": "enterprise",
                                                      "Name": "Example Co., Ltd.", "Phone": "0571****", "CertType": "9", "CertNumber": "91330100********"},
                                                upper=True),
                      certified(rid, "1750000000000002", True, "enterprise", "Example Co., Ltd.", "0571****", "BUSINESS", "91330100********")))
    name = "query_upper_camel_keys_result_as_object"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"AliyunPk": "1750000000000003", "IsCertified": "0"}, upper=True, result_as_object=True),
                      certified(rid, "1750000000000003", False)))
    name = "query_missing_optional_fields"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"aliyunPk": "1750000000000004", "isCertified": "1", "accountCertType": "personal"}),
                      certified(rid, "1750000000000004", True, "personal")))
    name = "query_unverified_is_certified_0"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"isCertified": "0", "aliyunPk": "1750000000000005"}),
                      certified(rid, "1750000000000005", False)))
    name = "query_unknown_account_cert_type_kept_raw"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"aliyunPk": "1750000000000006", "isCertified": "1", "accountCertType": "government", "certType": "13"}),
                      certified(rid, "1750000000000006", True, "government", cert_type="INSTITUTION_LEGAL_PERSON")))
    name = "query_extra_unknown_fields_ignored"
    rid = request_id(name)
    body = json.dumps({"requestId": rid, "success": True,
                       "result": json.dumps({"aliyunPk": "1750000000000007", "isCertified": "1", "certType": "9", "futureField": {"x": [1, 2]}},
                                            separators=(",", ":"))})
    c.append(response(name, op, 200, body, certified(rid, "1750000000000007", True, cert_type="BUSINESS")))
    name = "query_unicode_name_escaped_inside_result_string"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"aliyunPk": "1750000000000008", "isCertified": "1", "accountCertType": "personal",
                                                      "name": "张三", "certType": "0"}).replace("张三", "\\\\u5f20\\\\u4e09"),
                      certified(rid, "1750000000000008", True, "personal", "张三", cert_type="ID")))
    name = "query_unicode_name_raw_utf8"
    rid = request_id(name)
    c.append(response(name, op, 200, query_body(rid, {"aliyunPk": "1750000000000009", "isCertified": "1", "accountCertType": "enterprise",
                                                      "name": "杭州示例科技有限公司 😀", "certType": "12"}),
                      certified(rid, "1750000000000009", True, "enterprise", "杭州示例科技有限公司 😀", cert_type="ORGANIZATION_CODE")))
    return c


def error_cases(op, prefix):
    c = []
    for code, status, query_msg, aas_msg in DOCUMENTED_ERRORS:
        msg = query_msg if op == "query_certified_info" else aas_msg
        c.append(error_case(f"{prefix}_error_{error_kind(code)}", op, status, code, msg, lower=(op, code) in LOWER_CAMEL))
    for suffix, status, code, msg in GATEWAY_ERRORS:
        c.append(error_case(f"{prefix}_error_{suffix}", op, status, code, msg))
    return c


def parse_cases(op, prefix):
    c = [
        response(f"{prefix}_parse_empty_body_200", op, 200, "", error=PARSE(200)),
        response(f"{prefix}_parse_not_json_200", op, 200, "not json", error=PARSE(200)),
        response(f"{prefix}_parse_truncated_json", op, 200, '{"requestId":"x","res', error=PARSE(200)),
        response(f"{prefix}_parse_html_from_proxy_502", op, 502, HTML_502, error=PARSE(502)),
        response(f"{prefix}_parse_json_array", op, 200, '[{"requestId":"x"}]', error=PARSE(200)),
    ]
    return c


def generate_cases():
    op = "generate_cert_ways_url"
    c = []
    c.append(response("aas_spec_success_example", op, 200, AAS_SUCCESS_EXAMPLE,
                      {"request_id": "7A4326A9-5B17-5BB2-B95D-4CE1EAAD55B9", "url": AAS_SUCCESS_URL, "expires_at": expires(ISSUED_AT)}))
    for name, issued in [("aas_success_expiry_crosses_midnight", "2026-11-23T22:30:00Z"),
                         ("aas_success_expiry_crosses_year_end", "2026-12-31T23:59:59Z"),
                         ("aas_success_expiry_reaches_leap_day", "2028-02-28T22:00:00Z")]:
        rid = request_id(name)
        url = "https://account.aliyun.com/cert/listCertWays.html?token=" + base64.b64encode(name.encode()).decode()
        c.append(response(name, op, 200, json.dumps({"RequestId": rid, "Data": url, "Success": True}),
                          {"request_id": rid, "url": url, "expires_at": expires(issued)}, issued_at=issued))
    name = "aas_success_escaped_slashes_in_url"
    rid = request_id(name)
    url = "https://account.aliyun.com/cert/listCertWays.html?token=abc%2Bdef%3D&lang=zh"
    c.append(response(name, op, 200, json.dumps({"RequestId": rid, "Data": url, "Success": True}).replace("/", "\\/"),
                      {"request_id": rid, "url": url, "expires_at": expires(ISSUED_AT)}))
    c.append(response("aas_spec_signature_mismatch_example", op, 400, AAS_FAILURE_EXAMPLE,
                      error=api_error("SignatureDoesNotMatch", SPEC_MISMATCH_MESSAGE, "382AD1A2-0641-55EB-A113-395A45AC80C7", 400)))
    name = "aas_already_certified_success_false_http_200"
    rid = request_id(name)
    c.append(response(name, op, 200, json.dumps({"RequestId": rid, "Success": False, "Code": "Already Certified",
                                                 "Message": "Account is already certified"}),
                      error=api_error("Already Certified", "Account is already certified", rid, 200)))
    c.append(response("aas_error_without_request_id", op, 503,
                      json.dumps({"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure of the server."}),
                      error=api_error("ServiceUnavailable", "The request has failed due to a temporary failure of the server.", None, 503)))
    return c


def responses_cases():
    c = query_cases()
    c += error_cases("query_certified_info", "query")
    c += parse_cases("query_certified_info", "query")
    q = "query_certified_info"
    c.append(response("query_parse_result_string_is_invalid_json", q, 200,
                      json.dumps({"requestId": request_id("x1"), "result": '{"aliyunPk":"1750000000000010","isCertified":'}), error=PARSE(200)))
    c.append(response("query_parse_is_certified_yes", q, 200,
                      query_body(request_id("x2"), {"aliyunPk": "1750000000000011", "isCertified": "yes"}), error=PARSE(200)))
    c.append(response("query_parse_result_missing", q, 200, json.dumps({"requestId": request_id("x3")}), error=PARSE(200)))
    c.append(response("query_parse_result_string_is_json_array", q, 200,
                      json.dumps({"requestId": request_id("x4"), "result": "[1,2]"}), error=PARSE(200)))
    c += generate_cases()
    c += error_cases("generate_cert_ways_url", "aas")
    c += parse_cases("generate_cert_ways_url", "aas")
    g = "generate_cert_ways_url"
    c.append(response("aas_parse_spec_success_example_with_doc_comment", g, 200, AAS_SUCCESS_EXAMPLE_WITH_COMMENT, error=PARSE(200)))
    c.append(response("aas_parse_data_missing_success_true", g, 200, json.dumps({"RequestId": request_id("y1"), "Success": True}), error=PARSE(200)))
    c.append(response("aas_parse_data_not_a_string_number", g, 200, json.dumps({"RequestId": request_id("y2"), "Data": 12345, "Success": True}), error=PARSE(200)))
    c.append(response("aas_parse_data_not_a_string_object", g, 200,
                      json.dumps({"RequestId": request_id("y3"), "Data": {"url": AAS_SUCCESS_URL}, "Success": True}), error=PARSE(200)))
    names = [x["name"] for x in c]
    assert len(names) == len(set(names)), "duplicate case names"
    for x in c:  # every body that should parse does parse (sanity check of the fixtures, not of the rules)
        if "expect" in x or x["error"]["kind"] != "parse":
            json.loads(x["body"])
    return c


# --------------------------------------------------------------------------------------------------
# fast_auth_events.json
# --------------------------------------------------------------------------------------------------

LINK_ORIGIN = "https://account.aliyun.com"
TYPES = ["init", "later", "another_authc_way", "success", "fail", "re_authc", "open_alipay"]
ENDS_FLOW = {"success", "later"}


def event(name, data, expect=None, error=None, origin=LINK_ORIGIN, expected_origin=LINK_ORIGIN):
    assert (expect is None) != (error is None)
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    case = {"name": name, "data": text, "origin": origin, "expected_origin": expected_origin}
    if expect is not None:
        case["expect"] = expect
    else:
        case["error"] = error
    return case


def ev(type_, success, reason=None):
    return {"type": type_, "success": success, "reason": reason, "ends_flow": type_ in ENDS_FLOW}


def fast_auth_cases():
    c = []
    c.append(event("spec_fail_example", {"success": True, "type": "fail", "data": {"reason": "Reason for verification failure"}},
                   ev("fail", True, "Reason for verification failure")))
    for t in TYPES:
        reason = "用户取消 (user cancelled)" if t == "fail" else None
        inner = {"reason": reason} if reason else {}
        c.append(event(f"type_aliyun_fast_auth_{t}", {"success": True, "type": f"aliyun_fast_auth_{t}", "data": inner}, ev(t, True, reason)))
        c.append(event(f"type_short_{t}", {"success": True, "type": t, "data": inner}, ev(t, True, reason)))
    c.append(event("fail_without_reason", {"success": True, "type": "aliyun_fast_auth_fail", "data": {}}, ev("fail", True)))
    c.append(event("fail_missing_data_field", {"success": False, "type": "fail"}, ev("fail", False)))
    c.append(event("success_missing_data_field", {"success": True, "type": "aliyun_fast_auth_success"}, ev("success", True)))
    c.append(event("success_field_missing_defaults_false", {"type": "aliyun_fast_auth_init", "data": {}}, ev("init", False)))
    c.append(event("success_type_with_success_false_still_ends_flow", {"success": False, "type": "aliyun_fast_auth_success", "data": {}},
                   ev("success", False)))
    c.append(event("reason_ignored_for_non_fail_type", {"success": True, "type": "aliyun_fast_auth_re_authc", "data": {"reason": "ignored"}},
                   ev("re_authc", True)))
    c.append(event("unknown_type_long_form", {"success": True, "type": "aliyun_fast_auth_something_new", "data": {}}, ev("unknown", True)))
    c.append(event("unknown_type_bare_prefix", {"success": True, "type": "aliyun_fast_auth_", "data": {}}, ev("unknown", True)))
    c.append(event("unknown_type_upper_case", {"success": True, "type": "FAIL", "data": {"reason": "x"}}, ev("unknown", True)))
    c.append(event("unknown_type_empty_string", {"success": False, "type": "", "data": {}}, ev("unknown", False)))
    c.append(event("extra_fields_ignored", {"success": True, "type": "aliyun_fast_auth_open_alipay", "data": {"x": 1}, "ts": 1700000000},
                   ev("open_alipay", True)))
    # Origins.
    ok_init = ev("init", True)
    init = {"success": True, "type": "aliyun_fast_auth_init", "data": {}}
    succ = {"success": True, "type": "aliyun_fast_auth_success", "data": {}}
    c.append(event("origin_trailing_slash_ignored", init, ok_init, origin=LINK_ORIGIN + "/"))
    c.append(event("expected_origin_trailing_slash_ignored", init, ok_init, expected_origin=LINK_ORIGIN + "/"))
    c.append(event("origin_not_checked_when_expected_origin_null", succ, ev("success", True), origin="https://evil.example", expected_origin=None))
    c.append(event("origin_null_and_expected_origin_null", init, ok_init, origin=None, expected_origin=None))
    mismatch = {"kind": "origin_mismatch"}
    c.append(event("origin_mismatch_evil", succ, error=mismatch, origin="https://evil.example"))
    c.append(event("origin_mismatch_http_vs_https", succ, error=mismatch, origin="http://account.aliyun.com"))
    c.append(event("origin_mismatch_port", succ, error=mismatch, origin="https://account.aliyun.com:8443"))
    c.append(event("origin_mismatch_suffix_domain", succ, error=mismatch, origin="https://account.aliyun.com.evil.example"))
    c.append(event("origin_mismatch_case_sensitive", succ, error=mismatch, origin="https://ACCOUNT.aliyun.com"))
    c.append(event("origin_mismatch_absent_origin", succ, error=mismatch, origin=None))
    # Malformed data.
    bad = {"kind": "malformed"}
    c.append(event("malformed_not_json", "hello", error=bad))
    c.append(event("malformed_empty_string", "", error=bad))
    c.append(event("malformed_json_array", '[{"type":"aliyun_fast_auth_success"}]', error=bad))
    c.append(event("malformed_json_string", '"aliyun_fast_auth_success"', error=bad))
    c.append(event("malformed_json_null", "null", error=bad))
    c.append(event("malformed_type_number", {"success": True, "type": 3, "data": {}}, error=bad))
    c.append(event("malformed_type_missing", {"success": True, "data": {}}, error=bad))
    c.append(event("malformed_type_null", {"success": True, "type": None, "data": {}}, error=bad))
    names = [x["name"] for x in c]
    assert len(names) == len(set(names)), "duplicate case names"
    return c


# --------------------------------------------------------------------------------------------------
# diagnosis.json
# --------------------------------------------------------------------------------------------------

MARKER = "server string to sign is:"
PREFIX = "Specified signature is not matched with our calculation. "


def decode_string_to_sign(sts):
    """Cross-check only: (method, {name: value}) from a string-to-sign."""
    method, _slash, query = sts.split("&", 2)
    pairs = [p.split("=", 1) for p in unquote(query).split("&")]
    return method, {unquote(k): unquote(v) for k, v in pairs}


def differences(our_method, ours, server_method, server):
    """Reference diff written from the parameter lists themselves, not from decoding."""
    out = []
    if our_method != server_method:
        out.append({"kind": "method", "ours": our_method, "server": server_method})
    # The security token is a secret: a diagnosis never shows its value.
    hide = lambda name, value: "<redacted>" if name == "SecurityToken" else value  # noqa: E731
    o = {k: hide(k, v) for k, v in ours}
    s = {k: hide(k, v) for k, v in server}
    for name in sorted(set(o) | set(s), key=lambda n: n.encode("utf-8")):
        if name not in o:
            out.append({"kind": "missing", "name": name, "server": s[name]})
        elif name not in s:
            out.append({"kind": "extra", "name": name, "ours": o[name]})
        elif o[name] != s[name]:
            out.append({"kind": "different", "name": name, "ours": o[name], "server": s[name]})
    return out


def diagnosis(name, our_method, ours, server_method, server, message_suffix="", server_sts=None):
    our_sts = string_to_sign(our_method, ours)
    if server_sts is None:
        server_sts = string_to_sign(server_method, server)
    assert decode_string_to_sign(our_sts) == (our_method, dict(ours))
    assert decode_string_to_sign(server_sts) == (server_method, dict(server))
    diffs = differences(our_method, ours, server_method, server)
    identical = our_sts == server_sts
    assert identical == (not diffs)
    return {"name": name, "server_message": PREFIX + MARKER + server_sts + message_suffix, "string_to_sign": our_sts,
            "expect": {"server_string_found": True, "identical": identical, "differences": diffs}}


V3_MESSAGE = "Specified signature does not match our calculation."


def v3_message(server_cr, quote_request=True, separator=" ", suffix=""):
    """A V3 gateway message: its string to sign, and optionally its canonical request."""
    m = V3_MESSAGE + " server StringToSign is [" + v3_string_to_sign(server_cr) + "]"
    if quote_request:
        m += separator + "server CanonicalRequest is [" + server_cr + "]"
    return m + suffix


def v3_parts(method="POST", uri="/", query=None, headers=None, payload=V3_EMPTY_PAYLOAD):
    """A request's V3 parts; `headers` are already canonical: {lower-case name: value}."""
    if query is None:
        query = [["BidType", "NORMAL"], ["PK", "1234567890123456"]]
    if headers is None:
        headers = {k: v for k, v in v3_headers(CRM_HOST, *QUERY_V3) if k != "Accept"}
    return {"method": method, "uri": uri, "query": query, "headers": headers, "payload": payload}


def v3_request(parts):
    return v3_canonical_request(parts["method"], parts["uri"], parts["query"], list(parts["headers"].items()), parts["payload"])


def v3_differences(ours, server):
    """Reference V3 diff written from the parts themselves, not from parsing canonical requests."""
    out = differences(ours["method"], ours["query"], server["method"], server["query"])
    if ours["uri"] != server["uri"]:  # the path comes after the method, before the parameters
        at = 1 if out and out[0]["kind"] == "method" else 0
        out.insert(at, {"kind": "path", "ours": ours["uri"], "server": server["uri"]})
    shown = lambda n, v: "<redacted>" if n == "x-acs-security-token" else v  # noqa: E731
    o, s = ours["headers"], server["headers"]
    for name in sorted(set(o) | set(s)):
        if o.get(name) != s.get(name):
            d = {"kind": "header", "name": name}
            if name in o:
                d["ours"] = shown(name, o[name])
            if name in s:
                d["server"] = shown(name, s[name])
            out.append(d)
    if sorted(o) != sorted(s):
        out.append({"kind": "signed_headers", "ours": ";".join(sorted(o)), "server": ";".join(sorted(s))})
    if ours["payload"] != server["payload"]:
        out.append({"kind": "payload_hash", "ours": ours["payload"], "server": server["payload"]})
    return out


def v3_diagnosis(name, ours, server, quote_request=True, separator=" ", suffix=""):
    our_cr, server_cr = v3_request(ours), v3_request(server)
    identical = our_cr == server_cr
    if quote_request:
        diffs = v3_differences(ours, server)
    elif identical:
        diffs = []
    else:
        diffs = [{"kind": "hashed_canonical_request", "ours": v3_string_to_sign(our_cr).split("\n")[1],
                  "server": v3_string_to_sign(server_cr).split("\n")[1]}]
    assert identical == (not diffs), name
    return {"name": name, "server_message": v3_message(server_cr, quote_request, separator, suffix), "canonical_request": our_cr,
            "expect": {"server_string_found": True, "identical": identical, "differences": diffs}}


def with_headers(parts, **changes):
    """`parts` with headers changed (name_with_underscores=value) or removed (=None)."""
    h = dict(parts["headers"])
    for k, v in changes.items():
        k = k.replace("_", "-")
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    return dict(parts, headers=h)


def v3_diagnosis_cases():
    c = []
    p = v3_parts()
    sts_token = with_headers(p, x_acs_security_token=STS_TOKEN)
    c.append(v3_diagnosis("v3_identical_string_to_sign_secret_is_wrong", p, p, quote_request=False))
    c.append(v3_diagnosis("v3_identical_with_canonical_request_quoted", p, p))
    c.append(v3_diagnosis("v3_only_string_to_sign_quoted_requests_differ",
                          p, with_headers(p, x_acs_date="2026-11-23T08:00:01Z"), quote_request=False))
    c.append(v3_diagnosis("v3_method_differs", dict(p, method="GET"), p))
    c.append(v3_diagnosis("v3_path_differs", p, dict(p, uri="/api")))
    c.append(v3_diagnosis("v3_query_parameter_value_differs", p,
                          dict(p, query=[["BidType", "LIGHTWEIGHT"], ["PK", "1234567890123456"]])))
    c.append(v3_diagnosis("v3_query_parameter_missing_added_on_the_way", p, dict(p, query=p["query"] + [["RegionId", "cn-hangzhou"]])))
    c.append(v3_diagnosis("v3_query_parameter_extra_dropped_on_the_way", dict(p, query=p["query"] + [["Name", "张三 李"]]), p))
    c.append(v3_diagnosis("v3_header_value_differs", p, with_headers(p, x_acs_date="2026-11-23T08:00:01Z")))
    c.append(v3_diagnosis("v3_header_missing_content_type_added_by_a_proxy", p, with_headers(p, content_type="application/json")))
    c.append(v3_diagnosis("v3_header_extra_host_not_received", p, with_headers(p, host=None)))
    c.append(v3_diagnosis("v3_security_token_values_never_shown", sts_token, with_headers(p, x_acs_security_token=STS_TOKEN[:-4] + "AAA=")))
    c.append(v3_diagnosis("v3_security_token_not_received", sts_token, p))
    c.append(v3_diagnosis("v3_payload_hash_differs", p, dict(p, payload=hashlib.sha256(b"{}").hexdigest())))
    c.append(v3_diagnosis("v3_every_stage_in_order",
                          dict(p, method="GET", query=p["query"] + [["A", "ours only"]]),
                          with_headers(dict(p, uri="/x", query=[["BidType", "LIGHTWEIGHT"], ["PK", "1234567890123456"], ["B", "server only"]],
                                            payload=hashlib.sha256(b"x").hexdigest()),
                                       x_acs_version="2015-07-01", content_type="text/plain")))
    c.append(v3_diagnosis("v3_quotes_on_separate_lines", p, with_headers(p, x_acs_signature_nonce=NONCE_2), separator="\n"))
    c.append(v3_diagnosis("v3_text_after_the_quote", p, with_headers(p, x_acs_action="QueryBidUserCertifiedInfo2"),
                          suffix=" RequestId: 0A1B2C3D [see the troubleshooting page]"))
    our_cr = v3_request(p)
    c.append({"name": "v3_other_algorithm", "canonical_request": our_cr,
              "server_message": V3_MESSAGE + " server StringToSign is [ACS3-HMAC-SM3\n" + v3_string_to_sign(our_cr).split("\n")[1] + "]",
              "expect": {"server_string_found": True, "identical": False,
                         "differences": [{"kind": "algorithm", "ours": "ACS3-HMAC-SHA256", "server": "ACS3-HMAC-SM3"}]}})
    c.append({"name": "v3_message_without_marker", "server_message": V3_MESSAGE, "canonical_request": our_cr,
              "expect": {"server_string_found": False, "identical": False, "differences": []}})
    c.append({"name": "v3_v1_message_is_not_read_as_v3", "server_message": SPEC_MISMATCH_MESSAGE, "canonical_request": our_cr,
              "expect": {"server_string_found": False, "identical": False, "differences": []}})
    return c


def replace(params, **changes):
    return [[k, changes.get(k, v)] for k, v in params]


def diagnosis_cases():
    c = []
    spec = SPEC_SERVER_PARAMS
    ours = replace(spec, Format="JSON", SignatureMethod="HMAC-SHA1", Source="BID")
    case = diagnosis("spec_example_format_signature_method_source", "POST", ours, "POST", spec, server_sts=SPEC_SERVER_STRING_TO_SIGN)
    case["server_message"] = SPEC_MISMATCH_MESSAGE  # the spec's message, verbatim
    assert [d["name"] for d in case["expect"]["differences"]] == ["Format", "SignatureMethod", "Source"]
    c.append(case)

    q = query_params("1234567890123456", "LIGHTWEIGHT")
    c.append(diagnosis("method_mismatch_get_vs_post", "GET", q, "POST", q))
    c.append(diagnosis("missing_security_token", "POST", q, "POST", q + [["SecurityToken", STS_TOKEN]]))
    c.append(diagnosis("extra_parameter_region_id", "POST", q + [["RegionId", "cn-hangzhou"]], "POST", q))
    c.append(diagnosis("identical_strings_secret_is_wrong", "POST", q, "POST", q))
    c.append(diagnosis("trailing_whitespace_after_server_string", "POST", q, "POST", q, message_suffix=" \t\r\n"))
    c.append(diagnosis("value_differs_only_by_encoding_plus_vs_space", "POST", base([["Name", "John+Doe"]]),
                       "POST", base([["Name", "John Doe"]])))
    c.append(diagnosis("different_timestamp_decoded_once", "POST", q, "POST", replace(q, Timestamp="2026-11-23T08:00:01Z")))
    c.append(diagnosis("different_unicode_value", "POST", base([["Name", "张三"]]), "POST", base([["Name", "张三 "]])))
    c.append(diagnosis("value_containing_equals_and_ampersand", "POST", base([["Token", "a=b&c=d"]]), "POST", base([["Token", "a=b&c=e"]])))
    c.append(diagnosis("empty_value_vs_value", "POST", base([["Name", ""]]), "POST", base([["Name", "x"]])))
    c.append(diagnosis("all_difference_kinds_ordered", "GET",
                       replace(q, BidType="NORMAL") + [["A", "ours only"], ["a", "ours too"]],
                       "POST", replace(q, Format="XML") + [["SecurityToken", STS_TOKEN], ["B", "server only"]]))
    c.append(diagnosis("names_differing_only_in_case", "POST", [["pk", "1"], ["Action", "X"]], "POST", [["PK", "1"], ["Action", "X"]]))
    c.append({"name": "message_without_marker", "server_message": "Specified signature is not matched with our calculation.",
              "string_to_sign": string_to_sign("POST", q),
              "expect": {"server_string_found": False, "identical": False, "differences": []}})
    c.append({"name": "message_empty", "server_message": "", "string_to_sign": string_to_sign("POST", q),
              "expect": {"server_string_found": False, "identical": False, "differences": []}})
    c += v3_diagnosis_cases()
    names = [x["name"] for x in c]
    assert len(names) == len(set(names)), "duplicate case names"
    return c


# --------------------------------------------------------------------------------------------------
# exchange.json: scripted calls and the call engine's decisions
# --------------------------------------------------------------------------------------------------
#
# The policy rules, written out independently of the engine (see README.md, "exchange"):
# retry only what a retry can fix, back off from 200 ms doubling to 2 s with jitter (half to all of
# it), honour the server's hint (Retry-After in seconds or as a date, x-acs-retry-after in ms),
# never past the 30 s budget nor beyond 3 attempts, and correct a clock skew once from the Date of
# a timestamp error.

DEFAULT_POLICY = {"max_attempts": 3, "base_delay_ms": 200, "max_delay_ms": 2000, "budget_ms": 30000,
                  "attempt_timeout_ms": 10000, "connect_timeout_ms": 5000, "max_body_bytes": 1 << 20,
                  "signature_version": "v1"}
EXCHANGE_START_MS = 1795420800_000  # our clock at the first attempt: 2026-11-23T08:00:00Z
assert datetime.fromtimestamp(EXCHANGE_START_MS // 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") == TIMESTAMP
RETRYABLE_TRANSPORT = {"connect", "timeout", "reset"}  # tls is not: the certificate stays wrong


def backoff_bounds(policy, retry):
    """[shortest, longest] backoff before retry number `retry` (1-based)."""
    capped = min(policy["base_delay_ms"] * 2 ** (retry - 1), policy["max_delay_ms"])
    return [capped // 2, capped]


def backoff_at(policy, retry, jitter):
    lo, hi = backoff_bounds(policy, retry)
    return lo + (hi - lo) * jitter


def http_date(unix_ms):
    return datetime.fromtimestamp(unix_ms // 1000, timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")


def wire_time(unix_ms):
    return datetime.fromtimestamp(unix_ms // 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


OK_QUERY = json.dumps({"requestId": "EX-OK", "result": json.dumps({"aliyunPk": "1000000000000002", "isCertified": "1"})})
OK_URL = json.dumps({"RequestId": "EX-URL", "Data": "https://emulator.invalid/link?token=t", "Success": True})


def err(code, message="", rid=None):
    body = {"Code": code, "Message": message or code}
    if rid is not None:
        body["RequestId"] = rid
    return json.dumps(body)


def resp(status, body, headers=()):
    return {"status": status, "headers": [list(h) for h in headers], "body": body}


QUERY_OP = {"type": "query_certified_info", "pk": "1000000000000002", "bid_type": "NORMAL"}
URL_OP = {"type": "generate_cert_ways_url", "aliyun_pk": "1000000000000001", "bid_type": "NORMAL"}
RPC_OP = {"type": "rpc", "endpoint": "https://ecs.aliyuncs.com", "action": "DescribeRegions", "version": "2014-05-26",
          "params": [["RegionId", "cn-hangzhou"]]}


class Script:
    """Plays a call the way the engine must: each step's expected decision follows the rules above."""

    def __init__(self, name, op=QUERY_OP, policy=None, clock_offset=0):
        self.case = {"name": name, "operation": op, "start_ms": EXCHANGE_START_MS, "clock_offset": clock_offset,
                     "steps": []}
        if policy:
            self.case["policy"] = policy
        self.policy = dict(DEFAULT_POLICY, **(policy or {}))
        self.offset = clock_offset
        self.attempts = 0
        self.corrected = False
        self.finished = False
        self.now = 0  # ms after start, our clock

    def _request(self, step):
        self.attempts += 1
        left = self.policy["budget_ms"] - step["at_ms"]
        step["request"] = {"attempt": self.attempts,
                           "timestamp": wire_time(EXCHANGE_START_MS + step["at_ms"] + self.offset * 1000),
                           "timeout_ms": min(self.policy["attempt_timeout_ms"], left)}

    def _decide(self, step, kind, retryable, hint_ms=None):
        if not retryable or self.attempts >= self.policy["max_attempts"]:
            return self._fail(step, kind)
        jitter = step.get("jitter", 0.5)
        delay = int(round(max(backoff_at(self.policy, self.attempts, jitter), hint_ms or 0)))
        if step["after_ms"] + delay >= self.policy["budget_ms"]:
            return self._fail(step, kind)
        if "jitter" in step:  # a given jitter picks one point
            bounds = [delay, delay]
        else:
            lo, hi = backoff_bounds(self.policy, self.attempts)
            bounds = [max(lo, hint_ms or 0), max(hi, hint_ms or 0)]
        step["expect"] = {"decision": "retry", "delay_ms": bounds, "cause": kind}
        self.now = step["after_ms"] + delay
        return delay

    def _fail(self, step, kind, **extra):
        self.finished = True
        step["expect"] = dict({"decision": "fail", "kind": kind}, **extra)

    def step(self, answer, kind=None, retryable=False, hint_ms=None, took_ms=0, jitter=None, at_ms=None,
             fail_extra=None, done=None):
        """One attempt answered by `answer` (a response dict or a transport kind string)."""
        assert not self.finished
        step = {"at_ms": int(self.now if at_ms is None else at_ms)}
        self._request(step)
        step["after_ms"] = step["at_ms"] + took_ms
        if jitter is not None:
            step["jitter"] = jitter
        if isinstance(answer, str):
            step["transport"] = answer
        else:
            step["response"] = answer
        self.case["steps"].append(step)
        if done is not None:
            self.finished = True
            step["expect"] = dict({"decision": "done"}, **done)
        elif fail_extra is not None:
            self._fail(step, kind, **fail_extra)
        else:
            self._decide(step, kind, retryable, hint_ms)
        return step

    def skew(self, server_offset_s, took_ms=0):
        """A timestamp error whose Date shows the server `server_offset_s` ahead of our clock."""
        step = {"at_ms": int(self.now)}
        self._request(step)
        step["after_ms"] = step["at_ms"] + took_ms
        server_now = EXCHANGE_START_MS + step["at_ms"] + server_offset_s * 1000
        step["response"] = resp(400, err("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.",
                                         "EX-SKEW"), [("Date", http_date(server_now))])
        self.case["steps"].append(step)
        may_correct = (not self.corrected and server_offset_s != self.offset
                       and self.attempts < self.policy["max_attempts"])
        self.offset = server_offset_s  # kept for later calls, retried or not
        if may_correct:
            self.corrected = True
            step["expect"] = {"decision": "retry", "delay_ms": [0, 0], "cause": "timestamp"}
            self.now = step["after_ms"]
        else:
            self._fail(step, "timestamp", clock_offset=server_offset_s)
        return step

    def request_error(self, at_ms, kind):
        self.case["steps"].append({"at_ms": at_ms, "request_error": kind})
        self.finished = True

    def done(self):
        assert self.finished, self.case["name"]
        self.case["expect"] = {"attempts": self.attempts, "clock_offset": self.offset}
        return self.case


def exchange_cases():
    c = []
    ok = resp(200, OK_QUERY)

    s = Script("success_on_the_first_attempt")
    s.step(ok, done={"is_certified": True, "request_id": "EX-OK"})
    c.append(s.done())

    for name, status, code in [("service_unavailable", 503, "ServiceUnavailable"), ("internal_error", 500, "InternalError"),
                               ("signature_nonce_used", 400, "SignatureNonceUsed"), ("throttling", 400, "Throttling.User")]:
        kind = ERROR_KINDS.get(code) or error_kind(code)
        s = Script(f"{name}_is_retried_then_succeeds")
        s.step(resp(status, err(code, rid="EX-1")), kind=kind, retryable=True)
        s.step(ok, done={"is_certified": True})
        c.append(s.done())

    s = Script("unknown_code_with_5xx_is_retried")
    s.step(resp(502, err("Gateway.Busy")), kind="unknown", retryable=True)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("unknown_code_with_4xx_is_not_retried")
    s.step(resp(400, err("Some.NewCode", rid="EX-NEW")), fail_extra={"request_id": "EX-NEW"}, kind="unknown")
    c.append(s.done())

    s = Script("html_from_a_proxy_with_502_is_retried")
    s.step(resp(502, "<html><body>Bad Gateway</body></html>"), kind="parse", retryable=True)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("truncated_json_with_200_is_not_retried")
    s.step(resp(200, OK_QUERY[:20]), kind="parse", fail_extra={})
    c.append(s.done())

    for transport in ["connect", "timeout", "reset"]:
        s = Script(f"transport_{transport}_is_retried")
        s.step(transport, kind=transport, retryable=True, took_ms=30)
        s.step(ok, done={})
        c.append(s.done())

    s = Script("transport_tls_is_not_retried")
    s.step("tls", kind="tls", fail_extra={})
    c.append(s.done())

    business = [("bid_mismatch", 400, "Bid Mismatch"), ("not_bid", 400, "Not Bid"), ("invalid_pk", 400, "Invalid PK"),
                ("empty_pk", 400, "Empty PK"), ("api_not_found", 404, "InvalidApi.NotFound"),
                ("access_key_not_found", 404, "InvalidAccessKeyId.NotFound"), ("missing_parameter", 400, "MissingPK")]
    for kind, status, code in business:
        s = Script(f"business_error_{kind}_is_not_retried")
        s.step(resp(status, err(code, rid="EX-B")), kind=kind, fail_extra={"request_id": "EX-B"})
        c.append(s.done())

    s = Script("already_certified_is_not_retried", op=URL_OP)
    s.step(resp(400, err("Already Certified", rid="EX-AC")), kind="already_certified", fail_extra={})
    c.append(s.done())

    s = Script("signature_mismatch_is_diagnosed_not_retried")
    s.step(resp(400, err("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. "
                         "server string to sign is:GET&%2F&A%3D1")), kind="signature_mismatch",
           fail_extra={"diagnosed": True})
    c.append(s.done())

    s = Script("request_id_comes_from_the_header_when_the_body_has_none")
    s.step(resp(400, err("Bid Mismatch"), [("x-acs-request-id", "EX-HEADER")]), kind="bid_mismatch",
           fail_extra={"request_id": "EX-HEADER"})
    c.append(s.done())

    s = Script("max_attempts_are_the_limit")
    for _ in range(2):
        s.step(resp(503, err("ServiceUnavailable")), kind="service_unavailable", retryable=True)
    s.step(resp(503, err("ServiceUnavailable")), kind="service_unavailable", fail_extra={})
    c.append(s.done())

    s = Script("one_attempt_means_no_retry", policy={"max_attempts": 1})
    s.step(resp(503, err("ServiceUnavailable")), kind="service_unavailable", fail_extra={})
    c.append(s.done())

    s = Script("backoff_doubles_and_jitter_picks_the_point", policy={"max_attempts": 4})
    s.step("reset", kind="reset", retryable=True, jitter=0.0)
    s.step("reset", kind="reset", retryable=True, jitter=1.0)
    s.step("reset", kind="reset", retryable=True, jitter=0.25)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("backoff_is_capped_by_max_delay", policy={"max_attempts": 4, "base_delay_ms": 1500, "max_delay_ms": 2000})
    for j in [1.0, 1.0]:
        s.step("connect", kind="connect", retryable=True, jitter=j)
    s.step("connect", kind="connect", retryable=True, jitter=1.0)
    s.step(ok, done={})
    c.append(s.done())

    throttled = lambda headers: resp(400, err("Throttling.User", "Request was denied due to user flow control."), headers)  # noqa: E731
    s = Script("retry_after_seconds_is_honoured")
    s.step(throttled([("Retry-After", "3")]), kind="throttling", retryable=True, hint_ms=3000)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("x_acs_retry_after_is_milliseconds")
    s.step(throttled([("x-acs-retry-after", "1500")]), kind="throttling", retryable=True, hint_ms=1500)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("retry_after_as_a_date_is_read_against_the_server_date")
    date = EXCHANGE_START_MS
    s.step(throttled([("Date", http_date(date)), ("Retry-After", http_date(date + 4000))]), kind="throttling",
           retryable=True, hint_ms=4000)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("a_hint_shorter_than_the_backoff_does_not_shorten_it")
    s.step(throttled([("x-acs-retry-after", "1")]), kind="throttling", retryable=True, hint_ms=1)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("a_hint_beyond_the_budget_fails_the_call")
    s.step(throttled([("Retry-After", "60")]), kind="throttling", fail_extra={})
    c.append(s.done())

    s = Script("the_budget_stops_retries", policy={"budget_ms": 1000, "attempt_timeout_ms": 800})
    s.step("timeout", kind="timeout", retryable=True, took_ms=800, jitter=0.0)  # 800 + 100 < 1000
    s.step("timeout", kind="timeout", fail_extra={}, took_ms=100)  # the second attempt had 100 ms left
    c.append(s.done())

    s = Script("the_attempt_timeout_shrinks_to_what_the_budget_has_left", policy={"budget_ms": 12000})
    s.step("timeout", kind="timeout", retryable=True, took_ms=10000, jitter=0.0)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("a_request_after_the_budget_is_a_timeout", policy={"budget_ms": 1000})
    s.step("reset", kind="reset", retryable=True, jitter=0.0)
    s.request_error(1000, "timeout")
    c.append(s.done())

    s = Script("a_body_over_the_limit_is_refused", policy={"max_body_bytes": 64})
    s.step(resp(200, OK_QUERY + " " * 64), kind="parse", fail_extra={})
    c.append(s.done())

    s = Script("clock_skew_is_corrected_once_then_the_call_succeeds")
    s.skew(1200)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("clock_skew_behind_is_corrected_too")
    s.skew(-900)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("a_second_timestamp_error_reports_the_offset")
    s.skew(1200)
    s.skew(1500)
    c.append(s.done())

    s = Script("a_known_offset_timestamps_the_first_attempt", clock_offset=1200)
    s.step(ok, done={})
    c.append(s.done())

    s = Script("a_timestamp_error_with_our_own_time_is_not_a_skew")
    s.skew(0)
    c.append(s.done())

    s = Script("no_skew_retry_when_one_attempt_is_allowed", policy={"max_attempts": 1})
    s.skew(1200)
    c.append(s.done())

    s = Script("a_timestamp_error_without_date_fails")
    s.step(resp(400, err("InvalidTimeStamp.Format")), kind="timestamp", fail_extra={})
    c.append(s.done())

    s = Script("a_link_expires_three_hours_after_the_corrected_time", op=URL_OP)
    s.skew(1200)
    s.step(resp(200, OK_URL), done={"expires_at": wire_time(EXCHANGE_START_MS + (1200 + 3 * 3600) * 1000)})
    c.append(s.done())

    s = Script("signature_v3_is_chosen_by_the_policy", policy={"signature_version": "v3"})
    s.step(resp(503, err("ServiceUnavailable")), kind="service_unavailable", retryable=True)
    s.step(ok, done={"is_certified": True})
    for st in s.case["steps"]:
        st["request"]["authorization"] = "ACS3-HMAC-SHA256"
    c.append(s.done())

    s = Script("a_v3_signature_mismatch_is_diagnosed_from_the_canonical_request", policy={"signature_version": "v3"})
    s.step(resp(400, err("SignatureDoesNotMatch", "Specified signature does not match our calculation. "
                         "server StringToSign is [ACS3-HMAC-SHA256\\n" + "0" * 64 + "]")),
           kind="signature_mismatch", fail_extra={"diagnosed": True})
    s.case["steps"][0]["request"]["authorization"] = "ACS3-HMAC-SHA256"
    c.append(s.done())

    s = Script("any_rpc_action_goes_through_the_same_engine", op=RPC_OP)
    s.step(resp(503, err("ServiceUnavailable")), kind="service_unavailable", retryable=True)
    s.step(resp(200, json.dumps({"RequestId": "EX-RPC", "Regions": {}})), done={"request_id": "EX-RPC"})
    c.append(s.done())

    names = [x["name"] for x in c]
    assert len(names) == len(set(names)), "duplicate case names"
    return c


# --------------------------------------------------------------------------------------------------

def write(filename, kind, cases):
    path = os.path.join(HERE, filename)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps({"kind": kind, "cases": cases}, indent=2, ensure_ascii=False) + "\n")
    print(f"{filename}: {len(cases)} cases")


def main():
    write("signing.json", "signing", signing_cases())
    write("signing_v3.json", "signing_v3", signing_v3_cases())
    write("responses.json", "responses", responses_cases())
    write("fast_auth_events.json", "fast_auth_events", fast_auth_cases())
    write("diagnosis.json", "diagnosis", diagnosis_cases())
    write("exchange.json", "exchange", exchange_cases())


if __name__ == "__main__":
    main()

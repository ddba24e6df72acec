#!/usr/bin/env python3
"""Seeds each fuzz target's corpus from the shared vectors (tests/vectors/*.json).

Usage: seed.py VECTORS_DIR CORPUS_DIR. Writes CORPUS_DIR/<target>/<case name>, in each
target's input format (fuzz/README.md). Standard library only; the same vectors give the
same files.
"""

import json
import struct
import sys
from pathlib import Path

TOKEN = "\x01"  # what stands for a security token in the diagnosis targets
ISSUED_AT = 1795420800  # 2026-11-23T08:00:00Z, the vectors' time


def load(vectors, kind):
    cases = []
    for path in sorted(vectors.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("kind") == kind:
            cases.extend(doc["cases"])
    return cases


def timestamp(s):
    from datetime import datetime, timezone

    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def placeholders(text):
    """The security token's values replaced by the placeholder the targets substitute."""
    out = text
    for prefix, ends in (
        ("SecurityToken%3D", ("%26", " ", "\n")),
        ("SecurityToken=", ("&", " ", "\n")),
        ("x-acs-security-token:", ("\\n", "]", "\n")),
    ):
        start = 0
        while (at := out.find(prefix, start)) >= 0:
            value = at + len(prefix)
            ends_at = [i for i in (out.find(e, value) for e in ends) if i >= 0]
            end = min(ends_at) if ends_at else len(out)
            out = out[:value] + TOKEN + out[end:]
            start = value + 1
    return out


def seeds(vectors):
    """(target, name, bytes) for every seed."""
    u16 = lambda n: struct.pack(">H", n & 0xFFFF)
    u32 = lambda n: struct.pack(">I", n & 0xFFFFFFFF)
    i64 = lambda n: struct.pack(">q", n)
    utf8 = lambda s: s.encode("utf-8")

    for c in load(vectors, "responses"):
        body = utf8(c["body"])
        head = u16(c["status"])
        yield "rpc_response", c["name"], head + body
        if c["operation"] == "generate_cert_ways_url":
            yield "cert_ways_url", c["name"], head + i64(timestamp(c["issued_at"])) + body
        else:
            yield "certified_info", c["name"], head + body

    for c in load(vectors, "fast_auth_events"):
        flags = (c["origin"] is not None) | (c["expected_origin"] is not None) << 1
        text = "\0".join([c["origin"] or "", c["expected_origin"] or "", c["data"]])
        yield "fast_auth_event", c["name"], bytes([flags]) + utf8(text)

    for c in load(vectors, "diagnosis"):
        message = placeholders(c["server_message"])
        if "canonical_request" in c:
            yield "diagnose_v3", c["name"], utf8(message + "\0" + placeholders(c["canonical_request"]))
        else:
            yield "diagnose", c["name"], utf8(message + "\0" + placeholders(c["string_to_sign"]))

    for c in load(vectors, "signing"):
        post = c["method"] == "POST"
        fields = [c["access_key_secret"]]
        for name, value in c["params"]:
            fields += [name, value]
        # As given, with the vector's signature: verified as it stands.
        signed = utf8("\0".join(fields + ["Signature", c["signature"]]))
        yield "verify", c["name"], bytes([post]) + u16(0) + signed
        # Signed by the target, the server's clock 10 minutes ahead.
        yield "verify", c["name"] + "_resigned", bytes([post | 2]) + u16(600) + utf8("\0".join(fields))

    transports = {"connect": 0, "timeout": 1, "reset": 2, "tls": 3}
    header_names = ["date", "x-acs-request-id", "retry-after", "x-acs-retry-after"]
    operations = {"query_certified_info": 0, "generate_cert_ways_url": 1, "rpc": 2}
    for c in load(vectors, "exchange"):
        p = c.get("policy", {})
        out = bytes([operations[c["operation"]["type"]], p.get("max_attempts", 3)])
        out += bytes([1 if p.get("signature_version") == "v3" else 0])
        out += u32(p.get("budget_ms", 30000)) + u16(p.get("base_delay_ms", 200))
        out += u16(p.get("max_delay_ms", 2000)) + u32(p.get("attempt_timeout_ms", 10000))
        out += u32(p.get("max_body_bytes", 1 << 20))
        out += i64(c["start_ms"]) + i64(c["clock_offset"])
        steps = [s for s in c["steps"] if "response" in s or "transport" in s]
        for i, s in enumerate(steps):
            gap = max(s.get("after_ms", s["at_ms"]) - s["at_ms"], 0)
            late = 0
            jitter = round(s.get("jitter", 0.5) * 255)
            if "transport" in s:
                out += bytes([transports[s["transport"]]]) + u32(gap) + u16(late) + bytes([jitter])
                continue
            r = s["response"]
            out += bytes([4]) + u32(gap) + u16(late) + bytes([jitter]) + u16(r["status"])
            headers = [(n, v) for n, v in r["headers"] if n.lower() in header_names]
            out += bytes([len(headers)])
            for name, value in headers:
                v = utf8(value)[:255]
                out += bytes([header_names.index(name.lower()), len(v)]) + v
            body = utf8(r["body"])[:0xFFFF]
            out += u16(len(body)) + body
        yield "exchange", c["name"], out


# Inputs of the targets no vector covers: the documented shapes of each file.
HANDWRITTEN = {
    "cli_config": {
        "ak_profile": b"\0" + json.dumps({"current": "default", "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "LTAI5tExample",
             "access_key_secret": "s3cretValue", "region_id": "cn-hangzhou"}]}).encode(),
        "sts_profile_named": b"\x01work\0" + json.dumps({"current": "default", "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "a", "access_key_secret": "b"},
            {"name": "work", "mode": "StsToken", "access_key_id": "STS.id",
             "access_key_secret": "stsSecret", "sts_token": "CAIStoken"}]}).encode(),
        "unsupported_mode": b"\0" + json.dumps({"profiles": [
            {"name": "default", "mode": "RamRoleArn", "access_key_id": "a",
             "access_key_secret": "b"}]}).encode(),
    },
    "shared_credentials": {
        "access_key": b"\0[default]\ntype = access_key\naccess_key_id = LTAI5tExample\n"
                      b"access_key_secret = s3cretValue\n",
        "sts_named": b"\x01work\0[default]\nenable = false\n[work]\ntype = sts\n"
                     b"access_key_id = STS.id\naccess_key_secret = stsSecret\n"
                     b"security_token = CAIStoken\n",
        "quoted_and_commented": b"\0; a comment\n[default]\naccess_key_id = \"LTAI5t x\"\n"
                                b"access_key_secret = s3cret # not a comment\n",
    },
    "audit_input": {
        "plain_list": b"\0" + b"1000000000000001\n\n# a comment\n 1000000000000002 \r\n",
        "csv_guessed": b"\0\xef\xbb\xbfname,PK\nalice,1000000000000001\nbob,1000000000000002\n",
        "csv_column": b"\x01id\0a,id\nx,7\n\"quoted, field\",8\n",
    },
}


def fixture_seeds():
    """Small hand-written fixtures (`make fuzz` adds the demo fixture beside them)."""
    yield "minimal", json.dumps({
        "resellers": [{"access_key_id": "LTAI5tMine", "access_key_secret": "s3cret",
                       "uid": "1900000000000009", "bid_type": "NORMAL", "aas_granted": True}],
        "customers": [{"pk": "1000000000000009", "owner": "1900000000000009"}]}).encode()
    yield "roles", json.dumps({
        "resellers": [{"access_key_id": "LTAI5tMine", "access_key_secret": "s3cret",
                       "uid": "1900000000000009", "bid_type": "LIGHTWEIGHT"}],
        "accounts": [{"access_key_id": "LTAI5tOther", "access_key_secret": "x",
                      "uid": "1900000000000010"}],
        "customers": [{"pk": "1000000000000009", "owner": "1900000000000009", "verified": True,
                       "certificate": {"account_cert_type": "enterprise", "name": "Co",
                                       "phone": "13800000000", "cert_type": "9",
                                       "cert_number": "91330100MA2B000000"}}],
        "roles": [{"arn": "acs:ram::1900000000000009:role/r", "reseller": "1900000000000009",
                   "principals": ["1900000000000010"],
                   "oidc_providers": ["acs:ram::1900000000000009:oidc-provider/p"],
                   "max_session_duration": 7200}],
        "oidc_providers": [{"arn": "acs:ram::1900000000000009:oidc-provider/p",
                            "tokens": ["oidc-token-1"]}],
        "instance": {"role": "acs:ram::1900000000000009:role/r"}}).encode()


def main():
    vectors, corpus = Path(sys.argv[1]), Path(sys.argv[2])
    count = {}

    def write(target, name, data):
        d = corpus / target
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)
        count[target] = count.get(target, 0) + 1

    for target, name, data in seeds(vectors):
        write(target, name, data)
    for target, files in HANDWRITTEN.items():
        for name, data in files.items():
            write(target, name, data)
    for name, data in fixture_seeds():
        write("fixture", name, data)
    for target in sorted(count):
        print(f"seed: {target}: {count[target]} inputs")


if __name__ == "__main__":
    main()

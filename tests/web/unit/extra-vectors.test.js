// BIDCERT_EXTRA_VECTORS reaches the JS runner: an extra fast_auth_events file is run, and a
// file that cannot be used fails the suite instead of being skipped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), "vectors.test.js");

function run(extra) {
  const env = { ...process.env, BIDCERT_EXTRA_VECTORS: extra };
  delete env.NODE_TEST_CONTEXT; // the child is a run of its own, not a subtest of this one
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", RUNNER], { env, encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

test("an extra file's cases run, and a wrong expectation fails", () => {
  const dir = mkdtempSync(join(tmpdir(), "bidcert-extra-"));
  const good = join(dir, "captured.json");
  const wrong = join(dir, "wrong.json");
  const c = (expect) => ({
    kind: "fast_auth_events",
    cases: [{ name: "captured_live_success", data: '{"success":true,"type":"aliyun_fast_auth_success","data":{}}', origin: "https://account.aliyun.com", expected_origin: "https://account.aliyun.com", expect }],
  });
  writeFileSync(good, JSON.stringify(c({ type: "success", success: true, reason: null, ends_flow: true })));
  writeFileSync(wrong, JSON.stringify(c({ type: "success", success: true, reason: null, ends_flow: false })));
  const ok = run(`:${good}:`);
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /ok \d+ - captured:captured_live_success/);
  const bad = run(wrong);
  assert.notEqual(bad.status, 0);
  assert.match(bad.out, /not ok \d+ - wrong:captured_live_success/);
});

test("an unreadable file or an unknown kind fails the suite", () => {
  const dir = mkdtempSync(join(tmpdir(), "bidcert-extra-"));
  const unknown = join(dir, "unknown.json");
  writeFileSync(unknown, JSON.stringify({ kind: "nonsense", cases: [] }));
  for (const extra of [join(dir, "missing.json"), unknown]) {
    const r = run(extra);
    assert.notEqual(r.status, 0, extra);
    assert.match(r.out, /not ok \d+ - vector file .* is usable/);
  }
});

// Every fast_auth_events case of tests/vectors/ and of BIDCERT_EXTRA_VECTORS, through the
// module's parseFastAuthEvent: the same contract as the Rust, C, Go and Python suites.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { FastAuthEventError, parseFastAuthEvent } from "../../../web/bidcert-fastauth.js";

const here = dirname(fileURLToPath(import.meta.url));
const VECTOR_DIR = resolve(here, "../../vectors");
// Every kind tests/vectors/README.md defines; this suite runs the fast_auth_events ones.
const KINDS = new Set(["signing", "signing_v3", "responses", "fast_auth_events", "diagnosis", "exchange"]);

function vectorPaths() {
  const tree = readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join(VECTOR_DIR, f));
  const extra = (process.env.BIDCERT_EXTRA_VECTORS || "").split(":").filter((p) => p !== "");
  return [...tree, ...extra];
}

// A listed file that cannot be read or parsed, or has an unknown kind, fails the suite.
const files = vectorPaths().map((path) => {
  try {
    const doc = JSON.parse(readFileSync(path, "utf8"));
    if (doc === null || typeof doc !== "object" || !Array.isArray(doc.cases)) {
      return { path, error: 'not {"kind": ..., "cases": [...]}' };
    }
    if (!KINDS.has(doc.kind)) return { path, error: `unknown kind ${JSON.stringify(doc.kind)}` };
    return { path, kind: doc.kind, cases: doc.cases };
  } catch (e) {
    return { path, error: `cannot read or parse: ${e.message}` };
  }
});

for (const f of files.filter((f) => f.error)) {
  test(`vector file ${f.path} is usable`, () => assert.fail(`${f.path}: ${f.error}`));
}

const eventFiles = files.filter((f) => f.kind === "fast_auth_events");

test("the tree has fast_auth_events vectors", () => {
  const tree = eventFiles.filter((f) => f.path.startsWith(VECTOR_DIR));
  assert.ok(tree.length > 0 && tree.every((f) => f.cases.length > 0));
});

for (const f of eventFiles) {
  for (const c of f.cases) {
    const name = `${basename(f.path, ".json")}:${c.name}`;
    test(name, () => {
      const run = () => parseFastAuthEvent(c.data, c.origin, c.expected_origin);
      if (c.error) {
        assert.throws(run, (e) => e instanceof FastAuthEventError && e.kind === c.error.kind, `${name}: expected ${c.error.kind}`);
        return;
      }
      const e = run();
      assert.deepEqual(
        { type: e.type, success: e.success, reason: e.reason, ends_flow: e.endsFlow },
        c.expect,
        name,
      );
      // The browser hands over the posted object itself, not its JSON text: same answer.
      const posted = parseFastAuthEvent(JSON.parse(c.data), c.origin, c.expected_origin);
      assert.deepEqual(posted, e, `${name} (as a posted object)`);
    });
  }
}

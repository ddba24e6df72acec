// web/bidcert-fastauth.d.ts: it compiles with the usage a reseller writes (tsc --noEmit,
// strict), and it declares exactly what the module exports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import * as fastauth from "../../../web/bidcert-fastauth.js";

const here = dirname(fileURLToPath(import.meta.url));
const DTS = resolve(here, "../../../web/bidcert-fastauth.d.ts");

test("the declarations name every runtime export, and nothing else", () => {
  const declared = [...readFileSync(DTS, "utf8").matchAll(/^export declare (?:function|const|class) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual(declared.sort(), Object.keys(fastauth).sort());
});

test("tsc --noEmit --strict accepts the typed usage and the declarations", () => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "--noEmit", "-p", resolve(here, "../types/tsconfig.json")], { encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});

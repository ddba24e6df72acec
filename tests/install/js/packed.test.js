// The npm package from dist/ as a reseller's page uses it: `npm install` of the packed tarball
// into a project outside the checkout, TypeScript resolving its types through `exports`, and a
// page served from that directory importing the module by its package name, run once in
// Chromium (the browser suite's harness) against the reference back office and its emulator.
// Environment: BIDCERT_DIST (dist/), BIDCERT_VERSION; make install-test-js sets both.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, relative, resolve, sep } from "node:path";

import { ROOT, admin, launchChromium, startBackOffice } from "../../web/e2e/harness.js";

const DIST = process.env.BIDCERT_DIST;
const VERSION = process.env.BIDCERT_VERSION;
const UNVERIFIED = "1000000000000001"; // the demo fixture's unverified customer
const TIMEOUT = 10_000;
const MIME = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".json": "application/json" };

/** The packed tarball, or a failure that says what is missing. */
function tarball() {
  assert.ok(DIST && VERSION, "BIDCERT_DIST and BIDCERT_VERSION must be set (run it through make install-test-js)");
  const path = resolve(DIST, `bidcert-fastauth-${VERSION}.tgz`);
  assert.ok(existsSync(path), `${path} is missing: run make dist`);
  return path;
}

let scratch;
let server;
let backOffice;
let browser;

before(async () => {
  const packed = tarball();
  scratch = mkdtempSync(join(tmpdir(), "bidcert-install-js-"));
  assert.ok(!(scratch + sep).startsWith(ROOT + sep), `${scratch} is inside the checkout`);
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "outside-page", private: true, type: "module" }));
  try {
    execFileSync(process.env.NPM || "npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", packed], {
      cwd: scratch,
      encoding: "utf8",
      stdio: "pipe",
    });
  } catch (e) {
    assert.fail(`npm install ${packed} failed:\n${e.stdout}${e.stderr}`);
  }
  server = createServer((req, res) => {
    const path = resolve(scratch, "." + decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!(path + sep).startsWith(scratch + sep) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": MIME[extname(path)] || "application/octet-stream" });
    res.end(readFileSync(path));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  [backOffice, browser] = await Promise.all([startBackOffice(), launchChromium()]);
});

after(async () => {
  await Promise.allSettled([browser?.close(), backOffice?.stop(), new Promise((r) => (server ? server.close(r) : r()))]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test("the package holds the module, its types, README and licences, and nothing else", () => {
  const listed = execFileSync("tar", ["-tzf", tarball()], { encoding: "utf8" }).trim().split("\n").sort();
  assert.deepEqual(listed, [
    "package/LICENSE-APACHE",
    "package/LICENSE-MIT",
    "package/README.md",
    "package/bidcert-fastauth.d.ts",
    "package/bidcert-fastauth.js",
    "package/package.json",
  ]);
  const manifest = JSON.parse(readFileSync(join(scratch, "node_modules/bidcert-fastauth/package.json"), "utf8"));
  assert.equal(manifest.version, VERSION);
  assert.equal(manifest.license, "(MIT OR Apache-2.0)");
});

test("TypeScript finds the declarations through the package's exports", () => {
  writeFileSync(
    join(scratch, "usage.ts"),
    `import { mountFastAuth, type FastAuthEvent } from "bidcert-fastauth";
const handle = mountFastAuth(document.createElement("div"), {
  url: "https://account.aliyun.com/cert/listCertWays.html?token=x",
  onEvent: (e: FastAuthEvent) => console.log(e.type),
});
handle.destroy();
`,
  );
  writeFileSync(
    join(scratch, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], types: [] },
      files: ["usage.ts"],
    }),
  );
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc", { paths: [resolve(ROOT, "tests/web")] });
  try {
    execFileSync(process.execPath, [tsc, "-p", join(scratch, "tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc does not accept the package's types:\n${e.stdout}${e.stderr}`);
  }
});

test("a page served from outside imports the packed module and follows a verification in Chromium", async () => {
  // Where the package's `exports` send an import of "bidcert-fastauth" (as a bundler would).
  const entry = createRequire(join(scratch, "package.json")).resolve("bidcert-fastauth");
  assert.ok((entry + sep).startsWith(join(scratch, "node_modules") + sep), entry);
  const importMap = { imports: { "bidcert-fastauth": "/" + relative(scratch, entry).split(sep).join("/") } };
  writeFileSync(
    join(scratch, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>outside</title>
<script type="importmap">${JSON.stringify(importMap)}</script>
<div id="verify"></div>
<script type="module" src="/page.js"></script>`,
  );
  writeFileSync(
    join(scratch, "page.js"),
    `import { mountFastAuth } from "bidcert-fastauth";
const link = JSON.parse(new URLSearchParams(location.search).get("link"));
window.seen = [];
mountFastAuth(document.getElementById("verify"), {
  url: link.url,
  expiresIn: link.expires_in,
  onEvent: (event) => window.seen.push(event.type),
  onSuccess: () => { document.body.dataset.verified = "true"; },
});
document.body.dataset.ready = "true";
`,
  );
  // The back office issues the link (its emulator serves the link's page).
  const response = await fetch(`${backOffice.url}/api/customers/${UNVERIFIED}/link`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  assert.equal(response.status, 200, await response.clone().text());
  const link = await response.json();

  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  const origin = `http://127.0.0.1:${server.address().port}`;
  await page.goto(`${origin}/index.html?link=${encodeURIComponent(JSON.stringify(link))}`);
  await page.locator('body[data-ready="true"]').waitFor();
  await page.frameLocator("#verify iframe").locator("#success").click();
  await page.locator('body[data-verified="true"]').waitFor();
  assert.deepEqual(await page.evaluate(() => window.seen), ["init", "success"]);
  assert.equal((await admin(backOffice.emulator, "GET", `customers/${UNVERIFIED}`)).verified, true);
  assert.deepEqual(errors, []);
  await context.close();
});

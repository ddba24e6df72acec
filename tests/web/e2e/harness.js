// What the browser suite runs against: the reference back office (examples/web/app.py, with
// the bidcert emulator in-process), a page on another origin, and Debian's Chromium driven by
// playwright-core (never a downloaded browser).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { once } from "node:events";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const CHROMIUM = process.env.BIDCERT_CHROMIUM || "/usr/bin/chromium";
const PYTHON = process.env.BIDCERT_PYTHON || resolve(ROOT, ".venv/bin/python");
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts the back office with an in-process emulator; resolves to {url, emulator, stop()}. */
export async function startBackOffice() {
  const child = spawn(PYTHON, [resolve(ROOT, "examples/web/app.py"), "--emulator"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, "line").then(([line]) => line),
    once(child, "exit").then(([code]) => {
      throw new Error(`back office exited with ${code} before starting:\n${stderr}`);
    }),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`back office did not start in 20 s:\n${stderr}`)), 20_000).unref()),
  ]);
  const { url, emulator } = JSON.parse(first);
  return {
    url,
    emulator,
    get stderr() {
      return stderr;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

/** The emulator's admin API (`/_emulator/...`). */
export async function admin(emulator, method, path, body) {
  const response = await fetch(`${emulator}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} /_emulator/${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

// Posts a FastAuthc success to the window that opened it (?to=opener) or to its parent
// (?to=parent): what a hostile page would try.
const HOSTILE_PAGE = `<!doctype html><meta charset="utf-8"><title>hostile</title>
<p>Another origin.</p>
<script>
  var to = new URLSearchParams(location.search).get("to");
  var target = to === "parent" ? window.parent : window.opener;
  target.postMessage({ success: true, type: "aliyun_fast_auth_success", data: {} }, "*");
  target.postMessage(JSON.stringify({ success: true, type: "fail", data: { reason: "hostile" } }), "*");
  document.title = "sent";
</script>`;

/** A page on another loopback origin; resolves to {origin, close()}. */
export async function startHostileOrigin() {
  const server = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(HOSTILE_PAGE);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// End to end in headless Chromium: the reference back office (examples/web/) shows the
// emulator's verification link with web/bidcert-fastauth.js.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";

import { ROOT, admin, launchChromium, startBackOffice, startHostileOrigin } from "./harness.js";

const UNVERIFIED = "1000000000000001"; // the demo fixture's unverified customer (Li Si)
// Scratch output goes where cargo's does (make exports the target dir it decided).
const SCRATCH = resolve(process.env.CARGO_TARGET_DIR || resolve(ROOT, "target"), "web");
const SCREENSHOT = resolve(SCRATCH, "web-demo.png");
const DOCS_SCREENSHOT = resolve(ROOT, "docs/img/web-demo.png");
const TIMEOUT = 10_000;

let backOffice;
let hostile;
let browser;
const contexts = [];

before(async () => {
  [backOffice, hostile, browser] = await Promise.all([startBackOffice(), startHostileOrigin(), launchChromium()]);
});

after(async () => {
  await Promise.allSettled(contexts.map((c) => c.close()));
  await Promise.allSettled([browser?.close(), backOffice?.stop(), hostile?.close()]);
});

beforeEach(async () => {
  await admin(backOffice.emulator, "POST", "reset");
});

/** A fresh page on the back office, its customers listed. */
async function openBackOffice(contextOptions = {}, beforeGoto = async () => {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1100 }, ...contextOptions });
  contexts.push(context);
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await beforeGoto(page);
  await page.goto(backOffice.url + "/");
  await page.locator('body[data-ready="true"]').waitFor();
  return { page, context, errors };
}

const row = (page, pk) => page.locator(`#customers tr[data-pk="${pk}"]`);
const logEntry = (page, re) => page.locator("#log li").filter({ hasText: re });
const frame = (page) => page.frameLocator("#fastauth iframe");

async function logLines(page) {
  return (await page.locator("#log li").allInnerTexts()).map((t) => t.replace(/^\S+ /, ""));
}

/** Asks for a link for `pk` and waits for the page inside the iframe to say init. */
async function startVerification(page, pk = UNVERIFIED) {
  await row(page, pk).locator("button.verify").click();
  await logEntry(page, /^\S+ event: init$/).first().waitFor();
  await frame(page).locator("#success").waitFor();
}

describe("the back office in Chromium", () => {
  test("success: the state flips to verified (screenshot)", async () => {
    const { page, errors } = await openBackOffice();
    const badge = row(page, UNVERIFIED).locator(".badge");
    assert.equal(await badge.innerText(), "Not verified");
    await startVerification(page);

    await frame(page).locator("#success").click();
    await logEntry(page, /event: success$/).waitFor();
    await logEntry(page, new RegExp(`refresh: ${UNVERIFIED} is verified`)).waitFor();
    await row(page, UNVERIFIED).locator(".badge.verified").waitFor();
    assert.equal(await badge.innerText(), "Verified");
    assert.equal(await page.locator("#status").innerText(), `Verified: the API confirms that ${UNVERIFIED} is verified.`);
    // The back office re-queried the API: masked certificate data, never the raw values.
    const cells = await row(page, UNVERIFIED).locator("td").allInnerTexts();
    assert.equal(cells[2], "personal");
    assert.ok(cells[3].startsWith("L") && cells[3].includes("*"), cells[3]);
    assert.ok(cells[4].includes("*") && cells[5].includes("*"), cells.join(" | "));
    const text = await page.locator("body").innerText();
    for (const raw of ["Li Si", "13800000001", "110101199001010011"]) assert.ok(!text.includes(raw), raw);
    // The emulator agrees.
    assert.equal((await admin(backOffice.emulator, "GET", `customers/${UNVERIFIED}`)).verified, true);
    assert.deepEqual(await logLines(page), [
      `refresh: ${UNVERIFIED} is verified (queried the API)`,
      "event: success",
      "event: init",
      `link: issued for ${UNVERIFIED}, valid 180 min`,
    ]);

    mkdirSync(SCRATCH, { recursive: true });
    await page.locator(".flash").evaluateAll((rows) => rows.forEach((r) => r.classList.remove("flash")));
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    if (!existsSync(DOCS_SCREENSHOT) || process.env.BIDCERT_UPDATE_SCREENSHOT === "1") {
      mkdirSync(resolve(ROOT, "docs/img"), { recursive: true });
      copyFileSync(SCREENSHOT, DOCS_SCREENSHOT);
    }
    assert.deepEqual(errors, []);
  });

  test("fail: the reason is shown and the state stays unverified", async () => {
    const { page, errors } = await openBackOffice();
    await startVerification(page);
    const reason = "姓名与证件号不符 (name and number differ)";
    await frame(page).locator("#reason").fill(reason);
    await frame(page).locator("#fail").click();
    await logEntry(page, /event: fail/).waitFor();
    assert.equal(await page.locator("#status").innerText(), `Verification failed: ${reason}`);
    assert.equal((await logLines(page))[0], `event: fail (${reason})`);
    assert.equal(await row(page, UNVERIFIED).locator(".badge").innerText(), "Not verified");
    assert.equal((await admin(backOffice.emulator, "GET", `customers/${UNVERIFIED}`)).verified, false);
    // The page offers to try again: the flow goes on.
    await frame(page).locator("#success").click();
    await row(page, UNVERIFIED).locator(".badge.verified").waitFor();
    assert.deepEqual(errors, []);
  });

  test("messages from another window or another origin are ignored", async () => {
    const { page, context, errors } = await openBackOffice();
    await startVerification(page);

    // 1. A popup on another origin posts success and fail to its opener.
    const [popup] = await Promise.all([
      context.waitForEvent("page"),
      page.evaluate((url) => void window.open(url), `${hostile.origin}/?to=opener`),
    ]);
    await popup.waitForFunction(() => document.title === "sent");
    await logEntry(page, new RegExp(`ignored: other_window message from ${hostile.origin}`)).nth(1).waitFor();

    // 2. Another frame at the link's own origin (a second link page) posts init, then success.
    const { url: strayUrl } = await page.evaluate(async (pk) => {
      const r = await fetch(`/api/customers/${pk}/link`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
      return r.json();
    }, UNVERIFIED);
    await page.evaluate((src) => {
      const f = document.createElement("iframe");
      f.id = "stray";
      f.src = src;
      document.body.append(f);
    }, strayUrl);
    const linkOrigin = new URL(strayUrl).origin;
    await logEntry(page, new RegExp(`ignored: other_window message from ${linkOrigin}`)).first().waitFor();
    await page.frameLocator("#stray").locator("#success").click();
    await page.frameLocator("#stray").locator("#status").filter({ hasText: "Sent aliyun_fast_auth_success" }).waitFor();
    await logEntry(page, new RegExp(`ignored: other_window message from ${linkOrigin}`)).nth(1).waitFor();

    // 3. The page's own window posts to itself.
    await page.evaluate(() => window.postMessage({ success: true, type: "aliyun_fast_auth_success", data: {} }, "*"));
    await logEntry(page, new RegExp(`ignored: other_window message from ${backOffice.url}`)).waitFor();

    // The real iframe still works, and nothing else got through.
    await frame(page).locator("#later").click();
    await logEntry(page, /event: later$/).waitFor();
    const lines = await logLines(page);
    assert.deepEqual(lines.filter((l) => l.startsWith("event:")), ["event: later", "event: init"]);
    assert.ok(!lines.some((l) => l.startsWith("refresh:")), lines.join("\n"));
    assert.equal(await page.locator("#status").innerText(), "The customer will verify later.");
    assert.equal(await row(page, UNVERIFIED).locator(".badge").innerText(), "Not verified");
    assert.deepEqual(errors, []);
  });

  test("the verification iframe itself at another origin is ignored", async () => {
    // As if the link page sent the iframe elsewhere; the page's CSP would block that, so it is
    // bypassed here to test the module's own origin check.
    const { page, errors } = await openBackOffice({ bypassCSP: true });
    await startVerification(page);
    await page.locator("#fastauth iframe").evaluate((f, url) => {
      f.src = url;
    }, `${hostile.origin}/?to=parent`);
    await logEntry(page, new RegExp(`ignored: origin_mismatch message from ${hostile.origin}`)).nth(1).waitFor();
    const lines = await logLines(page);
    assert.deepEqual(lines.filter((l) => l.startsWith("event:")), ["event: init"]);
    assert.equal(await page.locator("#status").innerText(), "The customer can verify now.");
    assert.deepEqual(errors, []);
  });

  test("an expired link: expired panel, then a new link", async () => {
    const { page, errors } = await openBackOffice({}, (p) => p.clock.install());
    await startVerification(page);
    const oldUrl = await page.locator("#fastauth iframe").getAttribute("src");

    // Three hours pass at the emulator: the link is dead there.
    await admin(backOffice.emulator, "POST", "clock", { offset_seconds: 3 * 3600 });
    await frame(page).locator("#success").click();
    await frame(page).locator("#status").filter({ hasText: "expired" }).waitFor();
    assert.equal((await fetch(oldUrl)).status, 410);

    // And in the browser: the module removes the iframe, says so and asks for a new link. The
    // back office's client would correct its clock to the emulator's by itself, so the
    // gateway is made to fail every attempt of that request.
    await admin(backOffice.emulator, "POST", "faults", { kind: "http_503", next: 10 });
    await page.clock.fastForward(3 * 3600 * 1000);
    const panel = page.locator(".bidcert-fastauth-expired");
    await panel.filter({ hasText: "Could not get a new link." }).waitFor();
    assert.equal(await page.locator("#fastauth iframe").count(), 0);
    assert.equal(await page.locator(".bidcert-fastauth").getAttribute("data-state"), "expired");
    await logEntry(page, /^\S+ expired: link for/).waitFor();
    await logEntry(page, /error: .*ServiceUnavailable/).waitFor();

    // Once the gateway answers again, the panel's button brings a new link.
    await admin(backOffice.emulator, "DELETE", "faults");
    await panel.locator("button.bidcert-fastauth-renew").click();
    await logEntry(page, /event: init$/).nth(1).waitFor();
    const newUrl = await page.locator("#fastauth iframe").getAttribute("src");
    assert.notEqual(newUrl, oldUrl);
    assert.ok(await panel.isHidden());
    await frame(page).locator("#success").click();
    await row(page, UNVERIFIED).locator(".badge.verified").waitFor();
    assert.deepEqual(errors, []);
  });
});

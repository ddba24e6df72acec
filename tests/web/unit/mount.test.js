// mountFastAuth and checkFastAuthMessage without a browser: which messages are acted on,
// which callbacks run, expiry and renewal, destroy. (Real Chromium: tests/web/e2e/.)
import { afterEach, beforeEach, describe, mock, test } from "node:test";
import assert from "node:assert/strict";

import {
  FastAuthEventError,
  checkFastAuthMessage,
  linkOrigin,
  mountFastAuth,
  parseFastAuthEvent,
} from "../../../web/bidcert-fastauth.js";
import { setup } from "./fake-dom.js";

const LINK = "https://account.aliyun.com/cert/listCertWays.html?token=abc";
const ORIGIN = "https://account.aliyun.com";
const msg = (type, data = {}) => ({ success: true, type, data });
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Mounts LINK with every callback recorded in `calls`. */
function mounted(extra = {}) {
  const { doc, win, container } = setup();
  const calls = [];
  const record = (name) => (...args) => calls.push([name, ...args]);
  const names = ["onEvent", "onInit", "onSuccess", "onFail", "onLater", "onAnotherWay", "onReverify",
    "onOpenAlipay", "onUnknown", "onRejected", "onExpired", "onError"];
  const options = Object.fromEntries(names.map((n) => [n, record(n)]));
  const handle = mountFastAuth(container, { url: LINK, ...options, ...extra });
  const frame = () => handle.iframe.contentWindow;
  const fromFrame = (data, origin = ORIGIN) => win.post(data, { origin, source: frame() });
  return { doc, win, container, calls, handle, frame, fromFrame, names: (c = calls) => c.map((x) => x[0]) };
}

describe("checkFastAuthMessage", () => {
  const frame = {};
  test("accepts the iframe's window at the link's origin", () => {
    const v = checkFastAuthMessage({ data: msg("aliyun_fast_auth_success"), origin: ORIGIN, source: frame }, { expectedOrigin: ORIGIN, source: frame });
    assert.equal(v.ok, true);
    assert.equal(v.event.type, "success");
    assert.equal(v.event.endsFlow, true);
  });
  test("drops another window even at the link's origin", () => {
    const v = checkFastAuthMessage({ data: msg("success"), origin: ORIGIN, source: {} }, { expectedOrigin: ORIGIN, source: frame });
    assert.deepEqual(v, { ok: false, reason: "other_window" });
  });
  test("drops a message with no source, or when the iframe has no window", () => {
    assert.equal(checkFastAuthMessage({ data: msg("success"), origin: ORIGIN, source: null }, { expectedOrigin: ORIGIN, source: frame }).reason, "other_window");
    assert.equal(checkFastAuthMessage({ data: msg("success"), origin: ORIGIN, source: null }, { expectedOrigin: ORIGIN, source: null }).reason, "other_window");
  });
  test("drops the iframe's window at another origin (it navigated away)", () => {
    const v = checkFastAuthMessage({ data: msg("success"), origin: "https://evil.example", source: frame }, { expectedOrigin: ORIGIN, source: frame });
    assert.equal(v.ok, false);
    assert.equal(v.reason, "origin_mismatch");
    assert.ok(v.error instanceof FastAuthEventError);
  });
  test("drops what is not an event", () => {
    for (const data of ["hello", 42, null, undefined, [msg("success")], { type: 3 }, { success: true }]) {
      assert.equal(checkFastAuthMessage({ data, origin: ORIGIN, source: frame }, { expectedOrigin: ORIGIN, source: frame }).reason, "malformed", String(data));
    }
  });
  test("refuses to run without an expected origin", () => {
    assert.throws(() => checkFastAuthMessage({ data: msg("success"), origin: ORIGIN, source: frame }, { source: frame }), TypeError);
  });
});

describe("parseFastAuthEvent with posted objects", () => {
  test("keeps data and the unknown type as sent", () => {
    const e = parseFastAuthEvent({ success: true, type: "aliyun_fast_auth_new_thing", data: { a: 1 } });
    assert.equal(e.type, "unknown");
    assert.equal(e.unknownType, "aliyun_fast_auth_new_thing");
    assert.deepEqual(e.data, { a: 1 });
    assert.equal(parseFastAuthEvent({ type: "init" }).data, null);
    assert.equal(parseFastAuthEvent({ type: "init" }).unknownType, null);
  });
  test("a non-string reason is no reason", () => {
    assert.equal(parseFastAuthEvent(msg("fail", { reason: 7 })).reason, null);
    assert.equal(parseFastAuthEvent(msg("fail", ["x"])).reason, null);
  });
  test("success must be the boolean true", () => {
    assert.equal(parseFastAuthEvent({ type: "init", success: "true" }).success, false);
    assert.equal(parseFastAuthEvent({ type: "init", success: 1 }).success, false);
  });
  test("type is read from the object itself, not its prototype", () => {
    const proto = { type: "success" };
    assert.throws(() => parseFastAuthEvent(Object.create(proto)), (e) => e.kind === "malformed");
  });
  test("events are frozen", () => {
    assert.ok(Object.isFrozen(parseFastAuthEvent(msg("init"))));
  });
});

describe("linkOrigin", () => {
  test("is the URL's origin", () => {
    assert.equal(linkOrigin(LINK), ORIGIN);
    assert.equal(linkOrigin("http://127.0.0.1:8080/x?token=1"), "http://127.0.0.1:8080");
  });
  test("refuses what is not an absolute http(s) URL", () => {
    for (const url of ["javascript:alert(1)", "data:text/html,<p>x", "/relative", "", "ftp://x/"]) {
      assert.throws(() => linkOrigin(url), TypeError, url);
    }
  });
});

describe("mountFastAuth", () => {
  test("mounts the link in an iframe inside the container", () => {
    const { container, handle } = mounted();
    const iframe = container.findTag("iframe");
    assert.equal(iframe, handle.iframe);
    assert.equal(iframe.src, LINK);
    assert.equal(iframe.title, "Identity verification");
    assert.equal(handle.origin, ORIGIN);
    assert.equal(handle.state, "loading");
    assert.equal(container.find("bidcert-fastauth").getAttribute("data-state"), "loading");
  });

  test("refuses a javascript: link and a missing container", () => {
    const { container } = setup();
    assert.throws(() => mountFastAuth(container, { url: "javascript:alert(1)" }), TypeError);
    assert.throws(() => mountFastAuth(null, { url: LINK }), TypeError);
    assert.equal(container.children.length, 0);
  });

  test("calls the callback of each event type, long and short spellings", () => {
    const { calls, fromFrame, handle } = mounted();
    fromFrame(msg("aliyun_fast_auth_init"));
    assert.equal(handle.state, "active");
    fromFrame(msg("aliyun_fast_auth_another_authc_way"));
    fromFrame(msg("re_authc"));
    fromFrame(msg("aliyun_fast_auth_open_alipay"));
    fromFrame(msg("fail", { reason: "用户取消" }));
    fromFrame(msg("aliyun_fast_auth_brand_new"));
    fromFrame(msg("aliyun_fast_auth_success"));
    const specific = calls.filter(([n]) => n !== "onEvent");
    assert.deepEqual(specific.map((c) => c[0]), ["onInit", "onAnotherWay", "onReverify", "onOpenAlipay", "onFail", "onUnknown", "onSuccess"]);
    const fail = specific.find(([n]) => n === "onFail");
    assert.equal(fail[1], "用户取消");
    assert.equal(fail[2].type, "fail");
    assert.deepEqual(calls.filter(([n]) => n === "onEvent").map((c) => c[1].type), ["init", "another_authc_way", "re_authc", "open_alipay", "fail", "unknown", "success"]);
    assert.equal(handle.state, "ended");
  });

  test("later ends the flow too", () => {
    const { calls, fromFrame, handle } = mounted();
    fromFrame(msg("aliyun_fast_auth_later"));
    assert.deepEqual(calls.map((c) => c[0]), ["onEvent", "onLater"]);
    assert.equal(handle.state, "ended");
  });

  test("ignores another window posting from the link's origin", () => {
    const { win, calls } = mounted();
    win.post(msg("aliyun_fast_auth_success"), { origin: ORIGIN, source: { another: "window" } });
    assert.deepEqual(calls.map((c) => c[0]), ["onRejected"]);
    assert.equal(calls[0][1].reason, "other_window");
  });

  test("ignores the iframe's window at another origin", () => {
    const { calls, fromFrame } = mounted();
    fromFrame(msg("aliyun_fast_auth_success"), "https://account.aliyun.com.evil.example");
    assert.deepEqual(calls.map((c) => c[0]), ["onRejected"]);
    assert.equal(calls[0][1].reason, "origin_mismatch");
    assert.equal(calls[0][1].origin, "https://account.aliyun.com.evil.example");
  });

  test("reports what is not an event, and goes on", () => {
    const { calls, fromFrame } = mounted();
    fromFrame("not json");
    fromFrame(msg("init"));
    assert.deepEqual(calls.map((c) => c[0]), ["onRejected", "onEvent", "onInit"]);
    assert.equal(calls[0][1].reason, "malformed");
  });

  test("a throwing callback does not stop the others; the error goes to onError", () => {
    const errors = [];
    const { calls, fromFrame } = mounted({
      onEvent() {
        throw new Error("boom");
      },
      onError: (e) => errors.push(e.message),
    });
    fromFrame(msg("success"));
    assert.deepEqual(calls.map((c) => c[0]), ["onSuccess"]);
    assert.deepEqual(errors, ["boom"]);
  });

  test("without onError, callback errors go to reportError", async () => {
    const { container, win } = setup();
    const handle = mountFastAuth(container, {
      url: LINK,
      onInit: () => Promise.reject(new Error("async boom")),
    });
    win.post(msg("init"), { origin: ORIGIN, source: handle.iframe.contentWindow });
    await flush();
    assert.deepEqual(win.reported.map((e) => e.message), ["async boom"]);
  });

  test("destroy removes the iframe and the listeners, and is idempotent", () => {
    const { win, doc, container, calls, handle } = mounted();
    const frameWindow = handle.iframe.contentWindow;
    handle.destroy();
    handle.destroy();
    assert.equal(handle.state, "destroyed");
    assert.equal(handle.iframe, null);
    assert.equal(container.children.length, 0);
    assert.equal(win.listeners.count("message"), 0);
    assert.equal(doc.listeners.count("visibilitychange"), 0);
    win.post(msg("success"), { origin: ORIGIN, source: frameWindow });
    assert.deepEqual(calls, []);
  });

  test("two mounted links each hear only their own iframe", () => {
    const { container, win } = setup();
    const a = [];
    const b = [];
    const ha = mountFastAuth(container, { url: LINK, onEvent: (e) => a.push(e.type) });
    const hb = mountFastAuth(container, { url: LINK + "2", onEvent: (e) => b.push(e.type) });
    win.post(msg("init"), { origin: ORIGIN, source: ha.iframe.contentWindow });
    win.post(msg("fail"), { origin: ORIGIN, source: hb.iframe.contentWindow });
    assert.deepEqual([a, b], [["init"], ["fail"]]);
  });
});

describe("mountFastAuth expiry", () => {
  const START = Date.UTC(2026, 10, 23, 8, 0, 0);
  const HOURS_3 = 3 * 3600 * 1000;
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: START }));
  afterEach(() => mock.timers.reset());

  test("at expiresAt: removes the iframe, shows the expired panel, renews", async () => {
    const renewals = [];
    const { container, calls, handle, win } = mounted({
      expiresAt: new Date(START + HOURS_3).toISOString(),
      requestNewLink: () => {
        renewals.push(Date.now());
        return { url: "https://account.aliyun.com/cert/listCertWays.html?token=new", expiresIn: 10800 };
      },
    });
    const oldWindow = handle.iframe.contentWindow;
    mock.timers.tick(HOURS_3 - 1);
    assert.equal(handle.state, "loading");
    mock.timers.tick(1);
    assert.deepEqual(calls.map((c) => c[0]), ["onExpired"]);
    assert.equal(calls[0][1].url, LINK);
    assert.equal(handle.state, "renewing");
    assert.equal(container.findTag("iframe"), null);
    const panel = container.find("bidcert-fastauth-expired");
    assert.equal(panel.hidden, false);
    assert.equal(panel.getAttribute("role"), "alert");
    await flush();
    assert.equal(renewals.length, 1);
    assert.equal(handle.state, "loading");
    assert.equal(handle.url, "https://account.aliyun.com/cert/listCertWays.html?token=new");
    assert.equal(container.findTag("iframe").src, handle.url);
    assert.equal(panel.hidden, true);
    // The old iframe's window is gone; anything it might still post is dropped.
    win.post(msg("success"), { origin: ORIGIN, source: oldWindow });
    assert.equal(calls.filter(([n]) => n === "onSuccess").length, 0);
    // The new link's own lifetime (expiresIn) is armed.
    mock.timers.tick(HOURS_3);
    await flush();
    assert.equal(renewals.length, 2);
  });

  test("expiresIn counts from mounting, whatever the browser's clock says", () => {
    const { calls } = mounted({ expiresIn: 60 });
    mock.timers.tick(59_999);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls.map((c) => c[0]), ["onExpired"]);
  });

  test("with both, the earlier deadline wins", () => {
    const { calls } = mounted({ expiresIn: 10800, expiresAt: START + 1000 });
    mock.timers.tick(1000);
    assert.deepEqual(calls.map((c) => c[0]), ["onExpired"]);
  });

  test("an already expired link expires on the first tick", () => {
    const { calls, handle } = mounted({ expiresAt: START - 1 });
    assert.deepEqual(calls, []);
    mock.timers.tick(0);
    assert.equal(handle.state, "expired");
  });

  test("no expiry once the flow ended", () => {
    const { calls, fromFrame, handle } = mounted({ expiresIn: 10 });
    fromFrame(msg("aliyun_fast_auth_success"));
    mock.timers.tick(60_000);
    assert.deepEqual(calls.map((c) => c[0]), ["onEvent", "onSuccess"]);
    assert.equal(handle.state, "ended");
  });

  test("with autoRenew false, the panel offers a button that renews", async () => {
    let asked = 0;
    const { container, handle } = mounted({
      expiresIn: 1,
      autoRenew: false,
      requestNewLink: async () => {
        asked += 1;
        return "https://account.aliyun.com/cert/listCertWays.html?token=again";
      },
    });
    mock.timers.tick(1000);
    assert.equal(handle.state, "expired");
    assert.equal(asked, 0);
    const button = container.find("bidcert-fastauth-renew");
    assert.equal(button.hidden, false);
    button.click();
    await flush();
    assert.equal(asked, 1);
    assert.equal(handle.state, "loading");
    assert.equal(container.findTag("iframe").src, "https://account.aliyun.com/cert/listCertWays.html?token=again");
  });

  test("a failed renewal says so, keeps the button, and reports the error", async () => {
    const { container, calls, handle } = mounted({
      expiresIn: 60,
      requestNewLink: () => Promise.reject(new Error("back office down")),
    });
    mock.timers.tick(60_000);
    await flush();
    await flush();
    assert.equal(handle.state, "expired");
    assert.equal(container.find("bidcert-fastauth-expired-text").textContent, "Could not get a new link.");
    assert.equal(container.find("bidcert-fastauth-renew").hidden, false);
    assert.deepEqual(calls.filter(([n]) => n === "onError").map((c) => c[1].message), ["back office down"]);
  });

  test("a link that dies within 10 s is not renewed on its own (no renewal loop)", async () => {
    let asked = 0;
    const requestNewLink = () => {
      asked += 1;
      return { url: LINK + "&again", expiresAt: START - 1 }; // dead on arrival, every time
    };
    const { container, handle } = mounted({ expiresIn: 9, requestNewLink });
    mock.timers.tick(9000);
    await flush();
    assert.equal(asked, 0);
    assert.equal(handle.state, "expired");
    assert.equal(container.find("bidcert-fastauth-renew").hidden, false);
    container.find("bidcert-fastauth-renew").click();
    await flush();
    mock.timers.tick(0);
    await flush();
    assert.equal(asked, 1);
    assert.equal(handle.state, "expired");
  });

  test("without requestNewLink, the panel has no button", () => {
    const { container } = setup();
    const handle = mountFastAuth(container, { url: LINK, expiresIn: 1 });
    mock.timers.tick(1000);
    assert.equal(handle.state, "expired");
    assert.equal(container.find("bidcert-fastauth-renew").hidden, true);
    assert.equal(container.find("bidcert-fastauth-expired-text").textContent, "This verification link has expired.");
  });

  test("a tab coming back checks the deadline (background timers run late)", () => {
    const { doc, calls } = mounted({ expiresIn: 10 });
    // The timer has not fired, but the clock has moved on, as after a sleeping laptop.
    mock.timers.setTime(START + 20_000);
    doc.listeners.fire("visibilitychange", {});
    assert.deepEqual(calls.map((c) => c[0]), ["onExpired"]);
  });

  test("destroy cancels the expiry", () => {
    const { calls, handle } = mounted({ expiresIn: 10 });
    handle.destroy();
    mock.timers.tick(60_000);
    assert.deepEqual(calls, []);
  });
});

// bidcert-fastauth.js: embed Alibaba Cloud's identity-verification link (FastAuthc) in an
// iframe and follow its events. Dependency-free ES module; see bidcert-fastauth.d.ts.
//
//   import { mountFastAuth } from "./bidcert-fastauth.js";
//   const newLink = () => fetch("/verification-link", { method: "POST" }).then((r) => r.json())
//     .then((l) => ({ url: l.url, expiresIn: l.expires_in }));  // your back office's endpoint
//   mountFastAuth(document.getElementById("verify"), { ...(await newLink()), requestNewLink: newLink,
//     onSuccess: () => fetch("/verification/refresh", { method: "POST" }),  // re-query, never trust
//     onFail: (reason) => console.warn("verification failed:", reason) });
//
// Security: a message is acted on only when it comes from the iframe this module created
// (`event.source === iframe.contentWindow`) AND from the link's own origin. Any other page,
// frame, window or extension can post messages to yours; they are dropped (see onRejected).

/** The short event types, as the core's parser names them (`unknown` aside). */
export const FAST_AUTH_EVENT_TYPES = Object.freeze([
  "init",
  "later",
  "another_authc_way",
  "success",
  "fail",
  "re_authc",
  "open_alipay",
]);

const LONG_PREFIX = "aliyun_fast_auth_";
const KNOWN_TYPES = new Set(FAST_AUTH_EVENT_TYPES);
// setTimeout fires at once for delays above 2^31-1 ms, so long waits are taken in steps.
const MAX_TIMER_MS = 2147483647;
// A link that dies sooner than this after being mounted is not renewed on its own: the clocks
// disagree or the back office hands out dead links, and renewing would loop. The button stays.
const MIN_AUTO_RENEW_AGE_MS = 10_000;

/** Why a message could not be parsed: `kind` is `origin_mismatch` or `malformed`. */
export class FastAuthEventError extends Error {
  /**
   * @param {"origin_mismatch" | "malformed"} kind
   * @param {string} message
   */
  constructor(kind, message) {
    super(message);
    this.name = "FastAuthEventError";
    this.kind = kind;
  }
}

/**
 * @typedef {object} FastAuthEvent
 * @property {string} type one of FAST_AUTH_EVENT_TYPES, or `unknown`
 * @property {boolean} success the message's `success` (`false` when absent)
 * @property {string | null} reason `data.reason` of a `fail` event, else `null`
 * @property {boolean} endsFlow `true` exactly for `success` and `later`
 * @property {unknown} data the message's `data` (`null` when absent)
 * @property {string | null} unknownType the type as sent, for an `unknown` event
 */

function own(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function trimSlash(s) {
  return s.endsWith("/") ? s.slice(0, -1) : s;
}

/**
 * Parses one FastAuthc message `{success, type, data}`, as every bidcert binding does
 * (tests/vectors/fast_auth_events.json is the contract).
 *
 * @param {unknown} data the message data: the object the page posted, or its JSON text
 * @param {string | null} [origin] the message's origin (`MessageEvent.origin`)
 * @param {string | null} [expectedOrigin] the link's origin; `null` checks nothing
 * @returns {FastAuthEvent}
 * @throws {FastAuthEventError}
 */
export function parseFastAuthEvent(data, origin = null, expectedOrigin = null) {
  if (expectedOrigin !== null && expectedOrigin !== undefined) {
    const actual = typeof origin === "string" ? trimSlash(origin) : "";
    if (actual !== trimSlash(String(expectedOrigin))) {
      throw new FastAuthEventError(
        "origin_mismatch",
        `message from ${origin === null || origin === undefined ? "no origin" : JSON.stringify(origin)}, ` +
          `expected ${JSON.stringify(expectedOrigin)}`,
      );
    }
  }
  let obj = data;
  if (typeof data === "string") {
    try {
      obj = JSON.parse(data);
    } catch (e) {
      throw new FastAuthEventError("malformed", `not JSON (${e.message})`);
    }
  }
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw new FastAuthEventError("malformed", "not a JSON object");
  }
  const rawType = own(obj, "type");
  if (typeof rawType !== "string") {
    throw new FastAuthEventError("malformed", 'no string "type"');
  }
  const short = rawType.startsWith(LONG_PREFIX) ? rawType.slice(LONG_PREFIX.length) : rawType;
  const type = KNOWN_TYPES.has(short) ? short : "unknown";
  const payload = own(obj, "data");
  const reasonValue =
    type === "fail" && payload !== null && typeof payload === "object" && !Array.isArray(payload)
      ? own(payload, "reason")
      : undefined;
  return Object.freeze({
    type,
    success: own(obj, "success") === true,
    reason: typeof reasonValue === "string" ? reasonValue : null,
    endsFlow: type === "success" || type === "later",
    data: payload === undefined ? null : payload,
    unknownType: type === "unknown" ? rawType : null,
  });
}

/**
 * Decides whether a `message` event comes from the verification iframe, and parses it.
 * Checks the window first (`event.source === source`), then the origin, then the shape.
 *
 * @param {{data: unknown, origin: string, source: unknown}} messageEvent
 * @param {{expectedOrigin: string, source: unknown}} from the link's origin and the iframe's
 *   `contentWindow`
 * @returns {{ok: true, event: object} | {ok: false, reason: string, error?: FastAuthEventError}}
 */
export function checkFastAuthMessage(messageEvent, { expectedOrigin, source }) {
  if (typeof expectedOrigin !== "string" || expectedOrigin === "") {
    // Never accept without an origin to compare with: that is the whole point.
    throw new TypeError("checkFastAuthMessage: expectedOrigin is required");
  }
  if (source === null || source === undefined || messageEvent.source !== source) {
    return { ok: false, reason: "other_window" };
  }
  try {
    return { ok: true, event: parseFastAuthEvent(messageEvent.data, messageEvent.origin, expectedOrigin) };
  } catch (error) {
    if (error instanceof FastAuthEventError) return { ok: false, reason: error.kind, error };
    throw error;
  }
}

/**
 * The origin of a verification link, which must be an absolute http(s) URL (anything else,
 * such as `javascript:`, is refused).
 *
 * @param {string | URL} url
 * @returns {string}
 */
export function linkOrigin(url) {
  let parsed;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new TypeError(`bidcert-fastauth: not an absolute URL: ${JSON.stringify(String(url))}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new TypeError(`bidcert-fastauth: the link must be http(s), not ${parsed.protocol}`);
  }
  return parsed.origin;
}

function deadlineOf(link, now) {
  let deadline = Infinity;
  if (link.expiresAt !== undefined && link.expiresAt !== null) {
    const at = link.expiresAt instanceof Date ? link.expiresAt.getTime() : new Date(link.expiresAt).getTime();
    if (Number.isNaN(at)) throw new TypeError(`bidcert-fastauth: bad expiresAt: ${String(link.expiresAt)}`);
    deadline = Math.min(deadline, at);
  }
  if (link.expiresIn !== undefined && link.expiresIn !== null) {
    const secs = Number(link.expiresIn);
    if (!Number.isFinite(secs)) throw new TypeError(`bidcert-fastauth: bad expiresIn: ${String(link.expiresIn)}`);
    deadline = Math.min(deadline, now + secs * 1000);
  }
  return deadline;
}

function normalizeLink(value) {
  if (typeof value === "string" || value instanceof URL) return { url: String(value) };
  if (value === null || typeof value !== "object" || typeof value.url !== "string") {
    throw new TypeError("bidcert-fastauth: a link is a URL string or {url, expiresAt?, expiresIn?}");
  }
  return { url: value.url, expiresAt: value.expiresAt, expiresIn: value.expiresIn };
}

const HANDLERS = {
  init: "onInit",
  later: "onLater",
  another_authc_way: "onAnotherWay",
  success: "onSuccess",
  re_authc: "onReverify",
  open_alipay: "onOpenAlipay",
  unknown: "onUnknown",
};

const TEXT = {
  title: "Identity verification",
  expired: "This verification link has expired.",
  renewing: "Getting a new link…",
  renewFailed: "Could not get a new link.",
  newLink: "Get a new link",
};

/**
 * Mounts a verification link in an iframe inside `container` and follows its events.
 * See bidcert-fastauth.d.ts for every option.
 *
 * @param {Element} container
 * @param {object} options
 * @returns {{destroy(): void, renew(): Promise<void>, readonly state: string,
 *   readonly url: string, readonly origin: string, readonly iframe: HTMLIFrameElement | null}}
 */
export function mountFastAuth(container, options) {
  if (!container || !container.ownerDocument) {
    throw new TypeError("mountFastAuth: container must be a DOM element");
  }
  if (!options || typeof options !== "object") {
    throw new TypeError("mountFastAuth: options are required ({url, ...})");
  }
  const doc = container.ownerDocument;
  const win = doc.defaultView;
  const text = { ...TEXT, ...(options.text || {}) };
  const autoRenew = options.autoRenew !== false;

  let link, origin, mountedAt, deadline;
  adopt(normalizeLink(options)); // throws for a bad link before anything is added to the page
  let state = "loading"; // loading | active | ended | expired | renewing | destroyed
  let timer = null;
  let iframe = null;
  let renewing = null;

  const root = doc.createElement("div");
  root.className = "bidcert-fastauth";
  const expiredPanel = doc.createElement("div");
  expiredPanel.className = "bidcert-fastauth-expired";
  expiredPanel.setAttribute("role", "alert");
  expiredPanel.hidden = true;
  const expiredText = doc.createElement("p");
  expiredText.className = "bidcert-fastauth-expired-text";
  const renewButton = doc.createElement("button");
  renewButton.type = "button";
  renewButton.className = "bidcert-fastauth-renew";
  renewButton.textContent = text.newLink;
  renewButton.addEventListener("click", () => {
    handle.renew().catch(() => {}); // reported on the panel and through onError
  });
  expiredPanel.appendChild(expiredText);
  expiredPanel.appendChild(renewButton);
  root.appendChild(expiredPanel);
  container.appendChild(root);

  function setState(next) {
    state = next;
    root.setAttribute("data-state", next);
  }

  function report(error) {
    if (typeof options.onError === "function") {
      try {
        options.onError(error);
        return;
      } catch (e) {
        error = e;
      }
    }
    // Surface it like an uncaught error without breaking the caller's flow.
    if (win && typeof win.reportError === "function") win.reportError(error);
    else setTimeout(() => { throw error; }, 0);
  }

  function call(name, ...args) {
    const fn = options[name];
    if (typeof fn !== "function") return;
    try {
      const result = fn(...args);
      if (result && typeof result.then === "function") result.then(undefined, report);
    } catch (error) {
      report(error);
    }
  }

  function makeIframe() {
    const frame = doc.createElement("iframe");
    frame.className = "bidcert-fastauth-frame";
    frame.title = options.title || text.title;
    if (options.allow) frame.setAttribute("allow", options.allow);
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = options.height || "560px";
    frame.src = link.url;
    root.insertBefore(frame, expiredPanel);
    return frame;
  }

  function onMessage(messageEvent) {
    if (!iframe) return; // expired, renewing or destroyed
    const verdict = checkFastAuthMessage(messageEvent, { expectedOrigin: origin, source: iframe.contentWindow });
    if (!verdict.ok) {
      call("onRejected", { reason: verdict.reason, origin: messageEvent.origin, data: messageEvent.data, error: verdict.error });
      return;
    }
    const event = verdict.event;
    if (state === "loading" && event.type === "init") setState("active");
    if (event.endsFlow) {
      setState("ended");
      clearTimer();
    }
    call("onEvent", event);
    if (event.type === "fail") call("onFail", event.reason, event);
    else call(HANDLERS[event.type], event);
  }

  function clearTimer() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function armTimer() {
    clearTimer();
    if (deadline === Infinity) return;
    const wait = Math.max(0, Math.min(deadline - Date.now(), MAX_TIMER_MS));
    timer = setTimeout(checkExpiry, wait);
  }

  // Also checked when the tab comes back: background tabs' timers may run late.
  function checkExpiry() {
    timer = null;
    if (state !== "loading" && state !== "active") return;
    if (Date.now() < deadline) {
      armTimer();
      return;
    }
    expire();
  }

  function onVisibility() {
    if (doc.visibilityState === "visible") checkExpiry();
  }

  function showPanel(message, showButton) {
    expiredText.textContent = message;
    renewButton.hidden = !showButton;
    renewButton.disabled = false;
    expiredPanel.hidden = false;
  }

  function removeIframe() {
    if (iframe) iframe.remove();
    iframe = null;
  }

  function expire() {
    clearTimer();
    removeIframe(); // the link no longer works; do not leave the customer in front of it
    setState("expired");
    const canRenew = typeof options.requestNewLink === "function";
    showPanel(text.expired, canRenew);
    call("onExpired", { url: link.url });
    if (canRenew && autoRenew && Date.now() - mountedAt >= MIN_AUTO_RENEW_AGE_MS) handle.renew().catch(() => {});
  }

  function adopt(next) {
    link = next;
    origin = linkOrigin(link.url);
    mountedAt = Date.now();
    deadline = deadlineOf(link, mountedAt);
  }

  function show() {
    expiredPanel.hidden = true;
    removeIframe();
    setState("loading");
    iframe = makeIframe();
    armTimer();
  }

  const handle = {
    get state() {
      return state;
    },
    get url() {
      return link.url;
    },
    get origin() {
      return origin;
    },
    get iframe() {
      return iframe;
    },
    /** Asks `requestNewLink` for a new link and shows it (also after expiry). */
    renew() {
      if (state === "destroyed") return Promise.reject(new Error("bidcert-fastauth: destroyed"));
      if (typeof options.requestNewLink !== "function") {
        return Promise.reject(new Error("bidcert-fastauth: no requestNewLink option"));
      }
      if (renewing) return renewing;
      clearTimer();
      removeIframe();
      setState("renewing");
      showPanel(text.renewing, false);
      renewButton.disabled = true;
      renewing = Promise.resolve()
        .then(() => options.requestNewLink())
        .then((value) => {
          if (state === "destroyed") return;
          adopt(normalizeLink(value));
          show();
        })
        .catch((error) => {
          if (state !== "destroyed") {
            setState("expired");
            showPanel(text.renewFailed, true);
          }
          report(error);
          throw error;
        })
        .finally(() => {
          renewing = null;
        });
      return renewing;
    },
    /** Removes the iframe and the listeners. Idempotent. */
    destroy() {
      if (state === "destroyed") return;
      setState("destroyed");
      clearTimer();
      if (win) win.removeEventListener("message", onMessage);
      doc.removeEventListener("visibilitychange", onVisibility);
      removeIframe();
      root.remove();
    },
  };

  if (win) win.addEventListener("message", onMessage);
  doc.addEventListener("visibilitychange", onVisibility);
  show(); // an already-expired link expires on the first timer tick, not synchronously
  return handle;
}

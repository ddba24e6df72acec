// The back office page: customers, a verification link per customer shown with
// bidcert-fastauth.js, and an event log. Everything the page shows comes from the back office;
// an iframe event only prompts the back office to ask the API again.
import { mountFastAuth } from "/assets/bidcert-fastauth.js";

const $ = (selector) => document.querySelector(selector);
const CERT_TYPES = { ID: "ID card", BUSINESS: "Business licence", ORGANIZATION_CODE: "Organization code" };
let current = null; // the mounted link's handle

async function api(method, path) {
  const init = { method, headers: { Accept: "application/json" } };
  if (method === "POST") {
    init.headers["Content-Type"] = "application/json";
    init.body = "{}";
  }
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({ error: "http_" + response.status, message: response.statusText }));
  if (!response.ok) {
    const error = new Error(body.message || body.error || "HTTP " + response.status);
    error.kind = body.error;
    error.status = response.status;
    throw error;
  }
  return body;
}

function log(kind, text, cls = "") {
  const li = document.createElement("li");
  li.dataset.kind = kind;
  if (cls) li.className = cls;
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString("en-GB");
  li.append(time, " ", kind, text ? ": " + text : "");
  $("#log").prepend(li);
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "—";
  return td;
}

function row(c) {
  const tr = document.createElement("tr");
  tr.dataset.pk = c.pk;
  const pk = document.createElement("code");
  pk.textContent = c.pk;
  const first = document.createElement("td");
  first.append(pk);
  const state = document.createElement("td");
  state.className = "state";
  const badge = document.createElement("span");
  if (c.verified === true) badge.className = "badge verified", badge.textContent = "Verified";
  else if (c.verified === false) badge.className = "badge unverified", badge.textContent = "Not verified";
  else badge.className = "badge error", badge.textContent = "Unknown", badge.title = c.message || "";
  state.append(badge);
  const cert = c.cert_type ? (CERT_TYPES[c.cert_type] || c.cert_type) + " " + (c.cert_number || "") : null;
  const action = document.createElement("td");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "verify";
  button.textContent = "Verify identity";
  button.disabled = c.verified !== false;
  button.addEventListener("click", () => startVerification(c.pk));
  action.append(button);
  tr.append(first, state, cell(c.account_cert_type), cell(c.name), cell(c.phone), cell(cert), action);
  return tr;
}

function showCustomer(c, flash = false) {
  const fresh = row(c);
  const old = document.querySelector(`#customers tr[data-pk="${CSS.escape(c.pk)}"]`);
  if (old) old.replaceWith(fresh);
  else $("#customers tbody").append(fresh);
  if (flash) fresh.classList.add("flash");
}

async function loadCustomers() {
  const customers = await api("GET", "/api/customers");
  $("#customers tbody").replaceChildren();
  customers.forEach((c) => showCustomer(c));
  document.body.dataset.ready = "true";
}

async function refreshCustomer(pk) {
  try {
    const c = await api("POST", `/api/customers/${encodeURIComponent(pk)}/refresh`);
    showCustomer(c, true);
    log("refresh", `${pk} is ${c.verified ? "verified" : "not verified"} (queried the API)`);
    return c;
  } catch (e) {
    log("error", `re-query of ${pk} failed: ${e.message}`, "error");
    return null;
  }
}

// A new link for `pk`, as mountFastAuth takes it.
async function requestLink(pk) {
  const link = await api("POST", `/api/customers/${encodeURIComponent(pk)}/link`);
  log("link", `issued for ${pk}, valid ${Math.round(link.expires_in / 60)} min`);
  return { url: link.url, expiresIn: link.expires_in };
}

function setStatus(text, cls = "") {
  $("#status").textContent = text;
  $("#status").className = cls;
}

function closeVerification() {
  current?.destroy();
  current = null;
  $("#verification").hidden = true;
}

async function startVerification(pk) {
  closeVerification();
  let link;
  try {
    link = await requestLink(pk);
  } catch (e) {
    log("error", `no link for ${pk}: ${e.message}`, "error");
    if (e.kind === "already_certified") refreshCustomer(pk);
    return;
  }
  $("#verifying-pk").textContent = pk;
  $("#verification").hidden = false;
  setStatus("Waiting for the verification page…");
  current = mountFastAuth($("#fastauth"), {
    ...link,
    title: `Identity verification of ${pk}`,
    height: "420px",
    onEvent: (e) => log("event", e.type + (e.reason ? ` (${e.reason})` : "")),
    onInit: () => setStatus("The customer can verify now."),
    onSuccess: () => {
      setStatus("Verification succeeded; asking the API for the new state…", "success");
      refreshCustomer(pk).then((c) => {
        if (c?.verified) setStatus(`Verified: the API confirms that ${pk} is verified.`, "success");
        else if (c) setStatus("The page said success, but the API does not report it yet.", "fail");
      });
    },
    onFail: (reason) => setStatus(`Verification failed: ${reason ?? "no reason given"}`, "fail"),
    onLater: () => setStatus("The customer will verify later."),
    onAnotherWay: () => setStatus("The customer chose another way to verify."),
    onReverify: () => setStatus("The customer is verifying again."),
    onOpenAlipay: () => setStatus("The customer opened Alipay."),
    onRejected: (m) => log("ignored", `${m.reason} message from ${m.origin || "no origin"}`, "ignored"),
    onExpired: () => {
      setStatus("The link expired; asking for a new one…", "fail");
      log("expired", `link for ${pk}`);
    },
    requestNewLink: () => requestLink(pk),
    onError: (e) => log("error", e.message, "error"),
  });
}

$("#close").addEventListener("click", closeVerification);
loadCustomers().catch((e) => log("error", `cannot list customers: ${e.message}`, "error"));

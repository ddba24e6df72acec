// The few DOM pieces mountFastAuth touches, so its window/origin filtering, callbacks and
// expiry can be tested in node. The browser suite (e2e/) covers the real thing.

class Listeners {
  constructor() {
    this.map = new Map();
  }
  add(type, fn) {
    if (!this.map.has(type)) this.map.set(type, new Set());
    this.map.get(type).add(fn);
  }
  remove(type, fn) {
    this.map.get(type)?.delete(fn);
  }
  count(type) {
    return this.map.get(type)?.size ?? 0;
  }
  fire(type, event) {
    for (const fn of [...(this.map.get(type) ?? [])]) fn(event);
  }
}

export class FakeElement {
  constructor(doc, tag) {
    this.ownerDocument = doc;
    this.tagName = tag.toUpperCase();
    this.children = [];
    this.parentNode = null;
    this.attributes = new Map();
    this.style = {};
    this.hidden = false;
    this.disabled = false;
    this.textContent = "";
    this.className = "";
    this.listeners = new Listeners();
    if (this.tagName === "IFRAME") this.contentWindow = null;
  }
  get isConnected() {
    let n = this;
    while (n.parentNode) n = n.parentNode;
    return n === this.ownerDocument.body;
  }
  connected() {
    // A browser gives an iframe its window once it is in the document.
    for (const el of this.walk()) {
      if (el.tagName === "IFRAME" && el.contentWindow === null && el.isConnected) {
        el.contentWindow = { frameOf: el.src };
      }
    }
  }
  appendChild(child) {
    return this.insertBefore(child, null);
  }
  insertBefore(child, ref) {
    child.parentNode = this;
    const i = ref === null ? -1 : this.children.indexOf(ref);
    if (i < 0) this.children.push(child);
    else this.children.splice(i, 0, child);
    child.connected();
    return child;
  }
  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.children;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
    for (const el of this.walk()) if (el.tagName === "IFRAME") el.contentWindow = null;
  }
  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }
  addEventListener(type, fn) {
    this.listeners.add(type, fn);
  }
  removeEventListener(type, fn) {
    this.listeners.remove(type, fn);
  }
  click() {
    if (!this.disabled) this.listeners.fire("click", { type: "click", target: this });
  }
  *walk() {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
  find(className) {
    for (const el of this.walk()) if (el.className.split(" ").includes(className)) return el;
    return null;
  }
  findTag(tag) {
    for (const el of this.walk()) if (el.tagName === tag.toUpperCase()) return el;
    return null;
  }
}

export class FakeWindow {
  constructor() {
    this.listeners = new Listeners();
    this.reported = [];
  }
  addEventListener(type, fn) {
    this.listeners.add(type, fn);
  }
  removeEventListener(type, fn) {
    this.listeners.remove(type, fn);
  }
  reportError(error) {
    this.reported.push(error);
  }
  /** Delivers a `message` event as a browser would. */
  post(data, { origin, source }) {
    this.listeners.fire("message", { type: "message", data, origin, source });
  }
}

export class FakeDocument {
  constructor() {
    this.defaultView = new FakeWindow();
    this.visibilityState = "visible";
    this.listeners = new Listeners();
    this.body = new FakeElement(this, "body");
  }
  createElement(tag) {
    return new FakeElement(this, tag);
  }
  addEventListener(type, fn) {
    this.listeners.add(type, fn);
  }
  removeEventListener(type, fn) {
    this.listeners.remove(type, fn);
  }
}

/** A document with a container `<div>` in its body. */
export function setup() {
  const doc = new FakeDocument();
  const container = doc.body.appendChild(doc.createElement("div"));
  return { doc, win: doc.defaultView, container };
}

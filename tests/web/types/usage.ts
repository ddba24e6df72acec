// Compiled with `tsc --noEmit` (tests/web/unit/types.test.js): the declarations describe the
// module as a reseller's TypeScript uses it.
import {
  FAST_AUTH_EVENT_TYPES,
  FastAuthEventError,
  checkFastAuthMessage,
  linkOrigin,
  mountFastAuth,
  parseFastAuthEvent,
  type FastAuthEvent,
  type FastAuthEventType,
  type FastAuthHandle,
  type FastAuthState,
  type MessageVerdict,
} from "../../../web/bidcert-fastauth.js";

declare function refreshCustomer(pk: string): Promise<void>;

const container: HTMLElement = document.createElement("div");
const handle: FastAuthHandle = mountFastAuth(container, {
  url: "https://account.aliyun.com/cert/listCertWays.html?token=x",
  expiresIn: 10_800,
  expiresAt: new Date(),
  onInit: (e) => console.log(e.type),
  onSuccess: () => void refreshCustomer("1"),
  onFail: (reason: string | null, e: FastAuthEvent) => console.warn(reason, e.data),
  onLater: () => {},
  onAnotherWay: () => {},
  onReverify: () => {},
  onOpenAlipay: () => {},
  onUnknown: (e) => console.log(e.unknownType?.toUpperCase()),
  onEvent: (e) => {
    if (e.endsFlow) console.log("done");
  },
  onRejected: (m) => console.debug(m.reason, m.origin),
  onExpired: ({ url }) => console.log(url.length),
  requestNewLink: async () => ({ url: "https://account.aliyun.com/x", expiresIn: 10_800 }),
  onError: (e: unknown) => console.error(e),
  autoRenew: false,
  allow: "camera",
  text: { expired: "链接已过期" },
});
const state: FastAuthState = handle.state;
const frame: HTMLIFrameElement | null = handle.iframe;
handle.renew().then(() => handle.destroy());

mountFastAuth(container, { url: "https://x.example/", requestNewLink: () => "https://x.example/again" });

const types: readonly FastAuthEventType[] = FAST_AUTH_EVENT_TYPES;
const e: FastAuthEvent = parseFastAuthEvent('{"type":"fail"}', "https://a", "https://a");
const t: FastAuthEventType | "unknown" = e.type;
const reason: string | null = e.reason;
try {
  parseFastAuthEvent({}, null, null);
} catch (err) {
  if (err instanceof FastAuthEventError) {
    const kind: "origin_mismatch" | "malformed" = err.kind;
    console.log(kind);
  }
}
window.addEventListener("message", (m) => {
  const v: MessageVerdict = checkFastAuthMessage(m, { expectedOrigin: linkOrigin("https://a/"), source: frame?.contentWindow });
  if (v.ok) console.log(v.event.type);
  else console.log(v.reason);
});
console.log(state, types, t, reason);

// @ts-expect-error onFail's reason is a string or null, not a number
mountFastAuth(container, { url: "https://x.example/", onFail: (r: number) => r });
// @ts-expect-error the url is required
mountFastAuth(container, {});

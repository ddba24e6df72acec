// Type declarations for bidcert-fastauth.js.

/** The short event types, as every bidcert binding names them. */
export type FastAuthEventType =
  | "init"
  | "later"
  | "another_authc_way"
  | "success"
  | "fail"
  | "re_authc"
  | "open_alipay";

export declare const FAST_AUTH_EVENT_TYPES: readonly FastAuthEventType[];

/** A parsed FastAuthc message `{success, type, data}`. */
export interface FastAuthEvent {
  /** The short type (`aliyun_fast_auth_success` and `success` both give `success`), or `unknown`. */
  readonly type: FastAuthEventType | "unknown";
  /** The message's `success` flag; `false` when absent. */
  readonly success: boolean;
  /** `data.reason` of a `fail` event; `null` if absent and for every other type. */
  readonly reason: string | null;
  /** `true` exactly for `success` and `later`: the flow in the iframe is over. */
  readonly endsFlow: boolean;
  /** The message's `data`; `null` when absent. */
  readonly data: unknown;
  /** The type as sent, for an `unknown` event; otherwise `null`. */
  readonly unknownType: string | null;
}

export type FastAuthEventErrorKind = "origin_mismatch" | "malformed";

/** Why a message could not be parsed. */
export declare class FastAuthEventError extends Error {
  constructor(kind: FastAuthEventErrorKind, message: string);
  readonly name: "FastAuthEventError";
  readonly kind: FastAuthEventErrorKind;
}

/**
 * Parses one FastAuthc message. `data` is the object the page posted or its JSON text.
 * When `expectedOrigin` is given, `origin` must equal it (one trailing `/` ignored).
 * @throws FastAuthEventError
 */
export declare function parseFastAuthEvent(
  data: unknown,
  origin?: string | null,
  expectedOrigin?: string | null,
): FastAuthEvent;

/** Why a `message` event was dropped. */
export type RejectReason = "other_window" | FastAuthEventErrorKind;

export type MessageVerdict =
  | { readonly ok: true; readonly event: FastAuthEvent }
  | { readonly ok: false; readonly reason: RejectReason; readonly error?: FastAuthEventError };

/**
 * Whether a `message` event comes from `source` (the iframe's `contentWindow`) and from
 * `expectedOrigin`, and what it says.
 */
export declare function checkFastAuthMessage(
  messageEvent: Pick<MessageEvent, "data" | "origin" | "source">,
  from: { expectedOrigin: string; source: MessageEventSource | Window | null | undefined },
): MessageVerdict;

/** The origin of an absolute http(s) link; throws `TypeError` for anything else. */
export declare function linkOrigin(url: string | URL): string;

/** A verification link, as the back office hands it to the page. */
export interface FastAuthLink {
  /** The link returned by `GenerateAliyunBidCertWaysUrl`. */
  url: string;
  /** When it expires by the browser's clock (Date, ISO 8601 text or ms since the epoch). */
  expiresAt?: Date | string | number | null;
  /**
   * Seconds until it expires, counted from when it is mounted: not fooled by a wrong browser
   * clock. With both, the earlier deadline wins.
   */
  expiresIn?: number | null;
}

/** What `requestNewLink` may resolve to. */
export type NewLink = string | URL | FastAuthLink;

export interface RejectedMessage {
  readonly reason: RejectReason;
  readonly origin: string;
  readonly data: unknown;
  readonly error?: FastAuthEventError;
}

export interface MountFastAuthOptions extends FastAuthLink {
  /** Every accepted event, before the specific callback. */
  onEvent?(event: FastAuthEvent): void;
  /** The page loaded (`aliyun_fast_auth_init`). */
  onInit?(event: FastAuthEvent): void;
  /** Verification succeeded: ask your back office to query the customer again. */
  onSuccess?(event: FastAuthEvent): void;
  /** Verification failed; the page offers to try again. */
  onFail?(reason: string | null, event: FastAuthEvent): void;
  /** The customer chose to verify later (ends the flow). */
  onLater?(event: FastAuthEvent): void;
  /** The customer picked another way to verify. */
  onAnotherWay?(event: FastAuthEvent): void;
  /** The customer starts verifying again (`re_authc`). */
  onReverify?(event: FastAuthEvent): void;
  /** The Alipay verification page was opened. */
  onOpenAlipay?(event: FastAuthEvent): void;
  /** A type the API document does not list (kept, not an error). */
  onUnknown?(event: FastAuthEvent): void;
  /** A message that was dropped: another window, another origin, or not an event. */
  onRejected?(message: RejectedMessage): void;
  /** The link expired before the flow ended; the iframe has been removed. */
  onExpired?(info: { readonly url: string }): void;
  /**
   * Asks your back office for a new link. Called on expiry (unless `autoRenew` is false, or the
   * link died within 10 s of being mounted) and by the panel's button or `handle.renew()`.
   */
  requestNewLink?(): NewLink | Promise<NewLink>;
  /** Request a new link as soon as the link expires (default `true`). */
  autoRenew?: boolean;
  /** An error thrown by a callback or by `requestNewLink` (default: `reportError`). */
  onError?(error: unknown): void;
  /** The iframe's `title` (default "Identity verification"). */
  title?: string;
  /** The iframe's CSS height (default "560px"). */
  height?: string;
  /** The iframe's `allow` attribute (permissions policy), e.g. "camera". */
  allow?: string;
  /** Texts of the expiry panel. */
  text?: Partial<Record<"title" | "expired" | "renewing" | "renewFailed" | "newLink", string>>;
}

export type FastAuthState = "loading" | "active" | "ended" | "expired" | "renewing" | "destroyed";

export interface FastAuthHandle {
  /** `loading` until `init`, `active`, `ended` after success/later, `expired`, `renewing`, `destroyed`. */
  readonly state: FastAuthState;
  /** The link shown (or last shown). */
  readonly url: string;
  /** The origin messages must come from. */
  readonly origin: string;
  /** The iframe, or `null` once expired or destroyed. */
  readonly iframe: HTMLIFrameElement | null;
  /** Gets a new link with `requestNewLink` and shows it. */
  renew(): Promise<void>;
  /** Removes the iframe and every listener. Idempotent. */
  destroy(): void;
}

/** Mounts the link in an iframe inside `container` and follows its events. */
export declare function mountFastAuth(container: Element, options: MountFastAuthOptions): FastAuthHandle;

// QuickBooksError and the tolerant reader of QuickBooks `Fault` bodies, in JSON (either case) or XML.
// It must never throw while reading a body: anything it cannot read stays available as text. Bodies
// can come from a tenant (an attachment read as text), so it looks at no more than MAX_FAULT_CHARS of
// one, and every step is linear in what it looks at.
import { IntuitOAuthError } from "../common/errors.js";
import { redactText } from "../common/redact.js";
import { readXmlFault } from "./fault-xml.js";

/**
 * The most of a body read for a Fault, or kept (redacted) as an error's `content`: 64 KiB. A Fault is
 * a few hundred bytes; anything longer is data, not an answer.
 */
export const MAX_FAULT_CHARS = 64 * 1024;

/** One entry of a Fault's `Error` list. */
export interface QuickBooksErrorDetail {
  /** Intuit's error code, a string such as `"610"` or `"3200"`. */
  code: string;
  /** The `Message` text, e.g. `Object Not Found`. */
  message: string;
  /** The `Detail` text, when sent. */
  detail: string | undefined;
  /** The `element` (field) the error is about, when sent. */
  element?: string;
}

/** A Fault as read from a body. */
export interface ParsedFault {
  /** `ValidationFault`, `AUTHENTICATION`, `ThrottlingFault`, ... */
  faultType: string | undefined;
  errors: QuickBooksErrorDetail[];
  /** The `time` beside the Fault, as sent (JSON numbers become ISO strings). */
  time: string | undefined;
}

/** What {@link QuickBooksError} is built from. */
export interface QuickBooksErrorDetails {
  statusCode: number;
  /** The raw body text; it is redacted before it is stored. */
  content: string;
  headers?: Readonly<Record<string, string>>;
  intuitTid?: string | undefined;
  /** The Fault, when the body holds one. */
  fault?: ParsedFault | undefined;
  /** For a 429: the wait Intuit asked for, in ms, when it was not honoured. */
  retryAfterMs?: number | undefined;
}

/**
 * The QuickBooks API answered with a `Fault` (on any status, 200 included) or a non-2xx status.
 *
 * @example
 * try { await qb.get("customer/999"); } catch (e) {
 *   if (e instanceof QuickBooksError && e.errors[0]?.code === "610") console.log("no such customer", e.intuitTid);
 * }
 */
export class QuickBooksError extends IntuitOAuthError {
  static override readonly code = "ERR_QUICKBOOKS";
  declare readonly code: "ERR_QUICKBOOKS" | "ERR_STALE_OBJECT";
  /** HTTP status (200 when a 200 carried a Fault). */
  readonly statusCode: number;
  /** The Fault's `type`, e.g. `ValidationFault`; undefined when the body held no Fault. */
  readonly faultType: string | undefined;
  /** The Fault's errors; empty when the body held no Fault. */
  readonly errors: readonly QuickBooksErrorDetail[];
  /** Intuit's `intuit_tid` correlation id, for support tickets. */
  readonly intuitTid: string | undefined;
  /**
   * The raw body text (JSON, XML, HTML or plain text), with token values redacted; a body longer than
   * {@link MAX_FAULT_CHARS} keeps its first 64 KiB and says how much was cut.
   */
  readonly content: string;
  /** The `time` beside the Fault, when sent. */
  readonly time: string | undefined;
  /** Response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** For a 429 that was not (or no longer) retried: the wait Intuit asked for, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(details: QuickBooksErrorDetails) {
    const content = redactText(bounded(details.content));
    const fault = details.fault;
    super(describe(details.statusCode, fault, content, details.intuitTid));
    this.statusCode = details.statusCode;
    this.faultType = fault?.faultType;
    this.errors = fault?.errors ?? [];
    this.intuitTid = details.intuitTid;
    this.content = content;
    this.time = fault?.time;
    this.headers = details.headers ?? {};
    this.retryAfterMs = details.retryAfterMs;
  }
}

const TOKEN_CHARS = new Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/=-");

/** The first MAX_FAULT_CHARS of a body, without a token cut in half at the end (it would escape redaction). */
function bounded(text: string): string {
  if (text.length <= MAX_FAULT_CHARS) return text;
  let end = MAX_FAULT_CHARS;
  while (end > 0 && TOKEN_CHARS.has(text.charAt(end - 1))) end--;
  return `${text.slice(0, end)}… [${text.length - end} more characters not kept]`;
}

function describe(
  status: number,
  fault: ParsedFault | undefined,
  content: string,
  tid: string | undefined,
): string {
  const where = `QuickBooks API error (HTTP ${status}${tid ? `, intuit_tid ${tid}` : ""})`;
  const first = fault?.errors[0];
  if (fault && first) {
    const detail = first.detail ? `: ${first.detail}` : "";
    return redactText(`${where} ${fault.faultType ?? "Fault"} ${first.code} ${first.message}${detail}`);
  }
  if (fault) return `${where} ${fault.faultType ?? "Fault"}`;
  const text = content.trim().replace(/\s+/g, " ");
  return text ? `${where}: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}` : where;
}

/**
 * Whether a Fault is Intuit's answer to an access token used on another company's path: XML
 * `AuthenticationFault` code 100 (reproduced by Intuit in oauth-jsclient #91). The token is valid, just
 * not for this company, so refreshing it cannot help; an expired token gets code 3200 instead.
 *
 * @example
 * if (isTokenOfAnotherCompany(parseFault(body))) console.log("this grant belongs to another company");
 */
export function isTokenOfAnotherCompany(fault: ParsedFault | undefined): boolean {
  return fault?.faultType === "AuthenticationFault" && fault.errors.some((e) => e.code === "100");
}

/**
 * Reads a Fault from a body, JSON (`Fault`/`fault`, `Error`/`error`) or XML (`<Fault type>` with
 * `<Error code element><Message/><Detail/></Error>`). Returns undefined when there is none.
 *
 * @example
 * parseFault('{"Fault":{"Error":[{"Message":"m","Detail":"d","code":"610"}],"type":"ValidationFault"}}');
 * // → { faultType: "ValidationFault", errors: [{ code: "610", message: "m", detail: "d" }], time: undefined }
 */
export function parseFault(text: string): ParsedFault | undefined {
  if (typeof text !== "string") return undefined;
  // A Fault is small: a longer body is not read (JSON cut short does not parse; XML is scanned up to the cap).
  const head = text.length > MAX_FAULT_CHARS ? text.slice(0, MAX_FAULT_CHARS) : text;
  const start = head.trimStart()[0];
  if (start === "{") return head === text ? parseJsonFault(text) : undefined;
  if (start === "<") return readXmlFault(head);
  return undefined;
}

function parseJsonFault(text: string): ParsedFault | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return faultFromJson(doc);
}

/** The Fault in an already parsed JSON body, or undefined (so a body is parsed once, not twice). */
export function faultFromJson(doc: unknown): ParsedFault | undefined {
  const root = asRecord(doc);
  const fault = asRecord(pick(root, "Fault"));
  if (!root || !fault) return undefined;
  const list = pick(fault, "Error");
  const errors = (Array.isArray(list) ? list : list === undefined ? [] : [list]).flatMap((item) => {
    const e = asRecord(item);
    if (!e) return [];
    const element = stringOf(pick(e, "element"));
    return [
      {
        code: stringOf(pick(e, "code")) ?? "",
        message: stringOf(pick(e, "Message")) ?? "",
        detail: stringOf(pick(e, "Detail")),
        ...(element ? { element } : {}),
      },
    ];
  });
  const rawTime = pick(root, "time");
  const time = typeof rawTime === "number" ? isoOrUndefined(rawTime) : stringOf(rawTime);
  return { faultType: stringOf(pick(fault, "type")), errors, time };
}

/** `obj[Key]` or `obj[key]`: Intuit's gateways send both spellings. */
function pick(obj: Record<string, unknown> | undefined, key: string): unknown {
  if (!obj) return undefined;
  if (key in obj) return obj[key];
  const lower = key[0]?.toLowerCase() + key.slice(1);
  return obj[lower];
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function isoOrUndefined(ms: number): string | undefined {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

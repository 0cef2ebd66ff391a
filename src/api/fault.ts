// QuickBooksError and the tolerant reader of QuickBooks `Fault` bodies, in JSON (either case) or XML.
// It must never throw while reading a body: anything it cannot read stays available as text.
import { IntuitOAuthError } from "../common/errors.js";
import { redactText } from "../common/redact.js";

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
  /** The raw body text (JSON, XML, HTML or plain text), with token values redacted. */
  readonly content: string;
  /** The `time` beside the Fault, when sent. */
  readonly time: string | undefined;
  /** Response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** For a 429 that was not (or no longer) retried: the wait Intuit asked for, in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(details: QuickBooksErrorDetails) {
    const content = redactText(details.content);
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
  const start = text.trimStart()[0];
  if (start === "{") return parseJsonFault(text);
  if (start === "<") return parseXmlFault(text);
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

// Element names may carry a namespace prefix (`<ns2:Fault>`); attributes may use either quote.
const NAME = (local: string) => `(?:[\\w.-]+:)?${local}`;
const FAULT_XML = new RegExp(`<${NAME("Fault")}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${NAME("Fault")}\\s*>)`, "i");
const ERROR_XML = new RegExp(`<${NAME("Error")}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${NAME("Error")}\\s*>)`, "gi");

function parseXmlFault(text: string): ParsedFault | undefined {
  const fault = FAULT_XML.exec(text);
  if (!fault) return undefined;
  const errors: QuickBooksErrorDetail[] = [];
  for (const m of (fault[2] ?? "").matchAll(ERROR_XML)) {
    const attrs = m[1] ?? "";
    const inner = m[2] ?? "";
    const element = attribute(attrs, "element");
    errors.push({
      code: attribute(attrs, "code") ?? childText(inner, "code") ?? "",
      message: childText(inner, "Message") ?? "",
      detail: childText(inner, "Detail"),
      ...(element ? { element } : {}),
    });
  }
  const rootTag = /<(?:[\w.-]+:)?IntuitResponse\b([^>]*)>/i.exec(text);
  return {
    faultType: attribute(fault[1] ?? "", "type") ?? childText(fault[2] ?? "", "type"),
    errors,
    time: rootTag ? attribute(rootTag[1] ?? "", "time") : undefined,
  };
}

function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attrs);
  const value = m?.[1] ?? m?.[2];
  return value === undefined ? undefined : decodeXml(value);
}

function childText(xml: string, local: string): string | undefined {
  const m = new RegExp(`<${NAME(local)}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${NAME(local)}\\s*>)`, "i").exec(xml);
  if (!m) return undefined;
  return decodeXml(m[1] ?? "").trim();
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeXml(value: string): string {
  return value.replace(
    /<!\[CDATA\[([\s\S]*?)\]\]>|&(#x[0-9a-f]+|#\d+|\w+);/gi,
    (whole, cdata: string | undefined, ref: string | undefined) => {
      if (cdata !== undefined) return cdata;
      if (!ref) return whole;
      if (ref[0] === "#") {
        const n = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
      }
      return ENTITIES[ref.toLowerCase()] ?? whole;
    },
  );
}

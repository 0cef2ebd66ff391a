// QuickBooks answers as JSON or as Intuit's XML (`<IntuitResponse>`), chosen from the request's Accept header.
// It only serialises documents the API handlers built; it never decides what the answer is.
import { escapeHtml, header, type EmulatorRequest, type Reply } from "./reply.js";

/** How a QuickBooks answer is encoded. */
export type ApiFormat = "json" | "xml";

/** Content types QuickBooks answers with. */
export const JSON_TYPE = "application/json;charset=UTF-8";
export const XML_TYPE = "application/xml;charset=UTF-8";

/** JSON when the Accept header names JSON, XML when it names XML only, else `fallback`. */
export function requestedFormat(req: EmulatorRequest, fallback: ApiFormat): ApiFormat {
  const accept = (header(req, "accept") ?? "").toLowerCase();
  if (accept.includes("json")) return "json";
  if (accept.includes("xml")) return "xml";
  return fallback;
}

// Keys QuickBooks writes as attributes, not child elements.
const ATTRIBUTES = new Set([
  "domain",
  "sparse",
  "startPosition",
  "maxResults",
  "totalCount",
  "code",
  "element",
]);

const esc = (value: unknown) => escapeHtml(String(value));

function element(name: string, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join("");
  if (typeof value !== "object") return `<${name}>${esc(value)}</${name}>`;
  const record = value as Record<string, unknown>;
  const attrs: string[] = [];
  const children: string[] = [];
  // A reference ({ value, name? }) is the value as text with a `name` attribute.
  const isRef =
    "value" in record && Object.keys(record).every((k) => k === "value" || k === "name" || k === "type");
  for (const [key, v] of Object.entries(record)) {
    if (v === null || v === undefined) continue;
    const attribute =
      ATTRIBUTES.has(key) || (isRef && key !== "value") || (name === "Fault" && key === "type");
    if (attribute && typeof v !== "object") attrs.push(` ${key}="${esc(v)}"`);
    else if (!(isRef && key === "value")) children.push(element(key, v));
  }
  const text = isRef ? esc(record["value"]) : children.join("");
  return text === "" ? `<${name}${attrs.join("")}/>` : `<${name}${attrs.join("")}>${text}</${name}>`;
}

/** `<?xml …?><IntuitResponse xmlns=… time=…>…</IntuitResponse>` for a JSON-shaped answer `{ X: …, time }`. */
export function intuitResponseXml(doc: Record<string, unknown>): string {
  const { time, ...rest } = doc;
  const body = Object.entries(rest)
    .map(([k, v]) => element(k, v))
    .join("");
  const timeAttr = time === undefined ? "" : ` time="${esc(time)}"`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"${timeAttr}>${body}</IntuitResponse>`
  );
}

/** The answer in the given format. */
export function apiReply(
  format: ApiFormat,
  status: number,
  doc: Record<string, unknown>,
  headers: Array<[string, string]> = [],
): Reply {
  return format === "xml"
    ? { status, headers: [["content-type", XML_TYPE], ...headers], body: intuitResponseXml(doc) }
    : { status, headers: [["content-type", JSON_TYPE], ...headers], body: JSON.stringify(doc) };
}

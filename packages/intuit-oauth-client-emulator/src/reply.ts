// Answer shapes handlers return (status, ordered headers, body) and the helpers that build them.
import { randomBytes } from "node:crypto";

/** A complete answer, built before anything is written so faults can drop or spoil it. */
export interface Reply {
  status: number;
  /** Ordered; `intuit_tid`, `Date` and `Content-Length` are appended when sent. */
  headers: Array<[string, string]>;
  body: string | Buffer;
}

/** A request as handlers see it: body already read. */
export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Headers of Intuit's token endpoint fixture, in its order (§4.2). */
export const TOKEN_HEADERS: Array<[string, string]> = [
  ["content-type", "application/json;charset=UTF-8"],
  ["cache-control", "no-cache, no-store"],
  ["pragma", "no-cache"],
  ["strict-transport-security", "max-age=15552000"],
];

/** JSON answer; adds the Intuit JSON content type unless `headers` has one. */
export function jsonReply(status: number, value: unknown, headers: Array<[string, string]> = []): Reply {
  const base: Array<[string, string]> = headers.some(([k]) => k === "content-type")
    ? []
    : [["content-type", "application/json;charset=UTF-8"]];
  return { status, headers: [...base, ...headers], body: JSON.stringify(value) };
}

/** OAuth error body `{"error", "error_description"?}` with no-store caching. */
export function oauthError(status: number, error: string, description?: string): Reply {
  const body = description === undefined ? { error } : { error, error_description: description };
  return jsonReply(status, body, TOKEN_HEADERS);
}

/** HTML answer. */
export function htmlReply(status: number, html: string): Reply {
  return { status, headers: [["content-type", "text/html; charset=utf-8"]], body: html };
}

/** 302 to `location`, not cached. */
export function redirectReply(location: string): Reply {
  return {
    status: 302,
    headers: [
      ["location", location],
      ["cache-control", "no-store"],
    ],
    body: "",
  };
}

/** Answer with no body. */
export function emptyReply(status: number): Reply {
  return { status, headers: [], body: "" };
}

/** HTML-escape text for element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain HTML page for errors, like Intuit's edge serves. */
export function errorPage(status: number, title: string, message: string): Reply {
  const html =
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  return htmlReply(status, html);
}

/** An `intuit_tid` like `1-628f0be4-19ed5ea63980105102b16b1e` (seconds in hex, then 24 random hex). */
export function newIntuitTid(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, "0")
    .slice(-8);
  return `1-${seconds}-${randomBytes(12).toString("hex")}`;
}

/** First value of a header. */
export function header(req: EmulatorRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Parse a body as JSON object or form, by content type (JSON first when unsure). */
export function parseBodyParams(req: EmulatorRequest): Record<string, string> | undefined {
  const type = (header(req, "content-type") ?? "").toLowerCase();
  const text = req.body.toString("utf8");
  if (type.includes("json") || (!type.includes("form") && text.trimStart().startsWith("{"))) {
    try {
      const value: unknown = JSON.parse(text);
      if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) if (typeof v === "string") out[k] = v;
      return out;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

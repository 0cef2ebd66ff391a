// Client authentication for the token, revoke and migrate endpoints (client_secret_basic / client_secret_post).
import { timingSafeEqual } from "node:crypto";
import { findClient, type EmulatorContext } from "./context.js";
import type { EmulatorClient } from "./types.js";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 6749 §2.3.1 form-decoding, falling back to the raw text (Intuit's SDKs don't encode). */
function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** Credentials from `Authorization: Basic`; null when the header is present but malformed. */
export function basicCredentials(
  authorization: string | undefined,
): { id: string; secret: string } | null | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The client whose id and secret match, or undefined. */
export function checkClient(ctx: EmulatorContext, id: string, secret: string): EmulatorClient | undefined {
  for (const [cid, csecret] of [
    [id, secret],
    [formDecode(id), formDecode(secret)],
  ] as const) {
    const client = findClient(ctx, cid);
    if (client && sameSecret(client.clientSecret, csecret)) return client;
  }
  return undefined;
}

/** Authenticate by Basic header, or (when allowed and no header) by `client_id`/`client_secret` params. */
export function authenticateClient(
  ctx: EmulatorContext,
  authorization: string | undefined,
  params: Record<string, string>,
  allowPost: boolean,
): EmulatorClient | undefined {
  const basic = basicCredentials(authorization);
  if (basic === null) return undefined;
  if (basic) return checkClient(ctx, basic.id, basic.secret);
  if (!allowPost || params.client_id === undefined || params.client_secret === undefined) return undefined;
  return checkClient(ctx, params.client_id, params.client_secret);
}

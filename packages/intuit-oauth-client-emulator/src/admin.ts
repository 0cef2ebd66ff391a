// The /__admin HTTP API (only when `admin: true`): the same test controls as the Emulator object, over HTTP.
// It answers only loopback-addressed, same-origin requests, and JSON bodies, so no web page can drive it.
import { emptyReply, header, jsonReply, type EmulatorRequest, type Reply } from "./reply.js";
import { ENDPOINT_NAMES, type Emulator, type EndpointName, type Fault } from "./types.js";
import { checkWebhookOptions } from "./webhooks.js";

function jsonBody(req: EmulatorRequest): Record<string, unknown> | undefined {
  const text = req.body.toString("utf8").trim();
  if (text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const bad = (message: string): Reply =>
  jsonReply(400, { error: "invalid_request", error_description: message });

const LOOPBACK_HOST = /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::(\d+))?$/i;

/**
 * Refuse what a browser page could send: a Host that is not loopback (DNS rebinding), an Origin other
 * than the emulator's own, and, for anything but GET/HEAD, a body that is not JSON (a "simple"
 * cross-site form or text POST). Undefined when the request may proceed.
 */
export function adminGuard(req: EmulatorRequest, port: number): Reply | undefined {
  const host = LOOPBACK_HOST.exec((header(req, "host") ?? "").trim());
  if (!host)
    return jsonReply(403, {
      error: "access_denied",
      error_description: "the admin API answers only requests addressed to a loopback host",
    });
  const origin = header(req, "origin");
  if (origin !== undefined) {
    let same: boolean;
    try {
      const o = new URL(origin);
      same = o.protocol === "http:" && LOOPBACK_HOST.test(o.host) && Number(o.port || 80) === port;
    } catch {
      same = false; // "null" and other non-URLs
    }
    if (!same)
      return jsonReply(403, {
        error: "access_denied",
        error_description: "the admin API refuses requests from another origin",
      });
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    const type = (header(req, "content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json")
      return jsonReply(415, {
        error: "invalid_request",
        error_description: "the admin API needs Content-Type: application/json",
      });
  }
  return undefined;
}

/** Route one admin request; undefined when the path is not an admin route. */
export async function admin(req: EmulatorRequest, emu: Emulator): Promise<Reply | undefined> {
  const path = req.url.pathname.replace(/\/+$/, "");
  const key = `${req.method} ${path}`;
  const body = jsonBody(req);
  if (!body) return bad("body must be a JSON object");
  try {
    switch (key) {
      case "POST /__admin/clock/advance": {
        if (typeof body.ms !== "number") return bad("ms must be a number");
        emu.advanceClock(body.ms);
        return jsonReply(200, { now: emu.clock.now() });
      }
      case "GET /__admin/clock":
        return jsonReply(200, { now: emu.clock.now() });
      case "POST /__admin/expire-access-tokens":
        emu.expireAccessTokens(typeof body.realmId === "string" ? body.realmId : undefined);
        return emptyReply(204);
      case "POST /__admin/rotate-keys":
        emu.rotateSigningKeys();
        return emptyReply(204);
      case "POST /__admin/faults": {
        const endpoint = body.endpoint as EndpointName;
        if (!ENDPOINT_NAMES.includes(endpoint))
          return bad(`endpoint must be one of ${ENDPOINT_NAMES.join(", ")}`);
        const count = body.count === undefined ? 1 : body.count;
        if (typeof count !== "number") return bad("count must be a number");
        emu.injectFault(endpoint, body.fault as Fault, count);
        return emptyReply(204);
      }
      case "DELETE /__admin/faults":
        emu.clearFaults();
        return emptyReply(204);
      case "GET /__admin/counters":
        return jsonReply(200, emu.counters());
      case "POST /__admin/counters/reset":
        emu.resetCounters();
        return emptyReply(204);
      case "GET /__admin/grants":
        return jsonReply(200, emu.grants());
      case "GET /__admin/api-stats": {
        const realmId = req.url.searchParams.get("realmId") ?? undefined;
        return jsonReply(200, emu.apiStats(realmId));
      }
      case "GET /__admin/entities": {
        const realmId = req.url.searchParams.get("realmId");
        if (!realmId) return bad("realmId is required");
        return jsonReply(200, emu.entities(realmId));
      }
      case "GET /__admin/sent-emails": {
        const realmId = req.url.searchParams.get("realmId");
        if (!realmId) return bad("realmId is required");
        return jsonReply(200, emu.sentEmails(realmId));
      }
      case "POST /__admin/webhooks/send":
        return jsonReply(200, await emu.sendWebhook(checkWebhookOptions(body)));
      default:
        return undefined;
    }
  } catch (err) {
    return bad(err instanceof Error ? err.message : String(err));
  }
}

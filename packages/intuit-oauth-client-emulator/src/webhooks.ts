// Webhook deliveries: legacy eventNotifications or CloudEvents bodies in production's shapes, signed with
// intuit-signature (§13). Deliveries go only to loopback targets and never follow redirects.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { cloudEventTime, legacyWebhookTime } from "./intuit-time.js";
import type {
  EmulatedWebhookEvent,
  EmulatedWebhookOperation,
  SendWebhookOptions,
  WebhookDelivery,
} from "./types.js";

/** Operation → CloudEvents action (`qbo.<entity>.<action>.v1`). A Map: input names never reach a prototype. */
const ACTIONS = new Map<EmulatedWebhookOperation, string>([
  ["Create", "created"],
  ["Update", "updated"],
  ["Delete", "deleted"],
  ["Merge", "merged"],
  ["Void", "voided"],
  ["Emailed", "emailed"],
]);

const FORMATS = new Set(["legacy", "cloudevents"]);

function fail(message: string): never {
  throw new TypeError(`sendWebhook: ${message}`);
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") fail(`${where} must be a non-empty string when given`);
  return value;
}

function requiredString(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") fail(`${where} must be a non-empty string`);
  return value;
}

/** Check options that may come from JSON (the admin API); returns a clean copy. */
export function checkWebhookOptions(options: unknown): SendWebhookOptions {
  if (!options || typeof options !== "object") fail("options must be an object");
  const o = options as Record<string, unknown>;
  const url = loopbackUrl(o["url"]);
  const verifierToken = requiredString(o["verifierToken"], "verifierToken");
  const format = o["format"];
  if (typeof format !== "string" || !FORMATS.has(format)) fail('format must be "legacy" or "cloudevents"');
  const list = o["events"];
  if (!Array.isArray(list)) fail("events must be an array");
  const events = list.map((value: unknown, i): EmulatedWebhookEvent => {
    const where = `events[${i}]`;
    if (!value || typeof value !== "object" || Array.isArray(value)) fail(`${where} must be an object`);
    const e = value as Record<string, unknown>;
    if ("entity" in e || "id" in e || "time" in e)
      fail(`${where} uses the old names entity/id/time: they are now entityName/entityId/occurredAt`);
    const operation = e["operation"];
    if (typeof operation !== "string" || !ACTIONS.has(operation as EmulatedWebhookOperation))
      fail(`${where}.operation must be one of ${[...ACTIONS.keys()].join(", ")}`);
    const occurredAt = optionalString(e["occurredAt"], `${where}.occurredAt`);
    const deletedId = optionalString(e["deletedId"], `${where}.deletedId`);
    const eventId = optionalString(e["eventId"], `${where}.eventId`);
    return {
      realmId: requiredString(e["realmId"], `${where}.realmId`),
      entityName: requiredString(e["entityName"], `${where}.entityName`),
      entityId: requiredString(e["entityId"], `${where}.entityId`),
      operation: operation as EmulatedWebhookOperation,
      ...(occurredAt !== undefined ? { occurredAt } : {}),
      ...(deletedId !== undefined ? { deletedId } : {}),
      ...(eventId !== undefined ? { eventId } : {}),
    };
  });
  return { url: url.toString(), verifierToken, format: format as SendWebhookOptions["format"], events };
}

/** The target URL, if it is http(s) on a loopback host; the emulator never sends anywhere else. */
function loopbackUrl(value: unknown): URL {
  const refuse = () =>
    fail("url must be an http(s) URL on a loopback host (127.0.0.0/8, [::1] or localhost)");
  if (typeof value !== "string") refuse();
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    return refuse();
  }
  const host = url.hostname.toLowerCase();
  const loopback = host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !loopback) refuse();
  return url;
}

/** `intuit.<hash>`: production names the source by an opaque hash; ours is stable per realm. */
function cloudEventSource(realmId: string): string {
  return `intuit.${createHash("sha256").update(`emulator:${realmId}`).digest("base64url").slice(0, 43)}`;
}

/** The JSON body for a delivery, in the requested format. */
export function webhookBody(
  format: SendWebhookOptions["format"],
  events: EmulatedWebhookEvent[],
  nowMs: number,
): string {
  if (format === "cloudevents") {
    return JSON.stringify(
      events.map((e) => {
        const data =
          e.operation === "Merge" && e.deletedId !== undefined ? { deletedid: e.deletedId } : undefined;
        return {
          specversion: "1.0",
          id: e.eventId ?? `${randomUUID()}-${e.entityName}-${e.entityId}`,
          source: cloudEventSource(e.realmId),
          type: `qbo.${e.entityName.toLowerCase()}.${ACTIONS.get(e.operation) ?? "updated"}.v1`,
          datacontenttype: "application/json",
          time: e.occurredAt ?? cloudEventTime(nowMs),
          intuitentityid: e.entityId,
          intuitaccountid: e.realmId,
          // Production leaves `data` out when there is nothing to say; merges name the entity merged away.
          ...(data ? { data } : {}),
        };
      }),
    );
  }
  // Legacy: one notification per realm, in first-seen order, entities in event order.
  const byRealm = new Map<string, Array<Record<string, string>>>();
  for (const e of events) {
    const list = byRealm.get(e.realmId) ?? [];
    list.push({
      name: e.entityName,
      id: e.entityId,
      operation: e.operation,
      lastUpdated: e.occurredAt ?? legacyWebhookTime(nowMs),
      ...(e.operation === "Merge" && e.deletedId !== undefined ? { deletedId: e.deletedId } : {}),
    });
    byRealm.set(e.realmId, list);
  }
  return JSON.stringify({
    eventNotifications: [...byRealm].map(([realmId, entities]) => ({
      realmId,
      dataChangeEvent: { entities },
    })),
  });
}

/** `base64(HMAC-SHA256(verifierToken, body))` */
export function webhookSignature(verifierToken: string, body: Buffer): string {
  return createHmac("sha256", verifierToken).update(body).digest("base64");
}

/** POST a signed delivery to a loopback receiver and report what it answered (a redirect is not followed). */
export async function sendWebhook(input: SendWebhookOptions, nowMs: number): Promise<WebhookDelivery> {
  const options = checkWebhookOptions(input);
  const body = Buffer.from(webhookBody(options.format, options.events, nowMs), "utf8");
  const response = await fetch(options.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "intuit-signature": webhookSignature(options.verifierToken, body),
      "user-agent": "intuit-oauth-client-emulator",
    },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

// Webhook deliveries: legacy eventNotifications or CloudEvents bodies, signed with intuit-signature (§13).
import { createHmac, randomUUID } from "node:crypto";
import type { SendWebhookOptions, WebhookDelivery, WebhookEvent } from "./types.js";

const ACTIONS: Record<WebhookEvent["operation"], string> = {
  Create: "created",
  Update: "updated",
  Delete: "deleted",
  Merge: "merged",
  Void: "voided",
};

/** The JSON body for a delivery, in the requested format. */
export function webhookBody(
  format: SendWebhookOptions["format"],
  events: WebhookEvent[],
  nowMs: number,
): string {
  const when = (e: WebhookEvent) => e.time ?? new Date(nowMs).toISOString();
  if (format === "cloudevents") {
    return JSON.stringify(
      events.map((e) => ({
        specversion: "1.0",
        id: randomUUID(),
        source: "intuit.emulator",
        type: `qbo.${e.entity.toLowerCase()}.${ACTIONS[e.operation]}.v1`,
        datacontenttype: "application/json",
        time: when(e),
        intuitentityid: e.id,
        intuitaccountid: e.realmId,
        data: {},
      })),
    );
  }
  // Legacy: one notification per realm, in first-seen order, entities in event order.
  const byRealm = new Map<string, Array<Record<string, string>>>();
  for (const e of events) {
    const list = byRealm.get(e.realmId) ?? [];
    list.push({ name: e.entity, id: e.id, operation: e.operation, lastUpdated: when(e) });
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

/** POST a signed delivery and report what the receiver answered. */
export async function sendWebhook(options: SendWebhookOptions, nowMs: number): Promise<WebhookDelivery> {
  const body = Buffer.from(webhookBody(options.format, options.events, nowMs), "utf8");
  const response = await fetch(options.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "intuit-signature": webhookSignature(options.verifierToken, body),
      "user-agent": "intuit-oauth-client-emulator",
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.text() };
}

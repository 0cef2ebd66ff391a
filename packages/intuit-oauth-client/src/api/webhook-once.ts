// Webhooks handled once across a fleet: verify, parse, then consume each event's key in a shared
// StateStore, so a redelivery (or the same delivery reaching two instances) yields its events only
// once. Async because the store is; the synchronous handleWebhook is untouched. Portable.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt } from "../common/options.js";
import { hashedKey } from "../crypto/hashed-key.js";
import type { StateStore } from "../state/state-store.js";
import { handleWebhook, type WebhookEvent } from "./webhooks.js";

/** Options of {@link handleWebhookOnce}. */
export interface WebhookOnceOptions {
  /** Where handled event keys are kept: RedisStateStore, PostgresStateStore, FileStateStore, MemoryStateStore. */
  store: StateStore;
  /** How long an event key is remembered, ms. Default one day. */
  ttlMs?: number;
}

/** The events of one delivery, split into new ones and ones already handled. */
export interface WebhookDelivery {
  /** Events no instance has taken before: handle these. */
  events: WebhookEvent[];
  /** Events already taken (by this instance or another, within the TTL): skip these. */
  duplicates: WebhookEvent[];
  /**
   * Gives the new events back, so Intuit's redelivery is handled: call it when handling failed and
   * you answer with an error status.
   */
  release(): Promise<void>;
}

/** Default TTL of a handled event's key: one day. */
export const DEFAULT_WEBHOOK_TTL_MS = 24 * 3600 * 1000;

/**
 * The de-duplication key of an event: its CloudEvents `id`, else (legacy format) its realm,
 * entity, id, operation and `lastUpdated`; hashed, so ids never reach the store as they are.
 *
 * @example
 * webhookEventKey(event); // "webhook:…"
 */
export function webhookEventKey(event: WebhookEvent): string {
  if (event.eventId !== undefined) return hashedKey("webhook:", `cloudevents\u0000${event.eventId}`);
  const parts = [event.realmId, event.entityName, event.entityId, event.operation, event.occurredAt];
  return hashedKey("webhook:", JSON.stringify(["legacy", ...parts]));
}

/**
 * Verifies the signature, parses the delivery, and returns only the events no instance sharing
 * `store` has taken within `ttlMs`. Throws WebhookSignatureError, WebhookPayloadError, or
 * SharedStoreError (then answer with an error status: Intuit delivers again).
 *
 * @example
 * const { events, release } = await handleWebhookOnce(rawBody, req.headers["intuit-signature"], verifierToken, { store });
 * try { await queue.push(events); } catch (e) { await release(); throw e; }
 */
export async function handleWebhookOnce(
  rawBody: string | Uint8Array,
  signatureHeader: string | readonly string[] | undefined | null,
  verifierToken: string,
  options: WebhookOnceOptions,
): Promise<WebhookDelivery> {
  const store = options?.store;
  if (typeof store?.consume !== "function" || typeof store.release !== "function")
    throw new ConfigurationError("handleWebhookOnce needs a store (a StateStore)");
  const ttlMs = positiveInt("ttlMs", options.ttlMs, DEFAULT_WEBHOOK_TTL_MS);
  const all = handleWebhook(rawBody, signatureHeader, verifierToken);
  const keys = all.map(webhookEventKey);
  const seen = keys.length === 0 ? [] : await store.consume(keys, ttlMs);
  // consume lists a key once per occurrence that was not this call's to take; a key given twice
  // (one delivery repeating an event) is taken by its first occurrence at most.
  const fresh = new Map<string, number>();
  for (const key of keys) fresh.set(key, (fresh.get(key) ?? 0) + 1);
  for (const key of seen) fresh.set(key, (fresh.get(key) ?? 0) - 1);
  const events: WebhookEvent[] = [];
  const duplicates: WebhookEvent[] = [];
  const taken: string[] = [];
  all.forEach((event, i) => {
    const key = keys[i] as string;
    if ((fresh.get(key) ?? 0) > 0) {
      fresh.set(key, 0);
      events.push(event);
      taken.push(key);
    } else duplicates.push(event);
  });
  let released = false;
  return {
    events,
    duplicates,
    release: async () => {
      if (released || taken.length === 0) return;
      released = true;
      await store.release(taken);
    },
  };
}

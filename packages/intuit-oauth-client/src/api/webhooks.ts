// QuickBooks webhooks: the `intuit-signature` check (HMAC-SHA256 of the raw body, constant time) and
// one normalised event list from either payload format (legacy `eventNotifications` or CloudEvents).
// Verify before parsing; neither function ever throws SyntaxError or TypeError on bad input.
import { fromUtf8, toBase64, utf8 } from "../common/bytes.js";
import { safeEqual } from "../crypto/compare.js";
import { hmacSha256 } from "../crypto/digest.js";
import { isQuickBooksRealmId, realmIdProblem } from "../oauth/realm-id.js";
import { ConfigurationError, IntuitOAuthError } from "../common/errors.js";

/** What a change was; Intuit may add more, so other strings can appear. */
export type WebhookOperation = "Create" | "Update" | "Delete" | "Merge" | "Void" | "Emailed" | (string & {});

/** One change, the same shape whatever format Intuit delivered it in. */
export interface WebhookEvent {
  /** The company (realm) the change happened in. */
  realmId: string;
  /** QuickBooks entity name, e.g. `Customer`, `PurchaseOrder`. */
  entityName: string;
  /** The entity's id. */
  entityId: string;
  operation: WebhookOperation;
  /** When it happened, as an ISO 8601 UTC string (the sent text when it is not a date). */
  occurredAt: string;
  format: "legacy" | "cloudevents";
  /** CloudEvents `id` (production's form is `<uuid>-<Entity>-<Id>`), for de-duplicating redeliveries. */
  eventId?: string;
  /** Merges: the id of the entity merged away (legacy `deletedId`, CloudEvents `data.deletedid`). */
  deletedId?: string;
  /** The entity (legacy) or CloudEvent object as received. */
  raw: Readonly<Record<string, unknown>>;
}

/** The body is not a webhook payload Intuit sends. */
export class WebhookPayloadError extends IntuitOAuthError {
  static override readonly code = "ERR_WEBHOOK_PAYLOAD";
  declare readonly code: "ERR_WEBHOOK_PAYLOAD";
}

/** The `intuit-signature` header is missing or does not match the body. */
export class WebhookSignatureError extends IntuitOAuthError {
  static override readonly code = "ERR_WEBHOOK_SIGNATURE";
  declare readonly code: "ERR_WEBHOOK_SIGNATURE";
}

type RawBody = string | Uint8Array;

function bytesOf(rawBody: RawBody): Uint8Array {
  return typeof rawBody === "string" ? utf8(rawBody) : rawBody;
}

/**
 * Checks `intuit-signature`: base64 HMAC-SHA256 of the raw body bytes keyed with the app's verifier
 * token, compared in constant time. Pass the body exactly as received, before any JSON parsing.
 * A missing, malformed or non-canonical header gives `false`; it never throws for the header.
 *
 * @example
 * const ok = verifyWebhookSignature(rawBody, req.headers["intuit-signature"], process.env.VERIFIER_TOKEN!);
 */
export function verifyWebhookSignature(
  rawBody: RawBody,
  signatureHeader: string | readonly string[] | undefined | null,
  verifierToken: string,
): boolean {
  if (typeof verifierToken !== "string" || verifierToken === "")
    throw new ConfigurationError("verifierToken is required (the app's webhook verifier token)");
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array))
    throw new ConfigurationError("rawBody must be the raw body as a string or bytes");
  const header = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (typeof header !== "string") return false;
  const expected = toBase64(hmacSha256(utf8(verifierToken), bytesOf(rawBody)));
  // Comparing the canonical text (not decoded bytes) also refuses altered padding bits.
  return safeEqual(header.trim(), expected);
}

/**
 * Turns a delivery in either format into one event list (in delivery order). Throws
 * {@link WebhookPayloadError} for anything that is not a webhook payload.
 *
 * @example
 * for (const e of parseWebhook(rawBody)) console.log(e.realmId, e.entityName, e.entityId, e.operation);
 */
export function parseWebhook(rawBody: RawBody): WebhookEvent[] {
  if (typeof rawBody !== "string" && !(rawBody instanceof Uint8Array))
    throw new WebhookPayloadError("webhook body must be a string or bytes");
  let doc: unknown;
  try {
    doc = JSON.parse(typeof rawBody === "string" ? rawBody : fromUtf8(rawBody));
  } catch {
    throw new WebhookPayloadError("webhook body is not JSON");
  }
  if (Array.isArray(doc)) return doc.map((item, i) => cloudEvent(item, `[${i}]`));
  const root = record(doc, "webhook body");
  const notifications = root["eventNotifications"];
  if (!Array.isArray(notifications))
    throw new WebhookPayloadError("webhook body has neither eventNotifications nor a CloudEvents array");
  return notifications.flatMap((n, i) => legacyNotification(n, `eventNotifications[${i}]`));
}

/**
 * Verifies, then parses. Throws {@link WebhookSignatureError} when the signature does not match.
 *
 * @example
 * const events = handleWebhook(rawBody, req.headers["intuit-signature"], verifierToken);
 */
export function handleWebhook(
  rawBody: RawBody,
  signatureHeader: string | readonly string[] | undefined | null,
  verifierToken: string,
): WebhookEvent[] {
  if (!verifyWebhookSignature(rawBody, signatureHeader, verifierToken))
    throw new WebhookSignatureError(
      signatureHeader ? "intuit-signature does not match the body" : "intuit-signature header is missing",
    );
  return parseWebhook(rawBody);
}

function legacyNotification(value: unknown, where: string): WebhookEvent[] {
  const n = record(value, where);
  const realmId = realm(n["realmId"], `${where}.realmId`);
  const change = n["dataChangeEvent"];
  if (change === undefined || change === null) return [];
  const entities = record(change, `${where}.dataChangeEvent`)["entities"];
  if (entities === undefined || entities === null) return [];
  if (!Array.isArray(entities))
    throw new WebhookPayloadError(`${where}.dataChangeEvent.entities is not an array`);
  return entities.map((value, i) => {
    const at = `${where}.dataChangeEvent.entities[${i}]`;
    const e = record(value, at);
    const deletedId = e["deletedId"];
    return {
      realmId,
      entityName: text(e["name"], `${at}.name`),
      entityId: id(e["id"], `${at}.id`),
      operation: text(e["operation"], `${at}.operation`),
      occurredAt: isoTime(text(e["lastUpdated"], `${at}.lastUpdated`)),
      format: "legacy",
      ...(deletedId !== undefined && deletedId !== null
        ? { deletedId: id(deletedId, `${at}.deletedId`) }
        : {}),
      raw: e,
    };
  });
}

function cloudEvent(value: unknown, where: string): WebhookEvent {
  const e = record(value, where);
  const type = text(e["type"], `${where}.type`);
  // qbo.<entity>.<action>.v1
  const parts = type.split(".");
  const [entity, action] = [parts[1], parts[2]];
  if (parts.length < 3 || !entity || !action)
    throw new WebhookPayloadError(`${where}.type "${type}" is not <source>.<entity>.<action>[.<version>]`);
  if (!plainName(entity) || !plainName(action))
    throw new WebhookPayloadError(`${where}.type "${type}" names no entity and action QuickBooks sends`);
  const eventId = e["id"];
  // `data` may be absent; merges carry `data.deletedid`. Other data is left in `raw`.
  const data = e["data"];
  const deletedId =
    typeof data === "object" && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)["deletedid"]
      : undefined;
  return {
    realmId: realm(e["intuitaccountid"], `${where}.intuitaccountid`),
    entityName: entityName(entity),
    entityId: id(e["intuitentityid"], `${where}.intuitentityid`),
    operation: operation(action),
    occurredAt: isoTime(text(e["time"], `${where}.time`)),
    format: "cloudevents",
    ...(typeof eventId === "string" && eventId !== "" ? { eventId } : {}),
    ...(deletedId !== undefined && deletedId !== null
      ? { deletedId: id(deletedId, `${where}.data.deletedid`) }
      : {}),
    raw: e,
  };
}

// A Map, not an object literal: a type such as `qbo.customer.constructor.v1` must never reach a prototype.
const OPERATIONS = new Map<string, WebhookOperation>([
  ["created", "Create"],
  ["updated", "Update"],
  ["deleted", "Delete"],
  ["merged", "Merge"],
  ["voided", "Void"],
  ["emailed", "Emailed"],
]);

// Lower-case names of Object.prototype's members (`constructor`, `__proto__`, `tostring`, ...).
const PROTOTYPE_NAMES = new Set(
  [...Object.getOwnPropertyNames(Object.prototype), "__proto__"].map((n) => n.toLowerCase()),
);

/**
 * A type segment QuickBooks could send: letters and digits, words joined by `_` or `-`. Names of
 * Object.prototype members are refused too, because apps key their own handler tables by the
 * entity and operation this parser returns.
 */
function plainName(segment: string): boolean {
  return /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/i.test(segment) && !PROTOTYPE_NAMES.has(segment.toLowerCase());
}

function operation(action: string): WebhookOperation {
  const known = OPERATIONS.get(action.toLowerCase());
  return known ?? action.charAt(0).toUpperCase() + action.slice(1);
}

// CloudEvents types spell entities in lower case; the legacy format (and the API) use these names.
const ENTITY_NAMES = new Map(
  [
    "Account",
    "Attachable",
    "Bill",
    "BillPayment",
    "Budget",
    "Class",
    "CompanyCurrency",
    "CompanyInfo",
    "CreditCardPayment",
    "CreditMemo",
    "Currency",
    "Customer",
    "CustomerType",
    "Department",
    "Deposit",
    "Employee",
    "Entitlements",
    "Estimate",
    "ExchangeRate",
    "Invoice",
    "Item",
    "JournalCode",
    "JournalEntry",
    "Payment",
    "PaymentMethod",
    "Preferences",
    "Purchase",
    "PurchaseOrder",
    "RecurringTransaction",
    "RefundReceipt",
    "ReimburseCharge",
    "SalesReceipt",
    "TaxAgency",
    "TaxCode",
    "TaxRate",
    "Term",
    "TimeActivity",
    "Transfer",
    "Vendor",
    "VendorCredit",
  ].map((name) => [name.toLowerCase(), name]),
);

function entityName(entity: string): string {
  const known = ENTITY_NAMES.get(entity.replace(/[_-]/g, "").toLowerCase());
  if (known) return known;
  return entity
    .split(/[_-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

function isoTime(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new WebhookPayloadError(`${where} is not an object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "")
    throw new WebhookPayloadError(`${where} is missing or not a string`);
  return value;
}

/** Ids are strings on the wire; a number is accepted and kept as its decimal text. */
function id(value: unknown, where: string): string {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return text(value, where);
}

/** A company id, by the one realm-id rule (digits): nothing else reaches a store key or a lookup. */
function realm(value: unknown, where: string): string {
  const realmId = id(value, where);
  if (!isQuickBooksRealmId(realmId)) throw new WebhookPayloadError(`${where}: ${realmIdProblem(realmId)}`);
  return realmId;
}

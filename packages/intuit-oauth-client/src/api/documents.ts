// What QuickBooks does with a finished document besides storing it: `qb.void` (the wire form Intuit
// takes per entity), `qb.send` (email it) and `qb.pdf` (its bytes), and `qb.exchangeRate` (a rate read
// by currency and day). Each is one call through the request path; nothing is cached.
import { ConfigurationError } from "../common/errors.js";
import { asObject, unexpectedAnswer, type DataPlane, type DataPlaneCallOptions } from "./data-plane.js";
import { entityPath, type EntityWriteOptions } from "./crud.js";
import type {
  EntityKey,
  EntityOf,
  ExchangeRate,
  PdfEntityName,
  SendableEntityName,
  VoidableEntityName,
} from "./entities/index.js";
import type { QuickBooksBody, QuickBooksResponseType } from "./request-types.js";

/** Entities `qb.void` takes, with Intuit's wire form: `operation=void`, or Payment's `operation=update&include=void`. */
export const VOIDABLE_ENTITIES: Readonly<Record<VoidableEntityName, "operation=void" | "include=void">> =
  Object.freeze({
    Invoice: "operation=void",
    SalesReceipt: "operation=void",
    BillPayment: "operation=void",
    Payment: "include=void",
  });

/** Documents `qb.send` emails. */
export const SENDABLE_ENTITIES: readonly SendableEntityName[] = Object.freeze([
  "Invoice",
  "Estimate",
  "SalesReceipt",
  "CreditMemo",
  "PurchaseOrder",
  "RefundReceipt",
]);

/** Documents `qb.pdf` fetches. */
export const PDF_ENTITIES: readonly PdfEntityName[] = Object.freeze([
  "Invoice",
  "Estimate",
  "CreditMemo",
  "SalesReceipt",
  "RefundReceipt",
]);

function checkId(id: unknown, what: string): string {
  if (typeof id !== "string" || id.trim() === "")
    throw new ConfigurationError(`${what} must be a non-empty string`);
  return id;
}

function callOptions(options: DataPlaneCallOptions) {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

/**
 * Voids a transaction: it stays, with its amounts zeroed and "Voided" noted. Invoice, SalesReceipt and
 * BillPayment take `operation=void`; Payment a sparse update with `include=void`.
 *
 * @example
 * const voided = await qb.void("Invoice", { Id: inv.Id!, SyncToken: inv.SyncToken! });
 */
export async function voidEntity<K extends VoidableEntityName>(
  plane: DataPlane,
  entity: K,
  key: EntityKey,
  options: EntityWriteOptions = {},
): Promise<EntityOf<K>> {
  const form = Object.prototype.hasOwnProperty.call(VOIDABLE_ENTITIES, entity)
    ? VOIDABLE_ENTITIES[entity]
    : undefined;
  if (!form)
    throw new ConfigurationError(
      `${String(entity)} cannot be voided; one of ${Object.keys(VOIDABLE_ENTITIES).join(", ")} (delete the others)`,
    );
  const Id = checkId(key?.Id, "Id");
  const SyncToken = checkId(key?.SyncToken, "SyncToken");
  const res = await plane.send<Record<string, unknown>>({
    method: "POST",
    path: entityPath(entity),
    query: form === "include=void" ? { operation: "update", include: "void" } : { operation: "void" },
    body: form === "include=void" ? { Id, SyncToken, sparse: true } : { Id, SyncToken },
    ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
    ...callOptions(options),
  });
  const found = asObject(asObject(res.body)?.[entity]);
  if (!found) throw unexpectedAnswer(res, entity);
  return found as EntityOf<K>;
}

/** Options of `qb.send`. */
export interface SendOptions extends DataPlaneCallOptions {
  /** Send to this address instead of the document's own (`BillEmail`, `POEmail`). */
  to?: string;
}

/**
 * Emails a document and returns it with `EmailStatus: "EmailSent"` and `DeliveryInfo`. Not retried
 * automatically: Intuit does not document that a repeated send is recognised, and an email twice is
 * worse than an error to retry by hand.
 *
 * @example
 * const sent = await qb.send("Invoice", inv.Id!, { to: "billing@example.com" });
 */
export async function sendDocument<K extends SendableEntityName>(
  plane: DataPlane,
  entity: K,
  id: string,
  options: SendOptions = {},
): Promise<EntityOf<K>> {
  if (!(SENDABLE_ENTITIES as readonly string[]).includes(entity))
    throw new ConfigurationError(
      `${String(entity)} cannot be emailed; one of ${SENDABLE_ENTITIES.join(", ")}`,
    );
  checkId(id, "id");
  if (options.to !== undefined && !/^[^\s@,;]+@[^\s@,;]+$/.test(options.to))
    throw new ConfigurationError("to must be one email address");
  const res = await plane.send<Record<string, unknown>>({
    method: "POST",
    path: `${entityPath(entity)}/${encodeURIComponent(id)}/send`,
    ...(options.to !== undefined ? { query: { sendTo: options.to } } : {}),
    // Intuit's reference sends an empty body as application/octet-stream.
    headers: { "content-type": "application/octet-stream" },
    idempotent: false,
    ...callOptions(options),
  });
  const found = asObject(asObject(res.body)?.[entity]);
  if (!found) throw unexpectedAnswer(res, entity);
  return found as EntityOf<K>;
}

/** Options of `qb.pdf`: the body as bytes (default), a stream or text. */
export interface PdfOptions<R extends Exclude<QuickBooksResponseType, "json">> extends DataPlaneCallOptions {
  responseType?: R;
}

/**
 * A document as PDF: bytes (an ArrayBuffer) by default, or a stream. A missing document is a
 * QuickBooksError (Intuit's Fault), never a PDF.
 *
 * @example
 * await writeFile("invoice.pdf", new Uint8Array(await qb.pdf("Invoice", inv.Id!)));
 */
export async function documentPdf<
  K extends PdfEntityName,
  R extends Exclude<QuickBooksResponseType, "json"> = "arrayBuffer",
>(plane: DataPlane, entity: K, id: string, options: PdfOptions<R> = {}): Promise<QuickBooksBody<R, never>> {
  if (!(PDF_ENTITIES as readonly string[]).includes(entity))
    throw new ConfigurationError(
      `Intuit serves no PDF of ${String(entity)}; one of ${PDF_ENTITIES.join(", ")}`,
    );
  checkId(id, "id");
  const res = await plane.send<never, R>({
    path: `${entityPath(entity)}/${encodeURIComponent(id)}/pdf`,
    responseType: (options.responseType ?? "arrayBuffer") as R,
    ...callOptions(options),
  });
  return res.body;
}

/** Options of `qb.exchangeRate`. */
export interface ExchangeRateOptions extends DataPlaneCallOptions {
  /** The day, `YYYY-MM-DD` or a Date (its UTC day). Default: today (Intuit's). */
  asOfDate?: string | Date;
}

/**
 * The rate of a currency to the home currency on a day (`GET exchangerate?sourcecurrencycode=&asofdate=`).
 *
 * @example
 * const { Rate } = await qb.exchangeRate("EUR", { asOfDate: "2026-03-31" });
 */
export async function readExchangeRate(
  plane: DataPlane,
  sourceCurrencyCode: string,
  options: ExchangeRateOptions = {},
): Promise<ExchangeRate> {
  if (typeof sourceCurrencyCode !== "string" || !/^[A-Za-z]{3}$/.test(sourceCurrencyCode))
    throw new ConfigurationError("sourceCurrencyCode must be a three-letter ISO 4217 code");
  let asofdate: string | undefined;
  if (options.asOfDate instanceof Date) {
    if (Number.isNaN(options.asOfDate.getTime())) throw new ConfigurationError("asOfDate is an invalid Date");
    asofdate = options.asOfDate.toISOString().slice(0, 10);
  } else if (options.asOfDate !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.asOfDate) || Number.isNaN(Date.parse(options.asOfDate)))
      throw new ConfigurationError("asOfDate must be YYYY-MM-DD or a Date");
    asofdate = options.asOfDate;
  }
  const res = await plane.send<Record<string, unknown>>({
    path: "exchangerate",
    query: { sourcecurrencycode: sourceCurrencyCode.toUpperCase(), asofdate },
    ...callOptions(options),
  });
  const found = asObject(asObject(res.body)?.["ExchangeRate"]);
  if (!found) throw unexpectedAnswer(res, "ExchangeRate");
  return found as ExchangeRate;
}

// Typed subclasses of QuickBooksError for Faults a caller handles differently from the rest, and the
// one function that picks the class from the Fault. So far: a stale SyncToken (Intuit's code 5010).
// It never reads or sends anything itself.
import type { ErrorParent } from "../common/errors.js";
import { QuickBooksError, type QuickBooksErrorDetails } from "./fault.js";

/** Intuit's code for an update whose `SyncToken` is not the entity's current one. */
export const STALE_OBJECT_CODE = "5010";

/**
 * An update or delete carried a stale `SyncToken`: someone changed the entity since it was read
 * (Intuit's ValidationFault code 5010, "Stale Object Error"). Read it again, re-apply the change and
 * send it with the new `SyncToken`.
 *
 * @example
 * try { await qb.update("Customer", { Id: "1", SyncToken: "0", Notes: "x" }); } catch (e) {
 *   if (e instanceof StaleObjectError) { const fresh = await qb.read("Customer", "1"); ... }
 * }
 */
export class StaleObjectError extends (QuickBooksError as ErrorParent<typeof QuickBooksError>) {
  static override readonly code = "ERR_STALE_OBJECT";
  declare readonly code: "ERR_STALE_OBJECT";
}

/** The QuickBooksError (or subclass) for an answer. */
export function quickBooksErrorFor(details: QuickBooksErrorDetails): QuickBooksError {
  if (details.fault?.errors.some((e) => e.code === STALE_OBJECT_CODE)) return new StaleObjectError(details);
  return new QuickBooksError(details);
}

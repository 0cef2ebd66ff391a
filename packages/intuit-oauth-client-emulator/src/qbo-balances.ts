// Balances that follow transactions, as production keeps them: a customer's Balance (and BalanceWithJobs
// up its parents) moves with invoices, payments and credit memos; a vendor's with bills, bill payments
// and vendor credits; an invoice's or bill's Balance with the payments linked to it. Each write undoes
// the old version's effect and applies the new one's, so updates, voids and deletes stay consistent.
// A moved entity gets a new SyncToken and LastUpdatedTime, as any change (U: production's exact rule).
import type { EmulatorContext } from "./context.js";
import { entityTime } from "./intuit-time.js";
import { money, num } from "./qbo-money.js";
import { refValue } from "./qbo-schema.js";
import { findEntity, type Entity } from "./qbo-store.js";

/** Sign of a transaction's total on its customer's or vendor's balance. */
const PARTY_EFFECT: Record<string, { party: "Customer" | "Vendor"; sign: number }> = {
  Invoice: { party: "Customer", sign: 1 },
  Payment: { party: "Customer", sign: -1 },
  CreditMemo: { party: "Customer", sign: -1 },
  Bill: { party: "Vendor", sign: 1 },
  BillPayment: { party: "Vendor", sign: -1 },
  VendorCredit: { party: "Vendor", sign: -1 },
};

/** Which document a payment line may pay. */
const LINKED = new Map([
  ["Payment", "Invoice"],
  ["BillPayment", "Bill"],
]);

interface Effect {
  entity: string;
  id: string;
  amount: number;
}

function effects(entity: string, txn: Entity | undefined): Effect[] {
  if (!txn) return [];
  const out: Effect[] = [];
  const party = PARTY_EFFECT[entity];
  const partyId = party ? refValue(txn[`${party.party}Ref`]) : undefined;
  if (party && partyId !== undefined)
    out.push({ entity: party.party, id: partyId, amount: party.sign * num(txn["TotalAmt"]) });
  const target = LINKED.get(entity);
  if (target)
    for (const line of (Array.isArray(txn["Line"]) ? txn["Line"] : []) as Entity[])
      for (const link of (Array.isArray(line["LinkedTxn"]) ? line["LinkedTxn"] : []) as Entity[])
        if (link["TxnType"] === target && typeof link["TxnId"] === "string")
          out.push({ entity: target, id: link["TxnId"], amount: -num(line["Amount"]) });
  return out;
}

/**
 * Moves one balance. The moved entity is changed like any other update (SyncToken + 1, LastUpdatedTime),
 * so an old SyncToken is stale afterwards and CDC lists the entity: a mirror converges.
 */
function adjust(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  id: string,
  field: string,
  by: number,
) {
  const found = findEntity(ctx, realmId, entity, id);
  if (!found) return undefined;
  found[field] = money(num(found[field]) + by);
  touch(ctx, found);
  return found;
}

function touch(ctx: EmulatorContext, found: Entity): void {
  found["SyncToken"] = String(Number(found["SyncToken"] ?? "0") + 1);
  const meta = (found["MetaData"] ?? {}) as Record<string, unknown>;
  found["MetaData"] = { ...meta, LastUpdatedTime: entityTime(ctx.clock.now()) };
}

/** Moves the balances from what `before` did to what `after` does (either may be absent). */
export function followBalances(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  before: Entity | undefined,
  after: Entity | undefined,
): void {
  const changes = [
    ...effects(entity, before).map((e) => ({ ...e, amount: -e.amount })),
    ...effects(entity, after),
  ];
  for (const change of changes) {
    if (change.amount === 0) continue;
    if (change.entity === "Customer") {
      let customer = adjust(ctx, realmId, "Customer", change.id, "Balance", change.amount);
      // BalanceWithJobs: the customer's own and every parent's, up the tree (at most 5 levels in QuickBooks).
      for (let depth = 0; customer && depth < 6; depth++) {
        customer["BalanceWithJobs"] = money(num(customer["BalanceWithJobs"]) + change.amount);
        if (depth > 0) touch(ctx, customer);
        const parent = refValue(customer["ParentRef"]);
        customer = parent === undefined ? undefined : findEntity(ctx, realmId, "Customer", parent);
      }
    } else adjust(ctx, realmId, change.entity, change.id, "Balance", change.amount);
  }
  if (changes.length > 0) ctx.state.markChanged();
}

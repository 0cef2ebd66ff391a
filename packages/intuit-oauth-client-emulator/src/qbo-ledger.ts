// The company's books as double-entry postings derived from its transactions, for the computed reports:
// invoices debit receivables and credit income, payments credit receivables, bills credit payables,
// and so on. Accounts a transaction does not name are QuickBooks' standard ones (A/R, A/P, Undeposited
// Funds, Sales, Uncategorized Expense, Sales Tax Payable). Pure over the realm's entities.
import type { EmulatorContext } from "./context.js";
import { classification, displayName } from "./qbo-names.js";
import { money, num } from "./qbo-money.js";
import { refValue } from "./qbo-schema.js";
import { findEntity, listEntities, type Entity } from "./qbo-store.js";

/** An account as reports show it. `id` is absent for QuickBooks' standard accounts the company has not made. */
export interface LedgerAccount {
  id?: string;
  name: string;
  type: string;
  classification: string;
}

/** One side of a transaction on one account: `amount` is positive for a debit, negative for a credit. */
export interface Posting {
  date: string;
  txnType: string;
  txnId: string;
  docNumber: string;
  /** The customer or vendor, as `{ entity, id, name }`. */
  party?: { entity: string; id: string; name: string };
  account: LedgerAccount;
  amount: number;
}

const standard = (name: string, type: string): LedgerAccount => ({
  name,
  type,
  classification: classification(type),
});
export const RECEIVABLE = standard("Accounts Receivable (A/R)", "Accounts Receivable");
export const PAYABLE = standard("Accounts Payable (A/P)", "Accounts Payable");
const UNDEPOSITED = standard("Undeposited Funds", "Other Current Asset");
const SALES = standard("Sales", "Income");
const EXPENSE = standard("Uncategorized Expense", "Expense");
const SALES_TAX = standard("Sales Tax Payable", "Other Current Liability");

/** The transaction types that post to the books, in the order reports list them. */
export const POSTING_TYPES = [
  "Invoice",
  "SalesReceipt",
  "CreditMemo",
  "RefundReceipt",
  "Payment",
  "Deposit",
  "Bill",
  "VendorCredit",
  "BillPayment",
  "Purchase",
  "JournalEntry",
  "Transfer",
] as const;

function account(
  ctx: EmulatorContext,
  realmId: string,
  ref: unknown,
  fallback: LedgerAccount,
): LedgerAccount {
  const id = refValue(ref);
  const found = id === undefined ? undefined : findEntity(ctx, realmId, "Account", id);
  if (!found) return fallback;
  const type = String(found["AccountType"] ?? fallback.type);
  return { id, name: displayName(found) ?? id ?? "", type, classification: classification(type) };
}

function itemAccount(
  ctx: EmulatorContext,
  realmId: string,
  line: Entity,
  field: string,
  fallback: LedgerAccount,
) {
  const detail = (line["SalesItemLineDetail"] ?? line["ItemBasedExpenseLineDetail"] ?? {}) as Entity;
  const itemId = refValue(detail["ItemRef"]);
  const item = itemId === undefined ? undefined : findEntity(ctx, realmId, "Item", itemId);
  return account(ctx, realmId, item?.[field], fallback);
}

const lines = (txn: Entity): Entity[] =>
  (Array.isArray(txn["Line"]) ? (txn["Line"] as Entity[]) : []).filter(
    (l) => l && typeof l === "object" && l["DetailType"] !== "SubTotalLineDetail",
  );

/** Every posting of the realm's transactions (voided ones post zero and are left out). */
export function postings(ctx: EmulatorContext, realmId: string): Posting[] {
  const out: Posting[] = [];
  for (const txnType of POSTING_TYPES)
    for (const txn of listEntities(ctx, realmId, txnType)) {
      const partyEntity = txn["CustomerRef"] ? "Customer" : txn["VendorRef"] ? "Vendor" : undefined;
      const partyId = partyEntity ? refValue(txn[`${partyEntity}Ref`]) : undefined;
      const partyRecord = partyEntity && partyId ? findEntity(ctx, realmId, partyEntity, partyId) : undefined;
      const base = {
        date: String(txn["TxnDate"] ?? ""),
        txnType,
        txnId: String(txn["Id"]),
        docNumber: String(txn["DocNumber"] ?? ""),
        ...(partyEntity && partyId
          ? {
              party: {
                entity: partyEntity,
                id: partyId,
                name: (partyRecord && displayName(partyRecord)) ?? partyId,
              },
            }
          : {}),
      };
      const post = (acct: LedgerAccount, amount: number) => {
        if (money(amount) !== 0) out.push({ ...base, account: acct, amount: money(amount) });
      };
      for (const [acct, amount] of entries(ctx, realmId, txnType, txn)) post(acct, amount);
    }
  return out;
}

/** The postings of one transaction, as [account, debit-positive amount]. */
function entries(
  ctx: EmulatorContext,
  realmId: string,
  type: string,
  txn: Entity,
): Array<[LedgerAccount, number]> {
  const total = num(txn["TotalAmt"]);
  const tax = num((txn["TxnTaxDetail"] as Entity | undefined)?.["TotalTax"]);
  const income = (sign: number) =>
    lines(txn).map((l): [LedgerAccount, number] => [
      itemAccount(ctx, realmId, l, "IncomeAccountRef", SALES),
      sign * (l["DetailType"] === "DiscountLineDetail" ? -num(l["Amount"]) : num(l["Amount"])),
    ]);
  const expense = (sign: number) =>
    lines(txn).map((l): [LedgerAccount, number] => {
      const detail = l["AccountBasedExpenseLineDetail"] as Entity | undefined;
      const acct = detail
        ? account(ctx, realmId, detail["AccountRef"], EXPENSE)
        : itemAccount(ctx, realmId, l, "ExpenseAccountRef", EXPENSE);
      return [acct, sign * num(l["Amount"])];
    });
  const deposit = account(ctx, realmId, txn["DepositToAccountRef"], UNDEPOSITED);
  switch (type) {
    case "Invoice":
      return [
        [account(ctx, realmId, txn["ARAccountRef"], RECEIVABLE), total],
        ...income(-1),
        [SALES_TAX, -tax],
      ];
    case "SalesReceipt":
      return [[deposit, total], ...income(-1), [SALES_TAX, -tax]];
    case "CreditMemo":
      return [[RECEIVABLE, -total], ...income(1), [SALES_TAX, tax]];
    case "RefundReceipt":
      return [[deposit, -total], ...income(1), [SALES_TAX, tax]];
    case "Payment":
      return [
        [deposit, total],
        [account(ctx, realmId, txn["ARAccountRef"], RECEIVABLE), -total],
      ];
    case "Deposit":
      return [
        [deposit, total],
        ...lines(txn).map((l): [LedgerAccount, number] => [
          account(ctx, realmId, (l["DepositLineDetail"] as Entity | undefined)?.["AccountRef"], UNDEPOSITED),
          -num(l["Amount"]),
        ]),
      ];
    case "Bill":
      return [[account(ctx, realmId, txn["APAccountRef"], PAYABLE), -total], ...expense(1)];
    case "VendorCredit":
      return [[PAYABLE, total], ...expense(-1)];
    case "BillPayment": {
      const payFrom =
        (txn["CheckPayment"] as Entity | undefined)?.["BankAccountRef"] ??
        (txn["CreditCardPayment"] as Entity | undefined)?.["CCAccountRef"];
      return [
        [PAYABLE, total],
        [account(ctx, realmId, payFrom, UNDEPOSITED), -total],
      ];
    }
    case "Purchase": {
      const sign = txn["Credit"] === true ? -1 : 1;
      return [[account(ctx, realmId, txn["AccountRef"], UNDEPOSITED), -sign * total], ...expense(sign)];
    }
    case "JournalEntry":
      return lines(txn).map((l): [LedgerAccount, number] => {
        const detail = (l["JournalEntryLineDetail"] ?? {}) as Entity;
        const sign = detail["PostingType"] === "Credit" ? -1 : 1;
        return [account(ctx, realmId, detail["AccountRef"], EXPENSE), sign * num(l["Amount"])];
      });
    case "Transfer": {
      const amount = num(txn["Amount"]);
      return [
        [account(ctx, realmId, txn["ToAccountRef"], UNDEPOSITED), amount],
        [account(ctx, realmId, txn["FromAccountRef"], UNDEPOSITED), -amount],
      ];
    }
    default:
      return [];
  }
}

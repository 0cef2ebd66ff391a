// Transaction lines, told apart by `DetailType` as Intuit's reference defines them (sales, expense,
// journal, deposit and payment lines). Types only.
import type { EntityTypeRef, LinkedTxn, Ref } from "./common.js";

interface LineBase {
  Id?: string;
  LineNum?: number;
  Description?: string;
  Amount?: number;
  LinkedTxn?: LinkedTxn[];
}

/** A line selling an item (invoices, sales receipts, estimates, credit memos). */
export interface SalesItemLine extends LineBase {
  Amount: number;
  DetailType: "SalesItemLineDetail";
  SalesItemLineDetail: {
    ItemRef?: Ref;
    ClassRef?: Ref;
    Qty?: number;
    UnitPrice?: number;
    TaxCodeRef?: Ref;
    ServiceDate?: string;
    DiscountRate?: number;
    DiscountAmt?: number;
  };
}

/** A bundle of items sold together. */
export interface GroupLine extends LineBase {
  DetailType: "GroupLineDetail";
  GroupLineDetail: { GroupItemRef?: Ref; Quantity?: number; Line?: SalesItemLine[] };
}

/** A text-only line (or a subtotal placeholder). */
export interface DescriptionOnlyLine extends LineBase {
  DetailType: "DescriptionOnly";
  DescriptionLineDetail?: { ServiceDate?: string; TaxCodeRef?: Ref };
}

/** A discount on the whole form. */
export interface DiscountLine extends LineBase {
  Amount: number;
  DetailType: "DiscountLineDetail";
  DiscountLineDetail: { PercentBased?: boolean; DiscountPercent?: number; DiscountAccountRef?: Ref };
}

/** The subtotal the server adds to sales forms. */
export interface SubTotalLine extends LineBase {
  DetailType: "SubTotalLineDetail";
  SubTotalLineDetail?: { ItemRef?: Ref };
}

/** Lines of sales forms. */
export type SalesLine = SalesItemLine | GroupLine | DescriptionOnlyLine | DiscountLine | SubTotalLine;

/** An expense booked to an account (bills, purchases). */
export interface AccountBasedExpenseLine extends LineBase {
  Amount: number;
  DetailType: "AccountBasedExpenseLineDetail";
  AccountBasedExpenseLineDetail: {
    AccountRef: Ref;
    CustomerRef?: Ref;
    ClassRef?: Ref;
    BillableStatus?: "Billable" | "NotBillable" | "HasBeenBilled";
    TaxCodeRef?: Ref;
  };
}

/** An expense for an item (bills, purchases). */
export interface ItemBasedExpenseLine extends LineBase {
  Amount: number;
  DetailType: "ItemBasedExpenseLineDetail";
  ItemBasedExpenseLineDetail: {
    ItemRef: Ref;
    Qty?: number;
    UnitPrice?: number;
    CustomerRef?: Ref;
    ClassRef?: Ref;
    BillableStatus?: "Billable" | "NotBillable" | "HasBeenBilled";
    TaxCodeRef?: Ref;
  };
}

/** Lines of bills and purchases. */
export type ExpenseLine = AccountBasedExpenseLine | ItemBasedExpenseLine;

/** One side of a journal entry. */
export interface JournalEntryLine extends LineBase {
  Amount: number;
  DetailType: "JournalEntryLineDetail";
  JournalEntryLineDetail: {
    PostingType: "Debit" | "Credit";
    AccountRef: Ref;
    Entity?: EntityTypeRef;
    ClassRef?: Ref;
    DepartmentRef?: Ref;
  };
}

/** A deposit line: money from a payment (LinkedTxn) or from an account. */
export interface DepositLine extends LineBase {
  Amount: number;
  DetailType?: "DepositLineDetail";
  DepositLineDetail?: {
    AccountRef?: Ref;
    Entity?: Ref;
    PaymentMethodRef?: Ref;
    CheckNum?: string;
    ClassRef?: Ref;
  };
}

/** A line of a payment or bill payment: the amount applied to the linked transactions. */
export interface PaymentLine {
  Amount: number;
  LinkedTxn: LinkedTxn[];
}

// Purchase-side and ledger transactions: Bill, BillPayment, Purchase, Deposit, JournalEntry,
// PurchaseOrder, VendorCredit and Transfer, with
// the fields of Intuit's Accounting API reference that apps use. Types only.
import type {
  CustomField,
  EmailAddress,
  EmailStatus,
  EntityBase,
  LinkedTxn,
  PhysicalAddress,
  Ref,
  TxnTaxDetail,
} from "./common.js";
import type { DepositLine, ExpenseLine, JournalEntryLine, PaymentLine } from "./lines.js";

export interface Bill extends EntityBase {
  VendorRef?: Ref;
  Line?: ExpenseLine[];
  DocNumber?: string;
  TxnDate?: string;
  DueDate?: string;
  SalesTermRef?: Ref;
  APAccountRef?: Ref;
  PrivateNote?: string;
  VendorAddr?: PhysicalAddress;
  LinkedTxn?: LinkedTxn[];
  TxnTaxDetail?: TxnTaxDetail;
  DepartmentRef?: Ref;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  GlobalTaxCalculation?: "TaxExcluded" | "TaxInclusive" | "NotApplicable";
  /** Read-only. */
  TotalAmt?: number;
  Balance?: number;
}

/** Payment of bills: by check (`CheckPayment`) or credit card (`CreditCardPayment`). */
export interface BillPayment extends EntityBase {
  VendorRef?: Ref;
  PayType?: "Check" | "CreditCard";
  TotalAmt?: number;
  Line?: PaymentLine[];
  CheckPayment?: { BankAccountRef: Ref; PrintStatus?: "NotSet" | "NeedToPrint" | "PrintComplete" };
  CreditCardPayment?: { CCAccountRef: Ref };
  DocNumber?: string;
  TxnDate?: string;
  PrivateNote?: string;
  APAccountRef?: Ref;
  DepartmentRef?: Ref;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
}

/** An expense, check or credit-card charge (`PaymentType`) paid from `AccountRef`. */
export interface Purchase extends EntityBase {
  AccountRef?: Ref;
  PaymentType?: "Cash" | "Check" | "CreditCard";
  Line?: ExpenseLine[];
  EntityRef?: Ref;
  Credit?: boolean;
  DocNumber?: string;
  TxnDate?: string;
  PrivateNote?: string;
  PaymentMethodRef?: Ref;
  RemitToAddr?: PhysicalAddress;
  TxnTaxDetail?: TxnTaxDetail;
  DepartmentRef?: Ref;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  GlobalTaxCalculation?: "TaxExcluded" | "TaxInclusive" | "NotApplicable";
  PrintStatus?: "NotSet" | "NeedToPrint" | "PrintComplete";
  /** Read-only. */
  TotalAmt?: number;
}

export interface Deposit extends EntityBase {
  DepositToAccountRef?: Ref;
  Line?: DepositLine[];
  TxnDate?: string;
  PrivateNote?: string;
  CashBack?: { AccountRef: Ref; Amount: number; Memo?: string };
  DepartmentRef?: Ref;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  /** Read-only. */
  TotalAmt?: number;
}

/** Debits and credits that must balance. */
export interface JournalEntry extends EntityBase {
  Line?: JournalEntryLine[];
  DocNumber?: string;
  TxnDate?: string;
  PrivateNote?: string;
  Adjustment?: boolean;
  TxnTaxDetail?: TxnTaxDetail;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  /** Read-only. */
  TotalAmt?: number;
}

/** An order to a vendor: non-posting until billed; can be emailed (`qb.send`). */
export interface PurchaseOrder extends EntityBase {
  /** Required on create. */
  VendorRef?: Ref;
  /** Required on create: item- or account-based lines. */
  Line?: ExpenseLine[];
  APAccountRef?: Ref;
  DocNumber?: string;
  TxnDate?: string;
  DueDate?: string;
  POStatus?: "Open" | "Closed";
  POEmail?: EmailAddress;
  EmailStatus?: EmailStatus;
  ShipAddr?: PhysicalAddress;
  VendorAddr?: PhysicalAddress;
  ShipMethodRef?: Ref;
  SalesTermRef?: Ref;
  ClassRef?: Ref;
  Memo?: string;
  PrivateNote?: string;
  CustomField?: CustomField[];
  LinkedTxn?: LinkedTxn[];
  TxnTaxDetail?: TxnTaxDetail;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  GlobalTaxCalculation?: "TaxExcluded" | "TaxInclusive" | "NotApplicable";
  /** Read-only. */
  TotalAmt?: number;
}

/** A credit from a vendor, applied to later bills. */
export interface VendorCredit extends EntityBase {
  /** Required on create. */
  VendorRef?: Ref;
  /** Required on create. */
  Line?: ExpenseLine[];
  APAccountRef?: Ref;
  DocNumber?: string;
  TxnDate?: string;
  PrivateNote?: string;
  LinkedTxn?: LinkedTxn[];
  TxnTaxDetail?: TxnTaxDetail;
  DepartmentRef?: Ref;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  GlobalTaxCalculation?: "TaxExcluded" | "TaxInclusive" | "NotApplicable";
  /** Read-only. */
  TotalAmt?: number;
  Balance?: number;
}

/** Money moved between two balance-sheet accounts. */
export interface Transfer extends EntityBase {
  /** Required on create. */
  FromAccountRef?: Ref;
  /** Required on create. */
  ToAccountRef?: Ref;
  /** Required on create. */
  Amount?: number;
  TxnDate?: string;
  PrivateNote?: string;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
}

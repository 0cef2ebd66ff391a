// Sales transactions: Invoice, SalesReceipt, Estimate, CreditMemo, RefundReceipt and Payment, with the fields of
// Intuit's Accounting API reference that apps use. Types only.
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
import type { PaymentLine, SalesLine } from "./lines.js";

/** Fields shared by sales forms. */
interface SalesForm extends EntityBase {
  DocNumber?: string;
  TxnDate?: string;
  PrivateNote?: string;
  CustomerMemo?: { value: string };
  Line?: SalesLine[];
  CustomerRef?: Ref;
  BillAddr?: PhysicalAddress;
  ShipAddr?: PhysicalAddress;
  BillEmail?: EmailAddress;
  CustomField?: CustomField[];
  LinkedTxn?: LinkedTxn[];
  TxnTaxDetail?: TxnTaxDetail;
  ClassRef?: Ref;
  DepartmentRef?: Ref;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  GlobalTaxCalculation?: "TaxExcluded" | "TaxInclusive" | "NotApplicable";
  ApplyTaxAfterDiscount?: boolean;
  PrintStatus?: "NotSet" | "NeedToPrint" | "PrintComplete";
  EmailStatus?: EmailStatus;
  /** Read-only: when the form was last emailed (`qb.send`). */
  DeliveryInfo?: { DeliveryType?: "Email" | (string & {}); DeliveryTime?: string };
  /** Read-only: the form's total. */
  TotalAmt?: number;
}

export interface Invoice extends SalesForm {
  DueDate?: string;
  SalesTermRef?: Ref;
  ShipDate?: string;
  TrackingNum?: string;
  AllowOnlineCreditCardPayment?: boolean;
  AllowOnlineACHPayment?: boolean;
  Deposit?: number;
  DepositToAccountRef?: Ref;
  /** Read-only: what is still owed. */
  Balance?: number;
  InvoiceLink?: string;
}

export interface SalesReceipt extends SalesForm {
  PaymentMethodRef?: Ref;
  PaymentRefNum?: string;
  DepositToAccountRef?: Ref;
  ShipDate?: string;
  Balance?: number;
}

export interface Estimate extends SalesForm {
  ExpirationDate?: string;
  AcceptedBy?: string;
  AcceptedDate?: string;
  TxnStatus?: "Accepted" | "Closed" | "Pending" | "Rejected";
  ShipDate?: string;
}

export interface CreditMemo extends SalesForm {
  /** Read-only: credit not yet applied. */
  RemainingCredit?: number;
  Balance?: number;
  PaymentMethodRef?: Ref;
  DepositToAccountRef?: Ref;
}

/** Money paid back to a customer, from `DepositToAccountRef`. */
export interface RefundReceipt extends SalesForm {
  /** Required on create: the account the refund is paid from. */
  DepositToAccountRef?: Ref;
  PaymentMethodRef?: Ref;
  PaymentRefNum?: string;
  CheckPayment?: {
    CheckNum?: string;
    Status?: string;
    NameOnAcct?: string;
    AcctNum?: string;
    BankName?: string;
  };
  CreditCardPayment?: {
    CreditChargeInfo?: Record<string, unknown>;
    CreditChargeResponse?: Record<string, unknown>;
  };
  /** Read-only. */
  Balance?: number;
}

/** Money received from a customer, applied to invoices through `Line[].LinkedTxn`. */
export interface Payment extends EntityBase {
  TotalAmt?: number;
  CustomerRef?: Ref;
  TxnDate?: string;
  PaymentRefNum?: string;
  PaymentMethodRef?: Ref;
  DepositToAccountRef?: Ref;
  ARAccountRef?: Ref;
  Line?: PaymentLine[];
  PrivateNote?: string;
  CurrencyRef?: Ref;
  ExchangeRate?: number;
  ProcessPayment?: boolean;
  /** Read-only: the amount not applied to any invoice. */
  UnappliedAmt?: number;
}

// Name-list entities: Customer, Vendor, Employee, Item and Account (made inactive, never deleted),
// with the fields of Intuit's Accounting API reference that apps use. Types only.
import type {
  EmailAddress,
  EntityBase,
  PhysicalAddress,
  Ref,
  TelephoneNumber,
  WebSiteAddress,
} from "./common.js";

/** Name fields shared by customers, vendors and employees. */
interface Person extends EntityBase {
  /** Unique across customers, vendors and employees (code 6240 otherwise). */
  DisplayName?: string;
  Title?: string;
  GivenName?: string;
  MiddleName?: string;
  FamilyName?: string;
  Suffix?: string;
  PrintOnCheckName?: string;
  PrimaryEmailAddr?: EmailAddress;
  PrimaryPhone?: TelephoneNumber;
  Mobile?: TelephoneNumber;
  AlternatePhone?: TelephoneNumber;
  Fax?: TelephoneNumber;
  /** `false` makes it inactive: queries leave it out unless they ask about `Active`. */
  Active?: boolean;
}

export interface Customer extends Person {
  CompanyName?: string;
  BillAddr?: PhysicalAddress;
  ShipAddr?: PhysicalAddress;
  WebAddr?: WebSiteAddress;
  Notes?: string;
  Job?: boolean;
  ParentRef?: Ref;
  BillWithParent?: boolean;
  Level?: number;
  FullyQualifiedName?: string;
  Taxable?: boolean;
  DefaultTaxCodeRef?: Ref;
  SalesTermRef?: Ref;
  PaymentMethodRef?: Ref;
  CurrencyRef?: Ref;
  PreferredDeliveryMethod?: "Print" | "Email" | "None";
  ResaleNum?: string;
  /** Read-only: open balance. */
  Balance?: number;
  BalanceWithJobs?: number;
  OpenBalanceDate?: string;
}

export interface Vendor extends Person {
  CompanyName?: string;
  BillAddr?: PhysicalAddress;
  WebAddr?: WebSiteAddress;
  AcctNum?: string;
  TaxIdentifier?: string;
  Vendor1099?: boolean;
  TermRef?: Ref;
  CurrencyRef?: Ref;
  /** Read-only: what is owed to the vendor. */
  Balance?: number;
}

export interface Employee extends Person {
  PrimaryAddr?: PhysicalAddress;
  EmployeeNumber?: string;
  SSN?: string;
  BillableTime?: boolean;
  BillRate?: number;
  BirthDate?: string;
  Gender?: "Male" | "Female";
  HiredDate?: string;
  ReleasedDate?: string;
}

export interface Item extends EntityBase {
  /** Unique among items. */
  Name?: string;
  Sku?: string;
  Description?: string;
  PurchaseDesc?: string;
  Type?: "Inventory" | "NonInventory" | "Service" | "Category" | "Group";
  Active?: boolean;
  UnitPrice?: number;
  PurchaseCost?: number;
  Taxable?: boolean;
  TrackQtyOnHand?: boolean;
  QtyOnHand?: number;
  InvStartDate?: string;
  IncomeAccountRef?: Ref;
  ExpenseAccountRef?: Ref;
  AssetAccountRef?: Ref;
  ParentRef?: Ref;
  SubItem?: boolean;
  FullyQualifiedName?: string;
  SalesTaxCodeRef?: Ref;
  PurchaseTaxCodeRef?: Ref;
}

export interface Account extends EntityBase {
  /** Unique among accounts; no `"` or `:`. */
  Name?: string;
  AcctNum?: string;
  Description?: string;
  AccountType?: string;
  AccountSubType?: string;
  Classification?: "Asset" | "Equity" | "Expense" | "Liability" | "Revenue";
  Active?: boolean;
  SubAccount?: boolean;
  ParentRef?: Ref;
  FullyQualifiedName?: string;
  CurrencyRef?: Ref;
  /** Read-only. */
  CurrentBalance?: number;
  CurrentBalanceWithSubAccounts?: number;
}

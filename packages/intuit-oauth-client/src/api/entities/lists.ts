// The smaller lists of Intuit's Accounting API reference: classes, departments, terms, payment
// methods, journal codes, currencies and exchange rates, budgets, and the tax lists (agencies, codes,
// rates). What each allows is in entities/index.ts. Types only.
import type { EntityBase, Ref } from "./common.js";

/** A list entry that can be nested under a parent (`SubClass`/`SubDepartment`, `ParentRef`). */
interface NestedList extends EntityBase {
  /** Required on create. */
  Name?: string;
  ParentRef?: Ref;
  /** Read-only: `Parent:Child`. */
  FullyQualifiedName?: string;
  Active?: boolean;
}

/** A class, for tracking by segment (needs class tracking on in Preferences). */
export interface Class extends NestedList {
  SubClass?: boolean;
}

/** A department (a "location" in the product). */
export interface Department extends NestedList {
  SubDepartment?: boolean;
}

/** Payment terms: due after `DueDays`, or on a day of the month (`DATE_DRIVEN`). */
export interface Term extends EntityBase {
  Name?: string;
  Active?: boolean;
  Type?: "STANDARD" | "DATE_DRIVEN";
  DueDays?: number;
  DiscountDays?: number;
  DiscountPercent?: number;
  DayOfMonthDue?: number;
  DueNextMonthDays?: number;
  DiscountDayOfMonth?: number;
}

export interface PaymentMethod extends EntityBase {
  Name?: string;
  Active?: boolean;
  Type?: "CREDIT_CARD" | "NON_CREDIT_CARD";
}

/** A journal code (French companies only). */
export interface JournalCode extends EntityBase {
  Name?: string;
  Type?: "Expenses" | "Sales" | "Bank" | "Nouveaux" | "Wages" | "Cash" | "Others";
  Description?: string;
  Active?: boolean;
}

/** A currency the company uses besides its home currency (multicurrency companies). */
export interface CompanyCurrency extends EntityBase {
  /** Required on create: ISO 4217, e.g. `EUR`. */
  Code?: string;
  /** Read-only. */
  Name?: string;
  Active?: boolean;
}

/**
 * The rate of a currency to the home currency on a day. It has no `Id`: it is read by currency and
 * date (`qb.exchangeRate("EUR", { asOfDate })`) and set by an update naming both.
 */
export interface ExchangeRate extends EntityBase {
  SourceCurrencyCode?: string;
  /** The home currency. */
  TargetCurrencyCode?: string;
  Rate?: number;
  /** `YYYY-MM-DD`. */
  AsOfDate?: string;
}

/** A budget, made in QuickBooks; the API reads it. */
export interface Budget extends EntityBase {
  Name?: string;
  StartDate?: string;
  EndDate?: string;
  BudgetType?: "ProfitAndLoss" | "BalanceSheet";
  BudgetEntryType?: "Monthly" | "Quarterly" | "Annually";
  Active?: boolean;
  BudgetDetail?: Array<{
    BudgetDate?: string;
    Amount?: number;
    AccountRef?: Ref;
    CustomerRef?: Ref;
    ClassRef?: Ref;
    DepartmentRef?: Ref;
  }>;
}

/** A tax agency; created through the API, otherwise kept in QuickBooks. */
export interface TaxAgency extends EntityBase {
  /** Required on create. */
  DisplayName?: string;
  TaxRegistrationNumber?: string;
  TaxTrackedOnSales?: boolean;
  TaxTrackedOnPurchases?: boolean;
  LastFileDate?: string;
}

/** One rate of a tax code, and where it applies. */
export interface TaxRateDetail {
  TaxRateRef: Ref;
  TaxTypeApplicable?: "TaxOnAmount" | "TaxOnAmountPlusTax" | "TaxOnTax";
  TaxOrder?: number;
}

/** A tax code (read-only: made with Intuit's TaxService). */
export interface TaxCode extends EntityBase {
  Name?: string;
  Description?: string;
  Active?: boolean;
  Taxable?: boolean;
  TaxGroup?: boolean;
  Hidden?: boolean;
  SalesTaxRateList?: { TaxRateDetail?: TaxRateDetail[] };
  PurchaseTaxRateList?: { TaxRateDetail?: TaxRateDetail[] };
}

/** A tax rate (read-only: made with Intuit's TaxService). */
export interface TaxRate extends EntityBase {
  Name?: string;
  Description?: string;
  Active?: boolean;
  RateValue?: number;
  AgencyRef?: Ref;
  TaxReturnLineRef?: Ref;
  SpecialTaxType?: string;
  DisplayType?: string;
  EffectiveTaxRate?: Array<{ RateValue?: number; EffectiveDate?: string; EndDate?: string }>;
}

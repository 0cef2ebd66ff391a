// TimeActivity, Attachable and the company documents (CompanyInfo, Preferences), with the fields of
// Intuit's Accounting API reference that apps use. Types only.
import type {
  EmailAddress,
  EntityBase,
  PhysicalAddress,
  Ref,
  TelephoneNumber,
  WebSiteAddress,
} from "./common.js";

/** Time worked by an employee or vendor, optionally billable to a customer. */
export interface TimeActivity extends EntityBase {
  NameOf?: "Employee" | "Vendor";
  EmployeeRef?: Ref;
  VendorRef?: Ref;
  CustomerRef?: Ref;
  ItemRef?: Ref;
  ClassRef?: Ref;
  TxnDate?: string;
  Hours?: number;
  Minutes?: number;
  StartTime?: string;
  EndTime?: string;
  BreakHours?: number;
  BreakMinutes?: number;
  BillableStatus?: "Billable" | "NotBillable" | "HasBeenBilled";
  HourlyRate?: number;
  Taxable?: boolean;
  Description?: string;
}

/** What an attachment is linked to. */
export interface AttachableRef {
  EntityRef: Ref & { type: string };
  IncludeOnSend?: boolean;
  LineInfo?: string;
}

/** A file or note attached to entities. `TempDownloadUri` is a signed link: fetch it without credentials. */
export interface Attachable extends EntityBase {
  FileName?: string;
  Note?: string;
  ContentType?: string;
  Category?: string;
  AttachableRef?: AttachableRef[];
  /** Read-only: size in bytes. */
  Size?: number;
  /** Read-only: `/v3/company/{realmId}/download/{id}`. */
  FileAccessUri?: string;
  /** Read-only: a short-lived signed URL to the bytes, on another host; it must not get the Bearer token. */
  TempDownloadUri?: string;
  ThumbnailFileAccessUri?: string;
  ThumbnailTempDownloadUri?: string;
}

/** The company's own details (read with `qb.read("CompanyInfo")`). */
export interface CompanyInfo extends EntityBase {
  CompanyName?: string;
  LegalName?: string;
  CompanyAddr?: PhysicalAddress;
  CustomerCommunicationAddr?: PhysicalAddress;
  LegalAddr?: PhysicalAddress;
  CustomerCommunicationEmailAddr?: EmailAddress;
  PrimaryPhone?: TelephoneNumber;
  CompanyStartDate?: string;
  FiscalYearStartMonth?: string;
  Country?: string;
  Email?: EmailAddress;
  WebAddr?: WebSiteAddress;
  SupportedLanguages?: string;
  NameValue?: Array<{ Name: string; Value: string }>;
}

/** The company's settings (read with `qb.read("Preferences")`); sections are kept open-ended. */
export interface Preferences extends EntityBase {
  AccountingInfoPrefs?: Record<string, unknown>;
  ProductAndServicesPrefs?: Record<string, unknown>;
  SalesFormsPrefs?: Record<string, unknown>;
  EmailMessagesPrefs?: Record<string, unknown>;
  VendorAndPurchasesPrefs?: Record<string, unknown>;
  TimeTrackingPrefs?: Record<string, unknown>;
  TaxPrefs?: Record<string, unknown>;
  CurrencyPrefs?: { MultiCurrencyEnabled?: boolean; HomeCurrency?: Ref };
  ReportPrefs?: Record<string, unknown>;
  OtherPrefs?: { NameValue?: Array<{ Name: string; Value: string }> };
}

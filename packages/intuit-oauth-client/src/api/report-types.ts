// The Reports API's names, parameters and answer (`GET reports/{name}`), typed from Intuit's API
// reference. Types and the one list of names; the call is in reports.ts, the flattening in report-rows.ts.

/** Every report name Intuit documents for the Reports API (and that node-quickbooks calls). */
export const REPORT_NAMES = Object.freeze([
  "AccountList",
  "AgedPayableDetail",
  "AgedPayables",
  "AgedReceivableDetail",
  "AgedReceivables",
  "BalanceSheet",
  "CashFlow",
  "ClassSales",
  "CustomerBalance",
  "CustomerBalanceDetail",
  "CustomerIncome",
  "CustomerSales",
  "DepartmentSales",
  "GeneralLedger",
  "InventoryValuationDetail",
  "InventoryValuationSummary",
  "ItemSales",
  "JournalReport",
  "ProfitAndLoss",
  "ProfitAndLossDetail",
  "TaxSummary",
  "TransactionList",
  "TransactionListByCustomer",
  "TransactionListByVendor",
  "TransactionListWithSplits",
  "TrialBalance",
  "VendorBalance",
  "VendorBalanceDetail",
  "VendorExpenses",
] as const);

/** A report's API name, e.g. `"ProfitAndLoss"`. */
export type ReportName = (typeof REPORT_NAMES)[number];

/** A date: `YYYY-MM-DD`, or a Date (sent as its UTC day). */
export type ReportDate = string | Date;

/** One id or several (sent comma-separated). */
export type IdFilter = string | readonly string[];

/** Intuit's predefined ranges (`date_macro`); the list is Intuit's, open-ended for new ones. */
export type DateMacro =
  | "Today"
  | "Yesterday"
  | "This Week"
  | "Last Week"
  | "This Week-to-date"
  | "Last Week-to-date"
  | "Next Week"
  | "Next 4 Weeks"
  | "This Month"
  | "Last Month"
  | "This Month-to-date"
  | "Last Month-to-date"
  | "Next Month"
  | "This Fiscal Quarter"
  | "Last Fiscal Quarter"
  | "This Fiscal Quarter-to-date"
  | "Last Fiscal Quarter-to-date"
  | "Next Fiscal Quarter"
  | "This Fiscal Year"
  | "Last Fiscal Year"
  | "This Fiscal Year-to-date"
  | "Last Fiscal Year-to-date"
  | "Next Fiscal Year"
  | "This Calendar Quarter"
  | "Last Calendar Quarter"
  | "This Calendar Year"
  | "Last Calendar Year"
  | "This Calendar Year-to-date"
  | (string & {});

/** Parameters every report takes. */
export interface ReportBaseParams {
  /** `YYYY-MM-DD`; with `end_date`, instead of `date_macro`. */
  start_date?: ReportDate;
  end_date?: ReportDate;
  date_macro?: DateMacro;
  /** Overrides the helper's `minorversion` for this call. */
  minorversion?: number | string;
}

/** Parameters of the summary financial statements (ProfitAndLoss, BalanceSheet, …). */
export interface ReportSummaryParams extends ReportBaseParams {
  accounting_method?: "Cash" | "Accrual";
  summarize_column_by?:
    | "Total"
    | "Month"
    | "Week"
    | "Days"
    | "Quarter"
    | "Year"
    | "Customers"
    | "Vendors"
    | "Classes"
    | "Departments"
    | "Employees"
    | "ProductsAndServices"
    | (string & {});
  customer?: IdFilter;
  vendor?: IdFilter;
  item?: IdFilter;
  department?: IdFilter;
  class?: IdFilter;
  /** Adjust for unrealized gains and losses (multicurrency). */
  adjusted_gain_loss?: boolean;
}

/** Parameters of the detail and list reports: which columns, and the sort. */
export interface ReportDetailParams extends ReportBaseParams {
  accounting_method?: "Cash" | "Accrual";
  customer?: IdFilter;
  vendor?: IdFilter;
  item?: IdFilter;
  department?: IdFilter;
  class?: IdFilter;
  account?: IdFilter;
  /** Column names to return, e.g. `["tx_date", "txn_type", "subt_nat_amount"]`. */
  columns?: readonly string[] | string;
  sort_by?: string;
  sort_order?: "ascend" | "descend";
  /** Group rows, e.g. `Customer`, `Account`, `Day` (per report; see Intuit's reference). */
  group_by?: string;
  transaction_type?: string;
  source_account_type?: string;
  payment_method?: string;
  term?: IdFilter;
  cleared?: "Cleared" | "Uncleared" | "Reconciled" | "Deposited";
  printed?: "Printed" | "To_be_printed";
  arpaid?: "All" | "Paid" | "Unpaid";
  appaid?: "All" | "Paid" | "Unpaid";
  memo?: string;
  docnum?: string;
  name?: string;
}

/** Parameters of the aging reports (AgedReceivables, AgedPayables and their details). */
export interface ReportAgingParams extends ReportBaseParams {
  /** The day the aging is computed for; default today. */
  report_date?: ReportDate;
  aging_period?: number;
  num_periods?: number;
  aging_method?: "Report_Date" | "Current";
  past_due?: number;
  customer?: IdFilter;
  vendor?: IdFilter;
  department?: IdFilter;
  term?: IdFilter;
  columns?: readonly string[] | string;
  sort_by?: string;
  sort_order?: "ascend" | "descend";
  summarize_column_by?: string;
}

/** The parameters of each report. */
export interface ReportParamsByName {
  AccountList: ReportBaseParams & {
    account_type?: string;
    account_status?: "Deleted" | "Not_Deleted";
    columns?: readonly string[] | string;
  };
  AgedPayableDetail: ReportAgingParams;
  AgedPayables: ReportAgingParams;
  AgedReceivableDetail: ReportAgingParams;
  AgedReceivables: ReportAgingParams;
  BalanceSheet: ReportSummaryParams;
  CashFlow: ReportSummaryParams;
  ClassSales: ReportSummaryParams;
  CustomerBalance: ReportSummaryParams & { report_date?: ReportDate; arpaid?: "All" | "Paid" | "Unpaid" };
  CustomerBalanceDetail: ReportDetailParams & { report_date?: ReportDate; shipvia?: string };
  CustomerIncome: ReportSummaryParams;
  CustomerSales: ReportSummaryParams;
  DepartmentSales: ReportSummaryParams;
  GeneralLedger: ReportDetailParams;
  InventoryValuationDetail: ReportDetailParams;
  InventoryValuationSummary: ReportSummaryParams & { report_date?: ReportDate; qzurl?: boolean };
  ItemSales: ReportSummaryParams;
  JournalReport: ReportDetailParams;
  ProfitAndLoss: ReportSummaryParams;
  ProfitAndLossDetail: ReportDetailParams;
  TaxSummary: ReportSummaryParams & { agency_id: string };
  TransactionList: ReportDetailParams;
  TransactionListByCustomer: ReportDetailParams;
  TransactionListByVendor: ReportDetailParams;
  TransactionListWithSplits: ReportDetailParams;
  TrialBalance: ReportSummaryParams;
  VendorBalance: ReportSummaryParams & { report_date?: ReportDate; appaid?: "All" | "Paid" | "Unpaid" };
  VendorBalanceDetail: ReportDetailParams & { report_date?: ReportDate };
  VendorExpenses: ReportSummaryParams;
}

/** The parameters of report `N`; one this list lacks goes in the call's `query` option. */
export type ReportParams<N extends ReportName> = ReportParamsByName[N];

/** A `Name`/`Value` pair of a report's header or a column's metadata. */
export interface ReportNameValue {
  Name: string;
  Value: string;
}

/** A report's header: what was asked and when it ran. */
export interface ReportHeader {
  Time?: string;
  ReportName?: string;
  DateMacro?: string;
  ReportBasis?: "Cash" | "Accrual" | (string & {});
  StartPeriod?: string;
  EndPeriod?: string;
  SummarizeColumnsBy?: string;
  Currency?: string;
  Customer?: string;
  Vendor?: string;
  Employee?: string;
  Item?: string;
  Class?: string;
  Department?: string;
  /** e.g. `{ Name: "NoReportData", Value: "true" }` when the period holds nothing. */
  Option?: ReportNameValue[];
}

/** One column; `MetaData` carries its `ColKey`, and summarized reports nest columns. */
export interface ReportColumn {
  ColTitle: string;
  ColType: string;
  MetaData?: ReportNameValue[];
  Columns?: { Column: ReportColumn[] };
}

/** One cell: its text, and the id of the entity it names (an account, a customer…). */
export interface ReportCell {
  value: string;
  id?: string;
  href?: string;
}

/** A row as Intuit nests it: a `Data` row with cells, or a `Section` with a header, rows and a summary. */
export interface ReportRow {
  type?: "Data" | "Section" | (string & {});
  /** The section's role, e.g. `Income`, `GrossProfit`, `NetIncome`. */
  group?: string;
  ColData?: ReportCell[];
  Header?: { ColData: ReportCell[] };
  Rows?: { Row?: ReportRow[] };
  Summary?: { ColData: ReportCell[] };
}

/** A report as Intuit sends it. */
export interface Report {
  Header: ReportHeader;
  Columns: { Column: ReportColumn[] };
  /** `{}` when the report has no rows. */
  Rows: { Row?: ReportRow[] };
}

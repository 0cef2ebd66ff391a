// The singleton documents of a company as production returns them: CompanyInfo and Preferences.
// Pure builders; the store (qbo-store.ts) keeps them, the handlers serve them.
import { entityTime } from "./intuit-time.js";
import type { Company } from "./types.js";

/** CompanyInfo with the fields production returns (address, Country, FiscalYearStartMonth, NameValue, …). */
export function companyInfo(
  company: Company | undefined,
  realmId: string,
  createdMs: number,
): Record<string, unknown> {
  const name = company?.companyName ?? realmId;
  const country = company?.country ?? "US";
  const address = {
    Id: "1",
    Line1: "2700 Coast Ave",
    City: "Mountain View",
    CountrySubDivisionCode: "CA",
    Country: country,
    PostalCode: "94043",
  };
  const email = { Address: "noreply@quickbooks.com" };
  const created = entityTime(createdMs);
  return {
    CompanyName: name,
    LegalName: name,
    CompanyAddr: address,
    CustomerCommunicationAddr: { ...address },
    LegalAddr: { ...address },
    CustomerCommunicationEmailAddr: email,
    PrimaryPhone: {},
    CompanyStartDate: created.slice(0, 10),
    FiscalYearStartMonth: "January",
    Country: country,
    Email: { ...email },
    WebAddr: {},
    SupportedLanguages: "en",
    NameValue: [
      { Name: "NeoEnabled", Value: "true" },
      { Name: "IndustryType", Value: "Landscaping Services" },
      { Name: "IndustryCode", Value: "561730" },
      { Name: "SubscriptionStatus", Value: "SUBSCRIBED" },
      { Name: "OfferingSku", Value: "QuickBooks Online Plus" },
      { Name: "PayrollFeature", Value: "false" },
      { Name: "AccountantFeature", Value: "false" },
      { Name: "IsQbdtMigrated", Value: "false" },
      { Name: "QBOIndustryType", Value: "Landscaping Services" },
      { Name: "ItemCategoriesFeature", Value: "true" },
      { Name: "CompanyType", Value: "Other" },
    ],
    domain: "QBO",
    sparse: false,
    Id: "1",
    SyncToken: "0",
    MetaData: { CreateTime: created, LastUpdatedTime: created },
  };
}

/** Preferences with the sections apps read most (accounting, sales forms, currency, time tracking). */
export function preferences(createdMs: number): Record<string, unknown> {
  const created = entityTime(createdMs);
  return {
    AccountingInfoPrefs: {
      TrackDepartments: false,
      ClassTrackingPerTxn: false,
      CustomerTerminology: "Customers",
    },
    ProductAndServicesPrefs: {
      ForSales: true,
      ForPurchase: true,
      QuantityWithPriceAndRate: true,
      QuantityOnHand: true,
    },
    SalesFormsPrefs: {
      AllowDeposit: true,
      AllowDiscount: true,
      AllowShipping: false,
      DefaultTerms: { value: "3" },
      CustomTxnNumbers: false,
      AutoApplyCredit: true,
    },
    VendorAndPurchasesPrefs: { TrackingByCustomer: true, BillableExpenseTracking: true },
    TimeTrackingPrefs: { UseServices: true, BillCustomers: true, WorkWeekStartDate: "Monday" },
    TaxPrefs: { UsingSalesTax: true, PartnerTaxEnabled: true },
    CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: "USD" } },
    domain: "QBO",
    sparse: false,
    Id: "1",
    SyncToken: "0",
    MetaData: { CreateTime: created, LastUpdatedTime: created },
  };
}

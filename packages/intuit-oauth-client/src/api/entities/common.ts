// Building blocks shared by the QuickBooks entity types: references, metadata, addresses, contact
// fields, custom fields and linked transactions, from Intuit's Accounting API reference. Types only.

/** A reference to another entity: its `Id` as `value`, with its display `name` when Intuit sends one. */
export interface Ref {
  value: string;
  name?: string;
  type?: string;
}

/** Server-kept timestamps of an entity (`2015-07-24T10:33:39-07:00`). */
export interface MetaData {
  CreateTime?: string;
  LastUpdatedTime?: string;
  LastModifiedByRef?: Ref;
}

/** Fields every stored entity carries. The server sets them; an update sends `Id` and `SyncToken` back. */
export interface EntityBase {
  /** Intuit's id, unique per entity type and company. */
  Id?: string;
  /** Version number for optimistic locking; an update with an older one fails with code 5010. */
  SyncToken?: string;
  /** `QBO`. */
  domain?: string;
  /** Whether this object holds only some fields (a sparse update's body). */
  sparse?: boolean;
  MetaData?: MetaData;
}

export interface PhysicalAddress {
  Id?: string;
  Line1?: string;
  Line2?: string;
  Line3?: string;
  Line4?: string;
  Line5?: string;
  City?: string;
  Country?: string;
  CountrySubDivisionCode?: string;
  PostalCode?: string;
  Lat?: string;
  Long?: string;
}

export interface EmailAddress {
  Address?: string;
}

export interface TelephoneNumber {
  FreeFormNumber?: string;
}

export interface WebSiteAddress {
  URI?: string;
}

/** A custom field value on a sales form. */
export interface CustomField {
  DefinitionId: string;
  Name?: string;
  Type?: "StringType" | "NumberType" | "DateType" | "BooleanType" | string;
  StringValue?: string;
}

/** A link to a related transaction (a payment's invoice, an invoice's estimate). */
export interface LinkedTxn {
  TxnId: string;
  TxnType: string;
  TxnLineId?: string;
}

/** The email status of a sales form. */
export type EmailStatus = "NotSet" | "NeedToSend" | "EmailSent";

/** A person or company a transaction line is for. */
export interface EntityTypeRef {
  Type?: "Customer" | "Vendor" | "Employee";
  EntityRef: Ref;
}

/** Sales tax details of a transaction. */
export interface TxnTaxDetail {
  TxnTaxCodeRef?: Ref;
  TotalTax?: number;
  TaxLine?: Array<{
    Amount?: number;
    DetailType: "TaxLineDetail";
    TaxLineDetail: {
      TaxRateRef: Ref;
      PercentBased?: boolean;
      TaxPercent?: number;
      NetAmountTaxable?: number;
    };
  }>;
}

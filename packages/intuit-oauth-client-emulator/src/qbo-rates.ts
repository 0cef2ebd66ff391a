// Exchange rates and tax codes, the two entities production writes through their own doors:
// `GET exchangerate?sourcecurrencycode=&asofdate=` and its update (`POST exchangerate`), and
// `POST taxservice/taxcode`, which creates a TaxCode with its TaxRates (both read-only otherwise).
import type { EmulatorContext } from "./context.js";
import { entityTime } from "./intuit-time.js";
import { missing, objectNotFound, staleObject, type FaultError } from "./qbo-fault.js";
import { num } from "./qbo-money.js";
import { companyToday } from "./qbo-compute.js";
import { homeCurrency } from "./qbo-names.js";
import { findEntity, insertEntity, listEntities, replaceEntity, type Entity } from "./qbo-store.js";

const CODE = /^[A-Z]{3}$/;

/** The rate for a currency on a date: the latest set on or before it; the home currency is 1 (U: others unset → 610). */
export function exchangeRate(
  ctx: EmulatorContext,
  realmId: string,
  params: URLSearchParams,
): Entity | FaultError {
  const code = params.get("sourcecurrencycode");
  if (!code) return missing("sourcecurrencycode");
  const asOf = params.get("asofdate") ?? companyToday(ctx);
  const home = homeCurrency(ctx, realmId).value;
  const rates = listEntities(ctx, realmId, "ExchangeRate")
    .filter((r) => r["SourceCurrencyCode"] === code && String(r["AsOfDate"]) <= asOf)
    .sort((a, b) => String(b["AsOfDate"]).localeCompare(String(a["AsOfDate"])));
  if (rates[0]) return rates[0];
  if (code === home)
    return { SourceCurrencyCode: code, TargetCurrencyCode: home, Rate: 1, AsOfDate: asOf, SyncToken: "0" };
  return objectNotFound("ExchangeRate", `${code} ${asOf}`);
}

/** Sets a rate (`POST exchangerate` with SourceCurrencyCode, Rate, AsOfDate?); a stored one needs its SyncToken. */
export function setExchangeRate(ctx: EmulatorContext, realmId: string, body: Entity): Entity | FaultError {
  const code = body["SourceCurrencyCode"];
  if (typeof code !== "string" || !CODE.test(code)) return missing("SourceCurrencyCode");
  if (body["Rate"] === undefined || num(body["Rate"]) <= 0) return missing("Rate");
  const asOf = typeof body["AsOfDate"] === "string" ? body["AsOfDate"] : companyToday(ctx);
  const id = `${code}:${asOf}`;
  const found = findEntity(ctx, realmId, "ExchangeRate", id);
  if (found && String(body["SyncToken"] ?? "") !== found["SyncToken"]) return staleObject();
  const rate: Entity = {
    SourceCurrencyCode: code,
    TargetCurrencyCode: homeCurrency(ctx, realmId).value,
    Rate: num(body["Rate"]),
    AsOfDate: asOf,
    Id: id,
    SyncToken: found ? String(Number(found["SyncToken"]) + 1) : "0",
    domain: "QBO",
    sparse: false,
    MetaData: { LastUpdatedTime: entityTime(ctx.clock.now()) },
  };
  replaceEntity(ctx, realmId, "ExchangeRate", rate);
  return rate;
}

/**
 * `POST taxservice/taxcode`: `{ TaxCode, TaxRateDetails: [{ TaxRateName, RateValue, TaxAgencyId, TaxApplicableOn? }] }`
 * makes the TaxRates and a TaxCode whose SalesTaxRateList holds them; answers the TaxService with the ids.
 */
export function taxService(ctx: EmulatorContext, realmId: string, body: Entity): Entity | FaultError {
  const name = body["TaxCode"];
  if (typeof name !== "string" || name.trim() === "") return missing("TaxCode");
  const details = body["TaxRateDetails"];
  if (!Array.isArray(details) || details.length === 0) return missing("TaxRateDetails");
  const made: Entity[] = [];
  for (const d of details as Entity[]) {
    if (typeof d["TaxRateName"] !== "string" || d["TaxRateName"] === "") return missing("TaxRateName");
    const agency = String(d["TaxAgencyId"] ?? "");
    if (!findEntity(ctx, realmId, "TaxAgency", agency)) return objectNotFound("TaxAgency", agency);
    made.push(d);
  }
  const rates = made.map((d) =>
    insertEntity(ctx, realmId, "TaxRate", {
      Name: d["TaxRateName"],
      RateValue: num(d["RateValue"]),
      AgencyRef: { value: String(d["TaxAgencyId"]) },
      Active: true,
    }),
  );
  const code = insertEntity(ctx, realmId, "TaxCode", {
    Name: name,
    Active: true,
    Taxable: true,
    TaxGroup: rates.length > 1,
    SalesTaxRateList: {
      TaxRateDetail: rates.map((r) => ({
        TaxRateRef: { value: r["Id"], name: r["Name"] },
        TaxTypeApplicable: "TaxOnAmount",
      })),
    },
    PurchaseTaxRateList: { TaxRateDetail: [] },
  });
  return {
    TaxCode: name,
    TaxCodeId: code["Id"],
    TaxRateDetails: made.map((d, i) => ({ ...d, TaxRateId: rates[i]?.["Id"] })),
  };
}

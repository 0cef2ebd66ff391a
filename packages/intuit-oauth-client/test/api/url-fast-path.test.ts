// The URL fast path of `qb.read` and friends (plain relative paths, a cached prefix per base and
// realm) says exactly what the parsing path says, host and company segment included; and the
// in-process limits' synchronous admission keeps acquire's semantics.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { apiUrl, parsedApiUrl, type ApiUrlOptions } from "../../src/api/url.js";
import { companySegment } from "../../src/api/limits.js";
import { classifyApiCall } from "../../src/api/metering.js";
import { MemoryApiLimits } from "../../src/index.js";

const bases = fc.constantFrom(
  "https://quickbooks.api.intuit.com",
  "https://sandbox-quickbooks.api.intuit.com",
  "http://127.0.0.1:8080",
  "https://EXAMPLE.com:443/base",
  "https://example.com/a/../b",
  "https://example.com/x?y=1",
  "https://example.com/v3/company/1/z",
);
const segment = fc.stringMatching(/^[A-Za-z0-9_.%~ -]{0,8}$/);
const paths = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join("/")),
  fc.constantFrom("customer/1", "CompanyInfo/9130350000000001", "batch", "reports/ProfitAndLoss", "query"),
  fc.string({ maxLength: 20 }),
);

function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    return { threw: (err as Error).constructor.name, message: (err as Error).message };
  }
}

test("apiUrl's fast path agrees with the parsing path, host and segment included", () => {
  fc.assert(
    fc.property(
      bases,
      paths,
      fc.constantFrom("9130350000000001", "123"),
      fc.constantFrom<ApiUrlOptions["minorVersion"]>(75, "70", false),
      (base, path, realmId, minorVersion) => {
        const options: ApiUrlOptions = { bases: { accounting: base }, realmId, minorVersion };
        const fast = outcome(() => apiUrl(path, options)) as Record<string, unknown>;
        const parsed = outcome(() => parsedApiUrl(path, options)) as Record<string, unknown>;
        assert.equal(fast["url"], parsed["url"]);
        assert.equal(fast["api"], parsed["api"]);
        assert.deepEqual(fast["threw"], parsed["threw"]);
        if (typeof fast["url"] !== "string") return;
        if (fast["host"] !== undefined)
          assert.equal(fast["host"], new URL(fast["url"]).hostname.toLowerCase());
        if (fast["segment"] !== undefined) assert.equal(fast["segment"], companySegment(fast["url"]));
        const info = { method: "GET", url: fast["url"], api: fast["api"] as "accounting" | undefined };
        assert.equal(
          classifyApiCall({ ...info, host: fast["host"] as string, segment: fast["segment"] as string }),
          classifyApiCall(info),
        );
      },
    ),
    { numRuns: 3000 },
  );
});

test("a plain read takes the fast path: host and segment come with the URL", () => {
  const r = apiUrl("Customer/1", {
    bases: { accounting: "https://quickbooks.api.intuit.com" },
    realmId: "9130350000000001",
    minorVersion: 75,
  });
  assert.deepEqual(r, {
    url: "https://quickbooks.api.intuit.com/v3/company/9130350000000001/Customer/1?minorversion=75",
    api: "accounting",
    host: "quickbooks.api.intuit.com",
    segment: "customer",
  });
});

test("MemoryApiLimits.tryAcquire admits up to maxConcurrent, then takes nothing; counts as acquire does", async () => {
  const limits = new MemoryApiLimits({ maxConcurrent: 2 });
  const call = {
    method: "GET",
    url: "https://quickbooks.api.intuit.com/v3/company/123/customer/1",
    api: "accounting" as const,
  };
  const a = limits.tryAcquire("123", call);
  const b = limits.tryAcquire("123", call);
  assert.ok(a && b);
  assert.equal(limits.tryAcquire("123", call), undefined);
  assert.equal(limits.limiter("123").active, 2);
  // A waiter queued by acquire is not overtaken by a later tryAcquire.
  const waiting = limits.acquire("123", call);
  a();
  assert.equal(limits.tryAcquire("123", call), undefined);
  const c = await waiting;
  assert.equal(limits.limiter("123").active, 2);
  b({ sent: false });
  c();
  assert.equal(limits.limiter("123").active, 0);
  // Three admitted, one gave its count back.
  assert.equal((await limits.usage()).corePlus, 2);
});

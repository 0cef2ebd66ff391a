// A catch-up older than CDC's 30 days is a CdcLookbackError whichever side refuses it: the local
// check (nothing sent), or the server when its clock is ahead of ours (the emulator's 4001 Fault, and
// a production-style wording from a loopback fixture). Other Faults stay QuickBooksErrors.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CdcLookbackError, CDC_LOOKBACK_MS, isCdcLookbackFault } from "../../src/api/cdc.js";
import { QuickBooksError } from "../../src/api/fault.js";
import { quickbooks } from "../../src/api/quickbooks.js";
import { connected, type Connected } from "./helpers.js";
import { fixtureServer, type Fixture } from "./fixture-server.js";

const DAY = 24 * 60 * 60 * 1000;
let c: Connected;
let fx: Fixture;
let detail = "";
before(async () => {
  c = await connected();
  fx = await fixtureServer((req) =>
    req.url.includes("/cdc?")
      ? {
          status: 400,
          body: {
            Fault: {
              Error: [{ Message: "Invalid argument", Detail: detail, code: "4001", element: "" }],
              type: "ValidationFault",
            },
          },
        }
      : undefined,
  );
});
after(async () => {
  await fx.close();
  await c.emu.close();
});

test("local check: older than 30 days by our clock is refused before sending", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const error = await qb.cdc(["Customer"], Date.now() - 31 * DAY).catch((e: unknown) => e);
  assert.ok(error instanceof CdcLookbackError);
  assert.equal(error.serverRefused, false);
});

test("server: the emulator's 4001 for a too-old changedSince is a CdcLookbackError carrying the Fault", async () => {
  // Our clock 40 days behind the server's: the local check passes, the server refuses.
  const behind = () => c.emu.clock.now() - 40 * DAY;
  const qb = quickbooks(c.tokens, c.realmId, { clock: behind });
  const since = c.emu.clock.now() - 35 * DAY;
  const error = await qb.cdc(["Customer", "Invoice"], since).catch((e: unknown) => e);
  assert.ok(error instanceof CdcLookbackError, String(error));
  assert.equal(error.serverRefused, true);
  assert.equal(error.code, "ERR_CDC_LOOKBACK");
  assert.ok(error.cause instanceof QuickBooksError);
  assert.equal(error.since, new Date(Math.floor(since / 1000) * 1000).toISOString().replace(".000Z", "Z"));
  // The emulator names its earliest time: the error carries it rather than our clock's.
  const earliest = Date.parse(error.earliest);
  assert.ok(Math.abs(earliest - (c.emu.clock.now() - CDC_LOOKBACK_MS)) < 5 * 60_000, error.earliest);
});

test("server: production-style wordings match; unrelated 4001s do not", async () => {
  const matches = [
    "changedSince cannot be more than 30 days in the past",
    "Invalid changedSince: date is too old",
  ];
  for (const text of matches) {
    detail = text;
    const error = await fx.qb.cdc(["Customer"], Date.now() - DAY).catch((e: unknown) => e);
    assert.ok(error instanceof CdcLookbackError, text);
  }
  for (const text of ["entities parameter is invalid", "changedSince is not a date-time."]) {
    detail = text;
    const error = await fx.qb.cdc(["Customer"], Date.now() - DAY).catch((e: unknown) => e);
    assert.ok(error instanceof QuickBooksError && !isCdcLookbackFault(new Error(text)), text);
    assert.equal(isCdcLookbackFault(error), false, text);
  }
});

// Runs every benchmark once at its tiny (--quick) size so none of them rots. No timing assertions:
// only that each row ran, produced finite numbers, and that the herd made exactly one refresh.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BENCHMARKS, runSuite } from "../../bench/suite.js";
import type { Row } from "../../bench/stats.js";

// Row 8 measures ID-token validation inside Bun, Deno and workerd, whose binaries come with
// test-runtimes/ (`npm run test:runtimes` installs them); the root install runs every other row.
const RUNTIME_ROWS = ["8"];
const runtimesInstalled = existsSync(
  join(import.meta.dirname, "..", "..", "test-runtimes", "node_modules", ".bin", "workerd"),
);
const expected = BENCHMARKS.map((b) => b.id).filter((id) => runtimesInstalled || !RUNTIME_ROWS.includes(id));

function assertFinite(label: string, n: number | undefined): void {
  assert.equal(typeof n, "number", `${label} is a number`);
  assert.ok(Number.isFinite(n), `${label} is finite (got ${n})`);
}

test(
  "every benchmark runs once at the quick size and yields finite numbers",
  { timeout: 120_000 },
  async () => {
    const rows: Row[] = await runSuite({ quick: true, only: expected });
    const ids = new Set(rows.map((r) => r.id.replace(/[a-z]$/, "")));
    assert.deepEqual([...ids].sort(), expected.sort());
    for (const row of rows) {
      assert.equal(row.facts["failed"], undefined, `row ${row.id} ran: ${row.notes.join(" ")}`);
      const measured = row.contenders.filter((c) => c.summary);
      assert.ok(measured.length > 0, `row ${row.id} measured something`);
      for (const c of row.contenders) {
        if (!c.summary) {
          assert.ok(c.skipped, `row ${row.id} ${c.name} says why it was not measured`);
          continue;
        }
        assertFinite(`row ${row.id} ${c.name} median`, c.summary.median);
        assertFinite(`row ${row.id} ${c.name} min`, c.summary.min);
        assertFinite(`row ${row.id} ${c.name} max`, c.summary.max);
        assert.ok(c.summary.median > 0, `row ${row.id} ${c.name} is positive`);
      }
      for (const r of row.ratios) assertFinite(`row ${row.id} ${r.label}`, r.summary.median);
      for (const [k, v] of Object.entries(row.facts)) assertFinite(`row ${row.id} fact ${k}`, v);
    }

    const herd = rows.find((r) => r.id === "3");
    assert.ok(herd);
    assert.equal(herd.facts["ourRefreshRequests"], 1, "the herd makes exactly one refresh request");
    assert.equal(herd.facts["ourRefreshRequestsMin"], 1, "the herd makes exactly one refresh request");
    assert.ok((herd.facts["peerRefreshRequests"] ?? 0) > 1, "intuit-oauth's count is reported");

    const scale = rows.find((r) => r.id === "7");
    assert.ok(scale);
    assert.equal(scale.facts["refreshed"], scale.facts["realms"]);
    assert.equal(scale.facts["errors"], 0);
    assert.equal(scale.facts["serverRequests"], scale.facts["realms"]);
    assert.ok((scale.facts["serverPeak"] ?? Infinity) <= 32);
    assert.ok((scale.facts["managerPeak"] ?? Infinity) <= 32);

    const footprint = rows.find((r) => r.id === "5");
    assert.equal(footprint?.facts["ourDependencies"], 0);
  },
);

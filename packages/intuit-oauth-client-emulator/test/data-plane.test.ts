// The emulator's QuickBooks data plane over raw HTTP: requestid replay per realm and its limits,
// sparse/full updates and their faults, deletes and tombstones, CDC's shape, order and cap, inactive
// name lists in queries, POSTed queries, multipart uploads, and persistence of all of it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator, type EmulatorOptions } from "../src/index.js";
import { connect, raw, REALM_1, REALM_2, type RawResponse } from "./helpers.js";

let emu: Emulator;
let token1: string;
let token2: string;
before(async () => {
  emu = await startEmulator({ port: 0, cdcMaxObjects: 4, admin: true });
  token1 = (await connect(emu, {}, REALM_1)).access_token;
  token2 = (await connect(emu, {}, REALM_2)).access_token;
});
after(() => emu.close());

type Json = Record<string, unknown>;

function call(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    contentType?: string;
    realm?: string;
    token?: string;
    on?: Emulator;
  } = {},
): Promise<RawResponse> {
  const on = init.on ?? emu;
  const realm = init.realm ?? REALM_1;
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === "string" || Buffer.isBuffer(init.body)
        ? init.body
        : JSON.stringify(init.body);
  return raw(`${on.url}/v3/company/${realm}/${path}`, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers: {
      authorization: `Bearer ${init.token ?? (realm === REALM_2 ? token2 : token1)}`,
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": init.contentType ?? "application/json" }),
    },
    ...(body === undefined ? {} : { body }),
  });
}

const json = (res: RawResponse) => JSON.parse(res.text) as Json;
const fault = (res: RawResponse) =>
  (json(res)["Fault"] as { Error: Array<{ code: string; element: string; Message: string }> }).Error.map(
    (e) => [e.code, e.element],
  );

test("requestid: a repeat gets the first answer byte for byte, per realm; ids over 50 (36 for batch) and long bIds are refused", async () => {
  const first = await call("customer?requestid=k-1", { body: { DisplayName: "Replayed" } });
  const again = await call("customer?requestid=k-1", { body: { DisplayName: "Something Else" } });
  assert.equal(first.status, 200);
  assert.equal(again.text, first.text);
  const inRealm1 = (emu.entities(REALM_1)["Customer"] ?? []).filter((c) => c["DisplayName"] === "Replayed");
  assert.equal(inRealm1.length, 1);
  assert.equal(
    (emu.entities(REALM_1)["Customer"] ?? []).filter((c) => c["DisplayName"] === "Something Else").length,
    0,
  );
  const other = await call("customer?requestid=k-1", { body: { DisplayName: "Replayed" }, realm: REALM_2 });
  assert.equal(other.status, 200);
  assert.notEqual(other.text, first.text);
  assert.equal(
    (emu.entities(REALM_2)["Customer"] ?? []).filter((c) => c["DisplayName"] === "Replayed").length,
    1,
  );
  // A refused write is replayed as refused, too: the first answer is the answer.
  const bad = await call("invoice?requestid=k-2", { body: { CustomerRef: { value: "1" } } });
  const badAgain = await call("invoice?requestid=k-2", {
    body: {
      CustomerRef: { value: "1" },
      Line: [{ Amount: 1, DetailType: "SalesItemLineDetail", SalesItemLineDetail: {} }],
    },
  });
  assert.deepEqual([bad.status, badAgain.status, badAgain.text], [400, 400, bad.text]);

  assert.deepEqual(
    fault(await call(`customer?requestid=${"x".repeat(51)}`, { body: { DisplayName: "Too Long" } })),
    [["4001", "requestid"]],
  );
  assert.equal(
    (await call(`customer?requestid=${"x".repeat(50)}`, { body: { DisplayName: "Fifty" } })).status,
    200,
  );
  const items = { BatchItemRequest: [{ bId: "1", Query: "select * from Customer where Id = '1'" }] };
  assert.deepEqual(fault(await call(`batch?requestid=${"y".repeat(37)}`, { body: items })), [
    ["4001", "requestid"],
  ]);
  assert.equal((await call(`batch?requestid=${"y".repeat(36)}`, { body: items })).status, 200);
  const longBid = { BatchItemRequest: [{ bId: "eleven-char", Query: "select * from Customer" }] };
  assert.deepEqual(fault(await call("batch?requestid=b-1", { body: longBid })), [["2050", "bId"]]);
  assert.equal((await call("batch", { body: longBid })).status, 200); // without a requestid, bIds may be longer
});

test("updates: sparse keeps other fields, full clears them, SyncToken checked (5010), missing one 2020, unknown Id 610; singletons update", async () => {
  const created = json(
    await call("customer", { body: { DisplayName: "Upd", Notes: "a", CompanyName: "C" } }),
  )["Customer"] as Json;
  const id = created["Id"] as string;
  const sparse = json(await call("customer", { body: { Id: id, SyncToken: "0", sparse: true, Notes: "b" } }))[
    "Customer"
  ] as Json;
  assert.deepEqual(
    [sparse["SyncToken"], sparse["Notes"], sparse["CompanyName"], sparse["DisplayName"]],
    ["1", "b", "C", "Upd"],
  );
  const full = json(await call("customer", { body: { Id: id, SyncToken: "1", DisplayName: "Upd" } }))[
    "Customer"
  ] as Json;
  assert.deepEqual([full["SyncToken"], full["Notes"], full["CompanyName"]], ["2", undefined, undefined]);
  assert.equal((full["MetaData"] as Json)["CreateTime"], (created["MetaData"] as Json)["CreateTime"]);
  assert.deepEqual(
    fault(await call("customer", { body: { Id: id, SyncToken: "1", sparse: true, Notes: "c" } })),
    [["5010", ""]],
  );
  assert.deepEqual(fault(await call("customer", { body: { Id: id, sparse: true, Notes: "c" } })), [
    ["2020", "SyncToken"],
  ]);
  assert.deepEqual(fault(await call("customer", { body: { Id: "424242", SyncToken: "0", sparse: true } })), [
    ["610", ""],
  ]);
  const company = json(await call(`companyinfo/${REALM_1}`))["CompanyInfo"] as Json;
  const renamed = json(
    await call("companyinfo", {
      body: { Id: "1", SyncToken: company["SyncToken"], sparse: true, CompanyName: "Renamed Co" },
    }),
  )["CompanyInfo"] as Json;
  assert.deepEqual(
    [renamed["CompanyName"], renamed["SyncToken"], renamed["LegalName"]],
    ["Renamed Co", "1", company["LegalName"]],
  );
  assert.equal(
    (json(await call(`companyinfo/${REALM_1}`))["CompanyInfo"] as Json)["CompanyName"],
    "Renamed Co",
  );
  assert.deepEqual(fault(await call("companyinfo", { body: { CompanyName: "New" } })), [["4001", ""]]);
  assert.deepEqual(fault(await call("customer?operation=delete", { body: { Id: id, SyncToken: "2" } })), [
    ["4001", ""],
  ]);
});

test("queries hide inactive name-list entities unless they ask about Active; a query may be POSTed as application/text", async () => {
  const v = json(await call("vendor", { body: { DisplayName: "Sleepy Vendor" } }))["Vendor"] as Json;
  await call("vendor", { body: { Id: v["Id"], SyncToken: "0", sparse: true, Active: false } });
  const names = async (sql: string, post = false) => {
    const res = post
      ? await call("query", { body: sql, contentType: "application/text" })
      : await call(`query?query=${encodeURIComponent(sql)}`);
    assert.equal(res.status, 200, res.text);
    return (
      ((json(res)["QueryResponse"] as Json)["Vendor"] as Json[] | undefined)?.map((x) => x["DisplayName"]) ??
      []
    );
  };
  assert.deepEqual(await names("select * from Vendor"), []);
  assert.deepEqual(await names("select * from Vendor where Active = false"), ["Sleepy Vendor"]);
  assert.deepEqual(await names("select * from Vendor where Active in (true, false)", true), [
    "Sleepy Vendor",
  ]);
});

test("CDC: types in the order asked, oldest change first, deletions after the active ones, at most cdcMaxObjects in all", async () => {
  emu.advanceClock(5_000);
  // Entity times have whole seconds, so the window starts at one.
  const since = new Date(Math.floor(emu.clock.now() / 1000) * 1000).toISOString();
  const line = [{ Amount: 1, DetailType: "SalesItemLineDetail", SalesItemLineDetail: {} }];
  const inv = (
    json(await call("invoice", { body: { CustomerRef: { value: "1" }, Line: line } }))["Invoice"] as Json
  )["Id"];
  emu.advanceClock(2_000);
  const gone = (
    json(await call("invoice", { body: { CustomerRef: { value: "1" }, Line: line } }))["Invoice"] as Json
  )["Id"];
  emu.advanceClock(2_000);
  await call("invoice?operation=delete", { body: { Id: gone, SyncToken: "0" } });
  emu.advanceClock(2_000);
  const a = (json(await call("customer", { body: { DisplayName: "CDC A" } }))["Customer"] as Json)["Id"];
  emu.advanceClock(2_000);
  const b = (json(await call("customer", { body: { DisplayName: "CDC B" } }))["Customer"] as Json)["Id"];
  emu.advanceClock(2_000);
  await call("customer", { body: { Id: a, SyncToken: "0", sparse: true, Notes: "later" } });
  const cdc = async (entities: string) => {
    const res = await call(`cdc?entities=${entities}&changedSince=${encodeURIComponent(since)}`);
    assert.equal(res.status, 200, res.text);
    return (json(res)["CDCResponse"] as Array<{ QueryResponse: Json[] }>)[0]?.QueryResponse ?? [];
  };
  const order = (qr: Json[]) =>
    qr.map((r) =>
      Object.entries(r)
        .filter(([, v]) => Array.isArray(v))
        .map(([k, v]) => [k, (v as Json[]).map((x) => `${x["Id"]}${x["status"] ? "!" : ""}`)]),
    );
  // Customer 1 changed too: the invoices moved its balance, last when one was deleted (before b and a).
  // cdcMaxObjects is 4: three customers leave room for one invoice.
  assert.deepEqual(order(await cdc("Customer,Invoice")), [
    [["Customer", ["1", b, a]]], // a was changed after b
    [["Invoice", [inv]]],
  ]);
  const capped = await cdc("Invoice,Customer,Vendor"); // cdcMaxObjects: 4
  assert.deepEqual(order(capped), [[["Invoice", [inv, `${gone}!`]]], [["Customer", ["1", b]]], []]);
  assert.deepEqual(capped[2], { startPosition: 1, maxResults: 0 });
  const deleted = ((await cdc("Invoice"))[0]?.["Invoice"] as Json[])[1];
  assert.deepEqual(Object.keys(deleted ?? {}), ["status", "domain", "Id", "MetaData"]);
  assert.deepEqual(fault(await call(`cdc?entities=Nope&changedSince=${encodeURIComponent(since)}`)), [
    ["4001", "entities"],
  ]);
  assert.deepEqual(fault(await call("cdc?entities=Customer")), [["2020", "changedSince"]]);
  assert.deepEqual(fault(await call(`cdc?entities=TimeActivity&changedSince=${encodeURIComponent(since)}`)), [
    ["4001", "entities"],
  ]);
});

function multipart(
  parts: Array<{ name: string; filename?: string; type: string; body: Buffer; base64?: boolean }>,
) {
  const boundary = "xyzBOUNDARYxyz";
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\nContent-Type: ${p.type}\r\n${p.base64 ? "Content-Transfer-Encoding: base64\r\n" : ""}\r\n`,
      ),
      p.base64 ? Buffer.from(p.body.toString("base64")) : p.body,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

test("upload: several files (raw or base64), each an Attachable; refusals for a body that is not multipart or has no file", async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
  const { body, contentType } = multipart([
    {
      name: "file_metadata_01",
      type: "application/json",
      body: Buffer.from(JSON.stringify({ FileName: "one.png", ContentType: "image/png" })),
    },
    { name: "file_content_01", filename: "one.png", type: "image/png", body: png },
    {
      name: "file_content_02",
      filename: "two.txt",
      type: "text/plain",
      body: Buffer.from("second file"),
      base64: true,
    },
  ]);
  const res = await call("upload", { body, contentType });
  assert.equal(res.status, 200, res.text);
  const items = json(res)["AttachableResponse"] as Array<{ Attachable: Json }>;
  assert.deepEqual(
    items.map((i) => [i.Attachable["FileName"], i.Attachable["ContentType"], i.Attachable["Size"]]),
    [
      ["one.png", "image/png", png.length],
      ["two.txt", "text/plain", 11],
    ],
  );
  const got = await fetch(items[0]?.Attachable["TempDownloadUri"] as string);
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), png);
  const text = await fetch(items[1]?.Attachable["TempDownloadUri"] as string);
  assert.equal(await text.text(), "second file");
  assert.deepEqual(fault(await call("upload", { body: "{}", contentType: "application/json" })), [
    ["2500", ""],
  ]);
  const onlyMeta = multipart([
    { name: "file_metadata_01", type: "application/json", body: Buffer.from("{}") },
  ]);
  assert.deepEqual(fault(await call("upload", { body: onlyMeta.body, contentType: onlyMeta.contentType })), [
    ["2020", "file_content_01"],
  ]);
  const dl = await call(`download/${items[0]?.Attachable["Id"] as string}`);
  assert.match(dl.text, /\/qbo-files\//);
});

test("the admin API lists a realm's entities", async () => {
  const res = await fetch(`${emu.url}/__admin/entities?realmId=${REALM_1}`);
  const body = (await res.json()) as Record<string, Json[]>;
  assert.deepEqual(
    body["Customer"]?.slice(0, 5).map((c) => c["Id"]),
    ["1", "2", "3", "4", "5"],
  );
  assert.equal((await fetch(`${emu.url}/__admin/entities`)).status, 400);
});

async function restartable(
  options: EmulatorOptions,
  run: (start: () => Promise<{ emu: Emulator; token: string }>) => Promise<void>,
) {
  const dir = mkdtempSync(join(tmpdir(), "emu-data-plane-"));
  const opened: Emulator[] = [];
  try {
    await run(async () => {
      const e = await startEmulator({
        port: 0,
        autoApprove: true,
        persistPath: join(dir, "state.json"),
        ...options,
      });
      opened.push(e);
      return { emu: e, token: (await connect(e)).access_token };
    });
  } finally {
    for (const e of opened) await e.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return dir;
}

test("persistPath keeps entities, tombstones, id counters and files across a restart", async () => {
  await restartable({}, async (start) => {
    const one = await start();
    const line = [{ Amount: 1, DetailType: "SalesItemLineDetail", SalesItemLineDetail: {} }];
    const since = new Date(one.emu.clock.now() - 1000).toISOString();
    const a = (
      json(
        await call("invoice", {
          body: { CustomerRef: { value: "1" }, Line: line },
          on: one.emu,
          token: one.token,
        }),
      )["Invoice"] as Json
    )["Id"];
    const b = (
      json(
        await call("invoice", {
          body: { CustomerRef: { value: "1" }, Line: line },
          on: one.emu,
          token: one.token,
        }),
      )["Invoice"] as Json
    )["Id"];
    await call("invoice?operation=delete", {
      body: { Id: b, SyncToken: "0" },
      on: one.emu,
      token: one.token,
    });
    const up = multipart([
      { name: "file_content_01", filename: "f.txt", type: "text/plain", body: Buffer.from("kept") },
    ]);
    const att = (
      json(
        await call("upload", { body: up.body, contentType: up.contentType, on: one.emu, token: one.token }),
      )["AttachableResponse"] as Array<{ Attachable: Json }>
    )[0]?.Attachable;
    const before = one.emu.entities(REALM_1);
    await one.emu.close();

    const two = await start();
    assert.deepEqual(two.emu.entities(REALM_1), before);
    const c = (
      json(
        await call("invoice", {
          body: { CustomerRef: { value: "1" }, Line: line },
          on: two.emu,
          token: two.token,
        }),
      )["Invoice"] as Json
    )["Id"];
    assert.deepEqual([a, b, c], ["1001", "1002", "1003"]); // no id handed out twice
    const cdc = json(
      await call(`cdc?entities=Invoice&changedSince=${encodeURIComponent(since)}`, {
        on: two.emu,
        token: two.token,
      }),
    );
    const rows = ((cdc["CDCResponse"] as Array<{ QueryResponse: Json[] }>)[0]?.QueryResponse[0]?.[
      "Invoice"
    ] ?? []) as Json[];
    assert.deepEqual(
      rows.map((r) => [r["Id"], r["status"]]),
      [
        ["1001", undefined],
        ["1003", undefined],
        ["1002", "Deleted"],
      ],
    );
    const link = await call(`download/${att?.["Id"] as string}`, { on: two.emu, token: two.token });
    assert.equal(await (await fetch(link.text)).text(), "kept");
  });
});

test("a state file from before the data plane (invoices and customers only) loads with its ids and the seeded customers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "emu-legacy-"));
  const path = join(dir, "state.json");
  const first = await startEmulator({ port: 0, persistPath: path });
  await first.close();
  const saved = JSON.parse((await import("node:fs")).readFileSync(path, "utf8")) as Json;
  delete saved["qbo"];
  saved["invoices"] = [
    [
      REALM_1,
      [
        [
          "1001",
          {
            CustomerRef: { value: "1" },
            Line: [],
            Id: "1001",
            SyncToken: "0",
            domain: "QBO",
            sparse: false,
            MetaData: {
              CreateTime: "2024-01-01T00:00:00-08:00",
              LastUpdatedTime: "2024-01-01T00:00:00-08:00",
            },
          },
        ],
      ],
    ],
  ];
  saved["customers"] = [
    [
      REALM_1,
      [
        [
          "101",
          {
            DisplayName: "Legacy Customer",
            Id: "101",
            SyncToken: "0",
            domain: "QBO",
            sparse: false,
            MetaData: {
              CreateTime: "2024-01-01T00:00:00-08:00",
              LastUpdatedTime: "2024-01-01T00:00:00-08:00",
            },
          },
        ],
      ],
    ],
  ];
  writeFileSync(path, JSON.stringify(saved));
  const again = await startEmulator({ port: 0, autoApprove: true, persistPath: path });
  try {
    const token = (await connect(again)).access_token;
    const all = again.entities(REALM_1);
    assert.deepEqual(
      all["Customer"]?.map((c) => c["Id"]),
      ["1", "2", "3", "4", "5", "101"],
    );
    assert.deepEqual(
      all["Invoice"]?.map((c) => c["Id"]),
      ["1001"],
    );
    const next = json(await call("customer", { body: { DisplayName: "After Upgrade" }, on: again, token }))[
      "Customer"
    ] as Json;
    assert.equal(next["Id"], "102");
  } finally {
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

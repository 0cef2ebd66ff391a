// The QuickBooks API reads the request as production does: Accept picks JSON or XML, creates check their
// required fields, WHERE filters, MAXRESULTS and minorversion are policed, and batches have their limits.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type Emulator, type EmulatorOptions } from "../src/index.js";
import { connect, raw, REALM_1 } from "./helpers.js";

let emu: Emulator;
let token: string;
before(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  token = (await connect(emu)).access_token;
});
after(() => emu.close());

const TIME = '[^"]+-0[78]:00';

function call(
  path: string,
  init: { method?: string; accept?: string; body?: unknown } = {},
  t = token,
  on = emu,
) {
  return raw(`${on.url}/v3/company/${REALM_1}/${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${t}`,
      ...(init.accept === undefined ? {} : { accept: init.accept }),
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
  });
}

const q = (text: string, extra = "") => `query?query=${encodeURIComponent(text)}${extra}`;

interface Fault {
  Fault: { Error: Array<{ Message: string; Detail: string; code: string; element: string }>; type: string };
  time: string;
}

test("Accept: application/xml gets Intuit's XML; JSON when asked; XML when Accept names neither", async () => {
  const xml = await call("customer/1", { accept: "application/xml" });
  assert.equal(xml.status, 200);
  assert.equal(xml.headers["content-type"], "application/xml;charset=UTF-8");
  assert.match(
    xml.text,
    new RegExp(
      `^<\\?xml version="1\\.0" encoding="UTF-8" standalone="yes"\\?>\\n<IntuitResponse xmlns="http://schema\\.intuit\\.com/finance/v3" time="${TIME}"><Customer domain="QBO" sparse="false"><Id>1</Id><SyncToken>0</SyncToken><DisplayName>Amy&#39;s Bird Sanctuary</DisplayName><GivenName>Amy</GivenName><FamilyName>Lauterbach</FamilyName><FullyQualifiedName>Amy&#39;s Bird Sanctuary</FullyQualifiedName><PrintOnCheckName>Amy&#39;s Bird Sanctuary</PrintOnCheckName><Balance>239</Balance><BalanceWithJobs>239</BalanceWithJobs><Job>false</Job><BillWithParent>false</BillWithParent><Taxable>true</Taxable><PreferredDeliveryMethod>Print</PreferredDeliveryMethod><CurrencyRef name="United States Dollar">USD</CurrencyRef><Active>true</Active><MetaData><CreateTime>[^<]+</CreateTime><LastUpdatedTime>[^<]+</LastUpdatedTime></MetaData></Customer></IntuitResponse>$`,
    ),
  );
  for (const accept of [undefined, "*/*", "text/xml"]) {
    const res = await call("customer/1", accept === undefined ? {} : { accept });
    assert.equal(res.headers["content-type"], "application/xml;charset=UTF-8", String(accept));
  }
  const json = await call("customer/1", { accept: "application/json, text/plain" });
  assert.equal(json.headers["content-type"], "application/json;charset=UTF-8");
  assert.equal((JSON.parse(json.text) as { Customer: { Id: string } }).Customer.Id, "1");

  // Queries and faults follow the Accept header too.
  const query = await call(q("select * from Customer where Id = '2'"), { accept: "application/xml" });
  assert.match(
    query.text,
    /<QueryResponse startPosition="1" maxResults="1"><Customer domain="QBO" sparse="false"><Id>2<\/Id>/,
  );
  const count = await call(q("select count(*) from Customer"), { accept: "application/xml" });
  assert.match(count.text, /<QueryResponse totalCount="5"\/><\/IntuitResponse>$/);
  const missing = await call("customer/999", { accept: "application/xml" });
  assert.equal(missing.status, 400);
  assert.match(
    missing.text,
    /<Fault type="ValidationFault"><Error code="610" element=""><Message>Object Not Found<\/Message><Detail>Object Not Found : [^<]+\(Customer 999\)<\/Detail><\/Error><\/Fault><\/IntuitResponse>$/,
  );
});

test('apiDefaultFormat: "json" answers JSON when Accept names neither', async () => {
  const other = await startEmulator({ port: 0, autoApprove: true, apiDefaultFormat: "json" });
  try {
    const t = (await connect(other)).access_token;
    const res = await call("customer/1", {}, t, other);
    assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
  } finally {
    await other.close();
  }
});

test("creates check required fields: Invoice needs CustomerRef and Line, Customer a name (code 2020, element)", async () => {
  const cases: Array<[string, unknown, string]> = [
    ["invoice", { Line: [{ Amount: 10, DetailType: "SalesItemLineDetail" }] }, "CustomerRef"],
    ["invoice", { CustomerRef: {}, Line: [{ Amount: 10 }] }, "CustomerRef"],
    ["invoice", { CustomerRef: { value: "1" } }, "Line"],
    ["invoice", { CustomerRef: { value: "1" }, Line: [] }, "Line"],
    ["customer", { Notes: "no name at all" }, "DisplayName"],
    ["customer", { DisplayName: "   " }, "DisplayName"],
  ];
  for (const [path, body, field] of cases) {
    const res = await call(path, { method: "POST", body, accept: "application/json" });
    assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}`);
    const fault = JSON.parse(res.text) as Fault;
    assert.deepEqual(fault.Fault, {
      Error: [
        {
          Message: "Required param missing, need to supply the required value for the API",
          Detail: `Required parameter ${field} is missing in the request`,
          code: "2020",
          element: field,
        },
      ],
      type: "ValidationFault",
    });
    assert.match(fault.time, new RegExp(`^${TIME}$`));
  }
  const created = await call("customer", {
    method: "POST",
    body: { GivenName: "Ada", FamilyName: "Lovelace" },
    accept: "application/json",
  });
  assert.equal(created.status, 200);
  const customer = (JSON.parse(created.text) as { Customer: { Id: string; DisplayName: string } }).Customer;
  assert.equal(customer.DisplayName, "Ada Lovelace");
  const read = JSON.parse((await call(`customer/${customer.Id}`, { accept: "application/json" })).text) as {
    Customer: { DisplayName: string };
  };
  assert.equal(read.Customer.DisplayName, "Ada Lovelace");
});

async function ids(text: string): Promise<string[]> {
  const res = await call(q(text), { accept: "application/json" });
  assert.equal(res.status, 200, `${text}: ${res.text}`);
  const body = JSON.parse(res.text) as { QueryResponse: Record<string, Array<{ Id: string }> | number> };
  const rows = Object.values(body.QueryResponse).find(Array.isArray) ?? [];
  return rows.map((r) => r.Id);
}

test("WHERE filters on the common fields (=, !=, <, >, IN, LIKE, AND, dotted, references); ORDERBY sorts", async () => {
  assert.deepEqual(await ids("select * from Customer where Id = '3'"), ["3"]);
  assert.deepEqual(await ids("SELECT * FROM Customer WHERE DisplayName = 'Amy''s Bird Sanctuary'"), ["1"]);
  assert.deepEqual(await ids("select * from Customer where DisplayName = 'amy\\'s bird sanctuary'"), ["1"]);
  assert.deepEqual(await ids("select * from Customer where Balance > '0'"), ["1", "2"]);
  assert.deepEqual(await ids("select * from Customer where Balance >= 85 and Balance < 200"), ["2"]);
  assert.deepEqual(await ids("select * from Customer where Id in ('1', '4', '9')"), ["1", "4"]);
  assert.deepEqual(
    await ids("select * from Customer where DisplayName like '%s%' and Active = true"),
    ["1", "2", "3", "5"], // not "Diego Rodriguez"
  );
  // A created customer has Balance 0, as in production, so it matches too.
  assert.deepEqual(await ids("select * from Customer where Id != '1' and Id != '2' and Balance >= 0"), [
    "3",
    "4",
    "5",
    "101",
  ]);
  assert.deepEqual(
    await ids(
      "select * from Customer where MetaData.CreateTime > '2000-01-01T00:00:00-08:00' and Balance >= 0",
    ),
    ["1", "2", "3", "4", "5", "101"],
  );
  assert.deepEqual(await ids("select * from Customer orderby Balance desc maxresults 2"), ["1", "2"]);
  assert.deepEqual(await ids("select * from Customer where Active = false"), []);

  const make = async (customer: string) =>
    (
      JSON.parse(
        (
          await call("invoice", {
            method: "POST",
            accept: "application/json",
            body: { CustomerRef: { value: customer }, Line: [{ Amount: 1 }] },
          })
        ).text,
      ) as { Invoice: { Id: string } }
    ).Invoice.Id;
  const a = await make("1");
  const b = await make("2");
  assert.deepEqual(await ids("select * from Invoice where CustomerRef = '2'"), [b]);
  assert.deepEqual(await ids("select * from Invoice where CustomerRef in ('1','2') orderby Id desc"), [b, a]);
  const count = JSON.parse(
    (await call(q("select count(*) from Customer where Balance > '0'"), { accept: "application/json" })).text,
  ) as { QueryResponse: unknown };
  assert.deepEqual(count.QueryResponse, { totalCount: 2 });
});

test("queries production refuses: bad syntax 4000, unknown property 4001, OR 4000", async () => {
  const cases: Array<[string, string, RegExp]> = [
    ["select * from Customer where", "4000", /^QueryParserError: /],
    ["select * from Customer where Id = ", "4000", /^QueryParserError: /],
    ["select * from Customer where Id = '1' or Id = '2'", "4000", /^QueryParserError: .*OR/],
    [
      "select * from Customer where Nickname = 'x'",
      "4001",
      /^QueryValidationError: property 'Nickname' is not queryable$/,
    ],
    [
      "select * from Customer orderby Nickname",
      "4001",
      /^QueryValidationError: property 'Nickname' is not queryable$/,
    ],
    ["select * from Nonsense", "4000", /^QueryParserError: Invalid context declaration : Nonsense$/],
    ["delete from Customer", "4000", /^QueryParserError: /],
  ];
  for (const [text, code, detail] of cases) {
    const res = await call(q(text), { accept: "application/json" });
    assert.equal(res.status, 400, text);
    const fault = JSON.parse(res.text) as Fault;
    assert.equal(fault.Fault.type, "ValidationFault");
    assert.equal(fault.Fault.Error[0]?.code, code, text);
    assert.match(fault.Fault.Error[0]?.Detail ?? "", detail, text);
  }
});

test('MAXRESULTS above 1000 is a 4001 fault (maxResultsOverLimit: "cap" caps it instead)', async () => {
  const res = await call(q("select * from Customer maxresults 1001"), { accept: "application/json" });
  assert.equal(res.status, 400);
  assert.deepEqual((JSON.parse(res.text) as Fault).Fault.Error[0], {
    Message: "Invalid query",
    Detail: "QueryValidationError: value 1001 for MAXRESULTS exceeds the maximum allowed value of 1000",
    code: "4001",
    element: "",
  });
  assert.deepEqual(await ids("select * from Customer where Balance >= 0 startposition 4 maxresults 1000"), [
    "4",
    "5",
    "101",
  ]);
  await withEmulator({ maxResultsOverLimit: "cap" }, async (other, t) => {
    const capped = await call(
      q("select * from Customer maxresults 5000"),
      { accept: "application/json" },
      t,
      other,
    );
    assert.equal(capped.status, 200);
  });
});

test('minorversion: 1–75 accepted (1–74 run as 75), others a 2010 fault unless unknownMinorVersion is "ignore"', async () => {
  for (const v of ["1", "4", "65", "74", "75"])
    assert.equal((await call(`customer/1?minorversion=${v}`, { accept: "application/json" })).status, 200, v);
  for (const v of ["76", "0", "999", "abc", "", "75.5"]) {
    const res = await call(`customer/1?minorversion=${encodeURIComponent(v)}`, {
      accept: "application/json",
    });
    assert.equal(res.status, 400, v);
    assert.deepEqual((JSON.parse(res.text) as Fault).Fault.Error[0], {
      Message: "Invalid minor version",
      Detail: `Minor version ${v} is not supported. Use a minor version from 1 to 75.`,
      code: "2010",
      element: "minorversion",
    });
  }
  await withEmulator({ unknownMinorVersion: "ignore" }, async (other, t) => {
    assert.equal((await call("customer/1?minorversion=999", {}, t, other)).status, 200);
  });
  await withEmulator({ latestMinorVersion: 76 }, async (other, t) => {
    assert.equal((await call("customer/1?minorversion=76", {}, t, other)).status, 200);
  });
});

test("batch: queries and creates answered per bId; more than 30 items refused; per-minute batch limits", async () => {
  const res = await call("batch", {
    method: "POST",
    accept: "application/json",
    body: {
      BatchItemRequest: [
        { bId: "q1", Query: "select * from Customer where Id = '5'" },
        { bId: "c1", operation: "create", Customer: { DisplayName: "Batch Buyer" } },
        { bId: "bad", operation: "create", Invoice: { CustomerRef: { value: "1" } } },
        { bId: "q2", Query: "select * from Nothing" },
      ],
    },
  });
  assert.equal(res.status, 200);
  const body = JSON.parse(res.text) as { BatchItemResponse: Array<Record<string, unknown>>; time: string };
  const [q1, c1, bad, q2] = body.BatchItemResponse;
  assert.deepEqual(
    body.BatchItemResponse.map((r) => r["bId"]),
    ["q1", "c1", "bad", "q2"],
  );
  assert.deepEqual(
    (q1?.["QueryResponse"] as { Customer: Array<{ Id: string }> }).Customer.map((c) => c.Id),
    ["5"],
  );
  assert.equal((c1?.["Customer"] as { DisplayName: string }).DisplayName, "Batch Buyer");
  assert.equal((bad?.["Fault"] as Fault["Fault"]).Error[0]?.code, "2020");
  assert.equal((q2?.["Fault"] as Fault["Fault"]).Error[0]?.code, "4000");

  const tooBig = await call("batch", {
    method: "POST",
    accept: "application/json",
    body: {
      BatchItemRequest: Array.from({ length: 31 }, (_, i) => ({
        bId: String(i),
        Query: "select * from Customer",
      })),
    },
  });
  assert.equal(tooBig.status, 400);
  assert.equal((JSON.parse(tooBig.text) as Fault).Fault.Error[0]?.element, "BatchItemRequest");

  await withEmulator({ apiLimits: { batchPerMinute: 2, batchMaxItems: 10 } }, async (other, t) => {
    const one = () =>
      call(
        "batch",
        {
          method: "POST",
          accept: "application/json",
          body: { BatchItemRequest: [{ bId: "1", Query: "select * from Customer" }] },
        },
        t,
        other,
      );
    assert.deepEqual([(await one()).status, (await one()).status, (await one()).status], [200, 200, 429]);
    other.advanceClock(60_000);
    assert.equal((await one()).status, 200);
    const eleven = await call(
      "batch",
      {
        method: "POST",
        accept: "application/json",
        body: {
          BatchItemRequest: Array.from({ length: 11 }, (_, i) => ({
            bId: String(i),
            Query: "select * from Customer",
          })),
        },
      },
      t,
      other,
    );
    assert.equal(eleven.status, 400);
  });
});

test('throttleFormat: "json" gives the 429 as a capitalised JSON Fault', async () => {
  await withEmulator({ throttleFormat: "json", apiLimits: { perMinute: 1 } }, async (other, t) => {
    assert.equal((await call("customer/1", { accept: "application/json" }, t, other)).status, 200);
    const res = await call("customer/1", { accept: "application/json" }, t, other);
    assert.equal(res.status, 429);
    assert.deepEqual((JSON.parse(res.text) as Fault).Fault, {
      Error: [
        {
          Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
          Detail: "The request limit was reached.  Try again later",
          code: "3001",
          element: "",
        },
      ],
      type: "SERVICE",
    });
  });
});

async function withEmulator(options: EmulatorOptions, run: (emu: Emulator, token: string) => Promise<void>) {
  const other = await startEmulator({ port: 0, autoApprove: true, ...options });
  try {
    await run(other, (await connect(other)).access_token);
  } finally {
    await other.close();
  }
}

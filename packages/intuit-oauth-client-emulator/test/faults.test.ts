import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { startEmulator, type Emulator, type Fault } from "../src/index.js";
import { api, basic, code, connect, exchange, REALM_1, REDIRECT, TID, tokenRequest } from "./helpers.js";

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, rotateAfter: 0, graceAfterRotation: 0 });
});
after(() => emu.close());

interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
}

/** Like a client would see it: status/headers if any, the bytes that arrived, and whether the socket failed. */
function post(path: string, form: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { body: "" };
    const req = request(
      `${emu.url}${path}`,
      {
        method: "POST",
        agent: false,
        headers: { authorization: basic(), "content-type": "application/x-www-form-urlencoded" },
      },
      (res) => {
        out.status = res.statusCode;
        out.headers = res.headers;
        res.setEncoding("utf8");
        res.on("data", (c: string) => (out.body += c));
        res.on("end", () => resolve(out));
        res.on("error", (e) => resolve({ ...out, error: e.message }));
      },
    );
    req.on("error", (e) => resolve({ ...out, error: e.message }));
    req.end(new URLSearchParams(form).toString());
  });
}

const exchangeForm = (c: string) => ({ grant_type: "authorization_code", code: c, redirect_uri: REDIRECT });

test("status faults answer instead of the request: 503 HTML page, code not consumed", async () => {
  const c = await code(emu);
  emu.injectFault("token", { type: "status", status: 503 });
  const res = await post("/oauth2/v1/tokens/bearer", exchangeForm(c));
  assert.equal(res.status, 503);
  assert.equal(res.headers?.["content-type"], "text/html; charset=utf-8");
  assert.match(res.body, /^<!DOCTYPE html>.*503 Error/s);
  assert.match(String(res.headers?.["intuit_tid"]), TID);
  assert.equal(typeof res.headers?.["date"], "string");
  assert.equal((await exchange(emu, c)).token_type, "bearer");
});

test("status fault with a custom body, and count=2 then normal", async () => {
  emu.injectFault("discovery", { type: "status", status: 502, body: '{"oops":true}' }, 2);
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) statuses.push((await fetch(emu.discoveryUrl)).status);
  assert.deepEqual(statuses, [502, 502, 200]);
  emu.injectFault("discovery", { type: "status", status: 500, body: '{"oops":true}' });
  const res = await fetch(emu.discoveryUrl);
  assert.equal(res.headers.get("content-type"), "application/json;charset=UTF-8");
  assert.equal(await res.text(), '{"oops":true}');
});

test("rateLimit: 429 with Retry-After when given, none otherwise", async () => {
  emu.injectFault("token", { type: "rateLimit", retryAfter: 30 });
  emu.injectFault("token", { type: "rateLimit" });
  const a = await post("/oauth2/v1/tokens/bearer", exchangeForm("x"));
  const b = await post("/oauth2/v1/tokens/bearer", exchangeForm("x"));
  assert.equal(a.status, 429);
  assert.equal(a.headers?.["retry-after"], "30");
  assert.equal(b.status, 429);
  assert.equal(b.headers?.["retry-after"], undefined);
});

test("delay: waits, then answers normally", async () => {
  const c = await code(emu);
  emu.injectFault("token", { type: "delay", ms: 200 });
  const started = Date.now();
  const res = await post("/oauth2/v1/tokens/bearer", exchangeForm(c));
  assert.ok(Date.now() - started >= 195);
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body).token_type, "bearer");
});

test("resetBeforeRead: connection reset, the code is NOT used", async () => {
  const c = await code(emu);
  emu.injectFault("token", { type: "resetBeforeRead" });
  const res = await post("/oauth2/v1/tokens/bearer", exchangeForm(c));
  assert.equal(res.status, undefined);
  assert.match(res.error ?? "", /socket hang up|ECONNRESET/);
  assert.equal((await exchange(emu, c)).token_type, "bearer");
});

test("resetAfterRead: lost response, but the code really was used (reuse then poisons it)", async () => {
  const c = await code(emu);
  emu.injectFault("token", { type: "resetAfterRead" });
  const res = await post("/oauth2/v1/tokens/bearer", exchangeForm(c));
  assert.equal(res.status, undefined);
  assert.match(res.error ?? "", /socket hang up|ECONNRESET/);
  const grantsBefore = emu.grants().filter((g) => !g.revoked).length;
  const again = await tokenRequest(emu, exchangeForm(c));
  assert.equal(again.text, '{"error":"invalid_grant"}');
  assert.equal(emu.grants().filter((g) => !g.revoked).length, grantsBefore - 1);
});

test("resetAfterRead on refresh (strict mode): the rotation happened, the old token is gone", async () => {
  const t = await connect(emu);
  emu.injectFault("token", { type: "resetAfterRead" });
  const res = await post("/oauth2/v1/tokens/bearer", {
    grant_type: "refresh_token",
    refresh_token: t.refresh_token,
  });
  assert.equal(res.status, undefined);
  const retry = await tokenRequest(emu, { grant_type: "refresh_token", refresh_token: t.refresh_token });
  assert.equal(retry.status, 400);
  assert.equal(retry.text, '{"error":"invalid_grant","error_description":"Token invalid"}');
});

test("truncatedBody: Content-Length larger than the bytes sent, then the socket ends", async () => {
  const c = await code(emu);
  emu.injectFault("token", { type: "truncatedBody" });
  const res = await post("/oauth2/v1/tokens/bearer", exchangeForm(c));
  assert.equal(res.status, 200);
  assert.ok(Number(res.headers?.["content-length"]) > res.body.length);
  assert.ok(res.body.length > 0);
  assert.match(res.error ?? "", /aborted|ECONNRESET/);
  assert.equal((await tokenRequest(emu, exchangeForm(c))).status, 400);
});

const spoilers: Array<[Fault, (r: Outcome) => void]> = [
  [
    { type: "malformedJson" },
    (r) => {
      assert.equal(r.headers?.["content-type"], "application/json;charset=UTF-8");
      assert.equal(r.body, '{"access_token": "abc');
    },
  ],
  [
    { type: "wrongContentType" },
    (r) => {
      assert.equal(r.headers?.["content-type"], "text/html");
      assert.equal(r.body, "<html>ok</html>");
    },
  ],
  [
    { type: "missingAccessToken" },
    (r) => {
      const body = JSON.parse(r.body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), [
        "id_token",
        "expires_in",
        "token_type",
        "x_refresh_token_expires_in",
        "refresh_token",
      ]);
      assert.equal(r.headers?.["cache-control"], "no-cache, no-store");
    },
  ],
];
for (const [fault, check] of spoilers) {
  test(`${fault.type}: 200 with a spoiled body; the code was used`, async () => {
    const c = await code(emu);
    emu.injectFault("token", fault);
    const res = await post("/oauth2/v1/tokens/bearer", exchangeForm(c));
    assert.equal(res.status, 200);
    assert.match(String(res.headers?.["intuit_tid"]), TID);
    check(res);
    assert.equal((await tokenRequest(emu, exchangeForm(c))).status, 400);
  });
}

// Injected API faults answer in production's shapes: the gateway's lower-case JSON for 401/403, XML for
// 429 whatever Accept says, and a ValidationFault in the requested format otherwise.
const apiFaults: Array<[number, string, string, string, "gateway" | "xml" | "json"]> = [
  [
    401,
    "3200",
    "AUTHENTICATION",
    "message=AuthenticationFailed; errorCode=003200; statusCode=401",
    "gateway",
  ],
  [
    403,
    "3100",
    "SERVICE",
    "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
    "gateway",
  ],
  [429, "3001", "SERVICE", "message=ThrottleExceeded; errorCode=003001; statusCode=429", "xml"],
  [
    400,
    "2020",
    "ValidationFault",
    "Required param missing, need to supply the required value for the API",
    "json",
  ],
];
for (const [status, faultCode, type, message, shape] of apiFaults) {
  test(`api status fault ${status} → QuickBooks Fault ${faultCode} (${shape})`, async () => {
    const t = await connect(emu);
    emu.injectFault("api", { type: "status", status });
    const res = await api(emu, t.access_token, `${REALM_1}/companyinfo/${REALM_1}`);
    assert.equal(res.status, status);
    const text = await res.text();
    if (shape === "xml") {
      assert.equal(res.headers.get("content-type"), "application/xml;charset=UTF-8");
      assert.match(
        text,
        new RegExp(`<Fault type="${type}"><Error code="${faultCode}"><Message>${message}</Message>`),
      );
      return;
    }
    assert.equal(res.headers.get("content-type"), "application/json;charset=UTF-8");
    if (shape === "gateway") {
      const body = JSON.parse(text) as {
        fault: { error: Array<{ code: string; message: string; element: null }>; type: string };
        time: number;
      };
      assert.equal(body.fault.type, type);
      assert.equal(body.fault.error[0]?.code, faultCode);
      assert.equal(body.fault.error[0]?.message, message);
      assert.equal(body.fault.error[0]?.element, null);
      assert.equal(typeof body.time, "number");
      return;
    }
    const body = JSON.parse(text) as {
      Fault: { Error: Array<{ code: string; Message: string; element: string }>; type: string };
    };
    assert.equal(body.Fault.type, type);
    assert.equal(body.Fault.Error[0]?.code, faultCode);
    assert.equal(body.Fault.Error[0]?.Message, message);
    assert.equal(body.Fault.Error[0]?.element, "");
  });
}

test("api 5xx fault is HTML; clearFaults drops queued faults; counters count faulted requests", async () => {
  const t = await connect(emu);
  emu.resetCounters();
  emu.injectFault("api", { type: "status", status: 502 });
  const res = await api(emu, t.access_token, `${REALM_1}/companyinfo/${REALM_1}`);
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  emu.injectFault("api", { type: "status", status: 500 }, 5);
  emu.clearFaults();
  assert.equal((await api(emu, t.access_token, `${REALM_1}/companyinfo/${REALM_1}`)).status, 200);
  await fetch(emu.discoveryUrl);
  await fetch(`${emu.url}/op/v1/jwks`);
  await fetch(`${emu.url}/nope`);
  assert.deepEqual(emu.counters(), {
    discovery: 1,
    authorize: 0,
    token: 0,
    revoke: 0,
    userinfo: 0,
    jwks: 1,
    migrate: 0,
    api: 2,
  });
});

test("injectFault rejects unknown endpoints and fault types", () => {
  assert.throws(() => emu.injectFault("nope" as never, { type: "delay", ms: 1 }), TypeError);
  assert.throws(() => emu.injectFault("token", { type: "explode" } as unknown as Fault), TypeError);
});

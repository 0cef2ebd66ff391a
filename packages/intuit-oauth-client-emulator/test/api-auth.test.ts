// QuickBooks API authentication as production answers it (platform reference §14.1): each access token is
// bound to the company it was granted for. Another company's path gets the XML AuthenticationFault code 100
// whatever the Accept header; a dead token gets the gateway's lower-case JSON 3200; no accounting scope 403.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../src/index.js";
import { basic, connect, raw, REALM_1, REALM_2, refresh, type TokenJson } from "./helpers.js";

let emu: Emulator;
let realm1: TokenJson;
let realm2: TokenJson;
before(async () => {
  emu = await startEmulator({ port: 0 });
  realm1 = await connect(emu);
  // The consent page's company picker chooses the second company.
  realm2 = await connect(emu, {}, REALM_2);
});
after(() => emu.close());

const XML_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[78]:00$/;

/** Production's body for a token used on another company (Intuit reproduced it in oauth-jsclient #91). */
function generalAuthenticationError(time: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">` +
    '<Fault type="AuthenticationFault"><Error code="100"><Message>General Authentication Error</Message>' +
    "<Detail>AuthenticationErrorGeneral: SRV-110-Authentication Failure , statusCode: 401</Detail>" +
    "</Error></Fault></IntuitResponse>"
  );
}

function get(token: string, path: string, accept?: string) {
  return raw(`${emu.url}/v3/company/${path}`, {
    headers: { authorization: `Bearer ${token}`, ...(accept === undefined ? {} : { accept }) },
  });
}

async function expectOtherCompany(token: string, path: string, accept?: string) {
  const res = await get(token, path, accept);
  assert.equal(res.status, 401, `${path} with Accept ${accept}`);
  assert.equal(res.headers["content-type"], "application/xml;charset=UTF-8");
  const time = /time="([^"]+)"/.exec(res.text)?.[1] ?? "";
  assert.match(time, XML_TIME);
  assert.ok(Math.abs(Date.parse(time) - emu.clock.now()) < 5000, time);
  assert.equal(res.text, generalAuthenticationError(time));
}

test("a token is accepted on its own company's path", async () => {
  for (const [t, realm] of [
    [realm1, REALM_1],
    [realm2, REALM_2],
  ] as const) {
    const res = await get(t.access_token, `${realm}/companyinfo/${realm}`, "application/json");
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.text) as { CompanyInfo: { Id: string } }).CompanyInfo.Id, "1");
  }
});

test("another company's path: 401 XML AuthenticationFault code 100, whatever the Accept header", async () => {
  for (const accept of [undefined, "application/json", "application/xml", "text/plain", "*/*"]) {
    await expectOtherCompany(realm1.access_token, `${REALM_2}/companyinfo/${REALM_2}`, accept);
    await expectOtherCompany(realm2.access_token, `${REALM_1}/companyinfo/${REALM_1}`, accept);
    await expectOtherCompany(
      realm1.access_token,
      `${REALM_2}/query?query=select%20*%20from%20Customer`,
      accept,
    );
  }
  // An unknown company, and the company segment smuggled through dot segments, are other companies too.
  await expectOtherCompany(realm1.access_token, `123/companyinfo/123`, "application/json");
  await expectOtherCompany(
    realm1.access_token,
    `${REALM_1}/../${REALM_2}/companyinfo/${REALM_2}`,
    "application/json",
  );
  // The refusal changed nothing: the token still works for its own company.
  assert.equal((await get(realm1.access_token, `${REALM_1}/customer/1`, "application/json")).status, 200);
});

test("the binding survives a refresh: the new access token is bound to the same company", async () => {
  const res = await refresh(emu, realm2.refresh_token);
  assert.equal(res.status, 200);
  const next = JSON.parse(res.text) as TokenJson;
  assert.notEqual(next.access_token, realm2.access_token);
  assert.equal(
    (await get(next.access_token, `${REALM_2}/companyinfo/${REALM_2}`, "application/json")).status,
    200,
  );
  await expectOtherCompany(next.access_token, `${REALM_1}/companyinfo/${REALM_1}`, "application/json");
});

test("a grant with no company (openid only) gets the code 100 fault on any company", async () => {
  const openidOnly = await connect(emu, { scope: "openid email" });
  await expectOtherCompany(openidOnly.access_token, `${REALM_1}/companyinfo/${REALM_1}`, "application/json");
});

/** Production's gateway body for 401 and 403, lower-case, `time` in epoch ms. */
function gatewayBody(status: 401 | 403, detail: string, time: number) {
  const [message, code, type] =
    status === 401
      ? ["message=AuthenticationFailed; errorCode=003200; statusCode=401", "3200", "AUTHENTICATION"]
      : ["message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403", "3100", "SERVICE"];
  return {
    warnings: null,
    intuitObject: null,
    fault: { error: [{ message, detail, code, element: null }], type },
    report: null,
    queryResponse: null,
    time,
  };
}

async function expectGateway(
  res: Awaited<ReturnType<typeof get>>,
  status: 401 | 403,
  detail: string,
): Promise<void> {
  assert.equal(res.status, status);
  assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
  const body = JSON.parse(res.text) as { time: number };
  assert.equal(typeof body.time, "number");
  assert.ok(Math.abs(body.time - emu.clock.now()) < 5000);
  assert.deepEqual(body, gatewayBody(status, detail, body.time));
  assert.deepEqual(Object.keys(body), [
    "warnings",
    "intuitObject",
    "fault",
    "report",
    "queryResponse",
    "time",
  ]);
}

test("unknown, missing, expired and revoked tokens: 401 lower-case JSON 3200 (even when XML is asked for)", async () => {
  const path = `${REALM_1}/companyinfo/${REALM_1}`;
  for (const accept of ["application/json", "application/xml"]) {
    await expectGateway(await get("not-a-token", path, accept), 401, "Token invalid");
    await expectGateway(
      await raw(`${emu.url}/v3/company/${path}`, { headers: { accept } }),
      401,
      "Token invalid",
    );
  }
  const expiring = await connect(emu);
  emu.expireAccessTokens(REALM_1);
  const expired = await get(expiring.access_token, path, "application/json");
  await expectGateway(expired, 401, "Token expired");
  assert.equal(expired.headers["www-authenticate"], 'Bearer realm="Intuit", error="invalid_token"');
  // Expiry is checked before the company: an expired token on another company is a plain 3200.
  await expectGateway(
    await get(expiring.access_token, `${REALM_2}/companyinfo/${REALM_2}`),
    401,
    "Token expired",
  );

  const revoked = await connect(emu);
  const res = await raw(`${emu.url}/v2/oauth2/tokens/revoke`, {
    method: "POST",
    headers: { authorization: basic(), "content-type": "application/json" },
    body: JSON.stringify({ token: revoked.refresh_token }),
  });
  assert.equal(res.status, 200);
  await expectGateway(await get(revoked.access_token, path, "application/json"), 401, "Token invalid");
});

test("a grant of the right company without the accounting scope: 403 lower-case JSON 3100, type SERVICE", async () => {
  const payments = await connect(emu, { scope: "com.intuit.quickbooks.payment" });
  await expectGateway(
    await get(payments.access_token, `${REALM_1}/companyinfo/${REALM_1}`),
    403,
    "The application is not authorized to access this resource",
  );
});

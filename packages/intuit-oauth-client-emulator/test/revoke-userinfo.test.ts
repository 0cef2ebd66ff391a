import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../src/index.js";
import { ACCOUNTING, basic, connect, raw, refresh, userinfo } from "./helpers.js";

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
});
after(() => emu.close());

function revoke(body: string, contentType: string, authorization = basic()) {
  return raw(`${emu.url}/v2/oauth2/tokens/revoke`, {
    method: "POST",
    headers: { authorization, "content-type": contentType, accept: "application/json" },
    body,
  });
}

test("revoke with JSON body (refresh token) → 200 empty, whole grant revoked", async () => {
  const t = await connect(emu, { scope: `${ACCOUNTING} openid` });
  const res = await revoke(JSON.stringify({ token: t.refresh_token }), "application/json");
  assert.equal(res.status, 200);
  assert.equal(res.text, "");
  assert.equal(emu.isAccessTokenValid(t.access_token), false);
  assert.equal((await refresh(emu, t.refresh_token)).status, 400);
});

test("revoke with form body (access token) revokes the refresh token too", async () => {
  const t = await connect(emu);
  const res = await revoke(
    `token=${encodeURIComponent(t.access_token)}`,
    "application/x-www-form-urlencoded",
  );
  assert.equal(res.status, 200);
  assert.equal(res.text, "");
  assert.equal((await refresh(emu, t.refresh_token)).status, 400);
  const grant = emu.grants().find((g) => g.revoked && g.refreshTokenCount === 1);
  assert.equal(grant?.revoked, true);
});

test("revoke: unknown or already-revoked token → 400 with an empty body; bad client → 401; missing token → 400", async () => {
  // Production answers 400 with an empty body (platform reference §14.2), not RFC 7009's 200.
  const unknown = await revoke('{"token":"nope"}', "application/json");
  assert.equal(unknown.status, 400);
  assert.equal(unknown.text, "");
  const t = await connect(emu);
  assert.equal((await revoke(JSON.stringify({ token: t.refresh_token }), "application/json")).status, 200);
  for (const token of [t.refresh_token, t.access_token]) {
    const again = await revoke(JSON.stringify({ token }), "application/json");
    assert.equal(again.status, 400);
    assert.equal(again.text, "");
  }
  const badClient = await revoke('{"token":"nope"}', "application/json", basic("emulator-client-id", "x"));
  assert.equal(badClient.status, 401);
  assert.equal(badClient.text, '{"error":"invalid_client"}');
  const missing = await revoke("{}", "application/json");
  // A missing token is a malformed request, which keeps its OAuth error body.
  assert.equal(missing.status, 400);
  assert.equal(missing.text, '{"error":"invalid_request"}');
});

const cases: Array<[string, Record<string, unknown>]> = [
  ["openid", { sub: "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34" }],
  [
    "openid email",
    { sub: "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34", email: "alex.sandbox@example.com", emailVerified: true },
  ],
  [
    "openid profile",
    { sub: "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34", givenName: "Alex", familyName: "Sandbox" },
  ],
  [
    "openid phone",
    { sub: "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34", phoneNumber: "+1 6505550100", phoneNumberVerified: false },
  ],
  [
    "openid address",
    {
      sub: "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34",
      address: {
        streetAddress: "2700 Coast Ave",
        locality: "Mountain View",
        region: "CA",
        postalCode: "94043",
        country: "US",
      },
    },
  ],
];
for (const [scope, expected] of cases) {
  test(`userinfo for scope "${scope}"`, async () => {
    const t = await connect(emu, { scope });
    const res = await userinfo(emu, t.access_token);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), expected);
  });
}

test("userinfo key order with every scope", async () => {
  const t = await connect(emu, { scope: "openid email profile phone address" });
  const body = JSON.parse((await userinfo(emu, t.access_token)).text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), [
    "sub",
    "email",
    "emailVerified",
    "givenName",
    "familyName",
    "phoneNumber",
    "phoneNumberVerified",
    "address",
  ]);
});

test("userinfo: invalid, expired → 401 with WWW-Authenticate; no openid → 403", async () => {
  const bad = await userinfo(emu, "nope");
  assert.equal(bad.status, 401);
  assert.equal(bad.headers["www-authenticate"], 'Bearer error="invalid_token"');
  assert.deepEqual(JSON.parse(bad.text), {
    error: "invalid_token",
    error_description: "Access token is invalid, expired or revoked",
  });
  const none = await raw(`${emu.url}/v1/openid_connect/userinfo`);
  assert.equal(none.status, 401);

  const t = await connect(emu, { scope: "openid email" });
  emu.advanceClock(3600 * 1000);
  assert.equal((await userinfo(emu, t.access_token)).status, 401);

  const noOpenid = await connect(emu, { scope: ACCOUNTING });
  const forbidden = await userinfo(emu, noOpenid.access_token);
  assert.equal(forbidden.status, 403);
  assert.equal(JSON.parse(forbidden.text).error, "insufficient_scope");
});

test('revokeUnknownToken: "200" answers RFC 7009\'s 200 for an unknown token', async () => {
  const other = await startEmulator({ port: 0, revokeUnknownToken: "200" });
  try {
    const res = await raw(`${other.url}/v2/oauth2/tokens/revoke`, {
      method: "POST",
      headers: { authorization: basic(), "content-type": "application/json" },
      body: '{"token":"nope"}',
    });
    assert.equal(res.status, 200);
    assert.equal(res.text, "");
  } finally {
    await other.close();
  }
});

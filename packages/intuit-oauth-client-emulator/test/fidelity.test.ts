// Token-level fidelity (issue 15): Intuit's issuer by default, no nonce echo, JWE-length access tokens,
// and JWT time claims on the real clock, so strict validators accept ID tokens after advanceClock.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { startEmulator, type Emulator } from "../src/index.js";
import { code, connect, exchange, refresh, type TokenJson } from "./helpers.js";

const INTUIT_ISSUER = "https://oauth.platform.intuit.com/op/v1";
let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
});
after(() => emu.close());

/** jose with no clock tolerance at all, on the real clock, against the emulator's JWKS. */
async function strictVerify(on: Emulator, idToken: string, issuer = INTUIT_ISSUER) {
  const jwks = createRemoteJWKSet(new URL(`${on.url}/op/v1/jwks`));
  return jwtVerify(idToken, jwks, {
    issuer,
    audience: on.defaultClient.clientId,
    algorithms: ["RS256"],
    clockTolerance: 0,
    maxTokenAge: "1h",
    requiredClaims: ["iat", "exp", "auth_time", "realmid", "sub"],
  });
}

/** jose on the emulator's clock instead (as a client whose clock follows the emulator's). */
async function strictVerifyAt(on: Emulator, idToken: string, currentDate: Date) {
  const jwks = createRemoteJWKSet(new URL(`${on.url}/op/v1/jwks`));
  return jwtVerify(idToken, jwks, {
    issuer: INTUIT_ISSUER,
    audience: on.defaultClient.clientId,
    clockTolerance: 0,
    currentDate,
  });
}

test("the default issuer is Intuit's, in discovery, on the handle and in ID tokens", async () => {
  const doc = (await (await fetch(emu.discoveryUrl)).json()) as { issuer: string };
  assert.equal(doc.issuer, INTUIT_ISSUER);
  assert.equal(emu.issuer, INTUIT_ISSUER);
  const t = await connect(emu, { scope: "com.intuit.quickbooks.accounting openid" });
  const { payload } = await strictVerify(emu, t.id_token ?? "");
  assert.equal(payload.iss, INTUIT_ISSUER);
});

test("nonce is not echoed by default (as Intuit); echoNonce: true echoes it", async () => {
  const plain = await exchange(emu, await code(emu, { scope: "openid", nonce: "n-123" }));
  assert.equal("nonce" in decodeJwt(plain.id_token ?? ""), false);
  const other = await startEmulator({ port: 0, autoApprove: true, echoNonce: true });
  try {
    const echoed = await exchange(other, await code(other, { scope: "openid", nonce: "n-123" }));
    assert.equal(decodeJwt(echoed.id_token ?? "").nonce, "n-123");
    const none = await exchange(other, await code(other, { scope: "openid" }));
    assert.equal("nonce" in decodeJwt(none.id_token ?? ""), false);
  } finally {
    await other.close();
  }
});

test("access tokens are JWE-shaped and about 900 characters; refresh tokens look like Intuit's", async () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const t = await connect(emu);
    assert.equal(t.access_token.length, 927);
    assert.ok(t.access_token.startsWith("eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.."));
    const header = JSON.parse(
      Buffer.from(t.access_token.split(".")[0] ?? "", "base64url").toString(),
    ) as unknown;
    assert.deepEqual(header, { enc: "A128CBC-HS256", alg: "dir" });
    assert.equal(t.access_token.split(".").length, 5);
    assert.match(t.refresh_token, /^RT1-\d{2}-H0-\d{10}[a-z0-9]{24}$/);
    seen.add(t.access_token);
    assert.equal(emu.isAccessTokenValid(t.access_token), true);
  }
  assert.equal(seen.size, 5);
});

test("after advanceClock, ID tokens pass strict validators on the real clock and on the emulator clock", async () => {
  const other = await startEmulator({ port: 0, autoApprove: true });
  try {
    const first = await connect(other, { scope: "com.intuit.quickbooks.accounting openid" });
    other.advanceClock(49 * 60 * 60 * 1000);
    // The emulator's own decisions follow its clock: the first access token is now expired.
    assert.equal(other.isAccessTokenValid(first.access_token), false);
    const res = await refresh(other, first.refresh_token);
    assert.equal(res.status, 200);
    const refreshed = JSON.parse(res.text) as TokenJson;
    const later = await connect(other, { scope: "com.intuit.quickbooks.accounting openid" });
    const realNow = Math.floor(Date.now() / 1000);
    for (const t of [refreshed, later]) {
      const { payload } = await strictVerify(other, t.id_token ?? "");
      assert.ok((payload.iat ?? 0) <= realNow + 1 && (payload.iat ?? 0) >= realNow - 5, `iat ${payload.iat}`);
      // Current on the emulator clock too: an hour after the emulator's now.
      const emulatorNow = Math.floor(other.clock.now() / 1000);
      assert.ok(Math.abs((payload.exp ?? 0) - (emulatorNow + 3600)) <= 2, `exp ${payload.exp}`);
      await strictVerifyAt(other, t.id_token ?? "", new Date(other.clock.now()));
      assert.ok((payload.auth_time as number) <= (payload.iat ?? 0));
    }
    // The grant was authorised before the advance: auth_time is that real moment, not a future one.
    assert.equal(decodeJwt(refreshed.id_token ?? "").auth_time, decodeJwt(first.id_token ?? "").auth_time);
  } finally {
    await other.close();
  }
});

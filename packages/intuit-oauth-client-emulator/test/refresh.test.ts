import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type EmulatorOptions } from "../src/index.js";
import { basic, connect, refresh, tokenRequest, type TokenJson } from "./helpers.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const INVALID = '{"error":"invalid_grant","error_description":"Token invalid"}';

const CALLBACK = ["http://127.0.0.1:8000/callback"];
let shared: Awaited<ReturnType<typeof startEmulator>>;
before(async () => {
  // One emulator with default rotation settings serves every test that does not change them.
  shared = await startEmulator({
    port: 0,
    autoApprove: true,
    clients: [
      { clientId: "emulator-client-id", clientSecret: "emulator-client-secret", redirectUris: CALLBACK },
      { clientId: "b", clientSecret: "sb", redirectUris: CALLBACK },
    ],
  });
});
after(() => shared.close());

async function withEmulator(
  options: EmulatorOptions | "shared",
  fn: (emu: Awaited<ReturnType<typeof startEmulator>>) => Promise<void>,
) {
  if (options === "shared") return fn(shared);
  const emu = await startEmulator({ port: 0, autoApprove: true, ...options });
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

async function ok(res: Awaited<ReturnType<typeof refresh>>): Promise<TokenJson> {
  assert.equal(res.status, 200, res.text);
  return JSON.parse(res.text) as TokenJson;
}

test("default rotation: same value within 24 h, new value after, old valid in grace, refused after", async () => {
  await withEmulator("shared", async (emu) => {
    const first = await connect(emu);
    emu.advanceClock(HOUR / 2);
    const r1 = await ok(await refresh(emu, first.refresh_token));
    assert.equal(r1.refresh_token, first.refresh_token);
    assert.notEqual(r1.access_token, first.access_token);
    assert.equal(r1.expires_in, 3600);
    assert.equal(r1.x_refresh_token_expires_in, 8726400);
    assert.equal(emu.isAccessTokenValid(first.access_token), true);

    emu.advanceClock(DAY);
    const r2 = await ok(await refresh(emu, first.refresh_token));
    assert.notEqual(r2.refresh_token, first.refresh_token);
    assert.match(r2.refresh_token, /^RT1-\d{2}-H0-/);

    emu.advanceClock(DAY - HOUR);
    const inGrace = await ok(await refresh(emu, first.refresh_token));
    assert.equal(inGrace.refresh_token, r2.refresh_token);

    emu.advanceClock(HOUR);
    const late = await refresh(emu, first.refresh_token);
    assert.equal(late.status, 400);
    assert.equal(late.text, INVALID);
    // r2 is now 24 h old itself, so using it rotates again.
    const r3 = await ok(await refresh(emu, r2.refresh_token));
    assert.notEqual(r3.refresh_token, r2.refresh_token);
    const grant = emu.grants().at(-1);
    assert.deepEqual([grant?.refreshTokenCount, grant?.revoked], [3, false]);
  });
});

test("strict mode (rotateAfter 0, graceAfterRotation 0): every refresh rotates, old refused at once", async () => {
  await withEmulator({ rotateAfter: 0, graceAfterRotation: 0 }, async (emu) => {
    const first = await connect(emu);
    const r1 = await ok(await refresh(emu, first.refresh_token));
    assert.notEqual(r1.refresh_token, first.refresh_token);
    const old = await refresh(emu, first.refresh_token);
    assert.equal(old.status, 400);
    assert.equal(old.text, INVALID);
    const r2 = await ok(await refresh(emu, r1.refresh_token));
    assert.notEqual(r2.refresh_token, r1.refresh_token);
    assert.equal(emu.grants()[0]?.refreshTokenCount, 3);
  });
});

test("rolling window: each refresh extends it, unused past it → invalid_grant", async () => {
  await withEmulator({ refreshTokenLifetime: 1000 }, async (emu) => {
    const first = await connect(emu);
    assert.equal(first.x_refresh_token_expires_in, 1000);
    emu.advanceClock(900_000);
    const r1 = await ok(await refresh(emu, first.refresh_token));
    assert.equal(r1.x_refresh_token_expires_in, 1000);
    emu.advanceClock(900_000);
    await ok(await refresh(emu, first.refresh_token));
    emu.advanceClock(1_000_000);
    assert.equal((await refresh(emu, first.refresh_token)).text, INVALID);
  });
});

test("hard cap: x_refresh_token_hard_expires_in counts down, refresh fails at the cap", async () => {
  await withEmulator({ hardLifetime: 10_000 }, async (emu) => {
    const first = await connect(emu);
    emu.advanceClock(4_000_000);
    const hdr = { "x-include-refresh-token-hard-expires-in": "true" };
    const r1 = await ok(await refresh(emu, first.refresh_token, hdr));
    assert.equal(r1.x_refresh_token_hard_expires_in, 6000);
    assert.equal(r1.x_refresh_token_expires_in, 6000);
    const plain = await ok(await refresh(emu, first.refresh_token));
    assert.equal(plain.x_refresh_token_hard_expires_in, undefined);
    emu.advanceClock(6_000_000);
    assert.equal((await refresh(emu, first.refresh_token, hdr)).text, INVALID);
  });
});

test("refresh of an openid grant returns a fresh id_token", async () => {
  await withEmulator("shared", async (emu) => {
    const first = await connect(emu);
    emu.advanceClock(10_000);
    const r1 = await ok(await refresh(emu, first.refresh_token));
    assert.equal(typeof r1.id_token, "string");
    const claims = JSON.parse(Buffer.from(r1.id_token?.split(".")[1] ?? "", "base64url").toString()) as {
      iat: number;
    };
    // JWT time claims are real time, not emulator time (validators use the real clock).
    const realNow = Math.floor(Date.now() / 1000);
    assert.ok(claims.iat >= realNow - 5 && claims.iat <= realNow, `iat ${claims.iat} vs ${realNow}`);
  });
});

test("unknown token, another client's token, revoked grant → invalid_grant", async () => {
  await withEmulator("shared", async (emu) => {
    assert.equal((await refresh(emu, "RT1-11-H0-nope")).text, INVALID);
    const first = await connect(emu);
    const other = await tokenRequest(
      emu,
      { grant_type: "refresh_token", refresh_token: first.refresh_token },
      { authorization: basic("b", "sb") },
    );
    assert.equal(other.text, INVALID);
    const revoke = await fetch(`${emu.url}/v2/oauth2/tokens/revoke`, {
      method: "POST",
      headers: { authorization: basic(), "content-type": "application/json" },
      body: JSON.stringify({ token: first.refresh_token }),
    });
    assert.equal(revoke.status, 200);
    assert.equal((await refresh(emu, first.refresh_token)).text, INVALID);
  });
});

test("expireAccessTokens(realm) expires only that realm's access tokens", async () => {
  await withEmulator("shared", async (emu) => {
    const a = await connect(emu, { state: "x" });
    emu.expireAccessTokens("0000");
    assert.equal(emu.isAccessTokenValid(a.access_token), true);
    emu.expireAccessTokens("9341453050198162");
    assert.equal(emu.isAccessTokenValid(a.access_token), false);
    const r = await ok(await refresh(emu, a.refresh_token));
    assert.equal(emu.isAccessTokenValid(r.access_token), true);
    emu.advanceClock(3600 * 1000);
    assert.equal(emu.isAccessTokenValid(r.access_token), false);
  });
});

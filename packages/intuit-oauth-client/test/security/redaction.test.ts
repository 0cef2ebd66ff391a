// Security review finding 13: errorDescription is redacted like content, secret keys match in any
// case, and no stored record keeps raw server text that could echo a token.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AuthClient, AuthClientError, MemoryTokenStore, TokenManager } from "../../src/index.js";
import { redactText } from "../../src/common/redact.js";
import { rejection, startFakeIntuit, tokenBody, type FakeIntuit } from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

test("secret keys are matched case-insensitively in JSON and forms", () => {
  const text = redactText(
    '{"Refresh_Token":"RT1-SECRET-ONE","ACCESS_TOKEN":"AT-SECRET-TWO","Client_Secret":"CS-THREE"} REFRESH_TOKEN=RT-FOUR&Code=AB-FIVE',
  );
  for (const secret of ["RT1-SECRET-ONE", "AT-SECRET-TWO", "CS-THREE", "RT-FOUR", "AB-FIVE"])
    assert.ok(!text.includes(secret), `${secret} survived: ${text}`);
});

test("errorDescription is redacted like content", async () => {
  server.on("/token", () => ({
    status: 400,
    body: { error: "invalid_grant", error_description: `refresh_token=RT1-ECHOED-VALUE is bad; see ${JWT}` },
  }));
  const c = new AuthClient(server.clientOptions());
  const err = await rejection(c.refresh("RT1-ECHOED-VALUE"));
  assert.ok(err instanceof AuthClientError);
  assert.ok(err.errorDescription !== undefined);
  assert.ok(!err.errorDescription.includes("RT1-ECHOED-VALUE"), err.errorDescription);
  assert.ok(!err.errorDescription.includes(JWT), err.errorDescription);
  server.on("/token", () => ({ body: tokenBody() }));
});

test("a realm marked dead keeps no raw server text that echoes a token", async () => {
  server.on("/token", () => ({
    status: 400,
    body: {
      error: "invalid_grant",
      error_description: "Token RT1-STORED-SECRET not found (access_token=AT-X)",
    },
  }));
  const store = new MemoryTokenStore();
  const c = new AuthClient(server.clientOptions());
  const tokens = new TokenManager({ authClient: c, store });
  const now = Date.now();
  await store.set({
    realmId: "123",
    updatedAt: now,
    token: {
      accessToken: "AT-X",
      refreshToken: "RT1-STORED-SECRET",
      tokenType: "bearer",
      expiresIn: 3600,
      xRefreshTokenExpiresIn: 8726400,
      accessTokenExpiresAt: now - 1000,
      refreshTokenExpiresAt: now + 86_400_000,
      receivedAt: now - 3_601_000,
    },
  });
  await rejection(tokens.getAccessToken("123"));
  const record = await store.get("123");
  assert.equal(record?.reauthorization?.reason, "invalid_grant");
  const json = JSON.stringify(record?.reauthorization);
  assert.ok(!json.includes("RT1-STORED-SECRET"), json);
  assert.ok(!json.includes("AT-X"), json);
  server.on("/token", () => ({ body: tokenBody() }));
});

test("a JWE-shaped access token (five parts, empty second) is redacted in free text", () => {
  const jwe =
    "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..f6Zw2bJ0Xq6u3Yy1t9Q1aA.Zm9vYmFyYmF6cXV4cXV1eA.c2lnbmF0dXJlc2lnbg";
  const text = redactText(`upstream said: token ${jwe} expired`);
  assert.ok(!text.includes("f6Zw2bJ0Xq6u3Yy1t9Q1aA"), text);
  assert.ok(!text.includes("Zm9vYmFyYmF6cXV4cXV1eA"), text);
});

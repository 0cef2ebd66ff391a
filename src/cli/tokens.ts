// The stored-token commands: token, refresh, revoke, userinfo, status. They print summaries with
// expiry times; only `token` prints a token, because that is its job.
import {
  isAccessTokenExpired,
  isRefreshTokenExpired,
  type AuthClient,
  type TokenManager,
  type TokenRecord,
} from "../index.js";
import { chooseRealm, tokenStore, type Flags } from "./config.js";
import { iso, shortenRefreshToken, table } from "./output.js";

async function realmOf(tokens: TokenManager, realm: string | undefined): Promise<string> {
  return chooseRealm(await tokens.store.list(), realm);
}

/** `token`: a valid access token on stdout, refreshing first when needed. */
export async function printToken(tokens: TokenManager, realm: string | undefined): Promise<number> {
  const realmId = await realmOf(tokens, realm);
  process.stdout.write(`${await tokens.getAccessToken(realmId)}\n`);
  return 0;
}

/** `refresh`: refreshes now and says whether the refresh token value rotated. */
export async function refreshNow(tokens: TokenManager, realm: string | undefined): Promise<number> {
  const realmId = await realmOf(tokens, realm);
  const before = await tokens.store.get(realmId);
  const after = await tokens.refresh(realmId);
  const rotated = before !== undefined && before.token.refreshToken !== after.refreshToken;
  console.log(`Refreshed realm ${realmId}.`);
  console.log(
    table([
      ["access token expires", iso(after.accessTokenExpiresAt)],
      ["refresh token expires", iso(after.refreshTokenExpiresAt)],
      [
        "refresh token",
        rotated
          ? `rotated: ${shortenRefreshToken(before?.token.refreshToken)} -> ${shortenRefreshToken(after.refreshToken)}`
          : `unchanged: ${shortenRefreshToken(after.refreshToken)}`,
      ],
      ["intuit_tid", after.intuitTid ?? "-"],
    ]),
  );
  return 0;
}

/** `revoke`: disconnects the app from the company and deletes the local tokens. */
export async function revokeRealm(tokens: TokenManager, realm: string | undefined): Promise<number> {
  const realmId = await realmOf(tokens, realm);
  await tokens.revoke(realmId);
  console.log(`Revoked the connection to realm ${realmId} and deleted its stored tokens.`);
  return 0;
}

/** `userinfo`: the OpenID profile of whoever connected the app, as JSON. */
export async function printUserInfo(
  client: AuthClient,
  tokens: TokenManager,
  realm: string | undefined,
): Promise<number> {
  const realmId = await realmOf(tokens, realm);
  const accessToken = await tokens.getAccessToken(realmId);
  const info = await client.getUserInfo(accessToken).catch(async (err: unknown) => {
    // One retry with a fresh token when this one was refused (revoked or expired early).
    if ((err as { statusCode?: number }).statusCode !== 401) throw err;
    const fresh = await tokens.refresh(realmId, { rejectedAccessToken: accessToken });
    return client.getUserInfo(fresh.accessToken);
  });
  console.log(JSON.stringify(info, null, 2));
  return 0;
}

function statusOf(record: TokenRecord, now: number): string {
  if (record.reauthorization) return `reconnect needed (${record.reauthorization.reason})`;
  if (isRefreshTokenExpired(record.token, now)) return "reconnect needed (refresh token expired)";
  if (isAccessTokenExpired(record.token, now)) return "access token expired (refreshes on next use)";
  return "valid";
}

/** `status`: every stored realm with its state and expiry times. Needs no credentials. */
export async function printStatus(flags: Flags): Promise<number> {
  const store = tokenStore(flags);
  const records = (await store.list()).sort((a, b) => a.realmId.localeCompare(b.realmId));
  if (records.length === 0) {
    console.log(
      `No QuickBooks company is connected (store: ${store.directory}). Run \`intuit-oauth login\`.`,
    );
    return 0;
  }
  const now = Date.now();
  console.log(`Token store: ${store.directory}`);
  for (const r of records) {
    console.log();
    console.log(`realm ${r.realmId}: ${statusOf(r, now)}`);
    console.log(
      table([
        ["access token expires", iso(r.token.accessTokenExpiresAt)],
        ["refresh token expires", iso(r.token.refreshTokenExpiresAt)],
        ...(r.token.refreshTokenHardExpiresAt !== undefined
          ? ([["hard expiry", iso(r.token.refreshTokenHardExpiresAt)]] as Array<[string, string]>)
          : []),
        ["id token", r.token.idToken ? "yes" : "no"],
        ["updated", iso(r.updatedAt)],
      ]),
    );
  }
  return 0;
}

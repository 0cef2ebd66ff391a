// The stored-token commands: token, refresh, revoke, userinfo, status. They print summaries with
// expiry times; only `token` prints a token, because that is its job.
import {
  type AuthClient,
  type TokenManager,
  type TokenRecord,
  type UnreadableRecordError,
} from "intuit-oauth-client";
import { isAccessTokenExpired, isRefreshTokenExpired } from "intuit-oauth-client/protocol";
import { chooseStoredRealm, tokenStore, type Flags } from "./config.js";
import { iso, oneLine, shortenRefreshToken, table } from "./output.js";

function realmOf(tokens: TokenManager, realm: string | undefined): Promise<string> {
  return chooseStoredRealm(tokens.store, realm);
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

/** What to do about a record the store cannot read; the store's own message says what is wrong. */
function fixFor(error: UnreadableRecordError): string | undefined {
  switch (error.reason) {
    case "corrupt":
    case "realm_mismatch":
    case "undecryptable":
      return "restore the file from a backup, or delete it and run `intuit-oauth-client-cli login` to connect the company again";
    case "bad_name":
      return "rename or remove the file; FileTokenStore did not write it";
    default:
      return undefined; // key_missing, plaintext_refused, legacy_format: the message says what to set or run
  }
}

function readableBlock(r: TokenRecord, now: number): string {
  return `realm ${r.realmId}: ${statusOf(r, now)}\n${table([
    ["access token expires", iso(r.token.accessTokenExpiresAt)],
    ["refresh token expires", iso(r.token.refreshTokenExpiresAt)],
    ...(r.token.refreshTokenHardExpiresAt !== undefined
      ? ([["hard expiry", iso(r.token.refreshTokenHardExpiresAt)]] as Array<[string, string]>)
      : []),
    ["id token", r.token.idToken ? "yes" : "no"],
    ["updated", iso(r.updatedAt)],
  ])}`;
}

function unreadableBlock(e: UnreadableRecordError): string {
  const fix = fixFor(e);
  return `realm ${e.realmId}: unreadable (${e.reason})\n${table([
    ["file", e.location ?? "-"],
    ["problem", oneLine(e.message)],
    ...(fix ? ([["fix", fix]] as Array<[string, string]>) : []),
  ])}`;
}

/**
 * `status`: every stored realm with its state and expiry times. Needs no credentials. A record the
 * store cannot read is listed in its place, with its file and what is wrong, and makes the exit code 1
 * once every readable realm has been printed.
 */
export async function printStatus(flags: Flags): Promise<number> {
  const store = tokenStore(flags);
  const unreadable: UnreadableRecordError[] = [];
  const records = await store.list({ onUnreadable: (error) => unreadable.push(error) });
  if (records.length === 0 && unreadable.length === 0) {
    console.log(
      `No QuickBooks company is connected (store: ${store.directory}). Run \`intuit-oauth-client-cli login\`.`,
    );
    return 0;
  }
  const now = Date.now();
  const blocks = [
    ...records.map((r) => ({ realmId: r.realmId, text: readableBlock(r, now) })),
    ...unreadable.map((e) => ({ realmId: e.realmId, text: unreadableBlock(e) })),
  ].sort((a, b) => a.realmId.localeCompare(b.realmId));
  console.log(`Token store: ${store.directory}`);
  for (const block of blocks) {
    console.log();
    console.log(block.text);
  }
  if (unreadable.length === 0) return 0;
  const files = unreadable.map((e) => `${e.location ?? "?"} (realm ${e.realmId})`).join(", ");
  const count = unreadable.length === 1 ? "1 token file" : `${unreadable.length} token files`;
  console.error(
    `intuit-oauth-client-cli: ${count} could not be read: ${files}. ${
      records.length > 0 ? "The readable realms are listed above." : "No stored realm could be read."
    }`,
  );
  return 1;
}

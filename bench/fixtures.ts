// Shared bench fixtures: one RS256 key pair and its JWKS, signed id tokens with Intuit's issuer
// (intuit-oauth hard-codes it), our AuthClient and intuit-oauth both pointed at the loopback server.
import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createRequire } from "node:module";
import type OAuthClientType from "intuit-oauth";
import { AuthClient, type AuthClientOptions } from "../packages/intuit-oauth-client/src/index.js";
import type { Loopback } from "./loopback.js";

export const ISSUER = "https://oauth.platform.intuit.com/op/v1";
export const CLIENT_ID = "bench-client-id";
export const CLIENT_SECRET = "bench-client-secret";
export const REDIRECT_URI = "http://127.0.0.1:9/callback";
export const KID = "bench-key-1";

export interface KeyFixture {
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwks: { keys: Array<Record<string, unknown>> };
}

export function makeKeys(): KeyFixture {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  return { privateKey, publicKey, jwks: { keys: [{ ...jwk, kid: KID, use: "sig", alg: "RS256" }] } };
}

/** A valid id token for CLIENT_ID. `aud` is an array: intuit-oauth crashes on a string `aud`. */
export function signIdToken(privateKey: KeyObject, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc({ alg: "RS256", kid: KID, typ: "JWT" })}.${enc({
    iss: ISSUER,
    aud: [CLIENT_ID],
    sub: "bench-user",
    realmid: "9130350000000000",
    iat: now,
    auth_time: now,
    exp: now + 3600,
  })}`;
  const signature = createSign("sha256").update(input).sign(privateKey).toString("base64url");
  return `${input}.${signature}`;
}

/** Our client, with every endpoint on the loopback server. */
export function ourClient(server: Loopback, extra: Partial<AuthClientOptions> = {}): AuthClient {
  return new AuthClient({
    ...extra,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    environment: {
      issuer: ISSUER,
      authorizationEndpoint: `${server.origin}/connect/oauth2`,
      tokenEndpoint: server.tokenEndpoint,
      revocationEndpoint: `${server.origin}/v2/oauth2/tokens/revoke`,
      userinfoEndpoint: `${server.origin}/v1/openid_connect/userinfo`,
      jwksUri: server.jwksUri,
    },
  });
}

const require = createRequire(import.meta.url);
export type PeerClient = InstanceType<typeof OAuthClientType>;

/**
 * intuit-oauth's class with its static (process-wide) endpoints pointed at the loopback server.
 * Its issuer check is hard-coded, which is why our test tokens carry Intuit's issuer.
 */
export function peerClass(server: Loopback): typeof OAuthClientType {
  const OAuthClient = require("intuit-oauth") as typeof OAuthClientType;
  OAuthClient.tokenEndpoint = server.tokenEndpoint;
  OAuthClient.jwks_uri = server.jwksUri;
  return OAuthClient;
}

export function peerClient(server: Loopback, refreshToken = "bench-refresh-token", idToken = ""): PeerClient {
  const OAuthClient = peerClass(server);
  return new OAuthClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    environment: "sandbox",
    redirectUri: REDIRECT_URI,
    token: {
      access_token: "old-access-token",
      refresh_token: refreshToken,
      token_type: "bearer",
      expires_in: 3600,
      x_refresh_token_expires_in: 8726400,
      id_token: idToken,
    },
  });
}

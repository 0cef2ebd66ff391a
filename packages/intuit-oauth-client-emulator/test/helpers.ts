// Shared plumbing for the emulator tests: raw HTTP, authorize+consent, code exchange and refresh.
import { request } from "node:http";
import { DEFAULT_CLIENT, type Emulator } from "../src/index.js";

export const REDIRECT = "http://127.0.0.1:8000/callback";
export const REALM_1 = "9341453050198162";
export const REALM_2 = "9341453050198175";
export const ACCOUNTING = "com.intuit.quickbooks.accounting";

export function basic(id = DEFAULT_CLIENT.clientId, secret = DEFAULT_CLIENT.clientSecret): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: Buffer;
  text: string;
}

/** One request over node:http (keeps header order visible). */
export function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? "GET", headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body,
          text: body.toString("utf8"),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

export function authorizeUrl(emu: Emulator, params: Record<string, string>): string {
  const q = new URLSearchParams({
    client_id: DEFAULT_CLIENT.clientId,
    response_type: "code",
    scope: `${ACCOUNTING} openid`,
    redirect_uri: REDIRECT,
    state: "st-123",
    ...params,
  });
  return `${emu.url}/connect/oauth2?${q.toString()}`;
}

/** The pending id the consent form posts back. */
export function pendingId(html: string): string {
  const m = /name="pending" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error("no pending id in consent page");
  return m[1];
}

/** GET authorize, click Connect (or Cancel) like a browser would; returns the callback URL. */
export async function consent(
  emu: Emulator,
  params: Record<string, string> = {},
  decision: "approve" | "deny" = "approve",
  realmId = REALM_1,
): Promise<URL> {
  const page = await fetch(authorizeUrl(emu, params), { redirect: "manual" });
  if (page.status === 302) return new URL(page.headers.get("location") ?? "");
  const html = await page.text();
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${html}`);
  const form = new URLSearchParams({ pending: pendingId(html), realmId, decision });
  const res = await fetch(`${emu.url}/connect/oauth2/consent`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  if (res.status !== 302) throw new Error(`consent answered ${res.status}`);
  return new URL(res.headers.get("location") ?? "");
}

export async function code(
  emu: Emulator,
  params: Record<string, string> = {},
  realmId = REALM_1,
): Promise<string> {
  const cb = await consent(emu, params, "approve", realmId);
  const value = cb.searchParams.get("code");
  if (!value) throw new Error(`no code in ${cb.toString()}`);
  return value;
}

export function tokenRequest(
  emu: Emulator,
  form: Record<string, string>,
  headers: Record<string, string> = { authorization: basic() },
): Promise<RawResponse> {
  return raw(`${emu.url}/oauth2/v1/tokens/bearer`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export interface TokenJson {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  expires_in: number;
  token_type: string;
  x_refresh_token_expires_in: number;
  x_refresh_token_hard_expires_in?: number;
}

export async function exchange(
  emu: Emulator,
  theCode: string,
  headers?: Record<string, string>,
): Promise<TokenJson> {
  const res = await tokenRequest(
    emu,
    { grant_type: "authorization_code", code: theCode, redirect_uri: REDIRECT },
    headers ? { authorization: basic(), ...headers } : undefined,
  );
  if (res.status !== 200) throw new Error(`exchange answered ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as TokenJson;
}

/** Authorize (picking `realmId` on the consent page) and exchange the code. */
export async function connect(
  emu: Emulator,
  params: Record<string, string> = {},
  realmId = REALM_1,
): Promise<TokenJson> {
  return exchange(emu, await code(emu, params, realmId));
}

export function refresh(
  emu: Emulator,
  refreshToken: string,
  headers?: Record<string, string>,
): Promise<RawResponse> {
  return tokenRequest(
    emu,
    { grant_type: "refresh_token", refresh_token: refreshToken },
    { authorization: basic(), ...headers },
  );
}

export function userinfo(emu: Emulator, accessToken: string): Promise<RawResponse> {
  return raw(`${emu.url}/v1/openid_connect/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

export function api(
  emu: Emulator,
  accessToken: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${emu.url}/v3/company/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/json", ...init.headers },
  });
}

/** Header names in wire order, lowercased. */
export function headerNames(res: RawResponse): string[] {
  return res.rawHeaders.filter((_, i) => i % 2 === 0).map((h) => h.toLowerCase());
}

export const TID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

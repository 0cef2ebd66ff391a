// Where Intuit's endpoints are: the built-in sandbox and production metadata, and the checks every
// endpoint object passes (https, or http on loopback). Pure data and checks; no network.
import { ConfigurationError, type IntuitOAuthError } from "../common/errors.js";

/** Every endpoint the client talks to. */
export interface IntuitEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  userinfoEndpoint: string;
  jwksUri: string;
  /** OAuth 1.0a → 2.0 migration endpoint (legacy). */
  migrationEndpoint?: string | undefined;
  /** QuickBooks Accounting API base, e.g. `https://sandbox-quickbooks.api.intuit.com`. */
  apiBaseUrl?: string | undefined;
  /** QuickBooks Payments API base, e.g. `https://sandbox.api.intuit.com/quickbooks/v4`. */
  paymentsBaseUrl?: string | undefined;
  /** QuickBooks GraphQL endpoint, e.g. `https://qb-sandbox.api.intuit.com/graphql`. */
  graphqlUrl?: string | undefined;
}

/** Built-in environment names (case-insensitive), as in the Python client. */
export type EnvironmentName = "sandbox" | "sand" | "production" | "prod";

/** Intuit's one issuer, for sandbox and production alike. */
export const INTUIT_ISSUER = "https://oauth.platform.intuit.com/op/v1";
const common = {
  issuer: INTUIT_ISSUER,
  authorizationEndpoint: "https://appcenter.intuit.com/connect/oauth2",
  tokenEndpoint: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
  revocationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
  jwksUri: "https://oauth.platform.intuit.com/op/v1/jwks",
};

/** Intuit's published metadata; sandbox and production differ only in userinfo (and API/migrate hosts). */
export const INTUIT_ENVIRONMENTS: Readonly<Record<"sandbox" | "production", Readonly<IntuitEndpoints>>> =
  Object.freeze({
    sandbox: Object.freeze({
      ...common,
      userinfoEndpoint: "https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo",
      migrationEndpoint: "https://developer-sandbox.api.intuit.com/v2/oauth2/tokens/migrate",
      apiBaseUrl: "https://sandbox-quickbooks.api.intuit.com",
      paymentsBaseUrl: "https://sandbox.api.intuit.com/quickbooks/v4",
      graphqlUrl: "https://qb-sandbox.api.intuit.com/graphql",
    }),
    production: Object.freeze({
      ...common,
      userinfoEndpoint: "https://accounts.platform.intuit.com/v1/openid_connect/userinfo",
      migrationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/migrate",
      apiBaseUrl: "https://quickbooks.api.intuit.com",
      paymentsBaseUrl: "https://api.intuit.com/quickbooks/v4",
      graphqlUrl: "https://qb.api.intuit.com/graphql",
    }),
  });

/** Intuit's discovery document URLs, for reference. */
export const DISCOVERY_URLS = Object.freeze({
  sandbox: "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration",
  production: "https://developer.api.intuit.com/.well-known/openid_configuration",
});

/** Maps `sandbox`/`sand`/`production`/`prod` (any case) to its canonical name, else undefined. */
export function builtInEnvironmentName(env: string): "sandbox" | "production" | undefined {
  const e = env.trim().toLowerCase();
  if (e === "sandbox" || e === "sand") return "sandbox";
  if (e === "production" || e === "prod") return "production";
  return undefined;
}

/** True for 127.0.0.0/8, `localhost` and `[::1]`: the only hosts allowed over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h === "[::1]" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Throws unless `value` is an absolute https URL, or http on a loopback host. */
export function assertSafeUrl(
  value: unknown,
  what: string,
  ErrorClass: new (message: string) => IntuitOAuthError = ConfigurationError,
): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ErrorClass(`${what} is not an absolute URL`);
  }
  if (url.protocol === "https:") return url.href;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url.href;
  if (url.protocol === "http:")
    throw new ErrorClass(`${what} uses plain http; only https (or http on 127.0.0.1/localhost) is allowed`);
  throw new ErrorClass(`${what} must be an https URL`);
}

const REQUIRED: ReadonlyArray<keyof IntuitEndpoints> = [
  "issuer",
  "authorizationEndpoint",
  "tokenEndpoint",
  "revocationEndpoint",
  "userinfoEndpoint",
  "jwksUri",
];

/** Validates an explicit endpoint object; every URL must be https (or loopback http). */
export function validateEndpoints(
  e: IntuitEndpoints,
  ErrorClass: new (message: string) => IntuitOAuthError = ConfigurationError,
): IntuitEndpoints {
  if (typeof e !== "object" || e === null) throw new ErrorClass("endpoints must be an object");
  const out: IntuitEndpoints = { ...e };
  for (const key of REQUIRED) {
    if (typeof e[key] !== "string" || e[key] === "") throw new ErrorClass(`endpoints.${key} is required`);
    if (key !== "issuer") assertSafeUrl(e[key], `endpoints.${key}`, ErrorClass);
  }
  for (const key of ["migrationEndpoint", "apiBaseUrl", "paymentsBaseUrl", "graphqlUrl"] as const) {
    if (e[key] !== undefined) assertSafeUrl(e[key], `endpoints.${key}`, ErrorClass);
  }
  return out;
}

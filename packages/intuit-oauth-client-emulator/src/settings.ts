// Turns EmulatorOptions into Settings: defaults applied, inputs copied and checked.
import type { Settings } from "./context.js";
import { DEFAULT_CLIENT, DEFAULT_COMPANIES, DEFAULT_OAUTH1, DEFAULT_USER } from "./defaults.js";
import type { EmulatorOptions, OAuth1Credentials } from "./types.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Intuit's issuer, for the sandbox and production profiles alike (platform reference §7). */
export const INTUIT_ISSUER = "https://oauth.platform.intuit.com/op/v1";

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new TypeError(`${name} must be one of ${allowed.join(", ")}`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function issuer(value: string | undefined): string {
  if (value === undefined) return INTUIT_ISSUER;
  if (value === "self") return value; // the emulator's own URL, known once it listens
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
    throw new TypeError('issuer must be an absolute http(s) URL or "self"');
  return value;
}

/** Apply defaults to the options and check them; throws on nonsense. */
export function resolveSettings(options: EmulatorOptions): Settings {
  const clients = (options.clients ?? [DEFAULT_CLIENT]).map((c) => ({
    ...c,
    redirectUris: [...c.redirectUris],
    appName: c.appName ?? c.clientId,
  }));
  const first = clients[0];
  if (!first) throw new TypeError("clients must not be empty");
  for (const uri of options.redirectUris ?? [])
    if (!first.redirectUris.includes(uri)) first.redirectUris.push(uri);
  const companies = (options.companies ?? DEFAULT_COMPANIES).map((c) => ({
    ...c,
    country: c.country ?? "US",
  }));
  const firstCompany = companies[0];
  if (!firstCompany) throw new TypeError("companies must not be empty");
  const users = (options.users ?? [DEFAULT_USER]).map((u) => ({ ...u, address: { ...u.address } }));
  if (users.length === 0) throw new TypeError("users must not be empty");
  const oauth1Input: OAuth1Credentials[] = options.oauth1 ?? [{ ...DEFAULT_OAUTH1 }];
  const oauth1 = oauth1Input.map((c) => ({
    ...c,
    realmId: c.realmId ?? firstCompany.realmId,
  }));
  const auto = options.autoApprove;
  return {
    clients,
    companies,
    users,
    oauth1,
    autoApprove: auto === true ? {} : auto ? { ...auto } : false,
    rotateAfterMs: nonNegative("rotateAfter", options.rotateAfter, DAY_MS),
    graceAfterRotationMs: nonNegative("graceAfterRotation", options.graceAfterRotation, DAY_MS),
    refreshTokenLifetimeS: nonNegative("refreshTokenLifetime", options.refreshTokenLifetime, 8_726_400),
    hardLifetimeS: nonNegative("hardLifetime", options.hardLifetime, 5 * 365 * 86_400),
    accessTokenLifetimeS: nonNegative("accessTokenLifetime", options.accessTokenLifetime, 3600),
    maxConcurrent: nonNegative("apiLimits.maxConcurrent", options.apiLimits?.maxConcurrent, 10),
    perMinute: nonNegative("apiLimits.perMinute", options.apiLimits?.perMinute, 500),
    batchPerMinute: nonNegative("apiLimits.batchPerMinute", options.apiLimits?.batchPerMinute, 40),
    batchPerMinutePerRealm: nonNegative(
      "apiLimits.batchPerMinutePerRealm",
      options.apiLimits?.batchPerMinutePerRealm,
      120,
    ),
    batchMaxItems: nonNegative("apiLimits.batchMaxItems", options.apiLimits?.batchMaxItems, 30),
    apiDelayMs: nonNegative("apiDelayMs", options.apiDelayMs, 0),
    admin: options.admin === true,
    issuer: issuer(options.issuer),
    echoNonce: options.echoNonce === true,
    apiDefaultFormat: oneOf("apiDefaultFormat", options.apiDefaultFormat, ["xml", "json"], "xml"),
    throttleFormat: oneOf("throttleFormat", options.throttleFormat, ["xml", "json"], "xml"),
    maxResultsOverLimit: oneOf("maxResultsOverLimit", options.maxResultsOverLimit, ["error", "cap"], "error"),
    cdcMaxObjects: positiveInteger("cdcMaxObjects", options.cdcMaxObjects, 1000),
    cdcLookbackOverLimit: oneOf(
      "cdcLookbackOverLimit",
      options.cdcLookbackOverLimit,
      ["error", "clamp"],
      "error",
    ),
    tempDownloadLifetimeS: nonNegative("tempDownloadLifetime", options.tempDownloadLifetime, 900),
    latestMinorVersion: nonNegative("latestMinorVersion", options.latestMinorVersion, 75),
    unknownMinorVersion: oneOf(
      "unknownMinorVersion",
      options.unknownMinorVersion,
      ["error", "ignore"],
      "error",
    ),
    revokeUnknownToken: oneOf("revokeUnknownToken", options.revokeUnknownToken, ["400", "200"], "400"),
    ...(options.logger ? { logger: options.logger } : {}),
  };
}

// Public types of the emulator: options, the handle startEmulator returns, faults and webhook events.

/** The endpoint families the emulator counts requests for and can inject faults into. `api` is any `/v3` route. */
export type EndpointName =
  "discovery" | "authorize" | "token" | "revoke" | "userinfo" | "jwks" | "migrate" | "api";

/** Every endpoint name, in a stable order. */
export const ENDPOINT_NAMES: readonly EndpointName[] = [
  "discovery",
  "authorize",
  "token",
  "revoke",
  "userinfo",
  "jwks",
  "migrate",
  "api",
];

/**
 * A failure the emulator plays instead of (or around) the normal answer.
 *
 * - `status`, `rateLimit` and `resetBeforeRead` answer without the request taking effect.
 * - `delay` waits, then answers normally.
 * - `resetAfterRead`, `truncatedBody`, `malformedJson`, `missingAccessToken` and `wrongContentType`
 *   process the request fully (a code really gets used, a refresh really rotates), then spoil the answer.
 *
 * @example
 * emu.injectFault("token", { type: "status", status: 503 }, 2);
 */
export type Fault =
  | { type: "status"; status: number; body?: string }
  | { type: "rateLimit"; retryAfter?: number }
  | { type: "delay"; ms: number }
  | { type: "resetBeforeRead" }
  | { type: "resetAfterRead" }
  | { type: "truncatedBody" }
  | { type: "malformedJson" }
  | { type: "missingAccessToken" }
  | { type: "wrongContentType" };

/** An OAuth 2.0 app registered with the emulator. */
export interface EmulatorClient {
  clientId: string;
  clientSecret: string;
  /** Exact-match redirect URIs. */
  redirectUris: string[];
  /** Shown on the consent page. */
  appName?: string;
}

/** A QuickBooks company (realm) the user can connect. */
export interface Company {
  realmId: string;
  companyName: string;
  /** Defaults to `US`. */
  country?: string;
}

/** The signed-in Intuit user whose claims the emulator returns. */
export interface EmulatorUser {
  /** UUID, the `sub` claim. */
  sub: string;
  givenName: string;
  familyName: string;
  email: string;
  emailVerified: boolean;
  phoneNumber: string;
  phoneNumberVerified: boolean;
  address: {
    streetAddress: string;
    locality: string;
    region: string;
    postalCode: string;
    country: string;
  };
}

/** OAuth 1.0a credentials accepted by the migrate endpoint, bound to one company. */
export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessSecret: string;
  /** Company the OAuth1 token belongs to; defaults to the first company. */
  realmId?: string;
}

/** One line per request: method, path (no query string) and status. Never secrets. */
export interface EmulatorLogger {
  info(...args: unknown[]): void;
}

/** Options for {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. Default 4010; 0 picks a free port. */
  port?: number;
  /**
   * `iss` of ID tokens and of the discovery document. Default: Intuit's own,
   * `https://oauth.platform.intuit.com/op/v1` (the same for sandbox and production), so clients that
   * pin it, like Intuit's, validate the emulator's ID tokens unchanged. `"self"`: the emulator's own URL
   * (for generic OIDC clients that want the issuer to be where discovery is).
   */
  issuer?: string;
  /** Put the authorization request's `nonce` in the ID token. Intuit does not; default false. */
  echoNonce?: boolean;
  /** Registered apps. Default: {@link DEFAULT_CLIENT}. */
  clients?: EmulatorClient[];
  /** Extra redirect URIs added to the first client. */
  redirectUris?: string[];
  /** Companies offered on the consent page. Default: two sandbox companies. */
  companies?: Company[];
  /** Users; the first one signs in. Default: {@link DEFAULT_USER}. */
  users?: EmulatorUser[];
  /** OAuth1 credentials for migrate. Default: {@link DEFAULT_OAUTH1} bound to the first company. */
  oauth1?: OAuth1Credentials[];
  /** Skip the consent page: `GET /connect/oauth2` redirects at once with a code (first company unless `realmId`). */
  autoApprove?: boolean | { realmId?: string };
  /** ms; a refresh gets a new refresh token value only when the current one is older than this. Default 24 h; 0 = every refresh rotates. */
  rotateAfter?: number;
  /** ms a superseded refresh token stays usable. Default 24 h; 0 = refused at once. */
  graceAfterRotation?: number;
  /** Rolling refresh-token window in seconds. Default 8726400. */
  refreshTokenLifetime?: number;
  /** Seconds from grant creation to the five-year hard cap. Default 5*365*86400. */
  hardLifetime?: number;
  /** Access-token lifetime in seconds. Default 3600. */
  accessTokenLifetime?: number;
  /**
   * QuickBooks API limits (platform reference §11), per emulator-clock minute: 10 in flight and 500 a
   * minute per realm; 40 batches a minute per realm and app, 120 per realm; 30 items per batch (the
   * sources disagree: 30 or 10).
   */
  apiLimits?: {
    maxConcurrent?: number;
    perMinute?: number;
    batchPerMinute?: number;
    batchPerMinutePerRealm?: number;
    batchMaxItems?: number;
  };
  /** The API's format when `Accept` names neither JSON nor XML. Default `"xml"` (uncertain in production). */
  apiDefaultFormat?: "xml" | "json";
  /** The 429 ThrottleExceeded body: production's XML whatever `Accept` says (default), or JSON. */
  throttleFormat?: "xml" | "json";
  /** A query with `MAXRESULTS` above 1000: a 4001 fault (default) or capped at 1000 (uncertain in production). */
  maxResultsOverLimit?: "error" | "cap";
  /** Most objects in one CDC answer (Intuit: 1,000); lower it to exercise a client's splitting. */
  cdcMaxObjects?: number;
  /** CDC `changedSince` more than 30 days ago: a 4001 fault (default) or clamped to 30 days (uncertain in production). */
  cdcLookbackOverLimit?: "error" | "clamp";
  /** Seconds an attachment's `TempDownloadUri` works. Default 900 (uncertain in production). */
  tempDownloadLifetime?: number;
  /** The newest `minorversion`. Default 75; 1–74 are accepted and run as it, as production does since 2025-08-01. */
  latestMinorVersion?: number;
  /** A `minorversion` that is not 1..latest: a 2010 fault (default) or ignored (uncertain in production). */
  unknownMinorVersion?: "error" | "ignore";
  /** Revoking an unknown or already-revoked token: `"400"` with an empty body (default, as reported) or `"200"`. */
  revokeUnknownToken?: "400" | "200";
  /** Delay every QuickBooks API answer by this many ms (lets tests observe concurrency). Default 0. */
  apiDelayMs?: number;
  /** Enable the `/__admin` HTTP API. Default false. */
  admin?: boolean;
  /** Load state from this JSON file at start and save it (atomically) after each change. */
  persistPath?: string;
  logger?: EmulatorLogger;
}

/** What {@link Emulator.defaultClient} exposes. */
export interface DefaultClientInfo {
  clientId: string;
  clientSecret: string;
  /** The first registered redirect URI. */
  redirectUri: string;
  redirectUris: string[];
  appName: string;
}

/** A grant as the test controls see it: no token values. */
export interface GrantSummary {
  grantId: string;
  clientId: string;
  /** Present when accounting or payment was granted. */
  realmId?: string;
  scopes: string[];
  revoked: boolean;
  /** How many refresh token values this grant has had. */
  refreshTokenCount: number;
  /** Emulator-clock ms. */
  createdAt: number;
}

/** QuickBooks API concurrency observed. */
export interface ApiStats {
  inFlight: number;
  maxInFlight: number;
}

/** What a change was; the same words `parseWebhook` returns as `operation`. */
export type EmulatedWebhookOperation = "Create" | "Update" | "Delete" | "Merge" | "Void" | "Emailed";

/**
 * A change for the emulator to announce. The field names are those of the library's parsed
 * `WebhookEvent` (from `parseWebhook`), so what you send is what your handler receives.
 *
 * @example
 * const event: EmulatedWebhookEvent = { realmId: "9341453050198162", entityName: "Customer", entityId: "1", operation: "Create" };
 */
export interface EmulatedWebhookEvent {
  /** The company (realm) the change happened in. */
  realmId: string;
  /** QuickBooks entity name, e.g. `Customer`, `PurchaseOrder`. */
  entityName: string;
  /** The entity's id. */
  entityId: string;
  operation: EmulatedWebhookOperation;
  /**
   * When it happened, sent exactly as given (legacy `lastUpdated`, CloudEvents `time`). Default: the
   * emulator clock in production's format (`2015-10-05T14:42:19-0700` legacy, UTC nanoseconds CloudEvents).
   */
  occurredAt?: string;
  /** Merges: the id of the entity merged away (legacy `deletedId`, CloudEvents `data.deletedid`). */
  deletedId?: string;
  /** CloudEvents `id`. Default: `<uuid>-<entityName>-<entityId>`, as production sends. */
  eventId?: string;
}

/** Options for {@link Emulator.sendWebhook}. */
export interface SendWebhookOptions {
  /** The receiver: http(s) on a loopback host only (127.0.0.0/8, `[::1]`, `localhost`). */
  url: string;
  /** The app's verifier token; the HMAC key of `intuit-signature`. */
  verifierToken: string;
  format: "legacy" | "cloudevents";
  events: EmulatedWebhookEvent[];
}

/** What the webhook receiver answered. */
export interface WebhookDelivery {
  status: number;
  body: string;
}

/** The emulator's clock: real time plus whatever tests advanced it by. */
export interface EmulatorClock {
  /** Emulator time in ms since the epoch. */
  now(): number;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** `url + "/.well-known/openid-configuration"` */
  readonly discoveryUrl: string;
  readonly issuer: string;
  readonly defaultClient: DefaultClientInfo;
  readonly companies: Company[];
  readonly clock: EmulatorClock;
  /** Close the server and every socket, keep-alive ones too. */
  close(): Promise<void>;
  /** Move the emulator clock forward; all expiry decisions use it. */
  advanceClock(ms: number): void;
  /** Expire access tokens now: all, or one realm's. */
  expireAccessTokens(realmId?: string): void;
  /** New signing key with a new `kid`; the JWKS serves the new and the previous key. */
  rotateSigningKeys(): void;
  /** Play `fault` on the next `count` requests to `endpoint`. */
  injectFault(endpoint: EndpointName, fault: Fault, count?: number): void;
  clearFaults(): void;
  /** Requests received per endpoint, faulted ones included. */
  counters(): Record<EndpointName, number>;
  /** Zero the counters and the API concurrency peaks. */
  resetCounters(): void;
  apiStats(realmId?: string): ApiStats;
  /** Would the QuickBooks API accept this access token now (ignoring realm)? */
  isAccessTokenValid(token: string): boolean;
  grants(): GrantSummary[];
  /** POST a signed webhook delivery to `url` (loopback only; a redirect is reported, not followed). */
  sendWebhook(options: SendWebhookOptions): Promise<WebhookDelivery>;
  /**
   * A copy of every QuickBooks entity the realm holds now, by type (inactive ones included, deleted
   * ones not): what a mirror of the company must converge to.
   */
  entities(realmId: string): Record<string, Array<Record<string, unknown>>>;
  /** The emails the realm's documents were "sent" by `POST /{entity}/{id}/send`, oldest first. */
  sentEmails(realmId: string): EmulatedEmail[];
}

/** One email the emulator "sent" for a document. */
export interface EmulatedEmail {
  /** The document type, e.g. `Invoice`. */
  entity: string;
  id: string;
  to: string;
  /** Emulator-clock ms. */
  at: number;
}

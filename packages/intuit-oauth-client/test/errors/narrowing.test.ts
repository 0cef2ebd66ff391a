// Errors you can switch on: every class's `code` is a literal on the class and the instance, and
// AnyIntuitOAuthError narrows by it. tsc checks this file in `npm run check`: the @ts-expect-error
// lines fail the check if a wrong access ever compiles. The run-time half checks the guards.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ApiBudgetExceededError,
  RealmBudgetExceededError,
  AuthClientError,
  AuthorizationResponseError,
  AbortError,
  CallbackError,
  CdcIncompleteError,
  CdcLookbackError,
  ConfigurationError,
  DiscoveryError,
  ForbiddenOriginError,
  IdTokenError,
  IntuitOAuthError,
  InvalidGrantError,
  InvalidRealmIdError,
  JwksError,
  LockTimeoutError,
  MissingTokenError,
  NetworkError,
  QuickBooksError,
  RealmMismatchError,
  ReauthorizationRequiredError,
  SharedStoreError,
  StaleObjectError,
  TimeoutError,
  TokenNotFoundError,
  TokenSetFormatError,
  TokenStoreError,
  UnreadableRecordError,
  UnsafeTokenDirectoryError,
  UnverifiedRealmError,
  UserInfoFormatError,
  WebhookPayloadError,
  WebhookSignatureError,
  isIntuitOAuthError,
  mustReconnect,
  type AnyIntuitOAuthError,
  type IntuitOAuthErrorCode,
} from "../../src/index.js";
import * as lib from "../../src/index.js";
import * as postgres from "../../src/postgres.js";
import * as redis from "../../src/redis.js";
import { RedisPersistenceError } from "../../src/redis.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type ConcreteCode = Exclude<IntuitOAuthErrorCode, "ERR_INTUIT_OAUTH">;

// The union holds exactly the concrete codes: a class left out of it, or a code without a class, fails here.
const unionIsComplete: Equal<AnyIntuitOAuthError["code"], ConcreteCode> = true;

// Every class's static `code` is its own literal (a wide IntuitOAuthErrorCode would not satisfy K).
const CLASSES = {
  ERR_CONFIGURATION: ConfigurationError,
  ERR_MISSING_TOKEN: MissingTokenError,
  ERR_AUTH_CLIENT: AuthClientError,
  ERR_INVALID_GRANT: InvalidGrantError,
  ERR_NETWORK: NetworkError,
  ERR_TIMEOUT: TimeoutError,
  ERR_ABORT: AbortError,
  ERR_DISCOVERY: DiscoveryError,
  ERR_CALLBACK: CallbackError,
  ERR_AUTHORIZATION_RESPONSE: AuthorizationResponseError,
  ERR_ID_TOKEN: IdTokenError,
  ERR_JWKS: JwksError,
  ERR_TOKEN_SET_FORMAT: TokenSetFormatError,
  ERR_USERINFO_FORMAT: UserInfoFormatError,
  ERR_TOKEN_STORE: TokenStoreError,
  ERR_UNREADABLE_RECORD: UnreadableRecordError,
  ERR_INVALID_REALM_ID: InvalidRealmIdError,
  ERR_UNSAFE_TOKEN_DIRECTORY: UnsafeTokenDirectoryError,
  ERR_REDIS_PERSISTENCE: RedisPersistenceError,
  ERR_TOKEN_NOT_FOUND: TokenNotFoundError,
  ERR_REAUTHORIZATION_REQUIRED: ReauthorizationRequiredError,
  ERR_LOCK_TIMEOUT: LockTimeoutError,
  ERR_UNVERIFIED_REALM: UnverifiedRealmError,
  ERR_REALM_MISMATCH: RealmMismatchError,
  ERR_QUICKBOOKS: QuickBooksError,
  ERR_FORBIDDEN_ORIGIN: ForbiddenOriginError,
  ERR_STALE_OBJECT: StaleObjectError,
  ERR_CDC_LOOKBACK: CdcLookbackError,
  ERR_CDC_INCOMPLETE: CdcIncompleteError,
  ERR_WEBHOOK_PAYLOAD: WebhookPayloadError,
  ERR_WEBHOOK_SIGNATURE: WebhookSignatureError,
  ERR_API_BUDGET_EXCEEDED: ApiBudgetExceededError,
  ERR_REALM_BUDGET_EXCEEDED: RealmBudgetExceededError,
  ERR_SHARED_STORE: SharedStoreError,
} as const satisfies { [K in ConcreteCode]: { readonly code: K } };

const callbackCode: "ERR_CALLBACK" = CallbackError.code;
const parentCode: "ERR_AUTH_CLIENT" = AuthClientError.code;
const childCode: "ERR_INVALID_GRANT" = InvalidGrantError.code;
const instanceCode: "ERR_CALLBACK" = new CallbackError("state_missing", "m").code;
// @ts-expect-error: CallbackError's code is not JwksError's
const wrongCode: "ERR_JWKS" = CallbackError.code;

/** What a caller reads from each narrowed error; each case type-checks only against its own class. */
function detail(e: AnyIntuitOAuthError): string {
  switch (e.code) {
    case "ERR_CALLBACK":
      return e.reason;
    case "ERR_ID_TOKEN":
      return e.reason;
    case "ERR_AUTHORIZATION_RESPONSE":
      return `${e.error} ${e.accessDenied}`;
    case "ERR_AUTH_CLIENT":
    case "ERR_INVALID_GRANT":
      return `${e.statusCode} ${e.status_code} ${e.error}`;
    case "ERR_NETWORK":
    case "ERR_TIMEOUT":
    case "ERR_ABORT":
      return `${e.requestMayHaveBeenSent} ${e.systemCode}`;
    case "ERR_QUICKBOOKS":
    case "ERR_STALE_OBJECT":
      return `${e.statusCode} ${e.errors.length} ${e.intuitTid}`;
    case "ERR_UNREADABLE_RECORD":
      return `${e.realmId} ${e.reason}`;
    case "ERR_UNSAFE_TOKEN_DIRECTORY":
      return e.path;
    case "ERR_REDIS_PERSISTENCE":
      return e.persistence.level;
    case "ERR_TOKEN_NOT_FOUND":
    case "ERR_LOCK_TIMEOUT":
    case "ERR_UNVERIFIED_REALM":
      return e.realmId;
    case "ERR_REAUTHORIZATION_REQUIRED":
      return `${e.realmId} ${e.reason} ${e.since}`;
    case "ERR_REALM_MISMATCH":
      return `${e.realmId} ${e.tokenRealmId}`;
    case "ERR_CDC_LOOKBACK":
      return `${e.since} ${e.earliest}`;
    case "ERR_CDC_INCOMPLETE":
      return String(e.gaps.length);
    case "ERR_API_BUDGET_EXCEEDED":
      return `${e.used}/${e.budget}`;
    case "ERR_REALM_BUDGET_EXCEEDED":
      return `${e.realmId} ${e.used}/${e.share}`;
    case "ERR_CONFIGURATION":
    case "ERR_FORBIDDEN_ORIGIN":
    case "ERR_MISSING_TOKEN":
    case "ERR_DISCOVERY":
    case "ERR_JWKS":
    case "ERR_TOKEN_SET_FORMAT":
    case "ERR_USERINFO_FORMAT":
    case "ERR_TOKEN_STORE":
    case "ERR_INVALID_REALM_ID":
    case "ERR_WEBHOOK_PAYLOAD":
    case "ERR_WEBHOOK_SIGNATURE":
    case "ERR_SHARED_STORE":
      return e.message;
    default: {
      // Exhaustive: a class added to the union without a case here fails to compile.
      const unhandled: never = e;
      return unhandled;
    }
  }
}

/** Accesses that belong to another class than the narrowed one do not compile. */
function wrongAccesses(e: AnyIntuitOAuthError): unknown[] {
  const seen: unknown[] = [];
  switch (e.code) {
    case "ERR_CALLBACK":
      // @ts-expect-error: a CallbackError has no statusCode
      seen.push(e.statusCode);
      break;
    case "ERR_NETWORK":
      // @ts-expect-error: a NetworkError has no reason
      seen.push(e.reason);
      break;
    case "ERR_QUICKBOOKS":
      // @ts-expect-error: a QuickBooksError has no OAuth error field (that is AuthClientError's)
      seen.push(e.errorDescription);
      break;
    case "ERR_REAUTHORIZATION_REQUIRED":
      // @ts-expect-error: only UnreadableRecordError carries a location
      seen.push(e.location);
      break;
    // @ts-expect-error: not a code of this library
    case "ERR_NOT_A_CODE":
      break;
  }
  return seen;
}

/** The brief's own example: narrowing after instanceof on the base class. */
function afterInstanceof(e: unknown): string | undefined {
  if (e instanceof IntuitOAuthError) {
    const x = e as AnyIntuitOAuthError;
    switch (x.code) {
      case "ERR_CALLBACK":
        return x.reason;
    }
  }
  return undefined;
}

function narrowed(e: IntuitOAuthError): AnyIntuitOAuthError {
  assert.ok(isIntuitOAuthError(e));
  return e;
}

const persistence = { level: "none", servers: [] } as const;
const SAMPLES: { [K in ConcreteCode]: () => AnyIntuitOAuthError } = {
  ERR_CONFIGURATION: () => new ConfigurationError("m"),
  ERR_MISSING_TOKEN: () => new MissingTokenError("m"),
  ERR_AUTH_CLIENT: () => new AuthClientError({ statusCode: 400, content: "", headers: {} }),
  ERR_INVALID_GRANT: () =>
    new InvalidGrantError({ statusCode: 400, content: "", headers: {}, error: "invalid_grant" }),
  ERR_NETWORK: () => new NetworkError("m", { requestMayHaveBeenSent: false }),
  ERR_TIMEOUT: () => new TimeoutError("m", { requestMayHaveBeenSent: true }),
  ERR_ABORT: () => new AbortError("m", { requestMayHaveBeenSent: true }),
  ERR_DISCOVERY: () => new DiscoveryError("m"),
  ERR_CALLBACK: () => new CallbackError("state_mismatch", "m"),
  ERR_AUTHORIZATION_RESPONSE: () => new AuthorizationResponseError("access_denied", undefined),
  ERR_ID_TOKEN: () => new IdTokenError("signature", "m"),
  ERR_JWKS: () => new JwksError("m"),
  ERR_TOKEN_SET_FORMAT: () => new TokenSetFormatError("m"),
  ERR_USERINFO_FORMAT: () => new UserInfoFormatError("m"),
  // Typed TokenStoreError, its code may be a subclass's (with fields a TokenStoreError lacks): the guard narrows it.
  ERR_TOKEN_STORE: () => narrowed(new TokenStoreError("m")),
  ERR_UNREADABLE_RECORD: () => new UnreadableRecordError("m", { realmId: "1", reason: "corrupt" }),
  ERR_INVALID_REALM_ID: () => new InvalidRealmIdError("m"),
  ERR_UNSAFE_TOKEN_DIRECTORY: () => new UnsafeTokenDirectoryError("/tmp/x", "m"),
  ERR_REDIS_PERSISTENCE: () => new RedisPersistenceError("m", { ...persistence, servers: [] }),
  ERR_TOKEN_NOT_FOUND: () => new TokenNotFoundError("1"),
  ERR_REAUTHORIZATION_REQUIRED: () => new ReauthorizationRequiredError("1", "invalid_grant", 0),
  ERR_LOCK_TIMEOUT: () => new LockTimeoutError("1", 10),
  ERR_UNVERIFIED_REALM: () => new UnverifiedRealmError("1"),
  ERR_REALM_MISMATCH: () => new RealmMismatchError("1", "2"),
  ERR_QUICKBOOKS: () => new QuickBooksError({ statusCode: 500, content: "" }),
  ERR_FORBIDDEN_ORIGIN: () => new ForbiddenOriginError("m"),
  ERR_STALE_OBJECT: () => new StaleObjectError({ statusCode: 400, content: "" }),
  ERR_CDC_LOOKBACK: () => new CdcLookbackError(0, 1),
  ERR_CDC_INCOMPLETE: () =>
    new CdcIncompleteError({ changed: {}, deleted: [], time: undefined, deletionGaps: [], requests: 1 }),
  ERR_WEBHOOK_PAYLOAD: () => new WebhookPayloadError("m"),
  ERR_WEBHOOK_SIGNATURE: () => new WebhookSignatureError("m"),
  ERR_API_BUDGET_EXCEEDED: () =>
    new ApiBudgetExceededError({ app: "a", month: "2026-01", used: 2, budget: 1 }),
  ERR_REALM_BUDGET_EXCEEDED: () =>
    new RealmBudgetExceededError({ app: "a", month: "2026-01", realmId: "1", used: 2, share: 1 }),
  ERR_SHARED_STORE: () => new SharedStoreError("m"),
};

test("the compile-time checks above are part of this file", () => {
  assert.equal(unionIsComplete, true);
  assert.deepEqual(
    [callbackCode, parentCode, childCode, instanceCode],
    ["ERR_CALLBACK", "ERR_AUTH_CLIENT", "ERR_INVALID_GRANT", "ERR_CALLBACK"],
  );
  assert.equal(wrongCode, "ERR_CALLBACK"); // what the @ts-expect-error line holds at run time
});

test("every exported concrete error class (root, /redis, /postgres) is in AnyIntuitOAuthError", () => {
  const exported = new Set<string>();
  for (const value of Object.values({ ...lib, ...redis, ...postgres }))
    if (typeof value === "function" && value.prototype instanceof IntuitOAuthError)
      exported.add((value as unknown as { code: string }).code);
  assert.deepEqual([...exported].sort(), Object.keys(CLASSES).sort());
});

for (const [code, make] of Object.entries(SAMPLES)) {
  test(`${code}: the class and the instance carry it, the guard accepts it, the switch narrows it`, () => {
    const e = make();
    const cls = CLASSES[code as ConcreteCode];
    assert.equal(e.code, code);
    assert.equal(cls.code, code);
    assert.equal(e.name, cls.name);
    assert.ok(e instanceof cls);
    assert.equal(isIntuitOAuthError(e), true);
    assert.equal(typeof detail(e), "string");
    assert.deepEqual(wrongAccesses(e).length <= 1, true);
  });
}

test("a switch after instanceof reads the narrowed field", () => {
  assert.equal(afterInstanceof(new CallbackError("state_reused", "m")), "state_reused");
  assert.equal(afterInstanceof(new JwksError("m")), undefined);
  assert.equal(afterInstanceof(new Error("m")), undefined);
});

test("isIntuitOAuthError: by code and class name across copies, never another library's look-alike", () => {
  // Another copy of the package: instanceof fails, the code and the name still say what it is.
  const copy = Object.assign(new Error("m"), { name: "CallbackError", code: "ERR_CALLBACK", reason: "x" });
  assert.equal(isIntuitOAuthError(copy), true);
  // axios uses ERR_NETWORK too, under its own class name.
  assert.equal(
    isIntuitOAuthError(Object.assign(new Error("m"), { name: "AxiosError", code: "ERR_NETWORK" })),
    false,
  );
  assert.equal(isIntuitOAuthError(Object.assign(new Error("m"), { code: "ERR_CALLBACK" })), false);
  assert.equal(isIntuitOAuthError({ name: "IntuitOAuthError", code: "ERR_INTUIT_OAUTH" }), false);
  for (const value of [undefined, null, "ERR_CALLBACK", 42, new TypeError("m"), {}])
    assert.equal(isIntuitOAuthError(value), false);
});

test("mustReconnect is the one question: a gone grant, from the OAuth client or the token manager", () => {
  for (const code of ["ERR_INVALID_GRANT", "ERR_REAUTHORIZATION_REQUIRED"] as const)
    assert.equal(mustReconnect(SAMPLES[code]()), true, code);
  for (const code of Object.keys(SAMPLES) as ConcreteCode[])
    if (code !== "ERR_INVALID_GRANT" && code !== "ERR_REAUTHORIZATION_REQUIRED")
      assert.equal(mustReconnect(SAMPLES[code]()), false, code);
  const copy = Object.assign(new Error("m"), {
    name: "ReauthorizationRequiredError",
    code: "ERR_REAUTHORIZATION_REQUIRED",
  });
  assert.equal(mustReconnect(copy), true);
  assert.equal(mustReconnect({ name: "OtherError", code: "ERR_INVALID_GRANT" }), false);
  assert.equal(mustReconnect(new Error("invalid_grant")), false);
  assert.equal(mustReconnect(undefined), false);
});

// The fault matrix: every operation meets every fault the emulator can inject. One table of
// operations, one table of faults, one generated test per pair. Adding either is one line.
// Each case checks the error type, intuit_tid, the request count at the emulator against the retry
// policy, that nothing hangs, and (for the token manager) that the stored grant is not lost.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  AuthClient,
  AuthClientError,
  DiscoveryError,
  IntuitOAuthError,
  JwksError,
  MemoryTokenStore,
  NetworkError,
  QuickBooksError,
  TimeoutError,
  TokenManager,
  type AuthClientOptions,
  type LoggerLike,
  quickbooks,
} from "../../src/index.js";
import type { EndpointName, Fault } from "../../../intuit-oauth-client-emulator/src/index.js";
import { emulatorSession, type Session } from "../support/emulator-session.js";
import { writeSummary } from "./summary.js";

// Generous enough that a loopback answer on a loaded 2-core machine arrives in time; the delay
// faults hold their answer well past it.
const TIMEOUT_MS = 1_000;
const PERSISTENT = 9; // more than any retry policy here will use
/** The client under test: small, fast retry policy; a short timeout for the delay faults. */
const clientOptions = (logger: LoggerLike): Partial<AuthClientOptions> => ({
  retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
  timeoutMs: TIMEOUT_MS,
  jwks: { timeoutMs: TIMEOUT_MS },
  logger,
});

// ---- expected outcomes -------------------------------------------------------------------------
// "ok N": succeeds after N requests. "fail N answer": the op's own typed error for an HTTP answer,
// carrying its intuit_tid. "fail N network" / "fail N timeout": NetworkError / TimeoutError.
type Outcome = `ok ${number}` | `fail ${number} ${"answer" | "network" | "timeout"}`;
/** How an operation retries: idempotent ops retry; the code exchange never does once sent. */
type RetryTrait = "retried" | "once";
/** What an operation does with a 200 body: builds a token set, reads JSON, or looks at the status only. */
type BodyTrait = "token" | "json" | "status";
type Expect = Partial<Record<RetryTrait | BodyTrait, Outcome>>;

interface FaultCase {
  name: string;
  fault: Fault;
  count: number;
  expect: Expect;
}

const spoiled = (json: Outcome): Expect => ({ token: "fail 1 answer", json, status: "ok 1" });
const persistentFailure = (kind: "answer" | "network" | "timeout"): Expect => ({
  retried: `fail 3 ${kind}`,
  once: `fail 1 ${kind}`,
});
const oneShot = (kind: "answer" | "network" | "timeout"): Expect => ({
  retried: "ok 2",
  once: `fail 1 ${kind}`,
});

const FAULTS: FaultCase[] = [
  {
    name: "500 HTML",
    fault: { type: "status", status: 500 },
    count: PERSISTENT,
    expect: persistentFailure("answer"),
  },
  {
    name: "502 HTML",
    fault: { type: "status", status: 502 },
    count: PERSISTENT,
    expect: persistentFailure("answer"),
  },
  {
    name: "503 HTML",
    fault: { type: "status", status: 503 },
    count: PERSISTENT,
    expect: persistentFailure("answer"),
  },
  {
    name: "one 503 then success",
    fault: { type: "status", status: 503 },
    count: 1,
    expect: oneShot("answer"),
  },
  {
    name: "429 without Retry-After",
    fault: { type: "rateLimit" },
    count: PERSISTENT,
    expect: persistentFailure("answer"),
  },
  {
    name: "one 429 Retry-After: 0",
    fault: { type: "rateLimit", retryAfter: 0 },
    count: 1,
    expect: oneShot("answer"),
  },
  {
    name: "429 Retry-After beyond maxRetryAfterMs",
    fault: { type: "rateLimit", retryAfter: 3600 },
    count: PERSISTENT,
    expect: { retried: "fail 1 answer", once: "fail 1 answer" },
  },
  {
    name: "delay past the timeout",
    fault: { type: "delay", ms: 4_000 },
    count: PERSISTENT,
    expect: persistentFailure("timeout"),
  },
  {
    name: "one delay past the timeout",
    fault: { type: "delay", ms: 4_000 },
    count: 1,
    expect: oneShot("timeout"),
  },
  {
    name: "reset before read",
    fault: { type: "resetBeforeRead" },
    count: PERSISTENT,
    expect: persistentFailure("network"),
  },
  {
    name: "reset after read (lost response)",
    fault: { type: "resetAfterRead" },
    count: PERSISTENT,
    expect: persistentFailure("network"),
  },
  { name: "one lost response", fault: { type: "resetAfterRead" }, count: 1, expect: oneShot("network") },
  {
    name: "truncated body",
    fault: { type: "truncatedBody" },
    count: PERSISTENT,
    expect: persistentFailure("network"),
  },
  {
    name: "invalid JSON with 200",
    fault: { type: "malformedJson" },
    count: PERSISTENT,
    expect: spoiled("fail 1 answer"),
  },
  // Only token responses need access_token; other JSON bodies are untouched by this fault.
  {
    name: "200 without access_token",
    fault: { type: "missingAccessToken" },
    count: PERSISTENT,
    expect: spoiled("ok 1"),
  },
  {
    name: "wrong content type",
    fault: { type: "wrongContentType" },
    count: PERSISTENT,
    expect: spoiled("fail 1 answer"),
  },
];

// ---- operations ---------------------------------------------------------------------------------
interface Prepared {
  run(): Promise<unknown>;
  /** Extra checks after the outcome (the token manager's store). */
  check?(ok: boolean): Promise<void>;
}
interface Operation {
  name: string;
  endpoint: EndpointName;
  retry: RetryTrait;
  body: BodyTrait;
  /** The typed error an HTTP answer becomes. */
  answerError: abstract new (...args: never[]) => IntuitOAuthError;
  /** Everything the call needs, done before the counters are reset and the fault injected. */
  prepare(s: Session): Promise<Prepared>;
}

let logger: LoggerLike;
const OPERATIONS: Operation[] = [
  {
    name: "discovery (AuthClient.create)",
    endpoint: "discovery",
    retry: "retried",
    body: "json",
    answerError: DiscoveryError,
    async prepare(s) {
      // Without a discoveryCache, every create fetches the document.
      const { clientId, clientSecret, redirectUri } = s.emu.defaultClient;
      const options = { clientId, clientSecret, redirectUri, environment: s.emu.discoveryUrl };
      return { run: () => AuthClient.create({ ...options, ...clientOptions(logger) }) };
    },
  },
  {
    name: "JWKS (validateIdToken, cold cache)",
    endpoint: "jwks",
    retry: "retried",
    body: "json",
    answerError: JwksError,
    async prepare(s) {
      const token = await s.connect();
      // A client of its own: its JWKS cache starts cold, and a failure it keeps is its own.
      const { clientId, clientSecret, redirectUri } = s.emu.defaultClient;
      const client = new AuthClient({
        clientId,
        clientSecret,
        redirectUri,
        environment: s.authClient.endpoints,
        clock: s.authClient.clock,
        ...clientOptions(logger),
      });
      return { run: () => client.validateIdToken(token.idToken) };
    },
  },
  {
    name: "code exchange (handleCallback)",
    endpoint: "token",
    retry: "once",
    body: "token",
    answerError: AuthClientError,
    async prepare(s) {
      const req = s.authClient.createAuthorizationRequest(["com.intuit.quickbooks.accounting", "openid"]);
      const location = (await fetch(req.url, { redirect: "manual" })).headers.get("location") ?? "";
      return {
        run: () => s.authClient.handleCallback(location, { expectedState: req.state, updateClient: false }),
      };
    },
  },
  {
    name: "refresh",
    endpoint: "token",
    retry: "retried",
    body: "token",
    answerError: AuthClientError,
    async prepare(s) {
      const token = await s.connect();
      return { run: () => s.authClient.refresh(token.refreshToken, { updateClient: false }) };
    },
  },
  {
    name: "revoke",
    endpoint: "revoke",
    retry: "retried",
    body: "status",
    answerError: AuthClientError,
    async prepare(s) {
      const token = await s.connect();
      return { run: () => s.authClient.revoke(token.refreshToken, { updateClient: false }) };
    },
  },
  {
    name: "userinfo",
    endpoint: "userinfo",
    retry: "retried",
    body: "json",
    answerError: AuthClientError,
    async prepare(s) {
      const token = await s.connect();
      return { run: () => s.authClient.getUserInfo(token.accessToken) };
    },
  },
  {
    name: "TokenManager.getAccessToken (expired)",
    endpoint: "token",
    retry: "retried",
    body: "token",
    answerError: AuthClientError,
    async prepare(s) {
      const token = await s.connect();
      const realmId = token.realmId ?? "";
      const store = new MemoryTokenStore();
      const tokens = new TokenManager({ authClient: s.authClient, store });
      await tokens.save(realmId, { ...token, accessTokenExpiresAt: s.emu.clock.now() - 1 });
      const before = (await store.get(realmId))?.token;
      let result: string | undefined;
      return {
        run: async () => (result = await tokens.getAccessToken(realmId)),
        async check(ok) {
          const stored = (await store.get(realmId))?.token;
          assert.ok(stored && before);
          if (ok) {
            assert.equal(stored.accessToken, result, "the token handed out is the stored one");
            assert.equal(s.emu.isAccessTokenValid(stored.accessToken), true);
          } else {
            assert.deepEqual(stored, before, "a failed refresh leaves the stored token set unchanged");
          }
          // Not lost: the stored refresh token is still one the emulator accepts.
          s.emu.clearFaults();
          const again = await s.authClient.refresh(stored.refreshToken, { updateClient: false });
          assert.equal(s.emu.isAccessTokenValid(again.accessToken), true);
        },
      };
    },
  },
  {
    name: "QuickBooks API call (quickbooks(tokens, realmId).get)",
    endpoint: "api",
    retry: "retried",
    body: "json",
    answerError: QuickBooksError,
    async prepare(s) {
      const token = await s.connect();
      const realmId = token.realmId ?? "";
      const tokens = new TokenManager({ authClient: s.authClient });
      await tokens.save(realmId, token);
      const api = quickbooks(tokens, realmId, { defaultRetryAfterMs: 5, maxRetryAfterMs: 60_000 });
      return { run: () => api.get(`companyinfo/${realmId}`) };
    },
  },
];

// ---- the generated tests ------------------------------------------------------------------------
function expected(op: Operation, f: FaultCase): Outcome {
  const outcome = f.expect[op.retry] ?? f.expect[op.body];
  if (!outcome) throw new Error(`fault table: no outcome for ${op.name} × ${f.name}`);
  return outcome;
}

const ERROR_CLASS = { network: NetworkError, timeout: TimeoutError } as const;
let s: Session;
const tids: string[] = [];
let passed = 0;

before(async () => {
  logger = {
    debug: (fields: Record<string, unknown>) => {
      if (typeof fields["intuitTid"] === "string") tids.push(fields["intuitTid"]);
    },
  };
  // Every refresh rotates, so "no refresh token lost" is tested against real rotation.
  s = await emulatorSession({ rotateAfter: 0 }, clientOptions(logger));
});
after(async () => {
  await s?.close();
  writeSummary("fault-matrix", {
    operations: OPERATIONS.map((o) => o.name),
    faults: FAULTS.map((f) => f.name),
    cases: OPERATIONS.length * FAULTS.length,
    passed,
    command: "node scripts/run-tests.mjs test/reliability/fault-matrix",
  });
});

for (const op of OPERATIONS) {
  for (const f of FAULTS) {
    const outcome = expected(op, f);
    test(`${op.name} × ${f.name} → ${outcome}`, { timeout: 30_000 }, async () => {
      s.emu.clearFaults();
      const prepared = await op.prepare(s);
      s.emu.resetCounters();
      tids.length = 0;
      s.emu.injectFault(op.endpoint, f.fault, f.count);
      const started = performance.now();
      let error: unknown;
      let ok = false;
      try {
        await prepared.run();
        ok = true;
      } catch (err) {
        error = err;
      }
      const elapsed = performance.now() - started;
      const requests = s.emu.counters()[op.endpoint];
      s.emu.clearFaults();

      const [verdict, count, kind] = outcome.split(" ") as [
        "ok" | "fail",
        string,
        keyof typeof ERROR_CLASS | "answer",
      ];
      assert.equal(requests, Number(count), `requests at the emulator's ${op.endpoint} endpoint`);
      // No hang: each request ends by its timeout (or sooner), with slack for a loaded machine.
      const bound = (Number(count) + 1) * TIMEOUT_MS + 5_000;
      assert.ok(elapsed < bound, `took ${Math.round(elapsed)} ms (bound ${bound} ms)`);
      if (verdict === "ok") {
        assert.equal(ok, true, `expected success, got ${String(error)}`);
      } else {
        assert.ok(error instanceof IntuitOAuthError, `a library error, not ${String(error)}`);
        if (kind === "answer") {
          assert.ok(error instanceof op.answerError, `${op.answerError.name} expected, got ${error.name}`);
          const tid = tids.at(-1);
          assert.ok(tid, "the server sent an intuit_tid");
          const carried = (error as { intuitTid?: unknown }).intuitTid ?? error.message;
          assert.ok(String(carried).includes(tid), `intuit_tid ${tid} not carried by: ${error.message}`);
        } else {
          assert.ok(
            error instanceof ERROR_CLASS[kind],
            `${ERROR_CLASS[kind].name} expected, got ${error.name}`,
          );
          // A body cut short still had headers: the error names the transaction.
          if (f.fault.type === "truncatedBody" && error instanceof NetworkError)
            assert.match(String(error.intuitTid), /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
        }
      }
      await prepared.check?.(ok);
      passed++;
    });
  }
}

// Node side of the runtime tests: the runtime binaries (from node_modules/.bin), the emulator the
// flow talks to, a webhook body signed here, child processes run without blocking the emulator's
// event loop, and the assertions every runtime's flow must pass. Nothing here runs the library.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_USER,
  startEmulator,
  type Emulator,
} from "../../../packages/intuit-oauth-client-emulator/src/index.js";

/** The repository; the library package (its dist/ and src/); the runtime tests' own folder. */
export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const LIBRARY = join(ROOT, "packages", "intuit-oauth-client");
export const HERE = fileURLToPath(new URL(".", import.meta.url));
export const PORTABLE_BUILD = join(LIBRARY, "dist", "edge", "index.js");

export type RuntimeName = "bun" | "deno" | "workerd";

/** The runtime's binary from its npm package (`npm ci --prefix test-runtimes` installs it; works offline). */
export function runtimeBinary(name: RuntimeName): string {
  return join(ROOT, "test-runtimes", "node_modules", ".bin", name);
}

/**
 * For node:test's `skip`: false when the runtime binary and the built package are there, else the
 * reason. Under `CI=true` a missing binary or build is a failure, so this throws instead.
 */
export function requireRuntime(name: RuntimeName): string | false {
  const missing = [runtimeBinary(name), PORTABLE_BUILD].find((p) => !existsSync(p));
  if (!missing) return false;
  const reason = `${missing} is missing (npm run test:runtimes installs the runtimes; npm run build builds dist first)`;
  if (process.env["CI"] === "true") throw new Error(`${reason} (CI=true: every runtime is required)`);
  return reason;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end without blocking this process's event loop (the emulator answers the
 * child from it). Killed after `timeoutMs`; a slow, loaded machine gets generous time.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? runtimeEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The environment for a runtime child: no update checks, no proxy, nothing from npm's run. */
export function runtimeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env["PATH"],
    HOME: process.env["HOME"],
    TMPDIR: process.env["TMPDIR"],
    DENO_NO_UPDATE_CHECK: "1",
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0",
    NO_COLOR: "1",
    ...extra,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

/** What the flow is given: the emulator's URLs, the app's credentials and a signed webhook. */
export interface FlowConfig {
  discoveryUrl: string;
  adminUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  webhook: { body: string; signature: string; verifierToken: string };
}

export interface FlowEmulator {
  emu: Emulator;
  config: FlowConfig;
  realmId: string;
  close(): Promise<void>;
}

const VERIFIER_TOKEN = "runtime-test-verifier-token";

/**
 * An emulator for one runtime's flow: consent approved at once, the admin API on (the flow expires
 * access tokens through it), every refresh rotating the refresh token.
 */
export async function flowEmulator(): Promise<FlowEmulator> {
  const emu = await startEmulator({ port: 0, autoApprove: true, admin: true, rotateAfter: 0 });
  const realmId = emu.companies[0]?.realmId ?? "";
  // A legacy delivery as Intuit sends it, with non-ASCII text so the HMAC must cover UTF-8 bytes.
  const body = JSON.stringify({
    eventNotifications: [
      {
        realmId,
        dataChangeEvent: {
          entities: [
            {
              name: "Customer",
              id: "58",
              operation: "Create",
              lastUpdated: "2026-01-02T03:04:05.000Z",
              note: "Café ☕ — ünïcödé",
            },
          ],
        },
      },
    ],
  });
  const signature = createHmac("sha256", VERIFIER_TOKEN).update(body, "utf8").digest("base64");
  return {
    emu,
    realmId,
    config: {
      discoveryUrl: emu.discoveryUrl,
      adminUrl: emu.url,
      clientId: emu.defaultClient.clientId,
      clientSecret: emu.defaultClient.clientSecret,
      redirectUri: emu.defaultClient.redirectUri,
      webhook: { body, signature, verifierToken: VERIFIER_TOKEN },
    },
    close: () => emu.close(),
  };
}

/** The flow's JSON lines, by step. A line that is not JSON is a failure with the whole output. */
export function flowSteps(output: string, context: string): Map<string, Record<string, unknown>> {
  const steps = new Map<string, Record<string, unknown>>();
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      assert.fail(`not a JSON line: ${JSON.stringify(line)}\n${context}`);
    }
    const record = value as Record<string, unknown>;
    steps.set(String(record["step"]), record);
  }
  return steps;
}

/** Every step's result, checked against what the emulator saw. `context` is printed on failure. */
export function assertFlow(
  steps: Map<string, Record<string, unknown>>,
  { emu, realmId, config }: FlowEmulator,
  context: string,
): void {
  const step = (name: string): Record<string, unknown> => {
    const failed = [...steps.values()].find((s) => s["error"]);
    assert.equal(failed, undefined, `the flow failed at ${String(failed?.["step"])}\n${context}`);
    const s = steps.get(name);
    assert.ok(s, `no result for step ${name}\n${context}`);
    return s;
  };
  const client = emu.defaultClient;

  assert.deepEqual(
    pick(step("discovery"), ["environment", "issuer", "tokenEndpoint"]),
    {
      environment: "custom",
      issuer: "https://oauth.platform.intuit.com/op/v1",
      tokenEndpoint: `${emu.url}/oauth2/v1/tokens/bearer`,
    },
    context,
  );
  assert.deepEqual(
    step("authorization-url"),
    {
      step: "authorization-url",
      origin: emu.url,
      pathname: "/connect/oauth2",
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      scope: "com.intuit.quickbooks.accounting openid email profile",
      stateInUrl: true,
      stateLength: 43,
      nonceInUrl: true,
    },
    context,
  );
  assert.deepEqual(
    step("consent"),
    {
      step: "consent",
      status: 302,
      callbackTarget: client.redirectUri,
      hasCode: true,
      stateEchoed: true,
      realmId,
    },
    context,
  );
  assert.deepEqual(
    pick(step("callback-wrong-state"), ["threw", "name", "code", "reason"]),
    { threw: true, name: "CallbackError", code: "ERR_CALLBACK", reason: "state_mismatch" },
    context,
  );
  const callback = step("callback");
  assert.deepEqual(
    pick(callback, ["realmId", "realmIdVerified", "tokenType", "hasAccessToken", "hasRefreshToken"]),
    { realmId, realmIdVerified: true, tokenType: "bearer", hasAccessToken: true, hasRefreshToken: true },
    context,
  );
  assert.equal(callback["hasIdToken"], true, context);
  assert.equal(callback["expiresIn"], 3600, context);
  // Absolute expiry computed in the runtime: an hour from now, give or take a slow machine.
  const inS = Number(callback["accessTokenExpiresInS"]);
  assert.ok(inS > 3300 && inS <= 3600, `accessTokenExpiresAt is an hour away (${inS} s)\n${context}`);
  // A state is good for one callback: the same callback again is refused before any exchange.
  assert.deepEqual(
    pick(step("callback-replayed"), ["threw", "name", "code", "reason"]),
    { threw: true, name: "CallbackError", code: "ERR_CALLBACK", reason: "state_reused" },
    context,
  );
  const idToken = step("id-token");
  assert.deepEqual(
    pick(idToken, ["iss", "aud", "realmid"]),
    { iss: "https://oauth.platform.intuit.com/op/v1", aud: [client.clientId], realmid: realmId },
    context,
  );
  assert.deepEqual(
    pick(idToken["tampered"] as Record<string, unknown>, ["threw", "name", "code", "reason"]),
    { threw: true, name: "IdTokenError", code: "ERR_ID_TOKEN", reason: "signature" },
    context,
  );
  const user = step("userinfo");
  assert.deepEqual(
    pick(user, ["sub", "email", "givenName", "familyName"]),
    pick({ ...DEFAULT_USER }, ["sub", "email", "givenName", "familyName"]),
    context,
  );
  assert.equal(idToken["sub"], DEFAULT_USER.sub, context);
  const companyName = emu.companies[0]?.companyName;
  assert.deepEqual(pick(step("api"), ["companyName"]), { companyName }, context);
  assert.deepEqual(
    pick(step("api-after-401"), [
      "expireStatus",
      "status",
      "companyName",
      "intuitTid",
      "accessTokenReplaced",
    ]),
    { expireStatus: 204, status: 200, companyName, intuitTid: true, accessTokenReplaced: true },
    context,
  );
  assert.deepEqual(
    pick(step("refresh"), ["accessTokenReplaced", "refreshTokenRotated", "realmId", "stored"]),
    { accessTokenReplaced: true, refreshTokenRotated: true, realmId, stored: true },
    context,
  );
  assert.deepEqual(
    step("revoke"),
    {
      step: "revoke",
      revoked: true,
      refreshAfterRevoke: {
        threw: true,
        name: "InvalidGrantError",
        code: "ERR_INVALID_GRANT",
        statusCode: 400,
        message: (step("revoke")["refreshAfterRevoke"] as Record<string, unknown>)["message"],
      },
    },
    context,
  );
  const webhook = step("webhook");
  assert.deepEqual(
    pick(webhook, ["valid", "validBytes", "tamperedBody", "wrongToken"]),
    { valid: true, validBytes: true, tamperedBody: false, wrongToken: false },
    context,
  );
  const events = webhook["events"] as Array<Record<string, unknown>>;
  assert.deepEqual(
    events.map((e) => pick(e, ["realmId", "entityName", "entityId", "operation", "occurredAt", "format"])),
    [
      {
        realmId,
        entityName: "Customer",
        entityId: "58",
        operation: "Create",
        occurredAt: "2026-01-02T03:04:05.000Z",
        format: "legacy",
      },
    ],
    context,
  );
  assert.equal((events[0]?.["raw"] as Record<string, unknown>)["note"], "Café ☕ — ünïcödé", context);
  assert.deepEqual(
    pick(webhook["rejected"] as Record<string, unknown>, ["threw", "name", "code"]),
    { threw: true, name: "WebhookSignatureError", code: "ERR_WEBHOOK_SIGNATURE" },
    context,
  );
  assert.ok(steps.has("done"), `the flow did not finish\n${context}`);

  // What Intuit's side saw: one code exchange and three refreshes (after the 401, the explicit one,
  // and the refused one after revoke), the API answering 200, 401, then 200 to the retry.
  assert.deepEqual(
    emu.counters(),
    { discovery: 1, authorize: 1, token: 4, revoke: 1, userinfo: 1, jwks: 1, migrate: 0, api: 3 },
    context,
  );
  const grants = emu.grants();
  assert.equal(grants.length, 1, context);
  assert.equal(grants[0]?.realmId, realmId, context);
  assert.equal(grants[0]?.revoked, true, context);
  assert.equal(grants[0]?.refreshTokenCount, 3, context);
  assert.equal(config.clientId, grants[0]?.clientId, context);
}

/** The named fields of `record`, for deepEqual on the parts a step is about. */
export function pick(record: Record<string, unknown> | undefined, keys: readonly string[]) {
  return Object.fromEntries(keys.map((k) => [k, record?.[k]]));
}

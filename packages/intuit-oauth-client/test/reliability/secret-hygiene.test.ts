// Secret hygiene under fire: distinctive client and OAuth1 secrets, plus every code and token the
// emulator issues, must appear nowhere a person or a log collector can see them: captured logs,
// error messages and stacks, JSON.stringify/util.inspect of errors and of the client, and CLI
// output (all commands but `token`). Every operation runs, and every failure path of the matrix.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import {
  AuthClient,
  MemoryTokenStore,
  Scopes,
  TokenManager,
  type LoggerLike,
  type TokenSet,
  quickbooks,
} from "../../src/index.js";
import {
  startEmulator,
  type Emulator,
  type EndpointName,
  type Fault,
} from "../../../intuit-oauth-client-emulator/src/index.js";
import { cliEnv, freePort, runCli, urlFromOutput } from "../../../intuit-oauth-client-cli/test/helpers.js";
import { writeSummary } from "./summary.js";

const CLIENT_ID = "hygiene-client-id";
const CLIENT_SECRET = "CSECRET-hygiene-7f3a9c21";
const OAUTH1 = {
  consumerKey: "hygiene-consumer-key",
  consumerSecret: "C1SECRET-consumer-5b8e",
  accessToken: "O1TOKEN-access-91cd",
  accessSecret: "O1SECRET-access-a07f",
};
const secrets = new Set<string>([
  CLIENT_SECRET,
  OAUTH1.consumerSecret,
  OAUTH1.accessToken,
  OAUTH1.accessSecret,
  Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64"),
]);
/** Everything scanned: [where, text]. */
const surfaces: Array<[string, string]> = [];
const logLines: unknown[][] = [];
const logger: LoggerLike = {
  debug: (...a: unknown[]) => logLines.push(a),
  info: (...a: unknown[]) => logLines.push(a),
  warn: (...a: unknown[]) => logLines.push(a),
  error: (...a: unknown[]) => logLines.push(a),
};

let emu: Emulator;
let client: AuthClient;
let redirectUri: string;
let errorsSeen = 0;
let cliRuns = 0;

function keep(token: TokenSet): TokenSet {
  for (const v of [token.accessToken, token.refreshToken, token.idToken]) if (v) secrets.add(v);
  return token;
}
function scanError(where: string, err: unknown): void {
  assert.ok(err instanceof Error, `${where}: expected an error`);
  errorsSeen++;
  surfaces.push(
    [`${where}: message`, err.message],
    [`${where}: stack`, String(err.stack)],
    [`${where}: JSON.stringify`, JSON.stringify(err) ?? ""],
    [`${where}: util.inspect`, inspect(err, { depth: 10, showHidden: true })],
  );
}
async function code(): Promise<{ location: string; state: string }> {
  const req = client.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId, Scopes.Email]);
  const location = (await fetch(req.url, { redirect: "manual" })).headers.get("location") ?? "";
  secrets.add(new URL(location).searchParams.get("code") ?? "");
  return { location, state: req.state };
}
async function connect(): Promise<TokenSet> {
  const { location, state } = await code();
  return keep(await client.handleCallback(location, { expectedState: state, updateClient: true }));
}

before(async () => {
  redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  emu = await startEmulator({
    port: 0,
    autoApprove: true,
    rotateAfter: 0,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [redirectUri] }],
    oauth1: [OAUTH1],
  });
  client = await AuthClient.create({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri,
    environment: emu.discoveryUrl,
    clock: () => emu.clock.now(),
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
    timeoutMs: 300,
    logger,
  });
});
after(async () => {
  await emu?.close();
});

test("every operation succeeds with a capturing logger", async () => {
  const token = await connect();
  await client.validateIdToken(token.idToken);
  await client.getUserInfo();
  keep(await client.refresh());
  const tokens = new TokenManager({ authClient: client, store: new MemoryTokenStore() });
  await tokens.save(token.realmId ?? "", { ...keep(await connect()), accessTokenExpiresAt: 0 });
  keep((await tokens.getToken(token.realmId ?? "")) as TokenSet);
  await quickbooks(tokens, token.realmId ?? "").get(`companyinfo/${token.realmId}`);
  keep(await client.migrate({ ...OAUTH1, scopes: [Scopes.Accounting], updateClient: false }));
  surfaces.push(["util.inspect(authClient) with tokens", inspect(client, { depth: 10, showHidden: true })]);
  surfaces.push(["JSON.stringify(authClient) with tokens", JSON.stringify(client)]);
  await client.revoke();
});

const FAULTS: Fault[] = [
  { type: "status", status: 500 },
  { type: "rateLimit" },
  { type: "delay", ms: 1000 },
  { type: "resetBeforeRead" },
  { type: "resetAfterRead" },
  { type: "truncatedBody" },
  { type: "malformedJson" },
  { type: "missingAccessToken" },
  { type: "wrongContentType" },
];
/** [name, endpoint, setup that returns the call to fault]. */
const FAILING: Array<[string, EndpointName, () => Promise<() => Promise<unknown>>]> = [
  [
    "code exchange",
    "token",
    async () => {
      const { location, state } = await code();
      return () => client.handleCallback(location, { expectedState: state, updateClient: false });
    },
  ],
  [
    "refresh",
    "token",
    async () => {
      const t = await connect();
      return () => client.refresh(t.refreshToken, { updateClient: false });
    },
  ],
  [
    "revoke",
    "revoke",
    async () => {
      const t = await connect();
      return () => client.revoke(t.refreshToken, { updateClient: false });
    },
  ],
  [
    "userinfo",
    "userinfo",
    async () => {
      const t = await connect();
      return () => client.getUserInfo(t.accessToken);
    },
  ],
  ["migrate", "migrate", async () => () => client.migrate({ ...OAUTH1, scopes: [Scopes.Accounting] })],
  [
    "API call",
    "api",
    async () => {
      const t = await connect();
      const tokens = new TokenManager({ authClient: client });
      await tokens.save(t.realmId ?? "", t);
      const api = quickbooks(tokens, t.realmId ?? "", { defaultRetryAfterMs: 1 });
      return () => api.get(`companyinfo/${t.realmId}`);
    },
  ],
];

test(
  "every failure path of the fault matrix, plus invalid_grant and a forged id token",
  { timeout: 120_000 },
  async () => {
    for (const [name, endpoint, setup] of FAILING) {
      for (const fault of FAULTS) {
        emu.clearFaults();
        const call = await setup();
        emu.injectFault(endpoint, fault, 5);
        await call().then(
          () => undefined,
          (err: unknown) => scanError(`${name} × ${fault.type}`, err),
        );
        emu.clearFaults();
      }
    }
    const dead = await connect();
    await client.revoke(dead.refreshToken, { updateClient: false });
    await client.refresh(dead.refreshToken, { updateClient: false }).then(
      () => assert.fail("refreshed a revoked token"),
      (err: unknown) => scanError("invalid_grant", err),
    );
    const [h, p] = (dead.idToken ?? "").split(".");
    await client.validateIdToken(`${h}.${p}.AAAA`).then(
      () => assert.fail("accepted a forged id token"),
      (err: unknown) => scanError("forged id token", err),
    );
    assert.ok(errorsSeen >= FAILING.length * 5, `${errorsSeen} errors scanned`);
  },
);

const built = existsSync(
  join(import.meta.dirname, "..", "..", "..", "intuit-oauth-client-cli", "dist", "cli.js"),
);
test(
  "CLI: login, refresh, userinfo, status, call, revoke and a failing refresh print no secret",
  { skip: !built && "dist/cli.js is missing: run `npm run build` (npm test does)", timeout: 120_000 },
  async () => {
    const home = mkdtempSync(join(tmpdir(), "hygiene-cli-"));
    const storeDir = join(home, "store");
    const env = cliEnv({
      HOME: home,
      XDG_CONFIG_HOME: join(home, "config"),
      INTUIT_OAUTH_STORE_DIR: storeDir,
      INTUIT_CLIENT_ID: CLIENT_ID,
      INTUIT_CLIENT_SECRET: CLIENT_SECRET,
      INTUIT_REDIRECT_URI: redirectUri,
      INTUIT_ENVIRONMENT: emu.discoveryUrl,
    });
    const show = (name: string, r: { stdout: string; stderr: string }) => {
      cliRuns++;
      surfaces.push([`cli ${name} stdout`, r.stdout], [`cli ${name} stderr`, r.stderr]);
    };
    const watch = urlFromOutput();
    const running = runCli(["login", "--no-browser", "--timeout", "15", "-v"], env, watch.seen);
    // autoApprove: the authorize URL redirects straight to the CLI's callback server.
    const location = (await fetch(await watch.url, { redirect: "manual" })).headers.get("location") ?? "";
    secrets.add(new URL(location).searchParams.get("code") ?? "");
    assert.equal((await fetch(location)).status, 200);
    const login = await running;
    assert.equal(login.code, 0, login.stderr);
    show("login", login);
    const realmId = emu.companies[0]?.realmId ?? "";
    const storedTokens = () => {
      const t = (JSON.parse(readFileSync(join(storeDir, `${realmId}.json`), "utf8")) as { token: TokenSet })
        .token;
      return keep(t);
    };
    storedTokens();
    for (const args of [
      ["refresh"],
      ["userinfo"],
      ["status"],
      ["call", "/v3/company/{realmId}/companyinfo/{realmId}"],
    ]) {
      show(args[0] ?? "", await runCli([...args, "-v"], env));
      storedTokens();
    }
    // Control: `token` prints the access token by design, so the scan would find it there.
    const printed = await runCli(["token"], env);
    assert.equal(printed.stdout.trim(), storedTokens().accessToken);
    emu.injectFault("token", { type: "malformedJson" }, 5);
    show("refresh (malformed answer)", await runCli(["refresh", "-v"], env));
    emu.clearFaults();
    emu.injectFault("api", { type: "status", status: 500 }, 5);
    show("call (500)", await runCli(["call", "/v3/company/{realmId}/companyinfo/{realmId}", "-v"], env));
    emu.clearFaults();
    const rt = storedTokens().refreshToken;
    show("revoke", await runCli(["revoke", "-v"], env));
    await client.refresh(rt, { updateClient: false }).catch(() => undefined);
  },
);

test("zero occurrences of any secret anywhere", () => {
  surfaces.push(["util.inspect(authClient)", inspect(client, { depth: 10, showHidden: true })]);
  surfaces.push(["JSON.stringify(authClient)", JSON.stringify(client)]);
  surfaces.push(...logLines.map((l, i): [string, string] => [`log line ${i}`, inspect(l, { depth: 10 })]));
  const values = [...secrets].filter((s) => s.length >= 8);
  const found: string[] = [];
  for (const [where, text] of surfaces)
    for (const s of values) if (text.includes(s)) found.push(`${where} contains ${s.slice(0, 12)}…`);
  writeSummary("secret-hygiene", {
    secretValues: values.length,
    surfacesScanned: surfaces.length,
    logLines: logLines.length,
    errorsScanned: errorsSeen,
    cliRuns,
    secretsFound: found.length,
    command: "npm run build && node scripts/run-tests.mjs test/reliability/secret-hygiene",
  });
  assert.deepEqual(found, []);
  assert.ok(values.length > 20, `${values.length} distinct secret values tracked`);
});

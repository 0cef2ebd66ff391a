// Runs the example: against a local Intuit emulator by default, or against real Intuit when
// INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET, INTUIT_REDIRECT_URI and INTUIT_ENVIRONMENT are set.
//   npm run example            then open the address it prints
// It prints where it listens and why; on Ctrl+C (or SIGTERM) it stops and removes its temporary
// token directory. It must not print a token or a secret.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AuthClient, FileTokenStore, TokenManager } from "../../packages/intuit-oauth-client/src/index.js";
import { startEmulator, type Emulator } from "../../packages/intuit-oauth-client-emulator/src/index.js";
import { describeIntuit, listenAddress, parsePort, PortError, type ListenAddress } from "./address.js";
import { createApp } from "./app.js";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const env = process.env;
const real = ["INTUIT_CLIENT_ID", "INTUIT_CLIENT_SECRET", "INTUIT_REDIRECT_URI", "INTUIT_ENVIRONMENT"];
const missing = real.filter((name) => !env[name]);
const useIntuit = missing.length < real.length;
if (useIntuit && missing.length > 0) fail(`To run against Intuit, also set: ${missing.join(", ")}`);

// Intuit's 2026 requirement: learn each refresh token's five-year cap from the first code exchange.
const hardExpiry = env["INTUIT_HARD_EXPIRY_HEADER"] ?? "true";
if (hardExpiry !== "true" && hardExpiry !== "false")
  fail(`INTUIT_HARD_EXPIRY_HEADER must be true or false, not "${hardExpiry}"`);
const includeRefreshTokenHardExpiresIn = hardExpiry === "true";

function checked<T>(decide: () => T): T {
  try {
    return decide();
  } catch (err) {
    if (err instanceof PortError) fail(err.message);
    throw err;
  }
}

let emulator: Emulator | undefined;
let authClient: AuthClient;
let listen: ListenAddress;
let intuitLine: string;
let storeDir = env["INTUIT_OAUTH_STORE_DIR"];
/** Set when this process made the token directory, which it then removes on exit. */
let temporaryStoreDir: string | undefined;

if (useIntuit) {
  // Real Intuit: the redirect URI must be registered exactly like this in the Intuit developer portal.
  checked(() => parsePort(env["PORT"])); // before anything goes over the network
  authClient = await AuthClient.create({
    clientId: env["INTUIT_CLIENT_ID"]!,
    clientSecret: env["INTUIT_CLIENT_SECRET"]!,
    redirectUri: env["INTUIT_REDIRECT_URI"]!,
    environment: env["INTUIT_ENVIRONMENT"]!, // sandbox, production, or a discovery URL
    includeRefreshTokenHardExpiresIn,
    singleUser: false, // a server: every callback brings its own session's state
  }).catch((err: unknown) => fail(`Cannot set up the Intuit client: ${(err as Error).message}`));
  listen = listenAddress(authClient.redirectUri, env["PORT"]); // the client has checked the URI
  intuitLine = describeIntuit(authClient, env["INTUIT_ENVIRONMENT"]!);
  storeDir ??= fileURLToPath(new URL("../../.tmp/web-app-tokens", import.meta.url));
} else {
  // The emulator plays Intuit on 127.0.0.1, with its own consent page and sandbox companies.
  const redirectUri = `http://localhost:${checked(() => parsePort(env["PORT"])) ?? 3000}/callback`;
  listen = listenAddress(redirectUri, undefined);
  let portBusy = false;
  const emu = await startEmulator({ port: 4010, redirectUris: [redirectUri] }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") return Promise.reject(err);
    portBusy = true;
    return startEmulator({ port: 0, redirectUris: [redirectUri] });
  });
  emulator = emu;
  const { clientId, clientSecret } = emu.defaultClient;
  authClient = await AuthClient.create({
    clientId,
    clientSecret,
    redirectUri,
    environment: emu.discoveryUrl,
    includeRefreshTokenHardExpiresIn,
    singleUser: false, // a server, although the emulator's redirect URI is on loopback
  });
  intuitLine = `Intuit: the built-in emulator at ${emu.url} (its sandbox companies; no Intuit account needed)`;
  // Say why it is not on its usual port, so nobody looks for it there.
  if (portBusy) intuitLine += `\nPort 4010 was in use, so the emulator took port ${new URL(emu.url).port}.`;
  // The emulator forgets its grants when it stops, so its tokens go in a fresh directory.
  if (!storeDir) storeDir = temporaryStoreDir = mkdtempSync(join(tmpdir(), "intuit-web-app-"));
}

// Removed however the process ends: Ctrl+C, SIGTERM, or an error that exits.
process.on("exit", () => {
  if (temporaryStoreDir) rmSync(temporaryStoreDir, { recursive: true, force: true });
});

const tokens = new TokenManager({ authClient, store: new FileTokenStore({ directory: storeDir }) });
// A fresh secret per start signs everyone out on restart; in production, load a fixed one.
const cookieSecret = env["COOKIE_SECRET"] ?? randomBytes(32);
const app = createApp({ authClient, tokens, cookieSecret });
// Behind a reverse proxy on this machine, the Origin check must see the public scheme and host.
if (!listen.local) app.set("trust proxy", "loopback");

const server = app.listen(listen.port, listen.host, () => {
  console.log(intuitLine);
  if (!includeRefreshTokenHardExpiresIn)
    console.log("The five-year refresh token limit is not requested (INTUIT_HARD_EXPIRY_HEADER=false).");
  console.log(
    `Tokens stored in: ${storeDir}${temporaryStoreDir ? " (a temporary directory, removed on exit)" : ""}`,
  );
  for (const note of listen.notes) console.log(note);
  console.log(`Open ${listen.openUrl} in your browser (Ctrl+C to stop).`);
});
server.on("error", (err: NodeJS.ErrnoException) => {
  void emulator?.close();
  fail(
    err.code === "EADDRINUSE"
      ? `Port ${listen.port} is already in use. Stop what uses it, or set PORT to another port.`
      : `Cannot listen on ${listen.host}:${listen.port}: ${err.message}`,
  );
});

async function stop(): Promise<void> {
  server.close();
  server.closeAllConnections();
  await emulator?.close();
  process.exit(0); // the exit handler removes the temporary token directory
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());

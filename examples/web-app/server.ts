// Runs the example: against a local Intuit emulator by default, or against real Intuit when
// INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET, INTUIT_REDIRECT_URI and INTUIT_ENVIRONMENT are set.
//   npm run example            then open http://localhost:3000/
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AuthClient, FileTokenStore, TokenManager } from "../../src/index.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { createApp } from "./app.js";

const port = Number(process.env["PORT"] ?? 3000);
const real = ["INTUIT_CLIENT_ID", "INTUIT_CLIENT_SECRET", "INTUIT_REDIRECT_URI", "INTUIT_ENVIRONMENT"];
const missing = real.filter((name) => !process.env[name]);
const useIntuit = missing.length < real.length;
if (useIntuit && missing.length > 0) {
  console.error(`To run against Intuit, also set: ${missing.join(", ")}`);
  process.exit(1);
}

let emulator: Emulator | undefined;
let authClient: AuthClient;
let storeDir = process.env["INTUIT_OAUTH_STORE_DIR"];

if (useIntuit) {
  // Real Intuit: the redirect URI must be registered exactly like this in the Intuit developer portal.
  authClient = await AuthClient.create({
    clientId: process.env["INTUIT_CLIENT_ID"]!,
    clientSecret: process.env["INTUIT_CLIENT_SECRET"]!,
    redirectUri: process.env["INTUIT_REDIRECT_URI"]!,
    environment: process.env["INTUIT_ENVIRONMENT"]!, // sandbox, production, or a discovery URL
  });
  storeDir ??= fileURLToPath(new URL("../../.tmp/web-app-tokens", import.meta.url));
} else {
  // The emulator plays Intuit on 127.0.0.1, with its own consent page and sandbox companies.
  const redirectUri = `http://localhost:${port}/callback`;
  const emu = await startEmulator({ port: 4010, redirectUris: [redirectUri] }).catch((err: unknown) =>
    (err as NodeJS.ErrnoException).code === "EADDRINUSE"
      ? startEmulator({ port: 0, redirectUris: [redirectUri] })
      : Promise.reject(err),
  );
  emulator = emu;
  const { clientId, clientSecret } = emu.defaultClient;
  authClient = await AuthClient.create({
    clientId,
    clientSecret,
    redirectUri,
    environment: emu.discoveryUrl,
  });
  // The emulator forgets its grants when it stops, so its tokens go in a fresh directory.
  storeDir ??= mkdtempSync(join(tmpdir(), "intuit-web-app-"));
}

const tokens = new TokenManager({ authClient, store: new FileTokenStore({ directory: storeDir }) });
// A fresh secret per start signs everyone out on restart; in production, load a fixed one.
const cookieSecret = process.env["COOKIE_SECRET"] ?? randomBytes(32);
const app = createApp({ authClient, tokens, cookieSecret });

const server = app.listen(port, "127.0.0.1", () => {
  // Open the redirect URI's host (localhost, not 127.0.0.1): cookies set on one are not sent to the other.
  const open = new URL("/", authClient.redirectUri).href;
  console.log(emulator ? `Intuit emulator: ${emulator.url}` : `Intuit: ${authClient.environment}`);
  console.log(`Tokens stored in: ${storeDir}`);
  console.log(`Open ${open} in your browser (Ctrl+C to stop).`);
});

process.once("SIGINT", () => {
  server.close();
  void emulator?.close();
});

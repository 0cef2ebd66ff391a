// Example: mirror a QuickBooks company into PostgreSQL and keep it current.
//
//   DATABASE_URL=postgres://localhost/qbo node --import tsx examples/sync/main.ts
//
// Without INTUIT_CLIENT_ID it runs against an in-process emulator (with a few entities made up front),
// so it works offline. With INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET, INTUIT_REDIRECT_URI,
// INTUIT_ENVIRONMENT and INTUIT_REALM_ID it uses the tokens the CLI stored (`intuit-oauth-client-cli login`).
// It loads the company once, listens for webhooks on PORT (default 8090) at /webhooks, and catches up
// through CDC every CATCHUP_INTERVAL_MS (default 5 minutes) and at start. With INTUIT_CLIENT_ID it
// needs INTUIT_WEBHOOK_VERIFIER_TOKEN too, and exits with code 2 without it.
import { createServer } from "node:http";
import pg from "pg";
import {
  AuthClient,
  FileTokenStore,
  TokenManager,
  quickbooks,
  type EntityName,
} from "../../packages/intuit-oauth-client/src/index.js";
import { startEmulator } from "../../packages/intuit-oauth-client-emulator/src/index.js";
import { verifierTokenFromEnv } from "../webhooks/verifier-token.js";
import { PostgresMirror } from "./mirror.js";
import { webhookReceiver } from "./receiver.js";
import { CompanySync } from "./sync.js";

const ENTITIES: EntityName[] = ["Customer", "Vendor", "Item", "Account", "Invoice", "Payment", "Bill"];
const databaseUrl = process.env["DATABASE_URL"];
if (!databaseUrl) {
  console.error("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://localhost/qbo");
  process.exit(2);
}
// Only the in-process emulator may use the public example token; with a real app, the real one.
const verifierToken = verifierTokenFromEnv(process.env, { emulator: !process.env["INTUIT_CLIENT_ID"] });
const interval = Number(process.env["CATCHUP_INTERVAL_MS"] ?? 5 * 60_000);

async function connect(): Promise<{ tokens: TokenManager; realmId: string; close: () => Promise<void> }> {
  if (process.env["INTUIT_CLIENT_ID"]) {
    const authClient = await AuthClient.create({
      clientId: process.env["INTUIT_CLIENT_ID"],
      clientSecret: process.env["INTUIT_CLIENT_SECRET"] ?? "",
      redirectUri: process.env["INTUIT_REDIRECT_URI"] ?? "",
      environment: process.env["INTUIT_ENVIRONMENT"] ?? "sandbox",
    });
    const realmId = process.env["INTUIT_REALM_ID"];
    if (!realmId) throw new Error("Set INTUIT_REALM_ID to the company to mirror");
    return {
      tokens: new TokenManager({ authClient, store: new FileTokenStore() }),
      realmId,
      close: async () => {},
    };
  }
  const emu = await startEmulator({ port: 0, autoApprove: true });
  const authClient = await AuthClient.create({
    clientId: emu.defaultClient.clientId,
    clientSecret: emu.defaultClient.clientSecret,
    redirectUri: emu.defaultClient.redirectUri,
    environment: emu.discoveryUrl,
  });
  const { MemoryTokenStore } = await import("../../packages/intuit-oauth-client/src/index.js");
  const tokens = new TokenManager({ authClient, store: new MemoryTokenStore() });
  const res = await fetch(authClient.getAuthorizationUrl(["com.intuit.quickbooks.accounting", "openid"]), {
    redirect: "manual",
  });
  const token = await authClient.handleCallback(res.headers.get("location") ?? "");
  const realmId = token.realmId ?? "";
  await tokens.save(realmId, token);
  const qb = quickbooks(tokens, realmId);
  await qb.create("Vendor", { DisplayName: "Example Supplies" });
  await qb.create("Invoice", {
    CustomerRef: { value: "1" },
    Line: [{ Amount: 120, DetailType: "SalesItemLineDetail", SalesItemLineDetail: {} }],
  });
  console.log(`Emulator at ${emu.url}, company ${realmId}`);
  return { tokens, realmId, close: () => emu.close() };
}

const pool = new pg.Pool({ connectionString: databaseUrl });
const mirror = new PostgresMirror(pool, process.env["SYNC_TABLE_PREFIX"] ?? "qbo");
await mirror.ensureSchema();
const company = await connect();
const sync = new CompanySync({ qb: quickbooks(company.tokens, company.realmId), mirror, entities: ENTITIES });

const first = await sync.catchUp(); // the initial load when there is no checkpoint yet
console.log(`Mirrored company ${company.realmId}: ${first.upserted} rows written, ${first.deleted} deleted`);

const receiver = webhookReceiver({
  verifierToken,
  apply: (events) => sync.applyWebhook(events),
  onError: (err) => console.error("webhook processing failed; CDC catch-up will cover it:", err),
});
const server = createServer((req, res) => {
  if (req.url !== "/webhooks") return void res.writeHead(404).end();
  receiver.handle(req, res);
});
server.listen(Number(process.env["PORT"] ?? 8090), process.env["HOST"] ?? "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  console.log(`Listening for QuickBooks webhooks on http://127.0.0.1:${port}/webhooks`);
});
const timer = setInterval(() => {
  sync.catchUp().then(
    (r) => console.log(`Caught up: ${r.upserted} rows written, ${r.deleted} deleted`),
    (err: unknown) => console.error("catch-up failed:", err),
  );
}, interval);

async function stop(): Promise<void> {
  clearInterval(timer);
  server.close();
  await receiver.idle();
  await company.close();
  await pool.end();
  process.exit(0);
}
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());

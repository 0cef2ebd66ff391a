// Example: receive QuickBooks webhooks on Node's http server.
// It reads the raw body, verifies `intuit-signature` before parsing, answers 200 at once (Intuit
// resends anything not answered within 3 s), then hands the events to a queue worked off later.
//
//   INTUIT_WEBHOOK_VERIFIER_TOKEN=... PORT=8080 HOST=127.0.0.1 node --import tsx examples/webhooks/server.ts
//
// INTUIT_WEBHOOK_VERIFIER_TOKEN is required (the app's Webhooks page on the Intuit developer portal
// shows it): without it the example says so and exits with code 2.
//
// With Express, use `express.raw({ type: "*/*" })` on this route so `req.body` is the raw Buffer,
// then call `handleWebhook(req.body, req.get("intuit-signature"), verifierToken)` the same way.
import { createServer, type IncomingMessage } from "node:http";
import {
  handleWebhook,
  WebhookPayloadError,
  WebhookSignatureError,
  type WebhookEvent,
} from "../../packages/intuit-oauth-client/src/index.js";
import { verifierTokenFromEnv } from "./verifier-token.js";

// Deliveries here can come from the real Intuit, so there is no default token.
const verifierToken = verifierTokenFromEnv(process.env, { emulator: false });
const port = Number(process.env["PORT"] ?? 8080);
const host = process.env["HOST"] ?? "127.0.0.1"; // 0.0.0.0 to accept outside connections
const MAX_BODY = 5 * 1024 * 1024;

/** Stand-in for a real job queue (BullMQ, SQS...): events are processed after the 200 is sent. */
const queue: WebhookEvent[] = [];
async function processEvents(): Promise<void> {
  for (let e = queue.shift(); e; e = queue.shift()) {
    // e.g. `await quickbooks(tokens, e.realmId).get(`${e.entityName.toLowerCase()}/${e.entityId}`)`
    console.log(`${e.occurredAt} realm ${e.realmId}: ${e.entityName} ${e.entityId} ${e.operation}`);
  }
}

function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const server = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/webhooks") return res.writeHead(404).end();
  let events: WebhookEvent[];
  try {
    events = handleWebhook(await readRawBody(req), req.headers["intuit-signature"], verifierToken);
  } catch (err) {
    const status =
      err instanceof WebhookSignatureError ? 401 : err instanceof WebhookPayloadError ? 400 : 500;
    return res.writeHead(status).end();
  }
  res.writeHead(200).end();
  queue.push(...events);
  setImmediate(() => void processEvents().catch((err: unknown) => console.error("processing failed", err)));
});

server.listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  console.log(`Listening for QuickBooks webhooks on http://${host}:${bound}/webhooks`);
});

// The webhook side of the sync example: verifies `intuit-signature` over the raw body, answers 200 at
// once (Intuit resends anything not answered within 3 s), and applies the events afterwards, one
// delivery at a time, in arrival order. A failure is logged and left to CDC catch-up.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  handleWebhook,
  WebhookPayloadError,
  WebhookSignatureError,
  type WebhookEvent,
} from "../../packages/intuit-oauth-client/src/index.js";

const MAX_BODY = 5 * 1024 * 1024;

/** A request handler plus a way to wait until every accepted delivery has been applied. */
export interface WebhookReceiver {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Resolves once the queue is empty. */
  idle(): Promise<void>;
}

function rawBody(req: IncomingMessage): Promise<Buffer> {
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

export function webhookReceiver(options: {
  verifierToken: string;
  apply: (events: WebhookEvent[]) => Promise<unknown>;
  onError?: (err: unknown) => void;
}): WebhookReceiver {
  let chain: Promise<void> = Promise.resolve();
  return {
    handle(req, res) {
      if (req.method !== "POST") {
        res.writeHead(405).end();
        return;
      }
      rawBody(req).then(
        (body) => {
          let events: WebhookEvent[];
          try {
            events = handleWebhook(body, req.headers["intuit-signature"], options.verifierToken);
          } catch (err) {
            const status =
              err instanceof WebhookSignatureError ? 401 : err instanceof WebhookPayloadError ? 400 : 500;
            res.writeHead(status).end();
            return;
          }
          res.writeHead(200).end();
          chain = chain.then(() =>
            options.apply(events).then(() => undefined, options.onError ?? (() => {})),
          );
        },
        () => res.writeHead(400).end(),
      );
    },
    idle: async () => {
      for (;;) {
        const current = chain;
        await current;
        if (current === chain) return;
      }
    },
  };
}

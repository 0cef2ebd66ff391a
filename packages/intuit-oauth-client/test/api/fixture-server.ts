// A loopback server answering QuickBooks API calls from a handler, with a token source that needs no
// authorization server: for tests of the typed helpers' wire form, shaped after Intuit's documented
// answers where the emulator does not serve something yet.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MemoryApiLimits } from "../../src/stores/memory/api-limits.js";
import { quickbooks, type QuickBooksClient } from "../../src/api/quickbooks.js";

export interface SeenRequest {
  method: string;
  /** Path and query, e.g. `/v3/company/123/reports/ProfitAndLoss?start_date=…`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FixtureAnswer {
  status?: number;
  contentType?: string;
  body: string | Uint8Array | object;
}

export interface Fixture {
  url: string;
  seen: SeenRequest[];
  qb: QuickBooksClient;
  close(): Promise<void>;
}

/** Starts the server; `answer` decides each reply (default: 404 with a Fault). */
export async function fixtureServer(
  answer: (req: SeenRequest) => FixtureAnswer | undefined,
  realmId = "9130350000000001",
): Promise<Fixture> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const request: SeenRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(request);
      const reply: FixtureAnswer = answer(request) ?? {
        status: 404,
        body: { Fault: { Error: [{ Message: "not served", code: "610" }], type: "ValidationFault" } },
      };
      const bytes =
        typeof reply.body === "string" || reply.body instanceof Uint8Array
          ? reply.body
          : JSON.stringify(reply.body);
      res.writeHead(reply.status ?? 200, { "content-type": reply.contentType ?? "application/json" });
      res.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = {
    getAccessToken: async () => "fixture-access-token",
    refresh: async () => undefined,
    apiLimits: new MemoryApiLimits(),
  };
  return {
    url,
    seen,
    qb: quickbooks(tokens, realmId, { baseUrl: url, rateLimitRetries: 0 }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The transport used when the caller passes no `fetch`: node:http keep-alive in the Node build, a
// new one per HttpClient (which owns its connections). default-transport.web.ts picks the runtime's fetch.
import { createNodeTransport } from "./node-transport.js";
import type { Transport } from "./transport.js";

/** The runtime's best transport, for one HttpClient. */
export function createDefaultTransport(): Transport {
  return createNodeTransport();
}

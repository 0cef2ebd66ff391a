// The transport used when the caller passes no `fetch`, on runtimes without node:http: the
// runtime's own fetch. Same API as default-transport.ts, which the Node build uses instead.
import { fetchTransport } from "./fetch-transport.js";
import type { Transport } from "./transport.js";

/** The runtime's best transport: its global fetch, looked up at call time (tests may replace it). */
export function createDefaultTransport(): Transport {
  return fetchTransport((input, init) => globalThis.fetch(input, init));
}

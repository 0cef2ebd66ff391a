// The transport used when the caller passes no `fetch`: node:http keep-alive in the Node build.
// default-transport.web.ts picks the runtime's fetch instead.
import { nodeTransport } from "./node-transport.js";
import type { Transport } from "./transport.js";

/** The runtime's best transport. */
export const defaultTransport: Transport = nodeTransport;

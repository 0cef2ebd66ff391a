// `intuit-oauth-client/undici`: a transport over undici (an optional peer dependency) for the
// `transport` option. Only this face loads undici; the default transport stays dependency-free.
export {
  createUndiciTransport,
  type UndiciTransport,
  type UndiciTransportOptions,
} from "./http/undici-transport.js";
export type { Transport, TransportRequest, TransportResponse } from "./http/transport.js";

// The `intuit-oauth-client/store-kit/testing` subpath: the TokenStore conformance suite and sample records, for
// authors of their own stores. It only re-exports; it must never be imported by the library itself.
export { storeConformance } from "./store-conformance.js";
export type { ReopenOptions, StoreConformanceOptions, StoreFixture } from "./store-conformance.js";
export { fullRecord, minimalRecord } from "./records.js";

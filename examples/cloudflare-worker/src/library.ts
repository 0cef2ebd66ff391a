// The library, as this example sees it inside the repository (its source, so the type check needs no
// build). In your own Worker this whole file is two lines:
// `export * from "intuit-oauth-client";` and `export * from "intuit-oauth-client/store-kit";` (the
// demo token store uses the store authors' helpers).
// wrangler's bundler then picks the portable build through the package's `workerd` export condition.
export * from "../../../packages/intuit-oauth-client/src/index.portable.js";
export * from "../../../packages/intuit-oauth-client/src/store-kit.portable.js";

// The library, as this example sees it inside the repository (its source, so the type check needs no
// build). In your own Worker this whole file is one line: `export * from "intuit-oauth-client";`.
// wrangler's bundler then picks the portable build through the package's `workerd` export condition.
export * from "../../../packages/intuit-oauth-client/src/index.portable.js";

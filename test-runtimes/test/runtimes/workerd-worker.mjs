// The module worker test/runtimes/workerd.test.ts runs in workerd WITHOUT nodejs_compat. It imports
// the package by its name, which the test's config maps to the portable build, as wrangler's bundle
// would (the `workerd` export condition). POST a flow config as JSON; the answer is the flow's JSON lines.
import * as lib from "intuit-oauth-client";
import { runFlow } from "./flow.mjs";

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("POST a flow config\n", { status: 405 });
    const config = await request.json();
    const lines = [];
    await runFlow(lib, config, (line) => lines.push(JSON.stringify(line)));
    return new Response(`${lines.join("\n")}\n`, { headers: { "content-type": "application/x-ndjson" } });
  },
};

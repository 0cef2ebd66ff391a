// Row 13: the undici transport (`intuit-oauth-client/undici`). Sequential refresh round trips with
// ours over undici, against the raw limit of undici itself (Agent#request, body read and parsed,
// nothing else) and against ours over the default node:http transport, alternately.
import { Agent } from "undici";
import { createUndiciTransport } from "../packages/intuit-oauth-client/src/undici.js";
import type { BenchContext } from "./context.js";
import { CLIENT_ID, CLIENT_SECRET, ourClient } from "./fixtures.js";
import { alternate, fmtX, opsPerSecond, pairedRatio, summarize, type Row } from "./stats.js";

const TARGET = 0.9;

export async function benchUndici({ config, server }: BenchContext): Promise<Row[]> {
  const transport = createUndiciTransport();
  const viaUndici = ourClient(server, { transport });
  const viaNode = ourClient(server);
  const agent = new Agent({ keepAliveTimeout: 4_000, pipelining: 1 });
  const url = new URL(server.tokenEndpoint);
  const body = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: "bench-refresh-token-0",
  }).toString();
  const headers = {
    authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`,
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
    "user-agent": "bench",
  };
  const limit = async () => {
    const res = await agent.request({
      origin: url.origin,
      path: url.pathname,
      method: "POST",
      headers,
      body,
    });
    return res.body.json();
  };
  const ours = () => viaUndici.refresh("bench-refresh-token-0", { updateClient: false });
  const node = () => viaNode.refresh("bench-refresh-token-0", { updateClient: false });
  if ((await ours()).accessToken !== "bench-access-token")
    throw new Error("ours (undici): unexpected answer");
  await limit();
  await node();
  const samples = await alternate(
    [
      { name: "limit", run: () => opsPerSecond(limit, config.runMs, 4) },
      { name: "ours", run: () => opsPerSecond(ours, config.runMs, 4) },
      { name: "node", run: () => opsPerSecond(node, config.runMs, 4) },
    ],
    config,
  );
  await agent.close();
  await transport.close();
  const get = (n: string) => samples.get(n) ?? [];
  const vsLimit = pairedRatio(get("ours"), get("limit"));
  const vsNode = pairedRatio(get("ours"), get("node"));
  const met = vsLimit.median >= TARGET;
  const notes = [
    "One refresh at a time over one keep-alive connection; the loopback server answers a fixed token response.",
    "The limit sends the same request with undici's own Agent#request and parses the JSON; ours goes through the whole refresh path (AuthClient.refresh) with the `transport` option set to createUndiciTransport().",
  ];
  if (!met)
    notes.push(`MISSED: ours over undici is ${fmtX(vsLimit.median)}× raw undici, target ≥ ${TARGET}×.`);
  return [
    {
      id: "13",
      what: "Refresh round trips over the undici transport (intuit-oauth-client/undici), sequential (req/s)",
      contenders: [
        { name: "limit (undici Agent#request)", summary: summarize(get("limit")), unit: "req/s" },
        { name: "ours over undici", summary: summarize(get("ours")), unit: "req/s" },
        { name: "ours over node:http (default)", summary: summarize(get("node")), unit: "req/s" },
      ],
      ratios: [
        { label: "ours (undici) / limit", summary: vsLimit },
        { label: "ours (undici) / ours (node:http)", summary: vsNode },
      ],
      target: `≥ ${TARGET}× raw undici; report against the node:http default`,
      met,
      notes,
      facts: { ours: summarize(get("ours")).median },
    },
  ];
}

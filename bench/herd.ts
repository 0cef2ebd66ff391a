// Row 3: thundering herd. 1,000 concurrent "give me a valid token" calls on an expired token:
// ours through TokenManager.getAccessToken, intuit-oauth through the usual
// `isAccessTokenValid() ? token : await refresh()` on one shared client. The server counts the
// refresh requests; it answers after a short delay, as a real token endpoint would.
import { MemoryTokenStore, TokenManager, type TokenSet } from "../packages/intuit-oauth-client/src/index.js";
import type { BenchContext } from "./context.js";
import { ourClient, peerClient } from "./fixtures.js";
import { alternate, fmtCount, summarize, type Row } from "./stats.js";

const DELAY_MS = 20;
const REALM = "9130350000000001";

function expiredToken(now: number): TokenSet {
  return {
    accessToken: "expired-access-token",
    refreshToken: "bench-refresh-token",
    tokenType: "bearer",
    expiresIn: 3600,
    xRefreshTokenExpiresIn: 8726400,
    accessTokenExpiresAt: now - 1000,
    refreshTokenExpiresAt: now + 8726400 * 1000,
    receivedAt: now - 3601 * 1000,
    realmId: REALM,
    realmIdVerified: true, // as a proven grant is saved
  };
}

export async function benchHerd({ config, server }: BenchContext): Promise<Row[]> {
  const callers = config.quick ? 50 : 1000;
  const counts = { ours: [] as number[], peer: [] as number[] };
  const herd = async (kind: "ours" | "peer"): Promise<number> => {
    let call: () => Promise<string>;
    if (kind === "ours") {
      const tokens = new TokenManager({ authClient: ourClient(server), store: new MemoryTokenStore() });
      await tokens.save(REALM, expiredToken(Date.now()));
      call = () => tokens.getAccessToken(REALM);
    } else {
      const client = peerClient(server);
      client.getToken().createdAt = Date.now() - 3601 * 1000; // expired an instant ago
      call = async () => {
        if (!client.isAccessTokenValid()) await client.refresh();
        return client.getToken().access_token;
      };
    }
    await server.reset(DELAY_MS);
    const start = performance.now();
    const results = await Promise.all(Array.from({ length: callers }, call));
    const ms = performance.now() - start;
    const stats = await server.stats();
    if (!results.every((t) => t === "bench-access-token"))
      throw new Error(`${kind}: a caller did not get the new token`);
    counts[kind].push(stats.token);
    return ms;
  };
  const samples = await alternate(
    [
      { name: "ours", run: () => herd("ours") },
      { name: "intuit-oauth", run: () => herd("peer") },
    ],
    config,
  );
  await server.reset();
  const ourCount = summarize(counts.ours.slice(-config.runs));
  const peerCount = summarize(counts.peer.slice(-config.runs));
  const met = ourCount.max === 1 && ourCount.min === 1;
  const notes = [
    `${callers} callers started together on an expired token; the token endpoint answers after ${DELAY_MS} ms. Wall time is from the first call to the last answer.`,
    `Refresh requests counted at the server per run: ours ${fmtCount(ourCount)}, intuit-oauth ${fmtCount(peerCount)}.`,
  ];
  if (!met)
    notes.push(
      `MISSED: ours sent ${ourCount.min}–${ourCount.max} refresh requests per herd, target exactly 1.`,
    );
  return [
    {
      id: "3",
      what: `Thundering herd: ${callers.toLocaleString("en-US")} concurrent getAccessToken on an expired token`,
      contenders: [
        {
          name: "ours (TokenManager)",
          summary: summarize(samples.get("ours") ?? []),
          unit: "ms",
          extra: `refresh requests: ${fmtCount(ourCount)}`,
        },
        {
          name: "intuit-oauth (shared client)",
          summary: summarize(samples.get("intuit-oauth") ?? []),
          unit: "ms",
          extra: `refresh requests: ${fmtCount(peerCount)}`,
        },
      ],
      ratios: [],
      target: "ours makes exactly 1 refresh request; report the peer's count",
      met,
      notes,
      facts: {
        ourRefreshRequests: ourCount.max,
        ourRefreshRequestsMin: ourCount.min,
        peerRefreshRequests: peerCount.median,
      },
    },
  ];
}

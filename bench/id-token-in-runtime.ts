// Row 8, the half that runs INSIDE Bun, Deno or workerd: ID-token validation by the library build the
// runtime loaded (AuthClient.validateIdToken, warm JWKS) against that runtime's own limit:
// crypto.subtle.verify with a key imported once, plus the same claim checks (checkClaims). bench/
// runtimes.ts bundles this file into one module with no imports; it may use web globals only.
import type * as Library from "../packages/intuit-oauth-client/src/index.portable.js";
import { checkClaims } from "../packages/intuit-oauth-client/src/oauth/id-token.js";
import { alternate, opsPerSecond } from "./stats.js";

/** What the Node side sends: one signed token, its key, and the size of the run. */
export interface InRuntimeConfig {
  token: string;
  /** The public key of the token's `kid`, as the JWKS serves it. */
  jwk: JsonWebKey;
  issuer: string;
  clientId: string;
  /** The loopback server's JWKS (fetched once by our client, then cached). */
  jwksUri: string;
  origin: string;
  runs: number;
  warmup: number;
  runMs: number;
}

/** Ops/s per contender, in round order, plus what the limit's decoder was. */
export interface InRuntimeResult {
  samples: Record<string, number[]>;
  decoder: string;
}

/** A library build as the runtime loaded it (the portable one, or Bun's pick: the Node one). */
type LibraryModule = Pick<typeof Library, "AuthClient">;

const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

interface Base64Native {
  fromBase64?: (text: string, options: { alphabet: "base64url" }) => Uint8Array<ArrayBuffer>;
}

/** The runtime's fastest base64url decoder: Uint8Array.fromBase64 where it exists, else atob. */
function base64UrlDecoder(): { name: string; decode: (text: string) => Uint8Array<ArrayBuffer> } {
  const native = (Uint8Array as unknown as Base64Native).fromBase64;
  if (typeof native === "function")
    return {
      name: "Uint8Array.fromBase64",
      decode: (text) => native.call(Uint8Array, text, { alphabet: "base64url" }),
    };
  return {
    name: "atob",
    decode: (text) => {
      const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
      const out = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
      return out;
    },
  };
}

/** Runs the limit and every library alternately; `libraries` maps a contender name to a build. */
export async function runIdTokenBench(
  libraries: Record<string, LibraryModule>,
  config: InRuntimeConfig,
): Promise<InRuntimeResult> {
  const { token } = config;
  const expected = { issuer: config.issuer, clientId: config.clientId };
  const key = await crypto.subtle.importKey("jwk", config.jwk, RS256, false, ["verify"]);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const base64 = base64UrlDecoder();
  const limit = async () => {
    const a = token.indexOf(".");
    const b = token.indexOf(".", a + 1);
    const ok = await crypto.subtle.verify(
      RS256,
      key,
      base64.decode(token.slice(b + 1)),
      encoder.encode(token.slice(0, b)),
    );
    if (!ok) throw new Error("limit: bad signature");
    return checkClaims(JSON.parse(decoder.decode(base64.decode(token.slice(a + 1, b)))), expected);
  };
  const contenders = [{ name: "limit", run: () => opsPerSecond(limit, config.runMs, 16) }];
  for (const [name, lib] of Object.entries(libraries)) {
    const client = new lib.AuthClient({
      clientId: config.clientId,
      clientSecret: "bench-client-secret",
      redirectUri: "http://127.0.0.1:9/callback",
      environment: {
        issuer: config.issuer,
        authorizationEndpoint: `${config.origin}/connect/oauth2`,
        tokenEndpoint: `${config.origin}/oauth2/v1/tokens/bearer`,
        revocationEndpoint: `${config.origin}/v2/oauth2/tokens/revoke`,
        userinfoEndpoint: `${config.origin}/v1/openid_connect/userinfo`,
        jwksUri: config.jwksUri,
      },
    });
    const claims = await client.validateIdToken(token); // correctness first; warms the JWKS cache
    if (claims.aud === undefined) throw new Error(`${name}: no claims`);
    contenders.push({ name, run: () => opsPerSecond(() => client.validateIdToken(token), config.runMs, 16) });
  }
  await limit();
  const samples = await alternate(contenders, config);
  return { samples: Object.fromEntries(samples), decoder: base64.name };
}

// What the token manager needs from an OAuth client: refresh a grant, revoke a token. AuthClient
// implements it; so can a test double or another client. The manager never reaches further in.
import type { HttpClient } from "../http/request.js";
import type { IntuitEndpoints } from "../oauth/environments.js";
import type { TokenSet } from "../oauth/token-set.js";

/** The narrow interface TokenManager depends on. */
export interface TokenClient {
  /** Refreshes a grant. `updateClient: false` asks a stateful client to keep nothing. */
  refresh(
    refreshToken: string,
    options: {
      realmId?: string;
      idToken?: string;
      signal?: AbortSignal;
      updateClient?: boolean;
    },
  ): Promise<TokenSet>;
  /** Revokes a token at Intuit. */
  revoke(token: string, options: { signal?: AbortSignal; updateClient?: boolean }): Promise<unknown>;
  /** The clock for expiry decisions (epoch ms). Default `Date.now`. */
  readonly clock?: () => number;
  /** The HTTP client whose logger the manager writes to, and which API helpers share. */
  readonly http?: HttpClient;
  /** Endpoints, from which API helpers take their base URLs. */
  readonly endpoints?: Readonly<IntuitEndpoints>;
}

// What the QuickBooks API helper needs from whoever holds the tokens: a valid access token for a
// realm, a refresh after a 401, and the limits its helpers share. TokenManager implements it; the
// helper never reaches further.
import type { HttpClient } from "../http/request.js";
import type { IntuitEndpoints } from "../oauth/environments.js";
import type { ApiLimits } from "../state/api-limits.js";

/** An access-token source for the API helper. */
export interface QuickBooksTokens {
  /** A valid access token for the realm (refreshed first when it is about to expire). */
  getAccessToken(realmId: string): Promise<string>;
  /** Refreshes the realm's tokens, unless another caller already replaced `rejectedAccessToken`. */
  refresh(realmId: string, options: { rejectedAccessToken?: string }): Promise<unknown>;
  /** The HTTP client to share (keep-alive sockets, logger, timeouts), when the source has one. */
  readonly http?: HttpClient;
  /** Where the API base URLs come from, when the source knows its environment. */
  readonly endpoints?: Readonly<IntuitEndpoints> | undefined;
  /**
   * The limits every helper of this source goes through (a TokenManager's `apiLimits`). A source
   * without them needs the helper's `limits` option.
   */
  readonly apiLimits?: ApiLimits | undefined;
}

// `requestid` replay (platform reference §14.3): the first request with a given id for a company runs,
// and every later one with that id gets the first one's answer instead of running again. A request
// arriving while the first is still running waits for its answer. Per realm, in memory, bounded.
import type { Reply } from "./reply.js";

/** Most remembered ids per realm; the oldest are forgotten first (Intuit's retention is not documented). */
const MAX_PER_REALM = 10_000;

/** The answers of requests that carried a `requestid`, per realm. */
export class RequestReplay {
  readonly #realms = new Map<string, Map<string, Promise<Reply>>>();

  /**
   * The answer for `requestId` in `realmId`: the remembered one, or `run()`'s, remembered for next time.
   * `replayed` says which.
   */
  async answer(
    realmId: string,
    requestId: string,
    run: () => Promise<Reply>,
  ): Promise<{ reply: Reply; replayed: boolean }> {
    let seen = this.#realms.get(realmId);
    if (!seen) this.#realms.set(realmId, (seen = new Map()));
    const earlier = seen.get(requestId);
    if (earlier) return { reply: await earlier, replayed: true };
    const pending = run();
    seen.set(requestId, pending);
    if (seen.size > MAX_PER_REALM) seen.delete(seen.keys().next().value as string);
    try {
      return { reply: await pending, replayed: false };
    } catch (err) {
      seen.delete(requestId); // a request that failed inside the emulator never ran: let it run again
      throw err;
    }
  }

  clear(): void {
    this.#realms.clear();
  }
}

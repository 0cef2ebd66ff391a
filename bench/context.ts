// What every benchmark is given: the size of the run, one key pair, and the one loopback server
// (started once, in its own process) that serves every contender.
import { makeKeys, type KeyFixture } from "./fixtures.js";
import { startLoopback, type Loopback } from "./loopback.js";
import { benchConfig, type BenchConfig } from "./stats.js";

export interface BenchContext {
  config: BenchConfig;
  keys: KeyFixture;
  server: Loopback;
  close(): Promise<void>;
}

export async function createContext(quick: boolean): Promise<BenchContext> {
  const keys = makeKeys();
  const server = await startLoopback(keys.jwks);
  return { config: benchConfig(quick), keys, server, close: () => server.close() };
}

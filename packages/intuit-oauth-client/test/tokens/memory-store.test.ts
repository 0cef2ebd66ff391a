// MemoryTokenStore against the shared TokenStore conformance suite. No store internals here.
import { MemoryTokenStore } from "../../src/stores/memory/token-store.js";
import { storeConformance } from "../../src/testing/index.js";

storeConformance("MemoryTokenStore", async () => ({
  store: new MemoryTokenStore(),
  cleanup: async () => {},
}));

// MemoryTokenStore against the shared TokenStore conformance suite. No store internals here.
import { MemoryTokenStore } from "../../src/tokens/stores/memory.js";
import { storeConformance } from "../../src/testing/index.js";

storeConformance("MemoryTokenStore", async () => ({
  store: new MemoryTokenStore(),
  cleanup: async () => {},
}));

// The public face on Node (and Bun): everything in index.portable.ts, plus the parts that need
// Node's built-ins: the file token and state stores and encryption at rest. It only re-exports.
export * from "./index.portable.js";
export { FileTokenStore, defaultTokenDirectory, defaultConfigDirectory } from "./stores/file/token-store.js";
export type { FileTokenStoreOptions } from "./stores/file/token-store.js";
export { FileStateStore } from "./stores/file/state-store.js";
export type { FileStateStoreOptions } from "./stores/file/state-store.js";
export type { EncryptionKey, EncryptionKeys } from "./tokens/encryption.js";

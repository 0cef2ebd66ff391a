// The public face on Node (and Bun): everything in index.portable.ts, plus the parts that need
// Node's built-ins: the file token and state stores and encryption at rest. It only re-exports.
export * from "./index.portable.js";
export { FileTokenStore, defaultTokenDirectory, defaultConfigDirectory } from "./tokens/stores/file.js";
export type { FileTokenStoreOptions } from "./tokens/stores/file.js";
export { FileStateStore } from "./client/file-state-store.js";
export type { FileStateStoreOptions } from "./client/file-state-store.js";
export {
  decryptRecordText,
  encryptRecordText,
  parseEncryptionKey,
  recordTextFormat,
} from "./tokens/encryption.js";
export type { EncryptionKey, EncryptionKeys, RecordSource, RecordTextFormat } from "./tokens/encryption.js";
export { recordCodec } from "./tokens/record-codec.js";
export type { RecordCodec, RecordCodecOptions } from "./tokens/record-codec.js";

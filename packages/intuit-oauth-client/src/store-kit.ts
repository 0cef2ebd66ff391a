// The `intuit-oauth-client/store-kit` subpath on Node: everything in store-kit.portable.ts plus
// encryption at rest (node:crypto). The conformance suite is beside it, at
// `intuit-oauth-client/store-kit/testing`. It only re-exports.
export * from "./store-kit.portable.js";
export {
  decryptRecordText,
  encryptRecordText,
  parseEncryptionKey,
  recordTextFormat,
} from "./tokens/encryption.js";
export type { EncryptionKey, EncryptionKeys, RecordSource, RecordTextFormat } from "./tokens/encryption.js";
export { recordCodec } from "./tokens/record-codec.js";
export type { RecordCodec, RecordCodecOptions } from "./tokens/record-codec.js";

// The record codec of text-keeping stores (file, Redis, PostgreSQL, or yours): JSON, plus
// AES-256-GCM bound to the realm when a key is configured. Node only (node:crypto).
import {
  decryptRecordText,
  describeSource,
  encryptRecordText,
  keysFromOptionOrEnv,
  recordTextFormat,
  type EncryptionKeys,
  type RecordSource,
} from "./encryption.js";
import { freezeRecord, parseRecord, serializeRecord } from "./record.js";
import { checkRealmId } from "./realm-id.js";
import { UnreadableRecordError } from "./store-errors.js";
import type { TokenRecord } from "./store.js";

/** Options of {@link recordCodec}, and of every store that encrypts. */
export interface RecordCodecOptions {
  /**
   * AES-256-GCM key (32 bytes), or a list of keys to rotate: the first encrypts every write, and
   * each is tried on reads, so records under an older key stay readable until encryptStoredRecords
   * rewrites them (docs/stores.md, "Rotating the key"). Default: `INTUIT_OAUTH_ENCRYPTION_KEY` (one
   * key, or several separated by commas, the writing key first), else no encryption.
   */
  encryptionKey?: EncryptionKeys | undefined;
  /**
   * Migration switch: with a key set, still read plaintext and old `enc:v1:` records (they are
   * rewritten as `enc:v2:` on their next write, or by encryptStoredRecords). Off by default: with a
   * key, such records are refused, since anyone who can write to the storage could plant them.
   */
  allowPlaintextRecords?: boolean | undefined;
}

/** Turns records into stored text and back, encrypting when a key is configured. */
export interface RecordCodec {
  /** True when records are written encrypted. */
  readonly encrypted: boolean;
  /** The record as stored text; throws InvalidRealmIdError for an invalid realm id. */
  encode(record: TokenRecord): string;
  /**
   * Reads stored text (or an already-parsed object from a JSON column) found under
   * `source.realmId`. Throws UnreadableRecordError when it is corrupt, cannot be decrypted, is
   * refused (plaintext or `enc:v1:` with a key, without `allowPlaintextRecords`), or belongs to
   * another realm.
   */
  decode(stored: unknown, source: RecordSource): TokenRecord;
}

/**
 * The codec every text-keeping store uses: JSON, plus AES-256-GCM bound to the realm when a key is
 * given (or in the environment).
 *
 * @example
 * const codec = recordCodec({ encryptionKey: process.env.TOKEN_KEY });
 * await db.put(record.realmId, codec.encode(record));
 * const back = codec.decode(await db.get(realmId), { realmId, location: `row ${realmId}` });
 */
export function recordCodec(options: RecordCodecOptions = {}): RecordCodec {
  const keys = keysFromOptionOrEnv(options.encryptionKey);
  const key = keys[0];
  const allowPlaintext = options.allowPlaintextRecords === true;
  return {
    encrypted: key !== undefined,
    encode(record) {
      const realmId = checkRealmId(record.realmId);
      const json = serializeRecord(record);
      return key ? encryptRecordText(json, key, realmId) : json;
    },
    decode(stored, source) {
      const plaintext = typeof stored !== "string" || recordTextFormat(stored) === "plaintext";
      if (plaintext && key && !allowPlaintext)
        throw new UnreadableRecordError(
          `${describeSource(source)} are not encrypted, but an encryption key is set; encrypt them with encryptStoredRecords on a store opened with allowPlaintextRecords: true (docs/stores.md)`,
          { ...source, reason: "plaintext_refused" },
        );
      const json =
        plaintext || typeof stored !== "string"
          ? stored
          : decryptRecordText(stored, keys, source, { allowLegacy: allowPlaintext });
      let record: TokenRecord;
      try {
        record = parseRecord(json);
      } catch (cause) {
        throw new UnreadableRecordError(
          `${describeSource(source)} are corrupt: ${(cause as Error).message}`,
          {
            ...source,
            reason: "corrupt",
            cause,
          },
        );
      }
      const tokenRealm = record.token.realmId;
      if (record.realmId !== source.realmId || (tokenRealm !== undefined && tokenRealm !== source.realmId))
        throw new UnreadableRecordError(
          `${describeSource(source)} belong to another realm (the record was copied or moved), and are refused`,
          { ...source, reason: "realm_mismatch" },
        );
      return freezeRecord(record);
    },
  };
}

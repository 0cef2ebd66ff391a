// Errors of token stores. Each has a stable code; none ever holds a token value (messages name the
// realm, the location and what is wrong, never stored contents).
import { IntuitOAuthError, type ErrorParent } from "../common/errors.js";

/** A store failed to read or write. The previous record is intact. */
export class TokenStoreError extends IntuitOAuthError {
  static override readonly code = "ERR_TOKEN_STORE";
  declare readonly code:
    | "ERR_TOKEN_STORE"
    | "ERR_UNREADABLE_RECORD"
    | "ERR_INVALID_REALM_ID"
    | "ERR_UNSAFE_TOKEN_DIRECTORY"
    | "ERR_REDIS_PERSISTENCE";
}

/**
 * Why a stored record could not be read:
 * - `corrupt`: not a valid record (bad JSON, missing or malformed fields);
 * - `undecryptable`: wrong key, tampered data, a truncated tag, or encrypted for another realm;
 * - `key_missing`: the record is encrypted and the store has no key;
 * - `plaintext_refused`: the store has a key and the record is plaintext (see `allowPlaintextRecords`);
 * - `legacy_format`: an `enc:v1:` record, not bound to its realm (see `allowPlaintextRecords`);
 * - `realm_mismatch`: the record belongs to another realm than the key, file or row it was under;
 * - `bad_name`: a file or key name that is not a valid realm id in the store's encoding;
 * - `io_error`: the storage refused to read this one record (e.g. a directory where a file should be).
 */
export type UnreadableRecordReason =
  | "corrupt"
  | "undecryptable"
  | "key_missing"
  | "plaintext_refused"
  | "legacy_format"
  | "realm_mismatch"
  | "bad_name"
  | "io_error";

/** Details of an {@link UnreadableRecordError}. */
export interface UnreadableRecordDetails {
  realmId: string;
  reason: UnreadableRecordReason;
  location?: string | undefined;
  cause?: unknown;
}

/**
 * A stored record could not be read (corrupt, undecryptable, wrong realm, bad name). `get` throws
 * it; `list` skips the record and reports it through `onUnreadable`, so one bad record never hides
 * the others.
 *
 * @example
 * const records = await store.list({ onUnreadable: (e) => log.warn(e.realmId, e.reason, e.location) });
 */
export class UnreadableRecordError extends (TokenStoreError as ErrorParent<typeof TokenStoreError>) {
  static override readonly code = "ERR_UNREADABLE_RECORD";
  declare readonly code: "ERR_UNREADABLE_RECORD";
  /** The realm it belongs to (for an undecodable file name: the raw name stem). */
  readonly realmId: string;
  /** File path, Redis key or table/row description; never token values. */
  readonly location: string | undefined;
  /** What is wrong with it. */
  readonly reason: UnreadableRecordReason;
  constructor(message: string, details: UnreadableRecordDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.realmId = details.realmId;
    this.location = details.location;
    this.reason = details.reason;
  }
}

/** A realm id that no store accepts: see {@link checkRealmId} for the rule. */
export class InvalidRealmIdError extends (TokenStoreError as ErrorParent<typeof TokenStoreError>) {
  static override readonly code = "ERR_INVALID_REALM_ID";
  declare readonly code: "ERR_INVALID_REALM_ID";
}

/**
 * FileTokenStore's directory is unsafe: a symbolic link, not a directory, writable by its group or
 * other users, or owned by another user. The message names the path and the fix.
 */
export class UnsafeTokenDirectoryError extends (TokenStoreError as ErrorParent<typeof TokenStoreError>) {
  static override readonly code = "ERR_UNSAFE_TOKEN_DIRECTORY";
  declare readonly code: "ERR_UNSAFE_TOKEN_DIRECTORY";
  /** The directory as configured. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

// FileTokenStore: one JSON file per realm in a private directory (0700, files 0600), refused when
// the directory is a symlink, shared-writable or someone else's. Writes are atomic (temp file,
// fsync, rename); a lock is a claim file with a lease (file-claim.ts, the same claim as the
// FileStateStore's), so a crashed holder blocks nobody past its lease. One machine only: use Redis
// or PostgreSQL across machines.
import { positiveMs, REQUIRED } from "../../common/options.js";
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { isClaimId, removeClaim, takeClaim } from "./file-claim.js";
import { checkPrivateDirectory } from "./private-directory.js";
import { checkRealmId, compareRealmIds, isValidRealmId } from "../../tokens/realm-id.js";
import { recordCodec, type RecordCodec, type RecordCodecOptions } from "../../tokens/record-codec.js";
import {
  TokenStoreError,
  UnreadableRecordError,
  UnsafeTokenDirectoryError,
} from "../../tokens/store-errors.js";
import { checkBefore, checkLimit, dueAt, dueRecordsPage, realmIdsPage } from "../../tokens/paging.js";
import type { ListOptions, PageOptions, TokenPage, TokenRecord, TokenStore } from "../../tokens/store.js";

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions extends RecordCodecOptions {
  /** Directory for the token files. Default: `<config dir>/intuit-oauth-client/tokens`. */
  directory?: string;
}

/** The user's config directory: XDG on Linux, Application Support on macOS, APPDATA on Windows. */
export function defaultConfigDirectory(): string {
  if (process.platform === "win32") return process.env["APPDATA"] ?? join(homedir(), "AppData", "Roaming");
  if (process.platform === "darwin") return join(homedir(), "Library", "Application Support");
  return process.env["XDG_CONFIG_HOME"] || join(homedir(), ".config");
}

/** Default directory of the file store. */
export function defaultTokenDirectory(): string {
  return join(defaultConfigDirectory(), "intuit-oauth-client", "tokens");
}

function fileName(realmId: string): string {
  return encodeURIComponent(realmId).replace(/\./g, "%2E");
}

/** The realm a file name stem stands for, or undefined unless it is exactly what fileName() writes. */
function realmOfStem(stem: string): string | undefined {
  let realmId: string;
  try {
    realmId = decodeURIComponent(stem);
  } catch {
    return undefined; // e.g. %E0: not UTF-8
  }
  return isValidRealmId(realmId) && fileName(realmId) === stem ? realmId : undefined;
}

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === code;
}

/**
 * Stores tokens as files on this machine. The default store of the CLI.
 *
 * @example
 * const tokens = new TokenManager({ authClient, store: new FileTokenStore() });
 */
export class FileTokenStore implements TokenStore {
  readonly directory: string;
  readonly #codec: RecordCodec;
  #safe = false; // true once the directory was found safe

  constructor(options: FileTokenStoreOptions = {}) {
    this.directory = options.directory ?? defaultTokenDirectory();
    this.#codec = recordCodec(options);
  }

  /**
   * Checks (once) that the directory is safe; with `create`, makes it first. Resolves false when it
   * does not exist and `create` is false: there is nothing stored yet.
   */
  async #ready(create: boolean): Promise<boolean> {
    if (this.#safe) return true;
    if (create)
      await fs.mkdir(this.directory, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
        // A file in the way is reported by the check below, with its fix.
        if (!isErrno(err, "EEXIST"))
          throw new TokenStoreError(`Cannot create token directory ${this.directory}`, { cause: err });
      });
    this.#safe = await checkPrivateDirectory(this.directory, {
      unsafe: (problem) =>
        new UnsafeTokenDirectoryError(this.directory, `Token directory ${this.directory} ${problem}`),
      failed: (cause) => new TokenStoreError(`Cannot inspect token directory ${this.directory}`, { cause }),
    });
    return this.#safe;
  }

  #path(realmId: string, ext: string): string {
    return join(this.directory, `${fileName(checkRealmId(realmId))}.${ext}`);
  }

  async get(realmId: string): Promise<TokenRecord | undefined> {
    const path = this.#path(realmId, "json");
    if (!(await this.#ready(false))) return undefined;
    return this.#read(realmId, path);
  }

  async #read(realmId: string, path: string): Promise<TokenRecord | undefined> {
    let text: string;
    try {
      text = await fs.readFile(path, "utf8");
    } catch (err) {
      if (isErrno(err, "ENOENT")) return undefined;
      const code = (err as NodeJS.ErrnoException | null)?.code ?? "error";
      throw new UnreadableRecordError(
        `Cannot read the stored tokens of realm ${realmId} (${path}): ${code}`,
        {
          realmId,
          location: path,
          reason: "io_error",
          cause: err,
        },
      );
    }
    return this.#codec.decode(text, { realmId, location: path });
  }

  async set(record: TokenRecord): Promise<void> {
    const target = this.#path(record.realmId, "json");
    const text = this.#codec.encode(record);
    await this.#ready(true);
    const temp = join(this.directory, `.${fileName(record.realmId)}.${process.pid}.${randomUUID()}.tmp`);
    try {
      const handle = await fs.open(temp, "wx", 0o600);
      try {
        await handle.writeFile(text, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => {});
      throw new TokenStoreError(`Cannot write tokens of realm ${record.realmId}`, { cause: err });
    }
    await this.#syncDirectory();
  }

  async #syncDirectory(): Promise<void> {
    // Makes the rename itself durable; not supported everywhere, so best effort.
    try {
      const dir = await fs.open(this.directory, "r");
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      /* best effort */
    }
  }

  async delete(realmId: string): Promise<void> {
    const path = this.#path(realmId, "json");
    if (!(await this.#ready(false))) return;
    try {
      await fs.rm(path, { force: true });
    } catch (err) {
      throw new TokenStoreError(`Cannot delete tokens of realm ${realmId}`, { cause: err });
    }
  }

  async list(options: ListOptions = {}): Promise<TokenRecord[]> {
    const found = await this.#entries(options);
    found.sort((a, b) => compareRealmIds(a.realmId, b.realmId));
    return this.#readAll(found, options);
  }

  /**
   * At most `limit` records in realm-id order, and the next cursor. Only the page's files are
   * read (the directory listing itself is read whole). Badly named files are reported with the
   * first page.
   */
  async listPage(limit: number, options: PageOptions = {}): Promise<TokenPage> {
    checkLimit(limit);
    const found = await this.#entries(options.cursor === undefined ? options : {});
    const paths = new Map(found.map((f) => [f.realmId, f.path]));
    const page = realmIdsPage([...paths.keys()], limit, options.cursor);
    const entries = page.realmIds.map((realmId) => ({ realmId, path: paths.get(realmId) ?? "" }));
    return { records: await this.#readAll(entries, options), cursor: page.cursor };
  }

  /**
   * Records due by `before`, earliest first. A one-machine store has no index: every page reads
   * every file (O(stored) time), keeping only the due records (O(due) memory). Unreadable files
   * are reported with the first page.
   */
  async listDue(before: number, limit: number, options: PageOptions = {}): Promise<TokenPage> {
    checkBefore(before);
    checkLimit(limit);
    const report = options.cursor === undefined ? options : {};
    const due: TokenRecord[] = [];
    for (const record of await this.#readAll(await this.#entries(report), report)) {
      const at = dueAt(record);
      if (at !== undefined && at <= before) due.push(record);
    }
    return dueRecordsPage(due, before, limit, options.cursor);
  }

  /** The realm files of the directory (unsorted); misnamed `.json` files are reported. */
  async #entries(options: ListOptions): Promise<Array<{ realmId: string; path: string }>> {
    if (!(await this.#ready(false))) return [];
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch (err) {
      if (isErrno(err, "ENOENT")) return [];
      throw new TokenStoreError(`Cannot list ${this.directory}`, { cause: err });
    }
    const found: Array<{ realmId: string; path: string }> = [];
    for (const name of names) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const stem = name.slice(0, -".json".length);
      const path = join(this.directory, name);
      const realmId = realmOfStem(stem);
      if (realmId !== undefined) found.push({ realmId, path });
      else
        options.onUnreadable?.(
          new UnreadableRecordError(
            `The token file ${path} is not named as FileTokenStore names a realm's file; rename or remove it`,
            { realmId: stem, location: path, reason: "bad_name" },
          ),
        );
    }
    return found;
  }

  /** Reads the files in order; a missing one is skipped, an unreadable one reported. */
  async #readAll(
    entries: Array<{ realmId: string; path: string }>,
    options: ListOptions,
  ): Promise<TokenRecord[]> {
    const records: TokenRecord[] = [];
    for (const { realmId, path } of entries) {
      try {
        const record = await this.#read(realmId, path);
        if (record) records.push(record);
      } catch (e) {
        if (!(e instanceof UnreadableRecordError)) throw e;
        options.onUnreadable?.(e);
      }
    }
    return records;
  }

  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    positiveMs("leaseMs", leaseMs, REQUIRED);
    const path = this.#path(realmId, "lock");
    await this.#ready(true);
    const now = Date.now();
    try {
      // The owner is the identity of the claim file this call created: unlock removes that file only.
      return await takeClaim(path, now + leaseMs, now);
    } catch (err) {
      throw new TokenStoreError(`Cannot lock realm ${realmId}`, { cause: err });
    }
  }

  async unlock(realmId: string, owner: string): Promise<void> {
    const path = this.#path(realmId, "lock");
    if (!(await this.#ready(false)) || !isClaimId(owner)) return;
    try {
      await removeClaim(path, owner);
    } catch (err) {
      throw new TokenStoreError(`Cannot unlock realm ${realmId}`, { cause: err });
    }
  }
}

// FileTokenStore: one JSON file per realm in a private directory (0700, files 0600).
// Writes are atomic (temp file, fsync, rename); locks are O_EXCL lock files with a lease, so a
// crashed holder blocks nobody past its lease. One machine only: use Redis or PostgreSQL across machines.
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import type { EncryptionKey } from "../encryption.js";
import { recordCodec, type RecordCodec } from "../record.js";
import { TokenStoreError, type TokenRecord, type TokenStore } from "../store.js";

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** Directory for the token files. Default: `<config dir>/intuit-oauth-client/tokens`. */
  directory?: string;
  /** AES-256-GCM key (32 bytes). Default: `INTUIT_OAUTH_ENCRYPTION_KEY`, else no encryption. */
  encryptionKey?: EncryptionKey;
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

const BREAKER_STALE_MS = 10_000;

function fileName(realmId: string): string {
  return encodeURIComponent(realmId).replace(/\./g, "%2E");
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
  #ready: Promise<void> | undefined;

  constructor(options: FileTokenStoreOptions = {}) {
    this.directory = options.directory ?? defaultTokenDirectory();
    this.#codec = recordCodec(options.encryptionKey);
  }

  #ensureDirectory(): Promise<void> {
    this.#ready ??= fs.mkdir(this.directory, { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (err: unknown) => {
        this.#ready = undefined;
        throw new TokenStoreError(`Cannot create token directory ${this.directory}`, { cause: err });
      },
    );
    return this.#ready;
  }

  #path(realmId: string, ext: string): string {
    if (typeof realmId !== "string" || realmId === "")
      throw new TokenStoreError("realmId must be a non-empty string");
    return join(this.directory, `${fileName(realmId)}.${ext}`);
  }

  async get(realmId: string): Promise<TokenRecord | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.#path(realmId, "json"), "utf8");
    } catch (err) {
      if (isErrno(err, "ENOENT")) return undefined;
      throw new TokenStoreError(`Cannot read tokens of realm ${realmId}`, { cause: err });
    }
    return this.#codec.decode(text);
  }

  async set(record: TokenRecord): Promise<void> {
    await this.#ensureDirectory();
    const target = this.#path(record.realmId, "json");
    const text = this.#codec.encode(record);
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
    try {
      await fs.rm(this.#path(realmId, "json"), { force: true });
    } catch (err) {
      throw new TokenStoreError(`Cannot delete tokens of realm ${realmId}`, { cause: err });
    }
  }

  async list(): Promise<TokenRecord[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.directory);
    } catch (err) {
      if (isErrno(err, "ENOENT")) return [];
      throw new TokenStoreError(`Cannot list ${this.directory}`, { cause: err });
    }
    const records: TokenRecord[] = [];
    for (const name of names) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const record = await this.get(decodeURIComponent(name.slice(0, -".json".length)));
      if (record) records.push(record);
    }
    return records;
  }

  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    await this.#ensureDirectory();
    const path = this.#path(realmId, "lock");
    const owner = randomUUID();
    const content = JSON.stringify({
      owner,
      expiresAt: Date.now() + leaseMs,
      pid: process.pid,
      host: hostname(),
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.writeFile(path, content, { flag: "wx", mode: 0o600 });
        return owner;
      } catch (err) {
        if (!isErrno(err, "EEXIST"))
          throw new TokenStoreError(`Cannot lock realm ${realmId}`, { cause: err });
      }
      const held = await fs.readFile(path, "utf8").catch(() => undefined);
      if (held === undefined) continue; // released meanwhile: try again
      if (!(await isExpired(held, path))) return undefined;
      await this.#breakStaleLock(path, held);
    }
    return undefined;
  }

  /** Removes an expired lock, guarded by an O_EXCL breaker file so two breakers cannot both win. */
  async #breakStaleLock(path: string, seen: string): Promise<void> {
    const breaker = `${path}.break`;
    try {
      await fs.writeFile(breaker, String(Date.now()), { flag: "wx", mode: 0o600 });
    } catch {
      const stat = await fs.stat(breaker).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > BREAKER_STALE_MS) await fs.rm(breaker, { force: true });
      return;
    }
    try {
      const now = await fs.readFile(path, "utf8").catch(() => undefined);
      if (now === seen) await fs.rm(path, { force: true });
    } finally {
      await fs.rm(breaker, { force: true });
    }
  }

  async unlock(realmId: string, owner: string): Promise<void> {
    const path = this.#path(realmId, "lock");
    const held = await fs.readFile(path, "utf8").catch(() => undefined);
    if (held !== undefined && ownerOf(held) === owner) await fs.rm(path, { force: true });
  }
}

function parseLock(text: string): { owner?: unknown; expiresAt?: unknown } | undefined {
  try {
    return JSON.parse(text) as { owner?: unknown; expiresAt?: unknown };
  } catch {
    return undefined;
  }
}

function ownerOf(text: string): unknown {
  return parseLock(text)?.owner;
}

const HALF_WRITTEN_GRACE_MS = 5_000;

async function isExpired(text: string, path: string): Promise<boolean> {
  const lock = parseLock(text);
  if (typeof lock?.expiresAt === "number") return lock.expiresAt <= Date.now();
  // Unreadable: being written right now, or its writer crashed. Only the latter is old.
  const stat = await fs.stat(path).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs > HALF_WRITTEN_GRACE_MS;
}

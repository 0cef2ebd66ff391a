// FileStateStore: a StateStore in a directory, for several processes on one machine. One file per
// key, created with O_EXCL (the kernel decides who was first); the file holds the key's expiry.
// Node only. It stores hashes of keys, never a state or a code.
import { randomBytes } from "node:crypto";
import { link, mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { toBase64Url, utf8 } from "../common/bytes.js";
import { ConfigurationError, SharedStoreError } from "../common/errors.js";
import { sha256 } from "../crypto/digest.js";
import { checkConsume, type StateStore } from "./state-store.js";

/** Options of {@link FileStateStore}. */
export interface FileStateStoreOptions {
  /** The directory (created 0700 if missing). Every process sharing it shares the store. */
  directory: string;
  /** Epoch ms. Default `Date.now`. */
  clock?: () => number;
}

// Expired files are removed by every this-many consumes of a process.
const SWEEP_EVERY = 256;

// A process that dies between creating a key's file and writing its expiry leaves the file empty.
// Such a file is a live claim while it is young, and an expired one once its mtime (real time) is
// older than this: writing a number takes microseconds.
const ORPHAN_AFTER_MS = 60_000;

/**
 * A StateStore in a directory shared by the processes of one machine.
 *
 * @example
 * const authClient = new AuthClient({ ...options, stateStore: new FileStateStore({ directory: "/var/lib/app/states" }) });
 */
export class FileStateStore implements StateStore {
  readonly directory: string;
  readonly #clock: () => number;
  #ready: Promise<void> | undefined;
  #consumes = 0;

  constructor(options: FileStateStoreOptions) {
    if (typeof options?.directory !== "string" || options.directory === "")
      throw new ConfigurationError("FileStateStore needs a directory");
    this.directory = options.directory;
    this.#clock = options.clock ?? Date.now;
  }

  async consume(keys: readonly string[], ttlMs: number): Promise<string[]> {
    checkConsume(keys, ttlMs);
    await this.#prepare();
    if (++this.#consumes % SWEEP_EVERY === 0) void this.sweep().catch(() => {});
    const seen: string[] = [];
    // In order: a key given twice is marked by its first occurrence and seen by the second.
    for (const key of keys) if (!(await this.#claim(key, ttlMs))) seen.push(key);
    return seen;
  }

  async release(keys: readonly string[]): Promise<void> {
    await this.#prepare();
    for (const key of keys) await this.#fs("release", () => unlink(this.#path(key))).catch(ignoreMissing);
  }

  /** Removes the files of expired keys (also done every 256 consumes of a process). */
  async sweep(): Promise<void> {
    await this.#prepare();
    const names = await this.#fs("sweep", () => readdir(this.directory));
    const now = this.#clock();
    for (const name of names) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(name)) continue;
      const path = join(this.directory, name);
      const until = await readExpiry(path);
      if (until !== undefined && until <= now) await this.#retire(path, now);
    }
  }

  /** True when this call marked the key; false when it was marked and not expired. */
  async #claim(key: string, ttlMs: number): Promise<boolean> {
    const path = this.#path(key);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.#clock();
      try {
        const handle = await open(path, "wx", 0o600);
        try {
          await handle.writeFile(String(now + ttlMs));
        } finally {
          await handle.close();
        }
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST")
          throw new SharedStoreError(`FileStateStore: cannot write in ${this.directory}`, { cause: err });
      }
      const until = await readExpiry(path);
      // A file being written right now (empty, and young) belongs to a live claim.
      if (until === undefined || until > now) return false;
      await this.#retire(path, now);
    }
    return false;
  }

  /**
   * Removes an expired key's file. It is first renamed aside (only one process can), then checked
   * again: a fresh file moved by mistake (re-created in between) is linked back.
   */
  async #retire(path: string, now: number): Promise<void> {
    const aside = `${path}.${toBase64Url(randomBytes(6))}.old`;
    try {
      await rename(path, aside);
    } catch (err) {
      return ignoreMissing(err);
    }
    const until = await readExpiry(aside);
    if (until === undefined || until > now) await link(aside, path).catch(() => {});
    await unlink(aside).catch(() => {});
  }

  #path(key: string): string {
    return join(this.directory, toBase64Url(sha256(utf8(key))));
  }

  #prepare(): Promise<void> {
    this.#ready ??= this.#fs("create the directory", () =>
      mkdir(this.directory, { recursive: true, mode: 0o700 }).then(() => undefined),
    ).catch((e: unknown) => {
      this.#ready = undefined;
      throw e;
    });
    return this.#ready;
  }

  async #fs<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT" && what === "release") throw err;
      throw new SharedStoreError(`FileStateStore: ${what} failed in ${this.directory}`, { cause: err });
    }
  }
}

async function readExpiry(path: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const value = Number(text);
  if (text !== "" && Number.isFinite(value)) return value;
  try {
    // Expired at the epoch: an orphan of a write that never finished.
    if (Date.now() - (await stat(path)).mtimeMs > ORPHAN_AFTER_MS) return 0;
  } catch {
    // Gone meanwhile: as unreadable as before.
  }
  return undefined;
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException)?.code !== "ENOENT") throw err;
}

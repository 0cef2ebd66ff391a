// FileStateStore: a StateStore in a private directory, for several processes on one machine. One
// file per key, holding the key's expiry, claimed with link() so the kernel decides who was first
// (file-claim.ts). Node only. It stores hashes of keys, never a state or a code.
import { mkdir, readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { toBase64Url, utf8 } from "../../common/bytes.js";
import { ConfigurationError, SharedStoreError } from "../../common/errors.js";
import { sha256 } from "../../crypto/digest.js";
import { CLAIM_LEFTOVER, ignoreMissing, readClaim, removeClaim, takeClaim } from "./file-claim.js";
import { checkPrivateDirectory } from "./private-directory.js";
import { checkConsume, type StateStore } from "../../state/state-store.js";

/** Options of {@link FileStateStore}. */
export interface FileStateStoreOptions {
  /**
   * The directory (created 0700 if missing). Every process sharing it shares the store. It must be
   * this user's and writable by nobody else, or every call fails with SharedStoreError.
   */
  directory: string;
  /** Epoch ms. Default `Date.now`. */
  clock?: () => number;
}

// Expired files are removed by every this-many consumes of a process.
const SWEEP_EVERY = 256;
// A temp file this old was left by a process that died between writing and linking it.
const TEMP_LEFTOVER_MS = 10 * 60_000;

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
    const mine: Array<{ path: string; id: string }> = [];
    try {
      // In order: a key given twice is marked by its first occurrence and seen by the second.
      for (const key of keys) {
        const path = this.#path(key);
        const now = this.#clock();
        const id = await this.#fs("consume", () => takeClaim(path, now + ttlMs, now));
        if (id === undefined) seen.push(key);
        else mine.push({ path, id });
      }
    } catch (err) {
      // All or nothing: a key marked by this call and left marked would refuse its redelivery.
      for (const { path, id } of mine.reverse()) await removeClaim(path, id).catch(() => {});
      throw err;
    }
    return seen;
  }

  async release(keys: readonly string[]): Promise<void> {
    await this.#prepare();
    for (const key of keys) await this.#fs("release", () => unlink(this.#path(key)).catch(ignoreMissing));
  }

  /** Removes the files of expired keys (also done every 256 consumes of a process). */
  async sweep(): Promise<void> {
    await this.#prepare();
    const names = await this.#fs("sweep", () => readdir(this.directory));
    const now = this.#clock();
    for (const name of names) {
      const path = join(this.directory, name);
      if (/^[A-Za-z0-9_-]{43}$/.test(name)) {
        const held = await readClaim(path).catch(() => undefined);
        if (held?.until !== undefined && held.until <= now) await removeClaim(path, held.id).catch(() => {});
      } else await this.#removeLeftover(path, name).catch(() => {});
    }
  }

  /** Removes what a claim left behind when its process died: an old temp file, a guard of a gone file. */
  async #removeLeftover(path: string, name: string): Promise<void> {
    const [, claim, kind, guarded] = CLAIM_LEFTOVER.exec(name) ?? [];
    if (claim === undefined) return;
    if (guarded !== undefined) {
      // A guard matters only while the file it guards is there; that file can never come back.
      const held = await readClaim(join(this.directory, claim));
      if (held?.id !== guarded) await unlink(path).catch(ignoreMissing);
    } else if (kind && Date.now() - (await stat(path)).mtimeMs > TEMP_LEFTOVER_MS)
      await unlink(path).catch(ignoreMissing);
  }

  #path(key: string): string {
    return join(this.directory, toBase64Url(sha256(utf8(key))));
  }

  #prepare(): Promise<void> {
    this.#ready ??= this.#fs("create the directory", async () => {
      await mkdir(this.directory, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
        // A file in the way is reported by the check, with its fix.
        if ((err as NodeJS.ErrnoException | null)?.code !== "EEXIST") throw err;
      });
      await checkPrivateDirectory(this.directory, {
        unsafe: (problem) => new SharedStoreError(`FileStateStore: directory ${this.directory} ${problem}`),
        failed: (cause) =>
          new SharedStoreError(`FileStateStore: cannot inspect ${this.directory}`, { cause }),
      });
    }).catch((e: unknown) => {
      this.#ready = undefined;
      throw e;
    });
    return this.#ready;
  }

  async #fs<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof SharedStoreError) throw err;
      throw new SharedStoreError(`FileStateStore: ${what} failed in ${this.directory}`, { cause: err });
    }
  }
}

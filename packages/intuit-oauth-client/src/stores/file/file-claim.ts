// The one exclusive file with an expiry that both file stores use, for processes racing on one
// machine: a FileStateStore key file and a FileTokenStore refresh lock. A claim is written whole to a
// unique temp file and then link()ed to its name: the kernel lets exactly one link win (EEXIST for the
// rest). An expired claim is replaced only under a guard file named after that very file (inode and
// times), so of the racers who saw it expire exactly one replaces it, and nobody can replace a claim
// younger than the one they saw. Node only.
import { randomBytes } from "node:crypto";
import { link, open, rename, stat, unlink } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { toBase64Url } from "../../common/bytes.js";

/** A claim file as read: which file it is, and until when it holds (undefined: a live claim being written). */
export interface ClaimFile {
  /** The file's identity: inode and modification and birth times, in nanoseconds. */
  id: string;
  until: number | undefined;
}

// A claim file left empty (or unreadable), by a process that died while writing it in place, is a
// live claim while young and an expired one after this.
export const ORPHAN_AFTER_MS = 60_000;
// A guard is held for two system calls. One this old belongs to a process that died holding it
// (or stalled for a minute, which this store cannot tell from dying).
const GUARD_STALE_MS = 60_000;
// Guard levels tried past stale ones, before giving up (the key then reads as taken).
const GUARD_LEVELS = 4;
// How long a racer waits for another's guard before it gives up (the key then reads as taken).
const GUARD_WAIT_MS = 10_000;
// Re-reads of a key whose file changed under us, before giving up (the key then reads as taken).
const ATTEMPTS = 16;

/** The names a key's claim leaves next to it (temp files, guards), for FileStateStore's sweep. */
export const CLAIM_LEFTOVER = /^([A-Za-z0-9_-]{43})\.(?:[A-Za-z0-9_-]+\.(tmp)|(\d+-\d+-\d+)\.take\d)$/;

function identity(s: BigIntStats): string {
  return `${s.ino}-${s.mtimeNs}-${s.birthtimeNs}`;
}

/** True when `id` has the shape of a claim file's identity (so it is safe in a guard file's name). */
export function isClaimId(id: unknown): id is string {
  return typeof id === "string" && /^\d+-\d+-\d+$/.test(id);
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Reads the claim file at `path`, or undefined when there is none. */
export async function readClaim(path: string): Promise<ClaimFile | undefined> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    if (errno(err) === "ENOENT") return undefined;
    throw err;
  }
  try {
    // Identity and content from one descriptor: they describe the same file.
    const s = await handle.stat({ bigint: true });
    if (!s.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: "EISDIR" });
    const text = await handle.readFile("utf8");
    const value = Number(text);
    if (text !== "" && Number.isFinite(value)) return { id: identity(s), until: value };
    // Expired at the epoch once old: an orphan of a write that never finished.
    const old = Date.now() - Number(s.mtimeMs) > ORPHAN_AFTER_MS;
    return { id: identity(s), until: old ? 0 : undefined };
  } finally {
    await handle.close();
  }
}

/**
 * Claims `path` until `until`, unless a live claim holds it (expired at or before `now`). Resolves
 * the identity of the new claim file when this call won, undefined when the key is taken.
 */
export async function takeClaim(path: string, until: number, now: number): Promise<string | undefined> {
  const temp = `${path}.${toBase64Url(randomBytes(9))}.tmp`;
  const handle = await open(temp, "wx", 0o600);
  try {
    let mine: string;
    try {
      await handle.writeFile(String(until));
      mine = identity(await handle.stat({ bigint: true }));
    } finally {
      await handle.close();
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await link(temp, path);
        return mine;
      } catch (err) {
        if (errno(err) !== "EEXIST") throw err;
      }
      const held = await readClaim(path);
      if (held === undefined) continue; // released or swept meanwhile: try the link again
      if (held.until === undefined || held.until > now) return undefined;
      // Expired: replace that very file (rename is atomic), and only it.
      const outcome = await underGuard(path, held.id, () => rename(temp, path));
      if (outcome === "done") return mine;
      if (outcome === "busy") return undefined;
    }
    return undefined;
  } finally {
    await unlink(temp).catch(ignoreMissing);
  }
}

/** Removes the claim file `id` from `path`, if it is still there. */
export async function removeClaim(path: string, id: string): Promise<void> {
  await underGuard(path, id, () => unlink(path));
}

/**
 * Runs `fn` while holding the guard of claim file `id`, if `path` still holds that file. While the
 * guard is held and the file is there, nobody else can replace or remove it; so `fn` acts on the
 * file that was seen. Resolves "done" (fn ran), "changed" (`path` holds another file, or none; read
 * it again) or "busy" (another process held the guard too long).
 */
async function underGuard(
  path: string,
  id: string,
  fn: () => Promise<void>,
): Promise<"done" | "changed" | "busy"> {
  const deadline = Date.now() + GUARD_WAIT_MS;
  let pause = 1;
  for (let level = 0; level < GUARD_LEVELS;) {
    const guard = `${path}.${id}.take${level}`;
    try {
      await (await open(guard, "wx", 0o600)).close();
    } catch (err) {
      if (errno(err) !== "EEXIST") throw err;
      const age = await stat(guard).then(
        (s) => Date.now() - s.mtimeMs,
        () => undefined,
      );
      if (age === undefined) continue; // released meanwhile: try it again
      if (age > GUARD_STALE_MS) {
        level++; // its holder died: the next level stands in for it
        continue;
      }
      // Another racer is replacing or removing this file: once it is done, read the key again.
      if (Date.now() > deadline) return "busy";
      await sleep(pause);
      pause = Math.min(pause * 2, 50);
      if (!(await holds(path, id))) return "changed";
      continue;
    }
    try {
      if (!(await holds(path, id))) return "changed";
      await fn();
      return "done";
    } finally {
      await unlink(guard).catch(ignoreMissing);
    }
  }
  return "busy";
}

async function holds(path: string, id: string): Promise<boolean> {
  try {
    return identity(await stat(path, { bigint: true })) === id;
  } catch (err) {
    if (errno(err) === "ENOENT") return false;
    throw err;
  }
}

export function ignoreMissing(err: unknown): void {
  if (errno(err) !== "ENOENT") throw err;
}

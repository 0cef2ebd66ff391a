// Writes the emulator's persisted state privately: a fresh temp file (O_EXCL, 0600, never through a
// symlink), then an atomic rename. It must never write through a path someone else prepared.
import { closeSync, constants, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";

// O_NOFOLLOW is missing on Windows; O_EXCL alone already refuses an existing symlink there.
const FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Create `path` (it must not exist, not even as a dangling symlink) with mode 0600 and write `data`. */
export function writePrivateFileExclusive(path: string, data: string): void {
  const fd = openSync(path, FLAGS, 0o600);
  try {
    const bytes = Buffer.from(data, "utf8");
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  } finally {
    closeSync(fd);
  }
}

/** Replace `path` atomically: a private temp file with an unguessable name beside it, then rename. */
export function replaceFilePrivately(path: string, data: string): void {
  const tmp = `${path}.${randomBytes(12).toString("hex")}.tmp`;
  try {
    writePrivateFileExclusive(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw err;
  }
}

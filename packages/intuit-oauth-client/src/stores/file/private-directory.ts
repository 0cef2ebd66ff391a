// The check a file-backed store (FileTokenStore, FileStateStore) runs on its directory before it
// trusts it: a real directory of this process's user that nobody else can write to, since another
// local user who can write there can delete, replace or plant files. Node only.
import { lstat, realpath } from "node:fs/promises";
import { resolve } from "node:path";

/** How a store turns what the check finds into its own errors. */
export interface PrivateDirectoryErrors {
  /** The directory is unsafe. `problem` continues a sentence that starts with the path, and gives the fix. */
  unsafe(problem: string): Error;
  /** The directory could not be inspected (for a reason other than not existing). */
  failed(cause: unknown): Error;
}

/**
 * Resolves true when `directory` is safe, false when it does not exist; rejects with
 * `errors.unsafe(…)` when it is a symbolic link, not a directory, writable by its group or other
 * users, or owned by another user. (Ownership and mode are not checked on Windows.)
 */
export async function checkPrivateDirectory(
  directory: string,
  errors: PrivateDirectoryErrors,
): Promise<boolean> {
  let stat;
  try {
    stat = await lstat(resolve(directory));
  } catch (err) {
    if ((err as NodeJS.ErrnoException | null)?.code === "ENOENT") return false;
    throw errors.failed(err);
  }
  if (stat.isSymbolicLink()) {
    const target = await realpath(directory).catch(() => undefined);
    throw errors.unsafe(
      `is a symbolic link${target ? ` to ${target}` : ""}: whoever can change the link can redirect the files. ` +
        `Configure the real directory${target ? ` (${target})` : ""} instead, or replace the link with a directory`,
    );
  }
  if (!stat.isDirectory())
    throw errors.unsafe("is not a directory: configure another directory, or move that file away");
  if (process.platform === "win32") return true;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid)
    throw errors.unsafe(
      `belongs to user ${stat.uid}, not to this process's user ${uid}: run as its owner, or \`chown ${uid} ${directory}\``,
    );
  if (stat.mode & 0o020) throw errors.unsafe(`is writable by its group: run \`chmod 700 ${directory}\``);
  if (stat.mode & 0o002) throw errors.unsafe(`is writable by other users: run \`chmod 700 ${directory}\``);
  return true;
}

// FileTokenStore safety (security item 11): an unsafe token directory is refused with the path and
// the fix, and a bad file name or a corrupt file never breaks list() for the other realms.
import assert from "node:assert/strict";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { FileTokenStore, type UnreadableRecordError } from "../../src/index.js";
import { minimalRecord } from "../../src/testing/index.js";

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "intuit-file-safety-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const REALM = "4620816365";

/** Every store operation, each of which must refuse an unsafe directory. */
function operations(store: FileTokenStore): Array<[string, () => Promise<unknown>]> {
  return [
    ["set", () => store.set(minimalRecord(REALM))],
    ["get", () => store.get(REALM)],
    ["list", () => store.list()],
    ["delete", () => store.delete(REALM)],
    ["tryLock", () => store.tryLock(REALM, 1000)],
    ["unlock", () => store.unlock(REALM, "owner")],
  ];
}

async function assertRefused(
  store: FileTokenStore,
  path: string,
  problem: RegExp,
  fix: string,
): Promise<void> {
  for (const [name, op] of operations(store))
    await assert.rejects(
      op(),
      (e: Error & { code?: string; path?: string }) => {
        assert.equal(e.name, "UnsafeTokenDirectoryError", `${name}: ${e.message}`);
        assert.equal(e.code, "ERR_UNSAFE_TOKEN_DIRECTORY");
        assert.equal(e.path, path);
        assert.ok(e.message.includes(path), `${name}: the message names ${path}: ${e.message}`);
        assert.match(e.message, problem);
        assert.ok(e.message.includes(fix), `${name}: the message gives the fix "${fix}": ${e.message}`);
        return true;
      },
      name,
    );
}

test("a token directory that is a symbolic link is refused, and nothing is written through it", async (t) => {
  const dir = tempDir(t);
  const real = join(dir, "real");
  mkdirSync(real, { mode: 0o700 });
  const link = join(dir, "link");
  symlinkSync(real, link);
  await assertRefused(new FileTokenStore({ directory: link }), link, /is a symbolic link/, real);
  assert.deepEqual(readdirSync(real), []);
});

test("a group- or world-writable token directory is refused with the chmod that fixes it", async (t) => {
  for (const mode of [0o770, 0o720, 0o707, 0o777, 0o1777]) {
    const dir = join(tempDir(t), "tokens");
    mkdirSync(dir);
    chmodSync(dir, mode);
    await assertRefused(
      new FileTokenStore({ directory: dir }),
      dir,
      /is writable by (its group|other users)/,
      `chmod 700 ${dir}`,
    );
    chmodSync(dir, 0o700);
    const store = new FileTokenStore({ directory: dir });
    await store.set(minimalRecord(REALM));
    assert.deepEqual(await store.get(REALM), minimalRecord(REALM), "fixed: it works");
  }
});

test("private, and group- or world-readable directories are accepted", async (t) => {
  for (const mode of [0o700, 0o750, 0o755]) {
    const dir = join(tempDir(t), "tokens");
    mkdirSync(dir);
    chmodSync(dir, mode);
    const store = new FileTokenStore({ directory: dir });
    await store.set(minimalRecord(REALM));
    assert.deepEqual(await store.list(), [minimalRecord(REALM)], mode.toString(8));
  }
});

test("a path that is a file, not a directory, is refused", async (t) => {
  const file = join(tempDir(t), "tokens");
  writeFileSync(file, "", { mode: 0o600 });
  await assertRefused(
    new FileTokenStore({ directory: file }),
    file,
    /is not a directory/,
    "another directory",
  );
});

test(
  "a token directory owned by another user is refused with the chown that fixes it",
  { skip: process.getuid?.() !== 0 && "only root can give a directory to another user" },
  async (t) => {
    const dir = join(tempDir(t), "tokens");
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    await assertRefused(new FileTokenStore({ directory: dir }), dir, /belongs to user 65534/, `chown`);
  },
);

test("a missing directory reads as empty and is created 0700 on the first write", async (t) => {
  const dir = join(tempDir(t), "a", "tokens");
  const store = new FileTokenStore({ directory: dir });
  assert.equal(await store.get(REALM), undefined);
  assert.deepEqual(await store.list(), []);
  await store.set(minimalRecord(REALM));
  assert.deepEqual(await store.list(), [minimalRecord(REALM)]);
});

test("bad file names and corrupt files never break list(); each is reported for its own realm", async (t) => {
  const dir = tempDir(t);
  const store = new FileTokenStore({ directory: dir });
  await store.set(minimalRecord("4620816361"));
  await store.set(minimalRecord(REALM));
  await store.set(minimalRecord("4620816362"));
  const bad = JSON.stringify(minimalRecord("4620816399"));
  writeFileSync(join(dir, "%E0.json"), bad); // not decodable
  writeFileSync(join(dir, "%00.json"), bad); // decodes to a control character
  writeFileSync(join(dir, `%34620816365.json`), JSON.stringify(minimalRecord(REALM))); // a second name for REALM
  writeFileSync(join(dir, "good-1.json"), bad); // not a realm id: realm ids are digits
  writeFileSync(join(dir, "4620816371.json"), '{"realmId":"4620816371","token":{"accessToken":"SECRET-AT"');
  mkdirSync(join(dir, "4620816372.json"));
  // Not records: temp files, lock files, other files.
  writeFileSync(join(dir, ".4620816361.123.tmp"), "{");
  writeFileSync(join(dir, "4620816361.lock"), "{");
  writeFileSync(join(dir, "notes.txt"), "hello");

  const reported: UnreadableRecordError[] = [];
  const listed = await store.list({ onUnreadable: (e) => reported.push(e) });
  assert.deepEqual(listed, [minimalRecord("4620816361"), minimalRecord("4620816362"), minimalRecord(REALM)]);
  const row = (realmId: string, reason: string, file = `${realmId}.json`) => [
    "UnreadableRecordError",
    "ERR_UNREADABLE_RECORD",
    realmId,
    reason,
    join(dir, file),
  ];
  assert.deepEqual(
    reported
      .map((e) => [e.name, e.code, e.realmId, e.reason, e.location])
      .sort((a, b) => (String(a[2]) < String(b[2]) ? -1 : 1)),
    [
      row("%00", "bad_name"),
      row("%34620816365", "bad_name"),
      row("%E0", "bad_name"),
      row("4620816371", "corrupt"),
      row("4620816372", "io_error"),
      row("good-1", "bad_name"),
    ],
  );
  for (const e of reported) assert.equal(e.message.includes("SECRET-AT"), false);
  await assert.rejects(store.get("4620816371"), {
    name: "UnreadableRecordError",
    realmId: "4620816371",
    reason: "corrupt",
    location: join(dir, "4620816371.json"),
  });
});

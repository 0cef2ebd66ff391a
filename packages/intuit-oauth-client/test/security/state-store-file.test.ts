// FileStateStore (issue 19, items 8, 10 and 14): it refuses a directory another local user could
// write to, as FileTokenStore does; of processes racing on one key whose claim has expired exactly
// one wins; and a consume that fails part way leaves none of its keys marked.
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FileStateStore, FileTokenStore } from "../../src/index.js";
import { minimalRecord } from "../../src/testing/index.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "intuit-state-sec-"));
  dirs.push(dir);
  return dir;
}

async function assertRefused(store: FileStateStore, problem: RegExp, fix: string): Promise<void> {
  const operations: Array<[string, () => Promise<unknown>]> = [
    ["consume", () => store.consume(["callback-state:x"], 60_000)],
    ["release", () => store.release(["callback-state:x"])],
    ["sweep", () => store.sweep()],
  ];
  for (const [name, op] of operations)
    await assert.rejects(
      op(),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "ERR_SHARED_STORE", `${name}: ${e.message}`);
        assert.ok(e.message.includes(store.directory), `${name} names the directory: ${e.message}`);
        assert.match(e.message, problem);
        assert.ok(e.message.includes(fix), `${name} gives the fix "${fix}": ${e.message}`);
        return true;
      },
      name,
    );
}

test("a state directory writable by its group or other users is refused with the chmod that fixes it", async () => {
  for (const mode of [0o770, 0o720, 0o707, 0o777, 0o1777]) {
    const dir = join(tempDir(), "states");
    mkdirSync(dir);
    chmodSync(dir, mode);
    await assertRefused(
      new FileStateStore({ directory: dir }),
      /is writable by (its group|other users)/,
      `chmod 700 ${dir}`,
    );
    assert.deepEqual(readdirSync(dir), [], "nothing was written");
    chmodSync(dir, 0o700);
    const store = new FileStateStore({ directory: dir });
    assert.deepEqual(await store.consume(["k"], 60_000), [], "fixed: it works");
    assert.deepEqual(await store.consume(["k"], 60_000), ["k"]);
  }
});

test("a state directory that is a symbolic link is refused, and nothing is written through it", async () => {
  const dir = tempDir();
  const real = join(dir, "real");
  mkdirSync(real, { mode: 0o700 });
  const link = join(dir, "link");
  symlinkSync(real, link);
  await assertRefused(new FileStateStore({ directory: link }), /is a symbolic link/, real);
  assert.deepEqual(readdirSync(real), []);
});

test(
  "a state directory owned by another user is refused with the chown that fixes it",
  { skip: process.getuid?.() !== 0 && "only root can give a directory to another user" },
  async () => {
    const dir = join(tempDir(), "states");
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    await assertRefused(new FileStateStore({ directory: dir }), /belongs to user 65534/, "chown");
    assert.deepEqual(readdirSync(dir), []);
  },
);

test("a missing state directory is created 0700 and used", async () => {
  const dir = join(tempDir(), "a", "states");
  const store = new FileStateStore({ directory: dir });
  assert.deepEqual(await store.consume(["k"], 60_000), []);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
});

/** `count` consumer processes; `race(directory, key)` has each consume `key` at once. */
async function racers(count: number) {
  const children: ChildProcess[] = [];
  const waiting = new Map<number, Array<(answer: { won?: boolean; error?: string }) => void>>();
  for (let i = 0; i < count; i++) {
    const child = fork(join(import.meta.dirname, "fixtures", "state-claim-racer.ts"), [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`a racer exited (${code}) before it was ready`)));
    });
    child.on("message", (m: { round: number; won?: boolean; error?: string }) =>
      waiting.get(m.round)?.shift()?.(m),
    );
  }
  let rounds = 0;
  return {
    async race(directory: string, key: string, realmId?: string) {
      const round = rounds++;
      const answers = children.map(
        () =>
          new Promise<{ won?: boolean; error?: string }>((resolve) => {
            const list = waiting.get(round) ?? [];
            list.push(resolve);
            waiting.set(round, list);
          }),
      );
      for (const child of children) child.send({ round, directory, key, realmId });
      const all = await Promise.all(answers);
      waiting.delete(round);
      return all;
    },
    stop: () => children.forEach((c) => c.kill()),
  };
}

test("8 processes consume one key whose claim expired, 600 rounds: exactly one wins every round", async () => {
  const directory = tempDir();
  const pool = await racers(8);
  const expired = new FileStateStore({ directory, clock: () => 1_000 });
  const failures: string[] = [];
  try {
    for (let round = 0; round < 600; round++) {
      const key = `webhook-event:${round}`;
      assert.deepEqual(await expired.consume([key], 1), []); // a claim that expired long ago
      const answers = await pool.race(directory, key);
      const errors = answers.filter((a) => a.error !== undefined).map((a) => a.error);
      assert.deepEqual(errors, [], `round ${round}`);
      const winners = answers.filter((a) => a.won).length;
      if (winners !== 1) failures.push(`round ${round}: ${winners} winners`);
    }
  } finally {
    pool.stop();
  }
  assert.deepEqual(failures, []);
  // Nothing left behind but the claims themselves.
  assert.deepEqual(
    readdirSync(directory).filter((name) => !/^[A-Za-z0-9_-]{43}$/.test(name)),
    [],
  );
});

test("FileTokenStore's refresh lock is the same claim: 8 processes take one realm's expired lock, 300 rounds, exactly one wins every round", async () => {
  const directory = tempDir();
  const pool = await racers(8);
  const failures: string[] = [];
  try {
    await new FileTokenStore({ directory }).set(minimalRecord("4620816365"));
    for (let round = 0; round < 300; round++) {
      const realmId = String(4620816365 + round);
      // A lock whose lease ended long ago: a claim file that holds an expiry in the past.
      writeFileSync(join(directory, `${realmId}.lock`), "1000", { mode: 0o600 });
      const answers = await pool.race(directory, "", realmId);
      const errors = answers.filter((a) => a.error !== undefined).map((a) => a.error);
      assert.deepEqual(errors, [], `round ${round}`);
      const winners = answers.filter((a) => a.won).length;
      if (winners !== 1) failures.push(`round ${round}: ${winners} winners`);
    }
  } finally {
    pool.stop();
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(
    readdirSync(directory).filter((name) => !/^\d+\.(lock|json)$/.test(name)),
    [],
    "nothing left behind but the locks and the record",
  );
});

test("a consume that fails part way leaves none of its keys marked (a redelivery is not a duplicate)", async () => {
  const directory = tempDir();
  // A store error after the first mark: the clock fails on the second key.
  let calls = 0;
  const failing = new FileStateStore({
    directory,
    clock: () => {
      if (++calls === 2) throw new Error("clock failure");
      return Date.now();
    },
  });
  await assert.rejects(failing.consume(["event-a", "event-b"], 60_000), /clock failure/);
  // An I/O error on the second key: its file is a directory.
  const store = new FileStateStore({ directory });
  await store.consume(["probe"], 60_000);
  const before = new Set(readdirSync(directory));
  await store.consume(["event-c"], 60_000);
  const cFile = readdirSync(directory).find((name) => !before.has(name))!;
  await store.release(["event-c"]);
  mkdirSync(join(directory, cFile));
  await assert.rejects(store.consume(["event-d", "event-c"], 60_000), {
    code: "ERR_SHARED_STORE",
    message: `FileStateStore: consume failed in ${directory}`,
  });
  // The redelivery is taken, not refused as a duplicate.
  assert.deepEqual(await store.consume(["event-a", "event-b", "event-d"], 60_000), []);
});

test("a process that died while replacing an expired claim blocks the key for a minute at most, and sweep() clears what it left", async () => {
  const directory = tempDir();
  const expired = new FileStateStore({ directory, clock: () => 1_000 });
  assert.deepEqual(await expired.consume(["k"], 1), []);
  const [name] = readdirSync(directory);
  const path = join(directory, name!);
  const s = statSync(path, { bigint: true });
  const guard = `${path}.${s.ino}-${s.mtimeNs}-${s.birthtimeNs}.take0`;
  const temp = `${path}.deadbeef.tmp`;
  writeFileSync(guard, "");
  writeFileSync(temp, "1");
  const old = new Date(Date.now() - 11 * 60_000);
  utimesSync(guard, old, old);
  utimesSync(temp, old, old);
  const store = new FileStateStore({ directory });
  assert.deepEqual(await store.consume(["k"], 60_000), [], "the dead guard is stood in for");
  assert.deepEqual(await store.consume(["k"], 60_000), ["k"]);
  await store.sweep();
  assert.deepEqual(readdirSync(directory), [name]);
});

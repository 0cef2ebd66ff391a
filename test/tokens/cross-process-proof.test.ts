// The proof: 4 OS processes × 50 concurrent callers of getAccessToken on one realm, across 20
// forced expiries, against an emulator in strict rotation (every refresh rotates; an old refresh
// token is refused at once). Any double refresh would surface as invalid_grant.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { FileTokenStore, TokenManager, type TokenStore } from "../../src/index.js";
import { emulatorSession } from "../support/emulator-session.js";
import { postgresUrl, redisUrl, requireOrSkip } from "../support/services.js";

const PROCESSES = 4;
const CALLERS = 50;
const EXPIRIES = 20;

interface Done {
  type: "done";
  tokens: string[];
  errors: string[];
}

function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type === type) {
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(m as T);
      }
    };
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code} before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function proof(kind: string, store: TokenStore, childEnv: Record<string, string>) {
  const s = await emulatorSession({ rotateAfter: 0, graceAfterRotation: 0 });
  try {
    const token = await s.connect();
    const realmId = token.realmId!;
    await new TokenManager({ authClient: s.authClient, store }).save(realmId, token);
    const children = Array.from({ length: PROCESSES }, () =>
      fork(join(import.meta.dirname, "fixtures", "proof-child.ts"), [], {
        execArgv: ["--import", "tsx"],
        env: {
          ...process.env,
          ...childEnv,
          PROOF_STORE: kind,
          PROOF_DISCOVERY: s.emu.discoveryUrl,
          PROOF_CLIENT_ID: s.emu.defaultClient.clientId,
          PROOF_CLIENT_SECRET: s.emu.defaultClient.clientSecret,
          PROOF_REDIRECT_URI: s.emu.defaultClient.redirectUri,
          PROOF_REALM: realmId,
        },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    try {
      await Promise.all(children.map((c) => once(c, "ready")));
      s.emu.resetCounters();
      const errors: string[] = [];
      let received = 0;
      for (let round = 0; round < EXPIRIES; round++) {
        s.emu.advanceClock(3_600_000);
        const offset = s.emu.clock.now() - Date.now();
        const results = await Promise.all(
          children.map((c) => {
            const done = once<Done>(c, "done");
            c.send({ type: "round", offset, callers: CALLERS });
            return done;
          }),
        );
        for (const r of results) {
          errors.push(...r.errors);
          for (const t of r.tokens) {
            received++;
            assert.equal(
              s.emu.isAccessTokenValid(t),
              true,
              `round ${round}: a caller got a token the API refuses`,
            );
          }
        }
        const distinct = new Set(results.flatMap((r) => r.tokens));
        assert.equal(distinct.size, 1, `round ${round}: all callers share one fresh token`);
      }
      assert.deepEqual(errors, [], "no caller failed (in particular no invalid_grant)");
      assert.equal(s.emu.counters().token, EXPIRIES, "one refresh request per expiry");
      assert.equal(received, EXPIRIES * PROCESSES);
    } finally {
      for (const c of children) if (c.connected) c.send({ type: "stop" });
      await Promise.all(
        children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)),
      );
    }
  } finally {
    await s.close();
  }
}

test(`file store: ${PROCESSES} processes × ${CALLERS} callers × ${EXPIRIES} expiries, one refresh each`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "intuit-proof-"));
  try {
    await proof("file", new FileTokenStore({ directory: dir }), { PROOF_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const redis = await redisUrl();
test("redis store: the same proof", { skip: requireOrSkip(redis, "Redis") }, async () => {
  const { RedisTokenStore } = await import("../../src/tokens/stores/redis.js");
  const prefix = `proof-${randomUUID()}:`;
  const store = new RedisTokenStore({ url: redis!, keyPrefix: prefix });
  try {
    await proof("redis", store, { PROOF_URL: redis!, PROOF_PREFIX: prefix });
  } finally {
    await store.close?.();
  }
});

const postgres = await postgresUrl();
test("postgres store: the same proof", { skip: requireOrSkip(postgres, "PostgreSQL") }, async () => {
  const { PostgresTokenStore } = await import("../../src/tokens/stores/postgres.js");
  const table = `proof_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const store = new PostgresTokenStore({ connectionString: postgres!, tableName: table });
  try {
    await store.migrate();
    await proof("postgres", store, { PROOF_URL: postgres!, PROOF_TABLE: table });
  } finally {
    await store.close?.();
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, request, Agent } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../src/index.js";
import { basic, connect, raw, REALM_1, refresh, userinfo } from "./helpers.js";

test("admin API: every route works when enabled", async () => {
  const emu = await startEmulator({ port: 0, autoApprove: true, admin: true });
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await raw(`${emu.url}/__admin/${path}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: res.text ? (JSON.parse(res.text) as unknown) : undefined };
    };
    const t = await connect(emu);
    const before = emu.clock.now();
    const advanced = await call("POST", "clock/advance", { ms: 60_000 });
    assert.equal(advanced.status, 200);
    assert.ok(emu.clock.now() - before >= 60_000);

    assert.equal((await call("POST", "expire-access-tokens", { realmId: REALM_1 })).status, 204);
    assert.equal(emu.isAccessTokenValid(t.access_token), false);

    const kid = ((await (await fetch(`${emu.url}/op/v1/jwks`)).json()) as { keys: Array<{ kid: string }> })
      .keys;
    assert.equal((await call("POST", "rotate-keys")).status, 204);
    const jwks = ((await (await fetch(`${emu.url}/op/v1/jwks`)).json()) as { keys: Array<{ kid: string }> })
      .keys;
    assert.equal(jwks.length, 2);
    assert.equal(jwks[1]?.kid, kid[0]?.kid);

    assert.equal(
      (
        await call("POST", "faults", {
          endpoint: "userinfo",
          fault: { type: "status", status: 503 },
          count: 1,
        })
      ).status,
      204,
    );
    assert.equal(
      (await call("POST", "faults", { endpoint: "bogus", fault: { type: "delay", ms: 1 } })).status,
      400,
    );
    assert.equal((await userinfo(emu, t.access_token)).status, 503);
    await call("POST", "faults", { endpoint: "userinfo", fault: { type: "status", status: 503 } });
    assert.equal((await call("DELETE", "faults")).status, 204);
    assert.equal((await userinfo(emu, t.access_token)).status, 401);

    const counters = await call("GET", "counters");
    assert.deepEqual(counters.json, {
      discovery: 0,
      authorize: 1,
      token: 1,
      revoke: 0,
      userinfo: 2,
      jwks: 2,
      migrate: 0,
      api: 0,
    });
    assert.equal((await call("POST", "counters/reset")).status, 204);
    assert.equal(emu.counters().userinfo, 0);

    const grants = (await call("GET", "grants")).json as Array<Record<string, unknown>>;
    assert.equal(grants.length, 1);
    assert.deepEqual(
      { ...grants[0], grantId: "x", createdAt: 0 },
      {
        grantId: "x",
        clientId: "emulator-client-id",
        realmId: REALM_1,
        scopes: ["com.intuit.quickbooks.accounting", "openid"],
        revoked: false,
        refreshTokenCount: 1,
        createdAt: 0,
      },
    );
    assert.doesNotMatch(JSON.stringify(grants), /RT1-/);
    assert.deepEqual((await call("GET", "api-stats")).json, { inFlight: 0, maxInFlight: 0 });
    assert.equal((await call("GET", "nope")).status, 404);
  } finally {
    await emu.close();
  }
});

test("webhooks: legacy and CloudEvents bodies with a correct intuit-signature", async () => {
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.end("thanks");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  const address = receiver.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
  const emu = await startEmulator({ port: 0, admin: true });
  try {
    const events = [
      {
        realmId: "310687",
        entityName: "Customer",
        entityId: "1",
        operation: "Create" as const,
        occurredAt: "2015-10-05T14:42:19-0700",
      },
      {
        realmId: "310687",
        entityName: "Invoice",
        entityId: "9",
        operation: "Void" as const,
        occurredAt: "2015-10-05T14:43:00-0700",
      },
      {
        realmId: "555",
        entityName: "Account",
        entityId: "3",
        operation: "Merge" as const,
        occurredAt: "2025-09-10T21:31:25.179Z",
      },
    ];
    const legacy = await emu.sendWebhook({ url, verifierToken: "verifier-123", format: "legacy", events });
    assert.deepEqual(legacy, { status: 200, body: "thanks" });
    const viaAdmin = await raw(`${emu.url}/__admin/webhooks/send`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url, verifierToken: "verifier-123", format: "cloudevents", events }),
    });
    assert.deepEqual(JSON.parse(viaAdmin.text), { status: 200, body: "thanks" });

    for (const r of received) {
      assert.equal(r.headers["content-type"], "application/json");
      const expected = createHmac("sha256", "verifier-123").update(r.body).digest();
      const got = Buffer.from(String(r.headers["intuit-signature"]), "base64");
      assert.ok(got.length === expected.length && timingSafeEqual(got, expected));
    }
    assert.deepEqual(JSON.parse(received[0]?.body.toString() ?? ""), {
      eventNotifications: [
        {
          realmId: "310687",
          dataChangeEvent: {
            entities: [
              { name: "Customer", id: "1", operation: "Create", lastUpdated: "2015-10-05T14:42:19-0700" },
              { name: "Invoice", id: "9", operation: "Void", lastUpdated: "2015-10-05T14:43:00-0700" },
            ],
          },
        },
        {
          realmId: "555",
          dataChangeEvent: {
            entities: [
              { name: "Account", id: "3", operation: "Merge", lastUpdated: "2025-09-10T21:31:25.179Z" },
            ],
          },
        },
      ],
    });
    const cloud = JSON.parse(received[1]?.body.toString() ?? "") as Array<Record<string, unknown>>;
    assert.equal(cloud.length, 3);
    assert.deepEqual(
      cloud.map((e) => [e.type, e.intuitaccountid, e.intuitentityid, e.time]),
      [
        ["qbo.customer.created.v1", "310687", "1", "2015-10-05T14:42:19-0700"],
        ["qbo.invoice.voided.v1", "310687", "9", "2015-10-05T14:43:00-0700"],
        ["qbo.account.merged.v1", "555", "3", "2025-09-10T21:31:25.179Z"],
      ],
    );
    for (const e of cloud) {
      assert.equal(e.specversion, "1.0");
      assert.equal(e.datacontenttype, "application/json");
      // Production's variants: source intuit.<hash>, id <uuid>-<Entity>-<Id>, no data unless a merge says more.
      assert.match(String(e.source), /^intuit\.[A-Za-z0-9_-]{43}$/);
      assert.match(
        String(e.id),
        new RegExp(
          `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-${String(e.type).split(".")[1] === "customer" ? "Customer" : "(Invoice|Account)"}-${String(e.intuitentityid)}$`,
        ),
      );
      assert.equal("data" in e, false);
    }
    assert.equal(cloud[0]?.source, cloud[1]?.source, "one source per realm");
    assert.notEqual(cloud[0]?.source, cloud[2]?.source);
  } finally {
    await emu.close();
    await new Promise((r) => receiver.close(r));
  }
});

test("close() is prompt with keep-alive sockets open and a slow request in flight", async () => {
  const emu = await startEmulator({ port: 0 });
  const agent = new Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    request(emu.discoveryUrl, { agent }, (res) => {
      res.resume();
      res.on("end", resolve);
    })
      .on("error", reject)
      .end();
  });
  emu.injectFault("jwks", { type: "delay", ms: 10_000 });
  const pending = new Promise<string>((resolve) => {
    request(`${emu.url}/op/v1/jwks`, { agent }, () => resolve("answered"))
      .on("error", () => resolve("reset"))
      .end();
  });
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await emu.close();
  assert.ok(Date.now() - started < 500, `close took ${Date.now() - started} ms`);
  assert.equal(await pending, "reset");
  agent.destroy();
});

test("persistPath: state survives a restart (tokens, clock offset, signing keys)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "emu-"));
  const path = join(dir, "state.json");
  try {
    const first = await startEmulator({ port: 0, autoApprove: true, persistPath: path });
    const t = await connect(first);
    first.advanceClock(1000);
    await first.close();
    const saved = readFileSync(path, "utf8");
    assert.ok(saved.includes(t.refresh_token));
    const second = await startEmulator({ port: 0, persistPath: path });
    try {
      assert.equal(second.isAccessTokenValid(t.access_token), true);
      const res = await refresh(second, t.refresh_token);
      assert.equal(res.status, 200);
      assert.equal(JSON.parse(res.text).refresh_token, t.refresh_token);
      assert.ok(second.clock.now() - Date.now() >= 1000);
      assert.equal(second.grants().length, 1);
      const jwks = (await (await fetch(`${second.url}/op/v1/jwks`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      const header = JSON.parse(Buffer.from(t.id_token?.split(".")[0] ?? "", "base64url").toString()) as {
        kid: string;
      };
      assert.deepEqual(
        jwks.keys.map((k) => k.kid),
        [header.kid],
      );
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("logger gets method, path and status only; never secrets", async () => {
  const lines: string[] = [];
  const emu = await startEmulator({
    port: 0,
    autoApprove: true,
    logger: { info: (...a) => lines.push(a.join(" ")) },
  });
  try {
    const t = await connect(emu);
    await raw(`${emu.url}/v2/oauth2/tokens/revoke`, {
      method: "POST",
      headers: { authorization: basic(), "content-type": "application/json" },
      body: JSON.stringify({ token: t.refresh_token }),
    });
    assert.deepEqual(lines, [
      "GET /connect/oauth2 302",
      "POST /oauth2/v1/tokens/bearer 200",
      "POST /v2/oauth2/tokens/revoke 200",
    ]);
  } finally {
    await emu.close();
  }
});

test("port 4010 by default", async () => {
  let emu;
  try {
    emu = await startEmulator();
  } catch (err) {
    // Someone else (another test run) holds 4010; the default is still what was asked for.
    assert.equal((err as NodeJS.ErrnoException).code, "EADDRINUSE");
    return;
  }
  try {
    assert.equal(emu.port, 4010);
    assert.equal(emu.url, "http://127.0.0.1:4010");
  } finally {
    await emu.close();
  }
});

// The /__admin API's guards (JSON content type, loopback Host, no foreign Origin), loopback-only
// webhook deliveries that never follow redirects, and private, exclusive persistence temp files.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../src/index.js";
import { writePrivateFileExclusive } from "../src/private-file.js";
import { connect as connectCompany, raw } from "./helpers.js";

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true, admin: true });
});
after(() => emu.close());

function advance(headers: Record<string, string>) {
  return raw(`${emu.url}/__admin/clock/advance`, {
    method: "POST",
    headers,
    body: JSON.stringify({ ms: 1000 }),
  });
}

test("admin: a POST without Content-Type application/json is refused with 415 and has no effect", async () => {
  for (const type of [undefined, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]) {
    const offset = emu.clock.now() - Date.now();
    const res = await advance(type === undefined ? {} : { "content-type": type });
    assert.equal(res.status, 415, String(type));
    assert.deepEqual(JSON.parse(res.text), {
      error: "invalid_request",
      error_description: "the admin API needs Content-Type: application/json",
    });
    // No advance happened (allow a little drift between the two real-clock reads).
    assert.ok(emu.clock.now() - Date.now() - offset < 500, String(type));
  }
  const ok = await advance({ "content-type": "application/json; charset=utf-8" });
  assert.equal(ok.status, 200);
});

test("admin: a Host that is not loopback is refused with 403 (DNS rebinding)", async () => {
  for (const host of [`evil.example:${emu.port}`, "evil.example", `127.0.0.1.evil.example:${emu.port}`]) {
    const res = await advance({ "content-type": "application/json", host });
    assert.equal(res.status, 403, host);
    assert.deepEqual(JSON.parse(res.text), {
      error: "access_denied",
      error_description: "the admin API answers only requests addressed to a loopback host",
    });
    const get = await raw(`${emu.url}/__admin/grants`, { headers: { host } });
    assert.equal(get.status, 403, `GET with ${host}`);
  }
  // No Host at all (HTTP/1.0 over a raw socket) is refused too.
  const noHost = await new Promise<string>((resolve, reject) => {
    const socket = connect(emu.port, "127.0.0.1", () => socket.end("GET /__admin/grants HTTP/1.0\r\n\r\n"));
    let text = "";
    socket.setEncoding("utf8").on("data", (d: string) => (text += d));
    socket.on("end", () => resolve(text)).on("error", reject);
  });
  assert.match(noHost, /^HTTP\/1\.1 403 /);
  for (const host of [
    `127.0.0.1:${emu.port}`,
    `localhost:${emu.port}`,
    `LOCALHOST:${emu.port}`,
    `[::1]:${emu.port}`,
  ]) {
    const res = await advance({ "content-type": "application/json", host });
    assert.equal(res.status, 200, host);
  }
});

test("admin: a foreign Origin is refused with 403; the emulator's own origin is fine", async () => {
  for (const origin of [
    "http://evil.example",
    "null",
    "http://127.0.0.1:1",
    `https://127.0.0.1:${emu.port}`,
    `http://localhost.evil.example:${emu.port}`,
  ]) {
    const res = await advance({ "content-type": "application/json", origin });
    assert.equal(res.status, 403, origin);
    assert.deepEqual(JSON.parse(res.text), {
      error: "access_denied",
      error_description: "the admin API refuses requests from another origin",
    });
    const get = await raw(`${emu.url}/__admin/grants`, { headers: { origin } });
    assert.equal(get.status, 403, `GET with ${origin}`);
  }
  for (const origin of [emu.url, `http://localhost:${emu.port}`]) {
    assert.equal((await advance({ "content-type": "application/json", origin })).status, 200, origin);
  }
});

test("admin: GETs need no content type but pass the same Host and Origin guards", async () => {
  await connectCompany(emu);
  const res = await raw(`${emu.url}/__admin/grants`);
  assert.equal(res.status, 200);
  assert.ok((JSON.parse(res.text) as unknown[]).length >= 1);
});

interface Receiver {
  server: Server;
  url: string;
  hits: string[];
}

async function receiver(answer: (res: import("node:http").ServerResponse) => void): Promise<Receiver> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const EVENTS = [{ realmId: "1", entityName: "Customer", entityId: "1", operation: "Create" as const }];

test("webhooks go only to loopback targets (API and admin); nothing is sent elsewhere", async () => {
  for (const url of [
    "http://example.invalid/hook",
    "https://hooks.example.invalid/x",
    "http://10.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://127.0.0.1.example.invalid/hook",
    "file:///etc/passwd",
    "not a url",
  ]) {
    await assert.rejects(
      emu.sendWebhook({ url, verifierToken: "v", format: "legacy", events: EVENTS }),
      (e: unknown) => e instanceof TypeError && /loopback/.test(e.message),
      url,
    );
    const res = await raw(`${emu.url}/__admin/webhooks/send`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url, verifierToken: "v", format: "legacy", events: EVENTS }),
    });
    assert.equal(res.status, 400, url);
    assert.match((JSON.parse(res.text) as { error_description: string }).error_description, /loopback/);
  }
});

test("webhooks: a redirect from the receiver is reported, never followed", async () => {
  const target = await receiver((res) => res.end("should not be reached"));
  const redirecting = await receiver((res) => {
    res.writeHead(307, { location: `${target.url}/stolen` });
    res.end();
  });
  try {
    for (const url of [`${redirecting.url}/hook`, `http://localhost:${new URL(redirecting.url).port}/hook`]) {
      const delivery = await emu.sendWebhook({
        url,
        verifierToken: "v",
        format: "cloudevents",
        events: EVENTS,
      });
      assert.equal(delivery.status, 307);
    }
    assert.deepEqual(redirecting.hits, ["POST /hook", "POST /hook"]);
    assert.deepEqual(target.hits, []);
  } finally {
    for (const r of [target, redirecting]) {
      r.server.closeAllConnections();
      await new Promise((resolve) => r.server.close(resolve));
    }
  }
});

test("persistence: a symlink or file planted at the old predictable temp name is never written through", async () => {
  const dir = mkdtempSync(join(tmpdir(), "emu-persist-"));
  try {
    const path = join(dir, "state.json");
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "do not touch", { mode: 0o644 });
    symlinkSync(victim, `${path}.${process.pid}.tmp`);
    const first = await startEmulator({ port: 0, autoApprove: true, persistPath: path });
    await connectCompany(first);
    await first.close();
    assert.equal(readFileSync(victim, "utf8"), "do not touch");
    assert.ok(lstatSync(path).isFile());
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, "utf8"), /"version":1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writePrivateFileExclusive: creates 0600, refuses an existing file or symlink (EEXIST), never follows", () => {
  const dir = mkdtempSync(join(tmpdir(), "emu-private-"));
  try {
    const fresh = join(dir, "fresh.tmp");
    writePrivateFileExclusive(fresh, "data");
    assert.equal(readFileSync(fresh, "utf8"), "data");
    assert.equal(statSync(fresh).mode & 0o777, 0o600);

    const existing = join(dir, "existing.tmp");
    writeFileSync(existing, "old", { mode: 0o644 });
    assert.throws(() => writePrivateFileExclusive(existing, "new"), { code: "EEXIST" });
    assert.equal(readFileSync(existing, "utf8"), "old");

    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "victim");
    const link = join(dir, "link.tmp");
    symlinkSync(victim, link);
    assert.throws(() => writePrivateFileExclusive(link, "new"), { code: "EEXIST" });
    assert.equal(readFileSync(victim, "utf8"), "victim");

    const dangling = join(dir, "dangling.tmp");
    symlinkSync(join(dir, "nowhere"), dangling);
    assert.throws(() => writePrivateFileExclusive(dangling, "new"), { code: "EEXIST" });
    assert.throws(() => statSync(join(dir, "nowhere")), { code: "ENOENT" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

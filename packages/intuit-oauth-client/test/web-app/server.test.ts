// `examples/web-app/server.ts` as a user starts it, in a child process: the address it prints is the
// one that answers (taken from the redirect URI unless PORT is set, and a PORT that differs is
// explained), the Intuit line is readable, the five-year limit is requested by default (with an
// opt-out), its temporary token directory is gone after Ctrl+C, and when the emulator's usual port
// is busy it says which one it took.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmulator, type Emulator } from "../../../intuit-oauth-client-emulator/src/index.js";
import { freePort } from "../../../intuit-oauth-client-cli/test/helpers.js";
import { Browser, connect } from "./http-browser.js";

const SERVER = join(process.cwd(), "examples", "web-app", "server.ts");

interface Started {
  child: ChildProcess;
  /** Every stdout line up to and including "Open …". */
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts the example with only `vars` (and PATH, HOME) in its environment; resolves once it says "Open". */
function startServer(vars: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/", ...vars },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start:\n${out}\n${err}`));
    }, 30_000);
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (/^Open .*$/m.test(out)) {
        clearTimeout(timer);
        resolve({ child, lines: out.trimEnd().split("\n"), stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it listened:\n${out}\n${err}`));
    });
  });
}

async function stop(server: Started, signal: NodeJS.Signals): Promise<number | null> {
  server.child.kill(signal);
  return server.exited;
}

test("with the emulator: prints where to go, requests the five-year limit, and removes its token directory on Ctrl+C", async () => {
  const port = await freePort();
  const server = await startServer({ PORT: String(port) });
  try {
    // When something else holds the emulator's usual port, a line says so (tested below).
    const [intuit, stored, open] = server.lines.filter((l) => !l.startsWith("Port 4010 was in use"));
    assert.match(
      intuit!,
      /^Intuit: the built-in emulator at http:\/\/127\.0\.0\.1:\d+ \(its sandbox companies; no Intuit account needed\)$/,
    );
    const dir = /^Tokens stored in: (\S+) \(a temporary directory, removed on exit\)$/.exec(stored!)?.[1];
    assert.ok(dir && existsSync(dir), stored);
    assert.equal(open, `Open http://localhost:${port}/ in your browser (Ctrl+C to stop).`);
    // The printed address answers, and a company connects through it.
    const html = await connect(new Browser(), `http://localhost:${port}`, "9341453050198162");
    assert.match(html, /id="hard-expiry">\d{4}-\d\d-\d\dT[\d:.]+Z \(1824 days left\)</);
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    const record = JSON.parse(readFileSync(join(dir, files[0]!), "utf8")) as {
      token: { refreshTokenHardExpiresAt?: number };
    };
    assert.equal(typeof record.token.refreshTokenHardExpiresAt, "number");

    assert.equal(await stop(server, "SIGINT"), 0);
    assert.equal(existsSync(dir), false, "the temporary token directory is removed");
    assert.equal(server.stderr(), "");
  } finally {
    if (server.child.exitCode === null) await stop(server, "SIGINT");
  }
});

test("with the emulator's usual port (4010) busy: says which port the emulator took instead", async () => {
  // Hold 4010 for the test; when another process already holds it, it is just as busy.
  const holder = createServer();
  await new Promise<void>((resolve) => {
    holder.once("error", () => resolve());
    holder.listen(4010, "127.0.0.1", () => resolve());
  });
  const server = await startServer({ PORT: String(await freePort()) });
  try {
    const [intuit, busy] = server.lines;
    const took = /^Intuit: the built-in emulator at http:\/\/127\.0\.0\.1:(\d+) /.exec(intuit!)?.[1];
    assert.ok(took && took !== "4010", intuit);
    assert.equal(busy, `Port 4010 was in use, so the emulator took port ${took}.`);
    assert.equal(await stop(server, "SIGINT"), 0);
  } finally {
    if (server.child.exitCode === null) await stop(server, "SIGINT");
    holder.close();
  }
});

describe("against an Intuit given by INTUIT_* (here an emulator)", () => {
  let emu: Emulator;
  let redirectPort: number;
  let otherPort: number;
  let storeDir: string;
  let vars: Record<string, string>;

  before(async () => {
    [redirectPort, otherPort] = [await freePort(), await freePort()];
    emu = await startEmulator({ port: 0, redirectUris: [`http://localhost:${redirectPort}/callback`] });
    storeDir = mkdtempSync(join(tmpdir(), "web-app-server-"));
    vars = {
      INTUIT_CLIENT_ID: emu.defaultClient.clientId,
      INTUIT_CLIENT_SECRET: emu.defaultClient.clientSecret,
      INTUIT_REDIRECT_URI: `http://localhost:${redirectPort}/callback`,
      INTUIT_ENVIRONMENT: emu.discoveryUrl,
      INTUIT_OAUTH_STORE_DIR: storeDir,
    };
  });
  after(async () => {
    await emu?.close();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  test("without PORT it listens on the redirect URI's port; the opt-out asks for no limit; your own store stays", async () => {
    const server = await startServer({ ...vars, INTUIT_HARD_EXPIRY_HEADER: "false" });
    try {
      assert.deepEqual(server.lines, [
        `Intuit: the service described by ${emu.discoveryUrl} (sign-in at ${emu.url})`,
        "The five-year refresh token limit is not requested (INTUIT_HARD_EXPIRY_HEADER=false).",
        `Tokens stored in: ${storeDir}`,
        `Open http://localhost:${redirectPort}/ in your browser (Ctrl+C to stop).`,
      ]);
      const html = await connect(
        new Browser(),
        `http://localhost:${redirectPort}`,
        emu.companies[0]!.realmId,
      );
      assert.match(html, /id="hard-expiry">not requested \(includeRefreshTokenHardExpiresIn is off\)</);
      assert.equal(await stop(server, "SIGTERM"), 0);
      assert.deepEqual(
        readdirSync(storeDir),
        [`${emu.companies[0]!.realmId}.json`],
        "a directory it did not make stays",
      );
    } finally {
      if (server.child.exitCode === null) await stop(server, "SIGINT");
    }
  });

  test("with a PORT that differs from the redirect URI's, it says so plainly and listens on PORT", async () => {
    const server = await startServer({ ...vars, PORT: String(otherPort) });
    try {
      assert.deepEqual(server.lines.slice(2), [
        `PORT is ${otherPort}, but the redirect URI http://localhost:${redirectPort}/callback is on port ${redirectPort}.`,
        `  This app listens on port ${otherPort}; after sign-in, Intuit sends the browser to port ${redirectPort},`,
        "  where this app is not listening. Unset PORT to listen on the redirect URI's port, or register",
        `  a redirect URI on port ${otherPort} and set INTUIT_REDIRECT_URI to it.`,
        `Open http://localhost:${otherPort}/ in your browser (Ctrl+C to stop).`,
      ]);
      assert.equal((await fetch(`http://localhost:${otherPort}/`)).status, 200);
    } finally {
      await stop(server, "SIGINT");
    }
  });
});

test("a PORT that is not a port number stops it with one line", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/", PORT: "80a" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 1);
  assert.equal(err, 'PORT must be a port number from 1 to 65535, not "80a"\n');
});

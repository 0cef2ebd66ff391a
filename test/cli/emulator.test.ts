// `intuit-oauth emulator`: prints where it listens and its public test credentials, serves, and
// closes cleanly (exit 0) on SIGINT and SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { CLI } from "./helpers.js";

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`emulator prints its URL and credentials, serves discovery, and stops on ${signal}`, async () => {
    const child = spawn(process.execPath, [CLI, "emulator", "--port", "0", "--admin"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const banner = new Promise<void>((resolve) =>
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        if (stdout.includes("Press Ctrl-C to stop.")) resolve();
      }),
    );
    const exited = new Promise<[number | null, string | null]>((resolve) =>
      child.on("exit", (c, s) => resolve([c, s])),
    );
    await banner;
    const url = /^Intuit emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
    assert.ok(url, stdout);
    assert.match(stdout, new RegExp(`discovery URL: ${url}/\\.well-known/openid-configuration\\n`));
    assert.match(stdout, /client id: +emulator-client-id\n/);
    assert.match(stdout, /client secret: +emulator-client-secret \(a public test value\)\n/);
    assert.match(stdout, /redirect URI: +http:\/\/127\.0\.0\.1:8000\/callback/);
    assert.match(stdout, new RegExp(`admin API: +${url}/__admin\\n`));
    const doc = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    // Intuit's own issuer by default (issue 15 item 6); --issuer overrides it.
    assert.equal(doc.issuer, "https://oauth.platform.intuit.com/op/v1");
    assert.match(stdout, /issuer: +https:\/\/oauth\.platform\.intuit\.com\/op\/v1\n/);
    child.kill(signal);
    assert.deepEqual(await exited, [0, null]);
    assert.match(stdout, /Emulator stopped\.\n$/);
    assert.equal(stderr, "");
  });
}

// Shared plumbing of the CLI tests: run the built CLI as a child process, and play the browser.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

export const CLI = join(process.cwd(), "packages", "intuit-oauth-client-cli", "dist", "cli.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js ...args` to completion. `onStderr` sees stderr as it arrives. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  onStderr?: (text: string) => void,
  timeoutMs = 20_000,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      onStderr?.(stderr);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Env for the CLI: only what it needs, so the developer's own settings cannot leak in. */
export function cliEnv(vars: Record<string, string>): Record<string, string> {
  return { PATH: process.env["PATH"] ?? "", HOME: vars["HOME"] ?? process.env["HOME"] ?? "/", ...vars };
}

/**
 * What a person does in the browser: open the authorization URL, pick a company, click Connect,
 * land on the CLI's callback page. Returns the code that went through and the callback page.
 */
export async function playBrowser(
  authUrl: string,
  realmId: string,
): Promise<{ code: string; page: string; status: number }> {
  const consent = await fetch(authUrl, { redirect: "manual" });
  const html = await consent.text();
  if (consent.status !== 200) throw new Error(`consent page answered ${consent.status}: ${html}`);
  const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1];
  if (!pending) throw new Error("no consent form");
  const decision = await fetch(new URL("/connect/oauth2/consent", authUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ pending, realmId, decision: "approve" }).toString(),
    redirect: "manual",
  });
  const location = decision.headers.get("location");
  if (decision.status !== 302 || !location) throw new Error(`consent answered ${decision.status}`);
  const code = new URL(location).searchParams.get("code") ?? "";
  const callback = await fetch(location);
  return { code, page: await callback.text(), status: callback.status };
}

/** Resolves with the authorization URL once the CLI has printed it. */
export function urlFromOutput(): { seen: (text: string) => void; url: Promise<string> } {
  let resolve!: (url: string) => void;
  const url = new Promise<string>((r) => (resolve = r));
  let done = false;
  return {
    url,
    seen(text) {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/connect\/oauth2\?\S+)/.exec(text);
      if (m?.[1] && !done) {
        done = true;
        resolve(m[1]);
      }
    },
  };
}

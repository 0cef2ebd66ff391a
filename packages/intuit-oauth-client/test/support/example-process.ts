// Starts an example script (through tsx) in a child process with only the given environment, and
// reports how its start ended: it printed its "listening" line (then it is stopped), or it exited.
import { spawn } from "node:child_process";

export interface StartOutcome {
  listening: boolean;
  /** The exit code, when it exited on its own. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startOutcome(
  script: string,
  vars: Record<string, string>,
  listening: RegExp,
): Promise<StartOutcome> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/", ...vars },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let heard = false;
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    if (!heard && listening.test(stdout)) {
      heard = true;
      child.kill("SIGKILL");
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} neither listened nor exited:\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ listening: heard, code: heard ? null : code, stdout, stderr });
    });
  });
}

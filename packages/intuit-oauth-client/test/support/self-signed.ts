// A throwaway self-signed certificate for TLS tests, made with the system's openssl (no network).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SelfSigned {
  key: Buffer;
  cert: Buffer;
  /** Where cert.pem lives (for NODE_EXTRA_CA_CERTS in a child process). */
  certPath: string;
  /** Removes the files. */
  remove(): void;
}

/** A P-256 certificate for `subject` (e.g. `/CN=127.0.0.1`) with `altNames` (e.g. `IP:127.0.0.1`). */
export function selfSigned(subject: string, altNames: string): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), "tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "2",
      "-subj",
      subject,
      "-addext",
      `subjectAltName=${altNames}`,
    ],
    { stdio: "ignore" },
  );
  return {
    key: readFileSync(join(dir, "key.pem")),
    cert: readFileSync(join(dir, "cert.pem")),
    certPath: join(dir, "cert.pem"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

#!/usr/bin/env node
// The `intuit-oauth-client-emulator` command: starts the offline Intuit emulator on 127.0.0.1 and runs
// until Ctrl-C. Options as the CLI's `emulator` command (which adds state kept between runs):
//   --port N (default 4010, 0 picks a free one), --auto-approve, --admin, --issuer URL, --persist FILE.
import { parseArgs } from "node:util";
import { startEmulator } from "./server.js";

const USAGE = `Usage: intuit-oauth-client-emulator [--port N] [--auto-approve] [--admin] [--issuer URL] [--persist FILE]`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string", default: "4010" },
        "auto-approve": { type: "boolean", default: false },
        admin: { type: "boolean", default: false },
        issuer: { type: "string" },
        persist: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a whole number from 0 to 65535\n${USAGE}\n`);
    return 2;
  }
  const emu = await startEmulator({
    port,
    autoApprove: values["auto-approve"],
    admin: values.admin,
    ...(values.issuer !== undefined ? { issuer: values.issuer } : {}),
    ...(values.persist !== undefined ? { persistPath: values.persist } : {}),
  });
  // Its credentials are public test values, so printing them is fine.
  const app = emu.defaultClient;
  process.stdout.write(
    `Intuit emulator listening on ${emu.url}\n` +
      `discovery URL  ${emu.discoveryUrl}\nclient id      ${app.clientId}\n` +
      `client secret  ${app.clientSecret} (a public test value)\nredirect URI   ${app.redirectUri}\n` +
      `Press Ctrl-C to stop.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await emu.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

// `intuit-oauth-client-cli emulator`: runs the offline Intuit emulator until Ctrl-C (SIGINT/SIGTERM close it cleanly).
// Its credentials are public test values, so printing them is fine.
import { startEmulator } from "intuit-oauth-client-emulator";
import { prepareEmulatorState, type EmulatorStateChoice } from "./emulator-state.js";
import { CliError } from "./errors.js";
import { table } from "./output.js";

export interface EmulatorCommandOptions {
  port: number;
  autoApprove: boolean;
  admin: boolean;
  verbose: boolean;
  /** Where grants and tokens outlive a restart: see {@link prepareEmulatorState}. */
  state: EmulatorStateChoice;
  /** `iss` of ID tokens and discovery; default Intuit's own. */
  issuer?: string | undefined;
}

export async function runEmulator(options: EmulatorCommandOptions): Promise<number> {
  const persistPath = prepareEmulatorState(options.state);
  // Listen for Ctrl-C before anything is printed, so a signal right after the banner still closes cleanly.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  const emu = await startEmulator({
    port: options.port,
    autoApprove: options.autoApprove,
    admin: options.admin,
    ...(persistPath ? { persistPath } : {}),
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.verbose ? { logger: { info: (...args: unknown[]) => console.error(...args) } } : {}),
  }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException | null)?.code !== "EADDRINUSE") throw err;
    throw new CliError(
      `Port ${options.port} on 127.0.0.1 is already in use (another emulator?). ` +
        "Run with --port 0 to take any free port, or --port N for another one.",
    );
  });
  const app = emu.defaultClient;
  console.log(`Intuit emulator listening on ${emu.url}`);
  console.log(
    table([
      ["discovery URL", emu.discoveryUrl],
      ["client id", app.clientId],
      ["client secret", `${app.clientSecret} (a public test value)`],
      ["redirect URI", app.redirectUris.join("  ")],
      ["companies", emu.companies.map((c) => `${c.companyName} (${c.realmId})`).join(", ")],
      [
        "consent",
        options.autoApprove ? "auto-approved (first company)" : `page at ${emu.url}/connect/oauth2`,
      ],
      ["admin API", options.admin ? `${emu.url}/__admin` : "off (--admin enables it)"],
      ["issuer", emu.issuer],
      ["state", persistPath ?? "in memory (--ephemeral): a restart forgets every grant"],
    ]),
  );
  console.log();
  console.log("Try it:");
  console.log(`  export INTUIT_CLIENT_ID=${app.clientId} INTUIT_CLIENT_SECRET=${app.clientSecret}`);
  console.log(`  export INTUIT_REDIRECT_URI=${app.redirectUri} INTUIT_ENVIRONMENT=${emu.discoveryUrl}`);
  console.log("  intuit-oauth-client-cli login");
  console.log();
  console.log("Press Ctrl-C to stop.");
  await stopped;
  await emu.close();
  console.log("Emulator stopped.");
  return 0;
}

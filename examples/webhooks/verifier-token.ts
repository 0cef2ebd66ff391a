// Where the webhook examples get the key that proves a delivery came from Intuit. Only a local
// emulator run may fall back to a well-known token: with real Intuit a default that anyone can read
// would let anyone sign a delivery, so the examples refuse to start without the real one.

/** The token the emulator examples sign with when none is set. Public: never accept it from Intuit. */
export const EMULATOR_VERIFIER_TOKEN = "example-verifier-token";

export const MISSING_VERIFIER_TOKEN = [
  "Set INTUIT_WEBHOOK_VERIFIER_TOKEN to your app's webhook verifier token: Intuit shows it on",
  "the app's Webhooks page on the Intuit developer portal (https://developer.intuit.com).",
  "Without it anyone could sign a delivery, so this example does not start.",
].join("\n");

/**
 * `INTUIT_WEBHOOK_VERIFIER_TOKEN`; with `emulator: true` (deliveries come only from a local emulator)
 * the public emulator token when unset. Otherwise, when unset, it says where to find the token and
 * ends the process with exit code 2 before anything listens.
 */
export function verifierTokenFromEnv(env: NodeJS.ProcessEnv, options: { emulator: boolean }): string {
  const token = env["INTUIT_WEBHOOK_VERIFIER_TOKEN"];
  if (token) return token;
  if (options.emulator) return EMULATOR_VERIFIER_TOKEN;
  console.error(MISSING_VERIFIER_TOKEN);
  process.exit(2);
}

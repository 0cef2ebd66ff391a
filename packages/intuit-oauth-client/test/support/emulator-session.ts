// Test support: an emulator plus an AuthClient whose clock follows the emulator's, and a helper
// that connects a company the way a browser would (autoApprove redirect → callback).
import { AuthClient, Scopes, type AuthClientOptions, type TokenSet } from "../../src/index.js";
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from "../../../intuit-oauth-client-emulator/src/index.js";

export interface Session {
  emu: Emulator;
  authClient: AuthClient;
  connect(scopes?: string[]): Promise<TokenSet>;
  close(): Promise<void>;
}

export async function emulatorSession(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: Partial<AuthClientOptions> = {},
): Promise<Session> {
  const emu = await startEmulator({ port: 0, autoApprove: true, ...emulatorOptions });
  const authClient = await AuthClient.create({
    clientId: emu.defaultClient.clientId,
    clientSecret: emu.defaultClient.clientSecret,
    redirectUri: emu.defaultClient.redirectUri,
    environment: emu.discoveryUrl,
    clock: () => emu.clock.now(),
    ...clientOptions,
  });
  async function connect(
    scopes: string[] = [Scopes.Accounting, Scopes.OpenId, Scopes.Email],
  ): Promise<TokenSet> {
    const req = authClient.createAuthorizationRequest(scopes);
    const res = await fetch(req.url, { redirect: "manual" });
    const location = res.headers.get("location");
    if (!location) throw new Error(`authorize answered ${res.status} without a redirect`);
    return authClient.handleCallback(location, { expectedState: req.state, updateClient: false });
  }
  return { emu, authClient, connect, close: () => emu.close() };
}

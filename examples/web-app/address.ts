// Where the example listens and what it tells the user to open, decided from the redirect URI and
// PORT; and a readable line for the Intuit it talks to. Pure: no I/O, nothing printed here.
import type { AuthClient } from "../../packages/intuit-oauth-client/src/index.js";

/** Where to listen, what to open, and what to explain first. */
export interface ListenAddress {
  /** Interface to listen on: always loopback (a proxy or the browser on this machine reaches it). */
  host: string;
  port: number;
  /** The address to open in the browser: the redirect URI's host, so the sign-in cookies match. */
  openUrl: string;
  /** Whether the redirect URI points at this machine (localhost, 127.0.0.1 or [::1]). */
  local: boolean;
  /** Lines to print before "Open …" when the address and the redirect URI do not simply agree. */
  notes: string[];
}

/** Host names of this machine, as URL.hostname spells them. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A PORT value that is not a port number. */
export class PortError extends Error {
  override name = "PortError";
}

/** PORT as a number, or undefined when it is unset or empty. */
export function parsePort(portVariable: string | undefined): number | undefined {
  if (portVariable === undefined || portVariable === "") return undefined;
  const port = Number(portVariable);
  if (!/^\d+$/.test(portVariable) || port < 1 || port > 65_535)
    throw new PortError(`PORT must be a port number from 1 to 65535, not "${portVariable}"`);
  return port;
}

/**
 * Without PORT, a local redirect URI decides the port (`http://localhost:8000/callback` → 8000), so
 * Intuit sends the browser back to where the app is. With PORT set, the app listens there, and a
 * note says so when the redirect URI names another port.
 */
export function listenAddress(redirectUri: string, portVariable: string | undefined): ListenAddress {
  const uri = new URL(redirectUri);
  const local = LOOPBACK_HOSTS.has(uri.hostname);
  const uriPort = uri.port ? Number(uri.port) : uri.protocol === "https:" ? 443 : 80;
  const host = uri.hostname === "[::1]" ? "::1" : "127.0.0.1";
  const notes: string[] = [];
  const port = parsePort(portVariable) ?? (local ? uriPort : 3000);
  if (!local) {
    notes.push(
      `The redirect URI ${redirectUri} is not on this machine, so this app listens on`,
      `  http://${host}:${port} (set PORT to change it) and trusts a proxy on this machine.`,
      `  Point ${uri.origin} at it through that proxy (a reverse proxy that terminates TLS).`,
    );
    return { host, port, openUrl: `${uri.origin}/`, local, notes };
  }
  if (port !== uriPort)
    notes.push(
      `PORT is ${port}, but the redirect URI ${redirectUri} is on port ${uriPort}.`,
      `  This app listens on port ${port}; after sign-in, Intuit sends the browser to port ${uriPort},`,
      "  where this app is not listening. Unset PORT to listen on the redirect URI's port, or register",
      `  a redirect URI on port ${port} and set INTUIT_REDIRECT_URI to it.`,
    );
  return { host, port, openUrl: `${uri.protocol}//${uri.hostname}:${port}/`, local, notes };
}

/**
 * One line saying which Intuit the app talks to, e.g. `Intuit: sandbox (test companies of your
 * developer account)`. `environment` is INTUIT_ENVIRONMENT as given, for a discovery URL.
 */
export function describeIntuit(authClient: AuthClient, environment: string): string {
  const signIn = new URL(authClient.endpoints.authorizationEndpoint).origin;
  switch (authClient.environment) {
    case "sandbox":
      return `Intuit: sandbox (the test companies of your developer account; sign-in at ${signIn})`;
    case "production":
      return `Intuit: production (real QuickBooks companies; sign-in at ${signIn})`;
    default:
      return `Intuit: the service described by ${environment} (sign-in at ${signIn})`;
  }
}

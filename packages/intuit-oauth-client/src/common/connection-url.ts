// Redis URLs and PostgreSQL connection strings, checked when a store is constructed: a string its
// driver could not parse is a ConfigurationError that names the host and port, never the password
// (node-redis would fail only at first use, with the whole URL in its TypeError). What a good one
// yields: `host:port` for messages, and the secrets in it, to scrub from any error kept.
import { ConfigurationError } from "./errors.js";

/** Where a connection goes, for messages, and what must never be shown of its URL. */
export interface ConnectionTarget {
  /** `host:port`, or a socket path. */
  where: string;
  /** The URL itself, its credentials and its password (as written and decoded). */
  secrets: string[];
}

/** Checks a Redis URL as node-redis (v4–v6) parses it. */
export function redisTarget(url: unknown, owner: string): ConnectionTarget {
  const text = checkString(url, owner, "Redis URL");
  if (text.startsWith("unix:")) {
    const socket = /^unix:\/\/(?:([^@/]*)@)?(\/[^?#]*)/.exec(text);
    if (!socket || socket[2] === "/") throw unparsable(owner, "Redis URL", text, "not a socket path");
    return { where: socket[2]!, secrets: secretsOf(text, socket[1] ?? "") };
  }
  const parsed = parseUrl(text);
  if (!parsed) throw unparsable(owner, "Redis URL", text, "not a URL");
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw unparsable(owner, "Redis URL", text, "it must start with redis:// or rediss://");
  if (parsed.pathname.length > 1 && Number.isNaN(Number(parsed.pathname.slice(1))))
    throw unparsable(owner, "Redis URL", text, "its path must be a database number");
  return {
    where: `${parsed.hostname}:${parsed.port || "6379"}`,
    secrets: secretsOf(text, userinfo(text)),
  };
}

/** Checks a PostgreSQL connection string as `pg` (pg-connection-string) parses it. */
export function postgresTarget(connectionString: unknown, owner: string): ConnectionTarget {
  const text = checkString(connectionString, owner, "PostgreSQL connection string");
  if (text.startsWith("/")) return { where: text.split(" ")[0]!, secrets: [] };
  // pg encodes spaces and stray % first, and lets the host be empty before a path.
  const encoded = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(text)
    ? encodeURI(text).replace(/%25(\d\d)/g, "%$1")
    : text;
  const parsed =
    parseUrl(encoded, "postgres://base") ??
    parseUrl(encoded.replace("@/", "@___DUMMY___/"), "postgres://base");
  if (!parsed)
    throw unparsable(owner, "PostgreSQL connection string", text, "not a URL (postgres://user@host/db)");
  const query = parsed.searchParams;
  const host = query.get("host") ?? (parsed.hostname === "___dummy___" ? "" : parsed.hostname);
  const secrets = secretsOf(text, userinfo(text));
  const password = query.get("password");
  if (password) secrets.push(password, encodeURIComponent(password));
  return { where: `${host || "localhost"}:${query.get("port") ?? (parsed.port || "5432")}`, secrets };
}

function checkString(value: unknown, owner: string, what: string): string {
  if (typeof value !== "string" || value === "")
    throw new ConfigurationError(`${owner}: the ${what} is empty`);
  return value;
}

function parseUrl(text: string, base?: string): URL | undefined {
  try {
    return new URL(text, base);
  } catch {
    return undefined;
  }
}

/** Everything between `://` and the last `@` of the authority: where credentials are written. */
function userinfo(text: string): string {
  const start = text.indexOf("://");
  if (start === -1) return "";
  const rest = text.slice(start + 3);
  const at = rest.lastIndexOf("@");
  return at === -1 ? "" : rest.slice(0, at);
}

function secretsOf(text: string, credentials: string): string[] {
  const secrets = [text];
  if (credentials === "") return secrets;
  secrets.push(credentials);
  const colon = credentials.indexOf(":");
  const password = colon === -1 ? credentials : credentials.slice(colon + 1);
  if (password !== "") {
    secrets.push(password);
    try {
      secrets.push(decodeURIComponent(password));
    } catch {
      // Not percent-encoded: as written is all there is.
    }
  }
  return secrets;
}

/** "cannot be parsed", with the host and port as far as they can be told, and none of the credentials. */
function unparsable(owner: string, what: string, text: string, why: string): ConfigurationError {
  const start = text.indexOf("://");
  // Without a scheme nothing says which part is the host; whatever precedes the last `@` may be a
  // password, however badly written.
  const rest = start === -1 ? "" : text.slice(start + 3);
  const hostPart = rest.slice(rest.lastIndexOf("@") + 1).split(/[/?#]/)[0] ?? "";
  const colon = hostPart.startsWith("[") && !hostPart.includes("]") ? -1 : hostPart.lastIndexOf(":");
  const hostText = colon === -1 || hostPart.endsWith("]") ? hostPart : hostPart.slice(0, colon);
  const portText = colon === -1 || hostPart.endsWith("]") ? "" : hostPart.slice(colon + 1);
  const host = /^(\[[0-9A-Fa-f:.]*\]?|[A-Za-z0-9.-]+)$/.test(hostText) ? `host ${hostText}` : "host unknown";
  const port = /^\d{1,5}$/.test(portText) ? `port ${portText}` : "port unknown";
  return new ConfigurationError(`${owner}: the ${what} cannot be parsed (${host}, ${port}): ${why}`);
}

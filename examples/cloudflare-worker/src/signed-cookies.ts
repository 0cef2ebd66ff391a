// Signed cookies with Web Crypto (HMAC-SHA256): the browser keeps the data, the MAC proves this
// Worker wrote it, and an expiry inside the signed payload bounds its life. Not encrypted (the
// payload is readable base64url), so it never holds a token.

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Reads and writes JSON values in signed, HttpOnly, SameSite=Lax cookies. */
export class SignedCookies {
  readonly #key: Promise<CryptoKey>;
  readonly #secure: boolean;

  /** `secret`: at least 32 random bytes' worth of text. `secure`: send over https only. */
  constructor(secret: string, options: { secure: boolean }) {
    if (encoder.encode(secret).length < 32) throw new Error("COOKIE_SECRET must be at least 32 bytes");
    this.#key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    this.#secure = options.secure;
  }

  /** A `Set-Cookie` value that stores `value` under `name` for `maxAgeS` seconds. */
  async serialize(name: string, value: unknown, maxAgeS: number): Promise<string> {
    const payload = toBase64Url(
      encoder.encode(JSON.stringify({ v: value, exp: Date.now() + maxAgeS * 1000 })),
    );
    const mac = new Uint8Array(
      await crypto.subtle.sign("HMAC", await this.#key, encoder.encode(`${name}=${payload}`)),
    );
    return `${name}=${payload}.${toBase64Url(mac)}; ${this.#attributes()}; Max-Age=${maxAgeS}`;
  }

  /** A `Set-Cookie` value that deletes `name`. */
  clear(name: string): string {
    return `${name}=; ${this.#attributes()}; Max-Age=0`;
  }

  /** The value of `name` in the request's cookies, or undefined if missing, forged or expired. */
  async read<T>(request: Request, name: string): Promise<T | undefined> {
    const raw = cookieValue(request.headers.get("cookie"), name);
    const dot = raw?.lastIndexOf(".") ?? -1;
    if (raw === undefined || dot < 1) return undefined;
    const payload = raw.slice(0, dot);
    const mac = fromBase64Url(raw.slice(dot + 1));
    // The name is signed too, so a value cannot move from one cookie to another. verify() compares
    // in constant time.
    const data = encoder.encode(`${name}=${payload}`);
    if (!mac || !(await crypto.subtle.verify("HMAC", await this.#key, mac, data))) return undefined;
    const bytes = fromBase64Url(payload);
    if (!bytes) return undefined;
    try {
      const { v, exp } = JSON.parse(new TextDecoder().decode(bytes)) as { v: T; exp: number };
      return typeof exp === "number" && exp > Date.now() ? v : undefined;
    } catch {
      return undefined;
    }
  }

  #attributes(): string {
    // Lax: sent when Intuit redirects the browser back (a top-level GET), not on cross-site POSTs.
    return `Path=/; HttpOnly; SameSite=Lax${this.#secure ? "; Secure" : ""}`;
  }
}

/** One cookie from a `Cookie:` header. */
function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

// Signed cookies with node:crypto: the browser keeps the data, the HMAC proves we wrote it.
// Not encrypted (the user can read the base64url payload), so never put a token in one.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";

/** Reads and writes JSON values in signed, HttpOnly, SameSite=Lax cookies. */
export class SignedCookies {
  readonly #secret: Buffer;
  readonly #secure: boolean;

  /** `secure`: send only over https; set it whenever the app is served over https. */
  constructor(secret: string | Buffer, options: { secure: boolean }) {
    this.#secret = Buffer.from(secret);
    if (this.#secret.length < 32) throw new Error("cookieSecret must be at least 32 bytes");
    this.#secure = options.secure;
  }

  /** Sets `name` to `value`, signed, for `maxAge` ms. */
  set(res: Response, name: string, value: unknown, maxAge: number): void {
    const payload = Buffer.from(JSON.stringify(value)).toString("base64url");
    res.cookie(name, `${payload}.${this.#mac(name, payload)}`, {
      httpOnly: true, // page scripts cannot read it
      // Lax: sent on top-level GET navigations from other sites (Intuit redirecting back to
      // /callback) but not on cross-site POSTs, which is half of the CSRF defence.
      sameSite: "lax",
      secure: this.#secure,
      path: "/",
      maxAge,
    });
  }

  /** The value of `name`, or undefined when it is missing or its signature is wrong. */
  get<T>(req: Request, name: string): T | undefined {
    const raw = readCookieHeader(req.headers.cookie, name);
    const dot = raw?.lastIndexOf(".") ?? -1;
    if (raw === undefined || dot < 1) return undefined;
    const payload = raw.slice(0, dot);
    // The MAC's text is compared, not its decoded bytes: base64url decoding ignores the last
    // character's spare bits, so two spellings would decode alike and a changed cookie would pass.
    const given = Buffer.from(raw.slice(dot + 1), "utf8");
    const expected = Buffer.from(this.#mac(name, payload), "utf8");
    // Constant-time comparison, so response timing does not leak how much of a forgery was right.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as T;
    } catch {
      return undefined;
    }
  }

  clear(res: Response, name: string): void {
    res.clearCookie(name, { httpOnly: true, sameSite: "lax", secure: this.#secure, path: "/" });
  }

  // The cookie name is signed too, so a value cannot be moved from one cookie to another.
  #mac(name: string, payload: string): string {
    return createHmac("sha256", this.#secret).update(`${name}=${payload}`).digest("base64url");
  }
}

/** One cookie from a `Cookie:` header (no cookie-parser needed). */
function readCookieHeader(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

// How the client proves itself to Intuit's token and revoke endpoints: HTTP Basic (the default) or
// client_secret_post. The secret lives only in this object's private field, so printing or
// serialising a config never shows it.
import { toBase64, utf8 } from "../common/bytes.js";
import { redactInspection } from "../common/inspect.js";

/** `client_secret_basic` (Intuit's SDKs, the default) or `client_secret_post`. */
export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post";

/** The client's credentials, applied to a request without ever being shown. */
export class ClientAuth {
  readonly clientId: string;
  readonly method: TokenEndpointAuthMethod;
  readonly #secret: string;
  #basic: string | undefined;

  constructor(
    clientId: string,
    clientSecret: string,
    method: TokenEndpointAuthMethod = "client_secret_basic",
  ) {
    this.clientId = clientId;
    this.#secret = clientSecret;
    this.method = method;
    redactInspection(this, "ClientAuth", () => this.toJSON());
  }

  /** Adds the credentials: a Basic header, or `client_id`/`client_secret` fields. */
  apply(headers: Record<string, string>, fields: Record<string, string> | URLSearchParams): void {
    if (this.method === "client_secret_basic") {
      // Intuit's SDKs base64 the raw id:secret (RFC 6749 §2.3.1 form-encoding changes nothing for
      // Intuit's alphanumeric credentials).
      this.#basic ??= `Basic ${toBase64(utf8(`${this.clientId}:${this.#secret}`))}`;
      headers["authorization"] = this.#basic;
    } else this.addFields(fields);
  }

  /** Puts `client_id` and `client_secret` into a body (client_secret_post, and the migrate call). */
  addFields(fields: Record<string, string> | URLSearchParams): void {
    if (fields instanceof URLSearchParams) {
      fields.set("client_id", this.clientId);
      fields.set("client_secret", this.#secret);
    } else {
      fields["client_id"] = this.clientId;
      fields["client_secret"] = this.#secret;
    }
  }

  /** Values to scrub from anything kept about an answer (a server that echoes the secret). */
  secretValues(): readonly string[] {
    return [this.#secret];
  }

  toJSON(): Record<string, string> {
    return { clientId: this.clientId, clientSecret: "[redacted]", method: this.method };
  }
}

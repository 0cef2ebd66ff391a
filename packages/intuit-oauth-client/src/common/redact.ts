// Removes token values from text that might be shown to a person (error content, logs).
// It must never throw, whatever the input, and its time grows linearly with the text: it runs on
// bodies a peer (or a tenant's uploaded file) controls. Each pattern below is either a plain
// character-class run or a literal anchor; the two shapes a backtracking engine handles badly
// (a JSON string value, a JWT) are scanned by hand.

// Matched in any case: servers and proxies echo `Refresh_Token` or `ACCESS_TOKEN` as readily.
const SECRET_KEYS =
  "access_token|refresh_token|id_token|code|client_secret|token|accessToken|refreshToken|idToken|clientSecret";
// Only the key and the opening quote of its value; the value is scanned by hand (jsonValueEnd).
const JSON_SECRET_KEY = new RegExp(`"(?:${SECRET_KEYS})"\\s*:\\s*"`, "gi");
// A form value, or a quoted attribute value (code="3200" in an XML fault).
const FORM_VALUE = new RegExp(`(^|[?&\\s(])((?:${SECRET_KEYS})=)("[^"]*"?|[^&\\s"'<>)]*)`, "gi");
// QuickBooks faults carry short numeric error codes under "code"; authorization codes are long and opaque.
const FAULT_CODE = /^\d{1,8}$/;
const keep = (key: string, value: string) => {
  const v = value.replace(/^"|"$/g, "");
  return v === "" || (/^"?code/i.test(key) && FAULT_CODE.test(v));
};
const BEARER = /(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/**
 * Replaces secret values inside JSON, form-encoded or free text with `[redacted]`. `known` are
 * values the caller sent (the code, a refresh token): any echo of them is removed wherever it sits.
 */
export function redactText(text: string, known?: readonly (string | undefined)[]): string {
  let out = text;
  if (known)
    for (const secret of known) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  out = redactJsonValues(out)
    .replace(FORM_VALUE, (m, lead: string, key: string, v: string) =>
      keep(key, v) ? m : `${lead}${key}[redacted]`,
    )
    .replace(BEARER, (_m, scheme: string) => `${scheme} [redacted]`);
  return redactJwts(out);
}

/** `"access_token":"…"` → `"access_token":"[redacted]"`; a value cut off by the end of the text too. */
function redactJsonValues(text: string): string {
  JSON_SECRET_KEY.lastIndex = 0;
  let out = "";
  let from = 0;
  for (let m = JSON_SECRET_KEY.exec(text); m; m = JSON_SECRET_KEY.exec(text)) {
    const valueStart = m.index + m[0].length;
    const end = jsonValueEnd(text, valueStart);
    const closed = end < text.length;
    JSON_SECRET_KEY.lastIndex = closed ? end + 1 : end;
    if (closed && keep(m[0], text.slice(valueStart, end))) continue;
    out += `${text.slice(from, valueStart)}[redacted]`;
    from = end; // the closing quote, if any, stays
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Index of the quote that ends the JSON string value starting at `i`, or `text.length`. */
function jsonValueEnd(text: string, i: number): number {
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j; // "
    if (c === 0x5c) j++; // a backslash escapes the next character
  }
  return text.length;
}

const isB64Url = (c: number) =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x2d ||
  c === 0x5f;

function runEnd(text: string, i: number): number {
  while (i < text.length && isB64Url(text.charCodeAt(i))) i++;
  return i;
}

/**
 * A JWS (three parts) or a JWE (five parts, the second often empty: Intuit's access tokens) →
 * `[redacted-jwt]`: `eyJ`, at least four more base64url characters, then two to four `.part`s.
 * The same matches as /eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}/g, found in one pass (that
 * pattern backtracks quadratically over a long `eyJeyJeyJ…` run without dots).
 */
export function redactJwts(text: string): string {
  let out = "";
  let from = 0;
  let at = text.indexOf("eyJ");
  while (at !== -1) {
    const head = runEnd(text, at + 3);
    let end = head;
    let parts = 0;
    if (head - at >= 7)
      while (parts < 4 && text.charCodeAt(end) === 0x2e) {
        end = runEnd(text, end + 1);
        parts++;
      }
    if (parts >= 2) {
      out += `${text.slice(from, at)}[redacted-jwt]`;
      from = end;
      at = text.indexOf("eyJ", end);
    } else {
      // Any later `eyJ` inside this run ends at the same place, so it cannot match either.
      at = text.indexOf("eyJ", head);
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

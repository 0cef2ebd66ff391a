// Removes token values from text that might be shown to a person (error content, logs).
// It must never throw, whatever the input.

// Matched in any case: servers and proxies echo `Refresh_Token` or `ACCESS_TOKEN` as readily.
const SECRET_KEYS =
  "access_token|refresh_token|id_token|code|client_secret|token|accessToken|refreshToken|idToken|clientSecret";
const JSON_STRING_VALUE = new RegExp(`("(?:${SECRET_KEYS})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)("?)`, "gi");
// A form value, or a quoted attribute value (code="3200" in an XML fault).
const FORM_VALUE = new RegExp(`(^|[?&\\s(])((?:${SECRET_KEYS})=)("[^"]*"?|[^&\\s"'<>)]*)`, "gi");
// QuickBooks faults carry short numeric error codes under "code"; authorization codes are long and opaque.
const FAULT_CODE = /^\d{1,8}$/;
const keep = (key: string, value: string) => {
  const v = value.replace(/^"|"$/g, "");
  return v === "" || (/^"?code/i.test(key) && FAULT_CODE.test(v));
};
const BEARER = /(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// A JWS (three parts) or a JWE (five parts, the second often empty: Intuit's access tokens).
const JWT = /eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}/g;

/**
 * Replaces secret values inside JSON, form-encoded or free text with `[redacted]`. `known` are
 * values the caller sent (the code, a refresh token): any echo of them is removed wherever it sits.
 */
export function redactText(text: string, known?: readonly (string | undefined)[]): string {
  let out = text;
  if (known)
    for (const secret of known) if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out
    .replace(JSON_STRING_VALUE, (m, pre: string, v: string, post: string) =>
      keep(pre, v) && post ? m : `${pre}[redacted]${post}`,
    )
    .replace(FORM_VALUE, (m, lead: string, key: string, v: string) =>
      keep(key, v) ? m : `${lead}${key}[redacted]`,
    )
    .replace(BEARER, (_m, scheme: string) => `${scheme} [redacted]`)
    .replace(JWT, "[redacted-jwt]");
}

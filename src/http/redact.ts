// Removes token values from text that might be shown to a person (error content, logs).
// It must never throw, whatever the input.

const SECRET_KEYS =
  "access_token|refresh_token|id_token|code|client_secret|token|accessToken|refreshToken|idToken|clientSecret";
const JSON_STRING_VALUE = new RegExp(`("(?:${SECRET_KEYS})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)("?)`, "g");
const FORM_VALUE = new RegExp(`(^|[?&\\s])((?:${SECRET_KEYS})=)([^&\\s]*)`, "g");
const BEARER = /(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Replaces secret values inside JSON, form-encoded or free text with `[redacted]`. */
export function redactText(text: string): string {
  return text
    .replace(JSON_STRING_VALUE, (_m, pre: string, _v: string, post: string) => `${pre}[redacted]${post}`)
    .replace(FORM_VALUE, (_m, lead: string, key: string) => `${lead}${key}[redacted]`)
    .replace(BEARER, (_m, scheme: string) => `${scheme} [redacted]`)
    .replace(JWT, "[redacted-jwt]");
}

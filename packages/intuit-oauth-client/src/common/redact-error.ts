// Copies of errors safe to keep as a `cause`: every string in the error and its cause chain (message,
// stack, and fields such as node-redis's `input` or a `url`) without the given secrets or any URL's
// credentials. The originals are left as they are. Linear in the text, whatever it holds.

const REDACTED = "[redacted]";
// How deep into nested causes, `errors` and plain objects a copy goes.
const MAX_DEPTH = 6;

/** `text` without `secrets`, URL credentials (`scheme://user:pass@`) or `password=` values. */
export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret !== "") out = out.split(secret).join(REDACTED);
  return redactUrlCredentials(out).replace(/password=[^&\s]*/gi, `password=${REDACTED}`);
}

/** A copy of `err` (an Error or anything else) whose strings are scrubbed by {@link redactCredentials}. */
export function redactError(err: unknown, secrets: readonly string[] = []): unknown {
  return copy(err, secrets, 0, new Map());
}

function copy(
  value: unknown,
  secrets: readonly string[],
  depth: number,
  seen: Map<object, unknown>,
): unknown {
  if (typeof value === "string") return redactCredentials(value, secrets);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(copy(item, secrets, depth + 1, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (!(value instanceof Error) && proto !== Object.prototype && proto !== null) return undefined;
  const out = Object.create(proto) as Record<PropertyKey, unknown>;
  seen.set(value, out);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (!d || !("value" in d)) continue; // accessors are not copied: they could read the original
    Object.defineProperty(out, key, { ...d, value: copy(d.value, secrets, depth + 1, seen) });
  }
  return out;
}

/** Replaces the credentials of every `scheme://credentials@host` with [redacted], in one pass. */
function redactUrlCredentials(text: string): string {
  let out = "";
  let from = 0;
  let i = text.indexOf("://");
  while (i !== -1) {
    const start = i + 3;
    let end = start;
    let at = -1;
    // The authority, as far as credentials go, runs to the next whitespace; they end at its last `@`.
    while (end < text.length && !/\s/.test(text[end]!)) {
      if (text[end] === "@") at = end;
      end++;
    }
    if (at !== -1) {
      out += `${text.slice(from, start)}${REDACTED}`;
      from = at;
    }
    i = text.indexOf("://", end);
  }
  return out + text.slice(from);
}

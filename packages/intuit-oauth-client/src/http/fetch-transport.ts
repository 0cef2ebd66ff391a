// A transport over any fetch: the default on runtimes without node:http (workerd, Deno, edge
// runtimes), and the one `fetch` option users pick on Node. Redirects are never followed.
import { concatBytes } from "../common/bytes.js";
import { isSuccess, networkError, type FetchLike, type Transport } from "./transport.js";

/** A signal that fires when either does (AbortSignal.any, which Node gained in 20.3). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const both = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener("abort", () => both.abort(s.reason), { once: true });
  }
  return both.signal;
}

/** Wraps any `fetch` as a transport. Redirects are not followed: OAuth endpoints never redirect. */
export function fetchTransport(fetchFn: FetchLike): Transport {
  return async (request) => {
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? eitherSignal(request.signal, timeout) : timeout;
    // The caller's abort wins over the timeout; either is reported as such, not as a network error.
    const aborted = () => {
      if (request.signal?.aborted) return request.signal.reason;
      if (timeout.aborted) return request.timeoutError();
      return undefined;
    };
    let res: Response;
    try {
      res = await fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body as BodyInit | undefined,
        signal,
        redirect: "manual",
      });
    } catch (err) {
      if (signal.aborted) throw aborted();
      // fetch wraps system errors as TypeError("fetch failed") with the real error as cause.
      const cause = (err as { cause?: unknown } | null)?.cause ?? err;
      throw networkError(cause, true);
    }
    if (request.stream && isSuccess(res.status)) {
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      if (res.body) void res.body.pipeTo(writable, { signal: request.bodySignal }).catch(() => {});
      else void writable.close();
      return { status: res.status, headers, body: new Uint8Array(0), stream: readable };
    }
    try {
      const buf = await readLimited(res, request.maxBodyBytes);
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      return { status: res.status, headers, body: buf };
    } catch (err) {
      if (signal.aborted) throw aborted();
      throw networkError((err as { cause?: unknown } | null)?.cause ?? err, true);
    }
  };
}

/** Reads a fetch body, stopping (and cancelling the stream) as soon as it passes `max` bytes. */
async function readLimited(res: Response, max: number): Promise<Uint8Array> {
  const tooLarge = () => new Error(`response body larger than ${max} bytes`);
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return concatBytes(chunks, size);
}

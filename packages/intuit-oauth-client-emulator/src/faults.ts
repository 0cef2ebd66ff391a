// Injected faults: the per-endpoint queue, the answers that replace a request, and the ones that spoil a real answer.
import { authenticationFailed, authorizationFailed, throttleExceeded, validationFault } from "./qbo-fault.js";
import type { ApiFormat } from "./qbo-xml.js";
import { errorPage, jsonReply, type Reply } from "./reply.js";
import type { EndpointName, Fault } from "./types.js";

const FAULT_TYPES = new Set<Fault["type"]>([
  "status",
  "rateLimit",
  "delay",
  "resetBeforeRead",
  "resetAfterRead",
  "truncatedBody",
  "malformedJson",
  "missingAccessToken",
  "wrongContentType",
]);

/** Faults waiting to be played, per endpoint, first in first out. */
export class FaultQueue {
  private queues = new Map<EndpointName, Array<{ fault: Fault; remaining: number }>>();

  add(endpoint: EndpointName, fault: Fault, count = 1): void {
    if (!fault || !FAULT_TYPES.has(fault.type)) throw new TypeError(`unknown fault type`);
    if (!Number.isInteger(count) || count < 1) throw new RangeError("fault count must be a positive integer");
    const queue = this.queues.get(endpoint) ?? [];
    queue.push({ fault: { ...fault }, remaining: count });
    this.queues.set(endpoint, queue);
  }

  /** The next fault for this endpoint, used up by this call. */
  take(endpoint: EndpointName): Fault | undefined {
    const queue = this.queues.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queues.clear();
  }
}

/** How injected QuickBooks API faults are encoded: the request's format, and the 429's. */
export interface ApiFaultFormats {
  requested: ApiFormat;
  throttle: ApiFormat;
}

/** Faults played instead of the request (it never takes effect). */
export function replacingReply(
  endpoint: EndpointName,
  fault: Fault,
  nowMs: number,
  formats: ApiFaultFormats = { requested: "json", throttle: "xml" },
): Reply | undefined {
  if (fault.type === "rateLimit") {
    if (endpoint === "api") return throttleExceeded(nowMs, fault.retryAfter, formats.throttle);
    const reply = errorPage(429, "Too Many Requests", "Rate limit exceeded. Try again later.");
    if (fault.retryAfter !== undefined) reply.headers.push(["retry-after", String(fault.retryAfter)]);
    return reply;
  }
  if (fault.type !== "status") return undefined;
  const { status } = fault;
  if (fault.body !== undefined)
    return { status, headers: [["content-type", guessType(fault.body)]], body: fault.body };
  if (status >= 500) return errorPage(status, `${status} Error`, "The server encountered a temporary error.");
  if (endpoint === "api") {
    if (status === 401) return authenticationFailed(nowMs);
    if (status === 403) return authorizationFailed(nowMs);
    if (status === 429) return throttleExceeded(nowMs, undefined, formats.throttle);
    return validationFault(
      formats.requested,
      nowMs,
      {
        Message: "Required param missing, need to supply the required value for the API",
        Detail: "Injected fault",
        code: "2020",
      },
      status,
    );
  }
  const error: Record<number, string> = {
    400: "invalid_request",
    401: "invalid_client",
    403: "access_denied",
    429: "too_many_requests",
  };
  return jsonReply(status, { error: error[status] ?? "server_error" });
}

/** Faults that let the request run and then spoil its answer. */
export function spoiledReply(fault: Fault, real: Reply): Reply {
  switch (fault.type) {
    case "malformedJson":
      return {
        status: 200,
        headers: [["content-type", "application/json;charset=UTF-8"]],
        body: '{"access_token": "abc',
      };
    case "wrongContentType":
      return { status: 200, headers: [["content-type", "text/html"]], body: "<html>ok</html>" };
    case "missingAccessToken": {
      let value: Record<string, unknown> = { token_type: "bearer", expires_in: 3600 };
      try {
        const parsed: unknown = JSON.parse(String(real.body));
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) value = { ...parsed };
      } catch {
        // not JSON: use the stand-in body
      }
      delete value.access_token;
      return jsonReply(200, value, real.status === 200 ? real.headers : []);
    }
    default:
      return real;
  }
}

function guessType(body: string): string {
  const start = body.trimStart()[0];
  if (start === "{" || start === "[") return "application/json;charset=UTF-8";
  if (start === "<") return "text/html; charset=utf-8";
  return "text/plain; charset=utf-8";
}

// QuickBooks Online `Fault` bodies (401 3200, 403 3100, 429 3001, validation) in Intuit's shape.
import { jsonReply, type Reply } from "./reply.js";

interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

/** `{"Fault":{"Error":[…],"type":…},"time":…}` with the given status. */
export function qboFault(
  status: number,
  type: string,
  error: FaultError,
  nowMs: number,
  extra: Array<[string, string]> = [],
): Reply {
  return jsonReply(status, { Fault: { Error: [error], type }, time: new Date(nowMs).toISOString() }, extra);
}

/** 401 AuthenticationFailed, code 3200. */
export function authenticationFailed(nowMs: number, detail = "Token expired or invalid"): Reply {
  return qboFault(
    401,
    "AUTHENTICATION",
    {
      Message: "message=AuthenticationFailed; errorCode=003200; statusCode=401",
      Detail: detail,
      code: "3200",
    },
    nowMs,
    [["www-authenticate", 'Bearer realm="Intuit", error="invalid_token"']],
  );
}

/** 403 ApplicationAuthorizationFailed, code 3100. */
export function authorizationFailed(nowMs: number): Reply {
  return qboFault(
    403,
    "AUTHENTICATION",
    {
      Message: "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
      Detail: "The application is not authorized to access this company",
      code: "3100",
    },
    nowMs,
  );
}

/** 429 ThrottleExceeded, code 3001; `Retry-After` only when given. */
export function throttleExceeded(nowMs: number, retryAfter?: number): Reply {
  return qboFault(
    429,
    "ThrottlingFault",
    {
      Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
      Detail: "Too many requests",
      code: "3001",
    },
    nowMs,
    retryAfter === undefined ? [] : [["retry-after", String(retryAfter)]],
  );
}

/** A ValidationFault (400 unless told otherwise). */
export function validationFault(
  nowMs: number,
  code: string,
  message: string,
  detail: string,
  status = 400,
): Reply {
  return qboFault(status, "ValidationFault", { Message: message, Detail: detail, code }, nowMs);
}

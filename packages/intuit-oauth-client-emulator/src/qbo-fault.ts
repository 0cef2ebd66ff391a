// QuickBooks Online fault answers in production's shapes (platform reference §10, §14.1):
// the gateway's lower-case JSON (401 code 3200, 403 code 3100), the XML AuthenticationFault code 100 for a
// token of another company, the 429 ThrottleExceeded, and ValidationFaults in JSON or XML.
import { intuitApiTime } from "./intuit-time.js";
import { apiReply, XML_TYPE, type ApiFormat } from "./qbo-xml.js";
import type { Reply } from "./reply.js";

/** One error of a ValidationFault. `element` is the field it is about; production sends `""` when none. */
export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

/** The document of a capitalised Fault: `{"Fault":{"Error":[…],"type":…},"time":"…-07:00"}`. */
export function faultDocument(type: string, errors: FaultError[], nowMs: number): Record<string, unknown> {
  return {
    Fault: { Error: errors.map((e) => ({ ...e, element: e.element ?? "" })), type },
    time: intuitApiTime(nowMs),
  };
}

/** The API gateway's lower-case JSON fault, whatever the Accept header; `time` in epoch ms. */
function gatewayFault(
  status: number,
  type: string,
  error: { message: string; detail: string; code: string },
  nowMs: number,
  headers: Array<[string, string]> = [],
): Reply {
  const body = {
    warnings: null,
    intuitObject: null,
    fault: { error: [{ ...error, element: null }], type },
    report: null,
    queryResponse: null,
    time: nowMs,
  };
  return apiReply("json", status, body, headers);
}

/** 401 AuthenticationFailed, code 3200: no token, or an unknown, expired or revoked one. */
export function authenticationFailed(nowMs: number, detail = "Token expired"): Reply {
  return gatewayFault(
    401,
    "AUTHENTICATION",
    { message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail, code: "3200" },
    nowMs,
    [["www-authenticate", 'Bearer realm="Intuit", error="invalid_token"']],
  );
}

/** 403 ApplicationAuthorizationFailed, code 3100: the grant does not cover this API. */
export function authorizationFailed(nowMs: number): Reply {
  return gatewayFault(
    403,
    "SERVICE",
    {
      message: "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
      detail: "The application is not authorized to access this resource",
      code: "3100",
    },
    nowMs,
  );
}

/**
 * 401 with XML whatever the Accept header: a valid access token used on another company's path
 * (Intuit binds each token to the company it was granted for; reproduced by Intuit in oauth-jsclient #91).
 */
export function generalAuthenticationError(nowMs: number): Reply {
  const body =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${intuitApiTime(nowMs)}">` +
    '<Fault type="AuthenticationFault"><Error code="100"><Message>General Authentication Error</Message>' +
    "<Detail>AuthenticationErrorGeneral: SRV-110-Authentication Failure , statusCode: 401</Detail>" +
    "</Error></Fault></IntuitResponse>";
  return { status: 401, headers: [["content-type", XML_TYPE]], body };
}

/** 429 ThrottleExceeded, code 3001, `type="SERVICE"`; `Retry-After` only when given. XML unless told otherwise. */
export function throttleExceeded(nowMs: number, retryAfter?: number, format: ApiFormat = "xml"): Reply {
  const doc = faultDocument(
    "SERVICE",
    [
      {
        Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
        Detail: "The request limit was reached.  Try again later",
        code: "3001",
      },
    ],
    nowMs,
  );
  if (format === "xml")
    delete (doc["Fault"] as { Error: Array<Record<string, unknown>> }).Error[0]?.["element"];
  return apiReply(format, 429, doc, retryAfter === undefined ? [] : [["retry-after", String(retryAfter)]]);
}

/** A ValidationFault (400 unless told otherwise), in the format the request asked for. */
export function validationFault(format: ApiFormat, nowMs: number, error: FaultError, status = 400): Reply {
  return apiReply(format, status, faultDocument("ValidationFault", [error], nowMs));
}

/** 610 Object Not Found, production's text (an inactive or unknown reference gets the same). */
export function objectNotFound(entity: string, id: string): FaultError {
  return {
    Message: "Object Not Found",
    Detail: `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} ${id})`,
    code: "610",
  };
}

/** 5010 Stale Object Error: the update's SyncToken is not the entity's current one. */
export function staleObject(): FaultError {
  return {
    Message: "Stale Object Error",
    Detail:
      "Stale Object Error : You and another user were working on the same thing. The other user finished before you did, so your work was not saved.",
    code: "5010",
  };
}

/** 6240 Duplicate Name Exists: customers, vendors and employees share one name space. */
export function duplicateName(name: string): FaultError {
  return {
    Message: "Duplicate Name Exists Error",
    Detail: `The name supplied already exists. : Another customer, vendor or employee is already using this name (${name}). Please use a different name.`,
    code: "6240",
  };
}

/** An operation the emulator (and, as far as is known, production) does not offer. */
export function unsupported(detail: string): FaultError {
  return { Message: "Unsupported Operation", Detail: detail, code: "4001" };
}

/** `Required param missing` (2020), production's text, with the field as `element`. */
export const missing = (field: string): FaultError => ({
  Message: "Required param missing, need to supply the required value for the API",
  Detail: `Required parameter ${field} is missing in the request`,
  code: "2020",
  element: field,
});

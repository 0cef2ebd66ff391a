// QuickBooks Accounting API v3 stand-in: the bearer check (token bound to its company), per-realm limits,
// minorversion, and the routes (companyinfo, query, customer, invoice, PDF, batch), in JSON or XML.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorContext, RealmTraffic } from "./context.js";
import { intuitApiTime } from "./intuit-time.js";
import {
  companyInfo,
  createEntity,
  createProblem,
  customers,
  entityName,
  invoices,
  QUERYABLE,
} from "./qbo-entities.js";
import {
  authenticationFailed,
  authorizationFailed,
  faultDocument,
  generalAuthenticationError,
  throttleExceeded,
  validationFault,
  type FaultError,
} from "./qbo-fault.js";
import { checkQueryable, parseQuery, QueryError, runQuery } from "./qbo-query.js";
import { apiReply, requestedFormat, type ApiFormat } from "./qbo-xml.js";
import { header, type EmulatorRequest, type Reply } from "./reply.js";
import { accessTokenStatus, bearerToken } from "./tokens.js";

const PDF_SIZE = 64 * 1024;
const ACCOUNTING = "com.intuit.quickbooks.accounting";
const MAX_RESULTS = 1000;

/** decodeURIComponent that leaves malformed escapes as they are instead of throwing. */
function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function traffic(ctx: EmulatorContext, key: string): RealmTraffic {
  let t = ctx.traffic.get(key);
  if (!t) {
    t = { inFlight: 0, maxInFlight: 0, minute: 0, countThisMinute: 0 };
    ctx.traffic.set(key, t);
  }
  return t;
}

/** Count one request in the current emulator-clock minute; true when that goes over `limit`. */
function overMinuteLimit(t: RealmTraffic, now: number, limit: number): boolean {
  const minute = Math.floor(now / 60_000);
  if (t.minute !== minute) {
    t.minute = minute;
    t.countThisMinute = 0;
  }
  t.countThisMinute += 1;
  return t.countThisMinute > limit;
}

/** One request being answered: what every route needs to build its reply. */
interface Call {
  ctx: EmulatorContext;
  req: EmulatorRequest;
  realmId: string;
  clientId: string;
  format: ApiFormat;
  now: number;
}

/**
 * Any `/v3/...` request. First the token: unknown, expired or revoked → 401 JSON 3200; valid but for
 * another company (or for none) → 401 XML AuthenticationFault 100; no accounting scope → 403 3100.
 * Then the realm's limits, `minorversion`, and the route.
 */
export async function quickbooksApi(ctx: EmulatorContext, req: EmulatorRequest): Promise<Reply> {
  const m = /^\/v3\/company\/([^/]+)\/(.*)$/.exec(req.url.pathname);
  const now = ctx.clock.now();
  const realmId = m?.[1] ? decodeSegment(m[1]) : undefined;
  const status = accessTokenStatus(ctx, bearerToken(header(req, "authorization")));
  if (!status.grant)
    return authenticationFailed(now, status.reason === "expired" ? "Token expired" : "Token invalid");
  const grant = status.grant;
  if (realmId === undefined || grant.realmId !== realmId) return generalAuthenticationError(now);
  if (!grant.scopes.includes(ACCOUNTING)) return authorizationFailed(now);
  const call: Call = {
    ctx,
    req,
    realmId,
    clientId: grant.clientId,
    format: requestedFormat(req, ctx.settings.apiDefaultFormat),
    now,
  };
  const t = traffic(ctx, realmId);
  const overMinute = overMinuteLimit(t, now, ctx.settings.perMinute);
  t.inFlight += 1;
  ctx.total.inFlight += 1;
  t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
  ctx.total.maxInFlight = Math.max(ctx.total.maxInFlight, ctx.total.inFlight);
  try {
    if (t.inFlight > ctx.settings.maxConcurrent || overMinute) return throttled(call);
    if (ctx.settings.apiDelayMs > 0) await sleep(ctx.settings.apiDelayMs, undefined, { signal: ctx.closing });
    const minor = minorVersionProblem(ctx, req.url.searchParams.get("minorversion"));
    if (minor) return validationFault(call.format, now, minor);
    return route(call, m?.[2] ?? "");
  } finally {
    t.inFlight -= 1;
    ctx.total.inFlight -= 1;
  }
}

function throttled(call: Call): Reply {
  return throttleExceeded(call.now, undefined, call.ctx.settings.throttleFormat);
}

/** Versions 1–74 are accepted and run as the latest (production since 2025-08-01); others per settings. */
function minorVersionProblem(ctx: EmulatorContext, value: string | null): FaultError | undefined {
  if (value === null || ctx.settings.unknownMinorVersion === "ignore") return undefined;
  const latest = ctx.settings.latestMinorVersion;
  if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= latest) return undefined;
  return {
    Message: "Invalid minor version",
    Detail: `Minor version ${value} is not supported. Use a minor version from 1 to ${latest}.`,
    code: "2010",
    element: "minorversion",
  };
}

const reply = (call: Call, doc: Record<string, unknown>, status = 200) =>
  apiReply(call.format, status, { ...doc, time: intuitApiTime(call.now) });

function route(call: Call, rest: string): Reply {
  const { ctx, req, realmId } = call;
  const parts = rest.split("/").map(decodeSegment);
  const [path, id, sub] = [parts[0]?.toLowerCase(), parts[1], parts[2]];
  const get = req.method === "GET";
  const post = req.method === "POST";
  if (get && path === "companyinfo" && id !== undefined && parts.length === 2) {
    if (id !== realmId) return notFound(call, "CompanyInfo", id);
    const company = ctx.settings.companies.find((c) => c.realmId === realmId);
    return reply(call, { CompanyInfo: companyInfo(company, realmId, ctx.startedAt) });
  }
  if (get && path === "query" && parts.length === 1)
    return query(call, req.url.searchParams.get("query") ?? "");
  if (post && path === "batch" && parts.length === 1) return batch(call);
  const entity = path === undefined ? undefined : entityName(path);
  if (post && entity && parts.length === 1 && req.url.searchParams.get("operation") === null) {
    const body = jsonBody(req.body);
    if (!body) return invalidBody(call);
    return create(call, entity as "Customer" | "Invoice", body);
  }
  if (get && entity && id !== undefined && parts.length === 2) {
    const rows = entity === "Customer" ? customers(ctx, realmId) : invoices(ctx, realmId);
    const found = rows.find((r) => r["Id"] === id);
    return found ? reply(call, { [entity]: found }) : notFound(call, entity, id);
  }
  if (get && entity === "Invoice" && id !== undefined && sub === "pdf" && parts.length === 3) {
    return { status: 200, headers: [["content-type", "application/pdf"]], body: invoicePdf(id) };
  }
  return validationFault(call.format, call.now, {
    Message: "Unsupported Operation",
    Detail: `Operation ${req.method} ${rest} is not supported.`,
    code: "4001",
  });
}

function jsonBody(bytes: Buffer | string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(typeof bytes === "string" ? bytes : bytes.toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function invalidBody(call: Call): Reply {
  return validationFault(call.format, call.now, {
    Message: "Request has invalid or unsupported property",
    Detail: "Request body is not a valid JSON object.",
    code: "2500",
  });
}

function create(call: Call, entity: "Customer" | "Invoice", body: Record<string, unknown>): Reply {
  const problem = createProblem(entity, body);
  if (problem) return validationFault(call.format, call.now, problem);
  return reply(call, { [entity]: createEntity(call.ctx, entity, call.realmId, body) });
}

function notFound(call: Call, entity: string, id: string): Reply {
  return validationFault(call.format, call.now, {
    Message: "Object Not Found",
    Detail: `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} ${id})`,
    code: "610",
  });
}

/** The QueryResponse of one query, or the FaultError that refuses it. */
function queryResponse(call: Call, text: string): Record<string, unknown> | FaultError {
  const { ctx, realmId } = call;
  try {
    const q = parseQuery(text.trim());
    const entity = entityName(q.entity);
    if (!entity)
      throw new QueryError(
        "4000",
        "Error parsing query",
        `QueryParserError: Invalid context declaration : ${q.entity}`,
      );
    checkQueryable(q, QUERYABLE[entity] ?? []);
    if (
      q.maxResults !== undefined &&
      q.maxResults > MAX_RESULTS &&
      ctx.settings.maxResultsOverLimit === "error"
    )
      throw new QueryError(
        "4001",
        "Invalid query",
        `QueryValidationError: value ${q.maxResults} for MAXRESULTS exceeds the maximum allowed value of ${MAX_RESULTS}`,
      );
    const rows = runQuery(q, entity === "Customer" ? customers(ctx, realmId) : invoices(ctx, realmId));
    if (q.count) return { totalCount: rows.length };
    const max = Math.min(MAX_RESULTS, q.maxResults ?? 100);
    const page = rows.slice(q.startPosition - 1, q.startPosition - 1 + max);
    return page.length > 0 ? { [entity]: page, startPosition: q.startPosition, maxResults: page.length } : {};
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    return { Message: err.faultMessage, Detail: err.message, code: err.code };
  }
}

const isFault = (v: Record<string, unknown> | FaultError): v is FaultError =>
  typeof (v as FaultError).code === "string" && typeof (v as FaultError).Message === "string";

function query(call: Call, text: string): Reply {
  const answer = queryResponse(call, text);
  if (isFault(answer)) return validationFault(call.format, call.now, answer);
  return reply(call, { QueryResponse: answer });
}

/**
 * `POST batch`: `{ BatchItemRequest: [{ bId, Query } | { bId, operation: "create", Customer|Invoice }] }`.
 * Limits (§11): items per batch, batches per minute per realm and app, and per realm.
 */
function batch(call: Call): Reply {
  const { ctx, realmId, now } = call;
  const appTraffic = traffic(ctx, `batch:${call.clientId}:${realmId}`);
  const realmTraffic = traffic(ctx, `batch:${realmId}`);
  const overApp = overMinuteLimit(appTraffic, now, ctx.settings.batchPerMinute);
  const overRealm = overMinuteLimit(realmTraffic, now, ctx.settings.batchPerMinutePerRealm);
  if (overApp || overRealm) return throttled(call);
  const body = jsonBody(call.req.body);
  const items = body?.["BatchItemRequest"];
  if (!body || !Array.isArray(items)) return invalidBody(call);
  if (items.length > ctx.settings.batchMaxItems)
    return validationFault(call.format, now, {
      Message: "Request has invalid or unsupported property",
      Detail: `Number of items in the batch request (${items.length}) exceeds the limit of ${ctx.settings.batchMaxItems}.`,
      code: "2050",
      element: "BatchItemRequest",
    });
  const responses = items.map((value: unknown) => {
    const item = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
    const bId = typeof item["bId"] === "string" ? item["bId"] : "";
    const fault = (error: FaultError) => ({
      bId,
      Fault: faultDocument("ValidationFault", [error], now)["Fault"],
    });
    if (typeof item["Query"] === "string") {
      const answer = queryResponse(call, item["Query"]);
      return isFault(answer) ? fault(answer) : { bId, QueryResponse: answer };
    }
    const entity = (["Customer", "Invoice"] as const).find((e) => item[e] && typeof item[e] === "object");
    if (item["operation"] === "create" && entity) {
      const entityBody = item[entity] as Record<string, unknown>;
      const problem = createProblem(entity, entityBody);
      return problem ? fault(problem) : { bId, [entity]: createEntity(ctx, entity, realmId, entityBody) };
    }
    return fault({ Message: "Unsupported Operation", Detail: "Unsupported batch item.", code: "4001" });
  });
  return reply(call, { BatchItemResponse: responses });
}

/** 64 KiB starting `%PDF-1.4`, holding every byte value 0–255, the same for the same id every time. */
export function invoicePdf(id: string): Buffer {
  const out = Buffer.alloc(PDF_SIZE);
  let at = out.write(`%PDF-1.4\n%invoice ${id.replace(/[^\w-]/g, "")}\n`, "latin1");
  for (let b = 0; b < 256; b++) out[at++] = b;
  let block = 0;
  while (at < PDF_SIZE) {
    const chunk = createHash("sha256").update(`${id}:${block++}`).digest();
    at += chunk.copy(out, at);
  }
  out.write("\n%%EOF\n", PDF_SIZE - 7, "latin1");
  return out;
}

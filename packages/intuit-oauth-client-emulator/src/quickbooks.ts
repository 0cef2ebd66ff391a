// QuickBooks Accounting API v3 stand-in: the bearer check (token bound to its company), per-realm limits,
// minorversion, requestid replay, and the routes (companyinfo, preferences, query, cdc, batch, upload,
// download, create/read/update/delete/void of every entity in qbo-schema.ts, PDFs, send, reports,
// exchange rates, TaxService), in JSON or XML.
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorContext, RealmTraffic } from "./context.js";
import { intuitApiTime } from "./intuit-time.js";
import { batchItems } from "./qbo-batch.js";
import { changeDataCapture } from "./qbo-cdc.js";
import {
  authenticationFailed,
  authorizationFailed,
  generalAuthenticationError,
  objectNotFound,
  throttleExceeded,
  unsupported,
  validationFault,
  type FaultError,
} from "./qbo-fault.js";
import { documentPdf, PDF_ENTITIES, savedDocument, SEND_ENTITIES, sendDocument } from "./qbo-documents.js";
import { exchangeRate, setExchangeRate, taxService } from "./qbo-rates.js";
import { isFault, queryResponse, shown } from "./qbo-read.js";
import { report } from "./qbo-reports.js";
import { entitySpec } from "./qbo-schema.js";
import { findEntity, realmStore } from "./qbo-store.js";
import { tempDownloadUri, upload } from "./qbo-upload.js";
import { operationOf, writeEntity } from "./qbo-write.js";
import { apiReply, requestedFormat, type ApiFormat } from "./qbo-xml.js";
import { header, type EmulatorRequest, type Reply } from "./reply.js";
import { accessTokenStatus, bearerToken } from "./tokens.js";

const ACCOUNTING = "com.intuit.quickbooks.accounting";

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
    return await once(call, m?.[2] ?? "");
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

const refuse = (call: Call, error: FaultError) => validationFault(call.format, call.now, error);

/**
 * Runs a write at most once per `requestid` (platform reference §14.3): a repeat gets the first
 * answer. Ids longer than Intuit's limits (50; 36 for batch) are refused.
 */
async function once(call: Call, rest: string): Promise<Reply> {
  const requestId = call.req.url.searchParams.get("requestid");
  if (call.req.method !== "POST" || requestId === null) return route(call, rest);
  const max = rest.toLowerCase() === "batch" ? 36 : 50;
  if (requestId === "" || requestId.length > max)
    return refuse(call, {
      Message: "Invalid requestid",
      Detail: `requestid must be 1 to ${max} characters.`,
      code: "4001",
      element: "requestid",
    });
  const { reply: answer } = await call.ctx.replay.answer(call.realmId, requestId, async () =>
    route(call, rest),
  );
  return answer;
}

function route(call: Call, rest: string): Reply {
  const { ctx, req, realmId } = call;
  const parts = rest.split("/").map(decodeSegment);
  const [path, id, sub] = [parts[0]?.toLowerCase(), parts[1], parts[2]];
  const get = req.method === "GET";
  const post = req.method === "POST";
  const params = req.url.searchParams;
  if (get && path === "companyinfo" && id !== undefined && parts.length === 2) {
    if (id !== realmId) return refuse(call, objectNotFound("CompanyInfo", id));
    return reply(call, { CompanyInfo: findEntity(ctx, realmId, "CompanyInfo", "1") ?? {} });
  }
  if (get && path === "preferences" && parts.length === 1)
    return reply(call, { Preferences: findEntity(ctx, realmId, "Preferences", "1") ?? {} });
  if (path === "query" && parts.length === 1 && (get || post))
    return query(call, get ? (params.get("query") ?? "") : req.body.toString("utf8"));
  if (get && path === "cdc" && parts.length === 1) {
    const doc = changeDataCapture(ctx, realmId, params);
    return isFault(doc) ? refuse(call, doc) : reply(call, doc);
  }
  if (post && path === "batch" && parts.length === 1) return batch(call);
  if (post && path === "upload" && parts.length === 1) {
    const items = upload(ctx, realmId, req);
    return Array.isArray(items) ? reply(call, { AttachableResponse: items }) : refuse(call, items);
  }
  if (get && path === "download" && id !== undefined && parts.length === 2) {
    const attachable = findEntity(ctx, realmId, "Attachable", id);
    if (!attachable || !realmStore(ctx, realmId).files.has(id))
      return refuse(call, objectNotFound("Attachable", id));
    return {
      status: 200,
      headers: [["content-type", "text/plain;charset=UTF-8"]],
      body: tempDownloadUri(ctx, realmId, attachable),
    };
  }
  if (get && path === "reports" && id !== undefined && parts.length === 2) {
    const doc = report(ctx, realmId, id, params);
    if (doc === undefined) return refuse(call, unsupported(`Report ${id} is not supported.`));
    return isFault(doc) ? refuse(call, doc) : reply(call, doc);
  }
  if (get && path === "exchangerate" && parts.length === 1) {
    const rate = exchangeRate(ctx, realmId, params);
    return isFault(rate) ? refuse(call, rate) : reply(call, { ExchangeRate: rate });
  }
  if (post && path === "taxservice" && id?.toLowerCase() === "taxcode" && parts.length === 2) {
    const body = jsonBody(req.body);
    if (!body) return invalidBody(call);
    const made = taxService(ctx, realmId, body);
    return isFault(made) ? refuse(call, made) : reply(call, { TaxService: made });
  }
  const spec = path === undefined ? undefined : entitySpec(path);
  if (post && spec && parts.length === 1) {
    const unknown = [...params.keys()].find((k) => !WRITE_PARAMS.has(k));
    if (unknown !== undefined) return refuse(call, unknownParameter(unknown));
    const body = jsonBody(req.body);
    if (!body) return invalidBody(call);
    const operation = operationOf(params.get("operation"), body, spec, params.get("include"));
    if (typeof operation !== "string") return refuse(call, operation);
    if (spec.kind === "rate") {
      const rate = setExchangeRate(ctx, realmId, body);
      return isFault(rate) ? refuse(call, rate) : reply(call, { ExchangeRate: rate });
    }
    const outcome = writeEntity(ctx, realmId, spec, operation, body);
    return "fault" in outcome
      ? refuse(call, outcome.fault)
      : reply(call, { [spec.name]: shown(ctx, realmId, spec.name, outcome.doc) });
  }
  if (get && spec && spec.kind !== "singleton" && id !== undefined && parts.length === 2) {
    const found = findEntity(ctx, realmId, spec.name, id);
    return found
      ? reply(call, { [spec.name]: shown(ctx, realmId, spec.name, found) })
      : refuse(call, objectNotFound(spec.name, id));
  }
  if (get && spec && PDF_ENTITIES.has(spec.name) && id !== undefined && sub === "pdf" && parts.length === 3) {
    const doc = savedDocument(ctx, realmId, spec.name, id);
    if (isFault(doc)) return refuse(call, doc);
    return { status: 200, headers: [["content-type", "application/pdf"]], body: documentPdf(spec.name, doc) };
  }
  if (
    post &&
    spec &&
    SEND_ENTITIES.has(spec.name) &&
    id !== undefined &&
    sub === "send" &&
    parts.length === 3
  ) {
    const doc = savedDocument(ctx, realmId, spec.name, id);
    const sent = isFault(doc) ? doc : sendDocument(ctx, realmId, spec.name, doc, params.get("sendTo"));
    return isFault(sent) ? refuse(call, sent) : reply(call, { [spec.name]: sent });
  }
  return refuse(call, unsupported(`Operation ${req.method} ${rest} is not supported.`));
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
  return refuse(call, {
    Message: "Request has invalid or unsupported property",
    Detail: "Request body is not a valid JSON object.",
    code: "2500",
  });
}

function query(call: Call, text: string): Reply {
  const answer = queryResponse(call.ctx, call.realmId, text);
  if (isFault(answer)) return refuse(call, answer);
  return reply(call, { QueryResponse: answer });
}

/** `POST batch` (qbo-batch.ts), after the batch limits (§11): per minute per realm and app, and per realm. */
function batch(call: Call): Reply {
  const { ctx, realmId, now } = call;
  const appTraffic = traffic(ctx, `batch:${call.clientId}:${realmId}`);
  const realmTraffic = traffic(ctx, `batch:${realmId}`);
  const overApp = overMinuteLimit(appTraffic, now, ctx.settings.batchPerMinute);
  const overRealm = overMinuteLimit(realmTraffic, now, ctx.settings.batchPerMinutePerRealm);
  if (overApp || overRealm) return throttled(call);
  const items = batchItems(ctx, realmId, jsonBody(call.req.body), call.req.url.searchParams.get("requestid"));
  if (items === undefined) return invalidBody(call);
  if (!Array.isArray(items)) return refuse(call, items);
  return reply(call, { BatchItemResponse: items });
}

/** Query parameters a write accepts; any other is refused rather than ignored (U: production's answer). */
const WRITE_PARAMS = new Set(["operation", "include", "requestid", "minorversion"]);

function unknownParameter(name: string): FaultError {
  return {
    Message: "Request has invalid or unsupported property",
    Detail: `Property Name:${name.slice(0, 50)} specified is unsupported or invalid`,
    code: "2010",
    element: name.slice(0, 50),
  };
}

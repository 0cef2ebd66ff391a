// QuickBooks Accounting API v3 stand-in: bearer checks, per-realm limits, companyinfo, query, customer, invoice, PDF.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorContext, RealmTraffic } from "./context.js";
import { SEEDED_CUSTOMERS } from "./defaults.js";
import { authenticationFailed, throttleExceeded, validationFault } from "./qbo-fault.js";
import { header, jsonReply, type EmulatorRequest, type Reply } from "./reply.js";
import { bearerToken, grantForAccessToken } from "./tokens.js";

const PDF_SIZE = 64 * 1024;

/** decodeURIComponent that leaves malformed escapes as they are instead of throwing. */
function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function traffic(ctx: EmulatorContext, realmId: string): RealmTraffic {
  let t = ctx.traffic.get(realmId);
  if (!t) {
    t = { inFlight: 0, maxInFlight: 0, minute: 0, countThisMinute: 0 };
    ctx.traffic.set(realmId, t);
  }
  return t;
}

/** Any `/v3/...` request. Auth first, then limits, then the route. */
export async function quickbooksApi(ctx: EmulatorContext, req: EmulatorRequest): Promise<Reply> {
  const m = /^\/v3\/company\/([^/]+)\/(.*)$/.exec(req.url.pathname);
  const now = ctx.clock.now();
  const realmId = m?.[1] ? decodeSegment(m[1]) : undefined;
  const grant = grantForAccessToken(ctx, bearerToken(header(req, "authorization")));
  if (
    realmId === undefined ||
    !grant ||
    grant.realmId !== realmId ||
    !grant.scopes.includes("com.intuit.quickbooks.accounting")
  ) {
    return authenticationFailed(now);
  }
  const t = traffic(ctx, realmId);
  const minute = Math.floor(now / 60_000);
  if (t.minute !== minute) {
    t.minute = minute;
    t.countThisMinute = 0;
  }
  t.countThisMinute += 1;
  t.inFlight += 1;
  ctx.total.inFlight += 1;
  t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
  ctx.total.maxInFlight = Math.max(ctx.total.maxInFlight, ctx.total.inFlight);
  try {
    if (t.inFlight > ctx.settings.maxConcurrent || t.countThisMinute > ctx.settings.perMinute) {
      return throttleExceeded(now);
    }
    if (ctx.settings.apiDelayMs > 0) await sleep(ctx.settings.apiDelayMs, undefined, { signal: ctx.closing });
    return route(ctx, req, realmId, m?.[2] ?? "");
  } finally {
    t.inFlight -= 1;
    ctx.total.inFlight -= 1;
  }
}

function route(ctx: EmulatorContext, req: EmulatorRequest, realmId: string, rest: string): Reply {
  const now = ctx.clock.now();
  const time = new Date(now).toISOString();
  const parts = rest.split("/").map(decodeSegment);
  const [entity, id, sub] = [parts[0]?.toLowerCase(), parts[1], parts[2]];
  const get = req.method === "GET";
  if (get && entity === "companyinfo" && id !== undefined && parts.length === 2) {
    if (id !== realmId) return notFound(now, "CompanyInfo", id);
    const company = ctx.settings.companies.find((c) => c.realmId === realmId);
    const name = company?.companyName ?? realmId;
    return jsonReply(200, {
      CompanyInfo: {
        CompanyName: name,
        LegalName: name,
        Country: company?.country ?? "US",
        SupportedLanguages: "en",
        domain: "QBO",
        sparse: false,
        Id: "1",
        SyncToken: "0",
      },
      time,
    });
  }
  if (get && entity === "query" && parts.length === 1) return query(ctx, req, realmId, time);
  if (get && entity === "customer" && id !== undefined && parts.length === 2) {
    const found = SEEDED_CUSTOMERS.find((c) => c.Id === id);
    return found ? jsonReply(200, { Customer: found, time }) : notFound(now, "Customer", id);
  }
  if (req.method === "POST" && entity === "invoice" && parts.length === 1)
    return createInvoice(ctx, req, realmId, time);
  if (get && entity === "invoice" && id !== undefined && parts.length === 2) {
    const found = ctx.state.invoices.get(realmId)?.get(id);
    return found ? jsonReply(200, { Invoice: found, time }) : notFound(now, "Invoice", id);
  }
  if (get && entity === "invoice" && id !== undefined && sub === "pdf" && parts.length === 3) {
    return { status: 200, headers: [["content-type", "application/pdf"]], body: invoicePdf(id) };
  }
  return validationFault(
    now,
    "4001",
    "Unsupported Operation",
    `Operation ${req.method} ${rest} is not supported.`,
  );
}

function notFound(now: number, entity: string, id: string): Reply {
  return validationFault(
    now,
    "610",
    "Object Not Found",
    `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} ${id})`,
  );
}

function query(ctx: EmulatorContext, req: EmulatorRequest, realmId: string, time: string): Reply {
  const now = ctx.clock.now();
  const text = (req.url.searchParams.get("query") ?? "").trim();
  const m =
    /^select\s+(\*|count\(\*\))\s+from\s+(\w+)(?:\s+where\s+.*?)?(?:\s+startposition\s+(\d+))?(?:\s+maxresults\s+(\d+))?\s*$/is.exec(
      text,
    );
  const parserError = (detail: string) =>
    validationFault(now, "4000", "Error parsing query", `QueryParserError: ${detail}`);
  if (!m?.[2]) return parserError(`Encountered an unexpected query: ${text}`);
  const entity = m[2].toLowerCase();
  let rows: Record<string, unknown>[];
  let name: string;
  if (entity === "customer") {
    rows = [...SEEDED_CUSTOMERS];
    name = "Customer";
  } else if (entity === "invoice") {
    rows = [...(ctx.state.invoices.get(realmId)?.values() ?? [])];
    name = "Invoice";
  } else {
    return parserError(`Invalid context declaration : ${m[2]}`);
  }
  if (m[1] !== "*") return jsonReply(200, { QueryResponse: { totalCount: rows.length }, time });
  const start = Math.max(1, Number(m[3] ?? 1));
  const max = Math.min(1000, Number(m[4] ?? 100));
  const page = rows.slice(start - 1, start - 1 + max);
  const response = page.length > 0 ? { [name]: page, startPosition: start, maxResults: page.length } : {};
  return jsonReply(200, { QueryResponse: response, time });
}

function createInvoice(ctx: EmulatorContext, req: EmulatorRequest, realmId: string, time: string): Reply {
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString("utf8"));
  } catch {
    body = undefined;
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    return validationFault(ctx.clock.now(), "2500", "Invalid Request", "Request body is not valid JSON.");
  }
  const invoices = ctx.state.invoices.get(realmId) ?? new Map<string, Record<string, unknown>>();
  ctx.state.invoices.set(realmId, invoices);
  const id = String(1000 + invoices.size + 1);
  const invoice = { ...(body as Record<string, unknown>), Id: id, SyncToken: "0", domain: "QBO" };
  invoices.set(id, invoice);
  ctx.state.markChanged();
  return jsonReply(200, { Invoice: invoice, time });
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

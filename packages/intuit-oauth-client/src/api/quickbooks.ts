// QuickBooksClient: calls the QuickBooks Accounting API for one realm with a Bearer token from the
// TokenManager, refreshing once on a 401, waiting out 429s (idempotent requests only), keeping under
// the realm's client-side limits, and turning every Fault into a QuickBooksError. Writes carry an
// idempotency key (request-id.ts), which is what makes retrying them safe; the data plane (typed
// entities, paging, CDC, batch, attachments) lives in its own files and only calls `send`.
// It never retries a write without a key, and never logs a token or a body.
import { announcePause } from "./pause-notice.js";
import { ConfigurationError } from "../common/errors.js";
import { nonNegativeInt, nonNegativeMs, positiveInt, positiveMs } from "../common/options.js";
import { parseRetryAfter, type RetryPolicy } from "../common/retry.js";
import { addLowerKeys, bodyText, HttpClient, type HttpResponse } from "../http/request.js";
import { assertSafeUrl } from "../oauth/environments.js";
import { isQuickBooksRealmId, realmIdProblem } from "../oauth/realm-id.js";
import type { QuickBooksTokens } from "./access-tokens.js";
import { faultFromJson, isTokenOfAnotherCompany, parseFault, type QuickBooksError } from "./fault.js";
// data plane (request path): typed errors and idempotency keys
import { quickBooksErrorFor } from "./conflict.js";
import { identifyWrite } from "./request-id.js";
// data plane (helpers over `send`, one file each)
import { MAX_BATCH_SIZE, runBatch, type BatchItem, type BatchOptions, type BatchResult } from "./batch.js";
import { changeDataCapture, type CdcOptions, type CdcResult } from "./cdc.js";
import {
  createEntity,
  deleteEntity,
  readEntity,
  updateEntity,
  type DeletedEntity,
  type EntityUpdateOptions,
  type EntityWriteOptions,
} from "./crud.js";
import type { DataPlane, DataPlaneCallOptions } from "./data-plane.js";
import type {
  Attachable,
  CreatableEntityName,
  CreateBody,
  DeletableEntityName,
  EntityKey,
  EntityName,
  EntityOf,
  EntityUpdate,
  ExchangeRate,
  PdfEntityName,
  SendableEntityName,
  SingletonEntityName,
  UpdatableEntityName,
  VoidableEntityName,
} from "./entities/index.js";
import { queryAll, type QueryAllOptions, type QueryRows } from "./query-all.js";
import { runReport, type ReportOptions } from "./reports.js";
import {
  documentPdf,
  readExchangeRate,
  sendDocument,
  voidEntity,
  type ExchangeRateOptions,
  type PdfOptions,
  type SendOptions,
} from "./documents.js";
import type { Report, ReportName, ReportParams } from "./report-types.js";
import { downloadAttachment, uploadAttachment, type DownloadOptions, type UploadOptions } from "./upload.js";
import { downloadHostRule } from "./download-hosts.js";
import type { ApiLimits, ApiRequestInfo } from "./limits.js";
import { MemoryApiLimits } from "../stores/memory/api-limits.js";
import { realSleep, type RealmLimiter, type Sleep } from "../stores/memory/realm-limiter.js";
import { apiUrl, type ApiBases } from "./url.js";

/** Options of {@link QuickBooksClient} (and `quickbooks(tokens, realmId, options)`). */
export interface QuickBooksClientOptions {
  /** `minorversion` added to `/v3/` calls that do not set one. Default 75; `false` sends none. */
  minorVersion?: number | string | false;
  /** Accounting API base URL. Default: the environment's (`authClient.apiBaseUrl`). */
  baseUrl?: string;
  /** Payments API base URL (`…/quickbooks/v4`). Default: the environment's. */
  paymentsBaseUrl?: string;
  /** GraphQL endpoint. Default: the environment's. */
  graphqlUrl?: string;
  /**
   * Where Intuit's per-realm limits and the metered-call counts are held. Default: the token
   * source's (`tokens.apiLimits`, which a TokenManager always has), shared by every helper of it.
   * The limits themselves (`maxConcurrent`, `perMinute`, …) are set on that object, never per helper.
   */
  limits?: ApiLimits;
  /** How many times an idempotent request is retried (after a 429, a 5xx or a network failure). Default: the HTTP client's (2). */
  rateLimitRetries?: number;
  /** Longest 429 wait honoured, in ms; a longer `Retry-After` fails at once. Default 60000. */
  maxRetryAfterMs?: number;
  /** Wait after a 429 without `Retry-After`, in ms (Intuit says 60 s). Default 60000. */
  defaultRetryAfterMs?: number;
  /** Per-attempt timeout in ms. Default: the AuthClient's HTTP timeout. */
  timeoutMs?: number;
  /** The HTTP client to send through. Default: the token source's (the AuthClient's), else a new one. */
  http?: HttpClient;
  /** Waits between attempts (after a 429, a 5xx); inject with {@link clock} in tests. Default: a timer. */
  sleep?: Sleep;
  /** The clock (epoch ms) of those waits. Default `Date.now`. (The limits have their own.) */
  clock?: () => number;
  // data plane
  /** Items per batch request, 1 to 30 (Intuit's pages say 30 and 10). Default 30. */
  batchSize?: number;
  /**
   * More places `download()` may follow a TempDownloadUri to, besides Intuit's attachment hosts
   * (`INTUIT_DOWNLOAD_HOSTS`) and this helper's API origins: host patterns (`files.example.com`,
   * `*.example.com`; https only) or exact origins (`http://127.0.0.1:9000`). A download never carries
   * the Bearer token.
   */
  downloadHosts?: readonly string[];
}

export type {
  JsonObject,
  QuickBooksBody,
  QuickBooksCallOptions,
  QuickBooksMethod,
  QuickBooksRequest,
  QuickBooksResponse,
  QuickBooksResponseType,
} from "./request-types.js";
import type {
  JsonObject,
  QuickBooksBody,
  QuickBooksCallOptions,
  QuickBooksRequest,
  QuickBooksResponse,
  QuickBooksResponseType,
} from "./request-types.js";

/**
 * The QuickBooks Accounting API for one realm. Create it with `quickbooks(tokens, realmId)`.
 *
 * @example
 * const qb = quickbooks(tokens, realmId);
 * const company = await qb.get(`companyinfo/${realmId}`);
 * const customers = await qb.query("select * from Customer maxresults 10");
 * await qb.post("invoice", invoice);
 * const pdf = await qb.request({ path: `invoice/${id}/pdf`, responseType: "arrayBuffer" });
 */
export class QuickBooksClient {
  readonly realmId: string;
  /** The Accounting API base URL calls go to. */
  readonly baseUrl: string;
  /** Base URLs of every API this helper may send the access token to. */
  readonly bases: Readonly<ApiBases>;
  readonly minorVersion: number | string | false;
  /** Intuit's limits and the metered-call counts this helper goes through (see the `limits` option). */
  readonly limits: ApiLimits;
  readonly #tokens: QuickBooksTokens;
  readonly #http: HttpClient;
  readonly #retry: Partial<RetryPolicy> & { defaultRetryAfterMs: number };
  readonly #timeoutMs: number | undefined;
  readonly #sleep: Sleep;
  readonly #clock: () => number;
  readonly #plane: DataPlane;

  constructor(tokens: QuickBooksTokens, realmId: string, options: QuickBooksClientOptions = {}) {
    if (!isQuickBooksRealmId(realmId)) throw new ConfigurationError(`realmId: ${realmIdProblem(realmId)}`);
    this.#tokens = tokens;
    this.realmId = realmId;
    const endpoints = tokens.endpoints;
    const base = options.baseUrl ?? endpoints?.apiBaseUrl;
    if (!base)
      throw new ConfigurationError(
        "This environment has no QuickBooks API base URL: pass baseUrl, e.g. https://sandbox-quickbooks.api.intuit.com",
      );
    this.baseUrl = assertSafeUrl(base, "baseUrl").replace(/\/+$/, "");
    const payments = options.paymentsBaseUrl ?? endpoints?.paymentsBaseUrl;
    const graphql = options.graphqlUrl ?? endpoints?.graphqlUrl;
    // spread-ok: once per helper, at construction
    this.bases = Object.freeze({
      accounting: this.baseUrl,
      ...(payments ? { payments: assertSafeUrl(payments, "paymentsBaseUrl").replace(/\/+$/, "") } : {}),
      ...(graphql ? { graphql: assertSafeUrl(graphql, "graphqlUrl").replace(/\/+$/, "") } : {}),
    });
    this.minorVersion = minorVersion(options.minorVersion);
    this.#http = options.http ?? tokens.http ?? new HttpClient();
    const retries = nonNegativeInt("rateLimitRetries", options.rateLimitRetries, undefined);
    // spread-ok: once per helper, at construction
    this.#retry = {
      ...(retries !== undefined ? { retries } : {}),
      maxRetryAfterMs: nonNegativeMs("maxRetryAfterMs", options.maxRetryAfterMs, 60_000),
      defaultRetryAfterMs: nonNegativeMs("defaultRetryAfterMs", options.defaultRetryAfterMs, 60_000),
    };
    this.#timeoutMs = positiveMs("timeoutMs", options.timeoutMs, undefined);
    this.#sleep = options.sleep ?? realSleep;
    this.#clock = options.clock ?? Date.now;
    this.limits = sharedLimits(tokens, options);
    this.#plane = this.#dataPlane(options);
  }

  /**
   * The realm's in-process limiter, shared by every helper that goes through the same
   * MemoryApiLimits (its `peak` and `pausedUntil` are useful in monitoring). Looked up on each use:
   * idle realms' limiters are forgotten. Limits held in a shared store have none (ConfigurationError).
   */
  get limiter(): RealmLimiter {
    if (!(this.limits instanceof MemoryApiLimits))
      throw new ConfigurationError("this helper's limits are held in a shared store, not in a RealmLimiter");
    return this.limits.limiter(this.realmId);
  }

  /**
   * GETs a path and returns its JSON.
   *
   * @example
   * const { Customer } = await qb.get<{ Customer: Customer }>("customer/1");
   */
  async get<T = JsonObject>(path: string, options: QuickBooksCallOptions = {}): Promise<T> {
    return this.request<T, "json">(callOf(options, "GET", path));
  }

  /**
   * Runs a query (`GET query?query=…`) and returns the whole answer (`QueryResponse`, `time`).
   *
   * @example
   * const { QueryResponse } = await qb.query("select * from Customer maxresults 10");
   */
  async query<T = JsonObject>(sql: string, options: Omit<QuickBooksCallOptions, "query"> = {}): Promise<T> {
    if (typeof sql !== "string" || sql.trim() === "") throw new ConfigurationError("query text is required");
    const call = callOf(options, "GET", "query");
    call.query = { query: sql };
    return this.request<T, "json">(call);
  }

  /**
   * POSTs a JSON body (create, update, `?operation=delete`). Never retried automatically unless
   * you pass `idempotent: true`.
   *
   * @example
   * const { Invoice } = await qb.post<{ Invoice: { Id: string } }>("invoice", { Line: [...], CustomerRef: { value: "1" } });
   */
  async post<T = JsonObject>(path: string, body: unknown, options: QuickBooksCallOptions = {}): Promise<T> {
    const call = callOf(options, "POST", path);
    call.body = body;
    return this.request<T, "json">(call);
  }

  /**
   * Any call; returns the body in the requested form.
   *
   * @example
   * const pdf = await qb.request({ path: `invoice/${id}/pdf`, responseType: "arrayBuffer" });
   * await writeFile("invoice.pdf", new Uint8Array(pdf));
   */
  async request<T = JsonObject, R extends QuickBooksResponseType = "json">(
    options: QuickBooksRequest<R>,
  ): Promise<QuickBooksBody<R, T>> {
    return (await this.send<T, R>(options)).body;
  }

  /**
   * Like {@link request} but resolves with status, headers and `intuitTid` as well.
   *
   * @example
   * const { body, intuitTid } = await qb.send({ path: "customer/1" });
   */
  async send<T = JsonObject, R extends QuickBooksResponseType = "json">(
    options: QuickBooksRequest<R>,
  ): Promise<QuickBooksResponse<QuickBooksBody<R, T>>> {
    const method = options.method ?? "GET";
    const responseType: QuickBooksResponseType = options.responseType ?? "json";
    const auth = options.auth !== false;
    const {
      url: plainUrl,
      api,
      host,
      segment,
    } = apiUrl(options.path, {
      bases: this.bases,
      api: options.api,
      realmId: this.realmId,
      query: options.query,
      minorVersion: this.minorVersion,
      anonymous: !auth,
    });
    // data plane: a write's idempotency key (requestid / Request-Id) makes it safe to retry
    const write = identifyWrite({
      method,
      api,
      url: plainUrl,
      requestId: options.requestId,
      headers: options.headers,
    });
    const url = write.url;
    const idempotent = options.idempotent ?? (method === "GET" || write.requestId !== undefined);
    // A credentialed URL is on one of the API origins, checked at construction; any other must be
    // https (or http on loopback) too.
    if (!auth) assertSafeUrl(url, "path");
    const { bytes, contentType } = encodeBody(options.body);
    // Built in place, not spread (a slow path in Node 20's V8; scripts/check-spreads.mjs).
    const headers: Record<string, string> = { accept: acceptFor(responseType, url) };
    if (contentType) headers["content-type"] = contentType;
    addLowerKeys(headers, options.headers);
    for (const name in write.headers) headers[name] = write.headers[name] as string;
    const signal = options.signal;
    let accessToken = "";
    // Host and segment from the URL's fast path, so the limits and the meter need not parse it.
    // (A requestid only adds to the query: host and segment stay what they were.)
    const call: ApiRequestInfo = { method, url, api, host, segment };
    // One loop (HttpClient.send): each attempt takes the current token, then a slot of the realm's
    // limits; a 401 refreshes and resends once; 429, 5xx and network failures follow decideRetry.
    const res = await this.#http.send({
      method,
      url,
      headers,
      body: bytes,
      idempotent,
      signal,
      timeoutMs: options.timeoutMs === undefined ? this.#timeoutMs : options.timeoutMs,
      stream: responseType === "stream",
      retry: this.#retry,
      sleep: this.#sleep,
      clock: this.#clock,
      beforeAttempt: async () => {
        // The token first: a realm without a usable grant (none stored, a refresh that fails) never
        // takes a slot or a metered count, so it cannot spend the app's budget. The limits are told
        // when an admitted attempt never left (`sent: false`), and give its count back.
        if (auth) accessToken = await this.#tokens.getAccessToken(this.realmId);
        // In-process limits admit a free realm synchronously: no promise unless it must wait.
        const release =
          (!signal?.aborted && this.limits.tryAcquire?.(this.realmId, call)) ||
          (await this.limits.acquire(this.realmId, call, signal));
        return auth ? { headers: { authorization: `Bearer ${accessToken}` }, release } : { release };
      },
      afterAnswer: (answer) => {
        // Every request of the realm holds off after a 429 (a write too, though it is not retried).
        if (answer.status === 429) {
          const retryAfter = parseRetryAfter(answer.headers["retry-after"], this.#clock());
          const waitMs = retryAfter ?? this.#retry.defaultRetryAfterMs;
          if (waitMs <= (this.#retry.maxRetryAfterMs ?? Infinity)) {
            this.limits.pause(this.realmId, waitMs);
            this.#announcePause(waitMs, retryAfter !== undefined);
          }
          return undefined;
        }
        // A token of another company (code 100) is valid, so a refresh would only repeat the refusal.
        if (answer.status !== 401 || !auth || isTokenOfAnotherCompany(parseFault(bodyText(answer))))
          return undefined;
        // The request was refused before it ran, so even a write is safe to send again.
        this.#log("401, refreshing and retrying once", { intuitTid: answer.intuitTid });
        return this.#tokens
          .refresh(this.realmId, { rejectedAccessToken: accessToken })
          .then(() => "resend" as const);
      },
      onRetry: (waitMs, answer) => {
        this.#log(answer ? `${answer.status}, retrying` : "network error, retrying", {
          waitMs,
          intuitTid: answer?.intuitTid,
        });
      },
    });
    if (res.status < 200 || res.status >= 300)
      throw this.#error(
        res,
        res.status === 429 ? (res.retryAfterMs ?? this.#retry.defaultRetryAfterMs) : undefined,
        auth,
      );
    // A call without credentials (a TempDownloadUri) fetches data, not an answer of the API: its
    // bytes are never searched for a Fault.
    const body = this.#successBody(res, responseType, auth);
    const response: QuickBooksResponse<unknown> = {
      status: res.status,
      headers: res.headers,
      intuitTid: res.intuitTid,
      body,
      attempts: res.attempts,
    };
    if (write.requestId !== undefined) response.requestId = write.requestId;
    return response as QuickBooksResponse<QuickBooksBody<R, T>>;
  }

  #successBody(res: HttpResponse, responseType: QuickBooksResponseType, fromApi: boolean): unknown {
    if (responseType === "stream") return res.stream ?? streamOf(res.body);
    // Intuit sometimes answers 200 with a Fault inside.
    if (responseType === "json") {
      const text = bodyText(res);
      if (text.trim() === "") return undefined;
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        throw this.#error(res, undefined, fromApi);
      }
      if (fromApi && faultFromJson(doc)) throw this.#error(res);
      return doc;
    }
    const type = (res.headers["content-type"] ?? "").toLowerCase();
    if (responseType === "text" || (fromApi && /json|xml/.test(type))) {
      const text = bodyText(res);
      if (fromApi && parseFault(text)) throw this.#error(res);
      if (responseType === "text") return text;
    }
    // A copy of exactly these bytes: a Node Buffer's slice() is a view on the shared pool slab.
    return new Uint8Array(res.body).buffer;
  }

  /** A 429 pause is never silent: a `rateLimited` event on the limits, and a warning (see pause-notice.ts). */
  #announcePause(pauseMs: number, retryAfter: boolean): void {
    const now = this.#clock();
    const event = { realmId: this.realmId, pauseMs, until: now + pauseMs, retryAfter };
    announcePause(this.limits, event, now, this.#http.logging ? this.#http.logger : undefined);
  }

  #error(res: HttpResponse, retryAfterMs?: number, fromApi = true): QuickBooksError {
    const content = bodyText(res);
    return quickBooksErrorFor({
      statusCode: res.status,
      content,
      headers: res.headers,
      intuitTid: res.intuitTid,
      fault: fromApi ? parseFault(content) : undefined,
      retryAfterMs,
    });
  }

  #log(message: string, fields: Record<string, unknown>): void {
    // spread-ok: only on a 401 or a retry, and only to a logger
    this.#http.logger.debug({ realmId: this.realmId, ...fields }, `intuit-oauth-client api: ${message}`);
  }

  // ---- data plane: typed entities, paging, CDC, batch and attachments, each in its own file ----

  #dataPlane(options: QuickBooksClientOptions): DataPlane {
    const batchSize = positiveInt("batchSize", options.batchSize, MAX_BATCH_SIZE, MAX_BATCH_SIZE);
    return {
      realmId: this.realmId,
      send: (request) => this.send(request),
      now: () => this.#clock(),
      batchSize,
      mayDownloadFrom: downloadHostRule(Object.values(this.bases), options.downloadHosts),
    };
  }

  /**
   * Reads one entity, typed. CompanyInfo and Preferences need no id.
   *
   * @example
   * const customer = await qb.read("Customer", "1"); // Customer
   * const company = await qb.read("CompanyInfo");
   */
  read<K extends SingletonEntityName>(
    entity: K,
    id?: string,
    options?: DataPlaneCallOptions,
  ): Promise<EntityOf<K>>;
  read<K extends EntityName>(entity: K, id: string, options?: DataPlaneCallOptions): Promise<EntityOf<K>>;
  read<K extends EntityName>(entity: K, id?: string, options?: DataPlaneCallOptions): Promise<EntityOf<K>> {
    return readEntity(this.#plane, entity, id, options);
  }

  /**
   * Creates an entity and returns it as stored. Safe to retry: it carries a requestid.
   *
   * @example
   * const c = await qb.create("Customer", { DisplayName: "Ada Lovelace" });
   */
  create<K extends CreatableEntityName>(
    entity: K,
    body: CreateBody<K>,
    options?: EntityWriteOptions,
  ): Promise<EntityOf<K>> {
    return createEntity(this.#plane, entity, body, options);
  }

  /**
   * Updates an entity (sparse by default) with the SyncToken last read; a stale one throws
   * `StaleObjectError` (code 5010).
   *
   * @example
   * await qb.update("Customer", { Id: c.Id!, SyncToken: c.SyncToken!, Notes: "VIP" });
   */
  update<K extends UpdatableEntityName>(
    entity: K,
    changes: EntityUpdate<K>,
    options?: EntityUpdateOptions,
  ): Promise<EntityOf<K>> {
    return updateEntity(this.#plane, entity, changes, options);
  }

  /**
   * Deletes a transaction or attachable (name lists are made inactive with `update`).
   *
   * @example
   * await qb.delete("Invoice", { Id: inv.Id!, SyncToken: inv.SyncToken! });
   */
  delete<K extends DeletableEntityName>(
    entity: K,
    key: EntityKey,
    options?: EntityWriteOptions,
  ): Promise<DeletedEntity> {
    return deleteEntity(this.#plane, entity, key, options);
  }

  /**
   * Every row of a query, paged lazily (1,000 a request). Refuses SQL with its own STARTPOSITION or
   * MAXRESULTS.
   *
   * @example
   * for await (const c of qb.queryAll<Customer>("select * from Customer")) console.log(c.DisplayName);
   */
  queryAll<T = JsonObject>(sql: string, options?: QueryAllOptions): QueryRows<T> {
    return queryAll<T>(this.#plane, sql, options);
  }

  /**
   * Changed and deleted entities since a time (at most 30 days ago), split as needed to stay under
   * Intuit's 1,000-object cap.
   *
   * @example
   * const { changed, deleted, time } = await qb.cdc(["Customer", "Invoice"], since);
   */
  cdc<K extends EntityName>(
    entities: readonly K[],
    since: Date | string | number,
    options?: CdcOptions,
  ): Promise<CdcResult<K>> {
    return changeDataCapture(this.#plane, entities, since, options);
  }

  /**
   * Creates, updates, deletes and queries in batch requests of at most 30 items; one result per item,
   * in input order.
   *
   * @example
   * const [a] = await qb.batch([{ operation: "create", entity: "Customer", body: { DisplayName: "Ada" } }]);
   */
  batch(items: readonly BatchItem[], options?: BatchOptions): Promise<BatchResult[]> {
    return runBatch(this.#plane, items, options);
  }

  /**
   * Uploads a file (multipart/form-data to `/upload`) and returns the Attachable.
   *
   * @example
   * const a = await qb.upload({ fileName: "r.pdf", contentType: "application/pdf", data: bytes, attachTo: { type: "Invoice", value: "95" } });
   */
  upload(options: UploadOptions): Promise<Attachable> {
    return uploadAttachment(this.#plane, options);
  }

  /**
   * An attachment's bytes through its TempDownloadUri, never with the Bearer token.
   *
   * @example
   * const bytes = await qb.download(attachable); // ArrayBuffer
   */
  download<R extends Exclude<QuickBooksResponseType, "json"> = "arrayBuffer">(
    attachable: Pick<Attachable, "Id" | "TempDownloadUri"> | string,
    options?: DownloadOptions<R>,
  ): Promise<QuickBooksBody<R, never>> {
    return downloadAttachment(this.#plane, attachable, options);
  }

  /**
   * Runs a report (`GET reports/{name}`) with its typed parameters and returns Intuit's report JSON;
   * `reportRows` and `reportToCsv` (from `intuit-oauth-client/quickbooks`) flatten it.
   *
   * @example
   * const pl = await qb.report("ProfitAndLoss", { start_date: "2026-01-01", end_date: "2026-03-31" });
   */
  report<N extends ReportName>(name: N, params?: ReportParams<N>, options?: ReportOptions): Promise<Report> {
    return runReport(this.#plane, name, params, options);
  }

  /**
   * Voids a transaction (Invoice, Payment, SalesReceipt, BillPayment) with the wire form Intuit takes
   * for it; the answer is the voided entity. Safe to retry: it carries a requestid.
   *
   * @example
   * await qb.void("Payment", { Id: p.Id!, SyncToken: p.SyncToken! });
   */
  void<K extends VoidableEntityName>(
    entity: K,
    key: EntityKey,
    options?: EntityWriteOptions,
  ): Promise<EntityOf<K>> {
    return voidEntity(this.#plane, entity, key, options);
  }

  /**
   * Emails a document (`POST {entity}/{id}/send`), to `to` or its own address. Named `email` because
   * `send` is the request path. Not retried automatically.
   *
   * @example
   * const sent = await qb.email("Invoice", inv.Id!, { to: "billing@example.com" }); // sent.EmailStatus === "EmailSent"
   */
  email<K extends SendableEntityName>(entity: K, id: string, options?: SendOptions): Promise<EntityOf<K>> {
    return sendDocument(this.#plane, entity, id, options);
  }

  /**
   * A document as PDF: an ArrayBuffer, or a stream with `{ responseType: "stream" }`, as `download` does.
   *
   * @example
   * await writeFile("invoice.pdf", new Uint8Array(await qb.pdf("Invoice", inv.Id!)));
   */
  pdf<K extends PdfEntityName, R extends Exclude<QuickBooksResponseType, "json"> = "arrayBuffer">(
    entity: K,
    id: string,
    options?: PdfOptions<R>,
  ): Promise<QuickBooksBody<R, never>> {
    return documentPdf(this.#plane, entity, id, options);
  }

  /**
   * The rate of a currency to the home currency on a day (default today).
   *
   * @example
   * const { Rate } = await qb.exchangeRate("EUR", { asOfDate: "2026-03-31" });
   */
  exchangeRate(sourceCurrencyCode: string, options?: ExchangeRateOptions): Promise<ExchangeRate> {
    return readExchangeRate(this.#plane, sourceCurrencyCode, options);
  }
}

/** A request from call options, by a for-in copy (not `{ ...options, method, path }`: slow in Node 20). */
function callOf(
  options: QuickBooksCallOptions,
  method: "GET" | "POST",
  path: string,
): QuickBooksRequest<"json"> {
  const call = { method, path } as QuickBooksRequest<"json">;
  const target = call as unknown as Record<string, unknown>;
  const source = options as Record<string, unknown>;
  for (const key in source) if (Object.hasOwn(source, key)) target[key] = source[key];
  call.method = method;
  call.path = path;
  return call;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

function encodeBody(body: unknown): {
  bytes: string | Uint8Array | undefined;
  contentType: string | undefined;
} {
  if (body === undefined) return { bytes: undefined, contentType: undefined };
  if (typeof body === "string") return { bytes: body, contentType: "application/json" };
  if (body instanceof Uint8Array) return { bytes: body, contentType: "application/octet-stream" };
  if (body instanceof ArrayBuffer)
    return { bytes: new Uint8Array(body), contentType: "application/octet-stream" };
  return { bytes: JSON.stringify(body), contentType: "application/json" };
}

function acceptFor(responseType: QuickBooksResponseType, url: string): string {
  if (responseType === "json" || responseType === "text") return "application/json";
  return /\/pdf(?:\?|$)/i.test(url) ? "application/pdf" : "*/*";
}

// Limit settings a helper once took: they configure the shared ApiLimits object now, never a helper.
const LIMIT_OPTIONS = ["maxConcurrent", "perMinute", "batchPerMinute"] as const;

/**
 * The limits a helper goes through: its `limits` option, else its token source's. Per-helper limit
 * settings would either fork the realm's limits or clash with another helper's, so there are none.
 */
function sharedLimits(tokens: QuickBooksTokens, options: QuickBooksClientOptions): ApiLimits {
  for (const name of LIMIT_OPTIONS)
    if ((options as Record<string, unknown>)[name] !== undefined)
      throw new ConfigurationError(
        `${name} is set on the limits every helper of the token source shares, not per helper: ` +
          `new TokenManager({ ..., apiLimits: new MemoryApiLimits({ ${name}: … }) })`,
      );
  const limits = options.limits ?? tokens.apiLimits;
  if (!limits)
    throw new ConfigurationError(
      "limits: this token source has no apiLimits; pass a TokenManager, or `limits` (e.g. one MemoryApiLimits for all its helpers)",
    );
  return limits;
}

/** `minorversion`: a whole number, or its digits as a string; `false` sends none. */
function minorVersion(value: number | string | false | undefined): number | string | false {
  if (value === false || value === undefined) return value ?? 75;
  if (typeof value === "string" && /^\d{1,6}$/.test(value)) return value;
  return nonNegativeInt("minorVersion", value, 75);
}

/**
 * The QuickBooks API helper for one realm of a token source (a TokenManager): Bearer token from the
 * source, one refresh-and-retry on 401, bounded 429 waits, and the realm's request limits held by
 * the source's `apiLimits`, which every helper of it shares.
 *
 * @example
 * const qb = quickbooks(tokens, realmId);
 * const company = await qb.get(`companyinfo/${realmId}`);
 */
export function quickbooks(
  tokens: QuickBooksTokens,
  realmId: string,
  options?: QuickBooksClientOptions,
): QuickBooksClient {
  return new QuickBooksClient(tokens, realmId, options);
}

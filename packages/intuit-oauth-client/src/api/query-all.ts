// `qb.queryAll(sql)`: every row of a query, fetched lazily page by page with STARTPOSITION and
// MAXRESULTS (1,000 a page, Intuit's most). Each page is one call through the request path, so the
// realm's limits and retries apply. It refuses SQL that pages itself; it never fetches ahead.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt } from "../common/options.js";
import { asObject, unexpectedAnswer, type DataPlane, type DataPlaneCallOptions } from "./data-plane.js";
import type { JsonObject } from "./request-types.js";

/** Intuit's largest page. */
export const MAX_PAGE_SIZE = 1000;

/** Options of `qb.queryAll`. */
export interface QueryAllOptions extends DataPlaneCallOptions {
  /** Rows per request, 1 to 1000. Default 1000. */
  pageSize?: number;
}

/** The rows of a query, one at a time (`for await`), or a page at a time with {@link QueryRows.pages}. */
export interface QueryRows<T> extends AsyncIterable<T> {
  /** The same rows, a page (one request) at a time. */
  pages(): AsyncIterable<T[]>;
}

// Quoted strings (with '' and \' escapes) are blanked before looking for keywords, so a value such as
// 'maxresults' cannot be mistaken for paging.
const QUOTED = /'(?:[^'\\]|\\.|'')*'/g;

/** Checks a query for paging and returns it without a trailing `;`, with its entity name. */
export function checkPagedQuery(sql: unknown): { sql: string; entity: string } {
  if (typeof sql !== "string" || sql.trim() === "") throw new ConfigurationError("query text is required");
  const text = sql.trim().replace(/;\s*$/, "");
  const bare = text.replace(QUOTED, "''");
  if (/\b(?:startposition|maxresults)\b/i.test(bare))
    throw new ConfigurationError(
      "queryAll pages the query itself: remove STARTPOSITION and MAXRESULTS (use query() to fetch one page)",
    );
  if (/^\s*select\s+count\s*\(/i.test(bare))
    throw new ConfigurationError("queryAll returns rows; use query() for COUNT(*)");
  const from = /^\s*select\s[\s\S]*?\bfrom\s+([A-Za-z]\w*)/i.exec(bare);
  if (!from?.[1]) throw new ConfigurationError("queryAll needs a query of the form SELECT … FROM <Entity> …");
  return { sql: text, entity: from[1] };
}

/** The rows of one QueryResponse for `entity` (Intuit names the list by the entity, in its own case). */
function rowsOf(queryResponse: Record<string, unknown>, entity: string): unknown[] | undefined {
  const exact = queryResponse[entity];
  if (Array.isArray(exact)) return exact;
  const lower = entity.toLowerCase();
  for (const [key, value] of Object.entries(queryResponse))
    if (key.toLowerCase() === lower && Array.isArray(value)) return value;
  return undefined;
}

/**
 * Every row of `sql`, paged lazily: the first request is made when iteration starts and each next
 * one only when the rows before it have been taken.
 *
 * @example
 * for await (const customer of qb.queryAll<Customer>("select * from Customer where Active = true")) console.log(customer.DisplayName);
 * for await (const page of qb.queryAll("select * from Invoice").pages()) await save(page);
 */
export function queryAll<T = JsonObject>(
  plane: DataPlane,
  sql: string,
  options: QueryAllOptions = {},
): QueryRows<T> {
  const checked = checkPagedQuery(sql);
  const size = positiveInt("pageSize", options.pageSize, MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const pages = (): AsyncIterable<T[]> => ({
    [Symbol.asyncIterator]: () => pageIterator<T>(plane, checked, size, options),
  });
  return {
    pages,
    [Symbol.asyncIterator]: () => rowIterator(pageIterator<T>(plane, checked, size, options)),
  };
}

function pageIterator<T>(
  plane: DataPlane,
  query: { sql: string; entity: string },
  size: number,
  options: DataPlaneCallOptions,
): AsyncIterator<T[]> {
  let position = 1;
  let done = false;
  return {
    async next(): Promise<IteratorResult<T[]>> {
      if (done) return { value: undefined, done: true };
      const res = await plane.send<Record<string, unknown>>({
        method: "GET",
        path: "query",
        query: { query: `${query.sql} STARTPOSITION ${position} MAXRESULTS ${size}` },
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
      const qr = asObject(asObject(res.body)?.["QueryResponse"]);
      if (!qr) throw unexpectedAnswer(res, "QueryResponse");
      const rows = (rowsOf(qr, query.entity) ?? []) as T[];
      position += rows.length;
      // A short page is the last; an empty one ends without yielding.
      if (rows.length < size) done = true;
      if (rows.length === 0) return { value: undefined, done: true };
      return { value: rows, done: false };
    },
    async return(): Promise<IteratorResult<T[]>> {
      done = true;
      return { value: undefined, done: true };
    },
  };
}

/** Rows from pages; a row already fetched is handed out without another await of the network. */
function rowIterator<T>(pages: AsyncIterator<T[]>): AsyncIterator<T> {
  let page: T[] = [];
  let at = 0;
  let finished = false;
  return {
    next(): Promise<IteratorResult<T>> {
      if (at < page.length) return Promise.resolve({ value: page[at++] as T, done: false });
      if (finished) return Promise.resolve({ value: undefined, done: true });
      return pages.next().then((r) => {
        if (r.done) {
          finished = true;
          return { value: undefined, done: true };
        }
        page = r.value;
        at = 1;
        return { value: page[0] as T, done: false };
      });
    },
    async return(): Promise<IteratorResult<T>> {
      finished = true;
      page = [];
      await pages.return?.();
      return { value: undefined, done: true };
    },
  };
}

// The QuickBooks query language, the part apps use: SELECT * | COUNT(*) FROM <entity> [WHERE a AND b …]
// [ORDERBY f [ASC|DESC]] [STARTPOSITION n] [MAXRESULTS n]; operators =, !=, <, <=, >, >=, IN (…), LIKE '%x%'.
// It parses and filters; it never decides auth, limits or the answer's encoding.

/** A parsed query. */
export interface ParsedQuery {
  count: boolean;
  /** As written, e.g. `Customer`. */
  entity: string;
  where: Condition[];
  orderBy: { field: string; descending: boolean } | undefined;
  startPosition: number;
  maxResults: number | undefined;
}

/** One `field op value` term of a WHERE clause. */
export interface Condition {
  field: string;
  op: "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "like";
  values: Array<string | number | boolean>;
}

/** A query the parser refused: `code` 4000 (syntax) or 4001 (validation), with production's detail text. */
export class QueryError extends Error {
  constructor(
    readonly code: "4000" | "4001",
    readonly faultMessage: string,
    detail: string,
  ) {
    super(detail);
  }
}

const parseError = (detail: string) =>
  new QueryError("4000", "Error parsing query", `QueryParserError: ${detail}`);

type Token = { kind: "word" | "string" | "number" | "op" | "punct"; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:('(?:[^'\\]|\\.|'')*')|(-?\d+(?:\.\d+)?)(?![\w.])|(<=|>=|!=|<>|=|<|>)|([(),*])|([A-Za-z_][\w.]*))/gy;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m)
      throw parseError(
        `Encountered " <ILLEGAL> "${text.slice(at).trim().slice(0, 20)}"" at column ${at + 1}`,
      );
    at = re.lastIndex;
    if (m[1] !== undefined)
      tokens.push({ kind: "string", text: m[1].slice(1, -1).replace(/\\(.)/g, "$1").replace(/''/g, "'") });
    else if (m[2] !== undefined) tokens.push({ kind: "number", text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "op", text: m[3] === "<>" ? "!=" : m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: "punct", text: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: "word", text: m[5] });
  }
  return tokens;
}

/** Parse a query; throws {@link QueryError}. */
export function parseQuery(text: string): ParsedQuery {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const keyword = (word: string) => {
    const t = peek();
    if (t?.kind === "word" && t.text.toLowerCase() === word) {
      i++;
      return true;
    }
    return false;
  };
  const expect = (word: string) => {
    if (!keyword(word))
      throw parseError(`Encountered "${peek()?.text ?? "<EOF>"}" where ${word.toUpperCase()} was expected`);
  };
  expect("select");
  let count = false;
  const first = peek();
  if (first?.kind === "punct" && first.text === "*") i++;
  else if (first?.kind === "word" && first.text.toLowerCase() === "count") {
    i++;
    const [a, b, c] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (a?.text !== "(" || b?.text !== "*" || c?.text !== ")") throw parseError("count must be COUNT(*)");
    i += 3;
    count = true;
  } else {
    // A field list: accepted, and answered like * (the emulator returns whole entities).
    while (peek()?.kind === "word" && peek()?.text.toLowerCase() !== "from") {
      i++;
      if (peek()?.text === ",") i++;
    }
  }
  expect("from");
  const entityToken = peek();
  if (entityToken?.kind !== "word")
    throw parseError(`Encountered "${entityToken?.text ?? "<EOF>"}" where an entity was expected`);
  i++;
  const where: Condition[] = [];
  if (keyword("where")) {
    do where.push(condition());
    while (keyword("and"));
    if (peek()?.kind === "word" && peek()?.text.toLowerCase() === "or")
      throw parseError('Encountered " "OR" "or "" : OR is not supported');
  }
  let orderBy: ParsedQuery["orderBy"];
  let ordered = keyword("orderby");
  if (!ordered && keyword("order")) {
    expect("by");
    ordered = true;
  }
  if (ordered) {
    const f = peek();
    if (f?.kind !== "word") throw parseError("ORDERBY needs a property");
    i++;
    const descending = keyword("desc");
    if (!descending) keyword("asc");
    orderBy = { field: f.text, descending };
  }
  let startPosition = 1;
  let maxResults: number | undefined;
  for (;;) {
    if (keyword("startposition")) startPosition = Math.max(1, integer());
    else if (keyword("maxresults")) maxResults = integer();
    else break;
  }
  if (i < tokens.length) throw parseError(`Encountered "${peek()?.text ?? ""}" at the end of the query`);
  return { count, entity: entityToken.text, where, orderBy, startPosition, maxResults };

  function integer(): number {
    const t = peek();
    if (t?.kind !== "number" || !/^\d+$/.test(t.text))
      throw parseError(`Encountered "${t?.text ?? "<EOF>"}" where a number was expected`);
    i++;
    return Number(t.text);
  }

  function literal(): string | number | boolean {
    const t = peek();
    i++;
    if (t?.kind === "string") return t.text;
    if (t?.kind === "number") return Number(t.text);
    if (t?.kind === "word" && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === "true";
    throw parseError(`Encountered "${t?.text ?? "<EOF>"}" where a value was expected`);
  }

  function condition(): Condition {
    const f = peek();
    if (f?.kind !== "word")
      throw parseError(`Encountered "${f?.text ?? "<EOF>"}" where a property was expected`);
    i++;
    const o = peek();
    if (o?.kind === "op") {
      i++;
      return { field: f.text, op: o.text as Condition["op"], values: [literal()] };
    }
    if (keyword("in")) {
      if (peek()?.text !== "(") throw parseError("IN needs a list in parentheses");
      i++;
      const values = [literal()];
      while (peek()?.text === ",") {
        i++;
        values.push(literal());
      }
      if (peek()?.text !== ")") throw parseError("IN list is not closed");
      i++;
      return { field: f.text, op: "in", values };
    }
    if (keyword("like")) {
      const v = literal();
      if (typeof v !== "string") throw parseError("LIKE needs a quoted pattern");
      return { field: f.text, op: "like", values: [v] };
    }
    throw parseError(`Encountered "${o?.text ?? "<EOF>"}" where an operator was expected`);
  }
}

/** The value a (dotted) property has on an entity; references compare by their `value`. */
function valueOf(entity: Record<string, unknown>, field: string): unknown {
  let v: unknown = entity;
  for (const part of field.split(".")) {
    if (!v || typeof v !== "object") return undefined;
    const rec = v as Record<string, unknown>;
    const key = Object.keys(rec).find((k) => k.toLowerCase() === part.toLowerCase());
    v = key === undefined ? undefined : rec[key];
  }
  if (v && typeof v === "object" && "value" in v) return (v as { value: unknown }).value;
  return v;
}

function compare(a: unknown, b: string | number | boolean): number | undefined {
  if (a === undefined || a === null) return undefined;
  if (typeof b === "boolean") return String(a).toLowerCase() === String(b) ? 0 : 1;
  const an = typeof a === "number" ? a : Number(a);
  const bn = typeof b === "number" ? b : Number(b);
  if (!Number.isNaN(an) && !Number.isNaN(bn) && String(a).trim() !== "" && String(b).trim() !== "")
    return an - bn;
  const ad = Date.parse(String(a));
  const bd = Date.parse(String(b));
  if (/^\d{4}-\d\d-\d\d/.test(String(a)) && !Number.isNaN(ad) && !Number.isNaN(bd)) return ad - bd;
  const as = String(a).toLowerCase();
  const bs = String(b).toLowerCase();
  return as < bs ? -1 : as > bs ? 1 : 0;
}

/**
 * SQL LIKE with `%` wildcards, case-insensitive: the first piece is a prefix, the last a suffix, and
 * the ones between are found left to right (the leftmost place is always as good as any). A regex
 * with one `.*` per `%` would backtrack polynomially on a long value.
 */
function like(value: string, pattern: string): boolean {
  const text = value.toLowerCase();
  const pieces = pattern.toLowerCase().split("%");
  const first = pieces[0] as string;
  if (pieces.length === 1) return text === first;
  const last = pieces[pieces.length - 1] as string;
  if (first.length + last.length > text.length || !text.startsWith(first) || !text.endsWith(last))
    return false;
  let at = first.length;
  const end = text.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

function matches(entity: Record<string, unknown>, c: Condition): boolean {
  const v = valueOf(entity, c.field);
  if (c.op === "in") return c.values.some((x) => compare(v, x) === 0);
  if (c.op === "like") return like(String(v ?? ""), String(c.values[0]));
  const d = compare(v, c.values[0] ?? "");
  if (d === undefined) return c.op === "!=";
  switch (c.op) {
    case "=":
      return d === 0;
    case "!=":
      return d !== 0;
    case "<":
      return d < 0;
    case "<=":
      return d <= 0;
    case ">":
      return d > 0;
    default:
      return d >= 0;
  }
}

/** Refuse properties that are not queryable on this entity (production: QueryValidationError, 4001). */
export function checkQueryable(query: ParsedQuery, queryable: readonly string[]): void {
  const known = new Set(queryable.map((f) => f.toLowerCase()));
  for (const field of [...query.where.map((c) => c.field), ...(query.orderBy ? [query.orderBy.field] : [])]) {
    if (!known.has(field.toLowerCase()))
      throw new QueryError(
        "4001",
        "Invalid query",
        `QueryValidationError: property '${field}' is not queryable`,
      );
  }
}

/** The rows that pass the WHERE clause, in ORDERBY order (else as stored). */
export function runQuery(
  query: ParsedQuery,
  rows: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const kept = rows.filter((r) => query.where.every((c) => matches(r, c)));
  const order = query.orderBy;
  if (order) {
    kept.sort((a, b) => {
      const [x, y] = [valueOf(a, order.field), valueOf(b, order.field)];
      // Rows without the property go last, whatever the direction.
      if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
      if (y === undefined || y === null) return -1;
      const d = compare(x, typeof y === "number" || typeof y === "boolean" ? y : String(y)) ?? 0;
      return order.descending ? -d : d;
    });
  }
  return kept;
}

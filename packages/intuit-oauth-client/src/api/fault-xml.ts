// Reads a QuickBooks Fault from XML in one linear pass: a hand-written tag scanner (no regex over
// the body), then lookups in tables built from the tag list. It runs on bodies a tenant can
// control (an attachment read as text), so no input may cost more than a few passes over it.
// Not a general XML parser: it knows the few elements of a Fault and nothing else.

/** One tag: `<name attrs>`, `</name>` or `<name attrs/>`. */
interface Tag {
  /** Local name (namespace prefix dropped), lower case. */
  name: string;
  close: boolean;
  selfClosing: boolean;
  /** The text between the name and `>` (attributes). */
  attrs: string;
  /** Index of `<`. */
  start: number;
  /** Index just past `>`. */
  end: number;
}

/** What {@link readXmlFault} finds. */
export interface XmlFault {
  faultType: string | undefined;
  errors: Array<{ code: string; message: string; detail: string | undefined; element?: string }>;
  time: string | undefined;
}

const isNameChar = (c: number) =>
  (c >= 0x30 && c <= 0x3a) || // 0-9 and ':'
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x5f || // _
  c === 0x2d || // -
  c === 0x2e; // .

/**
 * Every well-formed tag of `text`, in order. Each character is looked at a bounded number of
 * times: `<` and `>` are each searched for from where the last search ended, and a `<` that
 * meets another `<` before its `>` is skipped. Comments and CDATA are stepped over whole.
 */
function scanTags(text: string): Tag[] {
  const tags: Tag[] = [];
  let gt = -1; // the first `>` at or after the current position, once known
  let lt = text.indexOf("<");
  while (lt !== -1) {
    if (text.startsWith("<!--", lt) || text.startsWith("<![CDATA[", lt)) {
      const closer = text.startsWith("<!--", lt) ? "-->" : "]]>";
      const end = text.indexOf(closer, lt + 4);
      if (end === -1) break; // the rest is inside it
      lt = text.indexOf("<", end + closer.length);
      continue;
    }
    const close = text.charCodeAt(lt + 1) === 0x2f;
    const nameStart = lt + (close ? 2 : 1);
    let nameEnd = nameStart;
    while (nameEnd < text.length && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
    const next = text.indexOf("<", nameEnd);
    if (gt < nameEnd) gt = text.indexOf(">", nameEnd);
    if (gt === -1) break; // no tag can end any more
    if (nameEnd > nameStart && (next === -1 || gt < next)) {
      const qualified = text.slice(nameStart, nameEnd);
      const selfClosing = !close && text.charCodeAt(gt - 1) === 0x2f && gt - 1 >= nameEnd;
      tags.push({
        name: qualified.slice(qualified.lastIndexOf(":") + 1).toLowerCase(),
        close,
        selfClosing,
        attrs: text.slice(nameEnd, selfClosing ? gt - 1 : gt),
        start: lt,
        end: gt + 1,
      });
    }
    lt = next;
  }
  return tags;
}

/** For each tag index, the index of the next tag (at or after it) matching a name and kind. */
function nextIndex(tags: readonly Tag[], name: string, close: boolean): Int32Array {
  const next = new Int32Array(tags.length + 1).fill(-1);
  for (let i = tags.length - 1; i >= 0; i--) {
    const t = tags[i] as Tag;
    next[i] = t.name === name && t.close === close ? i : (next[i + 1] as number);
  }
  return next;
}

/** Finds elements by name in a tag list, each lookup O(1) after one linear setup per name. */
class Elements {
  readonly #tags: readonly Tag[];
  readonly #text: string;
  readonly #tables = new Map<string, { open: Int32Array; close: Int32Array }>();

  constructor(text: string, tags: readonly Tag[]) {
    this.#text = text;
    this.#tags = tags;
  }

  #table(name: string): { open: Int32Array; close: Int32Array } {
    let table = this.#tables.get(name);
    if (!table)
      this.#tables.set(
        name,
        (table = { open: nextIndex(this.#tags, name, false), close: nextIndex(this.#tags, name, true) }),
      );
    return table;
  }

  /**
   * The first `name` element whose open tag lies in [from, to): self-closing, or closed by the
   * first `</name>` after it (before `to`). Returns tag indexes, or undefined.
   */
  find(name: string, from: number, to: number): { open: number; close: number } | undefined {
    const { open, close } = this.#table(name);
    const first = this.firstOpen(name, from);
    if (first === -1 || first >= to) return undefined;
    if (this.tag(first).selfClosing) return { open: first, close: first };
    const c = close[first + 1] ?? -1;
    if (c !== -1 && c < to) return { open: first, close: c };
    // No close before `to`, so no later open has one either: only a self-closing one can match.
    for (let j = open[first + 1] ?? -1; j !== -1 && j < to; j = open[j + 1] ?? -1)
      if (this.tag(j).selfClosing) return { open: j, close: j };
    return undefined;
  }

  /** Index of the first open (or self-closing) `name` tag at or after tag `from`, or -1. */
  firstOpen(name: string, from = 0): number {
    return this.#table(name).open[from] ?? -1;
  }

  tag(i: number): Tag {
    return this.#tags[i] as Tag;
  }

  /** The raw text between an element's tags ("" when self-closing). */
  inner(at: { open: number; close: number }): string {
    if (at.open === at.close) return "";
    return this.#text.slice(this.tag(at.open).end, this.tag(at.close).start);
  }

  /** The decoded, trimmed text of the first `name` child in (from, to), or undefined. */
  childText(name: string, from: number, to: number): string | undefined {
    const at = this.find(name, from, to);
    return at ? decodeXml(this.inner(at)).trim() : undefined;
  }
}

/**
 * The Fault in an XML body (`<Fault type>` with `<Error code element><Message/><Detail/></Error>`,
 * any namespace prefix, any case), or undefined. Linear in the length of `text`.
 */
export function readXmlFault(text: string): XmlFault | undefined {
  const tags = scanTags(text);
  const el = new Elements(text, tags);
  const fault = el.find("fault", 0, tags.length);
  if (!fault) return undefined;
  const errors: XmlFault["errors"] = [];
  let from = fault.open + 1;
  while (from < fault.close) {
    const error = el.find("error", from, fault.close);
    if (!error) break;
    const attrs = el.tag(error.open).attrs;
    const element = attribute(attrs, "element");
    errors.push({
      code: attribute(attrs, "code") ?? el.childText("code", error.open + 1, error.close) ?? "",
      message: el.childText("message", error.open + 1, error.close) ?? "",
      detail: el.childText("detail", error.open + 1, error.close),
      ...(element ? { element } : {}),
    });
    from = error.close + 1;
  }
  const root = el.firstOpen("intuitresponse");
  return {
    faultType:
      attribute(el.tag(fault.open).attrs, "type") ?? el.childText("type", fault.open + 1, fault.close),
    errors,
    time: root === -1 ? undefined : attribute(el.tag(root).attrs, "time"),
  };
}

/**
 * An attribute's decoded value. Linear: the name is a literal, `\s*` runs end at the first other
 * character, and a quoted value stops at its own quote, so attempts never overlap.
 */
function attribute(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attrs);
  const value = m?.[1] ?? m?.[2];
  return value === undefined ? undefined : decodeXml(value);
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
// `&` then a name or number and `;`: each attempt stops at the first character outside its class.
const REFERENCE = /&(#x[0-9a-f]+|#\d+|\w+);/gi;

/** Unwraps CDATA sections (found by hand) and decodes references in the text around them. */
function decodeXml(value: string): string {
  let out = "";
  let from = 0;
  for (;;) {
    const open = value.indexOf("<![CDATA[", from);
    const close = open === -1 ? -1 : value.indexOf("]]>", open + 9);
    if (close === -1) return out + decodeReferences(value.slice(from));
    out += decodeReferences(value.slice(from, open)) + value.slice(open + 9, close);
    from = close + 3;
  }
}

function decodeReferences(text: string): string {
  return text.replace(REFERENCE, (whole, ref: string) => {
    if (ref[0] === "#") {
      const n = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return Object.hasOwn(ENTITIES, ref.toLowerCase()) ? (ENTITIES[ref.toLowerCase()] as string) : whole;
  });
}

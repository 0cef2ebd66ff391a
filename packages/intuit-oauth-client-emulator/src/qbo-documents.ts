// What production does with a saved sales or purchase document besides storing it: the PDF it renders
// (`GET /{entity}/{id}/pdf`) and the email it sends (`POST /{entity}/{id}/send[?sendTo=]`), recorded
// per realm so a test can list what was "sent". Builds bytes and documents; never encodes a reply.
import { createHash } from "node:crypto";
import type { EmulatorContext } from "./context.js";
import { intuitApiTime } from "./intuit-time.js";
import { missing, objectNotFound, type FaultError } from "./qbo-fault.js";
import { findEntity, realmStore, replaceEntity, type Entity } from "./qbo-store.js";
import type { SentEmail } from "./qbo-realm.js";

/** Documents production renders as PDF (platform reference §15). */
export const PDF_ENTITIES: ReadonlySet<string> = new Set([
  "Invoice",
  "Estimate",
  "CreditMemo",
  "SalesReceipt",
  "RefundReceipt",
  "PurchaseOrder",
]);
/** Documents production can email (platform reference §15). */
export const SEND_ENTITIES: ReadonlySet<string> = PDF_ENTITIES;

const PDF_SIZE = 64 * 1024;

/** PDF string-literal text: only printable ASCII, with `\`, `(` and `)` escaped. */
const pdfText = (s: string) => s.replace(/[^\x20-\x7e]/g, "?").replace(/[\\()]/g, (c) => `\\${c}`);

/**
 * A valid single-page PDF naming the document (type, number, total), padded to 64 KiB with a binary
 * stream that holds every byte value 0–255: the same document gives the same bytes every time, and a
 * client that mangles binary bodies (text decoding, truncation) is caught.
 */
export function documentPdf(entity: string, doc: Entity): Buffer {
  const id = String(doc["Id"] ?? "");
  const number = String(doc["DocNumber"] ?? id);
  const total = Number(doc["TotalAmt"] ?? 0).toFixed(2);
  const text = `BT /F1 18 Tf 72 720 Td (${pdfText(`${entity} ${number}`)}) Tj 0 -28 Td (${pdfText(`Total ${total}`)}) Tj ET`;
  const build = (paddingLength: number): Buffer => {
    const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
    const offsets: number[] = [];
    let at = parts[0]?.length ?? 0;
    const object = (n: number, head: string, stream?: Buffer) => {
      offsets[n] = at;
      const bytes = Buffer.concat([
        Buffer.from(`${n} 0 obj\n${head}`, "latin1"),
        ...(stream
          ? [Buffer.from("\nstream\n", "latin1"), stream, Buffer.from("\nendstream", "latin1")]
          : []),
        Buffer.from("\nendobj\n", "latin1"),
      ]);
      parts.push(bytes);
      at += bytes.length;
    };
    object(1, "<< /Type /Catalog /Pages 2 0 R >>");
    object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
      3,
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    );
    object(4, `<< /Length ${text.length} >>`, Buffer.from(text, "latin1"));
    object(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    // Object 6: binary padding (every byte value, then hashes of the document), never drawn.
    const padding = Buffer.alloc(paddingLength);
    for (let b = 0; b < 256; b++) padding[b] = b;
    for (let i = 256, block = 0; i < padding.length; block++)
      i += createHash("sha256")
        .update(`${entity}:${id}:${number}:${total}:${block}`)
        .digest()
        .copy(padding, i);
    object(6, `<< /Length ${String(paddingLength).padStart(6, "0")} >>`, padding);
    parts.push(Buffer.from(xref(offsets, at), "latin1"));
    return Buffer.concat(parts);
  };
  // The padding changes only object 6's bytes and startxref's digits: size it, then size it again.
  let length = 1024;
  for (let pass = 0; pass < 3; pass++) length += PDF_SIZE - build(length).length;
  return build(length);
}

function xref(offsets: number[], start: number): string {
  const rows = offsets.slice(1).map((o) => `${String(o).padStart(10, "0")} 00000 n \n`);
  return (
    `xref\n0 ${rows.length + 1}\n0000000000 65535 f \n${rows.join("")}` +
    `trailer\n<< /Size ${rows.length + 1} /Root 1 0 R >>\nstartxref\n${start}\n%%EOF\n`
  );
}

/** The document a PDF or send is for, or production's 610 when it is missing or deleted. */
export function savedDocument(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  id: string,
): Entity | FaultError {
  return findEntity(ctx, realmId, entity, id) ?? objectNotFound(entity, id);
}

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/**
 * "Sends" a document: to `sendTo` when given, else its BillEmail. Records the email, sets
 * `EmailStatus: "EmailSent"` and `DeliveryInfo`, and answers the document (SyncToken unchanged, as
 * production's send answer, U). No address at all is 2020 on BillEmail.
 */
export function sendDocument(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  doc: Entity,
  sendTo: string | null,
): Entity | FaultError {
  const billEmail = (doc["BillEmail"] as Entity | undefined)?.["Address"];
  const to = sendTo ?? (typeof billEmail === "string" ? billEmail : undefined);
  if (to === undefined || to === "") return missing("BillEmail");
  if (!EMAIL.test(to))
    return {
      Message: "Invalid Email Address",
      Detail: `Invalid Email Address : ${to.slice(0, 100)}`,
      code: "2050",
      element: "sendTo",
    };
  const now = ctx.clock.now();
  const sent: SentEmail = { entity, id: String(doc["Id"]), to, at: now };
  const store = realmStore(ctx, realmId);
  store.sent = [...(store.sent ?? []), sent];
  const updated: Entity = {
    ...doc,
    EmailStatus: "EmailSent",
    DeliveryInfo: { DeliveryType: "Email", DeliveryTime: intuitApiTime(now) },
    ...(sendTo !== null ? { BillEmail: { Address: sendTo } } : {}),
  };
  replaceEntity(ctx, realmId, entity, updated);
  return updated;
}

// Attachments: `POST upload` (multipart/form-data with `file_metadata_NN` JSON and `file_content_NN`
// bytes) creating Attachables, their signed `TempDownloadUri` (served by `download()` below, outside
// `/v3`, refusing any Authorization header as S3 does for a presigned URL), and `GET download/{id}`.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EmulatorContext } from "./context.js";
import { missing, objectNotFound, type FaultError } from "./qbo-fault.js";
import { entitySpec } from "./qbo-schema.js";
import { findEntity, insertEntity, realmStore, type Entity } from "./qbo-store.js";
import { header, type EmulatorRequest, type Reply } from "./reply.js";

/** Largest upload body the emulator reads (Intuit allows 100 MB; the emulator keeps files in memory). */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;
/** Where TempDownloadUris point: outside `/v3`, as production's point at another host. */
export const DOWNLOAD_PREFIX = "/qbo-files/";

// Signs TempDownloadUris; a new key per process, so links do not outlive the emulator.
const SIGNING_KEY = randomBytes(32);

interface Part {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

function param(value: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, "i").exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** The parts of a multipart/form-data body, or undefined when it is not one. */
export function parseMultipart(contentType: string | undefined, body: Buffer): Part[] | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const boundary = param(contentType, "boundary");
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at === -1) return undefined;
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === "--") break; // the closing delimiter
    if (body.subarray(at, at + 2).toString() === "\r\n") at += 2;
    const headEnd = body.indexOf("\r\n\r\n", at);
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), at);
    if (headEnd === -1 || next === -1 || headEnd > next) return undefined;
    const headers = new Map<string, string>();
    for (const line of body.subarray(at, headEnd).toString("utf8").split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get("content-disposition") ?? "";
    let content = body.subarray(headEnd + 4, next);
    if ((headers.get("content-transfer-encoding") ?? "").toLowerCase() === "base64")
      content = Buffer.from(content.toString("latin1"), "base64");
    parts.push({
      name: param(disposition, "name") ?? "",
      filename: param(disposition, "filename"),
      contentType: headers.get("content-type"),
      body: content,
    });
    at = next + 2;
  }
  return parts;
}

function json(buf: Buffer): Entity | undefined {
  try {
    const v: unknown = JSON.parse(buf.toString("utf8"));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Entity) : undefined;
  } catch {
    return undefined;
  }
}

function refsProblem(ctx: EmulatorContext, realmId: string, refs: unknown): FaultError | undefined {
  if (refs === undefined) return undefined;
  if (!Array.isArray(refs)) return missing("AttachableRef");
  for (const r of refs) {
    const entityRef = (r as Record<string, unknown> | null)?.["EntityRef"] as
      Record<string, unknown> | undefined;
    const type = String(entityRef?.["type"] ?? "");
    const id = String(entityRef?.["value"] ?? "");
    const spec = entitySpec(type);
    if (!spec || id === "") return missing("AttachableRef.EntityRef");
    if (!findEntity(ctx, realmId, spec.name, id)) return objectNotFound(spec.name, id);
  }
  return undefined;
}

/** The `AttachableResponse` items of an upload (an Attachable or a Fault per file), or a Fault for the whole body. */
export function upload(
  ctx: EmulatorContext,
  realmId: string,
  req: EmulatorRequest,
): Array<Record<string, unknown>> | FaultError {
  const parts = parseMultipart(header(req, "content-type"), req.body);
  if (!parts)
    return {
      Message: "Request has invalid or unsupported property",
      Detail: "The upload body must be multipart/form-data with a boundary.",
      code: "2500",
    };
  const files = parts.filter((p) => /^file_content_\d+$/i.test(p.name));
  if (files.length === 0) return missing("file_content_01");
  return files.map((file) => {
    const n = file.name.slice("file_content_".length);
    const metaPart = parts.find((p) => p.name.toLowerCase() === `file_metadata_${n}`);
    const meta = metaPart ? json(metaPart.body) : {};
    if (!meta)
      return {
        Fault: { Error: [{ ...missing(`file_metadata_${n}`), element: "" }], type: "ValidationFault" },
      };
    const problem = refsProblem(ctx, realmId, meta["AttachableRef"]);
    if (problem)
      return { Fault: { Error: [{ ...problem, element: problem.element ?? "" }], type: "ValidationFault" } };
    const fileName = String(meta["FileName"] ?? file.filename ?? `attachment-${n}`);
    const contentType = String(meta["ContentType"] ?? file.contentType ?? "application/octet-stream");
    const created = insertEntity(ctx, realmId, "Attachable", {
      ...meta,
      FileName: fileName,
      ContentType: contentType,
      Size: file.body.length,
    });
    realmStore(ctx, realmId).files.set(String(created["Id"]), { contentType, bytes: Buffer.from(file.body) });
    return { Attachable: present(ctx, realmId, created) };
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function signature(realmId: string, id: string, expires: number): string {
  return createHmac("sha256", SIGNING_KEY).update(`${realmId}/${id}/${expires}`).digest("hex");
}

/** A fresh TempDownloadUri for an attachable's file. */
export function tempDownloadUri(ctx: EmulatorContext, realmId: string, attachable: Entity): string {
  const id = String(attachable["Id"]);
  const expires = ctx.clock.now() + ctx.settings.tempDownloadLifetimeS * 1000;
  const name = encodeURIComponent(String(attachable["FileName"] ?? "file"));
  return `${ctx.url}${DOWNLOAD_PREFIX}${encodeURIComponent(realmId)}/${encodeURIComponent(id)}/${name}?X-Amz-Expires=${ctx.settings.tempDownloadLifetimeS}&expires=${expires}&X-Amz-Signature=${signature(realmId, id, expires)}`;
}

/** An Attachable as the API shows it: with `FileAccessUri` and a fresh `TempDownloadUri` when it has a file. */
export function present(ctx: EmulatorContext, realmId: string, attachable: Entity): Entity {
  const id = String(attachable["Id"]);
  if (!realmStore(ctx, realmId).files.has(id)) return attachable;
  return {
    ...attachable,
    FileAccessUri: `/v3/company/${realmId}/download/${id}`,
    TempDownloadUri: tempDownloadUri(ctx, realmId, attachable),
  };
}

function s3Error(status: number, code: string, message: string): Reply {
  return {
    status,
    headers: [["content-type", "application/xml"]],
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

/** `GET /qbo-files/{realm}/{id}/{name}?…`: the file, if the link is genuine and current and carries no Authorization. */
export function download(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  if (header(req, "authorization") !== undefined)
    return s3Error(
      400,
      "InvalidArgument",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    );
  const [realmId = "", id = ""] = req.url.pathname.slice(DOWNLOAD_PREFIX.length).split("/").map(safeDecode);
  const expires = Number(req.url.searchParams.get("expires"));
  const given = Buffer.from(req.url.searchParams.get("X-Amz-Signature") ?? "", "utf8");
  const wanted = Buffer.from(signature(realmId, id, expires), "utf8");
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return s3Error(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided.",
    );
  if (ctx.clock.now() > expires) return s3Error(403, "AccessDenied", "Request has expired");
  const file = ctx.state.qbo.get(realmId)?.files.get(id);
  if (!file) return s3Error(404, "NoSuchKey", "The specified key does not exist.");
  return { status: 200, headers: [["content-type", file.contentType]], body: file.bytes };
}

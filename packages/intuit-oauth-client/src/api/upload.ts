// Attachments: `qb.upload(...)` sends one file as multipart/form-data to `/upload` (metadata part
// `file_metadata_01`, bytes `file_content_01`) and returns the Attachable; `qb.download(...)` fetches
// an attachment through its TempDownloadUri, a signed URL on one of Intuit's file hosts, which never
// gets the Bearer token. The body is built in memory (a retry resends it), so a stream is read to its end first.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt } from "../common/options.js";
import { utf8 } from "../common/bytes.js";
import { asObject, unexpectedAnswer, type DataPlane, type DataPlaneCallOptions } from "./data-plane.js";
import type { Attachable, AttachableRef } from "./entities/index.js";
import { assertDownloadHost } from "./download-hosts.js";
import { faultFromJson } from "./fault.js";
import { quickBooksErrorFor } from "./conflict.js";
import { bytesOf, multipartBody, readStream, type FileData, type FileStream } from "./multipart.js";
import type { QuickBooksBody, QuickBooksResponseType } from "./request-types.js";

/** Intuit's largest attachment: 100 MB. */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** What to attach it to: an entity reference, e.g. `{ type: "Invoice", value: "95" }`. */
export interface AttachTo {
  type: string;
  value: string;
  /** Send the file with the form when it is emailed. */
  includeOnSend?: boolean;
}

/** Options of `qb.upload`: the file, as `data` or as `stream`. */
export interface UploadOptions extends DataPlaneCallOptions {
  fileName: string;
  /** e.g. `application/pdf`, `image/jpeg`. */
  contentType: string;
  data?: FileData;
  stream?: FileStream;
  /** Entities to link it to. */
  attachTo?: AttachTo | readonly AttachTo[];
  /** A note on the Attachable. */
  note?: string;
  /** The upload's idempotency key (at most 50 characters). Default: a new UUID. */
  requestId?: string | false;
  /** Largest file accepted. Default 100 MB (Intuit's limit). */
  maxBytes?: number;
}

/**
 * Uploads a file and returns the Attachable (Id, FileName, Size, TempDownloadUri, …).
 *
 * @example
 * const a = await qb.upload({ fileName: "receipt.pdf", contentType: "application/pdf", data: bytes, attachTo: { type: "Invoice", value: "95" } });
 * const b = await qb.upload({ fileName: "big.pdf", contentType: "application/pdf", stream: createReadStream("big.pdf") });
 */
export async function uploadAttachment(plane: DataPlane, options: UploadOptions): Promise<Attachable> {
  if (!options || typeof options.fileName !== "string" || options.fileName.trim() === "")
    throw new ConfigurationError("fileName is required");
  if (typeof options.contentType !== "string" || !/^[\w.+-]+\/[\w.+-]+(?:\s*;.*)?$/.test(options.contentType))
    throw new ConfigurationError("contentType must be a media type such as application/pdf");
  const maxBytes = positiveInt("maxBytes", options.maxBytes, MAX_UPLOAD_BYTES);
  if ((options.data === undefined) === (options.stream === undefined))
    throw new ConfigurationError("give the file as exactly one of data or stream");
  const bytes =
    options.data !== undefined
      ? bytesOf(options.data)
      : await readStream(options.stream as FileStream, maxBytes);
  if (bytes.byteLength > maxBytes)
    throw new ConfigurationError(`the file is larger than maxBytes (${maxBytes})`);
  const targets =
    options.attachTo === undefined
      ? []
      : Array.isArray(options.attachTo)
        ? options.attachTo
        : [options.attachTo];
  const refs: AttachableRef[] = (targets as readonly AttachTo[]).map((t) => {
    if (!t || typeof t.type !== "string" || typeof t.value !== "string" || t.value === "")
      throw new ConfigurationError("attachTo needs { type, value }");
    return {
      EntityRef: { type: t.type, value: t.value },
      ...(t.includeOnSend !== undefined ? { IncludeOnSend: t.includeOnSend } : {}),
    };
  });
  const metadata = {
    FileName: options.fileName,
    ContentType: options.contentType,
    ...(refs.length > 0 ? { AttachableRef: refs } : {}),
    ...(options.note !== undefined ? { Note: options.note } : {}),
  };
  const { body, contentType } = multipartBody([
    { name: "file_metadata_01", contentType: "application/json", body: utf8(JSON.stringify(metadata)) },
    { name: "file_content_01", fileName: options.fileName, contentType: options.contentType, body: bytes },
  ]);
  const res = await plane.send<Record<string, unknown>>({
    method: "POST",
    path: "upload",
    body,
    headers: { "content-type": contentType },
    ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const items = asObject(res.body)?.["AttachableResponse"];
  const first = Array.isArray(items) ? asObject(items[0]) : undefined;
  if (!first) throw unexpectedAnswer(res, "AttachableResponse");
  const fault = faultFromJson({ Fault: first["Fault"] });
  if (fault)
    throw quickBooksErrorFor({
      statusCode: res.status,
      content: JSON.stringify(first),
      headers: res.headers,
      intuitTid: res.intuitTid,
      fault,
    });
  const attachable = asObject(first["Attachable"]);
  if (!attachable) throw unexpectedAnswer(res, "Attachable");
  return attachable as Attachable;
}

/** Options of `qb.download`. */
export interface DownloadOptions<
  R extends Exclude<QuickBooksResponseType, "json">,
> extends DataPlaneCallOptions {
  /** Default `arrayBuffer`. */
  responseType?: R;
}

/**
 * An attachment's bytes, through its TempDownloadUri and without the Bearer token. Give the Attachable
 * (its `TempDownloadUri` is used) or its Id (then `download/{id}` is asked for a fresh link first).
 *
 * @example
 * const pdf = await qb.download(attachable); // ArrayBuffer
 * const stream = await qb.download("5000000000000012345", { responseType: "stream" });
 */
export async function downloadAttachment<R extends Exclude<QuickBooksResponseType, "json"> = "arrayBuffer">(
  plane: DataPlane,
  attachable: Pick<Attachable, "Id" | "TempDownloadUri"> | string,
  options: DownloadOptions<R> = {},
): Promise<QuickBooksBody<R, never>> {
  const call = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  let link = typeof attachable === "string" ? undefined : attachable?.TempDownloadUri;
  if (link === undefined) {
    const id = typeof attachable === "string" ? attachable : attachable?.Id;
    if (typeof id !== "string" || id === "")
      throw new ConfigurationError("download needs an Attachable or its Id");
    const res = await plane.send<string, "text">({
      path: `download/${encodeURIComponent(id)}`,
      responseType: "text",
      ...call,
    });
    link = res.body.trim();
  }
  const url = typeof link === "string" && /^https?:\/\//i.test(link) ? parsedUrl(link) : undefined;
  if (!url) throw new ConfigurationError("the attachment's TempDownloadUri is not an http(s) URL");
  // The link comes from an answer a tenant can influence: only Intuit's hosts (or the API's own).
  assertDownloadHost(url, (u) => plane.mayDownloadFrom(u));
  // A signed link needs no credentials, and must not get them: it points at another host.
  const res = await plane.send<never, R>({
    path: link as string,
    auth: false,
    responseType: (options.responseType ?? "arrayBuffer") as R,
    ...call,
  });
  return res.body;
}

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

// multipart/form-data bodies built from bytes with TextEncoder and Uint8Array only (no Blob, no
// FormData, no Buffer), so the portable build can send uploads. It also reads a file given as a web
// ReadableStream or any async iterable of bytes (a Node Readable is one) into memory, up to a limit.
import { concatBytes, utf8 } from "../common/bytes.js";
import { ConfigurationError } from "../common/errors.js";
import { randomToken } from "../crypto/random.js";

/** One part of a form. */
export interface FormPart {
  name: string;
  /** Sent as `filename` in Content-Disposition. */
  fileName?: string;
  contentType: string;
  body: Uint8Array;
}

// A header value in a part: no CR, LF or NUL can end it early.
function headerSafe(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw new ConfigurationError(`${what} must not contain CR, LF or NUL`);
  return value;
}

// As browsers do for form data: a quote in a quoted string becomes %22.
const quoted = (value: string) => `"${value.replace(/"/g, "%22")}"`;

/**
 * A multipart/form-data body and its Content-Type (with a random boundary).
 *
 * @example
 * const { body, contentType } = multipartBody([{ name: "file_content_01", fileName: "a.txt", contentType: "text/plain", body: utf8("hi") }]);
 */
export function multipartBody(parts: readonly FormPart[]): { body: Uint8Array; contentType: string } {
  const boundary = `----intuit-oauth-client-${randomToken(18)}`;
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = `form-data; name=${quoted(headerSafe(part.name, "part name"))}${
      part.fileName === undefined ? "" : `; filename=${quoted(headerSafe(part.fileName, "fileName"))}`
    }`;
    chunks.push(
      utf8(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${headerSafe(part.contentType, "contentType")}\r\n\r\n`,
      ),
      part.body,
      utf8("\r\n"),
    );
  }
  chunks.push(utf8(`--${boundary}--\r\n`));
  return { body: concatBytes(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A file's bytes as an upload accepts them. */
export type FileData = Uint8Array | ArrayBuffer | string;
/** A file's bytes as a stream: a web ReadableStream, or any async iterable of bytes (a Node Readable). */
export type FileStream = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** `data` as bytes (a string is UTF-8). */
export function bytesOf(data: FileData): Uint8Array {
  if (typeof data === "string") return utf8(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new ConfigurationError("data must be a Uint8Array, an ArrayBuffer or a string");
}

/** Reads a stream to its end, refusing more than `maxBytes`. */
export async function readStream(stream: FileStream, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const add = (chunk: unknown) => {
    if (!(chunk instanceof Uint8Array))
      throw new ConfigurationError("the stream must yield bytes (Uint8Array); set no text encoding on it");
    total += chunk.byteLength;
    if (total > maxBytes) throw new ConfigurationError(`the file is larger than maxBytes (${maxBytes})`);
    chunks.push(chunk);
  };
  if (typeof (stream as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (stream as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        add(value);
      }
    } catch (err) {
      await reader.cancel(err).catch(() => {});
      throw err;
    } finally {
      reader.releaseLock();
    }
  } else if (stream && typeof (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") {
    for await (const chunk of stream as AsyncIterable<Uint8Array>) add(chunk);
  } else {
    throw new ConfigurationError("stream must be a ReadableStream or an async iterable of Uint8Array");
  }
  return concatBytes(chunks, total);
}

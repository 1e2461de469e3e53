import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { ByteStream, ObjectHeaders, ObjectTags } from "@dg/core";
import { CancelledError, compactHeaders, IntegrityError, optionalEntry } from "@dg/core";

/**
 * One object of the directory store is one file: the body, then a JSON trailer, then the
 * trailer's length (4 bytes, big-endian) and the magic `DGO1`. Data and metadata live in one
 * file, so a single `rename` (or `link`) publishes both together or neither. The body starts
 * at offset 0, so ranged reads need no offset arithmetic beyond the trailer.
 */
export interface ObjectTrailer {
  readonly v: 1;
  /** MD5 hex of the body, quoted, as S3 gives for single-part uploads. */
  readonly etag: string;
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
  /** The standard headers; `expires` as an ISO 8601 string. Absent in older files. */
  readonly headers?: TrailerHeaders;
  /** The tag set; absent in older files and when there are no tags. */
  readonly tags?: Record<string, string>;
}

/** {@link ObjectHeaders} as JSON holds them. */
export interface TrailerHeaders {
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  readonly contentEncoding?: string;
  readonly contentLanguage?: string;
  readonly expires?: string;
}

/** What an object file stores beside its body. */
export interface ObjectFields {
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
  readonly headers?: ObjectHeaders;
  readonly tags?: ObjectTags;
}

function trailerHeadersOf(headers: ObjectHeaders | undefined): TrailerHeaders | undefined {
  const compact = compactHeaders(headers);
  if (compact === undefined) return undefined;
  const { expires, ...text } = compact;
  return { ...text, ...optionalEntry("expires", expires?.toISOString()) };
}

/** The headers a trailer records, `undefined` when none (or in files written before them). */
export function headersOfTrailer(trailer: ObjectTrailer): ObjectHeaders | undefined {
  if (trailer.headers === undefined) return undefined;
  const { expires, ...text } = trailer.headers;
  const date = expires === undefined ? undefined : new Date(expires);
  return compactHeaders({
    ...text,
    ...optionalEntry("expires", date && !Number.isNaN(date.getTime()) ? date : undefined),
  });
}

/** The fields of a trailer, ready to be written again (for copies and tagging). */
export function fieldsOfTrailer(trailer: ObjectTrailer): ObjectFields {
  return {
    metadata: { ...trailer.metadata },
    ...optionalEntry("contentType", trailer.contentType),
    ...optionalEntry("headers", headersOfTrailer(trailer)),
    ...optionalEntry("tags", trailer.tags),
  };
}

const MAGIC = Buffer.from("DGO1");
const TAIL = 8;
const MAX_TRAILER = 64 * 1024 * 1024;

/** Stream `body` into `handle`, append the trailer, flush to disk; returns the trailer. */
export async function writeObjectFile(
  handle: FileHandle,
  body: ByteStream | Uint8Array,
  fields: ObjectFields,
  signal: AbortSignal | undefined,
): Promise<{ trailer: ObjectTrailer; size: number }> {
  const md5 = createHash("md5");
  let size = 0;
  const writeRaw = async (chunk: Uint8Array) => {
    let at = 0;
    while (at < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, at, chunk.length - at);
      at += bytesWritten;
    }
  };
  const write = async (chunk: Uint8Array) => {
    md5.update(chunk);
    size += chunk.length;
    await writeRaw(chunk);
  };
  if (body instanceof Uint8Array) {
    await write(body);
  } else {
    for await (const chunk of body) {
      if (signal?.aborted) throw new CancelledError("Upload cancelled", { cause: signal.reason });
      await write(chunk);
    }
  }
  const trailer: ObjectTrailer = {
    v: 1,
    etag: `"${md5.digest("hex")}"`,
    ...(fields.contentType === undefined ? {} : { contentType: fields.contentType }),
    metadata: fields.metadata,
    ...optionalEntry("headers", trailerHeadersOf(fields.headers)),
    ...(fields.tags === undefined || Object.keys(fields.tags).length === 0
      ? {}
      : { tags: { ...fields.tags } }),
  };
  const json = Buffer.from(JSON.stringify(trailer), "utf8");
  const tail = Buffer.alloc(TAIL);
  tail.writeUInt32BE(json.length, 0);
  MAGIC.copy(tail, 4);
  await writeRaw(Buffer.concat([json, tail]));
  await handle.datasync();
  return { trailer, size };
}

function corruptFile(path: string, why: string): IntegrityError {
  return new IntegrityError(`Corrupt object file ${path}: ${why}`, {
    hint: "The file was changed outside deltaglider; delete it or restore it from a backup.",
  });
}

/** The trailer's length, from the last 8 bytes of a file of `fileSize` bytes. */
function trailerLength(tail: Buffer, fileSize: number, path: string): number {
  if (!tail.subarray(4).equals(MAGIC)) throw corruptFile(path, "no trailer");
  const length = tail.readUInt32BE(0);
  if (length > MAX_TRAILER || length > fileSize - TAIL)
    throw corruptFile(path, "bad trailer length");
  return length;
}

function parseTrailer(json: Buffer, path: string): ObjectTrailer {
  let trailer: ObjectTrailer;
  try {
    trailer = JSON.parse(json.toString("utf8")) as ObjectTrailer;
  } catch (error) {
    throw corruptFile(path, `unreadable trailer (${String(error)})`);
  }
  if (trailer.v !== 1 || typeof trailer.etag !== "string")
    throw corruptFile(path, "unknown trailer");
  return trailer;
}

/** Read the trailer of an object file; `bodySize` is where the body ends. */
export async function readObjectFile(
  handle: FileHandle,
  path: string,
): Promise<{ trailer: ObjectTrailer; bodySize: number; lastModified: Date }> {
  const stat = await handle.stat();
  if (stat.size < TAIL) throw corruptFile(path, "too short");
  const tail = Buffer.alloc(TAIL);
  await handle.read(tail, 0, TAIL, stat.size - TAIL);
  const length = trailerLength(tail, stat.size, path);
  const json = Buffer.alloc(length);
  await handle.read(json, 0, length, stat.size - TAIL - length);
  return {
    trailer: parseTrailer(json, path),
    bodySize: stat.size - TAIL - length,
    lastModified: stat.mtime,
  };
}

/** Bytes read from the end of a file in one go: the trailer and its tail, most of the time. */
const END_READ = 4096;
/** Reused by every synchronous read (nothing else runs in between): no garbage per file. */
const endBuffer = Buffer.allocUnsafe(END_READ);

/**
 * The trailer of the object file at `file`, read with blocking calls: open, fstat, one read of
 * the file's last 4 KiB (a second one only for a larger trailer), close. Listings use it, in
 * small slices, because it is several times faster than the thread pool's round trips per
 * call. `undefined` when the file does not exist.
 */
export function readObjectFileSync(
  file: string,
  path: string,
): { trailer: ObjectTrailer; bodySize: number; lastModified: Date } | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (stat.size < TAIL) throw corruptFile(path, "too short");
    const window = Math.min(stat.size, END_READ);
    const end = endBuffer.subarray(0, window);
    readFully(fd, end, stat.size - window);
    const length = trailerLength(end.subarray(window - TAIL), stat.size, path);
    let json: Buffer;
    if (length + TAIL <= window) {
      json = end.subarray(window - TAIL - length, window - TAIL);
    } else {
      json = Buffer.alloc(length);
      readFully(fd, json, stat.size - TAIL - length);
    }
    return {
      trailer: parseTrailer(json, path),
      bodySize: stat.size - TAIL - length,
      lastModified: stat.mtime,
    };
  } finally {
    closeSync(fd);
  }
}

function readFully(fd: number, into: Buffer, position: number): void {
  let at = 0;
  while (at < into.length) {
    const got = readSync(fd, into, at, into.length - at, position + at);
    if (got === 0) throw new IntegrityError("Object file ended early");
    at += got;
  }
}

/**
 * Stream bytes [start, end] (inclusive) of an open object file, then close it. Chunks are
 * fresh arrays; the handle is closed when the stream ends, fails or is abandoned by `return`.
 */
export async function* readBody(
  handle: FileHandle,
  start: number,
  end: number,
  signal: AbortSignal | undefined,
): ByteStream {
  try {
    let position = start;
    while (position <= end) {
      if (signal?.aborted) throw new CancelledError("Download cancelled", { cause: signal.reason });
      const want = Math.min(1024 * 1024, end - position + 1);
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) throw new IntegrityError("Object file ended early");
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

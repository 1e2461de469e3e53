import type { RandomAccessSource } from "@dg/core";

/** One deflated entry of a zip-family archive, as its central directory describes it. */
export interface ZipDeflateEntry {
  /** Where the entry's compressed bytes start (after its local header). */
  readonly dataOffset: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** CRC-32 of the uncompressed bytes. */
  readonly crc32: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
const U32_MAX = 0xffffffff;
const CD_CHUNK = 1024 * 1024;

function u16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (u16(b, at) + u16(b, at + 2) * 0x10000) >>> 0;
}
function u64(b: Uint8Array, at: number): number {
  // Sizes beyond 2^53 are not real files; they make the entry invalid below.
  return u32(b, at) + u32(b, at + 4) * 0x1_0000_0000;
}

interface CentralDirectory {
  readonly offset: number;
  readonly size: number;
  readonly entries: number;
}

async function findCentralDirectory(
  source: RandomAccessSource,
): Promise<CentralDirectory | undefined> {
  const size = source.size;
  if (size < 22) return undefined;
  const tailLength = Math.min(size, MAX_COMMENT + 22);
  const tailStart = size - tailLength;
  const tail = (await source.read(tailStart, tailLength)).slice();
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) !== EOCD || i + 22 + u16(tail, i + 20) !== tail.length) continue;
    const eocdAt = tailStart + i;
    let entries = u16(tail, i + 10);
    let cdSize = u32(tail, i + 12);
    let cdOffset = u32(tail, i + 16);
    if (entries === 0xffff || cdSize === U32_MAX || cdOffset === U32_MAX) {
      if (eocdAt < 20) return undefined;
      const locator = (await source.read(eocdAt - 20, 20)).slice();
      if (u32(locator, 0) !== EOCD64_LOCATOR) return undefined;
      const recordAt = u64(locator, 8);
      if (recordAt + 56 > eocdAt) return undefined;
      const record = (await source.read(recordAt, 56)).slice();
      if (u32(record, 0) !== EOCD64) return undefined;
      entries = u64(record, 32);
      cdSize = u64(record, 40);
      cdOffset = u64(record, 48);
    }
    if (cdOffset + cdSize > eocdAt || entries * 46 > cdSize) return undefined;
    return { offset: cdOffset, size: cdSize, entries };
  }
  return undefined;
}

/** Sequential reads over a range of a source through a buffer. */
function createCursor(source: RandomAccessSource, start: number, end: number) {
  let buffer = new Uint8Array(0);
  let bufferAt = start;
  let at = start;
  return {
    get position() {
      return at;
    },
    /** `length` bytes at the cursor, or undefined past the end of the range. */
    async take(length: number): Promise<Uint8Array | undefined> {
      if (at + length > end) return undefined;
      if (at + length > bufferAt + buffer.length) {
        bufferAt = at;
        buffer = (await source.read(at, Math.min(end - at, Math.max(CD_CHUNK, length)))).slice();
        if (buffer.length < length) return undefined;
      }
      const out = buffer.subarray(at - bufferAt, at - bufferAt + length);
      at += length;
      return out;
    },
  };
}

interface CentralEntry {
  readonly flags: number;
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localOffset: number;
}

function applyZip64Extra(entry: CentralEntry, extra: Uint8Array): CentralEntry {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = u16(extra, at);
    const length = u16(extra, at + 2);
    const body = extra.subarray(at + 4, at + 4 + length);
    if (id === 0x0001) {
      let p = 0;
      const next = (): number => {
        const value = p + 8 <= body.length ? u64(body, p) : Number.NaN;
        p += 8;
        return value;
      };
      const uncompressedSize = entry.uncompressedSize === U32_MAX ? next() : entry.uncompressedSize;
      const compressedSize = entry.compressedSize === U32_MAX ? next() : entry.compressedSize;
      const localOffset = entry.localOffset === U32_MAX ? next() : entry.localOffset;
      return { ...entry, uncompressedSize, compressedSize, localOffset };
    }
    at += 4 + length;
  }
  return entry;
}

/**
 * The deflated, unencrypted entries of a zip-family archive (zip, jar, apk, … and zip64),
 * located through the central directory and checked against their local headers, in file
 * order and without overlaps. Anything the directory does not describe plausibly is left
 * out (and later kept as raw bytes), so a damaged archive gives fewer entries, never an error.
 *
 * @example
 * ```ts
 * const entries = await findZipDeflateEntries(await openFileSource("app.jar"));
 * ```
 */
export async function findZipDeflateEntries(
  source: RandomAccessSource,
): Promise<readonly ZipDeflateEntry[]> {
  const directory = await findCentralDirectory(source);
  if (directory === undefined) return [];
  const cursor = createCursor(source, directory.offset, directory.offset + directory.size);
  const central: CentralEntry[] = [];
  for (let i = 0; i < directory.entries; i++) {
    const fixed = await cursor.take(46);
    if (fixed === undefined || u32(fixed, 0) !== CENTRAL) break;
    const nameLength = u16(fixed, 28);
    const extraLength = u16(fixed, 30);
    const commentLength = u16(fixed, 32);
    let entry: CentralEntry = {
      flags: u16(fixed, 8),
      method: u16(fixed, 10),
      crc32: u32(fixed, 16),
      compressedSize: u32(fixed, 20),
      uncompressedSize: u32(fixed, 24),
      localOffset: u32(fixed, 42),
    };
    if ((await cursor.take(nameLength)) === undefined) break;
    const extra = await cursor.take(extraLength);
    if (extra === undefined) break;
    entry = applyZip64Extra(entry, extra);
    if ((await cursor.take(commentLength)) === undefined) break;
    if (entry.method === 8 && (entry.flags & 1) === 0) central.push(entry);
  }

  const found: ZipDeflateEntry[] = [];
  for (const entry of central) {
    const { localOffset, compressedSize, uncompressedSize } = entry;
    if (![localOffset, compressedSize, uncompressedSize].every(Number.isSafeInteger)) continue;
    if (localOffset + 30 > directory.offset) continue;
    const local = await source.read(localOffset, 30);
    if (local.length < 30 || u32(local, 0) !== LOCAL || u16(local, 8) !== 8) continue;
    const dataOffset = localOffset + 30 + u16(local, 26) + u16(local, 28);
    if (compressedSize === 0 || dataOffset + compressedSize > directory.offset) continue;
    found.push({ dataOffset, compressedSize, uncompressedSize, crc32: entry.crc32 });
  }
  found.sort((a, b) => a.dataOffset - b.dataOffset);
  const result: ZipDeflateEntry[] = [];
  let end = 0;
  for (const entry of found) {
    if (entry.dataOffset < end) continue;
    result.push(entry);
    end = entry.dataOffset + entry.compressedSize;
  }
  return result;
}

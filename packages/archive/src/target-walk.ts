import { createHash } from "node:crypto";
import type { RandomAccessSource } from "@dg/core";
import { IntegrityError, throwIfAborted } from "@dg/core";
import type { Extent } from "./composite-source.js";
import { pushExtent } from "./composite-source.js";
import type { ContainerKind } from "./container.js";
import type { FoundStream } from "./expanded-reference.js";
import { gzipTrailerEnd, readGzipMemberHeader } from "./gzip-member.js";
import { inflateRange } from "./inflate-range.js";
import type { Segment } from "./segments.js";
import { pushSegment } from "./segments.js";
import type { Reproduction, StreamSearcher } from "./stream-search.js";
import type { FileWriter } from "./temp-files.js";
import type { ZipDeflateEntry } from "./zip-layout.js";
import { findZipDeflateEntries } from "./zip-layout.js";

/** A target stream copied from the reference, or inflated and being searched. */
export type WalkItem =
  | {
      readonly kind: "copy";
      readonly offset: number;
      readonly length: number;
      readonly referenceOffset: number;
    }
  | {
      readonly kind: "stream";
      readonly offset: number;
      readonly length: number;
      readonly stream: FoundStream;
      /** Where its inflated bytes are in the inflated file. */
      readonly inflatedAt: number;
      readonly reproduction: Promise<Reproduction | undefined>;
    };

/** What the walk over the target found. */
export interface TargetWalk {
  /** Copied and inflated streams, in file order; everything between them is raw. */
  readonly items: readonly WalkItem[];
  /** SHA-256 of the whole target, as it was read. */
  readonly sha256: string;
  /** Data offsets of the reference streams the target copies. */
  readonly copied: ReadonlySet<number>;
}

/** Finds the reference stream a target stream's compressed bytes equal, if any. */
export type CopyFinder = (
  target: RandomAccessSource,
  stream: { readonly offset: number; readonly compressedLength?: number; readonly crc32?: number },
) => Promise<{ readonly referenceOffset: number; readonly length: number } | undefined>;

const CHUNK = 1024 * 1024;

/** Whether two ranges hold the same bytes (read a megabyte at a time). */
export async function sameBytes(
  a: RandomAccessSource,
  aAt: number,
  b: RandomAccessSource,
  bAt: number,
  length: number,
): Promise<boolean> {
  for (let done = 0; done < length; ) {
    const n = Math.min(CHUNK, length - done);
    const [x, y] = await Promise.all([a.read(aAt + done, n), b.read(bAt + done, n)]);
    if (x.length !== n || y.length !== n) return false;
    if (Buffer.compare(x, y) !== 0) return false;
    done += n;
  }
  return true;
}

/**
 * Copies for zip entries: a reference entry with the same compressed length and CRC-32 is a
 * candidate (the directory says both without inflating), and its bytes decide. Candidates
 * after the last one copied are tried first, as entries usually keep their order.
 */
export function zipCopyFinder(
  reference: RandomAccessSource,
  entries: readonly ZipDeflateEntry[],
): CopyFinder {
  const byKey = new Map<string, ZipDeflateEntry[]>();
  for (const e of entries) {
    const key = `${e.compressedSize}:${e.crc32}`;
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [e]);
    else list.push(e);
  }
  let lastEnd = 0;
  return async (target, stream) => {
    const length = stream.compressedLength as number;
    const found = byKey.get(`${length}:${stream.crc32}`);
    if (found === undefined) return undefined;
    const ordered = [
      ...found.filter((e) => e.dataOffset >= lastEnd),
      ...found.filter((e) => e.dataOffset < lastEnd),
    ];
    for (const e of ordered) {
      if (await sameBytes(target, stream.offset, reference, e.dataOffset, length)) {
        lastEnd = e.dataOffset + length;
        return { referenceOffset: e.dataOffset, length };
      }
    }
    return undefined;
  };
}

/**
 * Copies for gzip members: a reference member whose compressed stream and trailer equal the
 * bytes at the target member's data offset (equal bytes of a complete deflate stream end
 * where it ends, so no inflating is needed).
 */
export function gzipCopyFinder(
  reference: RandomAccessSource,
  members: readonly FoundStream[],
): CopyFinder {
  const HEAD = 16;
  const byHead = new Map<string, FoundStream[]>();
  const heads = Promise.all(
    members.map(async (m) => {
      const head = Buffer.from(await reference.read(m.offset, Math.min(HEAD, m.compressedLength)));
      const key = head.toString("hex");
      const list = byHead.get(key);
      if (list === undefined) byHead.set(key, [m]);
      else list.push(m);
    }),
  );
  return async (target, stream) => {
    await heads;
    const head = Buffer.from(await target.read(stream.offset, HEAD)).toString("hex");
    const candidates: FoundStream[] = [];
    for (const [key, list] of byHead) if (head.startsWith(key)) candidates.push(...list);
    for (const m of candidates) {
      if (stream.offset + m.compressedLength + 8 > target.size) continue;
      if (await sameBytes(target, stream.offset, reference, m.offset, m.compressedLength + 8)) {
        return { referenceOffset: m.offset, length: m.compressedLength };
      }
    }
    return undefined;
  };
}

export interface TargetWalkInput {
  readonly target: RandomAccessSource;
  readonly container: ContainerKind;
  readonly findCopy: CopyFinder;
  readonly searcher: StreamSearcher;
  /** Where the target's streams are inflated. */
  readonly inflated: FileWriter;
  readonly maxExpandedSize: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Walk the target's deflate streams in file order: a stream whose compressed bytes equal a
 * reference stream's is a copy (neither inflated nor searched); any other sound stream is
 * inflated into `inflated` and its settings searched on the pool while the walk goes on.
 * The target is hashed on the way.
 */
export async function walkTarget(input: TargetWalkInput): Promise<TargetWalk> {
  const { target, inflated, signal } = input;
  const items: WalkItem[] = [];
  const copied = new Set<number>();
  let expanded = target.size;

  const hash = createHash("sha256");
  let hashed = 0;
  const hashUpTo = async (end: number): Promise<void> => {
    while (hashed < end) {
      throwIfAborted(signal);
      const bytes = await target.read(hashed, Math.min(CHUNK, end - hashed));
      if (bytes.length === 0) {
        throw new IntegrityError(`The archive ended at byte ${hashed}, before its declared size`, {
          hint: "The file changed or was truncated while it was read; try again.",
        });
      }
      hash.update(bytes);
      hashed += bytes.length;
    }
  };

  const copy = async (stream: {
    offset: number;
    compressedLength?: number;
    crc32?: number;
  }): Promise<boolean> => {
    const found = await input.findCopy(target, stream);
    if (found === undefined) return false;
    items.push({ kind: "copy", offset: stream.offset, ...found });
    copied.add(found.referenceOffset);
    expanded -= found.length;
    return true;
  };

  /** Inflate the stream at `offset`; undefined when it is not sound (`check` says). */
  const inflate = async (
    offset: number,
    limit: number,
    check: (found: FoundStream) => Promise<boolean>,
  ): Promise<FoundStream | undefined> => {
    const at = inflated.size;
    const got = await inflateRange(target, offset, limit, (chunk) => inflated.append(chunk), {
      maxOutput: Math.max(0, input.maxExpandedSize - expanded + limit),
      ...(signal === undefined ? {} : { signal }),
    });
    const stream =
      got === undefined
        ? undefined
        : {
            offset,
            compressedLength: got.consumed,
            inflatedLength: got.inflatedLength,
            crc32: got.crc32,
          };
    if (stream === undefined || !(await check(stream))) {
      await inflated.truncate(at);
      return undefined;
    }
    await inflated.flush();
    expanded += stream.inflatedLength - stream.compressedLength;
    const reproduction = input.searcher.search(stream, at);
    // Awaited once the walk is over; until then a failure must not count as unhandled.
    reproduction.catch(() => undefined);
    items.push({
      kind: "stream",
      offset,
      length: stream.compressedLength,
      stream,
      inflatedAt: at,
      reproduction,
    });
    return stream;
  };

  try {
    if (input.container === "zip") {
      for (const entry of await findZipDeflateEntries(target)) {
        throwIfAborted(signal);
        await hashUpTo(entry.dataOffset);
        const stream = {
          offset: entry.dataOffset,
          compressedLength: entry.compressedSize,
          crc32: entry.crc32,
        };
        if (await copy(stream)) continue;
        await inflate(
          entry.dataOffset,
          entry.compressedSize,
          async (found) =>
            found.compressedLength === entry.compressedSize &&
            found.crc32 === entry.crc32 &&
            found.inflatedLength === entry.uncompressedSize,
        );
      }
    } else {
      let at = 0;
      while (at < target.size) {
        throwIfAborted(signal);
        const member = await readGzipMemberHeader(target, at);
        if (member === undefined) break;
        await hashUpTo(member.dataOffset);
        if (await copy({ offset: member.dataOffset })) {
          const last = items[items.length - 1] as WalkItem;
          at = last.offset + last.length + 8;
          continue;
        }
        let trailerEnd = 0;
        const found = await inflate(
          member.dataOffset,
          target.size - member.dataOffset,
          async (s) => {
            const end = s.offset + s.compressedLength;
            const ends = await gzipTrailerEnd(target, end, s.crc32, s.inflatedLength);
            trailerEnd = ends ?? end + 8;
            return ends !== undefined;
          },
        );
        if (found === undefined) break;
        at = trailerEnd;
      }
    }
    await hashUpTo(target.size);
  } catch (error) {
    // Let searches already running finish before their files go away.
    await Promise.allSettled(items.map((i) => (i.kind === "stream" ? i.reproduction : undefined)));
    throw error;
  }
  return { items, sha256: hash.digest("hex"), copied };
}

/** The target's segments and the extents of its expanded form, once every search is over. */
export interface ResolvedTarget {
  readonly segments: readonly Segment[];
  /** The expanded target: raw runs of the target, inflated streams of `inflated`. */
  readonly extents: readonly Extent[];
  /** Streams kept inflated (reproduced), copied, and kept compressed. */
  readonly counts: {
    readonly streams: number;
    readonly copied: number;
    readonly keptCompressed: number;
  };
  /**
   * Compressed bytes of the streams reproduced, of those among them that deflate compresses
   * (inflated at least an eighth larger: not stored or random data), and of those kept
   * compressed.
   */
  readonly bytes: {
    readonly reproduced: number;
    readonly compressing: number;
    readonly keptCompressed: number;
  };
}

/**
 * Wait for the searches and turn the walk into segments: streams that no settings reproduce
 * become raw runs.
 */
export async function resolveTarget(
  walk: TargetWalk,
  target: RandomAccessSource,
  inflated: RandomAccessSource,
): Promise<ResolvedTarget> {
  const settled = await Promise.allSettled(
    walk.items.map((item) => (item.kind === "stream" ? item.reproduction : undefined)),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  const reproductions = settled.map((r) => (r.status === "fulfilled" ? r.value : undefined));
  const segments: Segment[] = [];
  const extents: Extent[] = [];
  const counts = { streams: 0, copied: 0, keptCompressed: 0 };
  const bytes = { reproduced: 0, compressing: 0, keptCompressed: 0 };
  let cursor = 0;
  const raw = (end: number): void => {
    if (end <= cursor) return;
    pushSegment(segments, { kind: "raw", length: end - cursor });
    pushExtent(extents, { source: target, offset: cursor, length: end - cursor });
    cursor = end;
  };
  walk.items.forEach((item, i) => {
    if (item.kind === "copy") {
      raw(item.offset);
      pushSegment(segments, {
        kind: "copy",
        referenceOffset: item.referenceOffset,
        length: item.length,
      });
      cursor = item.offset + item.length;
      counts.copied++;
      return;
    }
    const reproduction = reproductions[i];
    if (reproduction === undefined) {
      counts.keptCompressed++;
      bytes.keptCompressed += item.length;
      return;
    }
    raw(item.offset);
    pushSegment(segments, {
      kind: "deflate",
      compressedLength: item.stream.compressedLength,
      inflatedLength: item.stream.inflatedLength,
      crc32: item.stream.crc32,
      params: reproduction.params,
      pieces: reproduction.pieces,
    });
    pushExtent(extents, {
      source: inflated,
      offset: item.inflatedAt,
      length: item.stream.inflatedLength,
    });
    cursor = item.offset + item.length;
    counts.streams++;
    bytes.reproduced += item.length;
    if (item.stream.inflatedLength >= item.stream.compressedLength * 1.125) {
      bytes.compressing += item.length;
    }
  });
  raw(target.size);
  return { segments, extents, counts, bytes };
}

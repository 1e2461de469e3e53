import { createHash } from "node:crypto";
import type { RandomAccessSource } from "@dg/core";
import { throwIfAborted } from "@dg/core";
import { decompressStream } from "./compress.js";
import {
  ByteCursor,
  DGD_MAGIC,
  DGD_VERSION,
  damaged,
  FINAL_DIGEST_BYTES,
  MAX_WINDOW_SIZE,
  TAG_END,
  TAG_WINDOW,
  unsupportedDgd,
  WINDOW_DIGEST_BYTES,
} from "./format.js";

/** Options of `decodeDgd`. */
export interface DecodeDgdOptions {
  readonly signal?: AbortSignal;
}

/** The reference cache: blocks of 64 KiB, 32 MiB in all; copies this long are read directly. */
const REF_BLOCK = 64 << 10;
const REF_BLOCKS = 512;
const DIRECT_READ = 1 << 20;

/** Reads the delta: exact byte counts from an async iterable of chunks. */
class DeltaReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  private done = false;
  constructor(delta: AsyncIterable<Uint8Array>) {
    this.it = delta[Symbol.asyncIterator]();
  }
  /** Next chunk from the delta; false at its end. */
  private async more(): Promise<boolean> {
    while (!this.done) {
      const r = await this.it.next();
      if (r.done === true) {
        this.done = true;
        break;
      }
      if (r.value.length > 0) {
        this.chunk = r.value;
        this.at = 0;
        return true;
      }
    }
    return false;
  }
  async u8(what: string): Promise<number> {
    if (this.at >= this.chunk.length && !(await this.more())) throw damaged(`truncated ${what}`);
    return this.chunk[this.at++] as number;
  }
  async varint(what: string): Promise<number> {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = await this.u8(what);
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
      scale *= 0x80;
    }
    throw damaged(`a number out of range in the ${what}`);
  }
  /** Exactly `n` bytes (a fresh array). */
  async bytes(n: number, what: string): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.at >= this.chunk.length && !(await this.more())) throw damaged(`truncated ${what}`);
      const take = Math.min(n - filled, this.chunk.length - this.at);
      out.set(this.chunk.subarray(this.at, this.at + take), filled);
      this.at += take;
      filled += take;
    }
    return out;
  }
  /** True when nothing follows. */
  async atEnd(): Promise<boolean> {
    return this.at >= this.chunk.length && !(await this.more());
  }
  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/** Reference bytes by position, through a cache of 64 KiB blocks (least recently used out). */
class ReferenceReader {
  private readonly blocks = new Map<number, Uint8Array>();
  constructor(private readonly source: RandomAccessSource) {}

  private async readAt(position: number, into: Uint8Array, offset: number, length: number) {
    let done = 0;
    while (done < length) {
      let got: number;
      if (this.source.readInto !== undefined) {
        got = await this.source.readInto(position + done, into, offset + done, length - done);
      } else {
        const chunk = await this.source.read(position + done, length - done);
        got = Math.min(chunk.length, length - done);
        into.set(chunk.subarray(0, got), offset + done);
      }
      if (got <= 0) throw damaged("the reference is shorter than the delta says");
      done += got;
    }
  }

  private async block(index: number): Promise<Uint8Array> {
    const hit = this.blocks.get(index);
    if (hit !== undefined) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const start = index * REF_BLOCK;
    let bytes: Uint8Array | undefined;
    if (this.blocks.size >= REF_BLOCKS) {
      const oldest = this.blocks.keys().next().value as number;
      bytes = this.blocks.get(oldest);
      this.blocks.delete(oldest);
    }
    const length = Math.min(REF_BLOCK, this.source.size - start);
    if (bytes === undefined || bytes.length !== length) bytes = new Uint8Array(length);
    await this.readAt(start, bytes, 0, length);
    this.blocks.set(index, bytes);
    return bytes;
  }

  /** Copy reference bytes [position, position + length) into `into` at `offset`. */
  async copy(position: number, into: Uint8Array, offset: number, length: number): Promise<void> {
    if (length >= DIRECT_READ) {
      await this.readAt(position, into, offset, length);
      return;
    }
    let p = position;
    let o = offset;
    const end = position + length;
    while (p < end) {
      const index = Math.floor(p / REF_BLOCK);
      const block = await this.block(index);
      const from = p - index * REF_BLOCK;
      const take = Math.min(end - p, block.length - from);
      into.set(block.subarray(from, from + take), o);
      p += take;
      o += take;
    }
  }
}

/** Adds the diff bytes, kept as runs (see `zeroRuns` of the encoder), onto copied bytes. */
class DiffRuns {
  private readonly cursor: ByteCursor;
  private zeros = 0;
  private literal = 0;
  constructor(private readonly runs: Uint8Array) {
    this.cursor = new ByteCursor(runs, "diff stream");
  }
  apply(out: Uint8Array, offset: number, length: number): void {
    let o = offset;
    let left = length;
    const runs = this.runs;
    while (left > 0) {
      if (this.zeros === 0 && this.literal === 0) {
        this.zeros = this.cursor.varint();
        this.literal = this.cursor.varint();
        if (this.zeros === 0 && this.literal === 0)
          throw damaged("an empty run in the diff stream");
        if (this.literal > this.cursor.remaining) throw damaged("truncated diff stream");
      }
      if (this.zeros > 0) {
        const take = Math.min(this.zeros, left);
        this.zeros -= take;
        o += take;
        left -= take;
        continue;
      }
      const take = Math.min(this.literal, left);
      let at = this.cursor.offset;
      for (let k = 0; k < take; k++) {
        out[o + k] = ((out[o + k] as number) + (runs[at++] as number)) & 0xff;
      }
      this.cursor.offset = at;
      this.literal -= take;
      o += take;
      left -= take;
    }
  }
  /** True when every run was used up. */
  done(): boolean {
    return this.zeros === 0 && this.literal === 0 && this.cursor.remaining === 0;
  }
}

/**
 * Decode a dgd delta against `source` (the reference it was made against): an async
 * generator of the target's bytes, a window at a time. Each window is checked against its
 * SHA-256 before it is given out, and the whole target against its own at the end: a damaged
 * delta, or one made against another reference, is an `IntegrityError`, never wrong bytes.
 *
 * @example
 * ```ts
 * const source = await openFileSource("v1.tar");
 * await pipeline(decodeDgd(source, createReadStream("v2.dgd")), createWriteStream("v2.tar"));
 * ```
 */
export async function* decodeDgd(
  source: RandomAccessSource,
  delta: AsyncIterable<Uint8Array>,
  options: DecodeDgdOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  throwIfAborted(signal);
  const reader = new DeltaReader(delta);
  try {
    const magic = await readMagic(reader);
    if (!magic) throw damaged("not a dgd delta (no dgd magic at the start)");
    const version = await reader.u8("header");
    if (version !== DGD_VERSION) {
      if (version > DGD_VERSION)
        throw unsupportedDgd(
          `dgd format version ${version} is not supported (this decoder reads version ${DGD_VERSION})`,
        );
      throw damaged(`unknown format version ${version}`);
    }
    const flags = await reader.u8("header");
    if (flags !== 0) throw damaged(`unknown header flags ${flags}`);
    const refSize = await reader.varint("header");
    if (refSize !== source.size) {
      throw damaged(
        `it was made against a reference of ${refSize} bytes, this one has ${source.size}`,
      );
    }
    const windowSize = await reader.varint("header");
    if (windowSize < 1 || windowSize > MAX_WINDOW_SIZE) {
      throw damaged(`window size ${windowSize} out of range`);
    }
    const ref = new ReferenceReader(source);
    const whole = createHash("sha256");
    let total = 0;
    let oldPos = 0;
    for (;;) {
      throwIfAborted(signal);
      const tag = await reader.u8("window header");
      if (tag === TAG_END) break;
      if (tag !== TAG_WINDOW) throw damaged(`unknown record tag ${tag}`);
      const targetLen = await reader.varint("window header");
      if (targetLen < 1 || targetLen > windowSize) {
        throw damaged(`window of ${targetLen} bytes (the most is ${windowSize})`);
      }
      const entries = await reader.varint("window header");
      if (entries > targetLen + 1) throw damaged(`${entries} control entries in one window`);
      const descriptors: { method: number; raw: number; stored: number }[] = [];
      for (const what of ["control", "diff", "extra"]) {
        const method = await reader.u8("window header");
        const raw = await reader.varint("window header");
        const stored = await reader.varint("window header");
        // Bound what is read and inflated by what the window can need.
        const rawMax =
          what === "control"
            ? 16 + 3 * 8 * entries
            : what === "diff"
              ? 16 + 2 * targetLen
              : targetLen;
        if (raw > rawMax || stored > raw) {
          throw damaged(`the ${what} stream declares ${raw} bytes (${stored} stored)`);
        }
        descriptors.push({ method, raw, stored });
      }
      const [cd, dd, ed] = descriptors as [
        (typeof descriptors)[0],
        (typeof descriptors)[0],
        (typeof descriptors)[0],
      ];
      const digest = await reader.bytes(WINDOW_DIGEST_BYTES, "window header");
      const control = await decompressStream(
        cd.method,
        await reader.bytes(cd.stored, "control stream"),
        cd.raw,
        "control",
      );
      const diff = await decompressStream(
        dd.method,
        await reader.bytes(dd.stored, "diff stream"),
        dd.raw,
        "diff",
      );
      const extra = await decompressStream(
        ed.method,
        await reader.bytes(ed.stored, "extra stream"),
        ed.raw,
        "extra",
      );

      const out = new Uint8Array(targetLen);
      const head = new ByteCursor(control, "control stream");
      const lensBytes = head.varint();
      const extrasBytes = head.varint();
      if (lensBytes > head.remaining || extrasBytes > head.remaining - lensBytes) {
        throw damaged("the control stream's sections do not fit in it");
      }
      const body = control.subarray(head.offset);
      const lensCursor = new ByteCursor(body.subarray(0, lensBytes), "control stream");
      const extrasCursor = new ByteCursor(
        body.subarray(lensBytes, lensBytes + extrasBytes),
        "control stream",
      );
      const shiftCursor = new ByteCursor(body.subarray(lensBytes + extrasBytes), "control stream");
      const runs = new DiffRuns(diff);
      let o = 0;
      let e = 0;
      let previousExtra = 0;
      for (let i = 0; i < entries; i++) {
        const diffLen = lensCursor.varint();
        const extraLen = extrasCursor.varint();
        // The seek is kept as the change of diagonal: the bytes skipped in the reference
        // beyond the extra bytes just added.
        oldPos += shiftCursor.svarint() + previousExtra;
        previousExtra = extraLen;
        if (diffLen > targetLen - o || extraLen > targetLen - o - diffLen) {
          throw damaged("a control entry runs past the end of its window");
        }
        if (diffLen > 0) {
          if (oldPos < 0 || oldPos + diffLen > refSize) {
            throw damaged("a copy reads outside the reference");
          }
          await ref.copy(oldPos, out, o, diffLen);
          runs.apply(out, o, diffLen);
          o += diffLen;
          oldPos += diffLen;
        }
        if (extraLen > 0) {
          out.set(extra.subarray(e, e + extraLen), o);
          o += extraLen;
          e += extraLen;
        }
      }
      if (
        lensCursor.remaining !== 0 ||
        extrasCursor.remaining !== 0 ||
        shiftCursor.remaining !== 0 ||
        o !== targetLen ||
        !runs.done() ||
        e !== ed.raw
      ) {
        throw damaged("the control stream does not cover its window exactly");
      }
      // The first window's digest is that of the target so far (as the encoder takes it): one
      // pass over its bytes, not two (most release files are one window).
      whole.update(out);
      const got = total === 0 ? whole.copy().digest() : createHash("sha256").update(out).digest();
      for (let k = 0; k < WINDOW_DIGEST_BYTES; k++) {
        if (got[k] !== digest[k]) {
          throw damaged("a window's checksum does not match (wrong reference, or a damaged delta)");
        }
      }
      total += targetLen;
      yield out;
    }
    const declared = await reader.varint("end record");
    const finalDigest = await reader.bytes(FINAL_DIGEST_BYTES, "end record");
    if (declared !== total) throw damaged(`the delta ends after ${total} of ${declared} bytes`);
    const got = whole.digest();
    for (let k = 0; k < FINAL_DIGEST_BYTES; k++) {
      if (got[k] !== finalDigest[k]) throw damaged("the target's checksum does not match");
    }
    if (!(await reader.atEnd())) throw damaged("bytes after the end record");
  } finally {
    await reader.close();
  }
}

async function readMagic(reader: DeltaReader): Promise<boolean> {
  for (const byte of DGD_MAGIC) {
    let b: number;
    try {
      b = await reader.u8("header");
    } catch {
      return false;
    }
    if (b !== byte) return false;
  }
  return true;
}

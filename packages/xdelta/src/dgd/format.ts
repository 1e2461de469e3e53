import { IntegrityError, UnsupportedError } from "@dg/core";

/**
 * The dgd delta format (see `packages/xdelta/DGD-FORMAT.md`): constants shared by the encoder
 * and the decoder, LEB128 varints, and the decoder's errors.
 */

/** The 8 bytes every dgd delta starts with. */
export const DGD_MAGIC: readonly number[] = [0xd7, 0x44, 0x47, 0x44, 0x0d, 0x0a, 0x1a, 0x0a];
export const DGD_VERSION = 1;
/** The name an encode reports through `onFormat`, recorded as `dg-delta-format`. */
export const DGD_DELTA_FORMAT = `dgd/${DGD_VERSION}`;

export const TAG_WINDOW = 0x57; // "W"
export const TAG_END = 0x45; // "E"

/** How a stream of a window is stored. */
export const METHOD_STORED = 0;
export const METHOD_BROTLI = 1;
export const METHOD_XZ = 2;

/** Bytes of the SHA-256 of a window's target kept in the delta. */
export const WINDOW_DIGEST_BYTES = 16;
export const FINAL_DIGEST_BYTES = 32;

/** The largest window a decoder accepts (bounds its memory whatever the header says). */
export const MAX_WINDOW_SIZE = 64 << 20;
/**
 * The encoder's windows: 32 MiB, so that most release files are one window, their new bytes
 * one extra stream (a change repeated in several bundled files compresses once).
 */
export const DEFAULT_WINDOW_SIZE = 32 << 20;

/** True when `bytes` starts with the dgd magic. */
export function isDgdDelta(bytes: Uint8Array): boolean {
  if (bytes.length < DGD_MAGIC.length) return false;
  for (let i = 0; i < DGD_MAGIC.length; i++) if (bytes[i] !== DGD_MAGIC[i]) return false;
  return true;
}

/** A growable byte buffer for varints and small records. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;
  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }
  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(value: number): void {
    this.room(1);
    this.buf[this.length++] = value;
  }
  /** An unsigned LEB128 varint (at most 2^53 - 1). */
  varint(value: number): void {
    this.room(8);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }
  /** A signed varint: zigzag, then LEB128. */
  svarint(value: number): void {
    this.varint(value < 0 ? -2 * value - 1 : 2 * value);
  }
  bytes(data: Uint8Array): void {
    this.room(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }
  /** The bytes written (a view; copy to keep across further writes). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
  reset(): void {
    this.length = 0;
  }
}

/** Reads LEB128 varints from a buffer; `damaged` on truncation or overflow. */
export class ByteCursor {
  offset = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}
  get remaining(): number {
    return this.buf.length - this.offset;
  }
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.offset >= this.buf.length) throw damaged(`truncated ${this.what}`);
      const b = this.buf[this.offset++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
      scale *= 0x80;
    }
    throw damaged(`a number out of range in the ${this.what}`);
  }
  svarint(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

const DAMAGED_HINT =
  "The delta is damaged or was not made against this reference; download it again or re-create it.";

/** An `IntegrityError` for a dgd delta that is damaged, truncated or inconsistent. */
export function damaged(message: string, cause?: unknown): IntegrityError {
  return new IntegrityError(`Invalid dgd delta: ${message}`, {
    hint: DAMAGED_HINT,
    ...(cause === undefined ? {} : { cause }),
  });
}

/** An `UnsupportedError` for a dgd version or method this decoder does not know. */
export function unsupportedDgd(message: string): UnsupportedError {
  return new UnsupportedError(message, {
    hint: "The delta was written by a newer version of deltaglider; upgrade to decode it.",
  });
}

/** Growable byte buffer for small binary records. */
export interface ByteWriter {
  u8(value: number): void;
  u32(value: number): void;
  /** Unsigned LEB128, any safe integer. */
  varint(value: number): void;
  bytes(value: Uint8Array): void;
  /** UTF-8 with a varint length. */
  text(value: string): void;
  finish(): Uint8Array;
}

/** Sequential reads of a binary record; every read past the end throws `RangeError`. */
export interface ByteParser {
  readonly remaining: number;
  u8(): number;
  u32(): number;
  varint(): number;
  bytes(length: number): Uint8Array;
  text(maxLength: number): string;
}

/**
 * A writer for little-endian binary records.
 *
 * @example
 * ```ts
 * const w = createByteWriter();
 * w.varint(300);
 * w.finish(); // Uint8Array [0xac, 0x02]
 * ```
 */
export function createByteWriter(): ByteWriter {
  let buffer = new Uint8Array(256);
  let length = 0;
  const ensure = (extra: number): void => {
    if (length + extra <= buffer.length) return;
    const next = new Uint8Array(Math.max(buffer.length * 2, length + extra));
    next.set(buffer.subarray(0, length));
    buffer = next;
  };
  const u8 = (value: number): void => {
    ensure(1);
    buffer[length++] = value & 0xff;
  };
  return {
    u8,
    u32(value) {
      for (let i = 0; i < 4; i++) u8(Math.floor(value / 2 ** (8 * i)) & 0xff);
    },
    varint(value) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bad varint ${value}`);
      let rest = value;
      while (rest >= 0x80) {
        u8((rest % 0x80) | 0x80);
        rest = Math.floor(rest / 0x80);
      }
      u8(rest);
    },
    bytes(value) {
      ensure(value.length);
      buffer.set(value, length);
      length += value.length;
    },
    text(value) {
      const encoded = new TextEncoder().encode(value);
      this.varint(encoded.length);
      this.bytes(encoded);
    },
    finish: () => buffer.slice(0, length),
  };
}

/**
 * A parser over `bytes` for records written by {@link createByteWriter}.
 *
 * @example
 * ```ts
 * createByteParser(new Uint8Array([0xac, 0x02])).varint(); // 300
 * ```
 */
export function createByteParser(bytes: Uint8Array): ByteParser {
  let at = 0;
  const need = (n: number): void => {
    if (at + n > bytes.length) throw new RangeError("record ends early");
  };
  const u8 = (): number => {
    need(1);
    return bytes[at++] as number;
  };
  return {
    get remaining() {
      return bytes.length - at;
    },
    u8,
    u32() {
      need(4);
      let value = 0;
      for (let i = 0; i < 4; i++) value += (bytes[at++] as number) * 2 ** (8 * i);
      return value;
    },
    varint() {
      let value = 0;
      let scale = 1;
      for (;;) {
        const byte = u8();
        value += (byte & 0x7f) * scale;
        if (!Number.isSafeInteger(value)) throw new RangeError("varint too large");
        if ((byte & 0x80) === 0) return value;
        scale *= 0x80;
      }
    },
    bytes(length) {
      need(length);
      const out = bytes.slice(at, at + length);
      at += length;
      return out;
    },
    text(maxLength) {
      const length = this.varint();
      if (length > maxLength) throw new RangeError("text too long");
      return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes(length));
    },
  };
}

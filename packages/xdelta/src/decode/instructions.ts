import type { AddressCache } from "../vcdiff/address-cache.js";
import type { CodeTable } from "../vcdiff/code-table.js";
import { VCD_ADD, VCD_COPY, VCD_NOOP, VCD_RUN } from "../vcdiff/code-table.js";
import { readVarint, VARINT_INCOMPLETE } from "../vcdiff/varint.js";
import { damaged } from "./errors.js";

/** Up to this many bytes, a loop beats creating a subarray view for `set`. */
const SMALL_COPY = 32;

/** Copy `length` bytes between arrays, with a loop for short runs. */
export function copyBytes(
  from: Uint8Array,
  fromOffset: number,
  to: Uint8Array,
  toOffset: number,
  length: number,
): void {
  if (length <= SMALL_COPY) {
    for (let k = 0; k < length; k++) to[toOffset + k] = from[fromOffset + k]!;
  } else {
    to.set(from.subarray(fromOffset, fromOffset + length), toOffset);
  }
}

/** The bytes of a window's source segment, however they are held. */
export interface SegmentBytes {
  /** Copy segment bytes [from, from + length) to `target` at `to`; they are known present. */
  copy(from: number, length: number, target: Uint8Array, to: number): void;
}

/** The three sections of a window, decompressed, and its sizes. */
export interface WindowCode {
  readonly data: Uint8Array;
  readonly inst: Uint8Array;
  readonly addr: Uint8Array;
  readonly targetLength: number;
  /** Length of the source segment (0 when the window has none). */
  readonly segmentLength: number;
}

/** Most instructions held at once: a window is decoded in batches of this many. */
export const BATCH_CAPACITY = 64 * 1024;

/**
 * A batch of decoded, checked instructions of one window (only those with a size: an empty
 * instruction does nothing). `args` is the data offset of an ADD, the byte of a RUN, the
 * address of a COPY; `targets` is where each instruction writes in the target window.
 */
export interface InstructionBatch {
  count: number;
  readonly kinds: Uint8Array;
  readonly sizes: Float64Array;
  readonly args: Float64Array;
  readonly targets: Float64Array;
}

export function createInstructionBatch(capacity = BATCH_CAPACITY): InstructionBatch {
  return {
    count: 0,
    kinds: new Uint8Array(capacity),
    sizes: new Float64Array(capacity),
    args: new Float64Array(capacity),
    targets: new Float64Array(capacity),
  };
}

/** A code table with the two halves of each opcode side by side: index 2 * opcode + half. */
interface Halves {
  readonly types: Uint8Array;
  readonly sizes: Uint8Array;
  readonly modes: Uint8Array;
}

const halvesByTable = new WeakMap<CodeTable, Halves>();

function halvesOf(table: CodeTable): Halves {
  let halves = halvesByTable.get(table);
  if (halves === undefined) {
    const types = new Uint8Array(512);
    const sizes = new Uint8Array(512);
    const modes = new Uint8Array(512);
    for (let op = 0; op < 256; op++) {
      types[2 * op] = table.type1[op]!;
      types[2 * op + 1] = table.type2[op]!;
      sizes[2 * op] = table.size1[op]!;
      sizes[2 * op + 1] = table.size2[op]!;
      modes[2 * op] = table.mode1[op]!;
      modes[2 * op + 1] = table.mode2[op]!;
    }
    halves = { types, sizes, modes };
    halvesByTable.set(table, halves);
  }
  return halves;
}

/** Decodes the instructions of a window, one batch at a time. */
export interface InstructionReader {
  /**
   * Fill `batch` with the next instructions; false once every instruction was read and the
   * sections checked (they must end together with the target window).
   */
  next(batch: InstructionBatch): boolean;
}

/**
 * Decode the instructions of a window, checking each one: damaged input throws
 * `IntegrityError`, and what the reader returns never reads or writes out of range (sizes
 * fit the target window and the data section, COPY addresses precede the current position).
 * Cost is linear in the section sizes.
 *
 * @example
 * ```ts
 * const reader = readInstructions(code, DEFAULT_CODE_TABLE, createAddressCache());
 * const batch = createInstructionBatch();
 * while (reader.next(batch)) for (let i = 0; i < batch.count; i++) use(batch, i);
 * ```
 */
export function readInstructions(
  code: WindowCode,
  table: CodeTable,
  cache: AddressCache,
): InstructionReader {
  const { data, inst, addr, targetLength, segmentLength } = code;
  const nearModes = 2 + cache.nearSize;
  const { types, sizes: tableSizes, modes } = halvesOf(table);
  const varint = { value: 0, offset: 0 };
  let ip = 0;
  let dp = 0;
  let ap = 0;
  let t = 0;
  let finished = false;
  cache.reset();
  return {
    next(batch) {
      batch.count = 0;
      if (finished) return false;
      const { kinds, sizes, args, targets } = batch;
      const room = kinds.length - 2; // an opcode holds up to two instructions
      let n = 0;
      while (ip < inst.length && n <= room) {
        const opcode = inst[ip++]!;
        for (let h = 2 * opcode, last = h + 1; h <= last; h++) {
          const type = types[h]!;
          if (type === VCD_NOOP) continue;
          let size = tableSizes[h]!;
          if (size === 0) {
            if (readVarint(inst, ip, inst.length, varint) === VARINT_INCOMPLETE) {
              throw damaged("truncated instruction section");
            }
            size = varint.value;
            ip = varint.offset;
          }
          if (size > targetLength - t) throw damaged("an instruction runs past the target window");
          let arg: number;
          if (type === VCD_ADD) {
            if (size > data.length - dp) throw damaged("an ADD runs past the data section");
            arg = dp;
            dp += size;
          } else if (type === VCD_RUN) {
            if (dp >= data.length) throw damaged("a RUN runs past the data section");
            arg = data[dp]!;
            dp += 1;
          } else if (type === VCD_COPY) {
            const mode = modes[h]!;
            let encoded: number;
            if (mode < nearModes) {
              if (readVarint(addr, ap, addr.length, varint) === VARINT_INCOMPLETE) {
                throw damaged("truncated address section");
              }
              encoded = varint.value;
              ap = varint.offset;
            } else {
              if (ap >= addr.length) throw damaged("truncated address section");
              encoded = addr[ap++]!;
            }
            const here = segmentLength + t;
            arg = cache.decode(encoded, mode, here);
            if (!(arg >= 0 && arg < here)) throw damaged("a COPY address is out of range");
          } else {
            throw damaged(`undefined instruction type ${type}`);
          }
          if (size > 0) {
            kinds[n] = type;
            sizes[n] = size;
            args[n] = arg;
            targets[n] = t;
            n++;
            t += size;
          }
        }
      }
      batch.count = n;
      if (ip >= inst.length) {
        finished = true;
        if (t !== targetLength) throw damaged("the instructions do not fill the target window");
        if (dp !== data.length) throw damaged("unused bytes in the data section");
        if (ap !== addr.length) throw damaged("unused bytes in the address section");
      }
      return n > 0 || !finished;
    },
  };
}

/**
 * Build part of the target window from a checked batch. Source COPY parts flagged in `direct`
 * are already in place (read straight into the target); the other source parts come from
 * `segment`. The batch runs in order, so copies from the target window see final bytes.
 */
export function executeBatch(
  batch: InstructionBatch,
  data: Uint8Array,
  segmentLength: number,
  segment: SegmentBytes | undefined,
  direct: Uint8Array | undefined,
  target: Uint8Array,
): void {
  const { count, kinds, sizes, args, targets } = batch;
  for (let i = 0; i < count; i++) {
    const kind = kinds[i]!;
    const size = sizes[i]!;
    const t = targets[i]!;
    if (kind === VCD_ADD) {
      copyBytes(data, args[i]!, target, t, size);
    } else if (kind === VCD_RUN) {
      if (size <= SMALL_COPY) {
        const byte = args[i]!;
        for (let k = 0; k < size; k++) target[t + k] = byte;
      } else {
        target.fill(args[i]!, t, t + size);
      }
    } else {
      copy(args[i]!, size, t, segmentLength, direct?.[i] === 1 ? undefined : segment, target);
    }
  }
}

function copy(
  address: number,
  size: number,
  t: number,
  segmentLength: number,
  segment: SegmentBytes | undefined,
  target: Uint8Array,
): void {
  let from = address;
  let to = t;
  let remaining = size;
  if (from < segmentLength) {
    // The part in the source segment (a copy may run on into the target window, RFC 3284 5.3).
    const n = Math.min(remaining, segmentLength - from);
    segment?.copy(from, n, target, to);
    from += n;
    to += n;
    remaining -= n;
  }
  if (remaining === 0) return;
  // The part in the target window. It may overlap what it writes (RFC 3284 byte-by-byte
  // semantics): the bytes then repeat with period `to - src`, so copy from `src` in blocks
  // that double each time, never overlapping within one copyWithin.
  const src = from - segmentLength;
  if (remaining <= SMALL_COPY) {
    // Byte by byte is both the RFC's meaning of an overlapping copy and the fastest way for
    // a few bytes.
    for (let k = 0; k < remaining; k++) target[to + k] = target[src + k]!;
    return;
  }
  while (remaining > 0) {
    const n = Math.min(to - src, remaining);
    target.copyWithin(to, src, src + n);
    to += n;
    remaining -= n;
  }
}

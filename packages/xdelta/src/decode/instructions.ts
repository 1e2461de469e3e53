import type { AddressCache } from "../vcdiff/address-cache.js";
import type { CodeTable } from "../vcdiff/code-table.js";
import { VCD_ADD, VCD_COPY, VCD_NOOP, VCD_RUN } from "../vcdiff/code-table.js";
import { readVarint, VARINT_INCOMPLETE } from "../vcdiff/varint.js";
import { damaged } from "./errors.js";
import type { RangeCollector } from "./segment.js";

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

/**
 * Run the instructions of a window. With a `RangeCollector` (planning pass) it checks every
 * instruction and records which parts of the source segment are copied, writing nothing.
 * With `segment` and `target` (execution pass) it builds the target window. Both passes do the
 * same checks, so damaged input throws `IntegrityError` and never reads or writes out of range.
 * Runs synchronously over the in-memory sections: cost is linear in the section sizes.
 */
export function runInstructions(
  code: WindowCode,
  table: CodeTable,
  cache: AddressCache,
  collector: RangeCollector | undefined,
  segment: SegmentBytes | undefined,
  target: Uint8Array | undefined,
): void {
  const { data, inst, addr, targetLength, segmentLength } = code;
  const nearModes = 2 + cache.nearSize;
  const varint = { value: 0, offset: 0 };
  let ip = 0;
  let dp = 0;
  let ap = 0;
  let t = 0;
  cache.reset();

  while (ip < inst.length) {
    const opcode = inst[ip++]!;
    for (let half = 0; half < 2; half++) {
      const type = half === 0 ? table.type1[opcode]! : table.type2[opcode]!;
      if (type === VCD_NOOP) continue;
      let size = half === 0 ? table.size1[opcode]! : table.size2[opcode]!;
      if (size === 0) {
        if (readVarint(inst, ip, inst.length, varint) === VARINT_INCOMPLETE) {
          throw damaged("truncated instruction section");
        }
        size = varint.value;
        ip = varint.offset;
      }
      if (size > targetLength - t) throw damaged("an instruction runs past the target window");
      if (type === VCD_ADD) {
        if (size > data.length - dp) throw damaged("an ADD runs past the data section");
        if (target !== undefined) copyBytes(data, dp, target, t, size);
        dp += size;
      } else if (type === VCD_RUN) {
        if (dp >= data.length) throw damaged("a RUN runs past the data section");
        if (target !== undefined) target.fill(data[dp]!, t, t + size);
        dp += 1;
      } else if (type === VCD_COPY) {
        const mode = half === 0 ? table.mode1[opcode]! : table.mode2[opcode]!;
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
        const address = cache.decode(encoded, mode, here);
        if (!(address >= 0 && address < here)) throw damaged("a COPY address is out of range");
        if (size > 0) {
          copy(address, size, t, segmentLength, collector, segment, target);
        }
      } else {
        throw damaged(`undefined instruction type ${type}`);
      }
      t += size;
    }
  }
  if (t !== targetLength) throw damaged("the instructions do not fill the target window");
  if (dp !== data.length) throw damaged("unused bytes in the data section");
  if (ap !== addr.length) throw damaged("unused bytes in the address section");
}

function copy(
  address: number,
  size: number,
  t: number,
  segmentLength: number,
  collector: RangeCollector | undefined,
  segment: SegmentBytes | undefined,
  target: Uint8Array | undefined,
): void {
  let from = address;
  let to = t;
  let remaining = size;
  if (from < segmentLength) {
    // The part in the source segment (a copy may run on into the target window, RFC 3284 5.3).
    const n = Math.min(remaining, segmentLength - from);
    if (collector !== undefined) collector.add(from, from + n);
    if (segment !== undefined && target !== undefined) segment.copy(from, n, target, to);
    from += n;
    to += n;
    remaining -= n;
  }
  if (remaining === 0 || target === undefined) return;
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

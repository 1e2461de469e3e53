import { adler32 } from "../vcdiff/adler32.js";
import {
  addCopyOpcode,
  copyAddOpcode,
  DEFAULT_CODE_TABLE,
  DEFAULT_NEAR_SIZE,
  singleOpcode,
  VCD_ADD,
  VCD_COPY,
  VCD_RUN,
} from "../vcdiff/code-table.js";
import {
  VCD_ADDRCOMP,
  VCD_ADLER32,
  VCD_DATACOMP,
  VCD_INSTCOMP,
  VCD_SOURCE,
} from "../vcdiff/header.js";
import { varintLength, writeVarint } from "../vcdiff/varint.js";
import { createAddressEncoder } from "./address-encoder.js";
import { createByteSink } from "./byte-sink.js";
import type { InstructionList } from "./instruction-list.js";
import type { SecondaryEncoder } from "./secondary.js";
import { INST_ADD, INST_COPY_SOURCE, INST_RUN } from "./instruction-list.js";

/** Turns one window's instruction list into VCDIFF window bytes. */
export interface WindowWriter {
  /** Encode `list` for the target window `target[0 .. length)`. */
  write(list: InstructionList, target: Uint8Array, length: number): Uint8Array;
}

const NEAR_LIMIT = 2 + DEFAULT_NEAR_SIZE;

/**
 * Create a writer for the default code table, with xdelta3's per-window Adler-32. Sections and
 * address cache are reused between windows. With a `secondary` encoder, each section it
 * compresses is written compressed and marked so in the window's Delta_Indicator (the file
 * header must then name the compressor).
 *
 * @example
 * ```ts
 * const writer = createWindowWriter();
 * const bytes = writer.write(list, windowBytes, windowLength);
 * ```
 */
export function createWindowWriter(secondary?: SecondaryEncoder): WindowWriter {
  const data = createByteSink();
  const inst = createByteSink(1 << 14);
  const addrs = createByteSink(1 << 14);
  const cache = createAddressEncoder();

  return {
    write(list, target, length) {
      data.clear();
      inst.clear();
      addrs.clear();
      cache.reset();
      const hasSource = list.sourceStart >= 0;
      const segStart = hasSource ? list.sourceStart : 0;
      const segLength = hasSource ? list.sourceEnd - list.sourceStart : 0;

      // A half-instruction waiting for a partner: an ADD of 1..4 bytes or a COPY of 4 bytes.
      let pendingAddSize = 0;
      let pendingCopyMode = -1;
      const flushAdd = (): void => {
        if (pendingAddSize > 0) {
          inst.byte(singleOpcode(VCD_ADD, pendingAddSize, 0));
          pendingAddSize = 0;
        }
      };
      const flushCopy = (): void => {
        if (pendingCopyMode >= 0) {
          inst.byte(singleOpcode(VCD_COPY, 4, pendingCopyMode));
          pendingCopyMode = -1;
        }
      };
      const single = (
        type: typeof VCD_ADD | typeof VCD_RUN | typeof VCD_COPY,
        size: number,
        mode: number,
      ): void => {
        const op = singleOpcode(type, size, mode);
        inst.byte(op);
        if (DEFAULT_CODE_TABLE.size1[op] === 0) inst.varint(size);
      };

      const { kind, size, addr } = list;
      let here = 0;
      for (let i = 0; i < list.count; i++) {
        const k = kind[i]!;
        const s = size[i]!;
        const a = addr[i]!;
        if (k === INST_ADD) {
          data.append(target, a, a + s);
          if (pendingCopyMode >= 0 && s === 1) {
            inst.byte(copyAddOpcode(4, pendingCopyMode, 1));
            pendingCopyMode = -1;
          } else {
            flushCopy();
            flushAdd();
            if (s <= 4) pendingAddSize = s;
            else single(VCD_ADD, s, 0);
          }
        } else if (k === INST_RUN) {
          flushAdd();
          flushCopy();
          data.byte(a);
          single(VCD_RUN, s, 0);
        } else {
          flushCopy();
          const address = k === INST_COPY_SOURCE ? a - segStart : segLength + a;
          const mode = cache.encode(address, segLength + here, s, pendingAddSize);
          const encoded = cache.value;
          if (mode < NEAR_LIMIT) addrs.varint(encoded);
          else addrs.byte(encoded);
          const paired = pendingAddSize > 0 ? addCopyOpcode(pendingAddSize, s, mode) : -1;
          if (paired >= 0) {
            inst.byte(paired);
            pendingAddSize = 0;
          } else {
            flushAdd();
            if (s === 4) pendingCopyMode = mode;
            else single(VCD_COPY, s, mode);
          }
        }
        here += s;
      }
      flushAdd();
      flushCopy();
      if (here !== length) throw new RangeError(`instructions cover ${here} of ${length} bytes`);

      const checksum = adler32(target.subarray(0, length));
      let indicator = 0;
      let dataBytes = data.bytes();
      let instBytes = inst.bytes();
      let addrBytes = addrs.bytes();
      if (secondary !== undefined) {
        const d = secondary.compress("data", dataBytes);
        const i = secondary.compress("instruction", instBytes);
        const a = secondary.compress("address", addrBytes);
        if (d !== undefined) [dataBytes, indicator] = [d, indicator | VCD_DATACOMP];
        if (i !== undefined) [instBytes, indicator] = [i, indicator | VCD_INSTCOMP];
        if (a !== undefined) [addrBytes, indicator] = [a, indicator | VCD_ADDRCOMP];
      }
      const deltaLength =
        varintLength(length) +
        1 +
        varintLength(dataBytes.length) +
        varintLength(instBytes.length) +
        varintLength(addrBytes.length) +
        4 +
        dataBytes.length +
        instBytes.length +
        addrBytes.length;
      const headerLength =
        1 +
        (hasSource ? varintLength(segLength) + varintLength(segStart) : 0) +
        varintLength(deltaLength);
      const out = new Uint8Array(headerLength + deltaLength);
      let at = 0;
      out[at++] = (hasSource ? VCD_SOURCE : 0) | VCD_ADLER32;
      if (hasSource) {
        at = writeVarint(segLength, out, at);
        at = writeVarint(segStart, out, at);
      }
      at = writeVarint(deltaLength, out, at);
      at = writeVarint(length, out, at);
      out[at++] = indicator; // Delta_Indicator: the sections that are secondary-compressed
      at = writeVarint(dataBytes.length, out, at);
      at = writeVarint(instBytes.length, out, at);
      at = writeVarint(addrBytes.length, out, at);
      out[at++] = checksum >>> 24;
      out[at++] = (checksum >>> 16) & 0xff;
      out[at++] = (checksum >>> 8) & 0xff;
      out[at++] = checksum & 0xff;
      out.set(dataBytes, at);
      at += dataBytes.length;
      out.set(instBytes, at);
      at += instBytes.length;
      out.set(addrBytes, at);
      return out;
    },
  };
}

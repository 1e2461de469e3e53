/**
 * A minimal VCDIFF writer for tests: builds deltas instruction by instruction, so tests can
 * make what xdelta3 never writes (VCD_TARGET windows, overlapping and boundary-crossing
 * copies, every address mode) and damaged variants of it.
 */
import { adler32 } from "../../src/vcdiff/adler32.js";
import { createAddressCache } from "../../src/vcdiff/address-cache.js";
import {
  addCopyOpcode,
  DEFAULT_CODE_TABLE,
  singleOpcode,
  VCD_ADD,
  VCD_COPY,
  VCD_RUN,
} from "../../src/vcdiff/code-table.js";
import { VCD_ADLER32, VCD_SOURCE, VCD_TARGET } from "../../src/vcdiff/header.js";
import { encodeVarint } from "../../src/vcdiff/varint.js";
import { concat } from "./harness.js";

export type TestInstruction =
  | { readonly type: "add"; readonly bytes: Uint8Array }
  | { readonly type: "run"; readonly byte: number; readonly size: number }
  /** `address` in the window's address space (segment, then target window). */
  | {
      readonly type: "copy";
      readonly address: number;
      readonly size: number;
      readonly mode?: number;
    };

export interface TestWindow {
  readonly segment?: {
    readonly from: "source" | "target";
    readonly position: number;
    readonly length: number;
  };
  readonly instructions: readonly TestInstruction[];
  /** The target window, for the checksum; omit for no checksum. */
  readonly checksumOf?: Uint8Array;
  /** Pair an ADD of 1..4 bytes with a following small COPY into one opcode where possible. */
  readonly pairOpcodes?: boolean;
}

export function writeTestDelta(
  windows: readonly TestWindow[],
  header: { appHeader?: Uint8Array; indicator?: number } = {},
): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0xd6, 0xc3, 0xc4, 0x00)];
  const appIndicator = header.appHeader === undefined ? 0 : 0x04;
  parts.push(Uint8Array.of(header.indicator ?? appIndicator));
  if (header.appHeader !== undefined) {
    parts.push(encodeVarint(header.appHeader.length), header.appHeader);
  }
  for (const w of windows) parts.push(writeWindow(w));
  return concat(...parts);
}

function writeWindow(w: TestWindow): Uint8Array {
  const cache = createAddressCache();
  const data: number[] = [];
  const inst: number[] = [];
  const addr: number[] = [];
  const segmentLength = w.segment?.length ?? 0;
  let t = 0;
  const list = w.instructions;
  for (let i = 0; i < list.length; i++) {
    const ins = list[i]!;
    if (ins.type === "add") {
      data.push(...ins.bytes);
      const next = list[i + 1];
      if (w.pairOpcodes === true && next?.type === "copy" && ins.bytes.length <= 4) {
        const mode = chooseMode(cache, next, segmentLength + t + ins.bytes.length);
        const op = addCopyOpcode(ins.bytes.length, next.size, mode.mode);
        if (op >= 0) {
          inst.push(op);
          pushAddress(addr, mode.mode, mode.value);
          t += ins.bytes.length + next.size;
          i++;
          continue;
        }
        // No paired opcode: undo nothing (chooseMode already updated the cache), so fall
        // back to writing the copy with the mode it chose.
        pushSingle(inst, VCD_ADD, ins.bytes.length, 0);
        t += ins.bytes.length;
        pushSingle(inst, VCD_COPY, next.size, mode.mode);
        pushAddress(addr, mode.mode, mode.value);
        t += next.size;
        i++;
        continue;
      }
      pushSingle(inst, VCD_ADD, ins.bytes.length, 0);
      t += ins.bytes.length;
    } else if (ins.type === "run") {
      data.push(ins.byte);
      pushSingle(inst, VCD_RUN, ins.size, 0);
      t += ins.size;
    } else {
      const mode = chooseMode(cache, ins, segmentLength + t);
      pushSingle(inst, VCD_COPY, ins.size, mode.mode);
      pushAddress(addr, mode.mode, mode.value);
      t += ins.size;
    }
  }
  let indicator = 0;
  if (w.segment?.from === "source") indicator |= VCD_SOURCE;
  if (w.segment?.from === "target") indicator |= VCD_TARGET;
  if (w.checksumOf !== undefined) indicator |= VCD_ADLER32;
  const checksum =
    w.checksumOf === undefined
      ? new Uint8Array(0)
      : (() => {
          const sum = adler32(w.checksumOf);
          return Uint8Array.of(sum >>> 24, (sum >>> 16) & 255, (sum >>> 8) & 255, sum & 255);
        })();
  const body = concat(
    encodeVarint(t),
    Uint8Array.of(0),
    encodeVarint(data.length),
    encodeVarint(inst.length),
    encodeVarint(addr.length),
    checksum,
    Uint8Array.from(data),
    Uint8Array.from(inst),
    Uint8Array.from(addr),
  );
  const head: Uint8Array[] = [Uint8Array.of(indicator)];
  if (w.segment !== undefined) {
    head.push(encodeVarint(w.segment.length), encodeVarint(w.segment.position));
  }
  return concat(...head, encodeVarint(body.length), body);
}

function chooseMode(
  cache: ReturnType<typeof createAddressCache>,
  copy: { address: number; mode?: number },
  here: number,
): { mode: number; value: number } {
  if (copy.mode === 0) {
    cache.decode(copy.address, 0, here);
    return { mode: 0, value: copy.address };
  }
  if (copy.mode === 1) {
    cache.decode(here - copy.address, 1, here);
    return { mode: 1, value: here - copy.address };
  }
  const mode = cache.encode(copy.address, here);
  return { mode, value: cache.lastEncoded };
}

function pushSingle(inst: number[], type: 1 | 2 | 3, size: number, mode: number): void {
  const op = singleOpcode(type, size, mode);
  inst.push(op);
  if (DEFAULT_CODE_TABLE.size1[op] === 0) inst.push(...encodeVarint(size));
}

function pushAddress(addr: number[], mode: number, value: number): void {
  if (mode < 6) addr.push(...encodeVarint(value));
  else addr.push(value);
}

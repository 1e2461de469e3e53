import { varintLength } from "../vcdiff/varint.js";

/**
 * Estimates of what an instruction will cost in the delta, in bytes, so the matcher can weigh
 * a short COPY against leaving the bytes literal. It mirrors the writer's "near" address cache
 * (the last four COPY addresses) for the addresses it can know while matching: target copies
 * by their window offset, source copies by their source position. (The window's source
 * segment, hence the exact VCDIFF address of a source copy, is only known at the end.)
 */
export interface CopyCost {
  reset(): void;
  /** Record an emitted COPY, as the writer's address cache will. */
  record(fromTarget: boolean, address: number): void;
  /**
   * Bytes of a COPY of `length` bytes from `address` (a window offset when `fromTarget`, else
   * a source position) written at window offset `here`, after `pending` literal bytes.
   */
  copy(fromTarget: boolean, address: number, here: number, length: number, pending: number): number;
  /** Bytes of a RUN of `length` bytes. */
  run(length: number): number;
}

/** What a source address costs when no recent address is close (VCD_SELF in a large segment). */
const FAR_SOURCE_ADDRESS = 4;
const NEAR_SIZE = 4;

/**
 * Create the estimator for one encoder.
 *
 * @example
 * ```ts
 * const cost = createCopyCost();
 * cost.copy(true, 100, 180, 5, 2); // 1: the ADD+COPY opcode is shared, distance 80 takes 1 byte
 * ```
 */
export function createCopyCost(): CopyCost {
  const near = new Float64Array(NEAR_SIZE);
  // 1: a target offset, 0: a source position, -1: empty.
  const kind = new Int8Array(NEAR_SIZE).fill(-1);
  let slot = 0;
  return {
    reset() {
      kind.fill(-1);
      slot = 0;
    },
    record(fromTarget, address) {
      near[slot] = address;
      kind[slot] = fromTarget ? 1 : 0;
      slot = (slot + 1) % NEAR_SIZE;
    },
    copy(fromTarget, address, here, length, pending) {
      let best = fromTarget ? varintLength(here - address) : FAR_SOURCE_ADDRESS;
      const want = fromTarget ? 1 : 0;
      for (let i = 0; i < NEAR_SIZE; i++) {
        if (kind[i] === want && address >= near[i]!) {
          const d = varintLength(address - near[i]!);
          if (d < best) best = d;
        }
      }
      // ADD of 1..4 bytes + COPY of 4..6 bytes share one opcode.
      const opcode =
        pending >= 1 && pending <= 4 && length >= 4 && length <= 6
          ? 0
          : 1 + (length > 18 ? varintLength(length) : 0);
      return best + opcode;
    },
    run(length) {
      return 2 + varintLength(length);
    },
  };
}

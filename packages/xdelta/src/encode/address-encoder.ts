import { addCopyOpcode } from "../vcdiff/code-table.js";
import { varintLength } from "../vcdiff/varint.js";

/**
 * The encoder's side of the VCDIFF address cache (RFC 3284 section 5.3, near 4 / same 3): the
 * same updates as the decoder's cache, but it reports every mode's encoding so the writer can
 * pick the one that costs fewest bytes once the opcode is counted (a "same" address is one
 * byte but cannot share an opcode with a preceding ADD when the COPY is 5 or 6 bytes long).
 */
export interface AddressEncoder {
  reset(): void;
  /**
   * Choose a mode for a COPY of `size` bytes from `address` at `here`, after an ADD of
   * `pendingAdd` bytes (0 for none) that waits for a partner: the fewest address bytes, then,
   * among those, a mode that lets the ADD and the COPY share an opcode. Records the address and
   * returns the mode; the value to write is `value` (a varint below mode 6, else one byte).
   */
  encode(address: number, here: number, size: number, pendingAdd: number): number;
  readonly value: number;
}

const NEAR = 4;
const SAME = 3;
const FIRST_SAME = 2 + NEAR;

/**
 * Create an encoder-side address cache for the default code table.
 *
 * @example
 * ```ts
 * const addresses = createAddressEncoder();
 * const mode = addresses.encode(1000, 5000, 20, 0); // 1 (here): addresses.value === 4000
 * ```
 */
export function createAddressEncoder(): AddressEncoder {
  const near = new Float64Array(NEAR);
  const same = new Float64Array(SAME * 256);
  const values = new Float64Array(FIRST_SAME + SAME);
  const bytes = new Int32Array(FIRST_SAME + SAME);
  let nextSlot = 0;
  let value = 0;
  return {
    get value() {
      return value;
    },
    reset() {
      near.fill(0);
      same.fill(0);
      nextSlot = 0;
    },
    encode(address, here, size, pendingAdd) {
      bytes.fill(0x7fffffff);
      values[0] = address;
      bytes[0] = varintLength(address);
      values[1] = here - address;
      bytes[1] = varintLength(here - address);
      for (let i = 0; i < NEAR; i++) {
        const d = address - near[i]!;
        if (d >= 0) {
          values[2 + i] = d;
          bytes[2 + i] = varintLength(d);
        }
      }
      const slot = address % (SAME * 256);
      if (same[slot] === address) {
        const mode = FIRST_SAME + Math.floor(slot / 256);
        values[mode] = slot % 256;
        bytes[mode] = 1;
      }
      // Whether a mode lets the waiting ADD share the COPY's opcode (or there is no ADD).
      let best = 0;
      let bestOk = pendingAdd === 0 || addCopyOpcode(pendingAdd, size, 0) >= 0;
      for (let mode = 1; mode < FIRST_SAME + SAME; mode++) {
        const b = bytes[mode]!;
        if (b === 0x7fffffff) continue;
        const ok = pendingAdd === 0 || addCopyOpcode(pendingAdd, size, mode) >= 0;
        const bestBytes = bytes[best]!;
        if (
          b < bestBytes ||
          (b === bestBytes && ok && !bestOk) ||
          (b === bestBytes && ok === bestOk && values[mode]! < values[best]!)
        ) {
          best = mode;
          bestOk = ok;
        }
      }
      value = values[best]!;
      near[nextSlot] = address;
      nextSlot = (nextSlot + 1) % NEAR;
      same[slot] = address;
      return best;
    },
  };
}

/**
 * The VCDIFF address cache (RFC 3284 section 5.1..5.3): COPY addresses are written relative to
 * recent addresses. Mode 0 is the absolute address ("self"), mode 1 is `here - address`
 * ("here"), modes 2 .. 2+near-1 are offsets from the `near` most recent addresses, and the
 * last `same` modes pick an exact earlier address by a one-byte index.
 */

export interface AddressCache {
  readonly nearSize: number;
  readonly sameSize: number;
  /** Forget every address; call at the start of each window. */
  reset(): void;
  /**
   * Turn an encoded address back into an absolute one and record it. `here` is the current
   * position in the (source segment + target window) address space. The caller checks that
   * the result is in range. Returns -1 for an undefined mode.
   */
  decode(encoded: number, mode: number, here: number): number;
  /**
   * Choose the cheapest mode for `address` at `here`, record the address, and return the mode;
   * the value to write is then in `lastEncoded` (a varint for modes below `2 + nearSize`, one
   * byte otherwise).
   */
  encode(address: number, here: number): number;
  /** The value `encode` chose to write. */
  readonly lastEncoded: number;
}

/**
 * Create an address cache with the given near and same sizes (the default table uses 4 and 3).
 *
 * @example
 * ```ts
 * const cache = createAddressCache();
 * const mode = cache.encode(1000, 5000); // e.g. 1 (here): cache.lastEncoded === 4000
 * ```
 */
export function createAddressCache(nearSize = 4, sameSize = 3): AddressCache {
  const near = new Float64Array(nearSize);
  const same = new Float64Array(sameSize * 256);
  let nextSlot = 0;
  let lastEncoded = 0;
  const update = (address: number): void => {
    if (nearSize > 0) {
      near[nextSlot] = address;
      nextSlot = (nextSlot + 1) % nearSize;
    }
    if (sameSize > 0) same[address % (sameSize * 256)] = address;
  };
  return {
    nearSize,
    sameSize,
    get lastEncoded() {
      return lastEncoded;
    },
    reset() {
      near.fill(0);
      same.fill(0);
      nextSlot = 0;
    },
    decode(encoded, mode, here) {
      let address: number;
      if (mode === 0) address = encoded;
      else if (mode === 1) address = here - encoded;
      else if (mode - 2 < nearSize) address = near[mode - 2]! + encoded;
      else {
        const m = mode - 2 - nearSize;
        if (m >= sameSize || encoded > 255) return -1;
        address = same[m * 256 + encoded]!;
      }
      update(address);
      return address;
    },
    encode(address, here) {
      let bestMode = 0;
      let best = address;
      const viaHere = here - address;
      if (viaHere < best) {
        best = viaHere;
        bestMode = 1;
      }
      for (let i = 0; i < nearSize; i++) {
        const d = address - near[i]!;
        if (d >= 0 && d < best) {
          best = d;
          bestMode = i + 2;
        }
      }
      const slot = address % (sameSize * 256);
      if (sameSize > 0 && same[slot] === address) {
        bestMode = 2 + nearSize + Math.floor(slot / 256);
        best = slot % 256;
      }
      update(address);
      lastEncoded = best;
      return bestMode;
    },
  };
}

import { createHash } from "node:crypto";
import type { Hasher } from "../ports/hasher.js";

/**
 * SHA-256 on `node:crypto` (about ten times faster than WebAssembly hashing here). Hashing is
 * computation, not I/O, so it is allowed in core.
 *
 * @example
 * ```ts
 * const h = createSha256Hasher().sha256(); h.update(bytes); h.digestHex();
 * ```
 */
export function createSha256Hasher(): Hasher {
  return {
    sha256() {
      const hash = createHash("sha256");
      return {
        update(chunk: Uint8Array) {
          hash.update(chunk);
        },
        digestHex() {
          return hash.digest("hex");
        },
      };
    },
  };
}

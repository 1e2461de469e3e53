// The SHA-256 hasher of the bench (the port's shape, on node:crypto).
import { createHash } from "node:crypto";

export function createHasher() {
  return {
    sha256() {
      const hash = createHash("sha256");
      return {
        update: (chunk) => void hash.update(chunk),
        digestHex: () => hash.digest("hex"),
      };
    },
  };
}

import { InvalidArgumentError } from "@dg/core";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Cache entries are named by SHA-256: 64 lowercase hex characters, nothing else. */
export function assertSha256Hex(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) {
    throw new InvalidArgumentError(
      `Not a SHA-256 (64 lowercase hex characters): ${JSON.stringify(sha256.slice(0, 80))}`,
    );
  }
}

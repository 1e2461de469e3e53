/** An incremental SHA-256. */
export interface Hash {
  update(chunk: Uint8Array): void;
  /** 64 lowercase hex characters. */
  digestHex(): string;
}

export interface Hasher {
  sha256(): Hash;
}

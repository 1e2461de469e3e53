import { createCipheriv, createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import type { ByteStream } from "@dg/core";
import { InvalidArgumentError, throwIfAborted, UnsupportedError } from "@dg/core";
import type { CacheKey, FileKeys } from "./cache-key.js";
import {
  chunkAad,
  chunkNonce,
  encodeHeader,
  encryptedFileSize,
  HEADER_SIZE,
  MAX_CHUNK_SIZE,
  MAX_CHUNKS,
  newEntryRandomness,
  TAG_SIZE,
} from "./entry-format.js";
import type { EntryHeader } from "./entry-format.js";
import { writeFully } from "@dg/node";

export interface WriteEntryOptions {
  readonly key: CacheKey;
  /** The SHA-256 the body claims to have; bound into every chunk. */
  readonly sha256: string;
  readonly chunkSize: number;
  /** For error messages. */
  readonly path: string;
  readonly signal?: AbortSignal;
}

export interface WrittenEntry {
  readonly header: EntryHeader;
  readonly fileKeys: FileKeys;
  /** SHA-256 of what the body actually held; the caller compares it with the claimed one. */
  readonly actualSha256: string;
  readonly fileSize: number;
}

/** Ciphertext is gathered up to this size before each write call. */
const WRITE_BATCH = 1024 * 1024;

/**
 * Encrypts `body` into an empty, writable file handle, chunk by chunk, hashing the plaintext
 * on the way. Only one plaintext chunk is held in memory; nothing unencrypted reaches the file.
 * The header goes in last, once the size is known.
 */
export async function writeEncryptedEntry(
  handle: FileHandle,
  body: ByteStream,
  options: WriteEntryOptions,
): Promise<WrittenEntry> {
  const { chunkSize, key, sha256, signal } = options;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new InvalidArgumentError(
      `Cache chunk size must be between 1 and ${MAX_CHUNK_SIZE} bytes`,
    );
  }
  const { salt, noncePrefix } = newEntryRandomness();
  const fileKeys = key.fileKeys(salt);
  const hash = createHash("sha256");
  const plain = Buffer.alloc(chunkSize);
  let plainLength = 0;
  let chunkIndex = 0;
  let size = 0;
  const batch = Buffer.allocUnsafe(Math.max(WRITE_BATCH, chunkSize + TAG_SIZE));
  let batchLength = 0;
  let filePosition = HEADER_SIZE;

  const writeAt = (bytes: Buffer, length: number, position: number): Promise<void> =>
    writeFully(handle, bytes.subarray(0, length), position, {
      action: "write the cache entry",
      path: options.path,
    });

  const flush = async (): Promise<void> => {
    await writeAt(batch, batchLength, filePosition);
    filePosition += batchLength;
    batchLength = 0;
  };

  const sealChunk = async (last: boolean): Promise<void> => {
    if (chunkIndex >= MAX_CHUNKS) {
      throw new UnsupportedError("Reference too large for the cache's chunk numbering");
    }
    if (batchLength + plainLength + TAG_SIZE > batch.length) await flush();
    const cipher = createCipheriv(
      "aes-256-gcm",
      fileKeys.encryption,
      chunkNonce(noncePrefix, chunkIndex),
      {
        authTagLength: TAG_SIZE,
      },
    );
    cipher.setAAD(chunkAad({ salt, sha256 }, chunkIndex, last));
    batchLength += cipher.update(plain.subarray(0, plainLength)).copy(batch, batchLength);
    batchLength += cipher.final().copy(batch, batchLength);
    batchLength += cipher.getAuthTag().copy(batch, batchLength);
    chunkIndex += 1;
    plainLength = 0;
  };

  try {
    for await (const piece of body) {
      throwIfAborted(signal);
      hash.update(piece);
      size += piece.length;
      let offset = 0;
      while (offset < piece.length) {
        // A full chunk is sealed only once more data arrives, so the last one is known as last.
        if (plainLength === chunkSize) await sealChunk(false);
        const take = Math.min(chunkSize - plainLength, piece.length - offset);
        plain.set(piece.subarray(offset, offset + take), plainLength);
        plainLength += take;
        offset += take;
      }
    }
    throwIfAborted(signal);
    await sealChunk(true);
    await flush();
    const header: EntryHeader = {
      chunkSize,
      size,
      chunkCount: chunkIndex,
      keyId: key.keyId,
      salt,
      noncePrefix,
      sha256,
    };
    const headerBytes = encodeHeader(header, fileKeys.mac);
    await writeAt(headerBytes, HEADER_SIZE, 0);
    return {
      header,
      fileKeys,
      actualSha256: hash.digest("hex"),
      fileSize: encryptedFileSize(header),
    };
  } finally {
    plain.fill(0);
  }
}

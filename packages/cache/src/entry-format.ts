import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { KEY_ID_LENGTH } from "./cache-key.js";

/*
 * Layout of an encrypted cache entry (all integers big-endian):
 *
 *   header (152 bytes)
 *     0   magic "DGCACHE" + format version 0x01         8
 *     8   plaintext chunk size                          u32
 *     12  flags (0)                                     u32
 *     16  plaintext size                                u64
 *     24  chunk count                                   u64
 *     32  key id (HMAC of a label under the master key) 16
 *     48  salt: random per file, derives the file keys  32
 *     80  nonce prefix: random per file                 8
 *     88  SHA-256 of the plaintext (the entry's name)   32
 *     120 HMAC-SHA256(file MAC key, bytes 0..120)       32
 *   chunks, in order: AES-256-GCM ciphertext of up to `chunk size` plaintext bytes, then its
 *   16-byte tag. Every chunk is full except the last; there is always at least one chunk (an
 *   empty entry has one empty chunk).
 *
 * Chunk i uses the nonce `nonce prefix || u32(i)` and the additional data
 * `magic || salt || SHA-256 || u64(i) || u8(last ? 1 : 0)`, so a chunk cannot be moved to
 * another position or another file, and the last chunk cannot be dropped or made to look
 * last. The file keys come from HKDF-SHA256(master key, salt), so nonces never repeat under
 * a key even across files. The header MAC lets `get` check the header without decrypting.
 */

export const MAGIC = Buffer.from([0x44, 0x47, 0x43, 0x41, 0x43, 0x48, 0x45, 0x01]); // DGCACHE\x01
export const HEADER_SIZE = 152;
export const TAG_SIZE = 16;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
/** Nonces carry the chunk index in 32 bits. */
export const MAX_CHUNKS = 2 ** 32;
/** Larger chunk sizes in a header are treated as corruption (they would mean huge buffers). */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const MAC_OFFSET = 120;
const SALT_SIZE = 32;
const NONCE_PREFIX_SIZE = 8;

export interface EntryHeader {
  readonly chunkSize: number;
  readonly size: number;
  readonly chunkCount: number;
  readonly keyId: Uint8Array;
  readonly salt: Uint8Array;
  readonly noncePrefix: Uint8Array;
  /** 64 lowercase hex characters. */
  readonly sha256: string;
}

/** A fresh salt and nonce prefix for a new entry. */
export function newEntryRandomness(): { salt: Uint8Array; noncePrefix: Uint8Array } {
  return { salt: randomBytes(SALT_SIZE), noncePrefix: randomBytes(NONCE_PREFIX_SIZE) };
}

/** Number of chunks of an entry of `size` bytes: at least one. */
export function chunkCountFor(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Bytes on disk of an entry, header included. */
export function encryptedFileSize(header: Pick<EntryHeader, "size" | "chunkCount">): number {
  return HEADER_SIZE + header.size + header.chunkCount * TAG_SIZE;
}

/** Where chunk `index` starts in the file. */
export function chunkOffset(index: number, chunkSize: number): number {
  return HEADER_SIZE + index * (chunkSize + TAG_SIZE);
}

/** The header bytes, MAC included. */
export function encodeHeader(header: EntryHeader, macKey: KeyObject): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(out, 0);
  out.writeUInt32BE(header.chunkSize, 8);
  out.writeUInt32BE(0, 12);
  out.writeBigUInt64BE(BigInt(header.size), 16);
  out.writeBigUInt64BE(BigInt(header.chunkCount), 24);
  Buffer.from(header.keyId).copy(out, 32);
  Buffer.from(header.salt).copy(out, 48);
  Buffer.from(header.noncePrefix).copy(out, 80);
  Buffer.from(header.sha256, "hex").copy(out, 88);
  headerMac(out, macKey).copy(out, MAC_OFFSET);
  return out;
}

/** Why a header could not be used. */
export type HeaderProblem = "not-a-cache-entry" | "other-key" | "corrupt";

export type ParsedHeader =
  | { readonly ok: true; readonly header: EntryHeader }
  | { readonly ok: false; readonly problem: HeaderProblem };

/**
 * Reads the fields of a header without checking its MAC (which needs the file keys, which need
 * the salt). Checks the magic, the field ranges and the key id.
 */
export function parseHeader(bytes: Uint8Array, expectedKeyId: Uint8Array): ParsedHeader {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buffer.length < HEADER_SIZE || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { ok: false, problem: "not-a-cache-entry" };
  }
  const keyId = buffer.subarray(32, 32 + KEY_ID_LENGTH);
  if (!keyId.equals(Buffer.from(expectedKeyId))) return { ok: false, problem: "other-key" };
  const chunkSize = buffer.readUInt32BE(8);
  const flags = buffer.readUInt32BE(12);
  const size = buffer.readBigUInt64BE(16);
  const chunkCount = buffer.readBigUInt64BE(24);
  if (
    chunkSize === 0 ||
    chunkSize > MAX_CHUNK_SIZE ||
    flags !== 0 ||
    size > BigInt(Number.MAX_SAFE_INTEGER) ||
    chunkCount !== BigInt(chunkCountFor(Number(size), chunkSize))
  ) {
    return { ok: false, problem: "corrupt" };
  }
  return {
    ok: true,
    header: {
      chunkSize,
      size: Number(size),
      chunkCount: Number(chunkCount),
      keyId: Buffer.from(keyId),
      salt: Buffer.from(buffer.subarray(48, 80)),
      noncePrefix: Buffer.from(buffer.subarray(80, 88)),
      sha256: buffer.subarray(88, 120).toString("hex"),
    },
  };
}

/** True when the header's MAC is right under `macKey`. */
export function headerMacMatches(bytes: Uint8Array, macKey: KeyObject): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return timingSafeEqual(headerMac(buffer, macKey), buffer.subarray(MAC_OFFSET, HEADER_SIZE));
}

function headerMac(header: Buffer, macKey: KeyObject): Buffer {
  return createHmac("sha256", macKey).update(header.subarray(0, MAC_OFFSET)).digest();
}

/** The GCM nonce of chunk `index`. */
export function chunkNonce(noncePrefix: Uint8Array, index: number): Buffer {
  const nonce = Buffer.alloc(12);
  Buffer.from(noncePrefix).copy(nonce, 0);
  nonce.writeUInt32BE(index, 8);
  return nonce;
}

/** The GCM additional data of chunk `index`. */
export function chunkAad(
  header: Pick<EntryHeader, "salt" | "sha256">,
  index: number,
  last: boolean,
): Buffer {
  const aad = Buffer.alloc(MAGIC.length + SALT_SIZE + 32 + 9);
  MAGIC.copy(aad, 0);
  Buffer.from(header.salt).copy(aad, 8);
  Buffer.from(header.sha256, "hex").copy(aad, 40);
  aad.writeBigUInt64BE(BigInt(index), 72);
  aad.writeUInt8(last ? 1 : 0, 80);
  return aad;
}

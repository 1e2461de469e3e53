import { createHmac, createSecretKey, hkdfSync, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { InvalidArgumentError } from "@dg/core";

/** Length in bytes of the key id stored in every entry's header. */
export const KEY_ID_LENGTH = 16;

/**
 * The master key of a cache, held as a `KeyObject` so that it never shows up when an object is
 * logged or inspected.
 *
 * `keyId` is HMAC-SHA256(key, a fixed label), cut to 16 bytes: it names the key without
 * revealing it, so an entry written under another key is told apart from a corrupt one.
 */
export interface CacheKey {
  readonly keyId: Uint8Array;
  /** The first 8 bytes of `keyId` in hex, used in entry file names. */
  readonly keyTag: string;
  /** True for the random per-process key: its entries are useless once the process ends. */
  readonly ephemeral: boolean;
  /** The AES-256-GCM key and the header MAC key of one entry, derived from its random salt. */
  fileKeys(salt: Uint8Array): FileKeys;
}

export interface FileKeys {
  readonly encryption: KeyObject;
  readonly mac: KeyObject;
}

const KEY_ID_LABEL = "deltaglider reference cache v1: key id";
const FILE_KEYS_INFO = "deltaglider reference cache v1: file keys";
const KEY_HINT = "Make one with: openssl rand -base64 32";

let processKey: CacheKey | undefined;

/** The random key of this process, made on first use and never written anywhere. */
export function processCacheKey(): CacheKey {
  processKey ??= cacheKeyFromBytes(randomBytes(32), true);
  return processKey;
}

/**
 * A cache key from 32 raw bytes, or from their base64 text (what `openssl rand -base64 32`
 * prints). Anything else is an `InvalidArgumentError` whose message never repeats the input.
 */
export function parseCacheKey(input: string | Uint8Array, source: string): CacheKey {
  if (typeof input !== "string") {
    if (input.length !== 32) {
      throw new InvalidArgumentError(`${source} must be 32 bytes, got ${input.length}`, {
        hint: KEY_HINT,
      });
    }
    return cacheKeyFromBytes(input, false);
  }
  const text = input.trim();
  // Buffer.from(…, "base64") skips characters it does not know, so check the text first.
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    throw new InvalidArgumentError(`${source} is not the base64 text of a 32-byte key`, {
      hint: KEY_HINT,
    });
  }
  const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== 32) {
    throw new InvalidArgumentError(`${source} is not the base64 text of a 32-byte key`, {
      hint: KEY_HINT,
    });
  }
  return cacheKeyFromBytes(bytes, false);
}

function cacheKeyFromBytes(bytes: Uint8Array, ephemeral: boolean): CacheKey {
  const master = createSecretKey(Buffer.from(bytes));
  const keyId = createHmac("sha256", master)
    .update(KEY_ID_LABEL)
    .digest()
    .subarray(0, KEY_ID_LENGTH);
  return {
    keyId,
    keyTag: keyId.subarray(0, 8).toString("hex"),
    ephemeral,
    fileKeys(salt: Uint8Array): FileKeys {
      const okm = Buffer.from(hkdfSync("sha256", master, salt, FILE_KEYS_INFO, 64));
      const keys = {
        encryption: createSecretKey(okm.subarray(0, 32)),
        mac: createSecretKey(okm.subarray(32, 64)),
      };
      okm.fill(0);
      return keys;
    },
  };
}

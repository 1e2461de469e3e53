import { hasCode } from "@dg/core";
import { describe, expect, it } from "vitest";
import { seededBytes } from "../test/helpers.js";
import { parseCacheKey, processCacheKey } from "./cache-key.js";

function failure(input: string | Uint8Array): unknown {
  try {
    parseCacheKey(input, "DG_CACHE_ENCRYPTION_KEY");
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("parseCacheKey", () => {
  const raw = seededBytes(1, 32);

  it("accepts what `openssl rand -base64 32` prints, with or without padding, and base64url", () => {
    const padded = raw.toString("base64");
    const keyId = parseCacheKey(raw, "k").keyId;
    expect(parseCacheKey(`${padded}\n`, "k").keyId).toEqual(keyId);
    expect(parseCacheKey(padded.replace(/=$/, ""), "k").keyId).toEqual(keyId);
    expect(parseCacheKey(raw.toString("base64url"), "k").keyId).toEqual(keyId);
  });

  it("names keys apart without revealing them", () => {
    const a = parseCacheKey(raw, "k");
    const b = parseCacheKey(seededBytes(2, 32), "k");
    expect(Buffer.from(a.keyId).equals(Buffer.from(b.keyId))).toBe(false);
    expect(a.keyTag).toMatch(/^[0-9a-f]{16}$/);
    expect(Buffer.from(a.keyId).includes(raw.subarray(0, 8))).toBe(false);
    expect(JSON.stringify(a)).not.toContain(raw.toString("base64"));
  });

  it.each([
    ["16 bytes", seededBytes(3, 16).toString("base64")],
    ["48 bytes", seededBytes(4, 48).toString("base64")],
    ["not base64", `${"!".repeat(43)}=`],
    ["a passphrase", "correct horse battery staple"],
    ["hex", seededBytes(5, 32).toString("hex")],
  ])("rejects %s with a hint and without repeating the value", (_what, value) => {
    const error = failure(value);
    expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
    const { message, hint } = error as { message: string; hint: string };
    expect(hint).toContain("openssl rand -base64 32");
    expect(message).toContain("DG_CACHE_ENCRYPTION_KEY");
    expect(message).not.toContain(value);
    expect(message).not.toContain(value.slice(0, 12));
  });

  it("rejects raw keys that are not 32 bytes", () => {
    expect(hasCode(failure(new Uint8Array(31)), "INVALID_ARGUMENT")).toBe(true);
  });

  it("makes one random key per process", () => {
    expect(processCacheKey()).toBe(processCacheKey());
    expect(processCacheKey().ephemeral).toBe(true);
    expect(parseCacheKey(raw, "k").ephemeral).toBe(false);
  });
});

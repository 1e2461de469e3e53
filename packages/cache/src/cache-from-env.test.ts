import { homedir } from "node:os";
import { join } from "node:path";
import { hasCode } from "@dg/core";
import { describe, expect, it } from "vitest";
import { cacheBackendFrom, createCacheFromEnv } from "./cache-from-env.js";
import { createFsReferenceCache } from "./fs-cache.js";

describe("createCacheFromEnv", () => {
  it("picks the filesystem cache by default and the memory cache on request", () => {
    expect(cacheBackendFrom({})).toBe("filesystem");
    expect(cacheBackendFrom({ DG_CACHE_BACKEND: "" })).toBe("filesystem");
    expect(cacheBackendFrom({ DG_CACHE_BACKEND: "Memory" })).toBe("memory");
    const fs = createCacheFromEnv({ DG_CACHE_DIR: "/var/tmp/dg", DG_CACHE_MAX_SIZE_MB: "5" });
    expect(fs).toMatchObject({ directory: "/var/tmp/dg", maxSizeBytes: 5 * 1024 * 1024 });
    const memory = createCacheFromEnv({ DG_CACHE_BACKEND: "memory", DG_CACHE_MEMORY_SIZE_MB: "2" });
    expect(memory).toMatchObject({ maxSizeBytes: 2 * 1024 * 1024, usedBytes: 0 });
  });

  it("refuses a backend it does not know", () => {
    let error: unknown;
    try {
      createCacheFromEnv({ DG_CACHE_BACKEND: "redis" });
    } catch (e) {
      error = e;
    }
    expect(hasCode(error, "INVALID_ARGUMENT")).toBe(true);
  });

  it("refuses a bad encryption key or size before anything is written", () => {
    expect(() => createCacheFromEnv({ DG_CACHE_ENCRYPTION_KEY: "secret" })).toThrow(
      /DG_CACHE_ENCRYPTION_KEY/,
    );
    expect(() => createCacheFromEnv({ DG_CACHE_MAX_SIZE_MB: "-1" })).toThrow(
      /DG_CACHE_MAX_SIZE_MB/,
    );
  });
});

describe("createFsReferenceCache folder and bound", () => {
  it("uses DG_CACHE_DIR, else $XDG_CACHE_HOME/deltaglider, else ~/.cache/deltaglider", () => {
    expect(createFsReferenceCache({ env: {} }).directory).toBe(
      join(homedir(), ".cache", "deltaglider"),
    );
    expect(createFsReferenceCache({ env: { XDG_CACHE_HOME: "/x/cache" } }).directory).toBe(
      join("/x/cache", "deltaglider"),
    );
    expect(createFsReferenceCache({ env: { XDG_CACHE_HOME: "relative" } }).directory).toBe(
      join(homedir(), ".cache", "deltaglider"),
    );
    expect(
      createFsReferenceCache({ env: { XDG_CACHE_HOME: "/x/cache", DG_CACHE_DIR: "/y" } }).directory,
    ).toBe("/y");
    expect(createFsReferenceCache({ env: { DG_CACHE_DIR: "/y" }, directory: "/z" }).directory).toBe(
      "/z",
    );
  });

  it("is bounded to 2048 MiB unless DG_CACHE_MAX_SIZE_MB or the option says otherwise", () => {
    expect(createFsReferenceCache({ env: {} }).maxSizeBytes).toBe(2048 * 1024 * 1024);
    expect(createFsReferenceCache({ env: { DG_CACHE_MAX_SIZE_MB: "0.5" } }).maxSizeBytes).toBe(
      512 * 1024,
    );
    expect(
      createFsReferenceCache({ env: { DG_CACHE_MAX_SIZE_MB: "1" }, maxSizeBytes: 10 }).maxSizeBytes,
    ).toBe(10);
  });
});

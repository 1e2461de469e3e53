import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimpleMemoryReferenceCache } from "@dg/core/memory";
import { resolveConfig } from "./config.js";
import { hasCode } from "./index.js";
import { parseIniSection } from "./shared-config.js";

let dir: string;
let configFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-sdk-config-"));
  configFile = join(dir, "config");
  await writeFile(
    configFile,
    [
      "[default]",
      "region = eu-west-3",
      "[profile ci]",
      "region = ap-south-1",
      "endpoint_url = http://127.0.0.1:9000",
      "s3 =",
      "  addressing_style = path",
      "[profile other]",
      "region = us-west-2",
    ].join("\n"),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("resolveConfig", () => {
  it("prefers options over DG_* over AWS_* over the shared config", () => {
    const env = {
      AWS_CONFIG_FILE: configFile,
      DG_ENDPOINT_URL: "http://dg.test:1",
      AWS_ENDPOINT_URL_S3: "http://s3.test:2",
      AWS_ENDPOINT_URL: "http://aws.test:3",
      AWS_REGION: "eu-central-1",
    };
    expect(resolveConfig(env, { endpoint: "https://opt.test" }).location).toEqual({
      kind: "s3",
      endpoint: "https://opt.test",
    });
    expect(resolveConfig(env, {}).location.endpoint).toBe("http://dg.test:1");
    expect(resolveConfig({ ...env, DG_ENDPOINT_URL: "" }, {}).location.endpoint).toBe(
      "http://s3.test:2",
    );
    expect(resolveConfig({ AWS_ENDPOINT_URL: "http://aws.test:3" }, {}).location.endpoint).toBe(
      "http://aws.test:3",
    );
    expect(resolveConfig(env, { region: "sa-east-1" }).region).toBe("sa-east-1");
    expect(resolveConfig(env, {}).region).toBe("eu-central-1");
    expect(resolveConfig({ AWS_DEFAULT_REGION: "ca-central-1" }, {}).region).toBe("ca-central-1");
  });

  it("reads region and endpoint of the profile from the shared config file", () => {
    const base = { AWS_CONFIG_FILE: configFile };
    expect(resolveConfig(base, {})).toMatchObject({
      region: "eu-west-3",
      location: { kind: "s3" },
    });
    expect(resolveConfig({ ...base, AWS_PROFILE: "ci" }, {})).toMatchObject({
      region: "ap-south-1",
      profile: "ci",
      location: { endpoint: "http://127.0.0.1:9000" },
      forcePathStyle: true,
    });
    expect(resolveConfig(base, { profile: "other" }).region).toBe("us-west-2");
    expect(resolveConfig({ AWS_CONFIG_FILE: join(dir, "missing") }, {}).region).toBeUndefined();
  });

  it("turns file:// endpoints into the local-directory store", () => {
    const config = resolveConfig({ DG_ENDPOINT_URL: "file:///srv/dg%20data" }, {});
    expect(config.location).toEqual({
      kind: "dir",
      endpoint: "file:///srv/dg%20data",
      root: "/srv/dg data",
    });
    expect(
      hasCode(
        thrown(() => resolveConfig({}, { endpoint: "ftp://x" })),
        "INVALID_ARGUMENT",
      ),
    ).toBe(true);
    expect(
      hasCode(
        thrown(() => resolveConfig({}, { endpoint: "not a url" })),
        "INVALID_ARGUMENT",
      ),
    ).toBe(true);
  });

  it("reads the deltaglider settings from DG_* variables, checking them", () => {
    const config = resolveConfig(
      {
        DG_MAX_RATIO: "0.25",
        DG_DELTA_ENGINE: "XDELTA3",
        DG_DELTA_SECONDARY: "None",
        DG_METADATA_CONCURRENCY: "4",
        DG_LOG_LEVEL: "warning",
        DG_CHECKSUM_MODE: "when_required",
        DG_FORCE_PATH_STYLE: "false",
        AWS_MAX_ATTEMPTS: "7",
        AWS_ACCESS_KEY_ID: "id",
        AWS_SECRET_ACCESS_KEY: "secret",
        AWS_SESSION_TOKEN: "token",
      },
      {},
    );
    expect(config).toMatchObject({
      maxRatio: 0.25,
      deltaEngine: "xdelta3",
      deltaSecondary: "none",
      metadataConcurrency: 4,
      logLevel: "warn",
      checksumMode: "WHEN_REQUIRED",
      forcePathStyle: false,
      maxAttempts: 7,
      credentials: { accessKeyId: "id", secretAccessKey: "secret", sessionToken: "token" },
    });
    expect(resolveConfig({ DG_MAX_RATIO: "0.25" }, { maxRatio: 0.9 }).maxRatio).toBe(0.9);
    expect(resolveConfig({ DG_DELTA_SECONDARY: "none" }, { deltaSecondary: "lzma" })).toMatchObject(
      { deltaSecondary: "lzma" },
    );
    expect(
      resolveConfig({ DG_NEW_REFERENCE_RATIO: "0.3", DG_MAX_REFERENCES: "4" }, {}),
    ).toMatchObject({ newReferenceRatio: 0.3, maxReferences: 4 });
    expect(
      resolveConfig(
        { DG_NEW_REFERENCE_RATIO: "0.3" },
        { newReferenceRatio: 0.1, maxReferences: 1 },
      ),
    ).toMatchObject({ newReferenceRatio: 0.1, maxReferences: 1 });
    expect(resolveConfig({}, {})).toMatchObject({
      maxRatio: 0.5,
      newReferenceRatio: 0.35,
      maxReferences: 16,
      deltaEngine: "builtin",
      deltaSecondary: "lzma",
      metadataConcurrency: 64,
      logLevel: "warn",
      forcePathStyle: false,
      credentials: undefined,
    });
    for (const env of [
      { DG_MAX_RATIO: "abc" },
      { DG_MAX_RATIO: "1.5" },
      { DG_NEW_REFERENCE_RATIO: "2" },
      { DG_NEW_REFERENCE_RATIO: "a fifth" },
      { DG_MAX_REFERENCES: "0" },
      { DG_DELTA_ENGINE: "bsdiff" },
      { DG_DELTA_SECONDARY: "djw" },
      { DG_METADATA_CONCURRENCY: "0" },
      { DG_LOG_LEVEL: "loud" },
      { DG_CHECKSUM_MODE: "sometimes" },
      { DG_FORCE_PATH_STYLE: "maybe" },
    ]) {
      expect(
        hasCode(
          thrown(() => resolveConfig(env, {})),
          "INVALID_ARGUMENT",
        ),
        JSON.stringify(env),
      ).toBe(true);
    }
  });

  it("writes dgd deltas unless compat, the xdelta3 engine or DG_DELTA_FORMAT says VCDIFF", () => {
    expect(resolveConfig({}).deltaFormat).toBe("dgd");
    expect(resolveConfig({ DG_DELTA_FORMAT: "VCDIFF" }).deltaFormat).toBe("vcdiff");
    expect(resolveConfig({ DG_DELTA_FORMAT: "vcdiff" }, { deltaFormat: "dgd" }).deltaFormat).toBe(
      "dgd",
    );
    expect(resolveConfig({ DG_COMPAT: "python" }).deltaFormat).toBe("vcdiff");
    expect(resolveConfig({}, { compat: true, deltaFormat: "vcdiff" }).deltaFormat).toBe("vcdiff");
    expect(resolveConfig({ DG_DELTA_ENGINE: "xdelta3" }).deltaFormat).toBe("vcdiff");
    expect(resolveConfig({}, { deltaEngine: "xdelta3", deltaFormat: "dgd" }).deltaFormat).toBe(
      "dgd",
    );
    for (const [env, options] of [
      [{ DG_DELTA_FORMAT: "bsdiff" }, {}],
      [{ DG_COMPAT: "python", DG_DELTA_FORMAT: "dgd" }, {}],
      [{}, { compat: true, deltaFormat: "dgd" }],
    ] as const) {
      const error = thrown(() => resolveConfig(env, options));
      expect(hasCode(error, "INVALID_ARGUMENT"), JSON.stringify([env, options])).toBe(true);
    }
  });

  it("resolves the connect and read timeouts as the AWS CLI has them: 60 s, seconds in DG_*", () => {
    expect(resolveConfig({})).toMatchObject({
      connectTimeoutMs: 60_000,
      readTimeoutMs: 60_000,
    });
    expect(resolveConfig({ DG_CONNECT_TIMEOUT: "5", DG_READ_TIMEOUT: "0.5" })).toMatchObject({
      connectTimeoutMs: 5_000,
      readTimeoutMs: 500,
    });
    expect(
      resolveConfig({ DG_READ_TIMEOUT: "9" }, { connectTimeoutMs: 0, readTimeoutMs: 250 }),
    ).toMatchObject({ connectTimeoutMs: 0, readTimeoutMs: 250 });
    for (const [options, env] of [
      [{}, { DG_READ_TIMEOUT: "soon" }],
      [{}, { DG_CONNECT_TIMEOUT: "-1" }],
      [{ readTimeoutMs: -5 }, {}],
      [{ connectTimeoutMs: 1.5 }, {}],
    ] as const) {
      expect(
        hasCode(
          thrown(() => resolveConfig(env, options)),
          "INVALID_ARGUMENT",
        ),
      ).toBe(true);
    }
  });
});

describe("resolveConfig: concurrency", () => {
  it("takes metadata concurrency from its option (or the former name) or DG_METADATA_CONCURRENCY", () => {
    expect(resolveConfig({ DG_METADATA_CONCURRENCY: "8" }).metadataConcurrency).toBe(8);
    expect(
      resolveConfig({ DG_METADATA_CONCURRENCY: "8" }, { metadataConcurrency: 3 }),
    ).toMatchObject({ metadataConcurrency: 3 });
    expect(resolveConfig({}, { concurrency: 5 }).metadataConcurrency).toBe(5);
  });

  it("leaves DG_CONCURRENCY to the CLI, where it means files in flight", () => {
    expect(resolveConfig({ DG_CONCURRENCY: "2" }).metadataConcurrency).toBe(64);
    expect(resolveConfig({ DG_CONCURRENCY: "not a number" }).metadataConcurrency).toBe(64);
  });
});

describe("resolveConfig: the reference cache", () => {
  it("picks the filesystem cache by default and the memory cache on request", () => {
    expect(resolveConfig({}).cache.backend).toBe("filesystem");
    expect(resolveConfig({ DG_CACHE_BACKEND: "" }).cache.backend).toBe("filesystem");
    expect(resolveConfig({ DG_CACHE_BACKEND: "Memory" }).cache.backend).toBe("memory");
    expect(resolveConfig({ DG_CACHE_BACKEND: "redis" }, { cacheBackend: "memory" }).cache).toEqual({
      backend: "memory",
      directory: undefined,
      maxSizeBytes: undefined,
      memoryMaxSizeBytes: undefined,
      encryptionKey: undefined,
    });
    expect(
      resolveConfig({ DG_CACHE_BACKEND: "memory", DG_CACHE_MEMORY_SIZE_MB: "2" }).cache,
    ).toMatchObject({ memoryMaxSizeBytes: 2 * 1024 * 1024 });
  });

  it("uses DG_CACHE_DIR, else $XDG_CACHE_HOME/deltaglider, else the cache's default", () => {
    expect(resolveConfig({}).cache.directory).toBeUndefined();
    expect(resolveConfig({ XDG_CACHE_HOME: "/x/cache" }).cache.directory).toBe(
      join("/x/cache", "deltaglider"),
    );
    expect(resolveConfig({ XDG_CACHE_HOME: "relative" }).cache.directory).toBeUndefined();
    expect(resolveConfig({ XDG_CACHE_HOME: "/x/cache", DG_CACHE_DIR: "/y" }).cache.directory).toBe(
      "/y",
    );
  });

  it("reads the size bound in MiB and a shared encryption key", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    const config = resolveConfig({ DG_CACHE_MAX_SIZE_MB: "0.5", DG_CACHE_ENCRYPTION_KEY: key });
    expect(config.cache.maxSizeBytes).toBe(512 * 1024);
    expect(config.cache.encryptionKey?.ephemeral).toBe(false);
  });

  it("refuses a bad backend, key or size, naming the variable, before anything is written", () => {
    for (const [env, name] of [
      [{ DG_CACHE_BACKEND: "redis" }, /DG_CACHE_BACKEND/],
      [{ DG_CACHE_ENCRYPTION_KEY: "secret" }, /DG_CACHE_ENCRYPTION_KEY/],
      [{ DG_CACHE_MAX_SIZE_MB: "-1" }, /DG_CACHE_MAX_SIZE_MB/],
      [{ DG_CACHE_BACKEND: "memory", DG_CACHE_MEMORY_SIZE_MB: "lots" }, /DG_CACHE_MEMORY_SIZE_MB/],
    ] as const) {
      const error = thrown(() => resolveConfig(env));
      expect(hasCode(error, "INVALID_ARGUMENT"), JSON.stringify(env)).toBe(true);
      expect((error as Error).message).toMatch(name);
    }
  });

  it("reads no cache variable when a cache is injected", () => {
    const cache = createSimpleMemoryReferenceCache();
    expect(() => resolveConfig({ DG_CACHE_BACKEND: "redis" }, { cache })).not.toThrow();
  });
});

describe("parseIniSection", () => {
  it("reads the first matching section's top-level keys", () => {
    const text = "x=1\n[a]\nk = v\n[ b ]\nk=w\n  nested = no\nz = 2\n[a]\nk = later";
    expect([...parseIniSection(text, ["b"])]).toEqual([
      ["k", "w"],
      ["z", "2"],
    ]);
    expect(parseIniSection(text, ["a"]).get("k")).toBe("v");
    expect(parseIniSection(text, ["c"]).size).toBe(0);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimpleMemoryReferenceCache } from "@dg/core/memory";
import { referenceCacheContract } from "@dg/testkit";
import { createFsReferenceCache } from "./fs-cache.js";
import { createMemoryReferenceCache } from "./memory-cache.js";

const SHARED_KEY = Buffer.alloc(32, 7).toString("base64");

referenceCacheContract("encrypted filesystem cache (process key)", async () => {
  const directory = await mkdtemp(join(tmpdir(), "dg-cache-contract-"));
  return {
    cache: createFsReferenceCache({ directory }),
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
});

referenceCacheContract("encrypted filesystem cache (shared key, 1000-byte chunks)", async () => {
  const directory = await mkdtemp(join(tmpdir(), "dg-cache-contract-"));
  return {
    cache: createFsReferenceCache({
      directory,
      encryptionKey: SHARED_KEY,
      chunkSize: 1000,
    }),
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
});

referenceCacheContract("bounded memory cache", () => createMemoryReferenceCache({}));

referenceCacheContract("@dg/core/memory simple cache", () => createSimpleMemoryReferenceCache());

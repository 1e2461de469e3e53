import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObjectStore } from "@dg/core";
import { createDirObjectStore } from "@dg/s3";
import { afterAll, beforeAll, describe } from "vitest";
import { countingHeads, objectIndexSuite } from "../test/object-index.suite.js";
import { createClient, type DeltaGliderClient } from "./index.js";

let root: string;
let store: ObjectStore;
const clients: DeltaGliderClient[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "dg-sdk-index-"));
  store = createDirObjectStore({ root });
  await store.createBucket("facts");
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await rm(root, { recursive: true, force: true });
});

describe("the object-facts index on a file:// store", () => {
  objectIndexSuite(() => ({
    bucket: "facts",
    store,
    client() {
      const counted = countingHeads(store);
      const client = createClient({
        env: {},
        store: counted.store,
        cacheBackend: "memory",
        logger: { log() {} },
      });
      clients.push(client);
      return { client, heads: counted.heads };
    },
  }));
});

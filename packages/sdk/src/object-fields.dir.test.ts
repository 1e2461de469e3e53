import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createDirObjectStore } from "@dg/s3/dir";
import { objectFieldsSuite } from "../test/object-fields.suite.js";
import { createClient } from "./index.js";

objectFieldsSuite("file:// directory store, real codec", async () => {
  const root = await mkdtemp(join(tmpdir(), "dg-sdk-fields-dir-"));
  const client = createClient({
    env: { DG_ENDPOINT_URL: pathToFileURL(root).href, DG_CACHE_BACKEND: "memory" },
    logger: { log() {} },
  });
  await client.createBucket({ Bucket: "fields" });
  return {
    client,
    store: createDirObjectStore({ root }),
    bucket: "fields",
    async cleanup() {
      client.destroy();
      await rm(root, { recursive: true, force: true });
    },
  };
});

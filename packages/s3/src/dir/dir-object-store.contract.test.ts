import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { objectStoreContract } from "@dg/testkit";
import { createDirObjectStore } from "./dir-object-store.js";

objectStoreContract("dir", async () => {
  const root = await mkdtemp(join(tmpdir(), "dg-dir-contract-"));
  const store = createDirObjectStore({ root });
  await store.createBucket("contract");
  return { store, bucket: "contract", cleanup: () => rm(root, { recursive: true, force: true }) };
});

import { createMemoryObjectStore } from "@dg/core/memory";
import { objectStoreContract } from "./object-store.contract.js";

let counter = 0;
objectStoreContract("memory", async () => {
  counter += 1;
  const bucket = `contract-${counter}`;
  return { store: createMemoryObjectStore({ buckets: [bucket] }), bucket };
});

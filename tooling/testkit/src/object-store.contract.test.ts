import { ConflictError, type ObjectStore } from "@dg/core";
import { createMemoryObjectStore } from "@dg/core/memory";
import { objectStoreContract } from "./object-store.contract.js";

let counter = 0;
objectStoreContract("memory", async () => {
  counter += 1;
  const bucket = `contract-${counter}`;
  return { store: createMemoryObjectStore({ buckets: [bucket] }), bucket };
});

/**
 * A store that decides create-only writes as moto does: it looks for the key, lets other
 * requests run, then stores unconditionally. Two racing create-only writes both succeed.
 */
function checkThenStore(inner: ObjectStore): ObjectStore {
  return {
    ...inner,
    async putObject(bucket, key, body, options = {}) {
      if (!options.ifNoneMatch) return inner.putObject(bucket, key, body, options);
      if (await inner.headObject(bucket, key)) {
        throw new ConflictError(`Object exists (test): ${key}`);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      const { ifNoneMatch: _, ...unconditional } = options;
      return inner.putObject(bucket, key, body, unconditional);
    },
  };
}

objectStoreContract(
  "memory, create-only decided by check-then-store",
  async () => {
    counter += 1;
    const bucket = `contract-${counter}`;
    return { store: checkThenStore(createMemoryObjectStore({ buckets: [bucket] })), bucket };
  },
  { atomicCreateOnly: false },
);

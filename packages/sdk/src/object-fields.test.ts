import { memoryClient } from "../test/memory-client.js";
import { objectFieldsSuite } from "../test/object-fields.suite.js";

objectFieldsSuite("memory", async () => {
  const { client, store } = memoryClient();
  return { client, store, bucket: "bkt" };
});

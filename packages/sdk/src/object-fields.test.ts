import { memoryClient } from "../test/memory-client.js";
import { objectFieldsSuite } from "../test/object-fields.suite.js";

objectFieldsSuite("memory", async () => ({ client: memoryClient().client, bucket: "bkt" }));

import { objectStoreContract } from "@dg/testkit";
import { inject } from "vitest";
import { createS3ObjectStore } from "./s3-object-store.js";

let counter = 0;

objectStoreContract(
  "s3 on moto",
  async () => {
    counter += 1;
    const store = createS3ObjectStore({
      endpoint: inject("s3Endpoint"),
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const bucket = `contract-${process.pid}-${counter}`;
    await store.createBucket(bucket);
    return { store, bucket };
  },
  // moto 5.2 checks If-None-Match and then stores without a lock (responses.py put_object), so
  // two racing create-only writes can both succeed under load; AWS S3 decides them atomically.
  { atomicCreateOnly: false },
);

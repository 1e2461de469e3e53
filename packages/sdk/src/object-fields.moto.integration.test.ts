import { motoClient, motoStore, uniqueBucket } from "../test/moto-client.js";
import { objectFieldsSuite } from "../test/object-fields.suite.js";

objectFieldsSuite("S3 on moto", async () => {
  const client = motoClient();
  const raw = motoStore();
  const bucket = uniqueBucket("fields");
  await client.createBucket({ Bucket: bucket });
  return {
    client,
    store: raw.store,
    bucket,
    async cleanup() {
      client.destroy();
      raw.destroy();
    },
  };
});

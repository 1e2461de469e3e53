// List a prefix with original names and sizes, page by page, then print bucket statistics.
//   DG_ENDPOINT_URL=file:///tmp/dg node --import tsx examples/list.ts releases app/
import { createClient, paginateListObjectsV2 } from "@dg/sdk";

const [bucket = "releases", prefix = ""] = process.argv.slice(2);
const client = createClient();
try {
  for await (const page of paginateListObjectsV2(client, {
    Bucket: bucket,
    Prefix: prefix,
    Delimiter: "/",
  })) {
    for (const folder of page.CommonPrefixes) console.log(`PRE ${folder.Prefix}`);
    for (const object of page.Contents) {
      const stored = object.DeltaGliderInfo.IsDelta ? " (delta)" : "";
      console.log(`${object.LastModified.toISOString()} ${object.Size} ${object.Key}${stored}`);
    }
  }
  const stats = await client.getBucketStats(bucket, { mode: "sampled", prefix });
  console.log(
    `${stats.objectCount} objects, ${stats.originalBytes} bytes stored in ${stats.storedBytes} (${stats.savingsPercent.toFixed(1)}% saved)`,
  );
} finally {
  client.destroy();
}

// Upload two versions of a release, read one back, and download the other to a file.
//   DG_ENDPOINT_URL=http://127.0.0.1:9000 node --import tsx examples/upload-download.ts v1.zip v2.zip
import { createClient, hasCode } from "@dg/sdk";

const [first, second] = process.argv.slice(2);
if (first === undefined || second === undefined) {
  console.error("usage: upload-download.ts FIRST.zip SECOND.zip");
  process.exit(2);
}

const client = createClient();
try {
  await client.createBucket({ Bucket: "releases" }).catch((error: unknown) => {
    if (!hasCode(error, "CONFLICT")) throw error; // it already exists
  });
  for (const file of [first, second]) {
    const result = await client.uploadFile(file, "s3://releases/app/");
    console.log(
      `${result.key}: ${result.storageType}, ${result.originalSize} → ${result.storedSize} bytes (${result.savingsPercent.toFixed(1)}% saved)`,
    );
  }
  const { Body, ContentLength, Metadata } = await client.getObject({
    Bucket: "releases",
    Key: `app/${first.split("/").at(-1)}`,
  });
  const bytes = await Body.transformToByteArray(); // SHA-256 checked before this resolves
  console.log(`read ${bytes.length} of ${ContentLength} bytes`, Metadata);
  const saved = await client.downloadFile(`s3://releases/app/${second.split("/").at(-1)}`, "out/");
  console.log(`downloaded to ${saved.path} (verified: ${saved.verified})`);
} finally {
  client.destroy();
}

// One measured phase of the SDK benchmark, in its own process so that its peak RSS is its own:
//   node child.mjs sdk-upload|sdk-download|s3-put|s3-get ENDPOINT BUCKET DIR FILE...
// Prints one JSON line: { ms, maxRssKb, bytes, storedBytes? }.
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createClient } from "../dist/index.js";
import { printChildResult } from "../../../tooling/bench/bench-util.mjs";

const [mode, endpoint, bucket, dir, ...files] = process.argv.slice(2);
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
const started = performance.now();
let bytes = 0;
let storedBytes = 0;

if (mode === "sdk-upload" || mode === "sdk-download") {
  const cacheDir = mkdtempSync(join(tmpdir(), "dg-sdk-bench-cache-"));
  const client = createClient({
    endpoint,
    region: "us-east-1",
    credentials,
    env: { DG_CACHE_DIR: cacheDir },
  });
  try {
    for (const file of files) {
      if (mode === "sdk-upload") {
        const result = await client.uploadFile(file, `s3://${bucket}/releases/`);
        bytes += result.originalSize;
        storedBytes += result.storedSize;
      } else {
        const result = await client.downloadFile(
          `s3://${bucket}/releases/${basename(file)}`,
          join(dir, basename(file)),
        );
        bytes += result.size;
      }
    }
  } finally {
    client.destroy();
    rmSync(cacheDir, { recursive: true, force: true });
  }
} else {
  const s3 = new S3Client({ endpoint, region: "us-east-1", credentials, forcePathStyle: true });
  for (const file of files) {
    const key = `plain/${basename(file)}`;
    if (mode === "s3-put") {
      const size = statSync(file).size;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(file, { highWaterMark: 1 << 20 }),
          ContentLength: size,
        }),
      );
      bytes += size;
      storedBytes += size;
    } else {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await pipeline(got.Body ?? Readable.from([]), createWriteStream(join(dir, basename(file))));
      bytes += statSync(join(dir, basename(file))).size;
    }
  }
  s3.destroy();
}

printChildResult(started, bytes, storedBytes);

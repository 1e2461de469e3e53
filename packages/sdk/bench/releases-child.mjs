// One measured phase of the real-release benchmark, in its own process so that its peak RSS
// is its own:
//   node releases-child.mjs upload|download SDK_DIST ENDPOINT BUCKET DIR PREFIX=FILE...
// Uploads each FILE into s3://BUCKET/PREFIX/ (or downloads it from there into DIR) through
// the SDK at SDK_DIST (this checkout's dist, or a baseline checkout's). Prints one JSON line:
// { ms, maxRssKb, bytes, storedBytes, formats }.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { printChildResult } from "../../../tooling/bench/bench-util.mjs";

const [mode, sdkDist, endpoint, bucket, dir, ...pairs] = process.argv.slice(2);
const { createClient } = await import(pathToFileURL(join(sdkDist, "index.js")).href);
const cacheDir = mkdtempSync(join(tmpdir(), "dg-releases-bench-cache-"));
const client = createClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  env: { DG_CACHE_DIR: cacheDir },
});
const started = performance.now();
let bytes = 0;
let storedBytes = 0;
try {
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const prefix = pair.slice(0, at);
    const file = pair.slice(at + 1);
    if (mode === "upload") {
      const result = await client.uploadFile(file, `s3://${bucket}/${prefix}/`);
      bytes += result.originalSize;
      storedBytes += result.storedSize;
    } else {
      const result = await client.downloadFile(
        `s3://${bucket}/${prefix}/${basename(file)}`,
        join(dir, prefix, basename(file)),
      );
      bytes += result.size;
    }
  }
} finally {
  client.destroy();
  rmSync(cacheDir, { recursive: true, force: true });
}
printChildResult(started, bytes, storedBytes);

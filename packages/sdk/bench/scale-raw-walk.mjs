// The baseline of `pnpm bench scale`: a plain paginated walk of a bucket, printing every key
// with its size as `aws s3 ls --recursive` does (so the output costs the same), in its own
// process so that its wall time and peak RSS compare with the CLI's.
//   node scale-raw-walk.mjs s3 <endpoint> <bucket> [--refs]   ListObjectsV2 through the AWS SDK
//   node scale-raw-walk.mjs dir <root> <bucket>               the directory store's own walk
// With --refs it prints, instead, how many reference.bin keys each folder holds (as "n×m").
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { createDirObjectStore } from "@dg/s3";

const [kind, where, bucket, flag] = process.argv.slice(2);
const lines = [];
const flush = () => {
  if (lines.length > 0) process.stdout.write(`${lines.join("\n")}\n`);
  lines.length = 0;
};
const refsPerFolder = new Map();
const emit = (key, size, modified) => {
  if (flag === "--refs") {
    if (key.endsWith("/reference.bin")) {
      const folder = key.slice(0, key.lastIndexOf("/"));
      refsPerFolder.set(folder, (refsPerFolder.get(folder) ?? 0) + 1);
    }
    return;
  }
  lines.push(
    `${modified.toISOString().slice(0, 19).replace("T", " ")} ${String(size).padStart(10)} ${key}`,
  );
  if (lines.length >= 1000) flush();
};
if (kind === "s3") {
  const client = new S3Client({
    endpoint: where,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test-secret-key" },
  });
  let token;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) emit(o.Key, o.Size, o.LastModified);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  client.destroy();
} else {
  const store = createDirObjectStore({ root: where });
  let token;
  do {
    const page = await store.listObjects(
      bucket,
      token === undefined ? {} : { continuationToken: token },
    );
    for (const o of page.objects) emit(o.key, o.size, o.lastModified);
    token = page.nextContinuationToken;
  } while (token !== undefined);
}
flush();
if (flag === "--refs") {
  const counts = new Map();
  for (const n of refsPerFolder.values()) counts.set(n, (counts.get(n) ?? 0) + 1);
  process.stdout.write(
    `${[...counts].map(([n, folders]) => `${folders} folders with ${n}`).join(", ") || "none"}\n`,
  );
}

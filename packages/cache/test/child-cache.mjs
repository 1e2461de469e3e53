// Runs in a child process of the integration tests, against the built package.
// Usage: node child-cache.mjs <dist index URL> <command> <cache dir> <sha256> [file]
//   get   → prints {"hit":bool,"sha256":…,"size":…}
//   put   → stores <file> under <sha256> (key from DG_CACHE_ENCRYPTION_KEY, or the process key)
//   hold  → stores <file> under <sha256>, starts storing a body that never ends, prints
//           {"holding":pid} and waits to be killed (what a process killed mid-put leaves)
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

const [distUrl, command, dir, sha, file] = process.argv.slice(2);
const cache = await import(distUrl);

// This script is a composition root of its own: it reads the key from the environment.
const key = process.env.DG_CACHE_ENCRYPTION_KEY;
const store = cache.createFsReferenceCache({
  directory: dir,
  ...(key ? { encryptionKey: key } : {}),
});
if (command === "get") {
  const source = await store.get(sha);
  if (!source) {
    process.stdout.write(JSON.stringify({ hit: false }));
  } else {
    const hash = createHash("sha256");
    for (let at = 0; at < source.size; at += 100_000) hash.update(await source.read(at, 100_000));
    await source.close();
    process.stdout.write(
      JSON.stringify({ hit: true, sha256: hash.digest("hex"), size: source.size }),
    );
  }
} else if (command === "put") {
  const source = await store.put(sha, createReadStream(file));
  await source.close();
  process.stdout.write(JSON.stringify({ stored: true }));
} else if (command === "hold") {
  await (await store.put(sha, createReadStream(file))).close();
  async function* stalled() {
    yield new Uint8Array(200_000);
    process.stdout.write(`${JSON.stringify({ holding: process.pid })}\n`);
    await new Promise(() => setInterval(() => undefined, 1 << 30));
  }
  await store.put("0".repeat(64), stalled());
} else {
  throw new Error(`unknown command ${command}`);
}

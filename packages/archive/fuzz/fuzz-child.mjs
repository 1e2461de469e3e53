// One fuzz case, in its own process: decode DELTA against SOURCE with the codec the SDK uses
// (the archive codec around the built-in VCDIFF codec) and print one JSON line: what came out
// (its SHA-256 and size) or the error (name, code), and the peak RSS. Run by fuzz.mjs.
//   node --no-concurrent-recompilation fuzz-child.mjs SOURCE DELTA TEMPDIR
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createBuiltinCodec, openFileSource } from "@dg/xdelta";
import { createArchiveCodec } from "../dist/index.js";

const [sourcePath, deltaPath, tempDir] = process.argv.slice(2);
const codec = createArchiveCodec({ inner: createBuiltinCodec(), tempDir });
const source = await openFileSource(sourcePath);
const hash = createHash("sha256");
let size = 0;
let result;
try {
  for await (const chunk of codec.decode(source, createReadStream(deltaPath))) {
    hash.update(chunk);
    size += chunk.length;
  }
  result = { status: "ok", sha256: hash.digest("hex"), size };
} catch (error) {
  result = {
    status: "error",
    name: error?.name ?? typeof error,
    code: typeof error?.code === "string" ? error.code : undefined,
    message: String(error?.message ?? error).slice(0, 300),
  };
} finally {
  await source.close();
}
result.maxRssBytes = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify(result)}\n`);

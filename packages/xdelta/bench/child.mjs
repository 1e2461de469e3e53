// One measured operation of the built-in codec, in its own process so its peak RSS is its
// own: `node child.mjs encode|decode SOURCE INPUT OUTPUT [vcdiff|dgd]` (default vcdiff). Prints one JSON line: `ms` is the
// in-process time, from after module loading (the static imports) to the last output byte
// written; the parent measures the whole process.
import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { createBuiltinCodec, decodeDgd, encodeDgd, openFileSource } from "../dist/index.js";
// The codec loads its encoder or decoder on first use; load both here, before the clock
// starts, as the static imports above are: module loading is paid once per process.
import "../dist/decode/decode-vcdiff.js";
import "../dist/encode/encoder.js";
import "../dist/dgd/decode.js";
import "../dist/dgd/encode.js";

const [mode, sourcePath, inputPath, outputPath, format = "vcdiff"] = process.argv.slice(2);
const started = performance.now();
const codec = createBuiltinCodec();
const source = await openFileSource(sourcePath);
const input = createReadStream(inputPath, { highWaterMark: 1 << 20 });
const output = createWriteStream(outputPath);
let bytes = 0;
try {
  const stream =
    format === "dgd"
      ? mode === "encode"
        ? encodeDgd(source, input)
        : decodeDgd(source, input)
      : mode === "encode"
        ? codec.encode(source, input)
        : codec.decode(source, input);
  for await (const chunk of stream) {
    bytes += chunk.length;
    if (!output.write(chunk)) await once(output, "drain");
  }
  output.end();
  await once(output, "finish");
} finally {
  await source.close();
}
process.stdout.write(
  `${JSON.stringify({
    bytes,
    ms: performance.now() - started,
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);

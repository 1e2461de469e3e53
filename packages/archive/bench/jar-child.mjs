// One measured operation of the jar-pair benchmark, in its own process (its wall time and
// peak RSS are its own, as xdelta3's are):
//   node jar-child.mjs encode REFERENCE TARGET DELTA   archive-aware delta of TARGET
//   node jar-child.mjs decode REFERENCE DELTA OUT      rebuild it into OUT
// The target is given as a file read in place, as the SDK gives a file being uploaded.
// Prints one JSON line: { ms, maxRssKb, format, report }.
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { createReadStream } from "node:fs";
import { createXdeltaCodec, openFileSource } from "@dg/xdelta";
import { createArchiveCodec } from "../dist/index.js";

const [mode, referencePath, input, output] = process.argv.slice(2);
const started = performance.now();
let report;
const codec = createArchiveCodec({
  inner: createXdeltaCodec(),
  onEncodeReport: (r) => {
    report = r;
  },
});
const reference = await openFileSource(referencePath);
let format;
try {
  if (mode === "encode") {
    const target = await openFileSource(input);
    const replayable = {
      size: target.size,
      open: () => createReadStream(input, { highWaterMark: 1 << 20 }),
      openRandomAccess: () => openFileSource(input),
    };
    await target.close();
    const delta = codec.encode(reference, replayable, { onFormat: (f) => (format = f) });
    await pipeline(Readable.from(delta), createWriteStream(output));
  } else {
    const delta = codec.decode(reference, createReadStream(input, { highWaterMark: 1 << 20 }));
    await pipeline(Readable.from(delta), createWriteStream(output));
  }
} finally {
  await reference.close();
}
process.stdout.write(
  `${JSON.stringify({
    ms: performance.now() - started,
    maxRssKb: process.resourceUsage().maxRSS,
    format,
    report,
  })}\n`,
);

import { gzipSync } from "node:zlib";
import { createNativeXdeltaCodec } from "@dg/xdelta";
import { describe, expect, it } from "vitest";
import { firstRelease, nextRelease } from "../test/corpus.js";
import { decodeWith, encodeWith, same } from "../test/helpers.js";
import { writeTar } from "../test/tar-writer.js";
import { writeZip } from "../test/zip-writer.js";
import { createArchiveCodec } from "./archive-codec.js";
import type { ArchiveEncodeReport } from "./encode-archive.js";

const inner = createNativeXdeltaCodec();

function codecWithReports() {
  const reports: ArchiveEncodeReport[] = [];
  const codec = createArchiveCodec({ inner, onEncodeReport: (r) => reports.push(r) });
  return { codec, reports };
}

describe("createArchiveCodec", () => {
  const v1 = firstRelease(11);
  const v2 = nextRelease(v1, 12);

  it("makes a much smaller, marked delta for zlib-made zips and rebuilds them exactly", async () => {
    const ref = writeZip(v1);
    const target = writeZip(v2);
    const { codec, reports } = codecWithReports();
    const { delta, formats } = await encodeWith(codec, ref, target);
    expect(formats).toEqual(["dg-archive/1"]);
    expect(reports[0]?.chosen).toBe("archive");
    const { delta: raw } = await encodeWith(inner, ref, target);
    expect(delta.length).toBeLessThan(raw.length / 2);
    expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
  });

  it("does the same for npm-style tgz (tar, gzip level 9)", async () => {
    const ref = gzipSync(writeTar(v1), { level: 9 });
    const target = gzipSync(writeTar(v2), { level: 9 });
    const { codec } = codecWithReports();
    const { delta, formats } = await encodeWith(codec, ref, target);
    expect(formats).toEqual(["dg-archive/1"]);
    const { delta: raw } = await encodeWith(inner, ref, target);
    expect(delta.length).toBeLessThan(raw.length / 2);
    expect(same(await decodeWith(codec, ref, delta), target)).toBe(true);
  });
});

import { crc32 } from "node:zlib";
import { createBufferSource } from "@dg/core/memory";
import { describe, expect, it } from "vitest";
import type { ZipEntryInput } from "../test/zip-writer.js";
import { writeZip } from "../test/zip-writer.js";
import { findZipDeflateEntries } from "./zip-layout.js";

const files: ZipEntryInput[] = [
  { name: "a.txt", data: Buffer.from("hello hello hello hello\n".repeat(50)) },
  { name: "b.bin", data: Buffer.from("stored bytes"), method: "store" },
  { name: "c/d.txt", data: Buffer.from("x".repeat(5000)), dataDescriptor: true },
];

describe("findZipDeflateEntries", () => {
  for (const zip64 of [false, true]) {
    it(`finds deflated entries through the central directory${zip64 ? " (zip64)" : ""}`, async () => {
      const zip = writeZip(files, { zip64, comment: "PK\u0005\u0006 in a comment" });
      const entries = await findZipDeflateEntries(createBufferSource(zip));
      expect(entries.map((e) => e.uncompressedSize)).toEqual([1200, 5000]);
      expect(entries.map((e) => e.crc32)).toEqual([crc32(files[0]!.data), crc32(files[2]!.data)]);
      for (const entry of entries) {
        expect(entry.dataOffset + entry.compressedSize).toBeLessThan(zip.length);
      }
      // The first entry's data follows its 30-byte local header, name and extra field.
      expect(entries[0]?.dataOffset).toBe(30 + "a.txt".length + (zip64 ? 20 : 0));
    });
  }

  it("returns nothing for an empty zip, a non-zip, and a zip without its directory", async () => {
    expect(await findZipDeflateEntries(createBufferSource(writeZip([])))).toEqual([]);
    expect(await findZipDeflateEntries(createBufferSource(new Uint8Array(100)))).toEqual([]);
    const zip = writeZip(files);
    expect(
      await findZipDeflateEntries(createBufferSource(zip.subarray(0, zip.length - 30))),
    ).toEqual([]);
  });

  it("skips entries whose local header does not match", async () => {
    const zip = Buffer.from(writeZip(files));
    zip[0] = 0; // break the first local header's signature
    const entries = await findZipDeflateEntries(createBufferSource(zip));
    expect(entries.map((e) => e.uncompressedSize)).toEqual([5000]);
  });
});

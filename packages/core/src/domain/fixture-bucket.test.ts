import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isInternalKey, logicalKeyOf } from "./deltaspace.js";
import {
  classifyStoredObject,
  parseDeltaMetadata,
  parseDirectMetadata,
  parseReferenceMetadata,
} from "./metadata.js";

// The Python tool's bucket, kept in the repository under fixtures/.
const fixture = fileURLToPath(
  new URL("../../../../fixtures/interop-python-deltaglider/bucket.json", import.meta.url),
);
const bucket = JSON.parse(readFileSync(fixture, "utf8")) as {
  objects: { key: string; size: number; metadata: Record<string, string> }[];
};

describe("the Python tool's bucket (fixtures/)", () => {
  it("classifies every stored object", () => {
    const kinds = Object.fromEntries(
      bucket.objects.map((o) => [o.key, classifyStoredObject(o.key, o.metadata)]),
    );
    expect(kinds).toEqual({
      "demo-1.0.1.zip.delta": "delta",
      "reference.bin": "reference",
      "releases/demo/checksums.sha256": "direct",
      "releases/demo/demo-1.0.0.zip.delta": "delta",
      "releases/demo/demo-1.0.1.zip.delta": "delta",
      "releases/demo/demo-1.0.2.zip.delta": "delta",
      "releases/demo/other-9.9.9.zip.delta": "delta",
      "releases/demo/reference.bin": "reference",
    });
  });

  it("maps to the logical keys its README lists", () => {
    const logical = bucket.objects
      .filter((o) => !isInternalKey(o.key))
      .map((o) => logicalKeyOf(o.key))
      .sort();
    expect(logical).toEqual([
      "demo-1.0.1.zip",
      "releases/demo/checksums.sha256",
      "releases/demo/demo-1.0.0.zip",
      "releases/demo/demo-1.0.1.zip",
      "releases/demo/demo-1.0.2.zip",
      "releases/demo/other-9.9.9.zip",
    ]);
  });

  it("parses all metadata, with deltas pointing at their deltaspace's reference", () => {
    for (const o of bucket.objects) {
      const where = `s3://pyinterop/${o.key}`;
      const kind = classifyStoredObject(o.key, o.metadata);
      if (kind === "delta") {
        const meta = parseDeltaMetadata(where, o.metadata);
        expect(meta.deltaSize).toBe(o.size);
        const reference = bucket.objects.find((r) => r.key === meta.refKey);
        expect(
          reference && parseReferenceMetadata(meta.refKey, reference.metadata).fileSha256,
        ).toBe(meta.refSha256);
      } else if (kind === "direct") {
        expect(parseDirectMetadata(where, o.metadata).fileSize).toBe(o.size);
      }
    }
  });
});

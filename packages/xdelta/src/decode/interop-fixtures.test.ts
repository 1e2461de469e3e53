import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decodeAll } from "../../test/fixtures-decode/harness.js";
import { readVcdiffHeader } from "./file-header.js";

// The bucket the Python DeltaGlider wrote, kept in the repository under fixtures/.
const fixtureRoot = fileURLToPath(
  new URL("../../../../fixtures/interop-python-deltaglider/", import.meta.url),
);

interface BucketObject {
  readonly key: string;
  readonly metadata: Readonly<Record<string, string>>;
}

const bucket = JSON.parse(await readFile(`${fixtureRoot}bucket.json`, "utf8")) as {
  objects: BucketObject[];
};
const deltas = bucket.objects.filter((o) => o.key.endsWith(".delta"));

describe("deltas written by the Python DeltaGlider (xdelta3 3.0.11)", () => {
  it("has deltas to check", () => {
    expect(deltas.length).toBeGreaterThanOrEqual(5);
  });

  for (const object of deltas) {
    it(`decodes ${object.key} to its dg-file-sha256`, async () => {
      const ref = object.metadata["dg-ref-key"]!;
      const source = new Uint8Array(await readFile(`${fixtureRoot}objects/${ref}`));
      const delta = new Uint8Array(await readFile(`${fixtureRoot}objects/${object.key}`));
      const header = await readVcdiffHeader(delta);
      expect(header.secondaryCompressor).toBe("lzma");
      expect(header.xdelta3?.targetName).toBe(object.metadata["dg-original-name"]);
      const out = await decodeAll(source, delta, {}, 1000);
      const sha = createHash("sha256").update(out).digest("hex");
      expect(sha).toBe(object.metadata["dg-file-sha256"]);
      const name = object.metadata["dg-original-name"]!;
      const original = await readFile(`${fixtureRoot}originals/${name}`);
      expect(Buffer.from(out).equals(original)).toBe(true);
    });
  }
});

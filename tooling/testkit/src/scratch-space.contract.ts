import type { ScratchSpace } from "@dg/core";
import { collectBytes } from "@dg/core";
import { describe, expect, it } from "vitest";
import { seededBytes } from "./seeded.js";

/**
 * The behaviour every `ScratchSpace` must have: what was written reads back, as a stream and
 * by position, as often as asked, until disposed.
 *
 * @example
 * ```ts
 * scratchSpaceContract("memory", () => createMemoryScratchSpace());
 * ```
 */
export function scratchSpaceContract(name: string, makeScratch: () => ScratchSpace): void {
  describe(`ScratchSpace contract: ${name}`, () => {
    it.each([0, 1, 65_536, 1_000_003])(
      "round-trips %i bytes, twice, streamed and by position",
      async (size) => {
        const bytes = seededBytes(size + 1, size);
        const writer = await makeScratch().create();
        for (let at = 0; at < size; at += 10_000) await writer.write(bytes.slice(at, at + 10_000));
        const blob = await writer.finish();
        try {
          expect(blob.size).toBe(size);
          for (let round = 0; round < 2; round++) {
            expect(Buffer.from(await collectBytes(blob.open())).equals(Buffer.from(bytes))).toBe(
              true,
            );
          }
          const source = await blob.openRandomAccess();
          try {
            expect(source.size).toBe(size);
            const at = Math.floor(size / 3);
            expect(
              Buffer.from(await source.read(at, 1234)).equals(
                Buffer.from(bytes.subarray(at, at + 1234)),
              ),
            ).toBe(true);
            expect((await source.read(size, 10)).length).toBe(0);
          } finally {
            await source.close();
          }
        } finally {
          await blob.dispose();
        }
      },
    );

    it("keeps concurrent blobs apart", async () => {
      const space = makeScratch();
      const a = await space.create();
      const b = await space.create();
      await a.write(seededBytes(1, 1000));
      await b.write(seededBytes(2, 2000));
      const [blobA, blobB] = [await a.finish(), await b.finish()];
      expect(await collectBytes(blobA.open())).toEqual(seededBytes(1, 1000));
      expect(await collectBytes(blobB.open())).toEqual(seededBytes(2, 2000));
      await blobA.dispose();
      await blobB.dispose();
    });

    it("can discard a blob before finishing it", async () => {
      const writer = await makeScratch().create();
      await writer.write(seededBytes(3, 100));
      await expect(writer.dispose()).resolves.toBeUndefined();
    });
  });
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "./encode/test-fixtures.js";
import { openFileSource } from "./file-source.js";

let dir: string;
const bytes = randomBytes(61, 100_000);
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dg-file-source-"));
  await writeFile(join(dir, "data"), bytes);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("openFileSource", () => {
  it("reads by position, short only at the end", async () => {
    const source = await openFileSource(join(dir, "data"));
    try {
      expect(source.size).toBe(100_000);
      expect(source.path).toBe(join(dir, "data"));
      expect(Buffer.compare(await source.read(500, 1000), bytes.subarray(500, 1500))).toBe(0);
      expect((await source.read(99_990, 100)).length).toBe(10);
      expect((await source.read(100_000, 10)).length).toBe(0);
      expect((await source.read(200_000, 10)).length).toBe(0);
    } finally {
      await source.close();
    }
  });

  it("reads into the caller's buffer at an offset, short only at the end", async () => {
    const source = await openFileSource(join(dir, "data"));
    try {
      const into = new Uint8Array(3000).fill(7);
      expect(await source.readInto?.(500, into, 1000, 1500)).toBe(1500);
      expect(Buffer.compare(into.subarray(1000, 2500), bytes.subarray(500, 2000))).toBe(0);
      expect(into[999]).toBe(7);
      expect(into[2500]).toBe(7);
      expect(await source.readInto?.(99_990, into, 0, 100)).toBe(10);
      expect(await source.readInto?.(100_000, into, 0, 10)).toBe(0);
      await expect(source.readInto?.(0, into, 2000, 1001)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    } finally {
      await source.close();
    }
    await expect(source.readInto?.(0, new Uint8Array(1), 0, 1)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  it("rejects reads after close and bad ranges", async () => {
    const source = await openFileSource(join(dir, "data"));
    await expect(source.read(-1, 10)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await source.close();
    await source.close();
    await expect(source.read(0, 10)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("maps a missing file and a directory to typed errors", async () => {
    await expect(openFileSource(join(dir, "missing"))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(openFileSource(dir)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sameBytes, seededBytes, tempFolder } from "@dg/testkit";
import { openFileSource } from "./file-source.js";

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-file-source-");
});
afterEach(async () => {
  await folder.remove();
});

describe("openFileSource", () => {
  it("reads by position, short only at the end, and exposes the path", async () => {
    const path = join(folder.path, "f.bin");
    const data = seededBytes(1, 100_000);
    await writeFile(path, data);
    const source = await openFileSource(path);
    expect(source.size).toBe(data.length);
    expect(source.path).toBe(path);
    expect(sameBytes(await source.read(12_345, 5000), data.subarray(12_345, 17_345))).toBe(true);
    expect(sameBytes(await source.read(99_990, 100), data.subarray(99_990))).toBe(true);
    expect((await source.read(100_000, 10)).length).toBe(0);
    expect((await source.read(200_000, 10)).length).toBe(0);
    await expect(source.read(-1, 10)).rejects.toThrow(/position/);
    await expect(source.read(-1, 10)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await source.close();
    await source.close();
    await expect(source.read(0, 1)).rejects.toThrow(/closed/);
    await expect(source.read(0, 1)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("reads into the caller's buffer at an offset, short only at the end", async () => {
    const path = join(folder.path, "f.bin");
    const data = seededBytes(2, 100_000);
    await writeFile(path, data);
    const source = await openFileSource(path);
    try {
      const into = new Uint8Array(3000).fill(7);
      expect(await source.readInto?.(500, into, 1000, 1500)).toBe(1500);
      expect(sameBytes(into.subarray(1000, 2500), data.subarray(500, 2000))).toBe(true);
      expect(into[999]).toBe(7);
      expect(into[2500]).toBe(7);
      expect(await source.readInto?.(99_990, into, 0, 100)).toBe(10);
      expect(await source.readInto?.(100_000, into, 0, 10)).toBe(0);
      await expect(source.readInto?.(0, into, 2000, 1001)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      await expect(source.readInto?.(-1, into, 0, 1)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    } finally {
      await source.close();
    }
    await expect(source.readInto?.(0, new Uint8Array(1), 0, 1)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  it("maps a missing file to NotFoundError and a folder to InvalidArgumentError", async () => {
    const error = await openFileSource(join(folder.path, "missing")).catch((e: unknown) => e);
    expect(hasCode(error, "NOT_FOUND")).toBe(true);
    expect((error as Error).message).toMatch(/No such file/);
    await expect(openFileSource(folder.path)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      hint: expect.stringMatching(/regular file/),
    });
  });
});

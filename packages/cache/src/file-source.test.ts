import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sameBytes, seededBytes, tempFolder } from "../test/helpers.js";
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
    await source.close();
    await expect(source.read(0, 1)).rejects.toThrow(/closed/);
  });

  it("maps a missing file to NotFoundError", async () => {
    const error = await openFileSource(join(folder.path, "missing")).catch((e: unknown) => e);
    expect(hasCode(error, "NOT_FOUND")).toBe(true);
  });
});

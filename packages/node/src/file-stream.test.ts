import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { collectBytes } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sameBytes, seededBytes, tempFolder } from "@dg/testkit";
import { streamFile } from "./file-stream.js";

let folder: { path: string; remove(): Promise<void> };
const data = seededBytes(3, 2_500_000);
beforeEach(async () => {
  folder = await tempFolder("dg-file-stream-");
  await writeFile(join(folder.path, "f.bin"), data);
});
afterEach(async () => {
  await folder.remove();
});

describe("streamFile", () => {
  it("streams the whole file, or a byte range of it", async () => {
    const path = join(folder.path, "f.bin");
    expect(sameBytes(await collectBytes(streamFile(path)), data)).toBe(true);
    const middle = await collectBytes(streamFile(path, { start: 1_000_000, end: 2_100_000 }));
    expect(sameBytes(middle, data.subarray(1_000_000, 2_100_000))).toBe(true);
    expect((await collectBytes(streamFile(path, { start: 10, end: 10 }))).length).toBe(0);
    expect(
      sameBytes(
        await collectBytes(streamFile(path, { start: 2_499_990 })),
        data.subarray(2_499_990),
      ),
    ).toBe(true);
  });

  it("maps a missing file to NotFoundError", async () => {
    await expect(collectBytes(streamFile(join(folder.path, "missing")))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/missing: No such file or folder$/),
    });
  });

  it("stops with CancelledError when its signal is aborted", async () => {
    const controller = new AbortController();
    const read = (async () => {
      for await (const _ of streamFile(join(folder.path, "f.bin"), { signal: controller.signal })) {
        controller.abort();
      }
    })();
    await expect(read).rejects.toMatchObject({ code: "CANCELLED" });
    const aborted = AbortSignal.abort();
    await expect(
      collectBytes(streamFile(join(folder.path, "f.bin"), { signal: aborted })),
    ).rejects.toMatchObject({ code: "CANCELLED" });
  });
});

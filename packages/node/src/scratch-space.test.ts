import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readSource, sameBytes, seededBytes, tempFolder } from "@dg/testkit";
import { createFsScratchSpace } from "./scratch-space.js";

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-scratch-");
});
afterEach(async () => {
  await folder.remove();
});

async function concat(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

describe("createFsScratchSpace", () => {
  it("writes a private temp file that reads back as a stream and by position, many times", async () => {
    const scratch = createFsScratchSpace({ directory: folder.path });
    const writer = await scratch.create();
    const data = seededBytes(1, 2_500_000);
    // Writes not awaited one by one still land in order.
    const writes: Promise<void>[] = [];
    for (let at = 0; at < data.length; at += 100_000)
      writes.push(writer.write(data.subarray(at, at + 100_000)));
    await Promise.all(writes);
    const blob = await writer.finish();
    expect(blob.size).toBe(data.length);

    const [name] = await readdir(folder.path);
    expect(name).toMatch(new RegExp(`^deltaglider-${process.pid}-[0-9a-f]{8}-[0-9a-f]{16}\\.tmp$`));
    expect((await stat(join(folder.path, name ?? ""))).mode & 0o777).toBe(0o600);

    expect(sameBytes(await concat(blob.open()), data)).toBe(true);
    expect(sameBytes(await concat(blob.open()), data)).toBe(true);
    const source = await blob.openRandomAccess();
    expect(source.size).toBe(data.length);
    expect(sameBytes(await source.read(1_000_000, 10), data.subarray(1_000_000, 1_000_010))).toBe(
      true,
    );
    expect(sameBytes(await readSource(source), data)).toBe(true);
    await source.close();

    await blob.dispose();
    expect(await readdir(folder.path)).toEqual([]);
    await blob.dispose();
  });

  it("deletes the file when the writer is disposed, and refuses writes after finish", async () => {
    const scratch = createFsScratchSpace({ directory: folder.path });
    const dropped = await scratch.create();
    await dropped.write(new Uint8Array(10));
    await dropped.dispose();
    expect(await readdir(folder.path)).toEqual([]);

    const writer = await scratch.create();
    const blob = await writer.finish();
    expect(blob.size).toBe(0);
    expect((await concat(blob.open())).length).toBe(0);
    await expect(writer.write(new Uint8Array(1))).rejects.toThrow(/finished/);
    await blob.dispose();
  });

  it("stops a stream when its signal is aborted", async () => {
    const scratch = createFsScratchSpace({ directory: folder.path });
    const writer = await scratch.create();
    await writer.write(seededBytes(2, 3 * 1024 * 1024));
    const blob = await writer.finish();
    const controller = new AbortController();
    const read = (async () => {
      for await (const _ of blob.open({ signal: controller.signal })) controller.abort();
    })();
    await expect(read).rejects.toMatchObject({ code: "CANCELLED" });
    await blob.dispose();
  });
});

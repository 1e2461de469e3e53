import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempFolder } from "@dg/testkit";
import { createTempDir, createTempFile, tempName, tempNameOwner } from "./temp-files.js";

let folder: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  folder = await tempFolder("dg-temp-files-");
});
afterEach(async () => {
  await folder.remove();
});

describe("tempName and tempNameOwner", () => {
  it("name this process as the owner, and read it back", () => {
    const name = tempName(".tmp");
    expect(name).toMatch(new RegExp(`^deltaglider-${process.pid}-[0-9a-f]{8}-[0-9a-f]{16}\\.tmp$`));
    expect(tempNameOwner(name)).toBe(process.pid);
    expect(tempNameOwner(tempName())).toBe(process.pid);
    expect(tempName()).not.toBe(tempName());
  });

  it("recognise no other name", () => {
    for (const name of [
      "notes.txt",
      "deltaglider-12-abc.tmp",
      "deltaglider-0-1a2b3c4d-0123456789abcdef.tmp",
      "deltaglider-12-0123456789abcdef.tmp",
      "deltaglider-x-0123456789abcdef",
      ".tmp-12-0123456789abcdef",
    ]) {
      expect(tempNameOwner(name)).toBe(undefined);
    }
  });
});

describe("createTempFile", () => {
  it("creates a private file that reads and writes, and removes it", async () => {
    const temp = await createTempFile({ directory: folder.path, suffix: ".part" });
    expect(tempNameOwner(temp.path.slice(folder.path.length + 1))).toBe(process.pid);
    expect(temp.path.endsWith(".part")).toBe(true);
    expect((await stat(temp.path)).mode & 0o777).toBe(0o600);
    await temp.handle.write(Buffer.from("hello"), 0, 5, 0);
    const back = Buffer.alloc(5);
    await temp.handle.read(back, 0, 5, 0);
    expect(back.toString()).toBe("hello");
    await temp.handle.close();
    await temp.remove();
    await temp.remove();
    expect(await readdir(folder.path)).toEqual([]);
  });

  it("says which folder it could not create the file in", async () => {
    const missing = join(folder.path, "missing");
    await expect(createTempFile({ directory: missing })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringMatching(/^Could not create the temporary file .*missing.*: No such/),
    });
  });
});

describe("createTempDir", () => {
  it("creates a private folder and removes it with its contents", async () => {
    const work = await createTempDir({ directory: folder.path, suffix: ".work" });
    expect((await stat(work.path)).mode & 0o777).toBe(0o700);
    expect(work.file("a.bin")).toBe(join(work.path, "a.bin"));
    await writeFile(work.file("a.bin"), "x");
    await work.dispose();
    await work.dispose();
    expect(await readdir(folder.path)).toEqual([]);
  });

  it("maps a failure to create it", async () => {
    await expect(
      createTempDir({ directory: join(folder.path, "missing", "deeper") }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

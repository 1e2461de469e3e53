import { mkdtemp, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasCode } from "@dg/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertUnchanged } from "./unchanged.js";

describe("assertUnchanged (tag rewrites of the directory store)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "dg-unchanged-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const conflictOf = (promise: Promise<void>) =>
    promise.then(
      () => "published",
      (error: unknown) => (hasCode(error, "CONFLICT") ? "conflict" : String(error)),
    );

  it("lets the same file through, and refuses one replaced or deleted meanwhile", async () => {
    const path = join(dir, "object");
    await writeFile(path, "old body");
    const { dev, ino } = await stat(path);
    expect(await conflictOf(assertUnchanged(path, { dev, ino }, "s3://b/k"))).toBe("published");

    // A put publishes a new file under the name (temp file + rename).
    await writeFile(join(dir, "temp"), "new body");
    await rename(join(dir, "temp"), path);
    expect(await conflictOf(assertUnchanged(path, { dev, ino }, "s3://b/k"))).toBe("conflict");

    await unlink(path);
    expect(await conflictOf(assertUnchanged(path, { dev, ino }, "s3://b/k"))).toBe("conflict");
  });
});
